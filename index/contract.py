"""The index contract: everything the read side (search/, api/) may ask of an index.

An index is whatever implements :class:`IndexReader`: the local directory
(columnar clause store, bm25s and FAISS files: ``zhengce.index.reader.ClauseIndex``)
or Milvus (``zhengce.index.milvus_reader.MilvusIndex``: the same clause store
beside a collection that ranks). search/ and api/ never see more than this. Arrays inside (rows are ``int`` positions, masks
are boolean arrays over rows), dataclasses at the boundary.

Filters are plain data (:class:`Filters`), built in one place from a request
or the command line (:meth:`Filters.from_request`) and compiled by the index
into a row mask (:meth:`IndexReader.compile_filters`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from zhengce.index.model import Clause, DocMeta


class FilterError(ValueError):
    """A filter value that names nothing in the index (an API 422, a CLI error)."""


@dataclass(frozen=True)
class Filters:
    """Which rows a query may return. Empty fields filter nothing."""

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

    @classmethod
    def from_request(cls, req: object) -> Filters:
        """Filters from any object with these attributes: an API request model or CLI arguments.

        ``doc`` (a list) becomes ``docs``; missing attributes and empty values filter nothing.
        """
        values: dict = {}
        for f in fields(cls):
            source = "doc" if f.name == "docs" else f.name
            value = getattr(req, source, None)
            if f.name == "docs":
                values["docs"] = tuple(d for d in (value or ()) if d)
            elif value not in (None, ""):
                values[f.name] = value
        return cls(**values)


@dataclass(frozen=True)
class Citation:
    """Where a clause stands in its source: the file name, offsets, page (PDF) and the exact text."""

    doc_id: str
    file: str
    start: int
    end: int
    text: str
    page: int | None = None


def top_k(scores: np.ndarray, k: int, allowed: np.ndarray | None = None,
          positive_only: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Rows of the k best scores (ties: lower row first): for indexes that score every row."""
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


@runtime_checkable
class IndexReader(Protocol):
    """The read-only interface of an index (rows are the ranked clauses, in a fixed order)."""

    manifest: dict
    directory: Path | None  # the build it was loaded from (servers hold a lease on it), if any

    def __len__(self) -> int: ...

    @property
    def embedder_name(self) -> str: ...

    # -- clauses -------------------------------------------------------------------------------
    def clause(self, clause_id: str) -> Clause | None:
        """Any clause of the tree (headings included), by id."""

    def clauses(self, rows: Sequence[int]) -> list[Clause]:
        """The ranked clauses at these rows."""

    def row_of(self, clause_id: str) -> int | None:
        """The row of a ranked clause, ``None`` for a heading or an unknown id."""

    def tree(self, doc_id: str) -> list[Clause]:
        """Every clause of a document in reading order (headings included)."""

    def citation(self, clause: Clause) -> Citation:
        """The source span a citation of the clause points to."""

    def original(self, doc_id: str) -> str:
        """The document's text exactly as read (what offsets index into)."""

    # -- documents -----------------------------------------------------------------------------
    def document(self, doc_id: str) -> DocMeta | None: ...

    def documents(self) -> list[DocMeta]:
        """Every document's metadata, ordered by id."""

    def row_years(self) -> np.ndarray:
        """The year of each row's document (0 when undated)."""

    def row_docs(self) -> np.ndarray:
        """The position of each row's document in :meth:`documents` (ordered by id)."""

    def clause_ids(self, rows: Sequence[int]) -> list[str]:
        """The ids of the ranked clauses at these rows, without building the clauses."""

    # -- filters and units ---------------------------------------------------------------------
    def compile_filters(self, filters: Filters) -> np.ndarray | None:
        """A boolean mask over rows, ``None`` when nothing is filtered; raises FilterError."""

    def unit_names(self) -> list[str]: ...

    def match_units(self, spelling: str) -> list[str]:
        """Unit names for a user's spelling: the index's own aliases, exact, or contained."""

    def unit_spellings(self) -> Mapping[str, str]:
        """Every spelling a question may use for a unit the index holds, with its unit name: the
        names themselves, the index's own aliases of them ("省发改委" -> "省发展改革委"), and
        either without its level where only one unit answers to that ("科技局" -> "市科技局")."""

    def unit_rows(self, name: str) -> np.ndarray:
        """Rows of the clauses naming a unit (ascending)."""

    def unit_postings(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Rows of the clauses naming a unit (ascending) and, for each, whether the unit leads there.

        Unit questions and the unit directory are answered from these arrays, never by reading
        every clause of a unit."""

    def unit_stated(self, name: str) -> np.ndarray:
        """Per row of :meth:`unit_postings`, whether the clause states the unit's role (牵头 or
        配合); false where it only says the unit is responsible ("X负责…", basis ``listed``)."""

    # -- retrieval -----------------------------------------------------------------------------
    def query_tokens(self, text: str) -> list[str]:
        """The index's own tokenization of a query (its dictionary, its stopwords)."""

    def bm25_fields(self) -> tuple[str, ...]:
        """The BM25 fields this index holds: ``words`` (jieba), and ``bigrams`` when built with them."""

    def bm25_scores(self, query: str, field: str = "words") -> np.ndarray:
        """BM25 score of every row for a query in one field (ValueError for a field it lacks)."""

    def bm25_idf(self, tokens: list[str]) -> np.ndarray:
        """The words field's idf of each token (a token the index never saw: the idf of df = 0)."""

    def rewrite_query(self, text: str) -> str:
        """The query as this index searches it: normalized (NFKC, traditional → simplified) and
        expanded by the index's own thesaurus (see zhengce.index.thesaurus)."""

    def bm25_top_k(self, query: str, k: int, allowed: np.ndarray | None = None, field: str = "words"
                   ) -> tuple[np.ndarray, np.ndarray]:
        """Rows and BM25 scores of the k best rows with a positive score in one field, best first
        (ties: lower row first), within ``allowed``. What retrieval uses: a backend that ranks
        elsewhere (Milvus) answers without scoring every row here."""

    def dense_top_k(self, vector: np.ndarray, k: int, allowed: np.ndarray | None = None
                    ) -> tuple[np.ndarray, np.ndarray]:
        """Rows and inner-product scores of the k nearest rows, best first, within ``allowed``."""

    @property
    def calibration(self) -> dict:
        """Answerability constants stored at build time (see zhengce.search.answerability)."""
