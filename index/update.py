"""Build or update an index on disk: the one code path of ``zhengce index`` and of uploads.

``update_index(target, paths, add=…, remove=…)`` reads the notice files,
merges them with the documents of the index already at ``target`` (when
adding or removing), builds, and publishes the result atomically
(``store.save_index``: a symlink swap). Readers of the old build are never
disturbed. It refuses, with :class:`UpdateError` and nothing changed, when
there is no index to update, a document to remove is unknown, or no notice
could be read. Files that cannot be read are reported in the summary and the
rest are indexed.

It holds the index's writer lock (``index/locking.py``) for the whole update, so
two writers never lose each other's work: a second one fails at once naming
the first's pid, or waits with ``wait=True``; an ``add`` reads the index only
once it holds the lock. Leftovers of builds that died are removed under it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from zhengce.index.embedding import Embedder
from zhengce.index.reading import ReadError

DEFAULT_SEEDS = "seeds"

# Stages reported to ``on_stage``, in order.
READING, BUILDING, PUBLISHING = "reading", "building", "publishing"


class UpdateError(Exception):
    """The update could not be made; the index at the target is unchanged."""


@dataclass
class UpdateSummary:
    """What an update did: counts of the new build, the documents added and removed, per-file errors."""

    target: str
    counts: dict
    embedded: int
    reused: int
    embedder: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    errors: list[ReadError] = field(default_factory=list)
    skipped: list = field(default_factory=list)  # folder entries not read, with the reason
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)  # the Milvus collection, URI and alias

    def to_dict(self) -> dict:
        return {**self.counts, **self.extra, "embedded": self.embedded, "reused": self.reused, "index": self.target,
                "added": self.added, "removed": self.removed, "errors": [str(e) for e in self.errors], "skipped": [str(s) for s in self.skipped],
                "warnings": self.warnings, "embedder": self.embedder, "seconds": self.seconds}


def update_index(target: str | Path, paths: Sequence[str | Path], *, add: bool = False,
                 remove: Iterable[str] = (), embedder: Embedder | str | None = None,
                 faiss_kind: str | None = None, progress: Callable | None = None,
                 on_stage: Callable[[str], None] | None = None,
                 show_progress: bool = False, follow_symlinks: bool = False,
                 wait: bool = False, workers: int = 1, device: str | None = None,
                 cache_dir: str | Path | None = None, backend: str | None = None,
                 milvus: dict | None = None) -> UpdateSummary:
    """Index ``paths`` into ``target`` and publish it; see the module docstring.

    ``add``: keep the documents already indexed (a notice with the same id is
    replaced); ``remove``: document ids to drop (implies an update). Without
    either, the index is rebuilt from ``paths`` (default: the seeds), reusing
    the vectors of unchanged clauses. ``embedder``: an embedder, a spec for
    ``make_embedder``, or ``None`` for the one the existing index was built
    with. ``progress`` wraps the list of files (e.g. a progress bar);
    ``on_stage`` is called with ``reading``, ``building``, ``publishing``.
    ``wait``: wait for another writer of the same index instead of failing. ``faiss_kind``
    (``None``: what the existing index was built with, else ``auto``), ``workers``, ``device`` and
    ``cache_dir`` (a shared embedding cache) go to ``build_index``. ``backend``: ``local`` or
    ``milvus`` (``None``: the existing index's, else local); ``milvus``: its options (``uri``,
    ``token``, ``alias``, ``engine``, ``dense_index``; see ``milvus_store.milvus_update``).
    """
    from zhengce.index.builds import remove_leftovers
    from zhengce.index.locking import IndexBusy, LocationError, writer_lock

    try:
        with writer_lock(target, wait=wait):
            leftovers = remove_leftovers(target)
            summary = _update(target, paths, add, remove, embedder, progress, on_stage, follow_symlinks,
                              dict(faiss_kind=faiss_kind, show_progress=show_progress, workers=workers,
                                   device=device, cache_dir=cache_dir), backend, milvus or {})
    except (IndexBusy, LocationError) as exc:
        raise UpdateError(str(exc)) from exc
    summary.notes[:0] = [f"removed {name}, left by a build that did not finish" for name in leftovers]
    return summary


def _update(target, paths, add, remove, embedder, progress, on_stage, follow_symlinks, build, backend,
            milvus) -> UpdateSummary:
    from zhengce.index.corpus import ingest
    from zhengce.index.embedding import make_embedder
    from zhengce.index.store import IndexLoadError, build_index, load_index, read_manifest, save_index

    t0 = time.perf_counter()
    target = Path(target)
    remove = list(remove)
    updating = add or bool(remove)
    stage = on_stage or (lambda _name: None)
    previous, notes = None, []
    if target.exists():
        try:
            previous = load_index(target)
        except IndexLoadError as exc:
            if updating:
                raise UpdateError(str(exc)) from exc
            notes.append(f"not reusing the existing index ({exc})")
    if updating and previous is None:
        raise UpdateError(f"no index at {target} to update; build one first: zhengce index --index {target}")
    built_as = previous.manifest.get("backend", "local") if previous is not None else None
    backend = backend or built_as or "local"
    if updating and backend != built_as:
        raise UpdateError(f"the index at {target} is a {built_as} index; --add and --remove keep its backend")
    unknown = [d for d in remove if previous is None or d not in previous.docs]
    if unknown:
        raise UpdateError(f"not in the index: {', '.join(unknown)}")
    if embedder is None or isinstance(embedder, str):
        spec = embedder or (read_manifest(target.resolve())["embedder"]["name"] if previous else None)
        try:
            embedder = make_embedder(spec, device=build["device"])
        except ValueError as exc:
            raise UpdateError(str(exc)) from exc
    paths = list(paths) or ([] if updating else [DEFAULT_SEEDS])
    stage(READING)
    report = ingest(paths, progress=progress, follow_symlinks=follow_symlinks)
    docs = report.documents
    if updating:
        replaced = {d.doc_id for d in docs} | set(remove)
        docs = [d for d in previous.stored_documents() if d.doc_id not in replaced] + docs
    if not docs or (add and not report.documents and not remove):
        detail = "; ".join(str(e) for e in report.errors)
        raise UpdateError("no notice could be read; nothing indexed (the existing index is unchanged)"
                          + (f": {detail}" if detail else ""))
    if build["faiss_kind"] is None:
        build["faiss_kind"] = previous.manifest.get("faiss", {}).get("requested", "auto") if previous else "auto"
    stage(BUILDING)
    if backend == "milvus":
        from zhengce.index.milvus_schema import MilvusUnavailable
        from zhengce.index.milvus_store import milvus_update

        try:  # builds, then publishes (the directory, then the collection alias)
            built = milvus_update(target, previous, docs, report.documents, remove, embedder, updating, milvus,
                                  build)
        except (MilvusUnavailable, ValueError) as exc:
            raise UpdateError(str(exc)) from exc
    else:
        index, built = build_index(docs, embedder, previous=previous, **build)
        stage(PUBLISHING)
        save_index(index, target)
    counts = {k: built[k] for k in ("documents", "clauses", "rows", "units")}
    return UpdateSummary(
        target=str(target), counts=counts, embedded=built["embedded"], reused=built["reused"],
        embedder=embedder.name, added=[d.doc_id for d in report.documents], removed=remove,
        errors=list(report.errors), skipped=list(report.skipped), notes=notes,
        warnings=[f"{d.doc_id}: {w}" for d in report.documents for w in d.warnings],
        seconds=round(time.perf_counter() - t0, 2),
        extra={k: built[k] for k in ("collection", "milvus_uri", "milvus_alias") if k in built})
