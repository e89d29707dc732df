"""The Milvus-backed :class:`~zhengce.index.contract.IndexReader`.

Retrieval runs in Milvus: ``bm25_top_k`` (either BM25 field) and ``dense_top_k`` are one
search each, with the filters as a boolean expression, so nothing scores every row here.
Everything a hit is built from stays in the local directory beside Milvus (``--index DIR``),
in the same columnar clause store as the local backend (:class:`~zhengce.index.stored.StoredIndex`:
clause bodies and offsets, originals for citations, document metadata, unit postings), with
the tokenizer dictionary, alias profiles, thesaurus, BM25 term statistics and calibration.
Rows are the store's positions of the ranked clauses (the same order as the local backend);
Milvus knows clauses by id, and ids it returns that this reader's build does not know (a
concurrent ``--add``) are skipped.

``compile_filters`` returns a boolean row mask like every index, carrying the Milvus
expression it was compiled from (:class:`FilterMask`). A mask derived from it (``~own`` in
precedent search) or built by hand loses the expression and is sent as document ids and
clause ids instead (:meth:`MilvusIndex.mask_expr`), whichever of it and its complement is shorter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from zhengce.index import bigrams
from zhengce.index.aliases import Aliases
from zhengce.index.clause_store import ClauseStore
from zhengce.index.contract import Filters
from zhengce.index.embed_cache import EmbedCache
from zhengce.index.milvus_schema import BIGRAM_TERMS, SparseBM25, connect, filters_expr, is_lite, str_list
from zhengce.index.stored import EMPTY_ROWS, StoredIndex
from zhengce.index.thesaurus import Thesaurus
from zhengce.index.tokenizer import Tokenizer

EMPTY_SCORES = np.zeros(0, np.float32)
MAX_TOP_K = 16384  # Milvus's limit on a search's k
FIELDS = ("words", bigrams.FIELD)


class FilterMask(np.ndarray):
    """A row mask that remembers its Milvus expression; arrays derived from it do not."""

    expr: str | None = None

    def __array_finalize__(self, obj):
        self.expr = None


@dataclass
class MilvusIndex(StoredIndex):
    manifest: dict
    store: ClauseStore
    tokenizer: Tokenizer
    aliases: Aliases
    client: object
    collection: str
    sparse: SparseBM25 = field(default_factory=SparseBM25)          # words: term ids, df, lengths
    sparse_bigrams: SparseBM25 = field(default_factory=SparseBM25)  # the character-bigram field
    directory: Path | None = None
    thesaurus: Thesaurus = field(default_factory=Thesaurus)

    def __post_init__(self):
        self._engine = self.manifest["bm25"]["engine"]
        self._lite = is_lite(self.manifest["milvus"]["uri"])

    # -- filters -------------------------------------------------------------------------------
    def compile_filters(self, filters: Filters) -> np.ndarray | None:
        mask = super().compile_filters(filters)  # the local rows (and the FilterErrors) of the store
        if mask is None:
            return None
        units = self.match_units(filters.unit) if filters.unit else []
        unit_ids = None
        if units and self._lite:
            unit_ids = self.clause_ids(np.unique(np.concatenate([self.unit_rows(u) for u in units])))
        out = mask.view(FilterMask)
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
        row_doc = np.asarray(self.row_docs())
        per_doc = np.bincount(row_doc, weights=target, minlength=len(self.doc_ids))
        sizes = np.bincount(row_doc, minlength=len(self.doc_ids))
        full = (per_doc == sizes) & (sizes > 0)
        parts = []
        if full.any():
            parts.append(f"doc_id in {str_list(self.doc_ids[i] for i in np.flatnonzero(full))}")
        partial = np.flatnonzero(target & ~full[row_doc])
        if len(partial):
            parts.append(f"id in {str_list(self.clause_ids(partial))}")
        expr = " or ".join(parts)
        return expr if positive else f"not ({expr})"

    # -- retrieval: one Milvus search each -----------------------------------------------------
    def _search(self, data, k: int, allowed: np.ndarray | None, anns_field: str, metric: str
                ) -> tuple[np.ndarray, np.ndarray]:
        expr = self.mask_expr(allowed)
        k = min(k, len(self), MAX_TOP_K)
        if expr is None or k <= 0:
            return EMPTY_ROWS, EMPTY_SCORES
        res = self.client.search(self.collection, data=[data], anns_field=anns_field, limit=k, filter=expr,
                                 output_fields=[], search_params={"metric_type": metric})
        rows, scores = [], []
        for hit in res[0]:
            row = self.row_of(hit["id"])
            if row is not None:
                rows.append(row)
                scores.append(abs(hit["distance"]) if metric == "BM25" else hit["distance"])
        rows_a, scores_a = np.array(rows, np.int64), np.array(scores, np.float32)
        order = np.lexsort((rows_a, -scores_a))  # ties: lower row first, as the local backend
        return rows_a[order], scores_a[order]

    def bm25_fields(self) -> tuple[str, ...]:
        return FIELDS

    def bm25_top_k(self, query: str, k: int, allowed: np.ndarray | None = None, field: str = "words"
                   ) -> tuple[np.ndarray, np.ndarray]:
        if field == bigrams.FIELD:  # client-side sparse vectors with either engine
            vec = self.sparse_bigrams.query_vector(bigrams.bigrams(query))
            if not vec:
                return EMPTY_ROWS, EMPTY_SCORES
            rows, scores = self._search(vec, k, allowed, "sparse_bigrams", "IP")
        elif field != "words":
            raise ValueError(f"this index has no BM25 field {field!r} (it has: {', '.join(FIELDS)})")
        elif self._engine == "builtin":
            if not self.tokenizer.tokenize_query(query):
                return EMPTY_ROWS, EMPTY_SCORES
            rows, scores = self._search(query, k, allowed, "sparse", "BM25")
        else:
            vec = self.sparse.query_vector(self.tokenizer.tokenize_query(query))
            if not vec:
                return EMPTY_ROWS, EMPTY_SCORES
            rows, scores = self._search(vec, k, allowed, "sparse", "IP")
        keep = scores > 0
        return rows[keep], scores[keep]

    def bm25_scores(self, query: str, field: str = "words") -> np.ndarray:
        """Every row's score; rows beyond Milvus's top-k limit (16384) score 0. Prefer bm25_top_k."""
        out = np.zeros(len(self), np.float32)
        rows, scores = self.bm25_top_k(query, MAX_TOP_K, field=field)
        out[rows] = scores
        return out

    def bm25_idf(self, tokens: list[str]) -> np.ndarray:
        """The words field's idf from the term statistics kept beside Milvus (bm25.idf's formula)."""
        return self.sparse.idf(tokens)

    def dense_top_k(self, vector: np.ndarray, k: int, allowed: np.ndarray | None = None
                    ) -> tuple[np.ndarray, np.ndarray]:
        if not len(self) or k <= 0:
            return EMPTY_ROWS, EMPTY_SCORES
        return self._search(np.asarray(vector, np.float32).ravel().tolist(), k, allowed, "dense", "IP")

    # -- the write side's view (incremental builds) --------------------------------------------
    def vector_cache(self, doc_ids: Sequence[str] | None = None) -> EmbedCache:
        """Vectors by passage hash, read back from Milvus (of some documents' rows, or all)."""
        rows = np.arange(len(self)) if doc_ids is None else \
            np.flatnonzero(np.isin(self.row_docs(), [self.store.doc_pos[d] for d in doc_ids if d in self.store.doc_pos]))
        ids = self.clause_ids(rows)
        vectors = np.zeros((len(rows), self.manifest["embedder"]["dim"]), np.float32)
        found = np.zeros(len(rows), bool)
        at = {cid: i for i, cid in enumerate(ids)}
        for start in range(0, len(ids), 1000):
            for e in self.client.get(self.collection, ids=ids[start:start + 1000], output_fields=["dense"]):
                vectors[at[e["id"]]] = e["dense"]
                found[at[e["id"]]] = True
        hashes = np.asarray(self.store.passage_hashes())[rows]
        return EmbedCache(self.embedder_name, hashes[found], vectors[found])


def write_side(index: MilvusIndex, out: Path) -> None:
    """The local directory beside Milvus: the clause store, dictionary, aliases, thesaurus, BM25
    term statistics, then the manifest (without one it is incomplete)."""
    from zhengce.index.faults import fault_point
    from zhengce.index.store import write_manifest, write_stored

    out.mkdir(parents=True)
    files = write_stored(index, out)
    index.sparse.save(out)
    index.sparse_bigrams.save(out, BIGRAM_TERMS)
    fault_point("write:clauses")
    write_manifest(index, out, files)


def load_milvus_index(directory: Path, manifest: dict, uri: str | None = None, token: str | None = None
                      ) -> MilvusIndex:
    """Open the directory's build: its side files, and the Milvus collection its manifest pins."""
    from zhengce.index.columns import ColumnError, Table
    from zhengce.index.store import STORE_DIR

    tokenizer = Tokenizer.load(directory)
    if tokenizer.dict_hash != manifest["tokenizer"]["dict_hash"]:
        raise ColumnError("its tokenizer dictionary does not match the manifest")
    store = ClauseStore(Table.load(directory / STORE_DIR, manifest["files"]))
    if store.n_rows != manifest["counts"]["rows"]:
        raise ColumnError(f"its clause store has {store.n_rows} rows, the manifest says {manifest['counts']['rows']}")
    m = manifest["milvus"]
    client = connect(uri or m["uri"], token)
    if not client.has_collection(m["collection"]):
        raise LookupError(f"Milvus at {uri or m['uri']} has no collection {m['collection']!r}")
    client.load_collection(m["collection"])  # into memory (query nodes); a no-op when loaded
    return MilvusIndex(manifest, store, tokenizer, Aliases.load(directory / "aliases"), client, m["collection"],
                       SparseBM25.load(directory), SparseBM25.load(directory, BIGRAM_TERMS), directory=directory,
                       thesaurus=Thesaurus.load(directory))
