"""Dense retrieval over the row vectors: exact (flat) or approximate (HNSW, IVF-PQ), chosen by size.

The vectors are stored once, in ``vectors.npy`` (float32, memory-mapped when
loaded). Every kind scores its final candidates exactly against them:

* ``flat``: the inner product of the query with every (allowed) row, by numpy
  on the mapped array. Exact; used up to ``FLAT_MAX`` rows (at 1e5 x 384 one
  scan is ~10 ms on one core).
* ``hnsw``: a FAISS HNSW graph over 8-bit scalar-quantized codes (a quarter
  of the vectors' size, not a second copy), ``REFINE`` x k candidates, then
  re-scored exactly.
* ``ivfpq``: FAISS IVF with product quantization (``d / 8`` bytes a vector),
  ``nprobe`` lists, ``REFINE`` x k candidates re-scored exactly. The smallest
  and fastest to build; ``auto`` picks it above ``FLAT_MAX``.

A filter that leaves at most ``EXACT_MAX`` rows is always scored exactly on
those rows (an approximate index loses recall under a narrow filter; a scan of
that many rows costs a few ms). Results are best first, ties by lower row.
"""

from __future__ import annotations

import math
import os

import numpy as np

KINDS = ("flat", "hnsw", "ivfpq")
CHOICES = (*KINDS, "auto")
FLAT_MAX = 100_000
EXACT_MAX = 50_000
REFINE = 10
MIN_CANDIDATES = 100
HNSW_M, HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH = 32, 80, 128
IVF_NPROBE = 32
EMPTY = (np.zeros(0, np.int64), np.zeros(0, np.float32))


def choose_kind(n_rows: int, kind: str = "auto") -> str:
    """``flat`` up to ``FLAT_MAX`` rows, ``ivfpq`` beyond; an explicit kind wins."""
    if kind not in CHOICES:
        raise ValueError(f"unknown FAISS index kind {kind!r}: use one of {', '.join(CHOICES)}")
    if kind != "auto":
        return kind
    return "flat" if n_rows <= FLAT_MAX else "ivfpq"


