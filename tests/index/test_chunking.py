"""Golden expectations for the seed notices, written by hand from reading them."""

from __future__ import annotations

import re

import pytest

from tests.conftest import seed_path
from zhengce.index.corpus import load_document, parse_text
from zhengce.index.model import BULLET, HEADING, ITEM, PARAGRAPH, SECTION


def numbered_items_under(doc, top_heading: str):
    return [c for c in doc.clauses
            if c.kind == ITEM and c.path and c.path[0] == top_heading and re.fullmatch(r"\d+\.", c.number)]


def test_000_has_18_task_clauses_with_exact_units(seed_docs):
    doc = seed_docs["000"]
    tasks = numbered_items_under(doc, "二、重点任务")
    assert [c.number for c in tasks] == [f"{i}." for i in range(1, 19)]
    first = tasks[0]
    assert first.id == "000_839afbcfa68b4ffc#2.1.1"
    assert first.title == "启动“科创中原”试点城市建设"
    assert [(u.name, u.role) for u in first.units] == [
        ("市科协", "lead"), ("市财政局", "support"), ("市发展改革委", "support"), ("市科技局", "support")]
    # Every unit list matches the parenthesis in the original text exactly, in order.
    for c in tasks:
        raw = doc.original[c.start:c.end]
        listed = re.search(r"\(责任单位:([^)]*)\)", raw).group(1)
        assert [u.name for u in c.units] == re.split(r"[、,]", listed), c.id
        assert "责任单位" not in c.text


def test_000_clause_12_path_and_id(seed_docs):
    doc = seed_docs["000"]
    c12 = next(c for c in doc.clauses if c.id == "000_839afbcfa68b4ffc#2.5.12")
    assert c12.path == ("二、重点任务", "(五)建立健全科技创新服务体系")
    assert c12.title == "加强科技成果转化服务力度"
    assert c12.text.startswith("加强科技成果转化服务力度。探索市场化专业化运营")
    assert c12.units[0].name == "市科技局" and c12.units[0].role == "lead"
    assert c12.level == 3


def test_000_lead_phrase_in_safeguards(seed_docs):
    doc = seed_docs["000"]
    para = next(c for c in doc.clauses if c.path == ("三、保障措施", "(一)加强组织领导"))
    assert para.kind == PARAGRAPH
    names = para.unit_names()
    assert para.units[0].name == "市科协" and para.units[0].role == "lead"
    assert names.count("市科协") == 1  # named twice in the text, once as lead
    assert "郑东新区管委会" in names and "市委外事办" in names
    assert all(u.role == "support" for u in para.units[1:])
    assert "统筹推进各项任务落实" not in names


def test_003_has_17_numbered_clauses_and_expands_shared_suffix(seed_docs):
    doc = seed_docs["003"]
    items = numbered_items_under(doc, "二、重点任务")
    assert [c.number for c in items] == [f"{i}." for i in range(1, 18)]
    units = items[0].unit_names()
    assert len(units) == 8
    assert units == ["省科技厅", "省直有关单位", "郑州市人民政府", "洛阳市人民政府", "新乡市人民政府",
                     "郑州国家高新区管委会", "洛阳国家高新区管委会", "新乡国家高新区管委会"]
    # Nested brackets stay intact, and a described group is one collective unit, not fragments.
    assert "辐射区、辐射点所在地市、县〔区〕人民政府" in items[14].unit_names()
    assert "县〔区〕人民政府" not in items[14].unit_names() and "辐射区" not in items[14].unit_names()


def test_003_inline_headings_and_section_units(seed_docs):
    doc = seed_docs["003"]
    c = next(c for c in doc.clauses if c.id == "003_fac15629250cf974#2.1")
    assert c.kind == ITEM and c.title == "深化改革创新" and c.text.startswith("深化改革创新。持续推进")
    assert c.units == ()
    safeguards = [c for c in doc.clauses if c.path == ("三、保障措施",)]
    assert len(safeguards) == 3
    for c in safeguards:
        assert c.units[0].name == "领导小组各成员单位"
    # A section's unit list belongs to that clause only: its parent has none.
    parent = next(c for c in doc.clauses if c.id == "003_fac15629250cf974#3")
    assert parent.kind == HEADING and parent.units == ()


