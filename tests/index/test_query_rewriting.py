"""Query normalization, the thesaurus and the bigram field: what the index rewrites and matches."""

from __future__ import annotations


def test_normalize_query_simplifies_traditional_and_full_width():
    from zhengce.index.thesaurus import normalize_query

    assert normalize_query("綜合保稅區由哪個部門負責") == "综合保税区由哪个部门负责"
    assert normalize_query("ＡＩ　人工智能（试点）") == "AI 人工智能(试点)"


def test_thesaurus_appends_wordings_longest_term_first():
    from zhengce.index.thesaurus import Thesaurus

    t = Thesaurus("# comment\n发改委\t发展改革委\n国家发改委\t国家发展改革委\n找工作\t就业\n")
    assert t.expand("国家发改委管什么") == "国家发改委管什么 国家发展改革委"
    assert t.expand("大学生找工作") == "大学生找工作 就业"
    assert t.expand("就业找工作") == "就业找工作"  # the wording is already there
    assert t.expand("科技金融") == "科技金融"


def test_the_package_thesaurus_holds_the_documented_entries():
    from zhengce.index.thesaurus import Thesaurus

    t = Thesaurus.default()
    for term, wording in (("人社部", "人力资源社会保障部"), ("发改委", "发展改革委"), ("工信部", "工业和信息化部"),
                          ("找工作", "就业"), ("开公司", "创业"), ("开公司", "市场主体"), ("买房", "住房")):
        assert wording in t.table[term]


def test_bigrams_of_cjk_runs_and_ascii_words():
    from zhengce.index.bigrams import bigrams

    assert bigrams("人才引近政策") == ["人才", "才引", "引近", "近政", "政策"]
    assert bigrams("IPv6 改造") == ["ipv6", "改造"]


def test_bigram_field_finds_a_typo_the_words_miss(fake_engine):
    idx = fake_engine.index
    assert "bigrams" in idx.bm25_fields()
    typo = "人才引近政策"
    grams = idx.bm25_scores(typo, field="bigrams")
    best = idx.clauses([int(grams.argmax())])[0]
    assert "人才引进" in best.titled_text


def test_the_engine_searches_the_rewritten_query(fake_engine):
    traditional = fake_engine.search("科技貸款風險補償", k=5, mode="bm25")
    simplified = fake_engine.search("科技贷款风险补偿", k=5, mode="bm25")
    assert [h.clause.id for h in traditional.hits] == [h.clause.id for h in simplified.hits]
    raw = fake_engine.search("科技貸款風險補償", k=5, mode="bm25", rewrite=False)
    assert [h.clause.id for h in raw.hits] != [h.clause.id for h in simplified.hits]
