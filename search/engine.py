"""Hybrid search over a loaded index: filters, retrieval, fusion, hits.

Defaults are set on the engine and can be overridden per call (``mode``,
``k``, ``fusion``, ``candidates``), in the manner of Haystack components.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from zhengce.index.embedding import Embedder, make_embedder
from zhengce.index.model import Clause
from zhengce.index.store import ClauseIndex, load_index, read_manifest
from zhengce.index.units import canonical
from zhengce.search.excerpt import make_excerpt
from zhengce.search.fusion import DEFAULT_FUSION, fuse
from zhengce.search.query import cut_query
from zhengce.search.retrievers import BM25Retriever, DenseRetriever

MODES = ("bm25", "dense", "hybrid")
MIN_CANDIDATES = 50


class FilterError(ValueError):
    """A filter value that names nothing in the index (an API 422)."""


@dataclass(frozen=True)
class Filters:
    docs: tuple[str, ...] = ()
    issuer: str | None = None
    unit: str | None = None
    kind: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    date_from: str | None = None
    date_to: str | None = None

    @property
    def empty(self) -> bool:
        return self == Filters()


@dataclass
class Hit:
    row: int
    score: float
    clause: Clause
    excerpt: str
    marks: list[list[int]]
    ranks: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict:
        c, doc = self.clause, self.clause.doc
        return {
            "clause_id": c.id,
            "score": round(float(self.score), 6),
            "doc_id": c.doc_id,
            "doc_title": doc.title if doc else None,
            "issuer": doc.issuer if doc else None,
            "date": doc.date if doc else None,
            "doc_number": doc.doc_number if doc else None,
            "kind": c.kind,
            "path": list(c.path),
            "number": c.number,
            "title": c.title,
            "text": c.text,
            "excerpt": self.excerpt,
            "excerpt_marks": self.marks,
            "units": [u.to_dict() for u in c.units],
            "proposer": c.proposer,
            "source": {"file": doc.file if doc else None, "start": c.start, "end": c.end},
        }


@dataclass
class SearchResult:
    query: str
    mode: str
    hits: list[Hit]
    took_ms: float
    tokens: list[str]
    note: str | None = None  # set when the query was cut (search/query.py)

    def to_dict(self) -> dict:
        out = {"query": self.query, "mode": self.mode, "took_ms": round(self.took_ms, 2),
               "hits": [h.to_dict() for h in self.hits]}
        return {**out, "note": self.note} if self.note else out


class SearchEngine:
    """BM25 + dense retrieval over one index, fused (normalized weighted fusion by default)."""

    def __init__(self, index: ClauseIndex, embedder: Embedder, mode: str = "hybrid", k: int = 10,
                 fusion: str = DEFAULT_FUSION, candidates: int = MIN_CANDIDATES):
        if embedder.name != index.embedder_name:
            raise ValueError(f"embedder {embedder.name!r} does not match the index ({index.embedder_name!r})")
        self.index = index
        self.embedder = embedder
        self.bm25 = BM25Retriever(index)
        self.dense = DenseRetriever(index, embedder)
        self.mode, self.k, self.fusion, self.candidates = mode, k, fusion, candidates
        self._unit_rows = self._unit_index()

    @classmethod
    def open(cls, directory, embedder: Embedder | None = None, **defaults) -> SearchEngine:
        """Load the index at ``directory`` with the embedder it was built with."""


        if embedder is None:
            manifest = read_manifest(Path(directory).resolve())
            embedder = make_embedder(manifest["embedder"]["name"])
        return cls(load_index(directory, embedder.name), embedder, **defaults)

    # -- filters -------------------------------------------------------------------------------
    def _unit_index(self) -> dict[str, np.ndarray]:
        rows: dict[str, list[int]] = {}
        for i, c in enumerate(self.index.rows):
            for u in c.units:
                rows.setdefault(u.name, []).append(i)
        return {name: np.array(r, np.int64) for name, r in rows.items()}

    def unit_rows(self, name: str) -> np.ndarray:
        return self._unit_rows.get(name, np.zeros(0, np.int64))

    def unit_names(self) -> list[str]:
        return sorted(self._unit_rows)

    def match_units(self, unit: str) -> list[str]:
        """Unit names matching a user's spelling: alias, exact, or contained."""
        unit = canonical(unit.strip())
        if unit in self._unit_rows:
            return [unit]
        return [name for name in self._unit_rows if unit and unit in name]

    def mask(self, filters: Filters) -> np.ndarray | None:
        if filters.empty:
            return None
        idx = self.index
        mask = np.ones(len(idx), bool)
        if filters.docs:
            unknown = [d for d in filters.docs if d not in idx.docs]
            if unknown:
                raise FilterError(f"unknown document id(s): {', '.join(unknown)}")
            wanted = np.array([idx.doc_ids.index(d) for d in filters.docs])
            mask &= np.isin(idx.doc_row, wanted)
        if filters.issuer:
            docs = [i for i, d in enumerate(idx.doc_ids) if filters.issuer in (idx.docs[d].issuer or "")]
            if not docs:
                raise FilterError(f"no document issued by {filters.issuer!r}")
            mask &= np.isin(idx.doc_row, docs)
        if filters.unit:
            names = self.match_units(filters.unit)
            if not names:
                raise FilterError(f"no clause names the unit {filters.unit!r}")
            unit_mask = np.zeros(len(idx), bool)
            for name in names:
                unit_mask[self._unit_rows[name]] = True
            mask &= unit_mask
        if filters.kind:
            kinds = {d.kind for d in idx.docs.values()}
            if filters.kind not in kinds:
                raise FilterError(f"unknown document kind {filters.kind!r}; known: {sorted(k for k in kinds if k)}")
            docs = [i for i, d in enumerate(idx.doc_ids) if idx.docs[d].kind == filters.kind]
            mask &= np.isin(idx.doc_row, docs)
        if filters.year_from is not None:
            mask &= (idx.years >= filters.year_from) & (idx.years > 0)
        if filters.year_to is not None:
            mask &= (idx.years <= filters.year_to) & (idx.years > 0)
        if filters.date_from or filters.date_to:
            dates = idx.dates
            has = dates != ""
            if filters.date_from:
                mask &= has & (dates >= filters.date_from)
            if filters.date_to:
                mask &= has & (dates <= filters.date_to)
        return mask

    # -- search --------------------------------------------------------------------------------
    def rank(self, query: str, k: int, mode: str, allowed: np.ndarray | None = None,
             fusion: str | None = None, candidates: int | None = None):
        """Rows and scores, best first, plus each retriever's rank of the returned rows."""
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}: use one of {', '.join(MODES)}")
        n_cand = max(candidates or self.candidates, 3 * k)
        ranks: dict[str, dict[int, int]] = {}
        lists = []
        for retriever in ((self.bm25,) if mode == "bm25" else (self.dense,) if mode == "dense"
                          else (self.bm25, self.dense)):
            rows, scores = retriever.retrieve(query, n_cand if mode == "hybrid" else k, allowed)
            ranks[retriever.name] = {int(r): i + 1 for i, r in enumerate(rows)}
            lists.append((rows, scores))
        if mode == "hybrid":
            rows, scores = fuse(lists, fusion or self.fusion)
        else:
            rows, scores = lists[0]
        return rows[:k], scores[:k], ranks

    def search(self, query: str, k: int | None = None, mode: str | None = None,
               filters: Filters | None = None, fusion: str | None = None) -> SearchResult:
        t0 = time.perf_counter()
        query, note = cut_query(query)  # before tokenizing and embedding: bounded cost
        k = k or self.k
        mode = mode or self.mode
        allowed = self.mask(filters or Filters())
        rows, scores, ranks = self.rank(query, k, mode, allowed, fusion)
        tokens = self.index.tokenizer.tokenize_query(query)
        hits = []
        for row, score in zip(rows.tolist(), scores.tolist(), strict=True):
            clause = self.index.rows[row]
            excerpt, marks = make_excerpt(clause.text, tokens)
            hits.append(Hit(row, score, clause, excerpt, marks,
                            {name: r[row] for name, r in ranks.items() if row in r}))
        return SearchResult(query, mode, hits, (time.perf_counter() - t0) * 1000, tokens, note)
