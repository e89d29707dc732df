"""Build, persist and load the hybrid index.

An index is a directory::

    manifest.json     format version, embedder (name, dim), tokenizer and dictionary hash,
                      answerability calibration, corpus hash, counts, build time
    clauses.jsonl     every clause (the tree, headings included); indexed ones carry a row
    documents.jsonl   document metadata and original text (citations, re-indexing)
    bm25/             bm25s sparse score matrix and vocabulary
    dense.faiss       FAISS index over the rows (IndexFlatIP, or HNSW)
    vectors.npy       the row vectors (re-indexing reuses them by clause content hash)
    userdict.txt, stopwords.txt   the tokenizer's dictionary
    unit_aliases.tsv  the unit alias table the index answers with

It is written atomically: built in a fresh directory, then published by
swapping a symlink, so a crash never leaves a half-written index and readers
never see a mix of two builds. ``load_index`` refuses an index of another
format or embedder, saying how to rebuild. The loaded index is a
:class:`zhengce.index.reader.ClauseIndex`; nothing here parses notices (an
incremental build reuses the stored clauses).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from zhengce.index import bm25
from zhengce.index.aliases import Aliases
from zhengce.index.calibration import calibration_for
from zhengce.index.embedding import Embedder
from zhengce.index.faults import fault_point
from zhengce.index.model import HEADING, Clause, DocMeta, Document
from zhengce.index.reader import ClauseIndex
from zhengce.index.tokenizer import Tokenizer

FORMAT_VERSION = 2
KEEP_BUILDS = 2
PASSAGE_CHARS = 480


class IndexLoadError(Exception):
    """An index that cannot be used; the message says how to rebuild it."""


def rebuild_hint(directory: Path) -> str:
    return f"rebuild it with: zhengce index --index {directory}"


def is_indexed(clause: Clause) -> bool:
    """Headings without a body are kept in the tree but not ranked."""
    return clause.kind != HEADING and bool(clause.text.strip())


def passage_text(clause: Clause) -> str:
    """What the embedder reads for a clause: its context and text."""
    context = " > ".join(clause.path[-2:])
    body = clause.titled_text[:PASSAGE_CHARS]
    return f"{context}\n{body}" if context else body


def corpus_hash(clauses: Iterable[Clause]) -> str:
    h = hashlib.sha256()
    for c in clauses:
        h.update(f"{c.id}\x1f{c.content_hash}\x1f{','.join(u.name + u.role for u in c.units)}\n".encode())
    return h.hexdigest()[:24]


def embed_rows(rows: list[Clause], embedder: Embedder, previous: ClauseIndex | None,
               batch_size: int = 16, show_progress: bool = False) -> tuple[np.ndarray, int]:
    """Vectors for the rows, reusing the previous index's vectors by content hash.

    Returns the vectors and how many clauses were newly embedded.
    """
    cached: dict[str, np.ndarray] = {}
    if previous is not None and previous.embedder_name == embedder.name:
        cached = previous.vector_cache()
    vectors = np.zeros((len(rows), embedder.dim), np.float32)
    todo = []
    for i, c in enumerate(rows):
        if c.content_hash in cached:
            vectors[i] = cached[c.content_hash]
        else:
            todo.append(i)
    bar = None
    if show_progress and todo:
        from tqdm import tqdm

        bar = tqdm(total=len(todo), desc="embedding", unit="clause", leave=False)
    for start in range(0, len(todo), batch_size):
        chunk = todo[start:start + batch_size]
        vectors[chunk] = embedder.embed_passages([passage_text(rows[i]) for i in chunk], batch_size=batch_size)
        if bar is not None:
            bar.update(len(chunk))
    if bar is not None:
        bar.close()
    return vectors, len(todo)


def make_faiss(vectors: np.ndarray, kind: str = "flat"):
    import faiss

    dim = vectors.shape[1]
    if kind == "flat":
        index = faiss.IndexFlatIP(dim)
    elif kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = 64
    else:
        raise ValueError(f"unknown FAISS index kind {kind!r}: use 'flat' or 'hnsw'")
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def build_index(docs: list[Document], embedder: Embedder, *, faiss_kind: str = "flat",
                previous: ClauseIndex | None = None, show_progress: bool = False) -> tuple[ClauseIndex, dict]:
    """Build an index in memory. Returns it and a summary of the build."""
    t0 = time.perf_counter()
    docs = sorted(docs, key=lambda d: d.doc_id)
    tree = {d.doc_id: list(d.clauses) for d in docs}
    rows = [c for d in docs for c in d.clauses if is_indexed(c)]
    unit_words = {u.name for c in rows for u in c.units}
    tokenizer = Tokenizer.for_corpus(unit_words)
    corpus_tokens = [bm25.clause_tokens(c, tokenizer) for c in rows]
    model = bm25.build(corpus_tokens)
    vectors, embedded = embed_rows(rows, embedder, previous, show_progress=show_progress)
    fault_point("build:embedded")
    faiss_index = make_faiss(vectors, faiss_kind)
    seconds = time.perf_counter() - t0
    manifest = {
        "format_version": FORMAT_VERSION,
        "embedder": {"name": embedder.name, "dim": int(embedder.dim)},
        "tokenizer": {"name": tokenizer.kind, "dict_hash": tokenizer.dict_hash},
        "bm25": {"method": bm25.METHOD, "k1": bm25.K1, "b": bm25.B, "title_boost": bm25.TITLE_BOOST},
        "faiss": {"kind": faiss_kind},
        "answerability": calibration_for(embedder.name).to_dict(),
        "corpus_hash": corpus_hash(rows),
        "counts": {"documents": len(docs), "clauses": sum(len(v) for v in tree.values()),
                   "rows": len(rows), "units": len(unit_words)},
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "build_seconds": round(seconds, 3),
    }
    index = ClauseIndex(manifest, rows, tree, {d.doc_id: d.meta for d in docs},
                        {d.doc_id: d.original for d in docs}, tokenizer, model, faiss_index, vectors,
                        Aliases.default())
    summary = {**manifest["counts"], "embedded": embedded, "reused": len(rows) - embedded,
               "seconds": round(seconds, 2)}
    return index, summary


def _write_dir(index: ClauseIndex, out: Path) -> None:
    import faiss

    out.mkdir(parents=True)
    (out / "bm25").mkdir()
    bm25.save(index.bm25_model, out / "bm25")
    fault_point("write:bm25")
    faiss.write_index(index.faiss_index, str(out / "dense.faiss"))
    np.save(out / "vectors.npy", index.vectors)
    index.tokenizer.save(out)
    index.aliases.save(out)
    with open(out / "documents.jsonl", "w", encoding="utf-8") as f:
        for d in index.docs.values():
            f.write(json.dumps({"meta": d.to_dict(), "original": index.originals[d.doc_id]},
                               ensure_ascii=False) + "\n")
    row_of = {c.id: i for i, c in enumerate(index.rows)}
    with open(out / "clauses.jsonl", "w", encoding="utf-8") as f:
        for clauses in index.trees.values():
            for c in clauses:
                d = c.to_dict(with_doc=False)
                d["row"] = row_of.get(c.id)
                f.write(json.dumps(d, ensure_ascii=False) + "\n")
    fault_point("write:clauses")
    # The manifest goes last: a directory without one is never a complete index.
    (out / "manifest.json").write_text(json.dumps(index.manifest, ensure_ascii=False, indent=2),
                                       encoding="utf-8")


def save_index(index: ClauseIndex, target: str | Path, write=None) -> Path:
    """Write the index and publish it at ``target`` atomically (a symlink swap).

    ``write(index, directory)`` writes the files (default: this backend's; the Milvus backend
    writes what stays beside its collection).
    """
    target = Path(target).absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    builds = target.parent / f".{target.name}.builds"
    builds.mkdir(exist_ok=True)
    build_id = time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
    tmp = builds / f"tmp-{build_id}"
    try:
        (write or _write_dir)(index, tmp)
        final = builds / build_id
        os.rename(tmp, final)
        fault_point("publish:renamed")
        if target.exists() and not target.is_symlink():
            os.rename(target, builds / f"previous-{build_id}")  # a plain directory from before
        link = target.parent / f".{target.name}.link-{build_id}"
        os.symlink(os.path.relpath(final, target.parent), link)
        os.replace(link, target)
        fault_point("publish:swapped")
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    _prune(builds, keep={os.path.realpath(target)})
    index.directory = Path(os.path.realpath(target))
    return target


def _prune(builds: Path, keep: set[str]) -> None:
    """Remove old builds (and leftovers of killed ones), keeping the newest few."""
    entries = sorted((p for p in builds.iterdir() if p.is_dir()), key=lambda p: p.name, reverse=True)
    kept = 0
    for p in entries:
        if os.path.realpath(p) in keep:
            continue
        if p.name.startswith("tmp-") and time.time() - p.stat().st_mtime < 3600:
            continue  # maybe a build still running in another process
        kept += 1
        if kept >= KEEP_BUILDS or p.name.startswith("tmp-"):
            shutil.rmtree(p, ignore_errors=True)


def read_manifest(directory: Path) -> dict:
    path = directory / "manifest.json"
    if not directory.exists():
        raise IndexLoadError(f"no index at {directory}; build one with: zhengce index --index {directory}")
    if not path.exists():
        raise IndexLoadError(f"{directory} is not a complete index (no manifest.json); {rebuild_hint(directory)}")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise IndexLoadError(f"{path} is corrupted ({exc}); {rebuild_hint(directory)}") from exc


def load_index(target: str | Path, embedder_name: str | None = None) -> ClauseIndex:
    """Load an index; refuses another format or embedder, and detects corruption."""
    import faiss

    target = Path(target)
    directory = Path(os.path.realpath(target))  # resolve once: a concurrent swap cannot mix builds
    manifest = read_manifest(directory)
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise IndexLoadError(f"index at {target} has format version {version}, this zhengce reads "
                             f"version {FORMAT_VERSION}; {rebuild_hint(target)}")
    built_with = manifest.get("embedder", {}).get("name")
    if embedder_name and built_with != embedder_name:
        raise IndexLoadError(f"index at {target} was built with embedder {built_with!r}, not "
                             f"{embedder_name!r}; {rebuild_hint(target)} --embedder {embedder_name}")
    if manifest.get("backend") == "milvus":
        from zhengce.index.milvus_reader import load_milvus_index
        from zhengce.index.milvus_schema import MilvusUnavailable

        try:
            # ZHENGCE_MILVUS_URI: the same Milvus seen from another host (zhengce serve --milvus-uri)
            return load_milvus_index(directory, manifest, os.environ.get("ZHENGCE_MILVUS_URI"))
        except (OSError, ValueError, KeyError, LookupError) as exc:
            raise IndexLoadError(f"Milvus index at {target} cannot be opened ({type(exc).__name__}: {exc}); "
                                 f"rebuild it with: zhengce index --index {target} --backend milvus") from exc
        except MilvusUnavailable as exc:  # no pymilvus, no server, a Lite file another process holds
            raise IndexLoadError(str(exc)) from exc
    try:
        tokenizer = Tokenizer.load(directory)
        docs, originals = {}, {}
        for line in (directory / "documents.jsonl").read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            meta = DocMeta.from_dict(d["meta"])
            docs[meta.doc_id], originals[meta.doc_id] = meta, d["original"]
        tree: dict[str, list[Clause]] = {d: [] for d in docs}
        rows_at: dict[int, Clause] = {}
        for line in (directory / "clauses.jsonl").read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            c = Clause.from_dict(d, docs[d["doc_id"]])
            tree[c.doc_id].append(c)
            if d.get("row") is not None:
                rows_at[int(d["row"])] = c
        rows = [rows_at[i] for i in range(len(rows_at))]
        vectors = np.load(directory / "vectors.npy")
        faiss_index = faiss.read_index(str(directory / "dense.faiss"))
        model = bm25.load(directory / "bm25")
    except (OSError, ValueError, KeyError, RuntimeError) as exc:
        raise IndexLoadError(f"index at {target} is corrupted or incomplete ({type(exc).__name__}: "
                             f"{exc}); {rebuild_hint(target)}") from exc
    if tokenizer.dict_hash != manifest["tokenizer"]["dict_hash"]:
        raise IndexLoadError(f"index at {target}: tokenizer dictionary does not match the manifest; "
                             f"{rebuild_hint(target)}")
    n = len(rows)
    if corpus_hash(rows) != manifest.get("corpus_hash") or vectors.shape != (n, manifest["embedder"]["dim"]) \
            or faiss_index.ntotal != n or int(model.scores["num_docs"]) != n:
        raise IndexLoadError(f"index at {target} is inconsistent (its files do not match the manifest); "
                             f"{rebuild_hint(target)}")
    return ClauseIndex(manifest, rows, tree, docs, originals, tokenizer, model, faiss_index, vectors,
                       Aliases.load(directory), directory=directory)
