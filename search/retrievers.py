"""Retrievers share one interface: ``retrieve(query, k, allowed) -> (rows, scores)``.

``allowed`` is a boolean mask over index rows (filters), or ``None`` for all.
Results are best first; rows a filter excludes never appear. Retrievers see
the index only through :class:`zhengce.index.contract.IndexReader`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Protocol

import numpy as np

from zhengce.index.contract import IndexReader
from zhengce.index.embedding import Embedder

Ranking = tuple[np.ndarray, np.ndarray]


class Retriever(Protocol):
    name: str

    def retrieve(self, query: str, k: int, allowed: np.ndarray | None = None) -> Ranking: ...


def top_k(scores: np.ndarray, k: int, allowed: np.ndarray | None = None,
          positive_only: bool = False) -> Ranking:
    """Rows of the k best scores (ties: lower row first)."""
    scores = scores.astype(np.float32, copy=True)
    valid = np.ones(len(scores), bool) if allowed is None else allowed.copy()
    if positive_only:
        valid &= scores > 0
    idx = np.flatnonzero(valid)
    if not len(idx) or k <= 0:
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    sub = scores[idx]
    if len(idx) > k:
        part = np.argpartition(-sub, k - 1)[:k]
        idx, sub = idx[part], sub[part]
    order = np.lexsort((idx, -sub))
    return idx[order].astype(np.int64), sub[order]


class BM25Retriever:
    """Lexical retrieval: the index's BM25 scores in one field, best k with a positive score.

    ``field`` is ``words`` (jieba tokens; the retriever called ``bm25``) or ``bigrams``
    (character bigrams; called ``bigrams``), see :meth:`IndexReader.bm25_fields`.
    """

    def __init__(self, index: IndexReader, field: str = "words"):
        self.index = index
        self.field = field
        self.name = "bm25" if field == "words" else field

    def retrieve(self, query: str, k: int, allowed: np.ndarray | None = None) -> Ranking:
        return top_k(self.index.bm25_scores(query, field=self.field), k, allowed, positive_only=True)


class DenseRetriever:
    """Embedding retrieval: the query vector (cached, LRU) against the index's nearest rows."""

    name = "dense"

    def __init__(self, index: IndexReader, embedder: Embedder, cache_size: int = 1024):
        self.index = index
        self.embedder = embedder
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def query_vector(self, query: str) -> np.ndarray:
        """Query embedding, cached (LRU): the most expensive step of a query."""
        with self._lock:
            vec = self._cache.get(query)
            if vec is not None:
                self._cache.move_to_end(query)
                return vec
        vec = self.embedder.embed_queries([query])[0].astype(np.float32)
        with self._lock:
            self._cache[query] = vec
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return vec

    def retrieve(self, query: str, k: int, allowed: np.ndarray | None = None) -> Ranking:
        if len(self.index) == 0 or k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        return self.index.dense_top_k(self.query_vector(query), k, allowed)
