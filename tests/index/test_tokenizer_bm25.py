"""Tokenizer behaviour and BM25 score parity with rank-bm25 on the seeds."""

from __future__ import annotations

import math

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from zhengce.index import bm25
from zhengce.index.store import is_indexed
from zhengce.index.tokenizer import Tokenizer


@pytest.fixture(scope="module")
def tok(seed_docs):
    units = {u.name for d in seed_docs.values() for c in d.clauses for u in c.units}
    return Tokenizer.for_corpus(units)


@pytest.fixture(scope="module")
def corpus(seed_docs, tok):
    rows = [c for d in seed_docs.values() for c in d.clauses if is_indexed(c)]
    return [bm25.clause_tokens(c, tok) for c in rows]


QUERIES = ["谁负责科技成果转化", "科技贷款风险补偿", "新型研发机构建设", "高新技术企业倍增计划",
           "知识产权质押融资", "市科技局", "黄河人才计划 青年人才", "郑洛新国家自主创新示范区条例"]


def test_full_and_half_width_give_same_tokens(tok):
    assert tok.tokenize("（责任单位：市科技局）１．ＡＩ") == tok.tokenize("(责任单位:市科技局)1.AI")


def test_unit_names_stay_whole_and_stopwords_go(tok):
    tokens = tok.tokenize("由市发展改革委牵头的工作")
    assert "市发展改革委" in tokens
    assert "的" not in tokens and "由" not in tokens


def test_search_mode_emits_sub_words(tok):
    tokens = tok.tokenize("科技成果转化")
    assert {"科技成果转化", "成果", "转化"} <= set(tokens)


class LuceneIdfBM25(BM25Okapi):
    """rank-bm25 with Lucene's idf, the variant the index uses; everything else is rank-bm25's."""

    def _calc_idf(self, nd):
        for word, freq in nd.items():
            self.idf[word] = math.log(1 + (self.corpus_size - freq + 0.5) / (freq + 0.5))


def test_scores_equal_rank_bm25_lucene_variant(corpus, tok):
    ours = bm25.build(corpus)
    reference = LuceneIdfBM25(corpus, k1=bm25.K1, b=bm25.B)
    for q in QUERIES:
        qt = tok.tokenize(q)
        np.testing.assert_allclose(bm25.scores(ours, qt), reference.get_scores(qt), rtol=1e-4, atol=1e-4)


def test_scores_equal_plain_bm25okapi_where_idf_is_positive(corpus, tok):
    ours = bm25.build(corpus, method="robertson")
    reference = BM25Okapi(corpus, k1=bm25.K1, b=bm25.B)
    n = len(corpus)
    for q in QUERIES:
        qt = [t for t in tok.tokenize(q) if sum(t in doc for doc in corpus) < n / 2]
        assert qt
        np.testing.assert_allclose(bm25.scores(ours, qt), reference.get_scores(qt), rtol=1e-4, atol=1e-4)


def test_unknown_tokens_score_zero(corpus):
    ours = bm25.build(corpus)
    assert not bm25.scores(ours, ["完全不存在的词语xyz"]).any()
    assert not bm25.scores(ours, []).any()


def test_bigram_field_scores_equal_rank_bm25_at_its_own_b(seed_docs):
    """The bigram field keeps the word field's variant and k1 but its own length normalization."""
    from zhengce.index import bigrams

    rows = [c for d in seed_docs.values() for c in d.clauses if is_indexed(c)]
    grams = [bigrams.clause_bigrams(c) for c in rows]
    ours = bigrams.build(rows)
    reference = LuceneIdfBM25(grams, k1=bm25.K1, b=bigrams.B)
    for q in QUERIES + ["人才引近政策"]:
        np.testing.assert_allclose(bigrams.scores(ours, q), reference.get_scores(bigrams.bigrams(q)),
                                   rtol=1e-4, atol=1e-4)
    # the constant matters: at the word field's b the same field scores otherwise
    other = LuceneIdfBM25(grams, k1=bm25.K1, b=bm25.B)
    assert not np.allclose(bigrams.scores(ours, QUERIES[1]), other.get_scores(bigrams.bigrams(QUERIES[1])), atol=1e-3)
