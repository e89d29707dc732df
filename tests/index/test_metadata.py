from __future__ import annotations

import pytest


def test_bare_header_bullets_000(seed_docs):
    m = seed_docs["000"].meta
    assert m.doc_id == "000_839afbcfa68b4ffc"
    assert m.issuer == "郑州市人民政府办公室"
    assert m.doc_number == "郑政办〔2024〕36号"
    assert (m.date_written, m.date_published) == ("2024-06-13", "2024-06-20")
    assert m.kind == "通知"
    assert "三年行动计划" in m.title


def test_labelled_header_004(seed_docs):
    m = seed_docs["004"].meta
    assert m.issuer == "郑州市科学技术局"
    assert m.doc_number is None  # "文号" is present but empty: never invented
    assert m.date_written == "2015-02-27" and m.date_published == "2015-02-27"
    assert m.title == "关于印发《2015年全市科技工作要点》的通知"
    assert m.index_number == "416049270/2015-00249"


def test_text_only_metadata_001_002_003(seed_docs):
    m1 = seed_docs["001"].meta
    assert m1.date_published == "2020-12-25" and m1.date_written == "2020-12-21"
    assert m1.issuer is None and m1.doc_number is None
    m2 = seed_docs["002"].meta
    assert m2.kind == "议政" and m2.date is None
    m3 = seed_docs["003"].meta
    # No title line: the title falls back to the file name, and says so.
    assert (m3.title, m3.title_source) == ("003_fac15629250cf974", "file")
    assert m3.kind == "工作要点" and m3.issuer is None


def test_junk_is_skipped_not_clauses(seed_docs):
    for doc in seed_docs.values():
        text = "".join(c.text + c.title for c in doc.clauses)
        for junk in ("扫一扫", "留言与评论", "验证码", "邮编", "xml:namespace", "标签:"):
            assert junk not in text
    reasons = {s.reason for s in seed_docs["004"].skipped}
    assert {"junk", "header"} <= reasons


def test_labelled_date_is_not_read_by_a_shorter_label():
    from zhengce.index.corpus import parse_text

    doc = parse_text("关于印发测试方案的通知\n• 成文日期:2022-09-16\n• 发文字号:豫科[2022]7号\n一、总体要求\n内容。\n", "x")
    assert doc.meta.date_written == "2022-09-16" and doc.meta.date_published is None
    assert doc.meta.doc_number == "豫科〔2022〕7号"
    line = parse_text("日期:2020-12-25来源:\n一、总体要求\n内容。\n", "y").meta
    assert line.date_published == "2020-12-25"


def test_a_flattened_metadata_line_gives_every_field():
    """A page's metadata table copied as one line (ours): each label is found, even right after a value."""
    from zhengce.index.corpus import parse_text

    text = ("索引号：011043398/2025-12345 发布机构：湖北省人民政府办公厅 发文日期：2025年06月16日 文号：鄂政办发〔2025〕18号\n"
            "省人民政府办公厅关于印发数字政府建设实施方案的通知\n一、主要目标\n内容。\n")
    meta = parse_text(text, "flat").meta
    assert (meta.index_number, meta.issuer, meta.date_published, meta.doc_number) == \
           ("011043398/2025-12345", "湖北省人民政府办公厅", "2025-06-16", "鄂政办发〔2025〕18号")
    # a label this table knows at the end of one it does not ("实施日期") is no field of its own
    other = parse_text("成文日期：2025年6月10日 实施日期：2025年7月1日\n关于某事的通知\n一、总体要求\n内容。\n", "o").meta
    assert (other.date_written, other.date_published) == ("2025-06-10", None)
    # the other fields of such lines end the value before them
    more = parse_text("索引号：011043398/2025-12345 公开日期：2025-06-01\n发布机构：湖北省人民政府办公厅 信息来源：省政府办公厅 "
                      "有效性：有效\n关于某事的通知\n一、总体要求\n内容。\n", "m").meta
    assert (more.index_number, more.date_published, more.issuer) == \
           ("011043398/2025-12345", "2025-06-01", "湖北省人民政府办公厅")