def ivf_shape(n: int, dim: int) -> tuple[int, int, int]:
    """(lists, sub-quantizers, bits per code) for ``n`` vectors of ``dim``."""
    nlist = max(1, min(4096, int(math.sqrt(n)), n // 39))
    m = next(m for m in (dim // 8, dim // 4, dim // 2, dim) if m and dim % m == 0)
    nbits = 8 if n >= 256 * 39 else max(1, min(8, int(math.log2(max(2, n // 39)))))
    return nlist, m, nbits


def reusable(trained, kind: str, n: int, dim: int) -> bool:
    """Whether an earlier build's trained IVF-PQ fits these vectors (same shape, size within 2x)."""
    import faiss

    if trained is None or kind != "ivfpq" or not isinstance(trained, faiss.IndexIVFPQ) or trained.d != dim:
        return False
    return (trained.nlist, trained.pq.M, trained.pq.nbits) == ivf_shape(n, dim) or \
        trained.ntotal // 2 <= n <= 2 * trained.ntotal


def build_ann(vectors: np.ndarray, kind: str, seed: int = 0, trained=None):
    """The FAISS index of an approximate kind (``None`` for flat: the vectors are the index).

    ``trained``: the previous build's index; an IVF-PQ that fits is emptied and refilled instead
    of trained again (``--add`` of one notice does not re-run k-means over the whole corpus).
    """
    import faiss

    if kind == "flat":
        return None
    n, dim = vectors.shape
    rng = np.random.default_rng(seed)
    if reusable(trained, kind, n, dim):
        index = faiss.clone_index(trained)
        index.reset()
        for start in range(0, n, 100_000):
            index.add(np.ascontiguousarray(vectors[start:start + 100_000], np.float32))
        return index
    if kind == "hnsw":
        index = faiss.IndexHNSWSQ(dim, faiss.ScalarQuantizer.QT_8bit, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        sample = vectors[np.sort(rng.choice(n, min(n, 100_000), replace=False))] if n else vectors
    elif kind == "ivfpq":
        nlist, m, nbits = ivf_shape(max(n, 1), dim)
        quantizer = faiss.IndexFlatIP(dim)
        index = faiss.IndexIVFPQ(quantizer, dim, nlist, m, nbits, faiss.METRIC_INNER_PRODUCT)
        index.nprobe = min(IVF_NPROBE, nlist)
        sample = vectors[np.sort(rng.choice(n, min(n, max(64 * nlist, 256 * 39)), replace=False))] if n else vectors
        index.cp.seed = seed
    else:
        raise ValueError(f"unknown FAISS index kind {kind!r}: use one of {', '.join(CHOICES)}")
    if n:
        index.train(np.ascontiguousarray(sample, np.float32))
        for start in range(0, n, 100_000):
            index.add(np.ascontiguousarray(vectors[start:start + 100_000], np.float32))
    return index


def _best(rows: np.ndarray, scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    if len(rows) > k:
        part = np.argpartition(-scores, k - 1)[:k]
        rows, scores = rows[part], scores[part]
    order = np.lexsort((rows, -scores))
    return rows[order].astype(np.int64), scores[order].astype(np.float32)


class Dense:
    """Top-k by inner product over the row vectors, through the index kind it was built with."""

    def __init__(self, vectors: np.ndarray, kind: str, ann=None):
        self.vectors, self.kind, self.ann = vectors, kind, ann
        self._fd: int | None = None
        if kind != "flat" and ann is None:
            raise ValueError(f"a {kind} dense index needs its FAISS index")
        if ann is not None and ann.ntotal != len(vectors):
            raise ValueError(f"the FAISS index holds {ann.ntotal} vectors, there are {len(vectors)} rows")

    def __len__(self) -> int:
        return len(self.vectors)

    def exact(self, q: np.ndarray, k: int, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Exact top-k over ``rows`` (all rows when ``None``)."""
        if rows is None:
            scores = np.asarray(self.vectors @ q, np.float32)
            return _best(np.arange(len(scores)), scores, k)
        if not len(rows):
            return EMPTY
        rows = np.sort(rows)  # sorted reads are sequential on the file
        return _best(rows, np.asarray(self.rows(rows) @ q, np.float32), k)

    def rows(self, rows: np.ndarray) -> np.ndarray:
        """The vectors of a few scattered rows. From a mapped file they are read with ``pread``:
        a page fault on a mapped file maps the page cache's whole (large) folio, about 1 MB on
        recent kernels, so mapping ~500 scattered rows a query would make the resident memory
        grow by hundreds of MB per query; reads leave it alone."""
        if not isinstance(self.vectors, np.memmap) or len(rows) > 4096:
            return np.asarray(self.vectors[rows])
        width = self.vectors.shape[1] * 4
        fd = self._fd
        if fd is None:
            fd = self._fd = os.open(self.vectors.filename, os.O_RDONLY)
        base = self.vectors.offset
        buf = b"".join(os.pread(fd, width, base + int(r) * width) for r in rows)
        return np.frombuffer(buf, np.float32).reshape(len(rows), -1)

    def __del__(self):
        if getattr(self, "_fd", None) is not None:
            os.close(self._fd)

    def search(self, vector: np.ndarray, k: int, allowed: np.ndarray | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
        n = len(self.vectors)
        if n == 0 or k <= 0:
            return EMPTY
        q = np.asarray(vector, np.float32).reshape(-1)
        ids = None
        if allowed is not None:
            ids = np.flatnonzero(allowed)
            if not len(ids):
                return EMPTY
        if self.kind == "flat":
            return self.exact(q, k, ids)
        if ids is not None and len(ids) <= EXACT_MAX:
            return self.exact(q, k, ids)
        return self._approximate(q, k, ids)

    def _approximate(self, q: np.ndarray, k: int, ids: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        import faiss

        want = max(REFINE * k, MIN_CANDIDATES)
        sel = faiss.IDSelectorBatch(ids.astype(np.int64)) if ids is not None else None
        if self.kind == "hnsw":
            params = faiss.SearchParametersHNSW(efSearch=max(HNSW_EF_SEARCH, want))
        else:
            params = faiss.SearchParametersIVF(nprobe=self.ann.nprobe)
        if sel is not None:
            params.sel = sel
        _, rows = self.ann.search(np.ascontiguousarray(q[None, :]), want, params=params)
        rows = rows[0][rows[0] >= 0]
        return self.exact(q, k, rows)
