from __future__ import annotations

import pytest

from zhengce.index.contract import FilterError, Filters


def test_modes_return_hits_and_hybrid_fuses_both(fake_engine):
    for mode in ("bm25", "dense", "hybrid"):
        res = fake_engine.search("科技贷款风险补偿", k=5, mode=mode)
        assert len(res.hits) == 5 and res.mode == mode
    hybrid = fake_engine.search("科技贷款风险补偿", k=5, mode="hybrid")
    assert any({"bm25", "dense"} <= set(h.ranks) for h in hybrid.hits)
    assert any("bigrams" in h.ranks for h in hybrid.hits)  # the bigram field has a weight
    assert hybrid.hits[0].clause.id == "000_839afbcfa68b4ffc#2.5.13"


def test_hit_carries_citation_that_round_trips(fake_engine):
    hit = fake_engine.search("科技成果转化服务", k=3, mode="bm25").hits[0]
    d = hit.to_dict()
    original = fake_engine.index.original(d["doc_id"])
    cited = original[d["source"]["start"]:d["source"]["end"]]
    assert hit.clause.title[:6] in cited.replace(" ", "")
    assert {"clause_id", "doc_title", "issuer", "date", "doc_number", "path", "excerpt", "units",
            "proposer", "source"} <= set(d)


def test_a_hit_carries_its_task_deadline_and_ask_prints_it(fake_engine):
    """A cited task's deadline reaches the API's hit and the terminal, not only the duty table."""
    from dataclasses import replace

    from zhengce.api.schemas import HitOut
    from zhengce.index.model import Deadline
    from zhengce.read_commands import _format_hit

    hit = fake_engine.search("科技成果转化服务", k=3, mode="bm25").hits[0]
    assert hit.to_dict()["deadline"] is None and "完成时限" not in _format_hit(1, hit)
    due = replace(hit, clause=replace(hit.clause, deadline=Deadline("2025年6月底前", "2025-06-30")))
    assert due.to_dict()["deadline"] == {"raw": "2025年6月底前", "iso": "2025-06-30", "ongoing": False}
    assert HitOut(**due.to_dict()).deadline.iso == "2025-06-30"
    assert "完成时限: 2025年6月底前 (2025-06-30)" in _format_hit(1, due)


def test_filters_restrict_hits(fake_engine):
    res = fake_engine.search("科技创新", k=20, filters=Filters(year_from=2020, year_to=2020))
    assert res.hits and all(h.clause.doc.year == 2020 for h in res.hits)
    res = fake_engine.search("科技创新", k=20, filters=Filters(unit="市科技局"))
    assert res.hits and all("市科技局" in h.clause.unit_names() for h in res.hits)
    res = fake_engine.search("科技创新", k=20, filters=Filters(docs=("004_cee58c647e0cd370",)))
    assert {h.clause.doc_id for h in res.hits} == {"004_cee58c647e0cd370"}
    # An alias of a unit finds the canonical name.
    res = fake_engine.search("科技创新", k=5, filters=Filters(unit="市科学技术局"))
    assert all("市科技局" in h.clause.unit_names() for h in res.hits)


@pytest.mark.parametrize("filters, message", [
    (Filters(docs=("nope",)), "unknown document"),
    (Filters(unit="火星局"), "no clause names the unit"),
    (Filters(kind="小说"), "unknown document kind"),
])
def test_unknown_filter_values_raise(fake_engine, filters, message):
    with pytest.raises(FilterError, match=message):
        fake_engine.search("科技", filters=filters)


def test_unknown_mode_raises(fake_engine):
    with pytest.raises(ValueError, match="unknown mode"):
        fake_engine.search("科技", mode="magic")


def test_full_width_query_gives_same_bm25_hits(fake_engine):
    a = fake_engine.search("科技贷款风险补偿(郑科贷)", k=5, mode="bm25")
    b = fake_engine.search("科技贷款风险补偿（郑科贷）", k=5, mode="bm25")
    assert [h.clause.id for h in a.hits] == [h.clause.id for h in b.hits]


def test_hnsw_finds_what_flat_finds(seed_docs):
    from zhengce.index.embedding import FakeEmbedder
    from zhengce.index.store import build_index
    from zhengce.search.engine import SearchEngine

    emb = FakeEmbedder()
    flat, _ = build_index(list(seed_docs.values()), emb)
    hnsw, _ = build_index(list(seed_docs.values()), emb, faiss_kind="hnsw", previous=flat)
    a = SearchEngine(flat, emb).search("新型研发机构", k=10, mode="dense")
    b = SearchEngine(hnsw, emb).search("新型研发机构", k=10, mode="dense")
    overlap = len({h.clause.id for h in a.hits} & {h.clause.id for h in b.hits})
    assert overlap >= 9
    filtered = SearchEngine(hnsw, emb).search("新型研发机构", k=5, mode="dense",
                                              filters=Filters(docs=("001_4d394fdb13fff546",)))
    assert filtered.hits and all(h.clause.doc_id == "001_4d394fdb13fff546" for h in filtered.hits)


@pytest.mark.real_model
def test_real_embedder_ranks_the_right_clause(real_engine):
    res = real_engine.search("给科技型企业贷款出了坏账政府给补偿吗", k=5, mode="dense")
    assert "000_839afbcfa68b4ffc#2.5.13" in [h.clause.id for h in res.hits]
    hybrid = real_engine.search("谁负责科技成果转化", k=10, mode="hybrid")
    assert any("成果转" in h.clause.title for h in hybrid.hits[:3])


def test_date_range_filter(fake_engine):
    res = fake_engine.search("科技创新", k=20, filters=Filters(date_from="2020-01-01", date_to="2020-12-31"))
    assert res.hits and all(h.clause.doc.date.startswith("2020") for h in res.hits)
    none = fake_engine.search("科技创新", k=5, filters=Filters(date_from="2030-01-01"))
    assert none.hits == []


def test_precedents_rank_with_the_draft_clause_weights(fake_engine):
    """A draft clause is ranked with the ``precedent`` weights, whatever its wording."""
    from zhengce.search.engine import SearchEngine
    from zhengce.search.precedent import find_precedents

    draft = "完善科技贷款风险补偿机制，引导政策性担保机构提供贷款增信服务"
    index, embedder = fake_engine.index, fake_engine.embedder
    lexical = {"bm25": 1.0, "bigrams": 0.0, "dense": 0.0}
    dense = {"bm25": 0.0, "bigrams": 0.0, "dense": 1.0}
    by_words = SearchEngine(index, embedder, weights={"default": dense, "precedent": lexical})
    by_vectors = SearchEngine(index, embedder, weights={"default": lexical, "precedent": dense})
    words = [p.hit.clause.id for p in find_precedents(by_words, draft, 5)[0]]
    vectors = [p.hit.clause.id for p in find_precedents(by_vectors, draft, 5)[0]]
    assert words == [h.clause.id for h in fake_engine.search(draft, k=5, mode="bm25").hits]
    assert vectors == [h.clause.id for h in fake_engine.search(draft, k=5, mode="dense").hits]
    assert words != vectors

