"""Thread pinning, applied before numpy, faiss or the embedder load.

On a 2-core machine, BLAS and OpenMP each starting a pool per core oversubscribe
the CPU and add milliseconds to every query. The embedder (OpenMP) gets the
cores; BLAS stays single-threaded (our matrix work is small); FAISS searches
single-threaded (a flat scan of 1e5 x 384 is faster than the pool start-up).
Any variable already set by the user wins.
"""

from __future__ import annotations

import os

DEFAULTS = {
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
    "VECLIB_MAXIMUM_THREADS": "1",
    "OMP_NUM_THREADS": str(min(4, os.cpu_count() or 1)),
    "TOKENIZERS_PARALLELISM": "false",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
}


def pin_threads() -> None:
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)


def pin_faiss(threads: int = 1) -> None:
    try:
        import faiss
    except ImportError:  # pragma: no cover - dependency of the project
        return
    faiss.omp_set_num_threads(threads)
