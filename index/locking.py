"""One writer at a time per index: an advisory file lock beside the published index.

Every ``zhengce index`` (and any other writer, such as server uploads) holds
``<parent>/.<name>.lock`` with ``flock(LOCK_EX)`` from before it reads the current index until
its build is published. The kernel releases the lock when the process dies, however it dies,
so a killed writer never leaves the index locked. The holder's pid is written into the file
so that a second writer can say who holds it: it either waits (``wait=True``, the CLI's
``--wait``) or stops with :class:`IndexBusy`, "another build is running (pid N)".

Because ``--add`` reads the published index only once it holds the lock, two ``--add`` runs
in a row both land (issue 16, row 3: the second used to overwrite the first).

:func:`check_writable` runs first, so an index location that cannot be written is reported
before any file is read or embedded (row 11).
"""

from __future__ import annotations

import errno
import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from zhengce.index.faults import fault_point


class IndexBusy(Exception):
    """Another writer holds the index lock."""

    def __init__(self, pid: int | None):
        self.pid = pid
        who = f"pid {pid}" if pid else "pid unknown"
        super().__init__(f"another build is running ({who}); wait for it to finish or pass --wait")


class LocationError(Exception):
    """The index location cannot be written."""


def lock_path(target: str | Path) -> Path:
    target = Path(target).absolute()
    return target.parent / f".{target.name}.lock"


def check_writable(target: str | Path) -> None:
    """Make sure the index's folder (and its builds folder, if any) can be written, or raise."""
    target = Path(target).absolute()
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LocationError(f"cannot create the index location {parent}: {exc.strerror or exc}") from exc
    for folder in (parent, parent / f".{target.name}.builds"):
        if not folder.exists():
            continue
        try:
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".probe-"):
                pass
        except OSError as exc:
            raise LocationError(f"cannot write the index location {folder}: {exc.strerror or exc}") from exc


def _holder(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


@contextmanager
def writer_lock(target: str | Path, wait: bool = False) -> Iterator[Path]:
    """Hold the writer lock of the index at ``target``; yields the lock file's path."""
    check_writable(target)
    path = lock_path(target)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise LocationError(f"cannot create the lock file {path}: {exc.strerror or exc}") from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise
            if not wait:
                raise IndexBusy(_holder(fd)) from None
            fault_point("lock-wait")
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        fault_point("locked")
        yield path
    finally:
        os.close(fd)  # releases the lock (as does the death of the process)
