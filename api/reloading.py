"""The engine a server holds, and reloading it without blocking or growing memory.

Issue 16, rows 7 and 13:

- 60 concurrent ``/admin/reload`` calls each loaded the index in turn, holding every worker
  thread (``/health`` waited 12 s), and memory went from 280 to 895 MB. Now one reload runs at
  a time; a reload asked for while one runs is refused at once (:class:`ReloadBusy`, a 409);
  a reload that finds the build it already serves does nothing ("unchanged").
- The old engine's arrays are released after the swap (the last reference dropped, a
  garbage collection, and glibc asked to return freed memory to the system).
- The server holds a lease on the build it serves (``index/builds.py``), so later rebuilds
  never prune it from under it; the old build's lease is released after the swap.
"""

from __future__ import annotations

import ctypes
import gc
import os
import threading

from zhengce.index.builds import hold
from zhengce.index.faults import fault_point
from zhengce.search.answer import Answerer
from zhengce.search.engine import SearchEngine


class ReloadBusy(RuntimeError):
    """A reload is already running."""


def release_memory() -> None:
    """Collect garbage, then ask glibc to give freed heap pages back (no-op elsewhere)."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


class EngineHolder:
    """The current engine; swapped whole when the index is reloaded."""

    def __init__(self, engine: SearchEngine, index_dir: str | None):
        self.engine = engine
        self.answerer = Answerer(engine)
        self.index_dir = index_dir
        self.last_status = "loaded"
        self._lock = threading.Lock()
        self._lease = hold(engine.index.directory)

    def reload(self) -> SearchEngine:
        """Load the newest build; requests in flight finish on the engine they started with."""
        if not self.index_dir:
            raise RuntimeError("this server was not started from an index directory")
        if not self._lock.acquire(blocking=False):
            raise ReloadBusy("a reload is already running; try again when it has finished")
        try:
            fault_point("reload")
            current = self.engine.index.directory
            if current is not None and os.path.realpath(self.index_dir) == str(current):
                self.last_status = "unchanged"
                return self.engine
            fresh = SearchEngine.open(self.index_dir, embedder=self.engine.embedder)
            lease = hold(fresh.index.directory)
            old_lease, self._lease = self._lease, lease
            self.engine, self.answerer = fresh, Answerer(fresh)
            self.last_status = "reloaded"
            if old_lease is not None:
                old_lease.release()
        finally:
            self._lock.release()
        release_memory()
        return fresh
