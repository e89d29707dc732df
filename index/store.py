"""Build, persist and load the hybrid index.

An index is a directory (format 4)::

    manifest.json     format version, embedder (name, dim), tokenizer and dictionary hash,
                      FAISS kind, answerability calibration, corpus hash, counts, build time,
                      and the size of every column file (a truncated or swapped file is refused)
    store/*.npy       the clause store (``clause_store.py``): clauses and documents as columns,
                      text as UTF-8 bytes + offsets, per-row arrays (document, year, date,
                      passage hash), unit postings (unit → rows, lead flags) as CSR arrays
    bm25/             bm25s sparse score matrix and vocabulary
    vectors.npy       the row vectors, stored once (float32)
    dense.faiss       the approximate index (HNSW over 8-bit codes, or IVF-PQ); none for flat
    bm25_bigrams/     the character-bigram BM25 field (``bigrams.py``)
    userdict.txt, stopwords.txt   the tokenizer's dictionary
    aliases/          the unit alias profiles the index answers with (one TSV per level)
    thesaurus.tsv     the query thesaurus the index answers with

Loading maps every array (``np.load(mmap_mode="r")``, bm25s with ``mmap=True``) and
parses no JSON but the manifest, the bm25 vocabulary and the small text files; clauses
are built only for the rows a response shows. It is written atomically: built in a
fresh directory, then published by swapping a symlink, so a crash never leaves a
half-written index and readers never see a mix of two builds. ``load_index`` refuses
an index of another format or embedder, saying how to rebuild. Nothing here parses
notices (an incremental build reuses the stored clauses).
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

from zhengce.index import bigrams, bm25
from zhengce.index.aliases import Aliases
from zhengce.index.builds import prune
from zhengce.index.calibration import calibrate
from zhengce.index.clause_store import ClauseStore, build_table
from zhengce.index.columns import ColumnError, Table, advise_random
from zhengce.index.dense import Dense, build_ann, choose_kind
from zhengce.index.embed_cache import CacheDir, ChainedCache, hash_bytes
from zhengce.index.embed_pool import embed_passages
from zhengce.index.embedding import Embedder
from zhengce.index.faults import fault_point
from zhengce.index.model import HEADING, Clause, Document
from zhengce.index.passage import PASSAGE_VERSION, passage_hash, passage_text  # noqa: F401 (re-exported)
from zhengce.index.reader import ClauseIndex
from zhengce.index.thesaurus import Thesaurus
from zhengce.index.tokenizer import Tokenizer

# 3: alias profiles, thesaurus, bigram field and answerability background;
# 4: the columnar clause store (store/*.npy) instead of clauses.jsonl/documents.jsonl, vectors once
FORMAT_VERSION = 4
STORE_DIR = "store"
PASSAGE_CHARS = 480


class IndexLoadError(Exception):
    """An index that cannot be used; the message says how to rebuild it."""


def rebuild_hint(directory: Path) -> str:
    return f"rebuild it with: zhengce index --index {directory}"


def is_indexed(clause: Clause) -> bool:
    """Headings without a body are kept in the tree but not ranked."""
    return clause.kind != HEADING and bool(clause.text.strip())


def corpus_hash(clauses: Iterable[Clause]) -> str:
    h = hashlib.sha256()
    for c in clauses:
        h.update(f"{c.id}\x1f{c.content_hash}\x1f{','.join(u.name + u.role for u in c.units)}\n".encode())
    return h.hexdigest()[:24]


def embed_rows(rows: list[Clause], embedder: Embedder, previous: ClauseIndex | None = None,
               batch_size: int = 16, show_progress: bool = False, *, workers: int = 1,
               device: str | None = None, cache_dir: str | Path | None = None) -> tuple[np.ndarray, int]:
    """Vectors for the rows: from the embedding cache by passage hash, the rest embedded.

    The cache is the previous index's rows (same embedder) and, when given, the shared cache
    directory (``embed_cache.CacheDir``), which receives the newly embedded vectors. Returns the
    vectors and how many clauses were newly embedded.
    """
    hashes = hash_bytes([passage_hash(c) for c in rows])
    caches = []
    if previous is not None and previous.embedder_name == embedder.name \
            and previous.manifest.get("passage", 1) == PASSAGE_VERSION:
        caches.append(previous.vector_cache())
    shared = CacheDir(cache_dir) if cache_dir else None
    if shared is not None:
        caches.append(shared.load(embedder.name, embedder.dim))
    vectors = np.zeros((len(rows), embedder.dim), np.float32)
    found = ChainedCache(caches).fill(hashes, vectors)
    todo = np.flatnonzero(~found)
    bar = None
    if show_progress and len(todo):
        from tqdm import tqdm

        bar = tqdm(total=len(todo), desc="embedding", unit="clause", leave=False)
    vectors[todo] = embed_passages([passage_text(rows[i]) for i in todo], embedder, batch_size=batch_size,
                                   workers=workers, device=device, progress=bar.update if bar else None)
    if bar is not None:
        bar.close()
    if shared is not None:
        shared.add(embedder.name, hashes[todo], vectors[todo])
    return vectors, len(todo)


def build_settings() -> dict:
    """What a new build records beside the corpus (an index with other settings answers otherwise)."""
    from zhengce.index.calibration import DEFAULT_THRESHOLD, DEFAULT_WEIGHTS

    return {"passage": PASSAGE_VERSION, "bm25_fields": ["words", bigrams.FIELD],
            "bm25_constants": {"method": bm25.METHOD, "k1": bm25.K1, "b": bm25.B,
                               "title_boost": bm25.TITLE_BOOST, "bigrams_b": bigrams.B},
            "query": {"normalize": "nfkc+opencc-t2s", "thesaurus_terms": len(Thesaurus.default())},
            "answerability_constants": {"weights": DEFAULT_WEIGHTS, "threshold": DEFAULT_THRESHOLD}}


def build_index(docs: list[Document], embedder: Embedder, *, faiss_kind: str = "auto",
                previous: ClauseIndex | None = None, show_progress: bool = False, workers: int = 1,
                device: str | None = None, cache_dir: str | Path | None = None) -> tuple[ClauseIndex, dict]:
    """Build an index in memory. Returns it and a summary of the build.

    ``faiss_kind``: ``flat``, ``hnsw``, ``ivfpq`` or ``auto`` (by size, see ``dense.choose_kind``).
    """
    t0 = time.perf_counter()
    docs = sorted(docs, key=lambda d: d.doc_id)
    rows = [c for d in docs for c in d.clauses if is_indexed(c)]
    kind = choose_kind(len(rows), faiss_kind)
    table = build_table(docs, is_indexed)
    unit_words = {u.name for c in rows for u in c.units}
    tokenizer = Tokenizer.for_corpus(unit_words)
    model = bm25.build(_progress((bm25.clause_tokens(c, tokenizer) for c in rows), len(rows),
                                 "tokenizing", show_progress))
    gram_model = bigrams.build(rows)
    thesaurus = Thesaurus.default()
    vectors, embedded = embed_rows(rows, embedder, previous, show_progress=show_progress, workers=workers,
                                   device=device, cache_dir=cache_dir)
    fault_point("build:embedded")
    trained = previous.dense.ann if previous is not None and previous.embedder_name == embedder.name else None
    dense = Dense(vectors, kind, build_ann(vectors, kind, trained=trained))
    seconds = time.perf_counter() - t0
    manifest = {
        "format_version": FORMAT_VERSION,
        "embedder": {"name": embedder.name, "dim": int(embedder.dim)},
        "tokenizer": {"name": tokenizer.kind, "dict_hash": tokenizer.dict_hash},
        **build_settings(),
        "faiss": {"kind": kind, "requested": faiss_kind},
        "corpus_hash": corpus_hash(rows),
        "counts": {"documents": len(docs), "clauses": len(table["clause.kind"]),
                   "rows": len(rows), "units": len(unit_words)},
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "build_seconds": round(seconds, 3),
    }
    index = ClauseIndex(manifest, ClauseStore(table), tokenizer, model, dense, Aliases.default(),
                        thesaurus=thesaurus, bigram_model=gram_model)
    manifest["answerability"] = calibrate(index, embedder, titles=[c.title for c in rows]).to_dict()
    summary = {**manifest["counts"], "embedded": embedded, "reused": len(rows) - embedded,
               "faiss": kind, "seconds": round(seconds, 2)}
    return index, summary


def _progress(items, total: int, desc: str, show: bool):
    if not show:
        return list(items)
    from tqdm import tqdm

    return list(tqdm(items, total=total, desc=desc, unit="clause", leave=False))


def write_stored(index, out: Path) -> dict[str, int]:
    """What every backend keeps in its directory: the clause store's columns, the tokenizer
    dictionary, the alias profiles and the thesaurus. Returns the column files' sizes."""
    files = index.store.t.save(out / STORE_DIR)
    index.tokenizer.save(out)
    index.aliases.save(out / "aliases")
    index.thesaurus.save(out)
    return files


