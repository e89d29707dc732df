"""Tables from HTML and DOCX alike: task tables give one clause per row, other tables readable rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhengce.index.corpus import load_document
from zhengce.index.tables import is_meta_table, page_meta, render_table

FIXTURES = Path(__file__).parent / "fixtures"
GOVCN = Path(__file__).resolve().parents[2] / "eval" / "corpus" / "govcn"

TASK_GRID = [
    ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"],
    ["一、知识产权保护方面（共2项）"] * 5,
    ["1", "建立知识产权快速维权机制，开展专利侵权纠纷快速处理。", "市市场监管局", "市公安局、市中级法院", "2020年6月底前"],
    ["2", "推进知识产权质押融资。", "市金融局", "发展改革委、市财政局等", "长期坚持"],
    ["二、政务服务方面（共1项）"] * 5,
    ["3", "推行企业开办全程网上办理。", "市政务服务办", "各区县（市）人民政府", "5月底完成"],
]


def test_a_task_table_renders_one_line_per_task():
    lines = render_table(TASK_GRID)
    assert lines[0] == "一、知识产权保护方面(共2项)"
    assert lines[1] == ("1.建立知识产权快速维权机制,开展专利侵权纠纷快速处理。"
                        "（牵头单位：市市场监管局；配合单位：市公安局、市中级法院；完成时限：2020年6月底前）")
    assert len(lines) == 5


def test_other_tables_stay_readable_with_two_row_headers():
    grid = [["省（市）", "1995年招生人数", "分年度招生任务", "分年度招生任务"],
            ["省（市）", "1995年招生人数", "1996年", "1997年"],
            ["北京", "80", "80", "90"]]
    assert render_table(grid) == ["省(市)：北京；1995年招生人数：80；分年度招生任务·1996年：80；分年度招生任务·1997年：90。"]


@pytest.mark.parametrize("lower", [["牵头单位", "配合单位"], ["牵头", "配合"]])
def test_a_units_header_merged_over_lead_and_support_columns(lower):
    """"责任单位" spans two columns over "牵头单位"/"配合单位" (or "牵头"/"配合"): the lower cell names
    the column, so the row's units keep their roles; a unit's second name in brackets stays whole."""
    from zhengce.index.cleaning import normalize
    from zhengce.index.duty import find_duties

    grid = [["序号", "重点任务", "责任单位", "责任单位", "完成时限"],
            ["序号", "重点任务", *lower, "完成时限"],
            ["1", "培育数字化服务商。", "工业和信息化部（中小企业局）", "财政部", "2021年12月底前"]]
    line = render_table(grid)[0]
    assert line == ("1.培育数字化服务商。（牵头单位：工业和信息化部(中小企业局)；配合单位：财政部；"
                    "完成时限：2021年12月底前）")
    duties = find_duties(normalize(line))
    assert [(u.name, u.role) for u in duties.units] == [("工业和信息化部(中小企业局)", "lead"), ("财政部", "support")]
    assert duties.text == "1.培育数字化服务商。"


def test_metadata_tables_are_metadata():
    grid = [["索 引 号：", "000014349/2019-00003", "主题分类：", "商贸、海关、旅游\\海关"],
            ["标　　题：", "国务院关于促进综合保税区高水平开放高质量发展的若干意见"] * 2]
    assert is_meta_table(grid)
    assert page_meta(grid)["标题"] == "国务院关于促进综合保税区高水平开放高质量发展的若干意见"
    assert not is_meta_table(TASK_GRID)


def _task_docx(path):
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_paragraph("郑州市2020年优化营商环境重点任务分工方案")
    d.add_paragraph("为持续优化营商环境，制定本方案。")
    table = d.add_table(rows=len(TASK_GRID), cols=5)
    for r, row in enumerate(TASK_GRID):
        if len(set(row)) == 1:
            merged = table.cell(r, 0).merge(table.cell(r, 4))
            merged.text = row[0]
            continue
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    d.save(str(path))
    return path


def test_task_table_from_html_and_docx_gives_the_same_clauses(tmp_path):
    html = load_document(FIXTURES / "task_table.html")
    docx = load_document(_task_docx(tmp_path / "task_table.docx"))
    shape = [(c.id, c.heading, c.text, tuple((u.name, u.role) for u in c.units), c.deadline) for c in html.clauses]
    assert shape == [(c.id, c.heading, c.text, tuple((u.name, u.role) for u in c.units), c.deadline)
                     for c in docx.clauses]
    first = html.clauses[2]
    assert first.path == ("一、知识产权保护方面(共2项)",)
    assert [(u.name, u.role, u.basis) for u in first.units] == [
        ("市市场监管局", "lead", "explicit"), ("市公安局", "support", "explicit"), ("市中级法院", "support", "explicit")]
    assert first.deadline.iso == "2020-06-30"
    second = html.clauses[3]
    assert [(u.name, u.surface) for u in second.units][1] == ("市发展改革委", "发展改革委")  # a city notice
    assert second.deadline.ongoing
    assert html.clauses[-1].deadline.iso == "2020-05-31"  # year from the page's PubDate


def test_page_meta_tags_and_furniture():
    doc = load_document(FIXTURES / "task_table.html")
    m = doc.meta
    assert (m.title, m.issuer, m.date_published) == ("郑州市2020年优化营商环境重点任务分工方案", "郑州市人民政府办公厅",
                                                   "2020-03-18")
    assert (m.level, m.jurisdiction) == ("city", "郑州")
    text = "".join(c.title + c.text for c in doc.clauses)
    for junk in ("扫一扫", "打印", "责任编辑", "首页"):
        assert junk not in text


def test_indicator_table_with_merged_cells_html_and_docx():
    html = load_document(GOVCN / "content_5362266.htm")
    docx = load_document(GOVCN / "content_5362266.docx")
    rows = [c.text for c in html.clauses if c.text.startswith("一级指标")]
    assert len(rows) == 55 and rows == [c.text for c in docx.clauses if c.text.startswith("一级指标")]
    assert rows[0].startswith("一级指标:一、医疗质量;二级指标:(一)功能定位;三级指标:1.门诊人次数与出院人次数比;指标性质:定量;")
    # the merged 一级指标 cell is repeated on every row it covers
    assert rows[3].startswith("一级指标:一、医疗质量;二级指标:(一)功能定位;三级指标:4.")


def test_coordinate_rows_stay_readable():
    doc = load_document(GOVCN / "content_5345410.htm")
    rows = [c.text for c in doc.clauses if c.text.startswith("坐标编号")]
    assert rows[0] == "坐标编号:1;X坐标:15172.500;Y坐标:103655.000。"
    assert any("行车方向左侧挢面边缘线·X:" in r for r in rows)
