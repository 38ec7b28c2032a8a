"""Who is acting: every write names an :class:`Actor`, and the audit trail records its name.

Why a value object and not a user row: the CLI acts for a person at a shell (``--by``, else
``$TARGETBOARD_USER``, else the login name) who may have no account, while the web acts for a
logged-in user; both reach the same services. An actor that names an account carries its role and
units, so the same permission checks apply whichever door it came through.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from targetboard.errors import Forbidden, Invalid
from targetboard.store.models import Region

ROLE_NAMES_ZH = {"admin": "管理员", "supervisor": "督查人员", "unit_editor": "单位填报员", "viewer": "只读用户"}


@dataclass(frozen=True)
class Actor:
    """A person acting: name for the audit trail, role and scope for permission checks."""

    name: str
    role: str = "admin"
    user_id: int | None = None
    unit_ids: frozenset[int] = field(default_factory=frozenset)
    region_id: int | None = None

    def __post_init__(self) -> None:
        if not self.name.strip() or len(self.name) > 64:
            raise Invalid("操作人名称应为 1-64 个字符", f"the actor's name must be 1-64 characters: {self.name[:80]!r}")

    def require(self, *roles: str) -> None:
        """Refuse unless the actor has one of `roles` (admin may do everything)."""
        if self.role == "admin" or self.role in roles:
            return
        wanted = "、".join(ROLE_NAMES_ZH.get(r, r) for r in roles)
        raise Forbidden(f"{self.name}（{ROLE_NAMES_ZH.get(self.role, self.role)}）无权执行此操作，需要：{wanted}",
                        f"{self.name} ({self.role}) may not do this; needs: {', '.join(roles)}")

    def require_unit(self, unit_id: int | None) -> None:
        """Refuse a unit editor acting outside its units (supervisors and admins pass)."""
        if self.role in ("admin", "supervisor"):
            return
        if self.role == "unit_editor" and unit_id is not None and unit_id in self.unit_ids:
            return
        raise Forbidden(f"{self.name} 只能修改本单位的事项", f"{self.name} may only change its own unit's items")


def require_region(actor: Actor, region: Region) -> None:
    """Refuse a supervisor acting outside its region (its region or any region below it).

    Admins pass; a supervisor without a region acts everywhere (a city-wide office).
    """
    if actor.role != "supervisor" or actor.region_id is None:
        return
    node: Region | None = region
    while node is not None:
        if node.id == actor.region_id:
            return
        node = node.parent
    raise Forbidden(f"{actor.name} 只能处理本辖区的事项，{region.name}不在其中",
                    f"{actor.name} may act only within its own region; {region.name} is outside it")