@pytest.mark.parametrize("line", [
    "无障碍 | 长者模式 | English", "当前位置：首页 > 政务公开 > 政策文件", "字号：大 中 小 | 打印本页 | 关闭窗口",
    "分享到：微信 微博 QQ空间", "主办：湖北省人民政府办公厅 承办：湖北省政务服务和大数据管理局",
    "网站标识码：4200000046 鄂ICP备05003312号 鄂公网安备 42010602000209号",
])
def test_site_furniture_of_provincial_pages_is_junk(line):
    from zhengce.index.cleaning import junk_reason, normalize

    assert junk_reason(normalize(line)) == "junk"


@pytest.mark.parametrize("line", ["主办方要加强安全管理。", "当前位置：各地要准确掌握。", "分享到：朋友圈的内容应当真实。",
                                  "主办：省商务厅、省贸促会", "（三）网站标识码：4200000046",
                                  '经营性网站应在首页底部显著位置标明ICP备案编号，如"鄂ICP备05003312号"。'])
def test_content_that_starts_like_site_furniture_is_kept(line):
    from zhengce.index.cleaning import junk_reason, normalize

    assert junk_reason(normalize(line)) is None


def test_doc_number_forms():
    from zhengce.index.metadata import DOC_NUMBER

    for number in ("国发〔2019〕5号", "国办函〔2004〕36号", "国令第706号", "国办发明电〔2018〕15号", "豫政〔2020〕3号"):
        assert DOC_NUMBER.fullmatch(number), number


def test_joint_issuers_and_national_issuer_endings():
    from zhengce.index.corpus import parse_text

    doc = parse_text("关于做好征兵工作的通知\n国办发明电〔2018〕15号\n一、总体要求\n做好工作。\n"
                     "国务院办公厅\n中央军委办公厅\n2018年8月1日\n", "joint")
    assert doc.meta.issuers == ("国务院办公厅", "中央军委办公厅")
    assert doc.meta.doc_number == "国办发明电〔2018〕15号" and doc.meta.date_written == "2018-08-01"
    assert all(c.text not in ("国务院办公厅", "中央军委办公厅") for c in doc.clauses)
    one_line = parse_text("关于某事的通知\n一、要求\n做好工作。\n国务院办公厅、中央军委办公厅\n2018年8月1日\n", "j2")
    assert one_line.meta.issuers == ("国务院办公厅", "中央军委办公厅")
    for issuer in ("国务院", "财政部", "审计署"):
        doc = parse_text(f"关于某事的通知\n一、要求\n做好工作。\n{issuer}\n2019年1月12日\n", "n")
        assert doc.meta.issuer == issuer and doc.meta.level == "national"
        assert issuer not in [c.text for c in doc.clauses]


def test_title_over_two_lines_and_fallbacks():
    from zhengce.index.corpus import parse_text

    doc = parse_text("国务院关于促进综合保税区\n高水平开放高质量发展的若干意见\n国发〔2019〕3号\n一、指导思想\n内容。\n", "t")
    assert doc.meta.title == "国务院关于促进综合保税区高水平开放高质量发展的若干意见"
    assert doc.clauses[0].heading == "一、指导思想"
    page = parse_text("一、总体要求\n内容。\n", "p", page_meta={"title": "某某省人民政府关于某事的通知"})
    assert (page.meta.title, page.meta.level, page.meta.jurisdiction) == ("某某省人民政府关于某事的通知", "province", "某某")
    heading = parse_text("关于加强科技成果转化工作\n一、总体要求\n内容。\n", "h")
    assert (heading.meta.title, heading.meta.title_source) == ("关于加强科技成果转化工作", "heading")
    assert [c.heading for c in heading.clauses][0] == "一、总体要求"
    bare = parse_text("一、总体要求\n内容。\n", "f", file="/x/文件003_通知.txt")
    assert (bare.meta.title, bare.meta.title_source) == ("文件003_通知", "file")


