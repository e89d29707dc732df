"""The Milvus backend (Milvus Lite in a tmp dir): parity with the local index, filters as
expressions, upsert and delete by document, alias swap on rebuild, clear errors."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from zhengce.index.contract import Filters

pytest.importorskip("pymilvus", reason="the milvus extra is not installed")

QUERIES = ["科技贷款风险补偿", "谁负责科技成果转化", "新型研发机构", "人才引进", "高新区 管委会", "火星移民"]
FILTERS = [Filters(unit="市科协", year_from=2024), Filters(docs=("001_4d394fdb13fff546",)),
           Filters(issuer="郑州"), Filters(date_from="2024-01-01"), Filters(kind="工作要点"),
           Filters(year_to=2023)]


@pytest.fixture(scope="module")
def local(fake_index_dir):
    from zhengce.index.store import load_index

    return load_index(fake_index_dir)


@pytest.fixture(scope="module")
def milvus(milvus_index_dir):
    from zhengce.index.store import load_index

    return load_index(milvus_index_dir)


def test_loads_as_a_milvus_index_with_the_same_rows(local, milvus):
    from zhengce.index.contract import IndexReader

    assert type(milvus).__name__ == "MilvusIndex" and isinstance(milvus, IndexReader)
    assert [c.id for c in milvus.clauses(range(len(milvus)))] == [c.id for c in local.clauses(range(len(local)))]
    assert milvus.manifest["backend"] == "milvus" and milvus.manifest["bm25"]["engine"] == "client"
    assert milvus.manifest["corpus_hash"] == local.manifest["corpus_hash"]


def test_the_clause_side_is_the_local_store_with_its_aliases_thesaurus_and_calibration(local, milvus):
    """Everything the read side asks besides ranking answers exactly as the local index does."""
    assert (milvus.directory / "store").is_dir() and not (milvus.directory / "clauses.jsonl").exists()
    assert milvus.clauses(range(len(milvus))) == local.clauses(range(len(local)))  # every field
    assert milvus.documents() == local.documents() and milvus.unit_names() == local.unit_names()
    assert np.array_equal(milvus.row_docs(), local.row_docs()) and milvus.clause_ids([5, 2]) == local.clause_ids([5, 2])
    for name in local.unit_names():
        assert all(np.array_equal(a, b) for a, b in zip(milvus.unit_postings(name), local.unit_postings(name),
                                                           strict=True))
        assert np.array_equal(milvus.unit_stated(name), local.unit_stated(name))
    assert milvus.match_units("市科学技术局") == local.match_units("市科学技术局") == ["市科技局"]
    assert milvus.unit_spellings() == local.unit_spellings() and local.unit_spellings()["市科学技术局"] == "市科技局"
    assert milvus.rewrite_query("發改委找工作") == local.rewrite_query("發改委找工作")
    assert milvus.bm25_fields() == local.bm25_fields() == ("words", "bigrams")
    tokens = local.query_tokens("科技贷款风险补偿资金池 火星")
    assert np.allclose(milvus.bm25_idf(tokens), local.bm25_idf(tokens))
    # the calibration's background was ranked by Milvus: the same quantiles as the local build's
    a, b = local.calibration, milvus.calibration
    assert a["weights"] == b["weights"] and a["threshold"] == b["threshold"]
    for signal, quantiles in a["background"].items():
        assert np.allclose(quantiles, b["background"][signal], atol=1e-3), signal


@pytest.mark.parametrize("query", QUERIES + ["人才引近政策", "综合保锐区"])
def test_the_bigram_field_equals_the_local_one(local, milvus, query):
    a_rows, a_scores = local.bm25_top_k(query, 20, field="bigrams")
    b_rows, b_scores = milvus.bm25_top_k(query, 20, field="bigrams")
    assert np.allclose(a_scores, b_scores, rtol=1e-4) and len(a_rows) == len(b_rows)
    assert a_rows[:5].tolist() == b_rows[:5].tolist()
    with pytest.raises(ValueError, match="no BM25 field"):
        milvus.bm25_top_k(query, 5, field="pinyin")


@pytest.mark.parametrize("query", QUERIES)
def test_client_side_bm25_and_dense_equal_the_local_backend(local, milvus, query):
    from zhengce.index.embedding import FakeEmbedder

    a_rows, a_scores = local.bm25_top_k(query, 20)
    b_rows, b_scores = milvus.bm25_top_k(query, 20)
    assert np.allclose(a_scores, b_scores, rtol=1e-4) and len(a_rows) == len(b_rows)
    assert a_rows[:5].tolist() == b_rows[:5].tolist()
    vec = FakeEmbedder().embed_queries([query])[0]
    a_rows, a_scores = local.dense_top_k(vec, 10)
    b_rows, b_scores = milvus.dense_top_k(vec, 10)
    assert a_rows.tolist() == b_rows.tolist() and np.allclose(a_scores, b_scores, atol=1e-5)


@pytest.mark.parametrize("filters", FILTERS, ids=str)
def test_filters_run_in_milvus_and_select_the_local_rows(local, milvus, filters):
    mask = milvus.compile_filters(filters)
    assert mask.expr and np.array_equal(mask, local.compile_filters(filters))
    for allowed_local, allowed in ((local.compile_filters(filters), mask), (~local.compile_filters(filters), ~mask)):
        assert getattr(allowed, "expr", None) is None or allowed is mask  # a derived mask has no expression
        a, _ = local.bm25_top_k("科技 发展", 500, allowed_local)
        b, _ = milvus.bm25_top_k("科技 发展", 500, allowed)
        assert sorted(a.tolist()) == sorted(b.tolist()) and all(allowed[b])


def test_mask_expressions_for_any_mask(milvus):
    n = len(milvus)
    assert milvus.mask_expr(None) == "" and milvus.mask_expr(np.ones(n, bool)) == ""
    assert milvus.mask_expr(np.zeros(n, bool)) is None
    assert milvus.dense_top_k(np.ones(256, np.float32), 5, np.zeros(n, bool))[0].size == 0
    rows = np.array([0, 3, 7])
    mask = np.zeros(n, bool)
    mask[rows] = True
    got, _ = milvus.dense_top_k(np.ones(256, np.float32), 10, mask)
    assert sorted(got.tolist()) == rows.tolist()


def test_filter_errors_match_the_local_backend(milvus):
    from zhengce.index.contract import FilterError

    for f in (Filters(unit="火星局"), Filters(docs=("nope",)), Filters(kind="诏书"), Filters(issuer="火星")):
        with pytest.raises(FilterError):
            milvus.compile_filters(f)


def _count(index) -> int:
    return len(index.client.query(index.collection, filter='id != ""', output_fields=["id"]))


def test_remove_and_add_by_document_update_in_place(tmp_path, seed_docs, milvus):
    from zhengce.index.embedding import FakeEmbedder
    from zhengce.index.milvus_store import build_milvus, update_milvus
    from zhengce.index.store import load_index

    emb, target = FakeEmbedder(), tmp_path / "index"
    built, _ = build_milvus(list(seed_docs.values()), emb, target, str(tmp_path / "m.db"))
    doc = seed_docs["001"]
    removed, _ = update_milvus(built, [], [doc.doc_id], emb, target)
    n_doc = sum(1 for c in built.rows if c.doc_id == doc.doc_id)
    assert removed.collection == built.collection and _count(removed) == len(built) - n_doc
    assert doc.doc_id not in {d.doc_id for d in load_index(target).documents()}
    rows, _ = removed.bm25_top_k("科技", 500)
    assert all(removed.clauses([r])[0].doc_id != doc.doc_id for r in rows)
    added, summary = update_milvus(load_index(target), [doc], [], emb, target)
    assert summary["embedded"] == n_doc and _count(added) == len(built)
    reopened = load_index(target)
    for q in QUERIES:  # the same documents again: the same statistics, the same ranking as a build
        a, sa = milvus.bm25_top_k(q, 10)
        b, sb = reopened.bm25_top_k(q, 10)
        assert a.tolist() == b.tolist() and np.allclose(sa, sb, rtol=1e-4)


def test_rebuild_is_published_by_swapping_the_alias(tmp_path, seed_docs):
    from zhengce.index.embedding import FakeEmbedder
    from zhengce.index.milvus_store import build_milvus
    from zhengce.index.store import load_index

    emb, target, docs = FakeEmbedder(), tmp_path / "index", list(seed_docs.values())
    first, _ = build_milvus(docs[:2], emb, target, str(tmp_path / "m.db"), alias="live")
    reader = load_index(target)
    second, summary = build_milvus(docs, emb, target, str(tmp_path / "m.db"), alias="live", previous=first)
    client = second.client
    assert client.list_aliases(second.collection)["aliases"] == ["live"]
    assert summary["reused"] == len(first) and summary["embedded"] == len(second) - len(first)
    assert load_index(target).collection == second.collection
    assert len(reader.bm25_top_k("科技", 5)[0]) > 0  # a reader of the previous build still works
    third, _ = build_milvus(docs, emb, target, str(tmp_path / "m.db"), alias="live", previous=second)
    names = set(client.list_collections())
    assert {second.collection, third.collection} <= names and first.collection not in names


def test_builtin_bm25_engine_ranks_with_milvus_jieba(tmp_path, seed_docs, local):
    from zhengce.index.embedding import FakeEmbedder
    from zhengce.index.milvus_store import build_milvus

    index, _ = build_milvus(list(seed_docs.values()), FakeEmbedder(), tmp_path / "index",
                            str(tmp_path / "m.db"), engine="builtin")
    rows, scores = index.bm25_top_k("科技贷款风险补偿", 5)
    assert rows[0] == local.bm25_top_k("科技贷款风险补偿", 5)[0][0] and np.all(np.diff(scores) <= 0)
    assert index.bm25_top_k("，。", 5)[0].size == 0


def test_missing_pymilvus_names_the_extra(monkeypatch, milvus_index_dir):
    from zhengce.index.milvus_schema import MilvusUnavailable, connect
    from zhengce.index.store import IndexLoadError, load_index

    monkeypatch.setitem(sys.modules, "pymilvus", None)
    with pytest.raises(MilvusUnavailable, match=r"pip install 'zhengce\[milvus\]'"):
        connect("/tmp/never-opened.db")
    with pytest.raises(IndexLoadError, match=r"pip install 'zhengce\[milvus\]'"):
        load_index(milvus_index_dir)


def test_cli_builds_updates_and_refuses_the_wrong_backend(tmp_path, capsys, monkeypatch):
    from tests.conftest import seed_path
    from zhengce.cli import main
    from zhengce.milvus_cli import URI_ENV

    monkeypatch.setenv(URI_ENV, "")  # restored after the test (the CLI hands its URI on in the environment)
    idx, uri = str(tmp_path / "idx"), str(tmp_path / "m.db")
    assert main(["index", str(seed_path("000")), str(seed_path("002")), "--backend", "milvus",
                 "--milvus-uri", uri, "--index", idx, "--embedder", "fake"]) == 0
    assert main(["index", "--add", str(seed_path("001")), "--index", idx]) == 0  # the backend of the index
    assert main(["search", "科技贷款风险补偿", "-k", "2", "--index", idx, "--json"]) == 0
    assert "000_839afbcfa68b4ffc#2.5.13" in capsys.readouterr().out
    assert main(["index", "--remove", "nope", "--index", idx]) == 2
    assert main(["serve", "--index", idx, "--backend", "local"]) == 2
    assert "serve it with --backend milvus" in capsys.readouterr().err
    monkeypatch.delenv(URI_ENV)
    assert main(["index", "--backend", "milvus", "--index", str(tmp_path / "other"), "--embedder", "fake"]) == 2
    assert "needs --milvus-uri" in capsys.readouterr().err


@pytest.mark.parametrize("mode", ["bm25", "dense", "hybrid"])
def test_search_gives_the_same_hits_on_both_backends(fake_engine, fake_milvus_engine, mode):
    for q in QUERIES:
        for filters in (None, Filters(unit="市科技局")):
            a = fake_engine.search(q, k=10, mode=mode, filters=filters).hits
            b = fake_milvus_engine.search(q, k=10, mode=mode, filters=filters).hits
            assert [h.clause.id for h in a] == [h.clause.id for h in b]
            assert np.allclose([h.score for h in a], [h.score for h in b], atol=1e-4)


def test_filters_as_server_expressions():
    from zhengce.index.milvus_schema import filters_expr

    f = Filters(docs=("a", 'b"c'), issuer="郑州%", unit="科技局", kind="通知", year_from=2020, date_to="2024-06-30")
    expr = filters_expr(f, ["市科技局", "省科技厅"])
    assert 'doc_id in ["a", "b\\"c"]' in expr and 'issuer like "%郑州\\\\%%"' in expr
    assert 'array_contains_any(units, ["市科技局", "省科技厅"])' in expr and 'kind == "通知"' in expr
    assert "year >= 2020" in expr and 'date <= "2024-06-30"' in expr
    assert 'id in ["c1"]' in filters_expr(Filters(unit="x"), ["x"], unit_ids=["c1"])  # Milvus Lite
    assert filters_expr(Filters(), []) == ""
