"""The test side of ``ZHENGCE_FAULT`` pauses: meet a paused process on two FIFOs (no sleeps)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

TIMEOUT = 120  # a safety net only: each side normally meets the other at once


class Pause:
    """A pause point in another process (or thread): wait until it is reached, then release it."""

    def __init__(self, directory: Path, point: str):
        directory.mkdir(parents=True, exist_ok=True)
        self.directory, self.point = directory, point
        self.reached, self.go = directory / f"{point}.reached", directory / f"{point}.go"
        for fifo in (self.reached, self.go):
            os.mkfifo(fifo)

    def env(self, action: str = "pause") -> dict[str, str]:
        return {"ZHENGCE_FAULT": f"{self.point}={action}", "ZHENGCE_FAULT_DIR": str(self.directory)}

    def _bounded(self, fn):
        box: dict = {}
        t = threading.Thread(target=lambda: box.setdefault("v", fn()), daemon=True)
        t.start()
        t.join(TIMEOUT)
        if t.is_alive():
            raise TimeoutError(f"fault point {self.point!r} was not reached")
        return box.get("v")

    def wait_reached(self) -> int:
        """Block until the process is at the point; returns its pid."""
        def read():
            with open(self.reached) as f:
                return int(f.read().strip())
        return self._bounded(read)

    def release(self) -> None:
        def write():
            with open(self.go, "w") as f:
                f.write("go\n")
        self._bounded(write)