def test_title_over_three_lines_under_a_masthead_and_a_document_number():
    """The 公文 layout (ours): masthead, 文号, then the issuer, the matter and the kind on lines of their own."""
    from zhengce.index.corpus import parse_text

    text = ("河北省人民政府办公厅文件\n冀政办字〔2025〕33号\n河北省人民政府办公厅\n关于加快发展银发经济增进老年人福祉\n"
            "的实施意见\n各市人民政府，省政府有关部门：\n为积极应对人口老龄化，提出如下实施意见。\n一、着力解决急难愁盼\n内容。\n")
    doc = parse_text(text, "t3")
    assert doc.meta.title == "河北省人民政府办公厅关于加快发展银发经济增进老年人福祉的实施意见"
    assert doc.meta.doc_number == "冀政办字〔2025〕33号" and doc.meta.issuer == "河北省人民政府办公厅"
    assert not any("河北省人民政府办公厅" == c.text for c in doc.clauses)  # the issuer line is no clause
    # a two-line title right after the 文号 does not take the 文号 in
    two = parse_text("冀政办字〔2025〕33号\n河北省人民政府办公厅关于加快发展银发经济\n的实施意见\n一、总体要求\n内容。\n", "t2")
    assert two.meta.title == "河北省人民政府办公厅关于加快发展银发经济的实施意见"
    # only the 公文 form joins three lines: a priority mark or a date above a two-line title stays out
    for above in ("特急", "2025年3月1日"):
        doc = parse_text(f"{above}\n国务院办公厅关于促进综合保税区\n高水平开放高质量发展的若干意见\n一、总体要求\n内容。\n", "a")
        assert doc.meta.title == "国务院办公厅关于促进综合保税区高水平开放高质量发展的若干意见"


def test_joint_issuers_set_apart_by_spaces_stay_apart():
    """A joint notice (ours): the issuers share a line, parted only by spaces, above the title and
    above the date. The normalized copy drops those spaces; the issuers are still two."""
    from zhengce.index.corpus import parse_text

    text = ("湖南省教育厅 湖南省财政厅\n关于印发《湖南省职业教育提质培优行动实施方案》的通知\n湘教发〔2025〕12号\n"
            "各市州教育局、财政局:\n现将方案印发给你们。\n湖南省教育厅　　湖南省财政厅\n2025年3月10日\n一、总体要求\n内容。\n")
    doc = parse_text(text, "j")
    assert doc.meta.title == "湖南省教育厅 湖南省财政厅关于印发《湖南省职业教育提质培优行动实施方案》的通知"
    assert doc.meta.issuer == "湖南省教育厅、湖南省财政厅" and doc.meta.date_written == "2025-03-10"
    # one issuer whose name holds no space is one issuer; an office word spaced off its body stays with it
    one = parse_text("湖南省人民政府办公厅\n2025年3月10日\n一、总体要求\n内容。\n", "o")
    assert one.meta.issuer == "湖南省人民政府办公厅"
    spaced = parse_text("湖南省人民政府 办公厅\n2025年3月10日\n一、总体要求\n内容。\n", "s")
    assert spaced.meta.issuer == "湖南省人民政府办公厅"
    # issuers too long to read run together are read apart (three, above a date)
    three = parse_text("内容。\n中共湖南省委组织部  湖南省人力资源和社会保障厅  湖南省财政厅\n2025年3月10日\n", "t")
    assert three.meta.issuer == "中共湖南省委组织部、湖南省人力资源和社会保障厅、湖南省财政厅"
    # markup typed into the line is not read into a name
    marked = parse_text("<p>湖南省教育厅 湖南省财政厅</p>\n关于印发《某方案》的通知\n一、总体要求\n内容。\n", "m")
    assert not (marked.meta.title or "").startswith("<p>")


