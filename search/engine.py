"""Hybrid search as a pipeline of components with one job each (Haystack 2.x is the model).

    query ──rewrite──▶ filters ──compile──▶ row mask ──▶ retrievers (BM25 words, BM25 bigrams,
    dense) ──▶ fusion (weights per intent) ──▶ hits

Each component sees the index only through
:class:`zhengce.index.contract.IndexReader`. The query is rewritten by the index
(:meth:`IndexReader.rewrite_query`: NFKC, traditional → simplified, the index's
thesaurus) unless ``rewrite=False``. Defaults are set on the engine and can be
overridden per call (``mode``, ``k``, ``fusion``, ``candidates``, ``weights``,
``intent``, ``rewrite``).

``HYBRID_WEIGHTS`` holds the fusion weights of the hybrid mode, retriever by retriever, per
intent (``duty``, ``find``, ``precedent`` for draft clauses, see
:func:`zhengce.search.intent.retrieval_intent`). They were chosen by 5-fold cross-validation on
the dev split of the mixed corpus (``python -m zhengce.eval.ablation``; the table is
``eval/ABLATION.md``): one shared set (BM25 words 0.35, bigrams 0.35, dense 0.3) for duty and
find questions, and a set of its own for draft clauses, which lean on the wording (0.45, 0.45,
0.1; re-chosen in all five folds once the BM25 fields' length normalization was, round 5). A
separate set per intent for all three overfits (held out below the shared set); only the draft
clauses' own set holds out.
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
from zhengce.search.rerank import Reranker
from zhengce.search.retrievers import BM25Retriever, DenseRetriever, Ranking, Retriever

MIN_CANDIDATES = 50
# retriever -> fusion weight, per intent (see the module docstring); "default" for the rest.
HYBRID_WEIGHTS: dict[str, dict[str, float]] = {
    "default": {"bm25": 0.35, "bigrams": 0.35, "dense": 0.3},
    "precedent": {"bm25": 0.45, "bigrams": 0.45, "dense": 0.1},
}


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
                 fusion: str = DEFAULT_FUSION, candidates: int = MIN_CANDIDATES,
                 weights: dict[str, dict[str, float]] | None = None, rewrite: bool = True,
                 reranker: Reranker | None = None):
        if embedder.name != index.embedder_name:
            raise ValueError(f"embedder {embedder.name!r} does not match the index ({index.embedder_name!r})")
        self.index = index
        self.embedder = embedder
        self.retrievers: dict[str, Retriever] = {"bm25": BM25Retriever(index),
                                                 "dense": DenseRetriever(index, embedder)}
        if "bigrams" in index.bm25_fields():
            self.retrievers["bigrams"] = BM25Retriever(index, field="bigrams")
        self.hits = HitBuilder(index)
        self.mode, self.k, self.fusion, self.candidates = mode, k, fusion, candidates
        self.weights = weights or HYBRID_WEIGHTS
        self.rewrite = rewrite
        self.reranker = reranker

    @classmethod
    def open(cls, directory, embedder: Embedder | None = None, **defaults) -> SearchEngine:
        """Load the index at ``directory`` with the embedder it was built with."""
        from zhengce.index.store import load_index, read_manifest

        if embedder is None:
            manifest = read_manifest(Path(directory).resolve())
            embedder = make_embedder(manifest["embedder"]["name"])
        return cls(load_index(directory, embedder.name), embedder, **defaults)

    def query_text(self, query: str, rewrite: bool | None = None) -> str:
        """The query the retrievers see: rewritten by the index unless ``rewrite`` is off."""
        return self.index.rewrite_query(query) if (self.rewrite if rewrite is None else rewrite) else query

    def retrieve(self, retriever: str, query: str, k: int, allowed: np.ndarray | None = None) -> Ranking:
        """One retriever's best k rows for a query as given (no rewriting)."""
        return self.retrievers[retriever].retrieve(query, k, allowed)

    def weights_for(self, intent: str | None) -> dict[str, float]:
        return self.weights.get(intent or "default", self.weights["default"])

    def rank(self, query: str, k: int, mode: str, allowed: np.ndarray | None = None,
             fusion: str | None = None, candidates: int | None = None, intent: str | None = None,
             weights: dict[str, float] | None = None, rewrite: bool | None = None) -> Ranked:
        """Rows and scores, best first, with each retriever's list and ranks.

        Hybrid always runs BM25 words and dense (answerability reads both) and the bigram
        field when it has a weight; ``weights`` (retriever -> weight) overrides the intent's.
        """
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}: use one of {', '.join(MODES)}")
        text = self.query_text(query, rewrite)
        w = weights or self.weights_for(intent)
        names = [n for n in ("bm25", "bigrams", "dense") if n in self.retrievers
                 and (n != "bigrams" or w.get(n, 0) > 0)] if mode == "hybrid" else [mode]
        n_cand = max(candidates or self.candidates, 3 * k) if mode == "hybrid" else k
        lists = {name: self.retrieve(name, text, n_cand, allowed) for name in names}
        ranks = {name: {int(r): i + 1 for i, r in enumerate(rows)} for name, (rows, _) in lists.items()}
        if mode == "hybrid":
            rows, scores = fuse(list(lists.values()), fusion or self.fusion,
                                weights=[w.get(n, 0.0) for n in names])
        else:
            rows, scores = lists[mode]
        return Ranked(rows[:k], scores[:k], ranks, lists)

    def intent_of(self, query: str) -> str:
        """The retrieval intent of a query (duty, find, precedent), for its fusion weights."""
        from zhengce.search.intent import retrieval_intent

        return retrieval_intent(query)

    def search(self, query: str, k: int | None = None, mode: str | None = None,
               filters: Filters | None = None, fusion: str | None = None, intent: str | None = None,
               rewrite: bool | None = None, rerank: bool | None = None) -> SearchResult:
        """Ranked hits; the reranker (when the engine has one) reorders the head unless ``rerank=False``."""
        t0 = time.perf_counter()
        query, note = cut_query(query)  # before tokenizing and embedding: bounded cost
        k = k or self.k
        mode = mode or self.mode
        allowed = self.index.compile_filters(filters or Filters())
        intent = intent or (self.intent_of(query) if mode == "hybrid" else None)
        reranker = self.reranker if rerank is not False else None
        fetch = max(k, getattr(reranker, "top_n", 0)) if reranker else k
        ranked = self.rank(query, fetch, mode, allowed, fusion, intent=intent, rewrite=rewrite)
        if reranker is not None:
            rows, scores = reranker.rerank(self.query_text(query, rewrite), ranked.rows, ranked.scores)
            ranked = Ranked(rows[:k], scores[:k], ranked.ranks, ranked.lists)
        hits = self.hits.build(self.query_text(query, rewrite), ranked.rows.tolist(), ranked.scores.tolist(),
                               ranked.ranks)
        return SearchResult(query, mode, hits, (time.perf_counter() - t0) * 1000, ranked, note)
