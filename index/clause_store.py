"""The clause store: every clause and document of an index as columns (see ``columns.py``).

Clauses (headings included) are stored in document order, then reading order,
so a document's clauses are one contiguous range (``doc.clauses.off``). Ranked
clauses ("rows") point into them (``row.clause``). Per row there are plain
arrays for what queries filter or sort by: document position, year, date as
bytes (``YYYY-MM-DD``), passage hash (``passage.passage_hash``: the embedding cache's key).
Each unit a clause names keeps its role, basis, collective flag and surface spelling;
a clause keeps its deadline and page. Units are a small table
of names with postings (unit → rows, ascending, whether the unit leads there and
whether the text states its role there), so unit questions and unit filters never look at a clause.

Nothing is decoded at load: :class:`Clause` and :class:`DocMeta` objects are
built on demand, only for the rows a response shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from functools import cached_property

import numpy as np

from zhengce.index.columns import ColumnError, Ragged, Table, TextColumn, id_hashes, lookup, offsets_of
from zhengce.index.model import BASES, KINDS, LEAD, LISTED, SUPPORT, Clause, Deadline, DocMeta, Document, Unit
from zhengce.index.passage import passage_hash

ROLES = (SUPPORT, LEAD)
SEP = "\x1f"
DOC_TUPLES = ("keywords", "issuers", "addressees")  # joined by SEP
DOC_FLAGS = ("date_inferred",)  # uint8
DOC_TEXT = [f.name for f in fields(DocMeta) if f.name not in ("doc_id", *DOC_TUPLES, *DOC_FLAGS)]


def _joined(parts: Sequence[str]) -> str:
    if any(SEP in p for p in parts):
        raise ValueError(f"a path or keyword contains the separator U+001F: {parts!r}")
    return SEP.join(parts)


def build_table(docs: list[Document], is_indexed) -> Table:
    """The columns of ``docs`` (sorted by id); ``is_indexed`` picks the ranked clauses (rows)."""
    docs = sorted(docs, key=lambda d: d.doc_id)
    clauses = [c for d in docs for c in d.clauses]
    kind_code = {k: i for i, k in enumerate(KINDS)}
    unknown = {c.kind for c in clauses} - set(kind_code)
    if unknown:
        raise ValueError(f"clause kinds the store does not know: {sorted(unknown)}")
    unknown = {u.basis for c in clauses for u in c.units} - set(BASES)
    if unknown:
        raise ValueError(f"unit bases the store does not know: {sorted(unknown)}")
    unit_names = sorted({u.name for c in clauses for u in c.units})
    unit_id = {n: i for i, n in enumerate(unit_names)}
    doc_off = offsets_of([len(d.clauses) for d in docs])
    clause_doc = np.repeat(np.arange(len(docs), dtype=np.int32), np.diff(doc_off))
    indexed = np.fromiter((is_indexed(c) for c in clauses), bool, len(clauses))
    row_clause = np.flatnonzero(indexed).astype(np.int32)
    clause_row = np.full(len(clauses), -1, np.int32)
    clause_row[row_clause] = np.arange(len(row_clause), dtype=np.int32)
    ids = [c.id for c in clauses]
    hashes = id_hashes(ids)
    order = np.argsort(hashes, kind="stable").astype(np.int32)
    a: dict[str, np.ndarray] = {
        "clause.kind": np.fromiter((kind_code[c.kind] for c in clauses), np.uint8, len(clauses)),
        "clause.level": np.fromiter((c.level for c in clauses), np.int16, len(clauses)),
        "clause.start": np.fromiter((c.start for c in clauses), np.int64, len(clauses)),
        "clause.end": np.fromiter((c.end for c in clauses), np.int64, len(clauses)),
        "clause.doc": clause_doc, "clause.row": clause_row,
        "clause.path_n": np.fromiter((len(c.path) for c in clauses), np.int16, len(clauses)),
        "clause.page": np.fromiter((c.page or 0 for c in clauses), np.int32, len(clauses)),  # 0: none
        "clause.deadline_ongoing": np.fromiter((bool(c.deadline and c.deadline.ongoing) for c in clauses),
                                               bool, len(clauses)),
        "clause.id_hash": hashes[order], "clause.id_order": order,
        "doc.clauses.off": doc_off,
        "row.clause": row_clause, "row.doc": clause_doc[row_clause],
    }
    for name, values in (("clause.id", ids), ("clause.number", [c.number for c in clauses]),
                         ("clause.title", [c.title for c in clauses]),
                         ("clause.path", [_joined(c.path) for c in clauses]),
                         ("clause.text", [c.text for c in clauses]),
                         ("clause.proposer", [c.proposer for c in clauses]),
                         ("clause.parent", [c.parent_id for c in clauses]),
                         ("clause.deadline", [c.deadline.raw if c.deadline else None for c in clauses]),
                         ("clause.deadline_iso", [c.deadline.iso if c.deadline else None for c in clauses]),
                         ("clause.unit_surface", [u.surface for c in clauses for u in c.units]),
                         ("unit.name", unit_names), ("doc.id", [d.doc_id for d in docs]),
                         ("doc.original", [d.original for d in docs])):
        a.update(TextColumn.from_values(values).arrays(name))
    for f in DOC_TEXT:
        a.update(TextColumn.from_values([getattr(d.meta, f) for d in docs]).arrays(f"doc.{f}"))
    for f in DOC_TUPLES:
        a.update(TextColumn.from_values([_joined(getattr(d.meta, f)) for d in docs]).arrays(f"doc.{f}"))
    for f in DOC_FLAGS:
        a[f"doc.{f}"] = np.array([bool(getattr(d.meta, f)) for d in docs], np.uint8)
    a.update(Ragged.from_lists([[unit_id[u.name] for u in c.units] for c in clauses]).arrays("clause.units"))
    entries = [u for c in clauses for u in c.units]
    a["clause.unit_role"] = np.fromiter((ROLES.index(u.role) for u in entries), np.uint8, len(entries))
    a["clause.unit_basis"] = np.fromiter((BASES.index(u.basis) for u in entries), np.uint8, len(entries))
    a["clause.unit_collective"] = np.fromiter((u.collective for u in entries), bool, len(entries))
    years = np.array([d.meta.year or 0 for d in docs], np.int16)
    dates = np.array([(d.meta.date or "").encode() for d in docs], "S10")
    rows_doc = a["row.doc"]
    a["row.year"], a["row.date"] = years[rows_doc], dates[rows_doc]
    a["row.passage_hash"] = np.array([bytes.fromhex(passage_hash(clauses[i])) for i in row_clause],
                                     dtype="S16").reshape(-1)
    a.update(_postings(clauses, row_clause, unit_id, len(unit_names)))
    return Table(a)


def _postings(clauses, row_clause, unit_id, n_units) -> dict[str, np.ndarray]:
    """unit → rows (ascending, once per row), whether the unit leads in that row, and whether
    the row states its role at all (a ``listed`` unit is only said to be responsible)."""
    rows: list[dict[int, tuple[bool, bool]]] = [{} for _ in range(n_units)]
    for r, ci in enumerate(row_clause.tolist()):
        for u in clauses[ci].units:
            seen = rows[unit_id[u.name]]
            lead, stated = seen.get(r, (False, False))
            seen[r] = (lead or u.role == LEAD, stated or u.role == LEAD or u.basis != LISTED)
    postings = Ragged.from_lists([sorted(d) for d in rows])
    n = len(postings.values)
    lead = np.fromiter((d[r][0] for d in rows for r in sorted(d)), bool, n)
    stated = np.fromiter((d[r][1] for d in rows for r in sorted(d)), bool, n)
    return {**postings.arrays("unit.rows"), "unit.lead": lead, "unit.stated": stated}


class ClauseStore:
    """Read access to the columns: lazy clauses and documents, postings and row arrays."""

    def __init__(self, table: Table):
        t = self.t = table
        self.ids, self.numbers, self.titles = t.text("clause.id"), t.text("clause.number"), t.text("clause.title")
        self.paths, self.texts = t.text("clause.path"), t.text("clause.text")
        self.proposers, self.parents = t.text("clause.proposer"), t.text("clause.parent")
        self.units = t.ragged("clause.units")
        self.unit_role = t["clause.unit_role"]
        self.unit_names_col = t.text("unit.name")
        self.postings, self.lead = t.ragged("unit.rows"), t["unit.lead"]
        # an index built before roles were told from "listed" counts every role as stated
        self.stated = t.arrays.get("unit.stated", np.ones(len(self.lead), bool))
        self.doc_ids_col = t.text("doc.id")
        self.doc_clauses = t["doc.clauses.off"]
        self.row_clause, self.row_doc = t["row.clause"], t["row.doc"]
        self.row_year, self.row_date = t["row.year"], t["row.date"]
        self.clause_row, self.clause_doc = t["clause.row"], t["clause.doc"]
        n = len(self.ids)
        for name in ("clause.kind", "clause.level", "clause.start", "clause.end", "clause.doc", "clause.row",
                     "clause.path_n", "clause.id_order", "clause.page", "clause.deadline_ongoing"):
            if len(t[name]) != n:
                raise ColumnError(f"column {name} has {len(t[name])} values for {n} clauses")
        m = len(self.row_clause)
        for name in ("row.doc", "row.year", "row.date", "row.passage_hash"):
            if len(t[name]) != m:
                raise ColumnError(f"column {name} has {len(t[name])} values for {m} rows")
        self.unit_basis, self.unit_collective = t["clause.unit_basis"], t["clause.unit_collective"]
        self.unit_surface = t.text("clause.unit_surface")
        self.deadlines, self.deadline_isos = t.text("clause.deadline"), t.text("clause.deadline_iso")
        k = len(self.units.values)
        if len(self.units) != n or len(self.unit_role) != k or len(self.unit_basis) != k \
                or len(self.unit_collective) != k or len(self.unit_surface) != k \
                or len(self.deadlines) != n or len(self.deadline_isos) != n \
                or len(self.lead) != len(self.postings.values) or len(self.stated) != len(self.lead) \
                or int(self.doc_clauses[-1]) != n:
            raise ColumnError("the unit or document columns do not match the clauses")
        self._metas: dict[int, DocMeta] = {}

    # -- sizes and names ---------------------------------------------------------------------------
    @property
    def n_rows(self) -> int:
        return len(self.row_clause)

    @cached_property
    def doc_ids(self) -> list[str]:
        """Document ids in order (one short string per document; decoded once)."""
        return self.doc_ids_col.values()

    @cached_property
    def doc_pos(self) -> dict[str, int]:
        return {d: i for i, d in enumerate(self.doc_ids)}

    @cached_property
    def unit_names(self) -> list[str]:
        return self.unit_names_col.values()

    @cached_property
    def unit_pos(self) -> dict[str, int]:
        return {n: i for i, n in enumerate(self.unit_names)}

    def doc_column(self, field: str) -> list[str | None]:
        """One metadata field of every document (decoded once; documents are few)."""
        cache = self.__dict__.setdefault("_doc_columns", {})
        if field not in cache:
            cache[field] = self.t.text(f"doc.{field}").values()
        return cache[field]

    # -- objects, on demand ------------------------------------------------------------------------
    def _meta(self, d: int, value) -> DocMeta:
        """A document's metadata from ``value(field, d)`` (one column value)."""
        tuples = {f: tuple(v.split(SEP)) if (v := value(f, d)) else () for f in DOC_TUPLES}
        flags = {f: bool(self.t[f"doc.{f}"][d]) for f in DOC_FLAGS}
        return DocMeta(doc_id=self.doc_ids[d], **{f: value(f, d) for f in DOC_TEXT}, **tuples, **flags)

    def doc_meta(self, d: int) -> DocMeta:
        """One document's metadata (built once, then kept: documents are few)."""
        d = int(d)
        meta = self._metas.get(d)
        if meta is None:
            meta = self._metas[d] = self._meta(d, lambda f, i: self.t.text(f"doc.{f}")[i])
        return meta

    def all_doc_metas(self) -> list[DocMeta]:
        """Every document's metadata, from the decoded columns in one pass."""
        if len(self._metas) < len(self.doc_ids):
            for d in range(len(self.doc_ids)):
                if d not in self._metas:
                    self._metas[d] = self._meta(d, lambda f, i: self.doc_column(f)[i])
        return [self._metas[d] for d in range(len(self.doc_ids))]

    def original(self, d: int) -> str:
        return self.t.text("doc.original")[int(d)]

    def clause_at(self, i: int) -> Clause:
        i = int(i)
        t = self.t
        n_path = int(t["clause.path_n"][i])
        path = tuple(self.paths[i].split(SEP)) if n_path else ()
        lo, hi = int(self.units.offsets[i]), int(self.units.offsets[i + 1])
        names = self.unit_names
        units = tuple(Unit(names[int(u)], ROLES[int(r)], BASES[int(b)], bool(c), self.unit_surface[j])
                      for j, u, r, b, c in zip(range(lo, hi), self.units.values[lo:hi], self.unit_role[lo:hi],
                                               self.unit_basis[lo:hi], self.unit_collective[lo:hi], strict=True))
        doc = self.doc_meta(int(self.clause_doc[i]))
        raw = self.deadlines[i]
        deadline = None if raw is None else Deadline(raw, self.deadline_isos[i], bool(t["clause.deadline_ongoing"][i]))
        page = int(t["clause.page"][i])
        return Clause(id=self.ids[i], doc_id=doc.doc_id, level=int(t["clause.level"][i]),
                      kind=KINDS[int(t["clause.kind"][i])], number=self.numbers[i], title=self.titles[i],
                      path=path, text=self.texts[i], start=int(t["clause.start"][i]), end=int(t["clause.end"][i]),
                      units=units, proposer=self.proposers[i], parent_id=self.parents[i], doc=doc,
                      deadline=deadline, page=page or None)

    def rows(self, rows: Sequence[int]) -> list[Clause]:
        return [self.clause_at(self.row_clause[int(r)]) for r in rows]

    def position_of(self, clause_id: str) -> int | None:
        """The clause position of an id (hash lookup, then the id itself is compared)."""
        for pos in lookup(self.t["clause.id_hash"], self.t["clause.id_order"], clause_id):
            if self.ids[int(pos)] == clause_id:
                return int(pos)
        return None

    def doc_clauses_range(self, d: int) -> range:
        return range(int(self.doc_clauses[d]), int(self.doc_clauses[d + 1]))

    def _postings_of(self, u: int) -> slice:
        return slice(int(self.postings.offsets[u]), int(self.postings.offsets[u + 1]))

    def unit_postings(self, u: int) -> tuple[np.ndarray, np.ndarray]:
        span = self._postings_of(u)
        return self.postings.values[span].astype(np.int64), np.asarray(self.lead[span], bool)

    def unit_stated(self, u: int) -> np.ndarray:
        """Per posting of :meth:`unit_postings`, whether the row states the unit's role."""
        return np.asarray(self.stated[self._postings_of(u)], bool)

    def row_ids(self, rows: Sequence[int]) -> list[str]:
        return self.ids.many(np.asarray(self.row_clause)[np.asarray(rows, np.int64)])

    def passage_hashes(self) -> np.ndarray:
        """Per row, the 16-byte hash of what the embedder read (``passage.passage_hash``)."""
        return self.t["row.passage_hash"]
