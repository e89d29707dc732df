"""Reranking: an optional stage after fusion that reorders the head of the list.

Two implementations of one :class:`Reranker` protocol (``rerank(query, rows, scores) ->
(rows, scores)``, best first, the same rows):

* :class:`CrossEncoderReranker` — a sentence-transformers ``CrossEncoder`` read from a local
  path (never downloaded), scoring (query, passage) pairs for the first ``top_n`` rows. For
  users who have such a model; no quality claim is made for any model here (the tests run
  the plumbing with a randomly initialised tiny model).
* :class:`FeatureReranker` — the fused score plus small bonuses: the query's tokens in the
  clause title (``title``), a unit the question names among the clause's units (``unit``), the
  query's tokens in the clause's path (``path``), and for questions about what is in force now
  (现行, 目前, 现在, 最新) the document's recency (``recency``). Off by default: dev
  cross-validation did not show a gain (0.9007 held out against 0.901 without it,
  ``eval/ABLATION.md``); ``FEATURE_WEIGHTS`` are the proportions it was measured with.
"""

from __future__ import annotations

import re
from typing import Protocol

import numpy as np

from zhengce.index.contract import IndexReader

CURRENT = re.compile(r"现行|目前|现在|最新|当前")
FEATURE_WEIGHTS = {"title": 0.1, "unit": 0.1, "path": 0.05, "recency": 0.1}
TOP_N = 20


class Reranker(Protocol):
    def rerank(self, query: str, rows: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]: ...


def _order(rows: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.lexsort((rows, -scores))
    return rows[order], scores[order].astype(np.float32)


class FeatureReranker:
    """Fused score + Σ weight · feature over the first ``top_n`` rows (see the module docstring)."""

    def __init__(self, index: IndexReader, weights: dict[str, float] | None = None, top_n: int = TOP_N):
        self.index = index
        self.weights = dict(FEATURE_WEIGHTS if weights is None else weights)
        self.top_n = top_n

    def features(self, query: str, rows: np.ndarray) -> dict[str, np.ndarray]:
        idx = self.index
        tokens = set(idx.query_tokens(query))
        named = [u for u in idx.unit_names() if len(u) >= 2 and u in query]
        years = idx.row_years()
        clauses = idx.clauses(rows.tolist())
        out = {name: np.zeros(len(rows)) for name in FEATURE_WEIGHTS}
        span = max(1, int(years.max()) - int(years[years > 0].min())) if (years > 0).any() else 1
        current = bool(CURRENT.search(query))
        for i, (row, c) in enumerate(zip(rows.tolist(), clauses, strict=True)):
            if tokens:
                out["title"][i] = len(tokens & set(idx.query_tokens(c.title))) / len(tokens)
                out["path"][i] = len(tokens & set(idx.query_tokens(" ".join(c.path)))) / len(tokens)
            out["unit"][i] = float(any(u in c.unit_names() for u in named))
            if current and years[row] > 0:
                out["recency"][i] = 1.0 - (int(years.max()) - int(years[row])) / span
        return out

    def rerank(self, query: str, rows: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Bonuses only add, so the head stays above the tail."""
        head, tail = rows[:self.top_n], rows[self.top_n:]
        feats = self.features(query, head)
        boosted = scores[:self.top_n].astype(np.float64) + sum(w * feats[n] for n, w in self.weights.items())
        h_rows, h_scores = _order(head, boosted)
        return np.concatenate([h_rows, tail]), np.concatenate([h_scores, scores[self.top_n:]]).astype(np.float32)


class CrossEncoderReranker:
    """A sentence-transformers cross-encoder from a local path, over the first ``top_n`` rows.

    Scores replace the fused scores of the head (the tail keeps its order below the head).
    """

    def __init__(self, index: IndexReader, model: str, top_n: int = TOP_N, max_chars: int = 480):
        try:
            from sentence_transformers import CrossEncoder
        except ImportError as exc:  # pragma: no cover - depends on the optional extra
            raise RuntimeError("the cross-encoder stage needs the st extra: pip install -e '.[st]'") from exc
        self.index = index
        self.model = CrossEncoder(model, local_files_only=True)
        self.top_n = top_n
        self.max_chars = max_chars

    def rerank(self, query: str, rows: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        head = rows[:self.top_n]
        if not len(head):
            return rows, scores
        passages = [c.titled_text[:self.max_chars] for c in self.index.clauses(head.tolist())]
        ce = np.asarray(self.model.predict([(query, p) for p in passages], show_progress_bar=False), np.float64)
        ce = ce.reshape(len(head), -1)[:, -1]
        h_rows, h_scores = _order(head, ce)
        tail_scores = scores[self.top_n:].astype(np.float64)
        if len(tail_scores):  # keep the tail strictly below the head on the same scale
            tail_scores = float(h_scores.min()) - 1.0 - np.arange(len(tail_scores))
        return np.concatenate([h_rows, rows[self.top_n:]]), np.concatenate([h_scores, tail_scores]).astype(np.float32)
