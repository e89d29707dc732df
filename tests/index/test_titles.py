"""The title rule chain (index/titles.py): each rule on its own, then the chain through parse_text."""

from __future__ import annotations

from zhengce.index import titles
from zhengce.index.corpus import parse_text
from zhengce.index.metadata import DOC_NUMBER, iso_date


def test_title_tag_cuts_the_site_name():
    assert titles.title_tag("国务院办公厅关于加强三级公立医院绩效考核工作的意见_中国政府网") == \
        "国务院办公厅关于加强三级公立医院绩效考核工作的意见"
    assert titles.title_tag("郑州市人民政府 - 关于印发某某方案的通知") == "关于印发某某方案的通知"
    assert titles.title_tag("专利代理条例_中国政府网") == "专利代理条例"
    assert titles.title_tag("关于做好春节期间安全生产工作|某某省应急管理厅网站") == "关于做好春节期间安全生产工作"
    for site_only in ("中国政府网", "郑州市人民政府门户网站", "首页_某某网", "content_5362266.htm"):
        assert titles.title_tag(site_only) is None, site_only


def test_title_line_with_a_trailing_note():
    for line in ("郑州市科技计划项目管理办法(试行)", "某某市优化营商环境行动方案(2021—2023年)",
                 "关于印发《某某规定(修订)》的通知", "某某条例(征求意见稿)"):
        assert titles.is_title_line(line), line
    for line in ("一、工作方案", "(二)实施方案", "各单位要认真执行本办法。", "加强组织领导"):
        assert not titles.is_title_line(line), line
    assert titles.kind_of("郑州市科技计划项目管理办法（试行）", ("管理办法", "办法")) == "管理办法"


def test_what_never_reads_as_a_heading():
    def heading(text):
        return titles.reads_as_heading(text, DOC_NUMBER, iso_date)

    assert heading("关于加强科技成果转化工作")
    for text in ("郑州市人民政府文件", "文件003_通知", "content_5362266", "郑政〔2020〕3号",
                 "2020年3月2日", "一、总体要求", "为做好工作,特制定本方案"):
        assert not heading(text), text
    assert titles.masthead_issuer("国务院办公厅文件") == "国务院办公厅"
    assert titles.masthead_issuer("关于转发某某文件") is None


def test_chain_page_title_wins_and_is_marked_page():
    doc = parse_text("关于某事的通知\n一、要求\n内容。\n", "p", page_meta={"title": "某某省人民政府关于某事的通知"})
    assert (doc.meta.title, doc.meta.title_source) == ("某某省人民政府关于某事的通知", "page")


def test_chain_title_tag_when_the_text_has_no_title():
    tag = parse_text("一、总体要求\n做好工作。\n", "t", page_meta={"title_tag": "某某市关于做好防汛工作的通知_某某市人民政府网"})
    assert (tag.meta.title, tag.meta.title_source, tag.meta.kind) == ("某某市关于做好防汛工作的通知", "page", "通知")
    # A title line in the text beats the page's <title>.
    text = parse_text("某某市防汛工作方案\n一、总体要求\n做好工作。\n", "t2",
                      page_meta={"title_tag": "防汛_某某市人民政府网"})
    assert (text.meta.title, text.meta.title_source) == ("某某市防汛工作方案", "text")
    assert [c.heading for c in text.clauses][0] == "一、总体要求"


def test_chain_masthead_is_the_issuer_not_the_title_nor_a_clause():
    doc = parse_text("郑州市人民政府文件\n郑政〔2020〕3号\n郑州市人民政府\n关于加强科技创新工作的意见\n"
                     "一、总体要求\n做好工作。\n", "m")
    assert (doc.meta.title, doc.meta.title_source) == ("郑州市人民政府关于加强科技创新工作的意见", "text")
    assert doc.meta.issuer == "郑州市人民政府" and doc.meta.doc_number == "郑政〔2020〕3号"
    assert all("文件" not in c.text + c.title for c in doc.clauses)
    bare = parse_text("郑州市人民政府文件\n为做好工作,现通知如下。\n一、总体要求\n做好工作。\n", "m2", file="/x/m2.txt")
    assert (bare.meta.title, bare.meta.title_source) == ("m2", "file")


