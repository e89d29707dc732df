"""A deterministic fault hook for concurrency and crash tests (never used in normal runs).

``ZHENGCE_FAULT="point=action[,point=action…]"`` makes :func:`fault_point` act when the
process reaches a named point:

- ``kill``: SIGKILL this process there (a crash at a known moment);
- ``pause``: write this pid to the FIFO ``$ZHENGCE_FAULT_DIR/<point>.reached`` (it blocks until
  the test reads it: the test then knows the process is at the point), then block reading the
  FIFO ``$ZHENGCE_FAULT_DIR/<point>.go`` until the test writes to it.

The test creates both FIFOs (``tests/faulthook.py``), so nothing here sleeps or polls: the
two sides meet on the pipes. Points: ``lock-wait`` (a writer about to wait for the index lock),
``locked`` (a writer holding it, before it reads the index), ``tmp-written`` (a build written to
its ``tmp-*`` folder, not yet published), ``reload`` (a server loading a new build).
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

ENV = "ZHENGCE_FAULT"
ENV_DIR = "ZHENGCE_FAULT_DIR"

# The points of a build, in order (tests/index/test_crash_safety.py kills a build at each).
BUILD_POINTS = (
    "build:embedded",        # vectors computed, nothing written yet
    "write:bm25",            # the BM25 files written into the build's tmp folder
    "write:store",           # the clause store's columns, the vectors and the FAISS index written too
    "write:clauses",         # everything but the manifest written
    "tmp-written",           # the build complete in its tmp-* folder, not yet published
    "publish:renamed",       # the complete build renamed into place, the link not yet swapped
    "publish:swapped",       # the link swapped, old builds not yet pruned
)


def _actions() -> dict[str, str]:
    spec = os.environ.get(ENV, "")
    out = {}
    for item in filter(None, (s.strip() for s in spec.split(","))):
        point, _, action = item.partition("=")
        out[point] = action
    return out


def fault_point(name: str) -> None:
    """Act as ``ZHENGCE_FAULT`` says at this point; nothing when it is unset."""
    if not os.environ.get(ENV):
        return
    action = _actions().get(name)
    if action is None:
        return
    if action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif action == "pause":
        directory = Path(os.environ[ENV_DIR])
        with open(directory / f"{name}.reached", "w") as reached:
            reached.write(f"{os.getpid()}\n")
        with open(directory / f"{name}.go") as go:
            go.read()
    else:
        raise ValueError(f"{ENV}: unknown action {action!r} at {name!r} (use kill or pause)")
