"""Build, update and publish an index whose rows live in Milvus.

A build writes a fresh collection ``<alias>_<build id>``, then publishes in two atomic steps:
the local directory (``--index DIR``: manifest naming the collection, clause bodies and
originals for citations, tokenizer dictionary, unit aliases, BM25 term statistics) by the
same symlink swap as the local backend, then the collection alias is swapped to the new
collection. A reader pins the collection its manifest names, so it never mixes two builds;
other clients follow the alias. The previous collection is kept for readers still on the
previous manifest, older ones are dropped.

``--add`` and ``--remove`` update the current collection in place: delete by ``doc_id``, then
insert the documents' clauses (vectors reused by content hash), and publish a new directory.
They keep the build's tokenizer dictionary (a rebuild refreshes it and the BM25 length
normalisation of older rows).
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import numpy as np

from zhengce.index import bm25
from zhengce.index.aliases import Aliases
from zhengce.index.calibration import calibration_for
from zhengce.index.embedding import Embedder
from zhengce.index.milvus_reader import MilvusIndex, write_side
from zhengce.index.milvus_schema import (
    DEFAULT_BM25_ENGINE,
    MAX_UNITS,
    SparseBM25,
    bm25_text,
    connect,
    index_params,
    is_lite,
    make_schema,
    public_uri,
    str_list,
)
from zhengce.index.model import Clause, Document
from zhengce.index.store import FORMAT_VERSION, corpus_hash, embed_rows, is_indexed, save_index
from zhengce.index.tokenizer import Tokenizer

DEFAULT_ALIAS = "zhengce"
INSERT_BATCH = 500


class _Cache:
    """What embed_rows needs of a previous index: its embedder and vectors by content hash."""

    def __init__(self, name: str, vectors: dict[str, np.ndarray]):
        self.embedder_name, self._vectors = name, vectors

    def vector_cache(self) -> dict[str, np.ndarray]:
        return self._vectors


def _entities(rows: list[Clause], vectors: np.ndarray, engine: str, tokenizer: Tokenizer,
              sparse: SparseBM25 | None, tokens: list[list[str]] | None) -> list[dict]:
    out = []
    for i, c in enumerate(rows):
        meta = c.doc
        e = {"id": c.id, "doc_id": c.doc_id, "year": int(meta.year or 0) if meta else 0,
             "date": (meta.date or "") if meta else "", "issuer": (meta.issuer or "") if meta else "",
             "kind": (meta.kind or "") if meta else "",
             "units": list(dict.fromkeys(c.unit_names()))[:MAX_UNITS], "dense": vectors[i].tolist()}
        if engine == "client":
            e["sparse"] = sparse.doc_vector(tokens[i])
        else:
            e["text"] = bm25_text(c)
        out.append(e)
    return out


def _insert(client, collection: str, entities: list[dict]) -> None:
    """Insert in batches, then flush: sealed segments get their indexes (growing ones are
    searched by brute force, which Milvus Lite rebuilds on every search)."""
    for start in range(0, len(entities), INSERT_BATCH):
        client.insert(collection, entities[start:start + INSERT_BATCH])
    client.flush(collection)


def _manifest(embedder: Embedder, tokenizer: Tokenizer, engine: str, uri: str, collection: str, alias: str,
              dense_index: str, docs: list[Document], rows: list[Clause], seconds: float) -> dict:
    return {
        "format_version": FORMAT_VERSION,
        "backend": "milvus",
        "embedder": {"name": embedder.name, "dim": int(embedder.dim)},
        "tokenizer": {"name": tokenizer.kind, "dict_hash": tokenizer.dict_hash},
        "bm25": {"engine": engine, "method": bm25.METHOD, "k1": bm25.K1, "b": bm25.B,
                 "title_boost": bm25.TITLE_BOOST},
        "milvus": {"uri": public_uri(uri), "collection": collection, "alias": alias, "dense_index": dense_index},
        "answerability": calibration_for(embedder.name).to_dict(),
        "corpus_hash": corpus_hash(rows),
        "counts": {"documents": len(docs), "clauses": sum(len(d.clauses) for d in docs), "rows": len(rows),
                   "units": len({u.name for c in rows for u in c.units})},
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "build_seconds": round(seconds, 3),
    }


def _publish(index: MilvusIndex, target: Path, client, alias: str, keep: set[str]) -> None:
    save_index(index, target, write=write_side)
    collection = index.collection
    holders = [n for n in client.list_collections() if alias in client.list_aliases(n).get("aliases", [])]
    if holders == [collection]:
        return
    if holders:
        client.alter_alias(collection, alias)  # one atomic step for every client of the alias
    else:
        client.create_alias(collection, alias)
    for name in client.list_collections():
        if name.startswith(alias + "_") and name != collection and name not in keep:
            client.drop_collection(name)


def _pinned(target: Path) -> set[str]:
    """The collection the currently published manifest names (kept for its readers)."""
    import json

    try:
        return {json.loads((target / "manifest.json").read_text(encoding="utf-8"))["milvus"]["collection"]}
    except (OSError, ValueError, KeyError):
        return set()


def build_milvus(docs: list[Document], embedder: Embedder, target: str | Path, uri: str, *,
                 token: str | None = None, alias: str = DEFAULT_ALIAS, engine: str = DEFAULT_BM25_ENGINE,
                 dense_index: str = "FLAT", previous=None, show_progress: bool = False
                 ) -> tuple[MilvusIndex, dict]:
    """Build a new collection for the documents and publish it (directory, then alias)."""
    t0 = time.perf_counter()
    target = Path(target)
    client = connect(uri, token)
    docs = sorted(docs, key=lambda d: d.doc_id)
    rows = [c for d in docs for c in d.clauses if is_indexed(c)]
    tokenizer = Tokenizer.for_corpus({u.name for c in rows for u in c.units})
    sparse, tokens = None, None
    if engine == "client":
        tokens = [bm25.clause_tokens(c, tokenizer) for c in rows]
        sparse = SparseBM25()
        sparse.count(tokens)
    vectors, embedded = embed_rows(rows, embedder, previous, show_progress=show_progress)
    collection = f"{alias}_{time.strftime('%Y%m%d_%H%M%S')}_{uuid.uuid4().hex[:6]}"
    client.create_collection(collection, schema=make_schema(client, embedder.dim, engine, tokenizer),
                             index_params=index_params(client, engine, dense_index, is_lite(uri)),
                             consistency_level="Strong")
    _insert(client, collection, _entities(rows, vectors, engine, tokenizer, sparse, tokens))
    manifest = _manifest(embedder, tokenizer, engine, uri, collection, alias, dense_index, docs, rows,
                         time.perf_counter() - t0)
    index = MilvusIndex(manifest, rows, {d.doc_id: list(d.clauses) for d in docs},
                        {d.doc_id: d.meta for d in docs}, {d.doc_id: d.original for d in docs},
                        tokenizer, Aliases.default(), client, collection, sparse or SparseBM25())
    _publish(index, target, client, alias, keep=_pinned(target))
    summary = {**manifest["counts"], "embedded": embedded, "reused": len(rows) - embedded,
               "seconds": round(time.perf_counter() - t0, 2), "collection": collection}
    return index, summary


def update_milvus(previous: MilvusIndex, added: list[Document], removed: list[str], embedder: Embedder,
                  target: str | Path) -> tuple[MilvusIndex, dict]:
    """Upsert and delete by document in the current collection, then publish the directory."""
    t0 = time.perf_counter()
    client, collection = previous.client, previous.collection
    engine = previous.manifest["bm25"]["engine"]
    replaced = sorted({d.doc_id for d in added} | set(removed))
    old_rows = [c for d in replaced for c in previous.tree(d) if is_indexed(c)]
    tokenizer, sparse = previous.tokenizer, previous.sparse
    cache = _Cache(previous.embedder_name, previous.vector_cache(replaced))
    new_rows = [c for d in added for c in d.clauses if is_indexed(c)]
    vectors, embedded = embed_rows(new_rows, embedder, cache)
    tokens = None
    if engine == "client":
        sparse.count([bm25.clause_tokens(c, tokenizer) for c in old_rows], sign=-1)
        tokens = [bm25.clause_tokens(c, tokenizer) for c in new_rows]
        sparse.count(tokens)
    if replaced:
        client.delete(collection, filter=f"doc_id in {str_list(replaced)}")
    _insert(client, collection, _entities(new_rows, vectors, engine, tokenizer, sparse, tokens))
    docs = sorted([d for d in previous.stored_documents() if d.doc_id not in set(replaced)] + list(added),
                  key=lambda d: d.doc_id)
    rows = [c for d in docs for c in d.clauses if is_indexed(c)]
    m = previous.manifest["milvus"]
    manifest = _manifest(embedder, tokenizer, engine, m["uri"], collection, m["alias"], m["dense_index"],
                         docs, rows, time.perf_counter() - t0)
    manifest["built_at"] = previous.manifest["built_at"]
    manifest["updated_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    index = MilvusIndex(manifest, rows, {d.doc_id: list(d.clauses) for d in docs},
                        {d.doc_id: d.meta for d in docs}, {d.doc_id: d.original for d in docs},
                        tokenizer, previous.aliases, client, collection, sparse)
    _publish(index, Path(target), client, m["alias"], keep={collection})
    summary = {**manifest["counts"], "embedded": embedded, "reused": len(new_rows) - embedded,
               "seconds": round(time.perf_counter() - t0, 2), "collection": collection}
    return index, summary
