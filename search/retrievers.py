"""Retrievers share one interface: ``retrieve(query, k, allowed) -> (rows, scores)``.

``allowed`` is a boolean mask over index rows (filters), or ``None`` for all.
Results are best first; rows a filter excludes never appear.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Protocol

import numpy as np

from zhengce.index import bm25
from zhengce.index.embedding import Embedder
from zhengce.index.store import ClauseIndex


class Retriever(Protocol):
    name: str

    def retrieve(self, query: str, k: int, allowed: np.ndarray | None = None
                 ) -> tuple[np.ndarray, np.ndarray]: ...


def top_k(scores: np.ndarray, k: int, allowed: np.ndarray | None = None,
          positive_only: bool = False) -> tuple[np.ndarray, np.ndarray]:
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
    name = "bm25"

    def __init__(self, index: ClauseIndex):
        self.index = index
        self._last: tuple[str, np.ndarray] | None = None

    def scores(self, query: str) -> np.ndarray:
        """Scores of every row; the last query's are kept (answering asks for them twice)."""
        last = self._last
        if last is not None and last[0] == query:
            return last[1]
        scores = bm25.scores(self.index.bm25_model, self.index.tokenizer.tokenize_query(query))
        self._last = (query, scores)
        return scores

    def retrieve(self, query, k, allowed=None):
        return top_k(self.scores(query), k, allowed, positive_only=True)


class DenseRetriever:
    name = "dense"

    def __init__(self, index: ClauseIndex, embedder: Embedder, cache_size: int = 1024):
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

    def retrieve(self, query, k, allowed=None):
        import faiss

        n = len(self.index)
        if n == 0 or k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        q = self.query_vector(query)[None, :]
        k = min(k, n)
        params = None
        if allowed is not None:
            ids = np.flatnonzero(allowed).astype(np.int64)
            if not len(ids):
                return np.zeros(0, np.int64), np.zeros(0, np.float32)
            k = min(k, len(ids))
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(ids))
        scores, rows = self.index.faiss_index.search(q, k, params=params)
        keep = rows[0] >= 0
        return rows[0][keep].astype(np.int64), scores[0][keep].astype(np.float32)