def test_003_dash_bullets_under_goals(seed_docs):
    doc = seed_docs["003"]
    bullets = [c for c in doc.clauses if c.kind == BULLET]
    assert [b.title for b in bullets] == ["培育一批创新型企业", "造就一批创新型人才(团队)",
                                          "建设一批创新型平台", "组建一批创新型机构"]
    assert all(b.path == ("一、总体要求", "(二)主要目标") for b in bullets)


def test_004_has_29_tasks_and_five_goals(seed_docs):
    doc = seed_docs["004"]
    assert len(numbered_items_under(doc, "三、重点工作")) == 29
    goals = numbered_items_under(doc, "二、主要目标")
    assert len(goals) == 5
    assert goals[3].title == "实现技术合同成交额130亿元,同比增长16%以上"


def test_002_has_26_proposals_with_proposers(seed_docs):
    doc = seed_docs["002"]
    proposals = [c for c in doc.clauses if c.kind == SECTION and c.number == "###"]
    assert len(proposals) == 26
    assert all(p.proposer for p in proposals)
    by_title = {p.title: p for p in proposals}
    assert by_title["建设中原新兴产业发展高地"].proposer == "农工党郑州市委会"
    assert by_title["加大全社会研发投入"].proposer == "中牟县政协"
    assert by_title["提升高端人才供给能力"].proposer == "郑州市政协常委 刘忠明"
    # The page-break fragment "增强自\n\n主创新能力" is one sentence again.
    first = by_title["突出重点 精准施策"]
    assert "增强自主创新能力" in first.text
    assert "郑报全媒体记者" not in "".join(p.text for p in proposals)


def test_001_unnumbered_paragraph_and_sub_bullets(seed_docs):
    doc = seed_docs["001"]
    para = next(c for c in doc.clauses if c.path and c.path[-1] == "(二)引育创新引领型人才")
    assert para.kind == PARAGRAPH and para.text.startswith("大力引进先进制造业顶尖人才")
    bullets = [c for c in doc.clauses if c.kind == BULLET]
    assert len(bullets) == 6
    parent = next(c for c in doc.clauses if c.id == bullets[0].parent_id)
    assert parent.title == "实施重大科技创新专项"
    assert bullets[0].title == "智能终端产业关键核心技术"


def test_offsets_round_trip_for_every_seed_clause(seed_docs):
    from zhengce.index.cleaning import normalize

    for doc in seed_docs.values():
        for c in doc.clauses:
            raw = doc.original[c.start:c.end]
            assert raw == raw.strip() and raw, c.id
            # The normalized source of the span contains the clause title.
            assert normalize(raw).find(normalize(c.title[:10])) >= 0, c.id


def test_clause_ids_are_unique_and_stable(seed_docs):
    for doc in seed_docs.values():
        ids = [c.id for c in doc.clauses]
        assert len(ids) == len(set(ids))
        again = parse_text(doc.original, doc.doc_id)
        assert [c.id for c in again.clauses] == ids


