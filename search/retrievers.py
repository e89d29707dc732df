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

from zhengce.index.contract import IndexReader, top_k  # noqa: F401  (top_k: re-exported)
from zhengce.index.embedding import Embedder

Ranking = tuple[np.ndarray, np.ndarray]


class Retriever(Protocol):
    name: str

    def retrieve(self, query: str, k: int, allowed: np.ndarray | None = None) -> Ranking: ...


class BM25Retriever:
    """Lexical retrieval: the index's best k BM25 rows in one field with a positive score
    (:meth:`IndexReader.bm25_top_k`).

    ``field`` is ``words`` (jieba tokens; the retriever called ``bm25``) or ``bigrams``
    (character bigrams; called ``bigrams``), see :meth:`IndexReader.bm25_fields`.
    """

    def __init__(self, index: IndexReader, field: str = "words"):
        self.index = index
        self.field = field
        self.name = "bm25" if field == "words" else field

    def retrieve(self, query: str, k: int, allowed: np.ndarray | None = None) -> Ranking:
        return self.index.bm25_top_k(query, k, allowed, field=self.field)


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
