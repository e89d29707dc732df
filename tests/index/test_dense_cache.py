"""Dense index kinds chosen by size, the shared embedding cache, batching and block tokenization."""

from __future__ import annotations

import json

import numpy as np
import pytest

from zhengce.index.dense import FLAT_MAX, Dense, build_ann, choose_kind
from zhengce.index.embed_cache import CacheDir, EmbedCache, hash_bytes
from zhengce.index.embed_pool import embed_passages, length_batches
from zhengce.index.embedding import FakeEmbedder
from zhengce.index.store import build_index, is_indexed, load_index, passage_hash, passage_text, save_index


def test_kind_by_size_and_override():
    assert choose_kind(10) == "flat" and choose_kind(FLAT_MAX) == "flat"
    assert choose_kind(FLAT_MAX + 1) == "ivfpq"
    assert choose_kind(10, "hnsw") == "hnsw" and choose_kind(10**7, "flat") == "flat"
    with pytest.raises(ValueError, match="unknown FAISS index kind"):
        choose_kind(10, "annoy")


def _vectors(n=3000, dim=64, seed=0):
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(30, dim))
    v = centers[rng.integers(0, 30, n)] + 0.3 * rng.normal(size=(n, dim))
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


@pytest.mark.parametrize("kind", ["hnsw", "ivfpq"])
def test_approximate_kinds_find_what_exact_search_finds(kind):
    vecs = _vectors()
    exact, approx = Dense(vecs, "flat"), Dense(vecs, kind, build_ann(vecs, kind))
    queries = vecs[:40] + 0.05
    recall = np.mean([len(set(exact.search(q, 10)[0]) & set(approx.search(q, 10)[0])) / 10 for q in queries])
    assert recall >= 0.9
    rows, scores = approx.search(queries[0], 10)
    assert list(scores) == sorted(scores, reverse=True)
    np.testing.assert_allclose(scores, vecs[rows] @ queries[0], rtol=1e-5)  # re-scored exactly
    allowed = np.zeros(len(vecs), bool)
    allowed[::7] = True
    rows, _ = approx.search(queries[1], 10, allowed)
    assert len(rows) == 10 and allowed[rows].all()
    assert len(approx.search(queries[1], 10, np.zeros(len(vecs), bool))[0]) == 0


@pytest.mark.parametrize("kind", ["hnsw", "ivfpq"])
def test_an_index_keeps_its_kind_on_disk(seed_docs, tmp_path, kind):
    emb = FakeEmbedder()
    flat, _ = build_index(list(seed_docs.values()), emb)
    index, summary = build_index(list(seed_docs.values()), emb, faiss_kind=kind, previous=flat)
    assert summary["faiss"] == kind and summary["embedded"] == 0
    save_index(index, tmp_path / "idx")
    loaded = load_index(tmp_path / "idx")
    assert loaded.manifest["faiss"]["kind"] == kind and (tmp_path / "idx" / "dense.faiss").exists()
    q = emb.embed_queries(["新型研发机构"])[0]
    overlap = len(set(loaded.dense_top_k(q, 10)[0]) & set(flat.dense_top_k(q, 10)[0]))
    assert overlap >= 8
    save_index(flat, tmp_path / "flat")
    assert not (tmp_path / "flat" / "dense.faiss").exists()  # flat: the vectors are the index
    manifest = json.loads((tmp_path / "flat" / "manifest.json").read_text())
    assert manifest["faiss"] == {"kind": "flat", "requested": "auto"}


def test_embed_cache_lookup_by_passage_hash():
    hexes = [f"{i:032x}" for i in (5, 1, 9)]
    vecs = np.arange(9, dtype=np.float32).reshape(3, 3)
    cache = EmbedCache("e", hash_bytes(hexes), vecs)
    assert hexes[1] in cache and f"{7:032x}" not in cache
    np.testing.assert_array_equal(cache[hexes[2]], vecs[2])
    assert cache.positions(hash_bytes([hexes[2], f"{7:032x}", hexes[0]])).tolist() == [2, -1, 0]
    out = np.zeros((2, 3), np.float32)
    assert cache.fill(hash_bytes([f"{7:032x}", hexes[1]]), out).tolist() == [False, True]
    np.testing.assert_array_equal(out[1], vecs[1])


