"""Tables typed into plain text (tab-separated cells) read as the same table from HTML or DOCX."""

from __future__ import annotations

from zhengce.index.cleaning import find_lines
from zhengce.index.corpus import parse_text
from zhengce.index.tables import table_lines
from zhengce.index.text_tables import HEADER, read_tab_tables, tab_runs

# Ours: a provincial task list as a word processor saves it to .txt (one row a line, tabs).
ROWS = [["序号", "重点任务", "牵头单位", "配合单位", "完成时限"],
        ["1", "全面推行企业开办“一网通办”，开办时间压缩至1个工作日以内。", "省市场监管局", "省税务局", "2025年6月底前"],
        ["2", "推进工程建设项目审批制度改革。", "省住房城乡建设厅", "", "持续推进"],
        ["3", "推行涉企经营许可事项清单管理。", "省政府办公厅、省司法厅", "各市(州)人民政府", "2025年第三季度前"]]
TEXT = ("四川省人民政府办公厅关于印发优化营商环境重点任务清单的通知\n川办发〔2025〕9号\n\n"
        "各市（州）人民政府，省政府各部门：\n现将重点任务清单印发给你们，请认真抓好落实。\n\n"
        + "\n".join("\t".join(row) for row in ROWS) + "\n")


def test_rows_are_read_as_the_html_or_docx_table_is_and_the_text_is_kept():
    doc = parse_text(TEXT, "tabs")
    items = [c for c in doc.clauses if c.kind == "item"]
    assert [c.number for c in items] == ["1.", "2.", "3."]
    assert [(u.name, u.role) for u in items[0].units] == [("省市场监管局", "lead"), ("省税务局", "support")]
    assert [u.name for u in items[2].units] == ["省政府办公厅", "省司法厅", "各市(州)人民政府"]
    assert [c.deadline.iso for c in items] == ["2025-06-30", None, "2025-09-30"]
    assert items[1].deadline.ongoing
    # the citation is the row as typed, tabs and all; the header row is skipped with its reason
    assert doc.original[items[1].start:items[1].end] == "\t".join(ROWS[2]).strip()
    assert [s.reason for s in doc.skipped if doc.original[s.start:s.end] == "\t".join(ROWS[0])] == [HEADER]
    # the same rows from a table element give the same units and deadlines
    rendered = parse_text("\n".join(t.text for t in table_lines(ROWS)) + "\n", "rendered")
    assert [(c.units, c.deadline) for c in rendered.clauses if c.kind == "item"] == \
           [(c.units, c.deadline) for c in items]


def test_only_runs_of_rows_with_a_header_are_read_as_tables():
    lonely = "关于做好工作的通知\n一、总体要求\n名称\t数量\t备注\n加强管理，提高效率。\n"
    lines, _ = find_lines(lonely)
    assert tab_runs(lonely, lines) == [] and read_tab_tables(lonely, lines) == lines  # one row is no table
    no_header = "关于做好工作的通知\n1\t2\t3\n4\t5\t6\n"
    lines, _ = find_lines(no_header)
    assert len(tab_runs(no_header, lines)) == 1 and read_tab_tables(no_header, lines) == lines  # numbers only


def test_a_row_without_its_empty_trailing_cells_stays_in_the_table():
    text = ("关于x的通知\n序号\t重点任务\t牵头单位\t配合单位\n1\t任务甲。\t省财政厅\t省商务厅\n2\t任务乙。\n"
            "3\t任务丙。\t省统计局\n")
    items = [c for c in parse_text(text, "short").clauses if c.kind == "item"]
    assert [(c.title, [u.name for u in c.units]) for c in items] == \
           [("任务甲", ["省财政厅", "省商务厅"]), ("任务乙", []), ("任务丙", ["省统计局"])]


def test_a_markdown_pipe_table_is_read_as_the_same_table():
    """The rows above typed as a Markdown table: the same tasks, units and deadlines; the rule
    line and the header are skipped with their reasons; a citation is the row as typed."""
    from zhengce.index.text_tables import RULE

    head = "# 四川省人民政府办公厅关于印发优化营商环境重点任务清单的通知\n\n现将重点任务清单印发给你们。\n\n"
    pipe = ["| " + " | ".join(row) + " |" for row in ROWS]
    text = head + "\n".join([pipe[0], "| --- | :--- | --- | --- | ---: |", *pipe[1:]]) + "\n\n以上任务请按时完成。\n"
    doc = parse_text(text, "pipes")
    items = [c for c in doc.clauses if c.kind == "item"]
    assert [c.number for c in items] == ["1.", "2.", "3."]
    assert [(u.name, u.role) for u in items[0].units] == [("省市场监管局", "lead"), ("省税务局", "support")]
    assert [c.deadline.iso for c in items] == ["2025-06-30", None, "2025-09-30"]
    assert doc.original[items[1].start:items[1].end] == pipe[2]
    reasons = {doc.original[s.start:s.end]: s.reason for s in doc.skipped}
    assert reasons[pipe[0]] == HEADER and reasons["| --- | :--- | --- | --- | ---: |"] == RULE
    assert any(c.text.startswith("以上任务") for c in doc.clauses)
