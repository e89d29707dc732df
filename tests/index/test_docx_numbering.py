"""Word's automatic list numbers are read as the numbers a reader sees, so clauses keep their levels."""

from __future__ import annotations

import docx
import pytest
from docx.oxml import parse_xml

from zhengce.index.corpus import load_document
from zhengce.index.docx_numbering import chinese_number, format_number

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
# Ours: the usual levels of an official document, numbered by Word instead of typed.
LEVELS = ('<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
          '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
          '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>')


def numbered_docx(path, paragraphs, style_list: bool = False):
    """A .docx whose paragraphs (text, level or None[, numId]) are numbered by Word's list numbering.

    numId 90 is the list; 91 is a second instance of the same levels restarted at 1
    (``startOverride``); 0 means "not numbered"."""
    d = docx.Document()
    numbering = d.part.numbering_part.element
    numbering.append(parse_xml(f'<w:abstractNum {W} w:abstractNumId="90">{LEVELS}</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {W} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    numbering.append(parse_xml(f'<w:num {W} w:numId="91"><w:abstractNumId w:val="90"/>'
                               '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'))
    for text, level, *num in paragraphs:
        if level is not None and style_list:
            d.add_paragraph(text, style="List Number")  # numbered by its style, not by itself
            continue
        p = d.add_paragraph(text)
        if level is not None:
            p._p.get_or_add_pPr().append(parse_xml(
                f'<w:numPr {W}><w:ilvl w:val="{level}"/><w:numId w:val="{num[0] if num else 90}"/></w:numPr>'))
    d.save(path)
    return path


def test_numbers_levels_and_units_survive_word_numbering(tmp_path):
    path = numbered_docx(tmp_path / "n.docx", [
        ("广西壮族自治区人民政府关于推进县域商业体系建设的实施意见", None), ("为推进县域商业体系建设，提出以下意见。", None),
        ("总体要求", 0), ("坚持市场主导。发挥市场作用。", 1),
        ("重点任务", 0), ("完善县域商业网络。建设物流配送中心。（自治区商务厅牵头）", 1),
        ("建设县级物流中心。", 2), ("", 2), ("建设乡镇商贸中心。", 2), ("培育商业主体。（自治区商务厅负责）", 1),
    ] + [(f"第{i}项任务。内容。", 0) for i in range(3, 12)])
    doc = load_document(path)
    by_title = {c.title: c for c in doc.clauses}
    assert by_title["重点任务"].number == "二、" and by_title["完善县域商业网络"].number == "(一)"  # restarts under 二、
    assert by_title["完善县域商业网络"].path == ("二、重点任务",)
    assert [u.name for u in by_title["完善县域商业网络"].units] == ["自治区商务厅"]
    assert by_title["建设县级物流中心"].number == "1."
    assert by_title["建设乡镇商贸中心"].number == "3."  # an empty numbered paragraph still takes its number
    assert by_title["第11项任务"].number == "十一、"
    # the typed text is all there, each paragraph after its number
    assert "二、重点任务\n(一)完善县域商业网络" in doc.original.replace("（", "(").replace("）", ")")


def test_a_list_style_numbers_its_paragraphs(tmp_path):
    path = numbered_docx(tmp_path / "s.docx", [("关于推进县域商业体系建设的实施意见", None), ("完善县域商业网络。内容。", 0),
                                               ("培育商业主体。内容。", 0)], style_list=True)
    assert [c.number for c in load_document(path).clauses] == ["1.", "2."]


def test_a_restarted_list_an_unnumbered_paragraph_and_a_broken_level(tmp_path):
    path = numbered_docx(tmp_path / "r.docx", [
        ("关于推进县域商业体系建设的实施意见", None), ("甲任务。内容。", 0), ("乙任务。内容。", 0),
        ("不编号的一段话。", 0, "0"),                         # numId 0: no number, no count
        ("丙任务。内容。", 0),
        ("另一份清单的首项。内容。", 0, "91"),                 # the same levels, restarted at 1
        ("第十层级。内容。", 9),                               # no such level: no number, no error
    ])
    numbers = {c.title: c.number for c in load_document(path).clauses}
    assert numbers["甲任务"] == "一、" and numbers["丙任务"] == "三、"
    assert numbers["另一份清单的首项"] == "一、"
    assert numbers["不编号的一段话"] == "" and numbers["第十层级"] == ""


@pytest.mark.parametrize("n, text", [(1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (105, "一百零五"), (110, "一百一十")])
def test_chinese_numbers(n, text):
    assert chinese_number(n) == text


def test_formats():
    assert format_number(3, "decimal") == "3" and format_number(3, "decimalEnclosedCircle") == "③"
    assert format_number(2, "lowerLetter") == "b" and format_number(1, "bullet") is None
    assert format_number(3, "ideographTraditional") == "丙" and format_number(2, "chineseLegalSimplified") == "贰"
    assert format_number(4, "upperRoman") == "IV" and format_number(1, "decimalEnclosedParen") == "(1)"
    assert format_number(7, "decimalZero") == "07"


def test_a_serial_column_numbered_by_word_numbers_the_task_rows(tmp_path):
    """A task table whose 序号 cells hold only Word's number (ours): the rows keep their numbers."""
    d = docx.Document()
    d.add_paragraph("关于印发重点任务分工方案的通知")
    numbering = d.part.numbering_part.element
    numbering.append(parse_xml(f'<w:abstractNum {W} w:abstractNumId="80"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
                               '<w:numFmt w:val="decimal"/><w:lvlText w:val="%1"/></w:lvl></w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {W} w:numId="80"><w:abstractNumId w:val="80"/></w:num>'))
    table = d.add_table(rows=4, cols=3)
    for j, head in enumerate(["序号", "重点任务", "牵头单位"]):
        table.cell(0, j).text = head
    for i, (task, unit) in enumerate([("推进数据共享。", "省数据局"), ("优化审批流程。", "省政务服务办"),
                                      ("加强监管。", "省市场监管局")], 1):
        table.cell(i, 0).paragraphs[0]._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {W}><w:ilvl w:val="0"/><w:numId w:val="80"/></w:numPr>'))
        table.cell(i, 1).text, table.cell(i, 2).text = task, unit
    d.save(tmp_path / "t.docx")
    clauses = load_document(tmp_path / "t.docx").clauses
    assert [(c.number, c.title, [u.name for u in c.units]) for c in clauses] == [
        ("1.", "推进数据共享", ["省数据局"]), ("2.", "优化审批流程", ["省政务服务办"]), ("3.", "加强监管", ["省市场监管局"])]
