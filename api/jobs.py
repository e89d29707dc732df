"""Background indexing jobs: notices uploaded from the page, and removals.

A job runs :func:`zhengce.index.update.update_index` — the code of
``zhengce index --add`` / ``--remove`` — on the server's index directory,
which publishes the new build atomically; then the server swaps to it
(:meth:`EngineHolder.reload`). Searches keep being answered by the old build
the whole time. One worker thread runs the jobs in order, so two jobs never
build at once.

Jobs are kept in memory (the newest :data:`KEEP_JOBS`). Their messages name
files by their uploaded names, never by a path on the server.
"""

from __future__ import annotations

import queue
import re
import shutil
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from zhengce.index.update import UpdateError, update_index

KEEP_JOBS = 100
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


@dataclass
class FileResult:
    name: str
    status: str = "pending"  # pending, indexed or failed
    error: str | None = None
    doc_id: str | None = None

    def to_dict(self) -> dict:
        return {"name": self.name, "status": self.status, "error": self.error, "doc_id": self.doc_id}


@dataclass
class Job:
    id: str
    kind: str  # "add" or "remove"
    files: list[FileResult] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)
    status: str = QUEUED
    stage: str | None = None
    done: int = 0
    total: int = 0
    error: str | None = None
    summary: dict | None = None
    created: float = field(default_factory=time.time)
    finished: float | None = None
    workdir: Path | None = None
    paths: list[Path] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"id": self.id, "kind": self.kind, "status": self.status,
                "progress": {"stage": self.stage, "done": self.done, "total": self.total},
                "files": [f.to_dict() for f in self.files], "remove": self.remove,
                "error": self.error, "summary": self.summary,
                "created": _iso(self.created), "finished": _iso(self.finished)}


def _iso(t: float | None) -> str | None:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t)) if t else None


class JobRunner:
    """Runs indexing jobs one at a time on a worker thread, then reloads the server's engine."""

    def __init__(self, holder):
        self.holder = holder
        self._jobs: dict[str, Job] = {}
        self._queue: queue.Queue[Job] = queue.Queue()
        self._lock = threading.Lock()
        self._worker: threading.Thread | None = None

    def submit(self, job: Job) -> Job:
        with self._lock:
            self._jobs[job.id] = job
            for old in list(self._jobs)[:-KEEP_JOBS]:
                if self._jobs[old].status in (DONE, FAILED):
                    del self._jobs[old]
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._work, name="zhengce-jobs", daemon=True)
                self._worker.start()
        self._queue.put(job)
        return job

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    @staticmethod
    def new_job(kind: str) -> Job:
        return Job(id=uuid.uuid4().hex[:12], kind=kind)

    def _work(self) -> None:
        while True:
            job = self._queue.get()
            try:
                self._run(job)
            finally:
                if job.workdir is not None:
                    shutil.rmtree(job.workdir, ignore_errors=True)
                job.finished = time.time()
                self._queue.task_done()

    def _run(self, job: Job) -> None:
        job.status = RUNNING
        target = self.holder.index_dir
        pending = {p.name: f for p, f in zip(job.paths, [f for f in job.files if f.status == "pending"],
                                             strict=True)}
        job.total = len(job.paths)

        def progress(files):
            for path in files:
                yield path
                job.done += 1

        try:
            result = update_index(target, job.paths, add=job.kind == "add", remove=job.remove, wait=True,
                                  embedder=self.holder.engine.embedder, progress=progress,
                                  on_stage=lambda s: setattr(job, "stage", s))
        except UpdateError as exc:
            self._fail(job, hide_paths(str(exc)), pending)
            return
        except Exception as exc:  # noqa: BLE001 - a job reports, the server keeps serving
            self._fail(job, f"indexing failed ({type(exc).__name__}: {hide_paths(str(exc))})", pending)
            return
        for err in result.errors:
            f = pending.get(Path(err.path).name)
            if f is not None:
                f.status, f.error = "failed", hide_paths(err.reason)
        added = set(result.added)
        for name, f in pending.items():
            if f.status == "pending":
                doc_id = Path(name).stem
                f.status, f.doc_id = ("indexed", doc_id) if doc_id in added else ("failed", "not indexed")
        job.stage = "reloading"
        try:
            self.holder.reload()
        except Exception as exc:  # noqa: BLE001
            job.status, job.error = FAILED, f"indexed, but the server could not load the new build: " \
                                             f"{hide_paths(str(exc))}"
            return
        job.summary = {**result.counts, "added": result.added, "removed": result.removed,
                       "embedded": result.embedded, "reused": result.reused, "seconds": result.seconds}
        job.stage, job.status = None, DONE

    @staticmethod
    def _fail(job: Job, message: str, pending: dict[str, FileResult]) -> None:
        job.status, job.error = FAILED, message
        for f in pending.values():
            if f.status == "pending":
                f.status, f.error = "failed", "not indexed: " + message


_PATH = re.compile(r"(?<![\w.~])/(?:[^\s/:;,'\"()<>]+/)*([^\s/:;,'\"()<>]*)")


def hide_paths(text: str) -> str:
    """The message with every absolute path shortened to its last part (no server path in a response)."""
    return _PATH.sub(lambda m: m.group(1) or "/", text)
