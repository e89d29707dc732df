"""The reranking stage: the feature reranker's bonuses, and the cross-encoder plumbing.

The cross-encoder is a randomly initialised two-layer BERT saved from a config with a
tokenizer built from a small vocabulary (never a download): it tests that the stage loads a
local model, scores (query, passage) pairs and reorders the head. No quality claim.
"""

from __future__ import annotations

import numpy as np
import pytest


def tiny_cross_encoder(path):
    transformers = pytest.importorskip("transformers")
    pytest.importorskip("sentence_transformers")
    import torch

    torch.manual_seed(0)
    chars = sorted(set("科技成果转化金融人才政策创新企业服务平台建设研发机构市局委负责"))
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars]
    path.mkdir(parents=True, exist_ok=True)
    (path / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tokenizer = transformers.BertTokenizer(str(path / "vocab.txt"), tokenize_chinese_chars=True)
    config = transformers.BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2,
                                     num_attention_heads=2, intermediate_size=37, max_position_embeddings=128,
                                     num_labels=1)
    transformers.BertForSequenceClassification(config).save_pretrained(str(path))
    tokenizer.save_pretrained(str(path))
    return path


def test_cross_encoder_reorders_the_head_and_keeps_the_rows(fake_engine, tmp_path):
    from zhengce.search.engine import SearchEngine
    from zhengce.search.rerank import CrossEncoderReranker

    model = tiny_cross_encoder(tmp_path / "ce")
    reranker = CrossEncoderReranker(fake_engine.index, str(model), top_n=5)
    engine = SearchEngine(fake_engine.index, fake_engine.embedder, reranker=reranker)
    plain = engine.search("科技成果转化", k=8, rerank=False)
    reranked = engine.search("科技成果转化", k=8)
    rows_plain = [h.row for h in plain.hits]
    rows_reranked = [h.row for h in reranked.hits]
    # The head is the same five rows in another order (the model's), the tail untouched.
    assert sorted(rows_reranked[:5]) == sorted(rows_plain[:5])
    assert rows_reranked[5:] == rows_plain[5:]
    scores = [h.score for h in reranked.hits]
    assert scores == sorted(scores, reverse=True)
    passages = [c.titled_text for c in fake_engine.index.clauses(rows_plain[:5])]
    ce = reranker.model.predict([("科技成果转化", p) for p in passages])
    assert rows_reranked[0] == rows_plain[int(np.argmax(ce))]


def test_feature_reranker_lifts_a_clause_naming_the_asked_unit(fake_engine):
    from zhengce.search.rerank import FeatureReranker

    idx = fake_engine.index
    ranked = fake_engine.rank("科技金融", 20, "hybrid")
    rows, scores = ranked.rows, ranked.scores
    units = [(i, c.unit_names()) for i, c in enumerate(idx.clauses(rows.tolist())) if c.unit_names()]
    pos, names = units[-1]
    query = f"{names[0]}科技金融"
    reranker = FeatureReranker(idx, weights={"title": 0, "unit": 10.0, "path": 0, "recency": 0}, top_n=20)
    new_rows, new_scores = reranker.rerank(query, rows, scores)
    assert sorted(new_rows.tolist()) == sorted(rows.tolist())
    assert names[0] in idx.clauses([int(new_rows[0])])[0].unit_names()
    assert list(new_scores) == sorted(new_scores, reverse=True)
