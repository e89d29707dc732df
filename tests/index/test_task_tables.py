"""Task tables with a merged category column: the category is a level of the clause path.

The form: a task table (a units column) whose leading task column is merged down over
several task rows (HTML rowspan, DOCX vMerge). The category becomes a heading clause
and each task row a child clause under it, from HTML and DOCX alike.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from zhengce.index.cleaning import normalize
from zhengce.index.corpus import load_document, parse_text
from zhengce.index.reading import read_docx, read_file
from zhengce.index.tables import category_columns, render_table, table_lines

FIXTURES = Path(__file__).parent / "fixtures"
GOVCN = Path(__file__).resolve().parents[2] / "eval" / "corpus" / "govcn"

HEADER = ["序号", "重点任务", "具体措施", "配合单位", "牵头单位", "完成时限"]
# The rows of fixtures/category_table.html: (cells, rows the category cell spans, or 0 under a span).
ROWS = [
    (["一、政务服务方面"] * 6, 1),
    (["1", "提升政务服务效能和办事便利度", "推行企业开办全程网上办理，压缩办理时间。", "市市场监管局、市税务局",
      "市政务服务办", "2021年6月底前"], 2),
    (["2", "", "推进“一网通办”，实现高频事项掌上办。", "各区县人民政府", "市大数据局", "2021年底前"], 0),
    (["二、市场环境方面"] * 6, 1),
    (["1", "加强知识产权保护", "建立知识产权快速维权机制。", "市公安局", "市市场监管局", "长期坚持"], 3),
    (["2", "", "推进知识产权质押融资。", "市财政局等", "市金融局", "2021年9月底前"], 0),
    (["3", "", "开展知识产权宣传。", "", "市市场监管局", "2021年底前"], 0),
    (["4", "规范涉企收费", "清理规范行业协会商会收费。", "市民政局", "市发展改革委", "2021年10月底前"], 1),
]


def _category_docx(path: Path) -> Path:
    """fixtures/category_table.html as a .docx: sections merged across, categories merged down (vMerge)."""
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_paragraph("为持续优化营商环境，制定本方案。")
    table = d.add_table(rows=len(ROWS) + 1, cols=len(HEADER))
    for c, label in enumerate(HEADER):
        table.cell(0, c).text = label
    for r, (cells, span) in enumerate(ROWS, start=1):
        if len(set(cells)) == 1:
            table.cell(r, 0).merge(table.cell(r, len(HEADER) - 1)).text = cells[0]
            continue
        for c, value in enumerate(cells):
            if c != 1:
                table.cell(r, c).text = value
        if span:
            merged = table.cell(r, 1).merge(table.cell(r + span - 1, 1)) if span > 1 else table.cell(r, 1)
            merged.text = cells[1]
    d.add_paragraph("各责任单位要抓好落实。")
    d.save(str(path))
    return path


def _shape(doc):
    return [(c.id, c.kind, c.number, c.title, c.path, c.text, tuple((u.name, u.role, u.basis) for u in c.units),
             c.deadline) for c in doc.clauses]


@pytest.fixture(scope="module")
def html_doc():
    return load_document(FIXTURES / "category_table.html")


def test_the_category_is_a_parent_clause_and_rows_its_children(html_doc):
    by_id = {c.id.split("#")[1]: c for c in html_doc.clauses}
    category = by_id["1.1"]
    assert (category.kind, category.number, category.title) == ("heading", "", "提升政务服务效能和办事便利度")
    assert category.path == ("一、政务服务方面",) and category.text == ""
    rows = [c for c in html_doc.clauses if c.parent_id == category.id]
    assert [c.id.split("#")[1] for c in rows] == ["1.1.1", "1.1.2"]
    first = rows[0]
    assert first.path == ("一、政务服务方面", "提升政务服务效能和办事便利度")
    assert first.number == "1." and first.title == "推行企业开办全程网上办理,压缩办理时间"
    assert first.text == "推行企业开办全程网上办理,压缩办理时间。"  # the category is not a prefix of the text
    # The 牵头单位 column comes after 配合单位 in the table: the lead is still listed first.
    assert [(u.name, u.role, u.basis) for u in first.units] == [
        ("市政务服务办", "lead", "explicit"), ("市市场监管局", "support", "explicit"),
        ("市税务局", "support", "explicit")]
    assert first.deadline.iso == "2021-06-30"


def test_rows_numbered_again_in_each_section_keep_structural_ids(html_doc):
    ids = [c.id.split("#")[1] for c in html_doc.clauses]
    assert ids == ["p1", "1", "1.1", "1.1.1", "1.1.2", "2", "2.1", "2.1.1", "2.1.2", "2.1.3", "2.2", "2.2.4", "p2"]
    assert not any("~" in i for i in ids) and not html_doc.warnings
    single = next(c for c in html_doc.clauses if c.id.endswith("#2.2.4"))  # a category of one row
    assert single.path == ("二、市场环境方面", "规范涉企收费")
    assert [(u.name, u.role) for u in single.units] == [("市发展改革委", "lead"), ("市民政局", "support")]
    # The paragraph after the table is not a child of the last category.
    assert html_doc.clauses[-1].path == () and html_doc.clauses[-1].text == "各责任单位要抓好落实。"


def test_offsets_cite_the_lines_exactly_as_read(html_doc):
    source = read_file(FIXTURES / "category_table.html")
    assert html_doc.original == source.text
    for c in html_doc.clauses:
        raw = html_doc.original[c.start:c.end]
        assert raw == raw.strip() and "\n" not in raw, c.id
        assert normalize(raw).startswith(normalize(c.number + c.title)), c.id
    category = next(c for c in html_doc.clauses if c.title == "加强知识产权保护")
    assert html_doc.original[category.start:category.end] == "加强知识产权保护"
    marks = {m.start: m for m in source.outline}
    assert (marks[category.start].depth, marks[category.start].group) == (1, True)


def test_html_rowspan_and_docx_vmerge_give_the_same_clauses(html_doc, tmp_path):
    docx_doc = load_document(_category_docx(tmp_path / "category_table.docx"), doc_id="category_table")
    assert _shape(docx_doc) == _shape(html_doc)


def test_a_number_merged_with_the_category_numbers_the_category():
    grid = [["序号", "重点任务", "具体措施", "责任单位", "完成时限"],
            ["1", "优化营商环境", "压缩企业开办时间。", "市市场监管局、市税务局", "2021年底前"],
            ["1", "优化营商环境", "推行“证照分离”改革。", "市市场监管局", "长期坚持"],
            ["2", "扩大对外开放", "办好进口博览会。", "市商务局", "2021年11月底前"]]
    assert render_table(grid) == [
        "1.优化营商环境", "压缩企业开办时间。（责任单位：市市场监管局、市税务局；完成时限：2021年底前）",
        "推行“证照分离”改革。（责任单位：市市场监管局；完成时限：长期坚持）",
        "2.扩大对外开放", "办好进口博览会。（责任单位：市商务局；完成时限：2021年11月底前）"]
    text = "关于印发重点任务分工的通知\n为做好工作，制定本方案。\n" + "\n".join(render_table(grid)) + "\n"
    # Without the outline the lines would be read as plain text; with it the rows nest under their category.
    start = text.index("1.优化营商环境")
    from zhengce.index.reading import OutlineMark

    outline, pos = [], start
    for line in table_lines(grid):
        outline.append(OutlineMark(pos, 0, line.depth, line.group))
        pos += len(line.text) + 1
    doc = parse_text(text, "n", outline=tuple(outline))
    shape = [(c.id, c.number, c.title, c.path) for c in doc.clauses[1:]]
    assert shape == [("n#1", "1.", "优化营商环境", ()),
                     ("n#1.1", "", "压缩企业开办时间", ("1.优化营商环境",)),
                     ("n#1.2", "", "推行“证照分离”改革", ("1.优化营商环境",)),
                     ("n#2", "2.", "扩大对外开放", ()),
                     ("n#2.1", "", "办好进口博览会", ("2.扩大对外开放",))]
    assert [u.name for u in doc.clauses[2].units] == ["市市场监管局", "市税务局"]


def test_a_long_category_never_swallows_its_first_row():
    grid = [["重点任务", "具体措施", "牵头单位"],
            ["深入推进简政放权放管结合优化服务改革持续激发市场主体活力", "清理规范行政审批中介服务事项", "市政务服务办"],
            ["深入推进简政放权放管结合优化服务改革持续激发市场主体活力", "推进工程建设项目审批制度改革", "市住房城乡建设局"]]
    text = "\n".join(render_table(grid)) + "\n"
    from zhengce.index.reading import OutlineMark

    outline, pos = [], 0
    for line in table_lines(grid):
        outline.append(OutlineMark(pos, 0, line.depth, line.group))
        pos += len(line.text) + 1
    doc = parse_text(text, "long", outline=tuple(outline))
    assert [(c.kind, c.id) for c in doc.clauses] == [("heading", "long#t1"), ("item", "long#t1.1"),
                                                     ("item", "long#t1.2")]
    assert doc.clauses[1].units[0].name == "市政务服务办"


def test_the_rule_needs_the_form_not_just_a_merged_cell():
    # A merged first column without a units column (an indicator table) is not a task table.
    grid = [["一级指标", "二级指标", "指标说明"],
            ["一、医疗质量", "(一)功能定位", "门诊人次数与出院人次数比。"],
            ["一、医疗质量", "(二)质量安全", "手术患者并发症发生率。"]]
    assert all(line.depth == -1 for line in table_lines(grid))
    assert render_table(grid)[0].startswith("一级指标：一、医疗质量；二级指标：(一)功能定位；")
    # A units column merged down over rows is a unit, never a category.
    tasks = [["序号", "任务", "牵头单位"], ["1", "甲任务。", "市科技局"], ["2", "乙任务。", "市科技局"]]
    assert category_columns(tasks[0], tasks[1:]) == []
    assert all(line.depth == -1 for line in table_lines(tasks))


def test_the_real_docx_vmerge_table_is_read_but_is_not_a_task_table():
    """content_5362266.docx: 一级指标 and 二级指标 are merged down (vMerge) over the indicator rows."""
    docx = pytest.importorskip("docx")
    from docx.table import Table

    document = docx.Document(str(GOVCN / "content_5362266.docx"))
    grid = [[cell.text for cell in row.cells] for row in Table(document.tables[-1]._tbl, document).rows]
    labels, body = [c.strip() for c in grid[0]], grid[1:]
    assert labels[:3] == ["一级指标", "二级指标", "三级指标"]
    assert body[0][0] == body[1][0] and body[0][1] == body[1][1] and body[0][2] != body[1][2]
    # As it is (no units column) the form does not apply, and its rows keep their labels...
    assert category_columns(labels, body) == []
    text, outline = read_docx(GOVCN / "content_5362266.docx")
    assert outline == () and "一级指标：一、医疗质量；二级指标：(一)功能定位；三级指标：1.门诊" in text
    # ...while the same merged cells under a units column are two category levels.
    with_units = [r + ["国家卫生健康委"] for r in body]
    assert category_columns(labels + ["责任单位"], with_units) == [0, 1]
    lines = table_lines([grid[0] + ["责任单位"]] + with_units)
    assert [(ln.text, ln.depth, ln.group) for ln in lines[:3]] == [
        ("一、医疗质量", 0, True), ("(一)功能定位", 1, True), (lines[2].text, 2, False)]
    assert lines[2].text.startswith("1.门诊人次数与出院人次数比；定量；") and "一、医疗质量" not in lines[2].text
