"""Bounded work per input file: refuse packed files that unpack to far more than they weigh.

The 8 MiB file limit (``reading.MAX_BYTES``) checks bytes on disk. A ``.docx`` is a zip and a
``.pdf`` holds deflated streams, so a 214 KB file can unpack to 53 MB of XML and stall an
ingest for minutes (issue 16, row 1). Before any parser sees such a file, it is decompressed
once as a stream, counting the bytes, and refused with a clear message as soon as the count
passes ``MAX_UNPACKED_BYTES`` (``ZHENGCE_MAX_UNPACKED_MB``, default 32). The work done is
bounded by the limit, whatever the file claims about itself (zip headers can lie).
"""

from __future__ import annotations

import os
import re
import zipfile
import zlib
from pathlib import Path

from zhengce.index.reading import ReadError

MAX_UNPACKED_BYTES = int(float(os.environ.get("ZHENGCE_MAX_UNPACKED_MB", "32")) * 1024 * 1024)
MAX_MEMBERS = 10_000  # a .docx has a few dozen parts
CHUNK = 1 << 16

_PDF_STREAM = re.compile(rb"stream\r?\n")


def _too_large(path: Path, what: str, limit: int) -> ReadError:
    return ReadError(path, f"{what} unpacks to more than {limit / 2**20:.0f} MiB (the limit; set "
                           "ZHENGCE_MAX_UNPACKED_MB to raise it): refused before parsing")


def check_zip(path: Path, limit: int | None = None) -> int:
    """Stream every member of a zip (a .docx), counting; returns the unpacked size."""
    limit = MAX_UNPACKED_BYTES if limit is None else limit
    total = 0
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                raise ReadError(path, f"holds {len(members)} parts (more than {MAX_MEMBERS}): not a notice")
            for info in members:
                with archive.open(info) as stream:
                    while block := stream.read(CHUNK):
                        total += len(block)
                        if total > limit:
                            raise _too_large(path, "the .docx", limit)
    except ReadError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError,
            zlib.error, ValueError) as exc:
        raise ReadError(path, f"not a readable .docx file ({type(exc).__name__})") from exc
    return total


def _inflated_size(data: bytes, start: int, budget: int) -> tuple[int, int]:
    """Inflate a deflated stream at ``start`` without holding more than CHUNK bytes of output.

    Returns (bytes produced, where the stream's compressed data ended). A stream that is
    not deflate data counts as its raw bytes up to ``endstream``.
    """
    end = data.find(b"endstream", start)
    end = len(data) if end < 0 else end
    inflater = zlib.decompressobj()
    produced = 0
    pending = data[start:end]
    try:
        while pending and produced <= budget:
            out = inflater.decompress(pending, CHUNK)
            produced += len(out)
            pending = inflater.unconsumed_tail
            if not out and not pending:
                break
            if inflater.eof:
                break
    except zlib.error:
        return end - start, end
    return produced, end


def check_pdf(path: Path, limit: int | None = None) -> int:
    """Inflate every stream of a PDF, counting; returns the unpacked size."""
    limit = MAX_UNPACKED_BYTES if limit is None else limit
    try:
        data = path.read_bytes()  # already within the on-disk limit
    except OSError as exc:
        raise ReadError(path, f"cannot read ({type(exc).__name__})") from exc
    total, pos = 0, 0
    while m := _PDF_STREAM.search(data, pos):
        produced, pos = _inflated_size(data, m.end(), limit - total)
        total += produced
        if total > limit:
            raise _too_large(path, "the .pdf", limit)
        pos = max(pos, m.end())
    return total


def check_unpacked_size(path: str | Path, suffix: str | None = None) -> None:
    """Refuse a packed file (.docx, .pdf) that unpacks past the limit; other files pass."""
    p = Path(path)
    suffix = (suffix or p.suffix).lower()
    if suffix == ".docx":
        check_zip(p)
    elif suffix == ".pdf":
        check_pdf(p)
