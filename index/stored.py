"""The clause side of an index, shared by every backend: clauses, documents, units and filters.

:class:`StoredIndex` answers the parts of :class:`zhengce.index.contract.IndexReader` that
come from the index directory, whatever ranks the rows: the columnar clause store
(``clause_store.py``, memory-mapped; :class:`Clause` and :class:`DocMeta` objects are built
only for the rows a response shows), the tokenizer dictionary, the alias profiles, the
thesaurus and the answerability calibration. Filters are compiled into row masks from
per-row and per-document arrays and from the unit postings. The local index
(``reader.ClauseIndex``: bm25s + FAISS) and the Milvus index (``milvus_reader.MilvusIndex``)
add retrieval to it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from types import MappingProxyType

import numpy as np

from zhengce.index.aliases import level_free
from zhengce.index.calibration import Calibration
from zhengce.index.clause_store import ClauseStore
from zhengce.index.contract import Citation, FilterError, Filters
from zhengce.index.model import Clause, DocMeta, Document
from zhengce.index.thesaurus import normalize_query

EMPTY_ROWS = np.zeros(0, np.int64)


class Rows(Sequence):
    """The ranked clauses as a sequence; each is built when asked for."""

    def __init__(self, store: ClauseStore):
        self._store = store

    def __len__(self) -> int:
        return self._store.n_rows

    def __getitem__(self, i):
        if isinstance(i, slice):
            return self._store.rows(range(*i.indices(len(self))))
        if not -len(self) <= i < len(self):
            raise IndexError(i)
        return self._store.rows([i % len(self)])[0]


class Docs(Mapping):
    """Document metadata by id, built when asked for."""

    def __init__(self, store: ClauseStore):
        self._store = store

    def __getitem__(self, doc_id: str) -> DocMeta:
        return self._store.doc_meta(self._store.doc_pos[doc_id])

    def __iter__(self) -> Iterator[str]:
        return iter(self._store.doc_ids)

    def __len__(self) -> int:
        return len(self._store.doc_ids)

    def __contains__(self, doc_id) -> bool:
        return doc_id in self._store.doc_pos


class StoredIndex:
    """What an index answers from its directory; subclasses set ``manifest``, ``store``,
    ``tokenizer``, ``aliases``, ``thesaurus`` and ``directory``, and add retrieval."""

    @cached_property
    def rows(self) -> Rows:
        return Rows(self.store)

    @cached_property
    def docs(self) -> Docs:
        return Docs(self.store)

    @property
    def doc_ids(self) -> list[str]:
        return self.store.doc_ids

    # -- the IndexReader interface -------------------------------------------------------------
    def __len__(self) -> int:
        return self.store.n_rows

    @property
    def embedder_name(self) -> str:
        return self.manifest["embedder"]["name"]

    @property
    def calibration(self) -> dict:
        stored = self.manifest.get("answerability")
        return stored if stored else Calibration().to_dict()

    def clause(self, clause_id: str) -> Clause | None:
        pos = self.store.position_of(clause_id)
        return None if pos is None else self.store.clause_at(pos)

    def clauses(self, rows: Sequence[int]) -> list[Clause]:
        return self.store.rows(rows)

    def row_of(self, clause_id: str) -> int | None:
        pos = self.store.position_of(clause_id)
        if pos is None:
            return None
        row = int(self.store.clause_row[pos])
        return row if row >= 0 else None

    def tree(self, doc_id: str) -> list[Clause]:
        d = self.store.doc_pos.get(doc_id)
        if d is None:
            return []
        return [self.store.clause_at(i) for i in self.store.doc_clauses_range(d)]

    def citation(self, clause: Clause) -> Citation:
        doc = self.docs[clause.doc_id]
        return Citation(clause.doc_id, Path(doc.file).name if doc.file else "", clause.start, clause.end,
                        self.original(clause.doc_id)[clause.start:clause.end], getattr(clause, "page", None))

    def original(self, doc_id: str) -> str:
        return self.store.original(self.store.doc_pos[doc_id])

    def document(self, doc_id: str) -> DocMeta | None:
        d = self.store.doc_pos.get(doc_id)
        return None if d is None else self.store.doc_meta(d)

    def documents(self) -> list[DocMeta]:
        return self.store.all_doc_metas()

    def row_years(self) -> np.ndarray:
        return self.store.row_year

    def row_docs(self) -> np.ndarray:
        """The position of each row's document in :meth:`documents` (ordered by id)."""
        return self.store.row_doc

    def clause_ids(self, rows: Sequence[int]) -> list[str]:
        """The ids of the clauses at these rows, without building the clauses."""
        return self.store.row_ids(rows)

    def unit_names(self) -> list[str]:
        return list(self.store.unit_names)

    def match_units(self, spelling: str) -> list[str]:
        unit = self.aliases.canonical(spelling.strip())
        if unit in self.store.unit_pos:
            return [unit]
        if spelling.strip() in self._spellings:  # an alias without its level ("发改委" -> "省发展改革委")
            return [self._spellings[spelling.strip()]]
        return [name for name in self.store.unit_names if unit and unit in name]

    @cached_property
    def _spellings(self) -> dict[str, str]:
        held = self.store.unit_pos
        out = {alias: name for alias, name in self.aliases.table().items() if name in held}
        out.update((name, name) for name in self.store.unit_names)
        return {**level_free(out), **out}

    def unit_spellings(self) -> Mapping[str, str]:
        return MappingProxyType(self._spellings)  # read-only, built once per index

    def unit_rows(self, name: str) -> np.ndarray:
        return self.unit_postings(name)[0]

    def unit_postings(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """The rows naming a unit (ascending) and whether the unit leads in each."""
        u = self.store.unit_pos.get(name)
        if u is None:
            return EMPTY_ROWS, np.zeros(0, bool)
        return self.store.unit_postings(u)

    def unit_stated(self, name: str) -> np.ndarray:
        """Per row of :meth:`unit_postings`, whether the clause states the unit's role."""
        u = self.store.unit_pos.get(name)
        return np.zeros(0, bool) if u is None else self.store.unit_stated(u)

    def query_tokens(self, text: str) -> list[str]:
        return self.tokenizer.tokenize_query(text)

    def rewrite_query(self, text: str) -> str:
        return self.thesaurus.expand(normalize_query(text))

    def compile_filters(self, filters: Filters) -> np.ndarray | None:
        if filters.empty:
            return None
        s = self.store
        n_docs = len(s.doc_ids)
        doc_mask = np.ones(n_docs, bool)
        if filters.docs:
            unknown = [d for d in filters.docs if d not in s.doc_pos]
            if unknown:
                raise FilterError(f"unknown document id(s): {', '.join(unknown)}")
            only = np.zeros(n_docs, bool)
            only[[s.doc_pos[d] for d in filters.docs]] = True
            doc_mask &= only
        if filters.issuer:
            hit = np.fromiter((filters.issuer in (i or "") for i in s.doc_column("issuer")), bool, n_docs)
            if not hit.any():
                raise FilterError(f"no document issued by {filters.issuer!r}")
            doc_mask &= hit
        if filters.kind:
            kinds = s.doc_column("kind")
            if filters.kind not in set(kinds):
                raise FilterError(f"unknown document kind {filters.kind!r}; known: {sorted({k for k in kinds if k})}")
            doc_mask &= np.fromiter((k == filters.kind for k in kinds), bool, n_docs)
        mask = doc_mask[s.row_doc] if not doc_mask.all() else np.ones(len(self), bool)
        if filters.unit:
            names = self.match_units(filters.unit)
            if not names:
                raise FilterError(f"no clause names the unit {filters.unit!r}")
            unit_mask = np.zeros(len(self), bool)
            for name in names:
                unit_mask[self.unit_rows(name)] = True
            mask &= unit_mask
        years = s.row_year
        if filters.year_from is not None:
            mask &= (years >= filters.year_from) & (years > 0)
        if filters.year_to is not None:
            mask &= (years <= filters.year_to) & (years > 0)
        if filters.date_from or filters.date_to:
            dates = s.row_date  # "YYYY-MM-DD" as bytes, compared as the strings are
            mask &= dates != b""
            if filters.date_from:
                mask &= dates >= filters.date_from.encode()
            if filters.date_to:
                mask &= dates <= filters.date_to.encode()
        return mask

    # -- the write side's view (incremental builds) --------------------------------------------
    def stored_documents(self) -> list[Document]:
        """The indexed documents as stored (original text, metadata, clauses): no re-parsing."""
        s = self.store
        return [Document(s.doc_meta(d), s.original(d), tuple(s.clause_at(i) for i in s.doc_clauses_range(d)))
                for d in range(len(s.doc_ids))]
