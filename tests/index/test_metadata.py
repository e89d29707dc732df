from __future__ import annotations


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
