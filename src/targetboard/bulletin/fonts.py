"""The CJK font the bulletin's charts and document use, found on a short search list.

Why a fixed list and a hard failure: a chart drawn without a Chinese font shows boxes (豆腐块) where
the unit names should be, and a bulletin like that is worse than none. The project installs Debian's
`fonts-wqy-microhei` (scripts/system-deps.sh); Noto CJK is accepted too. When none is there the
bulletin is refused with the package to install.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from targetboard.errors import Unavailable

#: Where Debian (and most Linux distributions) put the fonts we accept, best first.
FONT_CANDIDATES: tuple[str, ...] = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
)
PACKAGE = "fonts-wqy-microhei"


@dataclass(frozen=True)
class CjkFont:
    path: Path
    family: str  # the name documents refer to it by ("WenQuanYi Micro Hei")


def find_cjk_font(candidates: Sequence[str] = FONT_CANDIDATES) -> CjkFont:
    """The first font of `candidates` that exists, or Unavailable naming the Debian package to install."""
    for c in candidates:
        if Path(c).is_file():
            return _font(c)
    raise Unavailable(f"找不到中文字体（已查找 {'、'.join(candidates)}），无法生成督查通报；"
                      f"请安装 Debian 软件包 {PACKAGE}",
                      f"no CJK font found (looked for {', '.join(candidates)}); the bulletin needs one: install "
                      f"the Debian package {PACKAGE}",
                      hint=f"apt-get install {PACKAGE} (or run scripts/system-deps.sh)")


@cache
def _font(path: str) -> CjkFont:
    from matplotlib import font_manager

    font_manager.fontManager.addfont(path)
    return CjkFont(Path(path), font_manager.FontProperties(fname=path).get_name())