def test_a_cache_directory_is_shared_between_builds_without_a_previous_index(seed_docs, tmp_path):
    docs = list(seed_docs.values())
    first_emb = FakeEmbedder()
    first, s1 = build_index(docs, first_emb, cache_dir=tmp_path / "cache")
    assert s1["embedded"] == len(first)
    # another build (another backend, a fresh directory): nothing is embedded again
    other_emb = FakeEmbedder()
    second, s2 = build_index(docs, other_emb, cache_dir=tmp_path / "cache")
    assert s2["embedded"] == 0 and other_emb.calls == 0
    np.testing.assert_array_equal(second.vectors, first.vectors)
    cache = CacheDir(tmp_path / "cache").load(other_emb.name, other_emb.dim)
    assert len(cache) == len(first)
    # another embedder never sees these vectors
    assert len(CacheDir(tmp_path / "cache").load("fake:hash-ngrams-128", 128)) == 0


def test_the_previous_index_is_a_cache_without_copying(seed_docs, tmp_path):
    emb = FakeEmbedder()
    index, _ = build_index(list(seed_docs.values()), emb)
    save_index(index, tmp_path / "idx")
    loaded = load_index(tmp_path / "idx")
    cache = loaded.vector_cache()
    assert cache.vectors is loaded.vectors and len(cache) == len(loaded)
    c = loaded.clauses([3])[0]
    np.testing.assert_array_equal(cache[passage_hash(c)], loaded.vectors[3])


def test_length_batches_cover_every_text_once_longest_first():
    texts = ["a" * n for n in (5, 50, 1, 30, 7, 7, 100)]
    batches = length_batches(texts, 3)
    assert sorted(i for b in batches for i in b) == list(range(len(texts)))
    assert [len(texts[i]) for i in batches[0]] == [100, 50, 30]


def test_a_worker_pool_gives_the_vectors_of_one_process(seed_docs):
    texts = [passage_text(c) for d in seed_docs.values() for c in d.clauses if is_indexed(c)][:40]
    emb = FakeEmbedder()
    one = embed_passages(texts, emb, batch_size=4)
    np.testing.assert_array_equal(one, emb.embed_passages(texts))
    two = embed_passages(texts, emb, batch_size=4, workers=2)
    np.testing.assert_array_equal(one, two)


def test_device_is_for_sentence_transformers_only():
    from zhengce.index.embedding import make_embedder

    with pytest.raises(ValueError, match="sentence-transformers"):
        make_embedder("fake", device="cuda")
    assert make_embedder("fake", device="cpu").dim == 256


def test_block_cached_tokenization_equals_jieba_on_the_whole_text(seed_docs):
    from zhengce.index.tokenizer import _PUNCT, Tokenizer

    tok = Tokenizer.for_corpus()
    for d in seed_docs.values():
        for c in d.clauses[:40]:
            import unicodedata

            text = unicodedata.normalize("NFKC", c.text).lower()
            whole = [t.strip() for t in tok._jieba.cut_for_search(text, HMM=True)]
            whole = [t for t in whole if t and t not in tok.stopwords and not _PUNCT.match(t)]
            assert tok.tokenize(c.text) == whole


def test_an_incremental_build_reuses_the_trained_ivfpq(seed_docs):
    from zhengce.index.dense import reusable

    emb = FakeEmbedder()
    docs = list(seed_docs.values())
    first, _ = build_index(docs, emb, faiss_kind="ivfpq")
    again, _ = build_index(docs[:-1], emb, faiss_kind="ivfpq", previous=first)
    assert reusable(first.dense.ann, "ivfpq", len(again), emb.dim)
    np.testing.assert_array_equal(  # the same trained centroids, the new rows
        again.dense.ann.quantizer.reconstruct_n(0, again.dense.ann.nlist),
        first.dense.ann.quantizer.reconstruct_n(0, first.dense.ann.nlist))
    assert again.dense.ann.ntotal == len(again) < len(first)