def test_date_from_the_title_is_marked_inferred():
    from zhengce.index.corpus import parse_text

    doc = parse_text("郑州市2020年科技工作要点\n一、总体要求\n内容。\n", "d")
    assert (doc.meta.date, doc.meta.date_inferred, doc.meta.year) == ("2020-01-01", True, 2020)
    stated = parse_text("郑州市2020年科技工作要点\n发布日期:2020-03-02\n一、总体要求\n内容。\n", "s")
    assert (stated.meta.date, stated.meta.date_inferred) == ("2020-03-02", False)


def test_a_heading_with_a_report_name_gets_no_proposer():
    from zhengce.index.corpus import parse_text

    doc = parse_text("# 关于建议的汇编\n### 2024年 政府工作报告\n内容。\n### 建设科技强市 民建郑州市委会\n内容。\n", "r")
    sections = [c for c in doc.clauses if c.number == "###"]
    assert [(c.title, c.proposer) for c in sections] == [("2024年 政府工作报告", None),
                                                         ("建设科技强市", "民建郑州市委会")]


def test_meta_tags_become_metadata(tmp_path):
    from zhengce.index.corpus import load_document

    page = tmp_path / "p.html"
    page.write_text('<html><head><meta name="ArticleTitle" content="关于某事的通知">'
                    '<meta name="PubDate" content="2021-05-06 10:00"><meta name="ContentSource" content="某某省教育厅">'
                    '</head><body><p>一、总体要求</p><p>（一）加强领导。做好工作。（省教育厅负责）</p></body></html>',
                    encoding="utf-8")
    m = load_document(page).meta
    assert (m.title, m.date_published, m.issuer, m.level) == ("关于某事的通知", "2021-05-06", "某某省教育厅", "province")


def test_a_markdown_blockquote_is_read_without_its_marker():
    """"> 湘政办发〔2024〕15号" holds the 文号; the marker is markup, and the citation keeps it."""
    from zhengce.index.corpus import parse_text

    text = ("# 湖南省人民政府办公厅关于加快推进数字政府建设的实施意见\n\n> 湘政办发〔2024〕15号\n\n"
            "## 一、重点任务\n\n> > 建立健全政务数据共享协调机制。（省数据局牵头）\n\n"
            "价格>100元的部分减半。\n")
    doc = parse_text(text, "q")
    assert doc.meta.doc_number == "湘政办发〔2024〕15号"
    task = next(c for c in doc.clauses if "共享协调机制" in c.text)
    assert task.text.startswith("建立健全") and [u.name for u in task.units] == ["省数据局"]
    assert "> > 建立健全" in text[task.start:task.end]  # the source as read, for the citation
    assert any("价格>100元" in c.text for c in doc.clauses)  # a ">" inside a line is content


@pytest.mark.parametrize("note", [
    "（2019年9月10日九江市人民政府第35次常务会议通过　2019年9月20日九江市人民政府令第12号公布　自2019年11月1日起施行）",
    "> 2019年9月20日九江市人民政府令第12号公布，自2019年11月1日起施行。",
])
def test_a_rules_promulgation_note_gives_its_order_issuer_and_date(note):
    """The note under a rule's title names the government's order, the issuer and the day it was
    published; the note stays in the text, where it is cited."""
    from zhengce.index.corpus import parse_text

    doc = parse_text(f"九江市食品小作坊登记管理办法\n{note}\n第一章　总则\n第一条　为了加强管理，制定本办法。\n", "rule")
    meta = doc.meta
    assert (meta.doc_number, meta.issuer, meta.date, meta.year) == ("九江市人民政府令第12号", "九江市人民政府",
                                                                    "2019-09-20", 2019)
    assert meta.title == "九江市食品小作坊登记管理办法"
    assert any("令第12号公布" in c.text for c in doc.clauses)
    # a date and an order in running text are not the notice's
    body = parse_text("关于某事的通知\n一、总体要求\n各地要落实2019年9月20日省人民政府令第3号公布的办法。\n", "body").meta
    assert body.doc_number is None and body.date_published is None


