"""Columns: the arrays an index is made of, in memory while building, memory-mapped once saved.

Every column is one ``.npy`` file (``np.load(mmap_mode="r")`` maps it without
reading it). Text columns are two arrays: the UTF-8 bytes of every value one
after the other (``<name>.bytes.npy``, uint8) and the ``n + 1`` offsets into
them (``<name>.off.npy``, int64); value ``i`` is ``bytes[off[i]:off[i + 1]]``.
``None`` is stored as a one-byte marker (``NULL``), an empty string as no
bytes, so a text column round-trips ``str | None`` exactly.

Ragged integer lists (clause → units, unit → rows) are CSR pairs the same way:
``<name>.off.npy`` and the values. :class:`Table` is a directory's worth of
named columns with a size check that detects truncated or mixed files.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

NULL = b"\x00"


class ColumnError(ValueError):
    """A column file that is missing, truncated, or does not match the others."""


def offsets_of(lengths: Sequence[int]) -> np.ndarray:
    """CSR offsets of items of these lengths: ``[0, l0, l0 + l1, …]`` (int64)."""
    offsets = np.zeros(len(lengths) + 1, np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return offsets


def check_offsets(offsets: np.ndarray, size: int, what: str) -> None:
    """Offsets must end where the data does (a truncated or mismatched column fails here)."""
    if len(offsets) == 0 or int(offsets[-1]) != size:
        raise ColumnError(f"{what} offsets end at {int(offsets[-1]) if len(offsets) else '-'}, "
                          f"its data holds {size}")


class TextColumn:
    """``str | None`` values stored as one UTF-8 byte array plus offsets."""

    def __init__(self, data: np.ndarray, offsets: np.ndarray):
        check_offsets(offsets, len(data), "text column")
        self.data, self.offsets = data, offsets

    @classmethod
    def from_values(cls, values: Iterable[str | None]) -> TextColumn:
        parts = [NULL if v is None else v.encode("utf-8") for v in values]
        offsets = offsets_of([len(p) for p in parts])
        data = np.frombuffer(b"".join(parts), np.uint8) if parts else np.zeros(0, np.uint8)
        return cls(data, offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def raw(self, i: int) -> bytes:
        return self.data[int(self.offsets[i]):int(self.offsets[i + 1])].tobytes()

    def __getitem__(self, i: int) -> str | None:
        b = self.raw(i)
        return None if b == NULL else b.decode("utf-8")

    def many(self, idx: Sequence[int]) -> list[str | None]:
        """Many values at once: offsets gathered by numpy, bytes sliced from one memoryview."""
        idx = np.asarray(idx, np.int64)
        if not len(idx):
            return []
        starts, ends = self.offsets[idx].tolist(), self.offsets[idx + 1].tolist()
        view = memoryview(self.data) if len(self.data) else memoryview(b"")
        null = NULL.decode()
        values = (str(view[a:b], "utf-8") for a, b in zip(starts, ends, strict=True))
        return [None if v == null else v for v in values]

    def values(self) -> list[str | None]:
        """Every value, in order."""
        return self.many(np.arange(len(self)))

    def arrays(self, name: str) -> dict[str, np.ndarray]:
        return {f"{name}.bytes": self.data, f"{name}.off": self.offsets}


class Ragged:
    """Lists of integers (CSR): ``values[offsets[i]:offsets[i + 1]]`` is list ``i``."""

    def __init__(self, offsets: np.ndarray, values: np.ndarray):
        check_offsets(offsets, len(values), "ragged column")
        self.offsets, self.values = offsets, values

    @classmethod
    def from_lists(cls, lists: Sequence[Sequence[int]], dtype=np.int32) -> Ragged:
        offsets = offsets_of([len(x) for x in lists])
        values = np.fromiter((v for x in lists for v in x), dtype, int(offsets[-1]))
        return cls(offsets, values)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i: int) -> np.ndarray:
        return self.values[int(self.offsets[i]):int(self.offsets[i + 1])]

    def arrays(self, name: str) -> dict[str, np.ndarray]:
        return {f"{name}.off": self.offsets, name: self.values}


class Table:
    """Named arrays: built in memory, saved as ``.npy`` files, loaded memory-mapped."""

    def __init__(self, arrays: dict[str, np.ndarray]):
        self.arrays = arrays

    def __getitem__(self, name: str) -> np.ndarray:
        try:
            return self.arrays[name]
        except KeyError:
            raise ColumnError(f"column {name!r} is missing") from None

    def text(self, name: str) -> TextColumn:
        return TextColumn(self[f"{name}.bytes"], self[f"{name}.off"])

    def ragged(self, name: str) -> Ragged:
        return Ragged(self[f"{name}.off"], self[name])

    def save(self, directory: Path) -> dict[str, int]:
        """Write every column; returns the file sizes (the manifest keeps them to detect damage)."""
        directory.mkdir(parents=True, exist_ok=True)
        sizes = {}
        for name, array in sorted(self.arrays.items()):
            path = directory / f"{name}.npy"
            np.save(path, np.ascontiguousarray(array))
            sizes[f"{directory.name}/{path.name}"] = path.stat().st_size
        return sizes

    @classmethod
    def load(cls, directory: Path, sizes: dict[str, int], mmap: bool = True) -> Table:
        """Map the columns listed in ``sizes``; a missing file or another size is an error."""
        arrays = {}
        for key, size in sizes.items():
            folder, _, file = key.partition("/")
            if folder != directory.name:
                continue
            path = directory / file
            if not path.exists():
                raise ColumnError(f"{key} is missing")
            if path.stat().st_size != size:
                raise ColumnError(f"{key} has {path.stat().st_size} bytes, the manifest says {size}")
            array = np.load(path, mmap_mode="r" if mmap else None)
            arrays[file[:-len(".npy")]] = advise_random(array) if mmap else array
        return cls(arrays)


def advise_random(array: np.ndarray) -> np.ndarray:
    """Tell the kernel a mapped array is read at random places: no read-around of neighbouring
    pages on a fault (a query reads ~100 scattered vectors or texts; read-around would page in
    megabytes for each and count them in the resident memory)."""
    import mmap

    m = getattr(array, "_mmap", None)
    if m is not None and hasattr(mmap, "MADV_RANDOM"):
        m.madvise(mmap.MADV_RANDOM)
    return array


def id_hashes(ids: Iterable[str]) -> np.ndarray:
    """64-bit hashes of ids, for lookup by binary search (``np.searchsorted``), no dict."""
    return np.fromiter((int.from_bytes(hashlib.blake2b(i.encode("utf-8"), digest_size=8).digest(), "little")
                        for i in ids), np.uint64)


def hash_one(value: str) -> np.uint64:
    return np.uint64(int.from_bytes(hashlib.blake2b(value.encode("utf-8"), digest_size=8).digest(), "little"))


def lookup(sorted_hashes: np.ndarray, order: np.ndarray, value: str) -> np.ndarray:
    """Positions whose id hashes equal ``value``'s (usually one; the caller checks the id itself)."""
    h = hash_one(value)
    lo = int(np.searchsorted(sorted_hashes, h, "left"))
    hi = int(np.searchsorted(sorted_hashes, h, "right"))
    return order[lo:hi]
