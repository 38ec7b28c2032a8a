"""A small corpus written for the corpus tests: two Jiangsu counties, 2022-2023, every supported format.

Why hand-written: the expected datasets and links in tests/test_corpus*.py are computed by hand from
these texts, so every figure below is chosen to exercise one rule (a missed point target, a met
bound, a unit conversion, a revised figure, a duplicate file, an unreadable file).
"""

from __future__ import annotations

from pathlib import Path

# 扬中市 2022 work report (UTF-8, corpus header): review of 2021, targets for 2022.
YZ_2022 = """SOURCE: test
TYPE: A
REGION: 江苏省镇江市扬中市
YEAR: 2022

扬中市人民政府工作报告
各位代表：
一、过去一年工作回顾
2021年，全市地区生产总值增长9.1%，一般公共预算收入完成38亿元。
二、2022年主要预期目标
今年经济社会发展的主要预期目标是：地区生产总值增长8%左右，一般公共预算收入达到40亿元以上。
"""

# 扬中市 2023 work report (GB18030, no header: region and year from the opening lines).
YZ_2023 = """扬中市人民政府工作报告
2023年1月10日在扬中市第十八届人民代表大会第三次会议上
各位代表：
一、过去一年工作回顾
2022年，全市地区生产总值增长7.5%，一般公共预算收入完成41.2亿元。
二、2023年主要预期目标
今年经济社会发展的主要预期目标是：地区生产总值增长6%左右。
"""

# 扬中市 2022 statistical bulletin (HTML): gives 7.6% for GDP growth (the report a year later says 7.5%),
# and budget revenue in 万元 (412000万元 = 41.2亿元, agreeing with the report).
YZ_BULLETIN_2022 = """<!doctype html><html><head><meta charset="utf-8"><title>统计公报</title></head><body>
<h1>扬中市2022年国民经济和社会发展统计公报</h1>
<p>扬中市统计局</p>
<p>经初步核算，全年地区生产总值增长7.6%。一般公共预算收入412000万元。</p>
</body></html>
"""

# 句容市 2022 work report (docx; no header, region from the folder name 句容市/).
JR_2022_PARAS = [
    "2022年政府工作报告",
    "各位代表：",
    "一、过去一年工作回顾",
    "2021年，地区生产总值增长8.9%。",
    "二、2022年主要预期目标",
    "今年经济社会发展的主要预期目标是：地区生产总值增长7%，固定资产投资增长10%以上。",
]

# 句容市 2022 statistical bulletin (GB18030 text with a header).
JR_BULLETIN_2022 = """SOURCE: test
TYPE: B
REGION: 江苏省镇江市句容市
YEAR: 2022

句容市2022年国民经济和社会发展统计公报
全年地区生产总值增长6.8%。固定资产投资增长12%。
"""


def write_docx(path: Path, paragraphs: list[str]) -> None:
    from docx import Document

    d = Document()
    for p in paragraphs:
        d.add_paragraph(p)
    d.save(str(path))


def build(root: Path) -> Path:
    """Write the corpus under `root` and return it."""
    (root / "扬中市").mkdir(parents=True)
    (root / "句容市").mkdir()
    (root / "重复").mkdir()
    (root / "扬中市" / "yz2022.txt").write_text(YZ_2022, encoding="utf-8")
    (root / "扬中市" / "yz2023.txt").write_bytes(YZ_2023.encode("gb18030"))
    (root / "扬中市" / "bulletin2022.html").write_text(YZ_BULLETIN_2022, encoding="utf-8")
    write_docx(root / "句容市" / "report2022.docx", JR_2022_PARAS)
    (root / "句容市" / "bulletin2022.txt").write_bytes(JR_BULLETIN_2022.encode("gb18030"))
    (root / "重复" / "bulletin2022-copy.txt").write_bytes(JR_BULLETIN_2022.encode("gb18030"))
    (root / "重复" / "broken.docx").write_bytes(b"this is not a zip file at all")
    return root


def test_the_written_corpus_has_every_case(tmp_path: Path) -> None:
    """The corpus the expectations are computed from: formats, encodings, a duplicate, an unreadable file."""
    root = build(tmp_path / "docs")
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert files == ["句容市/bulletin2022.txt", "句容市/report2022.docx", "扬中市/bulletin2022.html",
                     "扬中市/yz2022.txt", "扬中市/yz2023.txt", "重复/broken.docx", "重复/bulletin2022-copy.txt"]
    assert (root / "重复" / "bulletin2022-copy.txt").read_bytes() == (root / "句容市" / "bulletin2022.txt").read_bytes()
    (root / "扬中市" / "yz2023.txt").read_bytes().decode("gb18030")