def to_full_width(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def test_full_width_copy_gives_same_clauses(seed_docs, tmp_path):
    original = seed_path("003").read_text(encoding="utf-8")
    wide = to_full_width(original)
    assert "（责任单位：" in wide and "１．" in wide and "（一）" in wide
    path = tmp_path / "003_fac15629250cf974.txt"
    path.write_text(wide, encoding="utf-8")
    a, b = seed_docs["003"].clauses, load_document(path).clauses
    assert [(c.id, c.title, c.text, c.units, c.path, c.start, c.end) for c in a] == \
           [(c.id, c.title, c.text, c.units, c.path, c.start, c.end) for c in b]


def test_gbk_copy_gives_same_result(seed_docs, tmp_path):
    for prefix, encoding in (("003", "gbk"), ("000", "gb18030")):
        text = seed_path(prefix).read_text(encoding="utf-8")
        path = tmp_path / seed_path(prefix).name
        path.write_bytes(text.encode(encoding))
        doc = load_document(path)
        assert doc.meta.encoding == "gb18030"
        assert [c.to_dict(with_doc=False) for c in doc.clauses] == \
               [c.to_dict(with_doc=False) for c in seed_docs[prefix].clauses]


def test_all_numbering_levels_nest_full_and_half_width_alike():
    text = ("第一章 总则\n第一条 为了规范管理，制定本办法。\n第二条 本办法适用于全市。\n"
            "第二章 职责\n一、主要任务\n（一）组织实施\n１．加强统筹。建立机制。\n（1）细化分工。明确责任。\n"
            "①第一点。内容。\n②第二点。内容。\n(2)落实到位。内容。\n2、强化保障。内容。\n")
    doc = parse_text(text, "levels")
    by_title = {c.title: c for c in doc.clauses}
    assert by_title["总则"].level == 1 and by_title["职责"].level == 1
    assert by_title["为了规范管理,制定本办法"].path == ("第一章总则",)
    assert by_title["加强统筹"].path == ("第二章职责", "一、主要任务", "(一)组织实施")
    assert by_title["细化分工"].parent_id == by_title["加强统筹"].id
    assert by_title["第一点"].number == "①" and by_title["第一点"].parent_id == by_title["细化分工"].id
    assert by_title["第二点"].id.endswith(".o2")
    assert by_title["落实到位"].parent_id == by_title["加强统筹"].id
    assert by_title["强化保障"].parent_id == by_title["组织实施"].id


def test_a_line_that_is_only_a_duty_parenthesis_closes_the_task_above():
    # the form of provincial opinions (ours): a task's sub-items, then one line naming its units
    text = ("关于促进民营经济发展的若干意见\n一、加大政策支持\n（一）完善融资支持政策。\n"
            "1. 健全融资风险市场化分担机制。\n2. 支持民营中小企业发行债券。\n"
            "（省地方金融管理局、省财政厅按职责分工负责，2025年底前完成）\n"
            "（二）强化用工保障。畅通人才流动渠道。\n（省人力资源社会保障厅牵头）\n")
    doc = parse_text(text, "closing")
    by_title = {c.title: c for c in doc.clauses}
    task, other = by_title["完善融资支持政策"], by_title["强化用工保障"]
    assert [u.name for u in task.units] == ["省地方金融管理局", "省财政厅"]
    assert task.deadline.iso == "2025-12-31"
    assert [(u.name, u.role) for u in other.units] == [("省人力资源社会保障厅", "lead")]
    assert not by_title["健全融资风险市场化分担机制"].units and not by_title["支持民营中小企业发行债券"].units
    assert not [c for c in doc.clauses if not c.title and not c.text]  # no empty clause is left behind


@pytest.mark.parametrize("text, expected", [
    # each task closed by a line of its own: the line belongs to the item right above it (ours)
    ("关于x的意见\n一、加大政策支持力度。\n（一）完善融资支持政策。\n（省财政厅负责）\n（二）强化用工保障。\n（省商务厅负责）\n",
     {"完善融资支持政策": ["省财政厅"], "强化用工保障": ["省商务厅"]}),
    ("关于x的意见\n（一）完善政策。\n1. 任务甲。\n（省财政厅负责）\n2. 任务乙。\n（省商务厅负责）\n",
     {"任务甲": ["省财政厅"], "任务乙": ["省商务厅"]}),
])
def test_a_duty_line_after_a_task_with_units_of_its_own_stays_with_that_task(text, expected):
    doc = parse_text(text, "each")
    assert {c.title: [u.name for u in c.units] for c in doc.clauses if c.units} == expected


def test_a_markdown_sections_paragraphs_name_its_units_and_deadline():
    """A notice written in Markdown: prose under a heading names who leads, who supports and
    by when, as the same sentence does under "（一）"; the section's text stays whole."""
    from zhengce.index.corpus import parse_text

    doc = parse_text("# 某省关于推进数字政府建设的实施意见\n\n## 一、推进政务数据共享\n\n"
                     "建立健全政务数据共享协调机制，2025年底前完成。\n\n"
                     "由省数据局牵头，省财政厅配合。\n\n## 二、总体要求\n\n坚持系统观念。\n", "m")
    shared, general = [c for c in doc.clauses if c.kind == "section" and c.text]
    assert [(u.name, u.role) for u in shared.units] == [("省数据局", "lead"), ("省财政厅", "support")]
    assert shared.deadline is not None and shared.deadline.iso == "2025-12-31"
    assert "协调机制" in shared.text and "省财政厅配合" in shared.text
    assert general.units == () and general.deadline is None


def test_bold_items_label_lines_and_page_marks():
    """Markdown bold ("**1. …**") hides no item number; a "责任单位：X、Y" line alone names the
    units of the task above it; a printed page's number ("— 2 —") is no clause."""
    from zhengce.index.corpus import parse_text

    doc = parse_text("# 某市关于促进民营经济发展的若干措施\n\n**某府发〔2024〕7号**\n\n### 一、优化发展环境\n\n"
                     "**1. 全面落实公平竞争审查制度。** 清理妨碍统一市场的规定。（责任单位：市市场监管局）\n\n"
                     "**2. 清理拖欠民营企业账款。** 建立长效机制。\n\n责任单位：市经信局、市财政局\n\n— 2 —\n\n"
                     "**3. 优化涉企服务。** 推行惠企政策免申即享。\n", "b")
    assert doc.meta.doc_number == "某府发〔2024〕7号"
    items = [c for c in doc.clauses if c.kind == "item"]
    assert [(c.number, c.title) for c in items] == [("1.", "全面落实公平竞争审查制度"),
                                                     ("2.", "清理拖欠民营企业账款"), ("3.", "优化涉企服务")]
    assert [[u.name for u in c.units] for c in items] == [["市市场监管局"], ["市经信局", "市财政局"], []]
    assert not any("责任单位" in c.text or "2 —" in c.text for c in doc.clauses)


@pytest.mark.parametrize("mark", ["- ", "-", "－ "])
def test_markdown_list_items_are_bullets_of_the_article_above(mark):
    """"- 登记申请书；" under "第五条 …提交下列材料：" is a bullet of that article, its mark no
    part of the text; a negative number or a rule ("---") is no bullet."""
    doc = parse_text(f"第五条 申请登记应当提交下列材料：\n{mark}登记申请书；\n{mark}营业执照复印件。\n"
                     "第六条 温差为\n-5摄氏度以内。\n", "bullets")
    article = next(c for c in doc.clauses if c.number == "第五条")
    bullets = [c for c in doc.clauses if c.kind == BULLET]
    assert [c.text for c in bullets] == ["登记申请书;", "营业执照复印件。"]
    assert all(c.parent_id == article.id for c in bullets)
    assert doc.original[bullets[0].start:bullets[0].end].endswith("登记申请书；")
    assert not any(c.kind == BULLET and c.text.startswith("5") for c in doc.clauses)


def test_an_annex_heading_ends_the_body_numbering():
    """"附件" after the 落款 opens a top-level part: the annex's headings and tasks are its
    children, never children of the body's last item; "附件2：" opens the next part."""
    doc = parse_text("某市人民政府办公室关于印发某市数字政府建设工作要点的通知\n\n各县（市、区）人民政府，市政府各部门：\n\n"
                     "现将《某市数字政府建设工作要点》印发给你们，请认真贯彻执行。\n\n"
                     "一、市数据局负责统筹推进各项任务。\n\n二、各部门要按季度报送进展情况。\n\n"
                     "附件：某市数字政府建设工作要点\n\n某市人民政府办公室\n\n2025年3月1日\n\n"
                     "附件\n\n某市数字政府建设工作要点\n\n一、夯实基础支撑\n\n"
                     "（一）推进政务云建设。推动市本级系统迁移上云。（市数据局牵头，市财政局配合）\n\n"
                     "附件2：\n\n任务分工表\n\n1.建设城市大脑。（市数据局负责）\n", "n")
    by_id = {c.id: c for c in doc.clauses}
    assert [c.id for c in doc.clauses if c.parent_id is None] == ["n#p1", "n#1", "n#2", "n#a1", "n#a2"]
    assert (by_id["n#a1"].kind, by_id["n#a1"].number) == (HEADING, "附件")
    task = by_id["n#a1.1.1"]
    assert task.path == ("附件", "一、夯实基础支撑") and task.title == "推进政务云建设"
    assert [u.name for u in task.units] == ["市数据局", "市财政局"]
    assert by_id["n#a2.1"].path == ("附件2:",) and [u.name for u in by_id["n#a2.1"].units] == ["市数据局"]
    assert not any(c.text == "附件" for c in doc.clauses)


@pytest.mark.parametrize("line", ["附件下载：无", "附件所列事项由市数据局负责解释。"])
def test_a_line_that_only_names_an_annex_is_no_annex_heading(line):
    doc = parse_text(f"一、加强组织领导。各部门要落实责任。\n\n{line}\n", "x")
    # a paragraph of item 一 ("附件下载：无", a page's empty download box, is dropped as page junk)
    assert [c.id for c in doc.clauses if c.parent_id is None] == ["x#1"]
    assert not any(c.id.startswith("x#a") or c.kind == HEADING and c.number.startswith("附件") for c in doc.clauses)
