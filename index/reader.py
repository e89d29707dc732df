"""The loaded directory index: clauses and arrays in row order, BM25 and FAISS.

:class:`ClauseIndex` implements :class:`zhengce.index.contract.IndexReader`,
the only view search/ and api/ have of an index. It carries everything it
answers with: its tokenizer dictionary, its alias table and its answerability
calibration, all read from the index directory, never from package data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from zhengce.index import bm25
from zhengce.index.aliases import Aliases
from zhengce.index.calibration import calibration_for
from zhengce.index.contract import Citation, FilterError, Filters, top_k
from zhengce.index.model import Clause, DocMeta, Document
from zhengce.index.tokenizer import Tokenizer

EMPTY_ROWS = np.zeros(0, np.int64)


@dataclass
class ClauseIndex:
    """An index in memory; build with ``store.build_index``, read with ``store.load_index``."""

    manifest: dict
    rows: list[Clause]
    trees: dict[str, list[Clause]]
    docs: dict[str, DocMeta]
    originals: dict[str, str]
    tokenizer: Tokenizer
    bm25_model: object
    faiss_index: object
    vectors: np.ndarray
    aliases: Aliases = field(default_factory=Aliases)
    directory: Path | None = None

    def __post_init__(self):
        self._by_id = {c.id: c for cs in self.trees.values() for c in cs}
        self._row_of = {c.id: i for i, c in enumerate(self.rows)}
        self.doc_ids = sorted(self.docs)
        pos = {d: i for i, d in enumerate(self.doc_ids)}
        self._doc_pos = pos
        self.doc_row = np.array([pos[c.doc_id] for c in self.rows], dtype=np.int32)
        self._years = np.array([self.docs[c.doc_id].year or 0 for c in self.rows], dtype=np.int16)
        self._dates = np.array([self.docs[c.doc_id].date or "" for c in self.rows], dtype="U10")
        postings: dict[str, list[int]] = {}
        for i, c in enumerate(self.rows):
            for u in c.units:
                postings.setdefault(u.name, []).append(i)
        self._unit_rows = {name: np.array(r, np.int64) for name, r in postings.items()}

    # -- the IndexReader interface -------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.rows)

    @property
    def embedder_name(self) -> str:
        return self.manifest["embedder"]["name"]

    @property
    def calibration(self) -> dict:
        stored = self.manifest.get("answerability")
        return stored if stored else calibration_for(self.embedder_name).to_dict()

    def clause(self, clause_id: str) -> Clause | None:
        return self._by_id.get(clause_id)

    def clauses(self, rows: Sequence[int]) -> list[Clause]:
        return [self.rows[int(r)] for r in rows]

    def row_of(self, clause_id: str) -> int | None:
        return self._row_of.get(clause_id)

    def tree(self, doc_id: str) -> list[Clause]:
        return list(self.trees.get(doc_id, ()))

    def citation(self, clause: Clause) -> Citation:
        doc = self.docs[clause.doc_id]
        return Citation(clause.doc_id, Path(doc.file).name if doc.file else "", clause.start, clause.end,
                        self.originals[clause.doc_id][clause.start:clause.end],
                        getattr(clause, "page", None))

    def original(self, doc_id: str) -> str:
        return self.originals[doc_id]

    def document(self, doc_id: str) -> DocMeta | None:
        return self.docs.get(doc_id)

    def documents(self) -> list[DocMeta]:
        return [self.docs[d] for d in self.doc_ids]

    def row_years(self) -> np.ndarray:
        return self._years

    def unit_names(self) -> list[str]:
        return sorted(self._unit_rows)

    def match_units(self, spelling: str) -> list[str]:
        unit = self.aliases.canonical(spelling.strip())
        if unit in self._unit_rows:
            return [unit]
        return [name for name in self._unit_rows if unit and unit in name]

    def unit_rows(self, name: str) -> np.ndarray:
        return self._unit_rows.get(name, EMPTY_ROWS)

    def query_tokens(self, text: str) -> list[str]:
        return self.tokenizer.tokenize_query(text)

    def bm25_scores(self, query: str) -> np.ndarray:
        return bm25.scores(self.bm25_model, self.tokenizer.tokenize_query(query))

    def bm25_top_k(self, query: str, k: int, allowed: np.ndarray | None = None
                   ) -> tuple[np.ndarray, np.ndarray]:
        return top_k(self.bm25_scores(query), k, allowed, positive_only=True)

    def dense_top_k(self, vector: np.ndarray, k: int, allowed: np.ndarray | None = None
                    ) -> tuple[np.ndarray, np.ndarray]:
        import faiss

        n = len(self.rows)
        if n == 0 or k <= 0:
            return EMPTY_ROWS, np.zeros(0, np.float32)
        k = min(k, n)
        params = None
        if allowed is not None:
            ids = np.flatnonzero(allowed).astype(np.int64)
            if not len(ids):
                return EMPTY_ROWS, np.zeros(0, np.float32)
            k = min(k, len(ids))
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(ids))
        q = np.ascontiguousarray(np.asarray(vector, np.float32).reshape(1, -1))
        scores, rows = self.faiss_index.search(q, k, params=params)
        keep = rows[0] >= 0
        return rows[0][keep].astype(np.int64), scores[0][keep].astype(np.float32)

    def compile_filters(self, filters: Filters) -> np.ndarray | None:
        if filters.empty:
            return None
        mask = np.ones(len(self.rows), bool)
        if filters.docs:
            unknown = [d for d in filters.docs if d not in self.docs]
            if unknown:
                raise FilterError(f"unknown document id(s): {', '.join(unknown)}")
            mask &= np.isin(self.doc_row, [self._doc_pos[d] for d in filters.docs])
        if filters.issuer:
            docs = [i for i, d in enumerate(self.doc_ids) if filters.issuer in (self.docs[d].issuer or "")]
            if not docs:
                raise FilterError(f"no document issued by {filters.issuer!r}")
            mask &= np.isin(self.doc_row, docs)
        if filters.unit:
            names = self.match_units(filters.unit)
            if not names:
                raise FilterError(f"no clause names the unit {filters.unit!r}")
            unit_mask = np.zeros(len(self.rows), bool)
            for name in names:
                unit_mask[self._unit_rows[name]] = True
            mask &= unit_mask
        if filters.kind:
            kinds = {d.kind for d in self.docs.values()}
            if filters.kind not in kinds:
                raise FilterError(f"unknown document kind {filters.kind!r}; known: {sorted(k for k in kinds if k)}")
            mask &= np.isin(self.doc_row, [i for i, d in enumerate(self.doc_ids)
                                           if self.docs[d].kind == filters.kind])
        if filters.year_from is not None:
            mask &= (self._years >= filters.year_from) & (self._years > 0)
        if filters.year_to is not None:
            mask &= (self._years <= filters.year_to) & (self._years > 0)
        if filters.date_from or filters.date_to:
            has = self._dates != ""
            if filters.date_from:
                mask &= has & (self._dates >= filters.date_from)
            if filters.date_to:
                mask &= has & (self._dates <= filters.date_to)
        return mask

    # -- the write side's view (incremental builds) --------------------------------------------
    def stored_documents(self) -> list[Document]:
        """The indexed documents as stored (original text, metadata, clauses): no re-parsing."""
        return [Document(self.docs[d], self.originals[d], tuple(self.trees[d])) for d in self.doc_ids]

    def vector_cache(self) -> dict[str, np.ndarray]:
        """Row vectors by clause content hash, for reuse by the next build."""
        return {c.content_hash: self.vectors[i] for i, c in enumerate(self.rows)}
