"""The embedding cache: passage hash → vector, for one embedder, shared by every backend.

A clause's vector depends only on what the embedder reads (the hash of its passage text,
``passage.passage_hash``) and on the embedder, so any vector computed once can be
reused by any build: the next local index, or a Milvus collection. Two sources:

* an index's own rows (``ClauseIndex.vector_cache()``: its passage hashes and
  its memory-mapped ``vectors.npy``; nothing is copied);
* a cache directory (``--embed-cache DIR``, default none): per embedder a
  folder of shards, each ``<n>.hashes.npy`` (16-byte hashes) and
  ``<n>.vectors.npy``, appended after every build, written atomically.

Lookups are vectorized (sorted hashes and ``np.searchsorted``), never a dict
of a million entries. The mapping interface (``hash in cache``,
``cache[hash]``) takes the 32-hex-digit hash as ``passage_hash`` gives it.
"""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import numpy as np


def hash_bytes(hex_hashes) -> np.ndarray:
    """``passage_hash`` strings (32 hex digits) as a 16-byte array."""
    return np.array([bytes.fromhex(h) for h in hex_hashes], dtype="S16").reshape(-1)


class EmbedCache:
    """Vectors by passage hash for one embedder; ``chain`` several sources into one."""

    def __init__(self, embedder: str, hashes: np.ndarray, vectors: np.ndarray):
        if len(hashes) != len(vectors):
            raise ValueError(f"{len(hashes)} hashes for {len(vectors)} vectors")
        self.embedder = embedder
        self._order = np.argsort(hashes, kind="stable")
        self._sorted = np.asarray(hashes)[self._order]
        self.vectors = vectors

    @classmethod
    def empty(cls, embedder: str, dim: int) -> EmbedCache:
        return cls(embedder, np.zeros(0, "S16"), np.zeros((0, dim), np.float32))

    def __len__(self) -> int:
        return len(self._sorted)

    def positions(self, hashes: np.ndarray) -> np.ndarray:
        """Position in ``vectors`` of each 16-byte hash, -1 where absent."""
        hashes = np.asarray(hashes, "S16")
        out = np.full(len(hashes), -1, np.int64)
        if not len(self._sorted) or not len(hashes):
            return out
        at = np.searchsorted(self._sorted, hashes)
        at_c = np.minimum(at, len(self._sorted) - 1)
        hit = self._sorted[at_c] == hashes
        out[hit] = self._order[at_c[hit]]
        return out

    def fill(self, hashes: np.ndarray, out: np.ndarray) -> np.ndarray:
        """Copy cached vectors into ``out`` (rows in hash order); returns the mask of rows filled."""
        pos = self.positions(hashes)
        found = pos >= 0
        if found.any():
            rows = np.flatnonzero(found)
            src = pos[found]
            order = np.argsort(src)  # read the (maybe mapped) source in order
            out[rows[order]] = self.vectors[src[order]]
        return found

    def __contains__(self, hex_hash: str) -> bool:
        return bool(self.positions(hash_bytes([hex_hash]))[0] >= 0)

    def __getitem__(self, hex_hash: str) -> np.ndarray:
        pos = int(self.positions(hash_bytes([hex_hash]))[0])
        if pos < 0:
            raise KeyError(hex_hash)
        return np.asarray(self.vectors[pos])

    def get(self, hex_hash: str, default=None):
        try:
            return self[hex_hash]
        except KeyError:
            return default


class ChainedCache:
    """Several caches asked in turn (the previous index first, then the cache directory)."""

    def __init__(self, caches: list[EmbedCache]):
        self.caches = caches

    def fill(self, hashes: np.ndarray, out: np.ndarray) -> np.ndarray:
        found = np.zeros(len(hashes), bool)
        for cache in self.caches:
            todo = np.flatnonzero(~found)
            if not len(todo):
                break
            part = np.zeros((len(todo), out.shape[1]), np.float32)
            got = cache.fill(hashes[todo], part)
            out[todo[got]] = part[got]
            found[todo[got]] = True
        return found


def _slug(embedder: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", embedder)


class CacheDir:
    """A directory of cache shards, one folder per embedder; new vectors are appended as a shard."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def folder(self, embedder: str) -> Path:
        return self.root / _slug(embedder)

    def load(self, embedder: str, dim: int) -> EmbedCache:
        folder = self.folder(embedder)
        hashes, vectors = [], []
        for h in sorted(folder.glob("*.hashes.npy")) if folder.exists() else ():
            v = h.with_name(h.name.replace(".hashes.npy", ".vectors.npy"))
            try:
                hh, vv = np.load(h), np.load(v, mmap_mode="r")
            except (OSError, ValueError):
                continue  # a shard being written or damaged: skip it, its vectors are recomputed
            if len(hh) == len(vv) and vv.ndim == 2 and vv.shape[1] == dim:
                hashes.append(hh)
                vectors.append(vv)
        if not hashes:
            return EmbedCache.empty(embedder, dim)
        return EmbedCache(embedder, np.concatenate(hashes), np.concatenate(vectors))

    def add(self, embedder: str, hashes: np.ndarray, vectors: np.ndarray) -> Path | None:
        """Append a shard (written under a temporary name, then renamed: readers never see half)."""
        if not len(hashes):
            return None
        folder = self.folder(embedder)
        folder.mkdir(parents=True, exist_ok=True)
        name = uuid.uuid4().hex[:12]
        for suffix, array in (("vectors", np.asarray(vectors, np.float32)), ("hashes", np.asarray(hashes, "S16"))):
            tmp = folder / f".{name}.{suffix}.tmp.npy"
            np.save(tmp, array)
            os.replace(tmp, folder / f"{name}.{suffix}.npy")  # hashes last: a shard counts once both exist
        return folder / f"{name}.hashes.npy"