def test_page_furniture_after_a_value_never_enters_it_and_the_signature_beats_the_sites_source():
    """A page's 来源 line runs into 【字体：大 中 小】 打印本页; the 落款 above the date names the issuer."""
    from zhengce.index.corpus import parse_text

    text = ("某某部办公厅关于印发某某方案的通知\n发布日期：2025-03-14 来源：某某司 【字体：大 中 小】 打印本页\n"
            "一、总体要求\n内容。\n某某部办公厅\n2025年3月10日\n")
    meta = parse_text(text, "src").meta
    assert meta.issuer == "某某部办公厅" and meta.level == "national"
    # with no signature, masthead or 发布机构 the site's 来源 is the issuer, without the furniture
    alone = parse_text("关于某事的通知\n来源：某某市科技局 【字体：大 中 小】 打印本页\n一、总体要求\n内容。\n", "s2").meta
    assert alone.issuer == "某某市科技局"


def test_separators_a_flattened_metadata_table_leaves_are_cut():
    from zhengce.index.corpus import parse_text

    text = ("索引号:；11510000008305426X/2025-00312；\n发布机构:；某某省发展和改革委员会；\n文号:；川发改〔2025〕56号；\n"
            "标题:；某某省发展和改革委员会关于某事的通知。\n一、总体要求\n内容。\n")
    meta = parse_text(text, "sep").meta
    assert (meta.index_number, meta.issuer, meta.doc_number, meta.title) == (
        "11510000008305426X/2025-00312", "某某省发展和改革委员会", "川发改〔2025〕56号", "某某省发展和改革委员会关于某事的通知")


def test_a_joint_signature_names_both_issuers_over_a_page_or_masthead_naming_one():
    from zhengce.index.corpus import parse_text

    body = "一、总体要求\n内容。\n某某省发展和改革委员会　　某某省人力资源和社会保障厅\n2025年4月3日\n"
    page = parse_text("关于某事的通知\n" + body, "pg", page_meta={"issuer": "某某省发展和改革委员会"}).meta
    assert page.issuers == ("某某省发展和改革委员会", "某某省人力资源和社会保障厅")
    masthead = parse_text("某某省发展和改革委员会文件\n关于某事的通知\n" + body, "mh").meta
    assert masthead.issuers == ("某某省发展和改革委员会", "某某省人力资源和社会保障厅")
    # a signature that names another body does not overrule the page's issuer
    other = parse_text("关于某事的通知\n一、总体要求\n内容。\n某某省财政厅\n2025年4月3日\n", "ot",
                       page_meta={"issuer": "某某省发展和改革委员会"}).meta
    assert other.issuer == "某某省发展和改革委员会"


@pytest.mark.parametrize("line", [
    "各旗县（市、区）人民政府（管委会），盟行政公署各委办局，各有关单位：",
    "各镇人民政府、街道党工委和办事处，区委各部委，区级国家机关各部门，各人民团体，区属国有企业：",
    "各省、自治区、直辖市及新疆生产建设兵团人力资源社会保障厅（局），部内各单位：",
])
def test_addressee_lines_are_metadata_not_clauses(line):
    from zhengce.index.corpus import parse_text

    doc = parse_text(f"关于某事的通知\n某发〔2025〕1号\n{line}\n现将方案印发给你们，请认真贯彻落实。\n一、总体要求\n内容。\n", "to")
    assert len(doc.meta.addressees) >= 2
    assert all("各有关单位" not in c.text and "各部委" not in c.text and "部内各单位" not in c.text for c in doc.clauses)
