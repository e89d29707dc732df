"""From files to documents: read, clean, extract metadata, chunk; folders too.

``load_document`` parses one file and raises :class:`ReadError` with the file
named when it cannot. ``ingest`` walks files and folders, parses what it can
and reports what it cannot, so one bad file never stops a folder.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from zhengce.index import metadata
from zhengce.index.aliases import Aliases
from zhengce.index.chunking import build_clauses
from zhengce.index.cleaning import find_lines
from zhengce.index.model import DocMeta, Document, Span
from zhengce.index.reading import ReadError, read_file
from zhengce.index.text_tables import read_tab_tables
from zhengce.index.walk import Skipped, collect


class NoClausesError(ReadError):
    """A file that was read but holds nothing that forms a clause."""


def parse_text(original: str, doc_id: str, file: str = "", encoding: str = "utf-8", *,
               page_meta: dict | None = None, pages: tuple[int, ...] = (),
               aliases: Aliases | None = None, outline: tuple = ()) -> Document:
    """Parse the text of one notice into a :class:`Document`.

    ``page_meta`` holds the page's metadata (its metadata table, ``<meta>`` tags) as
    read by :mod:`zhengce.index.reading`; ``pages`` the offset where each page starts;
    ``outline`` the task tables' outline marks (:class:`~zhengce.index.reading.OutlineMark`).
    """
    lines, inline_junk = find_lines(original)
    lines = read_tab_tables(original, lines)  # rows typed as tab-separated cells read as a table's
    starts = {m.start for m in outline}
    # A task table's lines are content, never a title or a header: the header scan passes them by.
    scan = [replace(line, junk="table") if line.start in starts else line for line in lines]
    info = metadata.read_header(scan, metadata.page_fields(page_meta or {}), original)
    skipped: list[Span] = [Span(s, e, "markup") for s, e in inline_junk]
    content = []
    prev_skipped = False
    for i, line in enumerate(lines):
        reason = (
            line.junk
            or ("header" if i in info.header_lines else None)
            or ("title" if i in info.title_lines else None)
            or ("signature" if i in info.meta_lines else None)
        )
        if reason:
            skipped.append(Span(line.start, line.end, reason))
        else:
            content.append(replace(line, after_skipped=prev_skipped) if prev_skipped else line)
        prev_skipped = bool(reason)
    fields = metadata.finish(dict(info.fields), "\n".join(line.norm for line in content), file)
    meta = DocMeta(
        doc_id=doc_id,
        file=file,
        title=fields.get("title"),
        issuer=fields.get("issuer"),
        doc_number=fields.get("doc_number"),
        date_written=fields.get("date_written"),
        date_published=fields.get("date_published"),
        kind=fields.get("kind"),
        index_number=fields.get("index_number"),
        keywords=tuple(fields.get("keywords") or ()),
        encoding=encoding,
        issuers=tuple(fields.get("issuers") or ()),
        date_inferred=bool(fields.get("date_inferred")),
        level=fields.get("level"),
        jurisdiction=fields.get("jurisdiction"),
        title_source=fields.get("title_source"),
        addressees=tuple(fields.get("addressees") or ()),
    )
    clauses = build_clauses(original, content, meta, aliases, pages, outline)
    warnings = _numbering_warnings(clauses)
    return Document(meta, original, tuple(clauses), tuple(sorted(skipped, key=lambda s: s.start)),
                    tuple(warnings), tuple(pages))


def _numbering_warnings(clauses) -> list[str]:
    """Numbering that repeats or jumps is kept, but reported."""
    out = []
    last: dict[tuple, int] = {}
    for c in clauses:
        seg = c.id.rsplit("#", 1)[-1].rsplit(".", 1)[-1]
        if "~" in seg:
            out.append(f"numbering repeats at {c.number}{c.title[:12]} (kept as {c.id})")
            continue
        if not seg.isdigit():
            continue
        # Siblings of one marker style: same parent, same shape of number ("1." vs "(1)").
        key = (c.parent_id, c.number.replace(seg, "#", 1) if c.number else "")
        n = int(seg)
        if key in last and n != last[key] + 1:
            out.append(f"numbering jumps from {last[key]} to {n} at {c.number}{c.title[:12]}")
        last[key] = n
    return out


def load_document(path: str | Path, aliases: Aliases | None = None, doc_id: str | None = None) -> Document:
    """Read and parse one notice file; the document id is the file stem unless given."""
    p = Path(path)
    source = read_file(p)
    doc = parse_text(source.text, doc_id or p.stem, str(p), source.encoding, page_meta=source.meta,
                     pages=source.pages, aliases=aliases, outline=source.outline)
    if not doc.clauses:
        raise NoClausesError(p, "no clauses found (no numbered items or paragraphs of text)")
    return doc


@dataclass
class IngestReport:
    documents: list[Document] = field(default_factory=list)
    errors: list[ReadError] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)  # folder entries not read, with the reason


def expand_paths(paths: Iterable[str | Path], follow_symlinks: bool = False) -> Iterator[Path]:
    """Files named, and the supported files inside folders named (sorted, recursive; index/walk.py)."""
    yield from collect(paths, follow_symlinks)[0]


def ingest(paths: Iterable[str | Path], progress=None, aliases: Aliases | None = None,
           follow_symlinks: bool = False) -> IngestReport:
    """Parse every file; a file that fails is reported and the rest go on (folder skips too)."""
    report = IngestReport()
    seen: set[str] = set()
    files, report.skipped = collect(paths, follow_symlinks)
    # The same notice saved as .htm and .pdf: both are kept, their ids carry the format.
    stems: dict[tuple[str, str], int] = {}
    for p in files:
        stems[(str(p.parent), p.stem)] = stems.get((str(p.parent), p.stem), 0) + 1
    iterator = progress(files) if progress else files
    for p in iterator:
        shared = stems[(str(p.parent), p.stem)] > 1 and p.suffix
        try:
            doc = load_document(p, aliases, f"{p.stem}{p.suffix.lower()}" if shared else None)
        except ReadError as exc:
            report.errors.append(exc)
            continue
        except Exception as exc:  # noqa: BLE001 - a parser's or a rule's failure on one file
            # (python-docx, pypdfium2 and BeautifulSoup raise many kinds on malformed files) is
            # reported with its kind, and the other files are still indexed.
            report.errors.append(ReadError(p, f"{type(exc).__name__}: {exc}"))
            continue
        if doc.doc_id in seen:
            report.errors.append(ReadError(p, f"duplicate document id {doc.doc_id!r}; skipped"))
            continue
        seen.add(doc.doc_id)
        report.documents.append(doc)
    return report
