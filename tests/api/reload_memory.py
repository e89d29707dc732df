"""Resident memory across reloads, in a process of its own (run by tests/api/test_reload.py).

``python tests/api/reload_memory.py WORKDIR WARMUP N`` builds the seeds twice with the fake
embedder (all five notices, then four), serves them, reloads between the two builds ``WARMUP``
times, then ``N`` times more, sampling the process's memory after each reload and a search. It
prints the ``N`` samples (MB) as one JSON line.

A sample is RssAnon after a collection and after the C heap has handed its free pages back
(``malloc_trim``): an index's arrays are memory-mapped files, whose resident pages (RssFile) are
page cache shared with every other reader of those files, and freed heap pages the allocator
keeps are not memory a reload keeps.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from zhengce.api.app import create_app
from zhengce.api.reloading import release_memory
from zhengce.index.corpus import load_document
from zhengce.index.embedding import FakeEmbedder
from zhengce.index.store import build_index, save_index

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
TOKEN = "reload-memory-token-0123456789"


def rss_mb() -> float:
    release_memory()
    for line in open("/proc/self/status"):
        if line.startswith("RssAnon"):
            return int(line.split()[1]) / 1024
    raise SystemExit("no RssAnon in /proc/self/status")


def point(target: Path, build: str) -> None:
    """Publish ``build`` at ``target`` the way save_index does (a symlink swap)."""
    link = target.parent / ".swap"
    os.symlink(build, link)
    os.replace(link, target)


def main(workdir: Path, warmup: int, n: int) -> list[float]:
    docs = [load_document(p) for p in sorted(SEEDS.glob("*.txt"))]
    target = workdir / "idx"
    save_index(build_index(docs, FakeEmbedder())[0], target)
    build_a = os.path.realpath(target)
    save_index(build_index(docs[:4], FakeEmbedder())[0], target)
    build_b = os.path.realpath(target)
    client = TestClient(create_app(index_dir=target, admin_token=TOKEN),
                        headers={"Authorization": f"Bearer {TOKEN}"})

    def cycle(count: int) -> list[float]:
        samples = []
        for i in range(count):
            point(target, build_a if i % 2 == 0 else build_b)
            r = client.post("/admin/reload")
            if r.status_code != 200 or r.json()["status"] != "reloaded":
                raise SystemExit(f"reload {i}: {r.status_code} {r.text[:200]}")
            if client.get("/search", params={"q": "科技成果转化"}).status_code != 200:
                raise SystemExit(f"search after reload {i} failed")
            samples.append(round(rss_mb(), 2))
        return samples

    cycle(warmup)  # allocator pools, caches
    return cycle(n)


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))))
