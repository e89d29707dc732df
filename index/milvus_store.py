"""Build, update and publish an index whose rows live in Milvus.

A build writes a fresh collection ``<alias>_<build id>``, then publishes in two atomic steps:
the local directory (``--index DIR``: manifest naming the collection, the columnar clause
store for hits and citations, tokenizer dictionary, alias profiles, thesaurus, BM25 term
statistics of both fields) by the same symlink swap as the local backend, then the
collection alias is swapped to the new collection. A reader pins the collection its manifest
names, so it never mixes two builds; other clients follow the alias. The previous collection
is kept for readers still on the previous manifest, older ones are dropped.

``--add`` and ``--remove`` update the current collection in place: delete by ``doc_id``, then
insert the documents' clauses (vectors reused by passage hash), and publish a new directory.
They keep the build's tokenizer dictionary, thesaurus and answerability calibration (a
rebuild refreshes them and the BM25 length normalisation of older rows).
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import numpy as np

from zhengce.index import bigrams, bm25
from zhengce.index.aliases import Aliases
from zhengce.index.calibration import calibrate
from zhengce.index.clause_store import ClauseStore, build_table
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
from zhengce.index.store import (
    FORMAT_VERSION,
    build_settings,
    corpus_hash,
    embed_rows,
    is_indexed,
    save_index,
)
from zhengce.index.thesaurus import Thesaurus
from zhengce.index.tokenizer import Tokenizer

DEFAULT_ALIAS = "zhengce"
INSERT_BATCH = 500


class _Cache:
    """What embed_rows needs of a previous index: its embedder, manifest and vectors by passage hash."""

    def __init__(self, previous: MilvusIndex, doc_ids: list[str]):
        self.embedder_name, self.manifest = previous.embedder_name, previous.manifest
        self._cache = previous.vector_cache(doc_ids)

    def vector_cache(self):
        return self._cache


class _Calibrating:
    """What ``calibrate`` reads of a fresh build: the Milvus reader, and the vectors just embedded."""

    def __init__(self, index: MilvusIndex, vectors: np.ndarray):
        self._index, self.vectors = index, vectors

    def __len__(self) -> int:
        return len(self._index)

    def __getattr__(self, name):
        return getattr(self._index, name)


def _entities(rows: list[Clause], vectors: np.ndarray, engine: str, sparse: SparseBM25, tokens: list[list[str]],
              sparse_bigrams: SparseBM25, grams: list[list[str]]) -> list[dict]:
    out = []
    for i, c in enumerate(rows):
        meta = c.doc
        e = {"id": c.id, "doc_id": c.doc_id, "year": int(meta.year or 0) if meta else 0,
             "date": (meta.date or "") if meta else "", "issuer": (meta.issuer or "") if meta else "",
             "kind": (meta.kind or "") if meta else "",
             "units": list(dict.fromkeys(c.unit_names()))[:MAX_UNITS], "dense": vectors[i].tolist(),
             "sparse_bigrams": sparse_bigrams.doc_vector(grams[i])}
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
        "bm25": {"engine": engine, "bigrams": "client"},
        **build_settings(),
        "milvus": {"uri": public_uri(uri), "collection": collection, "alias": alias, "dense_index": dense_index},
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
                 dense_index: str = "FLAT", previous=None, show_progress: bool = False,
                 cache_dir: str | Path | None = None) -> tuple[MilvusIndex, dict]:
    """Build a new collection for the documents and publish it (directory, then alias)."""
    t0 = time.perf_counter()
    target = Path(target)
    client = connect(uri, token)
    docs = sorted(docs, key=lambda d: d.doc_id)
    rows = [c for d in docs for c in d.clauses if is_indexed(c)]
    tokenizer = Tokenizer.for_corpus({u.name for c in rows for u in c.units})
    # The words field's statistics are kept with either engine: bm25_idf (answerability) reads them.
    tokens = [bm25.clause_tokens(c, tokenizer) for c in rows]
    grams = [bigrams.clause_bigrams(c) for c in rows]
    sparse, sparse_bigrams = SparseBM25(), SparseBM25(b=bigrams.B)
    sparse.count(tokens)
    sparse_bigrams.count(grams)
    vectors, embedded = embed_rows(rows, embedder, previous, show_progress=show_progress, cache_dir=cache_dir)
    collection = f"{alias}_{time.strftime('%Y%m%d_%H%M%S')}_{uuid.uuid4().hex[:6]}"
    client.create_collection(collection, schema=make_schema(client, embedder.dim, engine, tokenizer),
                             index_params=index_params(client, engine, dense_index, is_lite(uri)),
                             consistency_level="Strong")
    _insert(client, collection, _entities(rows, vectors, engine, sparse, tokens, sparse_bigrams, grams))
    manifest = _manifest(embedder, tokenizer, engine, uri, collection, alias, dense_index, docs, rows,
                         time.perf_counter() - t0)
    index = MilvusIndex(manifest, ClauseStore(build_table(docs, is_indexed)), tokenizer, Aliases.default(), client,
                        collection, sparse, sparse_bigrams, thesaurus=Thesaurus.default())
    # The same calibration as a local build: the background queries are ranked by Milvus.
    manifest["answerability"] = calibrate(_Calibrating(index, vectors), embedder,
                                          titles=[c.title for c in rows]).to_dict()
    _publish(index, target, client, alias, keep=_pinned(target))
    summary = {**manifest["counts"], "embedded": embedded, "reused": len(rows) - embedded,
               "seconds": round(time.perf_counter() - t0, 2), "collection": collection}
    return index, summary


def update_milvus(previous: MilvusIndex, added: list[Document], removed: list[str], embedder: Embedder,
                  target: str | Path, cache_dir: str | Path | None = None) -> tuple[MilvusIndex, dict]:
    """Upsert and delete by document in the current collection, then publish the directory."""
    t0 = time.perf_counter()
    client, collection = previous.client, previous.collection
    engine = previous.manifest["bm25"]["engine"]
    replaced = sorted({d.doc_id for d in added} | set(removed))
    old_rows = [c for d in replaced for c in previous.tree(d) if is_indexed(c)]
    tokenizer, sparse, sparse_bigrams = previous.tokenizer, previous.sparse, previous.sparse_bigrams
    new_rows = [c for d in added for c in d.clauses if is_indexed(c)]
    vectors, embedded = embed_rows(new_rows, embedder, _Cache(previous, replaced), cache_dir=cache_dir)
    sparse.count([bm25.clause_tokens(c, tokenizer) for c in old_rows], sign=-1)
    sparse_bigrams.count([bigrams.clause_bigrams(c) for c in old_rows], sign=-1)
    tokens = [bm25.clause_tokens(c, tokenizer) for c in new_rows]
    grams = [bigrams.clause_bigrams(c) for c in new_rows]
    sparse.count(tokens)
    sparse_bigrams.count(grams)
    if replaced:
        client.delete(collection, filter=f"doc_id in {str_list(replaced)}")
    _insert(client, collection, _entities(new_rows, vectors, engine, sparse, tokens, sparse_bigrams, grams))
    docs = sorted([d for d in previous.stored_documents() if d.doc_id not in set(replaced)] + list(added),
                  key=lambda d: d.doc_id)
    rows = [c for d in docs for c in d.clauses if is_indexed(c)]
    m = previous.manifest["milvus"]
    manifest = _manifest(embedder, tokenizer, engine, m["uri"], collection, m["alias"], m["dense_index"],
                         docs, rows, time.perf_counter() - t0)
    for kept in ("built_at", "answerability", "query"):  # what a rebuild refreshes
        manifest[kept] = previous.manifest[kept]
    manifest["updated_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    index = MilvusIndex(manifest, ClauseStore(build_table(docs, is_indexed)), tokenizer, previous.aliases, client,
                        collection, sparse, sparse_bigrams, thesaurus=previous.thesaurus)
    _publish(index, Path(target), client, m["alias"], keep={collection})
    summary = {**manifest["counts"], "embedded": embedded, "reused": len(new_rows) - embedded,
               "seconds": round(time.perf_counter() - t0, 2), "collection": collection}
    return index, summary


def milvus_update(target: str | Path, previous, docs: list[Document], added: list[Document], removed: list[str],
                  embedder: Embedder, updating: bool, options: dict, build: dict) -> dict:
    """``update_index``'s Milvus path (under its writer lock): an update in place of the current
    collection, or a build of a new one. ``options``: ``uri`` (default: the existing index's),
    ``token``, ``alias``, ``engine`` and ``dense_index`` (default: the existing index's, else the
    defaults). Returns the build summary; raises ValueError for options that cannot work."""
    from zhengce.index.milvus_schema import BM25_ENGINES

    before = previous.manifest.get("milvus", {}) if isinstance(previous, MilvusIndex) else {}
    uri = options.get("uri") or before.get("uri")
    if updating:
        if public_uri(uri) != before["uri"]:
            raise ValueError(f"the index at {target} lives in {before['uri']}, not {uri}")
        index, summary = update_milvus(previous, added, removed, embedder, target, cache_dir=build["cache_dir"])
    else:
        if not uri:
            raise ValueError("--backend milvus needs --milvus-uri: a file path for Milvus Lite, "
                             "or http://host:19530 for a server")
        engine = options.get("engine") or (previous.manifest["bm25"]["engine"] if before else DEFAULT_BM25_ENGINE)
        if engine not in BM25_ENGINES:
            raise ValueError(f"unknown BM25 engine {engine!r}: use one of {', '.join(BM25_ENGINES)}")
        index, summary = build_milvus(docs, embedder, target, uri, token=options.get("token"),
                                      alias=options.get("alias") or before.get("alias") or DEFAULT_ALIAS,
                                      engine=engine, dense_index=options.get("dense_index") or
                                      before.get("dense_index") or "FLAT", previous=previous,
                                      show_progress=build["show_progress"], cache_dir=build["cache_dir"])
    m = index.manifest["milvus"]
    return {**summary, "milvus_uri": m["uri"], "milvus_alias": m["alias"]}