def write_manifest(index, out: Path, files: dict[str, int]) -> None:
    """The manifest goes last: a directory without one is never a complete index."""
    manifest = {**index.manifest, "files": files}
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    index.manifest = manifest


def _write_dir(index: ClauseIndex, out: Path) -> None:
    import faiss

    out.mkdir(parents=True)
    (out / "bm25").mkdir()
    bm25.save(index.bm25_model, out / "bm25")
    fault_point("write:bm25")
    files = write_stored(index, out)
    np.save(out / "vectors.npy", np.ascontiguousarray(index.vectors, np.float32))
    files["vectors.npy"] = (out / "vectors.npy").stat().st_size
    if index.dense.ann is not None:
        faiss.write_index(index.dense.ann, str(out / "dense.faiss"))
        files["dense.faiss"] = (out / "dense.faiss").stat().st_size
    fault_point("write:store")
    if index.bigram_model is not None:
        bigrams.save(index.bigram_model, out)
    fault_point("write:clauses")
    write_manifest(index, out, files)


def save_index(index: ClauseIndex, target: str | Path, write=None) -> Path:
    """Write the index and publish it at ``target`` atomically (a symlink swap).

    ``write(index, directory)`` writes the files (default: this backend's; the Milvus backend
    writes what stays beside its collection).
    """
    target = Path(target).absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    builds = target.parent / f".{target.name}.builds"
    builds.mkdir(exist_ok=True)
    # Sortable by time to the nanosecond: pruning keeps "the newest" builds by name.
    now = time.time_ns()
    build_id = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now // 10**9)) + f"{now % 10**9:09d}-{uuid.uuid4().hex[:8]}"
    tmp = builds / f"tmp-{build_id}"
    try:
        (write or _write_dir)(index, tmp)
        fault_point("tmp-written")
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
    prune(builds, keep={os.path.realpath(target)})  # never a build a running server holds
    index.directory = Path(os.path.realpath(target))
    return target


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


