"""Numbering markers and the line starts that open, or cannot open, a paragraph."""

from __future__ import annotations

import pytest

from zhengce.index.cleaning import normalize
from zhengce.index.markers import annex_marker, continues, match_marker, opens_part, opens_quote


@pytest.mark.parametrize(("line", "number", "ordinal"), [
    ("附件", "附件", 0), ("附 件", "附件", 0), ("附件2：", "附件2:", 2), ("附件二", "附件二", 2),
    ("附件１．重点任务分工表", "附件1.", 1), ("附件：2025年技能人才工作重点任务分工方案", "附件:", 0),
])
def test_annex_headings(line, number, ordinal):
    marker = annex_marker(normalize(line))
    assert marker is not None and (marker.number, marker.ordinal) == (number, ordinal)
    assert match_marker(normalize(line)) == marker  # it outranks every other marker
    assert opens_part(normalize(line))


@pytest.mark.parametrize("line", ["附件下载：无", "附件所列事项由市数据局负责解释。", "附件1所列单位要按时报送。",
                                  "附件：各地要于3月底前报送进展情况。此后每季度报送一次。"])
def test_lines_naming_an_annex_are_no_heading(line):
    assert annex_marker(normalize(line)) is None


def test_what_can_begin_a_paragraph():
    assert continues(normalize("，实现社保卡在就医购药等领域应用。")) and continues("”等一批“一件事”。")
    assert not continues(normalize("（二）完善数据共享。"))
    assert opens_quote("“一卡通”,实现社保卡应用。") and opens_quote("《方案》已经同意。")
    assert not opens_quote(normalize("（二）完善数据共享。"))  # a numbered marker, not a bracket
    assert opens_part(normalize("（二）完善数据共享。")) and not opens_part("——培育一批企业。")
