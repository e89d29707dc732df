"""Hybrid search as a pipeline of components with one job each (Haystack 2.x is the model).

    filters ──compile──▶ row mask ──▶ retrievers (BM25, dense) ──▶ fusion ──▶ hits

Each component sees the index only through
:class:`zhengce.index.contract.IndexReader`. Defaults are set on the engine
and can be overridden per call (``mode``, ``k``, ``fusion``, ``candidates``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from zhengce.index.contract import Filters, IndexReader
from zhengce.index.embedding import Embedder, make_embedder
from zhengce.search.fusion import DEFAULT_FUSION, MODES, fuse
from zhengce.search.hits import Hit, HitBuilder
from zhengce.search.query import cut_query
from zhengce.search.retrievers import BM25Retriever, DenseRetriever, Ranking, Retriever

MIN_CANDIDATES = 50


@dataclass
class Ranked:
    """Fused rows and scores, best first, plus what each retriever returned for them."""

    rows: np.ndarray
    scores: np.ndarray
    ranks: dict[str, dict[int, int]]
    lists: dict[str, Ranking] = field(default_factory=dict)

    def top_score(self, retriever: str) -> float | None:
        """A retriever's best score, ``None`` when it did not run; 0 when it found nothing."""
        if retriever not in self.lists:
            return None
        scores = self.lists[retriever][1]
        return float(scores[0]) if len(scores) else 0.0


@dataclass
class SearchResult:
    query: str
    mode: str
    hits: list[Hit]
    took_ms: float
    ranked: Ranked | None = None
    note: str | None = None  # set when the query was cut (search/query.py)

    def to_dict(self) -> dict:
        out = {"query": self.query, "mode": self.mode, "took_ms": round(self.took_ms, 2),
               "hits": [h.to_dict() for h in self.hits]}
        return {**out, "note": self.note} if self.note else out


class SearchEngine:
    """BM25 + dense retrieval over one index, fused (normalized weighted fusion by default)."""

    def __init__(self, index: IndexReader, embedder: Embedder, mode: str = "hybrid", k: int = 10,
                 fusion: str = DEFAULT_FUSION, candidates: int = MIN_CANDIDATES):
        if embedder.name != index.embedder_name:
            raise ValueError(f"embedder {embedder.name!r} does not match the index ({index.embedder_name!r})")
        self.index = index
        self.embedder = embedder
        self.retrievers: dict[str, Retriever] = {"bm25": BM25Retriever(index),
                                                 "dense": DenseRetriever(index, embedder)}
        self.hits = HitBuilder(index)
        self.mode, self.k, self.fusion, self.candidates = mode, k, fusion, candidates

    @classmethod
    def open(cls, directory, embedder: Embedder | None = None, **defaults) -> SearchEngine:
        """Load the index at ``directory`` with the embedder it was built with."""
        from zhengce.index.store import load_index, read_manifest

        if embedder is None:
            manifest = read_manifest(Path(directory).resolve())
            embedder = make_embedder(manifest["embedder"]["name"])
        return cls(load_index(directory, embedder.name), embedder, **defaults)

    def retrieve(self, retriever: str, query: str, k: int, allowed: np.ndarray | None = None) -> Ranking:
        """One retriever's best k rows (answerability asks for a single top score)."""
        return self.retrievers[retriever].retrieve(query, k, allowed)

    def rank(self, query: str, k: int, mode: str, allowed: np.ndarray | None = None,
             fusion: str | None = None, candidates: int | None = None) -> Ranked:
        """Rows and scores, best first, with each retriever's list and ranks."""
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}: use one of {', '.join(MODES)}")
        names = ("bm25", "dense") if mode == "hybrid" else (mode,)
        n_cand = max(candidates or self.candidates, 3 * k) if mode == "hybrid" else k
        lists = {name: self.retrieve(name, query, n_cand, allowed) for name in names}
        ranks = {name: {int(r): i + 1 for i, r in enumerate(rows)} for name, (rows, _) in lists.items()}
        rows, scores = fuse(list(lists.values()), fusion or self.fusion) if mode == "hybrid" else lists[mode]
        return Ranked(rows[:k], scores[:k], ranks, lists)

    def search(self, query: str, k: int | None = None, mode: str | None = None,
               filters: Filters | None = None, fusion: str | None = None) -> SearchResult:
        t0 = time.perf_counter()
        query, note = cut_query(query)  # before tokenizing and embedding: bounded cost
        k = k or self.k
        mode = mode or self.mode
        allowed = self.index.compile_filters(filters or Filters())
        ranked = self.rank(query, k, mode, allowed, fusion)
        hits = self.hits.build(query, ranked.rows.tolist(), ranked.scores.tolist(), ranked.ranks)
        return SearchResult(query, mode, hits, (time.perf_counter() - t0) * 1000, ranked, note)
