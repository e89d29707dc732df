"""Deterministic fault injection for crash-safety tests.

``ZHENGCE_FAULT=<point>`` makes the process kill itself with SIGKILL when it
reaches that named point (see :data:`POINTS`); tests kill a build exactly
there instead of guessing a moment with a timer. Unset (always, outside
tests), :func:`fault_point` does nothing.
"""

from __future__ import annotations

import os
import signal

POINTS = (
    "build:embedded",        # vectors computed, nothing written yet
    "write:bm25",            # the BM25 files written into the build's tmp folder
    "write:clauses",         # everything but the manifest written
    "publish:renamed",       # the complete build renamed into place, the link not yet swapped
    "publish:swapped",       # the link swapped, old builds not yet pruned
)


def fault_point(name: str) -> None:
    """Die here if the environment asks for it (a test's deterministic crash)."""
    if os.environ.get("ZHENGCE_FAULT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
