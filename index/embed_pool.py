"""Passage embedding for a build: length-bucketed batches, in this process or a pool of processes.

* Batches are cut from the passages sorted by length, so a batch holds
  passages of similar length (less padding in a padded model) and the slowest
  passages do not straggle at the end; vectors go back to their rows.
* ``workers=1`` embeds in this process with the embedder as loaded (its
  threads: OpenMP uses every core). ``workers=N`` starts N processes (spawned,
  never forked after OpenMP started), each with a single-threaded copy of the
  embedder (``OMP_NUM_THREADS=1``), and hands them batches; the measurement of
  one against the other is in bench/REPORT.md (``python -m bench.embed``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

import numpy as np

from zhengce.index.embedding import Embedder

_worker_embedder: Embedder | None = None


def length_batches(texts: Sequence[str], batch_size: int) -> list[list[int]]:
    """Indices of ``texts`` in batches of similar length (longest first, so the pool ends evenly)."""
    order = sorted(range(len(texts)), key=lambda i: (-len(texts[i]), i))
    return [order[s:s + batch_size] for s in range(0, len(order), max(1, batch_size))]


def _init_worker(spec: str, device: str | None) -> None:
    global _worker_embedder
    os.environ["OMP_NUM_THREADS"] = "1"
    os.environ["ZHENGCE_EMBED_THREADS"] = "1"
    from zhengce.index.embedding import make_embedder

    _worker_embedder = make_embedder(spec, device=device)


def _embed_batch(args: tuple[list[int], list[str], int]) -> tuple[list[int], np.ndarray]:
    ids, texts, batch_size = args
    return ids, _worker_embedder.embed_passages(texts, batch_size=batch_size)


def embed_passages(texts: Sequence[str], embedder: Embedder, *, batch_size: int = 16, workers: int = 1,
                   device: str | None = None, progress: Callable[[int], None] | None = None) -> np.ndarray:
    """Vectors of ``texts`` in their order (float32, L2-normalized)."""
    out = np.zeros((len(texts), embedder.dim), np.float32)
    if not len(texts):
        return out
    batches = length_batches(texts, batch_size)
    if workers <= 1:
        for ids in batches:
            out[ids] = embedder.embed_passages([texts[i] for i in ids], batch_size=batch_size)
            if progress:
                progress(len(ids))
        return out
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    with ctx.Pool(workers, initializer=_init_worker, initargs=(embedder.name, device)) as pool:
        jobs = [(ids, [texts[i] for i in ids], batch_size) for ids in batches]
        for ids, vecs in pool.imap_unordered(_embed_batch, jobs):
            out[ids] = vecs
            if progress:
                progress(len(ids))
    return out
