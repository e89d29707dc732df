"""The build folders beside a published index: leases, leftovers of dead writers, pruning.

A published index ``X`` is a symlink to ``.X.builds/<build id>``. This module decides which
of those folders may be removed:

- ``tmp-*`` folders are builds that were never published. Under the writer lock
  (``index/locking.py``) no other writer is alive, so every one of them belongs to a dead
  writer and :func:`remove_leftovers` deletes them all at once (issue 16, row 10: they used
  to stay for an hour).
- A process serving a build takes a **lease** on it (:func:`hold`): a file in
  ``.X.builds/leases/`` locked with ``flock(LOCK_SH)``. The lock dies with the process, so
  a lease whose file can be locked exclusively is stale and is removed. A leased build is
  never pruned (row 13: the build being served was deleted by later rebuilds).
- Besides the published and leased builds, the newest ``KEEP_BUILDS`` are kept
  (``ZHENGCE_KEEP_BUILDS``, default 2); older ones are removed.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import uuid
from pathlib import Path

KEEP_BUILDS = int(os.environ.get("ZHENGCE_KEEP_BUILDS", "2"))
LEASES = "leases"


def builds_dir(target: str | Path) -> Path:
    target = Path(target).absolute()
    return target.parent / f".{target.name}.builds"


class Lease:
    """A running process's claim on one build folder; released by :meth:`release` or by death."""

    def __init__(self, build: Path):
        self.build = build
        folder = build.parent / LEASES
        folder.mkdir(exist_ok=True)
        name = f"{build.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}"
        # Locked under a hidden name, then renamed: a pruner never sees an unlocked lease.
        hidden = folder / f".{name}"
        self._fd: int | None = os.open(hidden, os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(self._fd, fcntl.LOCK_SH)
        self.path = folder / name
        os.rename(hidden, self.path)

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            self.path.unlink(missing_ok=True)
        finally:
            os.close(self._fd)
            self._fd = None


def hold(build: str | Path | None) -> Lease | None:
    """Lease a build folder that lives in a ``.X.builds`` folder; None for any other index."""
    if build is None:
        return None
    build = Path(os.path.realpath(build))
    if not (build.parent.name.startswith(".") and build.parent.name.endswith(".builds")):
        return None  # a plain index directory: nothing prunes it
    try:
        return Lease(build)
    except OSError:
        return None  # a read-only location: no writer can prune it either


def leased(builds: Path) -> set[str]:
    """Names of the builds some living process holds; stale lease files are removed."""
    folder = builds / LEASES
    names: set[str] = set()
    if not folder.is_dir():
        return names
    for lease in folder.iterdir():
        if lease.name.startswith("."):
            continue  # being created
        try:
            fd = os.open(lease, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            names.add(lease.name.split(".", 1)[0])  # held: the process is alive
        else:
            lease.unlink(missing_ok=True)  # its holder died
        finally:
            os.close(fd)
    return names


def remove_leftovers(target: str | Path) -> list[str]:
    """Remove every ``tmp-*`` build folder; call only while holding the writer lock."""
    builds = builds_dir(target)
    removed = []
    if builds.is_dir():
        for p in sorted(builds.iterdir()):
            if p.name.startswith("tmp-") and p.is_dir() and not p.is_symlink():
                shutil.rmtree(p, ignore_errors=True)
                removed.append(p.name)
    return removed


def prune(builds: Path, keep: set[str], keep_recent: int | None = None) -> list[str]:
    """Remove published builds no one needs: not in ``keep`` (real paths), not leased, not recent."""
    keep_recent = KEEP_BUILDS if keep_recent is None else keep_recent
    held = leased(builds)
    entries = sorted((p for p in builds.iterdir() if p.is_dir() and not p.is_symlink()
                      and p.name != LEASES and not p.name.startswith("tmp-")),
                     key=lambda p: p.name.removeprefix("previous-"), reverse=True)
    removed = []
    for rank, p in enumerate(entries):
        if rank < keep_recent or os.path.realpath(p) in keep or p.name in held:
            continue
        shutil.rmtree(p, ignore_errors=True)
        removed.append(p.name)
    return removed
