"""The Milvus-backed :class:`~zhengce.index.contract.IndexReader`.

Retrieval runs in Milvus: ``bm25_top_k`` and ``dense_top_k`` are one search each, with the
filters as a boolean expression, so nothing scores every row here. Everything a hit is
built from stays in the local directory beside Milvus (``--index DIR``): clause bodies and
offsets, originals for citations, document metadata, the tokenizer dictionary, unit aliases
and calibration. Rows are this reader's positions of the ranked clauses (the same order as
the local backend); Milvus knows clauses by id, and ids it returns that this reader's build
does not know (a concurrent ``--add``) are skipped.

``compile_filters`` returns a boolean row mask like every index, carrying the Milvus
expression it was compiled from (:class:`FilterMask`). A mask derived from it (``~own`` in
precedent search) or built by hand loses the expression and is sent as document ids and
clause ids instead (:func:`mask_expr`), whichever of it and its complement is shorter.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from zhengce.index.aliases import Aliases
from zhengce.index.calibration import calibration_for
from zhengce.index.contract import Citation, FilterError, Filters
from zhengce.index.milvus_schema import SparseBM25, connect, filters_expr, is_lite, str_list
from zhengce.index.model import Clause, DocMeta, Document
from zhengce.index.tokenizer import Tokenizer

EMPTY_ROWS = np.zeros(0, np.int64)
EMPTY_SCORES = np.zeros(0, np.float32)
MAX_TOP_K = 16384  # Milvus's limit on a search's k


class FilterMask(np.ndarray):
    """A row mask that remembers its Milvus expression; arrays derived from it do not."""

    expr: str | None = None

    def __array_finalize__(self, obj):
        self.expr = None


@dataclass
class MilvusIndex:
    manifest: dict
    rows: list[Clause]
    trees: dict[str, list[Clause]]
    docs: dict[str, DocMeta]
    originals: dict[str, str]
    tokenizer: Tokenizer
    aliases: Aliases
    client: object
    collection: str
    sparse: SparseBM25 = field(default_factory=SparseBM25)
    directory: Path | None = None

    def __post_init__(self):
        self._by_id = {c.id: c for cs in self.trees.values() for c in cs}
        self._row_of = {c.id: i for i, c in enumerate(self.rows)}
        self.doc_ids = sorted(self.docs)
        self._doc_pos = {d: i for i, d in enumerate(self.doc_ids)}
        self.doc_row = np.array([self._doc_pos[c.doc_id] for c in self.rows], dtype=np.int32)
        self._years = np.array([self.docs[c.doc_id].year or 0 for c in self.rows], dtype=np.int16)
        self._dates = np.array([self.docs[c.doc_id].date or "" for c in self.rows], dtype="U10")
        postings: dict[str, list[int]] = {}
        for i, c in enumerate(self.rows):
            for u in c.units:
                postings.setdefault(u.name, []).append(i)
        self._unit_rows = {name: np.array(sorted(set(r)), np.int64) for name, r in postings.items()}
        self._engine = self.manifest["bm25"]["engine"]
        self._lite = is_lite(self.manifest["milvus"]["uri"])

    # -- clauses, documents, units: answered from the local directory -------------------------
    def __len__(self) -> int:
        return len(self.rows)

    @property
    def embedder_name(self) -> str:
        return self.manifest["embedder"]["name"]

    @property
    def calibration(self) -> dict:
        return self.manifest.get("answerability") or calibration_for(self.embedder_name).to_dict()

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
                        self.originals[clause.doc_id][clause.start:clause.end], getattr(clause, "page", None))

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

    # -- filters -------------------------------------------------------------------------------
    def compile_filters(self, filters: Filters) -> np.ndarray | None:
        if filters.empty:
            return None
        n, units = len(self.rows), []
        mask = np.ones(n, bool)
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
            units = self.match_units(filters.unit)
            if not units:
                raise FilterError(f"no clause names the unit {filters.unit!r}")
            unit_mask = np.zeros(n, bool)
            for name in units:
                unit_mask[self._unit_rows[name]] = True
            mask &= unit_mask
        if filters.kind:
            kinds = {d.kind for d in self.docs.values()}
            if filters.kind not in kinds:
                raise FilterError(f"unknown document kind {filters.kind!r}; known: {sorted(k for k in kinds if k)}")
            mask &= np.isin(self.doc_row, [i for i, d in enumerate(self.doc_ids) if self.docs[d].kind == filters.kind])
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
        out = mask.view(FilterMask)
        unit_ids = None
        if units and self._lite:
            unit_ids = [self.rows[i].id for i in np.unique(np.concatenate([self._unit_rows[u] for u in units]))]
        out.expr = filters_expr(filters, units, unit_ids)
        return out

    def mask_expr(self, allowed: np.ndarray | None) -> str | None:
        """The Milvus expression of a row mask: "" for all rows, ``None`` for none."""
        if allowed is None:
            return ""
        expr = getattr(allowed, "expr", None)
        if expr is not None:
            return expr if allowed.any() else None
        allowed = np.asarray(allowed, bool)
        n_allowed = int(allowed.sum())
        if n_allowed == 0:
            return None
        if n_allowed == len(allowed):
            return ""
        positive = n_allowed <= len(allowed) - n_allowed
        target = allowed if positive else ~allowed
        per_doc = np.bincount(self.doc_row, weights=target, minlength=len(self.doc_ids))
        sizes = np.bincount(self.doc_row, minlength=len(self.doc_ids))
        full = (per_doc == sizes) & (sizes > 0)
        parts = []
        if full.any():
            parts.append(f"doc_id in {str_list(self.doc_ids[i] for i in np.flatnonzero(full))}")
        partial = np.flatnonzero(target & ~full[self.doc_row])
        if len(partial):
            parts.append(f"id in {str_list(self.rows[i].id for i in partial)}")
        expr = " or ".join(parts)
        return expr if positive else f"not ({expr})"

    # -- retrieval: one Milvus search each -----------------------------------------------------
    def _search(self, data, k: int, allowed: np.ndarray | None, metric: str) -> tuple[np.ndarray, np.ndarray]:
        expr = self.mask_expr(allowed)
        k = min(k, len(self.rows), MAX_TOP_K)
        if expr is None or k <= 0:
            return EMPTY_ROWS, EMPTY_SCORES
        res = self.client.search(self.collection, data=[data], anns_field="dense" if metric == "dense" else "sparse",
                                 limit=k, filter=expr, output_fields=[],
                                 search_params={"metric_type": "BM25" if metric == "BM25" else "IP"})
        rows, scores = [], []
        for hit in res[0]:
            row = self._row_of.get(hit["id"])
            if row is not None:
                rows.append(row)
                scores.append(abs(hit["distance"]) if metric == "BM25" else hit["distance"])
        rows_a, scores_a = np.array(rows, np.int64), np.array(scores, np.float32)
        order = np.lexsort((rows_a, -scores_a))  # ties: lower row first, as the local backend
        return rows_a[order], scores_a[order]

    def bm25_top_k(self, query: str, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        if self._engine == "builtin":
            if not self.tokenizer.tokenize_query(query):
                return EMPTY_ROWS, EMPTY_SCORES
            rows, scores = self._search(query, k, allowed, "BM25")
        else:
            vec = self.sparse.query_vector(self.tokenizer.tokenize_query(query))
            if not vec:
                return EMPTY_ROWS, EMPTY_SCORES
            rows, scores = self._search(vec, k, allowed, "IP")
        keep = scores > 0
        return rows[keep], scores[keep]

    def bm25_scores(self, query: str) -> np.ndarray:
        """Every row's score; rows beyond Milvus's top-k limit (16384) score 0. Prefer bm25_top_k."""
        out = np.zeros(len(self.rows), np.float32)
        rows, scores = self.bm25_top_k(query, MAX_TOP_K)
        out[rows] = scores
        return out

    def dense_top_k(self, vector: np.ndarray, k: int, allowed: np.ndarray | None = None
                    ) -> tuple[np.ndarray, np.ndarray]:
        if not len(self.rows) or k <= 0:
            return EMPTY_ROWS, EMPTY_SCORES
        return self._search(np.asarray(vector, np.float32).ravel().tolist(), k, allowed, "dense")

    # -- the write side's view (incremental builds) --------------------------------------------
    def stored_documents(self) -> list[Document]:
        return [Document(self.docs[d], self.originals[d], tuple(self.trees[d])) for d in self.doc_ids]

    def vector_cache(self, doc_ids: Sequence[str] | None = None) -> dict[str, np.ndarray]:
        """Vectors by clause content hash, read back from Milvus (of some documents, or all)."""
        docs = None if doc_ids is None else set(doc_ids)
        wanted = self.rows if docs is None else [c for c in self.rows if c.doc_id in docs]
        out: dict[str, np.ndarray] = {}
        for start in range(0, len(wanted), 1000):
            batch = {c.id: c for c in wanted[start:start + 1000]}
            for e in self.client.get(self.collection, ids=list(batch), output_fields=["dense"]):
                out[batch[e["id"]].content_hash] = np.asarray(e["dense"], np.float32)
        return out


def write_side(index: MilvusIndex, out: Path) -> None:
    """The local directory beside Milvus (the manifest last: without one it is incomplete)."""
    out.mkdir(parents=True)
    index.tokenizer.save(out)
    index.aliases.save(out)
    index.sparse.save(out)
    with open(out / "documents.jsonl", "w", encoding="utf-8") as f:
        for d in index.doc_ids:
            f.write(json.dumps({"meta": index.docs[d].to_dict(), "original": index.originals[d]},
                               ensure_ascii=False) + "\n")
    row_of = {c.id: i for i, c in enumerate(index.rows)}
    with open(out / "clauses.jsonl", "w", encoding="utf-8") as f:
        for d in index.doc_ids:
            for c in index.trees[d]:
                rec = c.to_dict(with_doc=False)
                rec["row"] = row_of.get(c.id)
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    (out / "manifest.json").write_text(json.dumps(index.manifest, ensure_ascii=False, indent=2), encoding="utf-8")


def load_milvus_index(directory: Path, manifest: dict, uri: str | None = None, token: str | None = None
                      ) -> MilvusIndex:
    """Open the directory's build: its side files, and the Milvus collection its manifest pins."""
    tokenizer = Tokenizer.load(directory)
    docs, originals = {}, {}
    for line in (directory / "documents.jsonl").read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        meta = DocMeta.from_dict(d["meta"])
        docs[meta.doc_id], originals[meta.doc_id] = meta, d["original"]
    trees: dict[str, list[Clause]] = {d: [] for d in docs}
    rows_at: dict[int, Clause] = {}
    for line in (directory / "clauses.jsonl").read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        c = Clause.from_dict(d, docs[d["doc_id"]])
        trees[c.doc_id].append(c)
        if d.get("row") is not None:
            rows_at[int(d["row"])] = c
    rows = [rows_at[i] for i in range(len(rows_at))]
    m = manifest["milvus"]
    client = connect(uri or m["uri"], token)
    if not client.has_collection(m["collection"]):
        raise LookupError(f"Milvus at {uri or m['uri']} has no collection {m['collection']!r}")
    client.load_collection(m["collection"])  # into memory (query nodes); a no-op when loaded
    return MilvusIndex(manifest, rows, trees, docs, originals, tokenizer, Aliases.load(directory), client,
                       m["collection"], SparseBM25.load(directory), directory=directory)