def test_chain_issuer_line_over_a_long_title_line():
    """The issuer on its own line over a "关于印发《…》的通知" line longer than a wrapped title's
    half: one title, and the issuer's line is no clause."""
    doc = parse_text("湖南省人民政府办公厅\n关于印发《湖南省促进民营经济高质量发展三年行动实施方案（2023—2025年）》的通知\n"
                     "湘政办发〔2023〕21号\n各市州人民政府：\n现印发给你们，请认真组织实施。\n湖南省人民政府办公厅\n"
                     "2023年6月12日\n", "long")
    assert doc.meta.title == ("湖南省人民政府办公厅关于印发《湖南省促进民营经济高质量发展三年行动实施方案(2023—2025年)》"
                              "的通知")
    assert doc.meta.issuer == "湖南省人民政府办公厅"
    assert not any(c.text == "湖南省人民政府办公厅" for c in doc.clauses)
    # an issuer's line over a sentence is no title
    other = parse_text("湖南省人民政府办公厅\n关于做好工作，请各地认真落实。\n一、总体要求\n做好工作。\n", "s")
    assert not (other.meta.title or "").startswith("湖南省人民政府办公厅关于")


def test_chain_ends_in_the_file_name_marked_as_such(seed_docs):
    # A first line shaped like a file name is not a heading.
    doc = parse_text("文件003_通知\n一、总体要求\n内容。\n", "f", file="/x/文件003_通知.txt")
    assert (doc.meta.title, doc.meta.title_source) == ("文件003_通知", "file")
    # seeds/003 starts with its body: nothing names it, so the stem stays, marked, and is never cited as a title.
    m3 = seed_docs["003"].meta
    assert (m3.title, m3.title_source, m3.kind) == ("003_fac15629250cf974", "file", "工作要点")
    assert m3.cited_title == "未命名工作要点（文件名：003_fac15629250cf974）"
    assert seed_docs["000"].meta.cited_title == seed_docs["000"].meta.title


def test_answers_never_cite_a_file_name_as_a_title(seed_docs):
    from types import SimpleNamespace

    from zhengce.search.duty import UnitAnswer, duty_sentence, short_title

    clause = next(c for c in seed_docs["003"].clauses if c.units)
    assert short_title(clause) == "未命名工作要点（文件名：003_fac15629250cf974）"
    unit = clause.units[0]
    sentence = duty_sentence([UnitAnswer(unit.name, unit.role, 1.0, [clause.id])], [SimpleNamespace(clause=clause)])
    assert "《未命名工作要点" in sentence and "《003_" not in sentence and "文件003" not in sentence


def test_chain_joint_issuers_on_lines_of_their_own_over_the_title():
    """A title paragraph broken by line breaks: both issuers, the title whole, no line of it a clause."""
    text = ("中共某某区委办公室文件\n某委办发〔2025〕9号\n中共某某区委办公室\n某某区人民政府办公室\n"
            "关于印发《某某行动方案》的通知\n各镇人民政府，区级各部门：\n现印发给你们。\n一、总体要求\n内容。\n"
            "中共某某区委办公室　　某某区人民政府办公室\n2025年5月12日\n")
    doc = parse_text(text, "joint")
    assert doc.meta.title == "中共某某区委办公室 某某区人民政府办公室关于印发《某某行动方案》的通知"
    assert doc.meta.issuers == ("中共某某区委办公室", "某某区人民政府办公室")
    assert all(c.text not in ("中共某某区委办公室", "某某区人民政府办公室") for c in doc.clauses)


def test_chain_a_masthead_wrapped_onto_a_second_line_is_the_issuer_not_a_clause():
    doc = parse_text("某某自治区人民政府办公\n厅文件\n某政办发〔2025〕18号\n某某自治区人民政府办公厅关于某事的通知\n"
                     "一、总体要求\n内容。\n", "wrap")
    assert doc.meta.issuer == "某某自治区人民政府办公厅"
    assert [c.text for c in doc.clauses if "文件" in c.text] == []


def test_chain_a_page_title_keeps_the_space_between_joint_issuers_the_text_has():
    text = "某某省发展和改革委员会 某某省人力资源和社会保障厅关于某事的通知\n一、总体要求\n内容。\n"
    page = parse_text(text, "sp", page_meta={"title": "某某省发展和改革委员会某某省人力资源和社会保障厅关于某事的通知"})
    assert page.meta.title == "某某省发展和改革委员会 某某省人力资源和社会保障厅关于某事的通知"
    assert parse_text(text, "tx").meta.title == page.meta.title