def _aliases(directory: Path) -> Aliases:
    try:
        return Aliases.load(directory / "aliases")
    except (OSError, ValueError) as exc:
        raise IndexLoadError(f"index at {directory} has no readable alias profiles ({exc}); "
                             f"{rebuild_hint(directory)}") from exc


def load_index(target: str | Path, embedder_name: str | None = None) -> ClauseIndex:
    """Load (map) an index; refuses another format or embedder, and detects damaged files."""
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
        files = manifest["files"]
        for name in ("vectors.npy", "dense.faiss"):
            if name in files and (directory / name).stat().st_size != files[name]:
                raise ColumnError(f"{name} has {(directory / name).stat().st_size} bytes, the manifest says "
                                  f"{files[name]}")
        tokenizer = Tokenizer.load(directory)
        store = ClauseStore(Table.load(directory / STORE_DIR, files))
        vectors = advise_random(np.load(directory / "vectors.npy", mmap_mode="r"))
        kind = manifest["faiss"]["kind"]
        ann = faiss.read_index(str(directory / "dense.faiss")) if kind != "flat" else None
        dense = Dense(vectors, kind, ann)
        model = bm25.load(directory / "bm25", mmap=True)
        gram_model = bigrams.load(directory, mmap=True)
    except (OSError, ValueError, KeyError, RuntimeError) as exc:
        raise IndexLoadError(f"index at {target} is corrupted or incomplete ({type(exc).__name__}: "
                             f"{exc}); {rebuild_hint(target)}") from exc
    if tokenizer.dict_hash != manifest["tokenizer"]["dict_hash"]:
        raise IndexLoadError(f"index at {target}: tokenizer dictionary does not match the manifest; "
                             f"{rebuild_hint(target)}")
    n = store.n_rows
    if n != manifest["counts"]["rows"] or vectors.shape != (n, manifest["embedder"]["dim"]) \
            or int(model.scores["num_docs"]) != n:
        raise IndexLoadError(f"index at {target} is inconsistent (its files do not match the manifest); "
                             f"{rebuild_hint(target)}")
    return ClauseIndex(manifest, store, tokenizer, model, dense, _aliases(directory), directory=directory,
                       thesaurus=Thesaurus.load(directory), bigram_model=gram_model)
