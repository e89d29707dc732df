"""Read a notice file into text: decode, or extract text from HTML, .docx and PDF.

The text returned here is the "original" that citations point into. For plain
text and markdown it is the decoded file itself; for HTML, .docx and PDF it is
the visible text extracted from the file (tags, scripts and navigation removed;
for PDF see :mod:`zhengce.index.pdf`), since character offsets into markup would
cite nothing a reader can see. Tables become readable lines (:mod:`zhengce.index.tables`);
a page's metadata table and ``<meta>`` tags become :attr:`SourceText.meta`, not text.
A task table's outline (sections, categories, rows) is :attr:`SourceText.outline`: the
offset where each of those lines starts in the text, so the chunker nests rows under
their category without reading structure back out of the words.
"""

from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from zhengce.index.tables import META_LABELS, Grid, TableLine, is_meta_table, page_meta, table_lines

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text", ""}
HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml"}
DOCX_SUFFIXES = {".docx"}
PDF_SUFFIXES = {".pdf"}
# Formats users have that we cannot read: a clear error, never a silent skip.
UNSUPPORTED_SUFFIXES = {".doc", ".wps", ".ofd"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | DOCX_SUFFIXES | PDF_SUFFIXES
# <meta name=…> tags of government sites -> document fields.
META_TAGS = {"articletitle": "title", "pubdate": "date_published", "contentsource": "source",
             "firstimage": None}

# A notice is never this large (the seeds are 12-20 KB); refuse rather than stall a whole ingest.
MAX_BYTES = int(float(os.environ.get("ZHENGCE_MAX_FILE_MB", "8")) * 1024 * 1024)

# Tags whose whole content is navigation or code, not notice text.
_DROP_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "iframe",
              "form", "button", "select", "template", "svg", "head")
_BLOCK_TAGS = ("p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
               "section", "article", "table", "ul", "ol", "dd", "dt", "blockquote",
               "pre")


class ReadError(Exception):
    """A file that cannot be read as a notice; the message names the file."""

    def __init__(self, path: str | Path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


@dataclass(frozen=True)
class SourceText:
    path: str
    text: str
    encoding: str
    fmt: str  # "text", "html", "docx" or "pdf"
    meta: dict = field(default_factory=dict)  # page metadata: DocMeta field -> value as written
    pages: tuple[int, ...] = ()  # offset where each page starts (PDF)
    outline: tuple[OutlineMark, ...] = ()  # table lines with a place in their table's outline


@dataclass(frozen=True)
class OutlineMark:
    """A rendered table line at ``start`` in the text: its table, depth and whether it is a group."""

    start: int
    table: int
    depth: int
    group: bool


def _cjk_share(text: str) -> float:
    if not text:
        return 0.0
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    letters = sum(1 for ch in text if ch.isalpha())
    return cjk / letters if letters else 0.0


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        # UTF-16 text has NULs too; only call it binary when no UTF-16 BOM.
        return not (head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE))
    control = sum(1 for b in head if b < 9 or 13 < b < 32)
    return control > len(head) * 0.05


def decode_bytes(data: bytes, path: str | Path = "<bytes>") -> tuple[str, str]:
    """Decode notice bytes; returns ``(text, encoding)`` or raises :class:`ReadError`.

    Order: BOMs, strict UTF-8, strict GB18030 (a superset of GBK and GB2312),
    then charset-normalizer for anything else. A decoding that yields text with
    no Chinese or many replacement characters is refused rather than guessed.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict"), "utf-8-sig"
    for bom, enc in ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise ReadError(path, f"broken UTF-16 text ({exc.reason})") from exc
    if _looks_binary(data):
        raise ReadError(path, "binary file, not a text notice")
    try:
        return data.decode("utf-8", errors="strict"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030", errors="strict")
        if _cjk_share(text) > 0.3:
            return text, "gb18030"
    except UnicodeDecodeError:
        pass
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - dependency of the project
        from_bytes = None
    if from_bytes is not None:
        best = from_bytes(data).best()
        if best is not None and best.encoding:
            text = str(best)
            if text.count("\ufffd") < max(3, len(text) // 1000):
                return text, best.encoding
    raise ReadError(path, "cannot decode: not UTF-8, GBK/GB18030 or another known encoding")


def html_grid(table) -> Grid:
    """Cell texts of an HTML table, merged cells (rowspan/colspan) repeated where they reach."""
    grid: dict[tuple[int, int], str] = {}
    for r, tr in enumerate(table.find_all("tr")):
        c = 0
        for cell in tr.find_all(["td", "th"], recursive=False):
            while (r, c) in grid:
                c += 1
            text = cell.get_text(" ", strip=True)
            rows = _span(cell.get("rowspan"))
            cols = _span(cell.get("colspan"))
            for dr in range(rows):
                for dc in range(cols):
                    grid.setdefault((r + dr, c + dc), text)
            c += cols
    if not grid:
        return []
    height = max(r for r, _ in grid) + 1
    width = max(c for _, c in grid) + 1
    return [[grid.get((r, c), "") for c in range(width)] for r in range(height)]


def _span(value) -> int:
    try:
        return max(1, min(int(str(value).strip()), 200))
    except (TypeError, ValueError):
        return 1


def _meta_fields(labelled: dict[str, str]) -> dict[str, str]:
    out = {}
    for label, value in labelled.items():
        key = META_LABELS.get(label)
        if key and value:
            out.setdefault(key, value)
    return out


def read_html(html: str) -> tuple[str, dict[str, str], tuple[OutlineMark, ...]]:
    """Visible text of an HTML page, its metadata (metadata table and ``<meta>`` tags), table outline."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    meta: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        key = META_TAGS.get(str(tag.get("name", "")).lower())
        content = str(tag.get("content") or "").strip()
        if key and content:
            meta.setdefault(key, content)
    if soup.title is not None and soup.title.get_text(strip=True):
        meta["title_tag"] = soup.title.get_text(" ", strip=True)  # a fallback (index/titles.py)
    marked: list[tuple[int, TableLine]] = []
    for number, table in enumerate(t for t in soup.find_all("table") if not t.find("table")):
        grid = html_grid(table)
        if grid and is_meta_table(grid):
            for key, value in _meta_fields(page_meta(grid)).items():
                meta.setdefault(key, value)
            table.decompose()
        elif grid and max(len(r) for r in grid) >= 2 and sum(1 for r in grid if any(r)) >= 2:
            holder = soup.new_tag("div")
            for line in table_lines(grid):
                p = soup.new_tag("p")
                p.string = line.text
                holder.append(p)
                marked.append((number, line))
            table.replace_with(holder)
    text = _visible_text(soup)
    return text, meta, _locate(text, marked)


def _locate(text: str, marked: list[tuple[int, TableLine]]) -> tuple[OutlineMark, ...]:
    """Where each outlined table line starts in the text: whole lines, found in order."""
    out, pos = [], 0
    padded = "\n" + text
    for table, line in marked:
        if line.depth < 0 or not line.text:
            continue
        at = padded.find("\n" + line.text + "\n", pos)
        if at < 0:
            continue  # dropped with the page furniture around it: no mark
        pos = at + 1 + len(line.text)
        out.append(OutlineMark(at, table, line.depth, line.group))
    return tuple(out)


def html_to_text(html: str) -> str:
    """Visible text of an HTML page, one block element a line."""
    return read_html(html)[0]


def _visible_text(soup) -> str:
    from bs4 import Comment

    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for tag in soup.find_all(class_=re.compile(r"(^|[-_ ])(nav|menu|breadcrumb|footer|share)", re.I)):
        tag.decompose()
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    body = soup.body or soup
    text = body.get_text()
    lines = [re.sub(r"[ \t\u00a0\u3000]+", " ", ln).strip() for ln in text.splitlines()]
    out: list[str] = []
    for ln in lines:
        if ln or (out and out[-1]):
            out.append(ln)
    return "\n".join(out).strip() + "\n"


def docx_to_text(path: Path) -> str:
    """Paragraphs and tables of a .docx in document order; tables as readable lines."""
    return read_docx(path)[0]


def read_docx(path: Path) -> tuple[str, tuple[OutlineMark, ...]]:
    """The text of a .docx and its tables' outline (vertically merged cells repeat on each row)."""
    try:
        import docx  # python-docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError as exc:  # pragma: no cover - dependency of the project
        raise ReadError(path, "reading .docx needs python-docx (pip install python-docx)") from exc
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several unrelated types
        raise ReadError(path, f"not a readable .docx file ({type(exc).__name__})") from exc
    from zhengce.index.docx_numbering import Numbering

    numbering = Numbering(document)  # list numbers Word draws but the text does not hold
    lines: list[str] = []
    marks: list[OutlineMark] = []
    pos, tables = 0, 0
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text, label = Paragraph(child, document).text, numbering.label(child)  # an empty item counts too
            lines.append(label + text if text.strip() else text)
            pos += len(lines[-1]) + 1
        elif tag == "tbl":
            grid = [[numbering.cell_text(cell) for cell in row.cells] for row in Table(child, document).rows]
            for line in table_lines(grid):
                if line.depth >= 0:
                    marks.append(OutlineMark(pos, tables, line.depth, line.group))
                lines.append(line.text)
                pos += len(line.text) + 1
            tables += 1
    return "\n".join(lines) + "\n", tuple(marks)


def _looks_like_html(text: str) -> bool:
    head = text[:2048].lower()
    return "<html" in head or "<!doctype html" in head or ("<body" in head and "</" in head)


def read_file(path: str | Path) -> SourceText:
    """Read one notice file; raises :class:`ReadError` with a clear reason."""
    p = Path(path)
    if not p.exists():
        raise ReadError(p, "no such file")
    if p.is_dir():
        raise ReadError(p, "is a directory, not a file")
    suffix = p.suffix.lower()
    if suffix in UNSUPPORTED_SUFFIXES:
        raise ReadError(p, f"unsupported format {suffix}: save it as .docx or PDF")
    if suffix not in SUPPORTED_SUFFIXES:
        raise ReadError(p, f"unsupported file type {suffix!r} (supported: .txt .md .html .docx .pdf)")
    size = p.stat().st_size
    if size == 0:
        raise ReadError(p, "empty file")
    if size > MAX_BYTES:
        raise ReadError(p, f"file too large ({size / 2**20:.0f} MiB; the limit is {MAX_BYTES / 2**20:.0f} MiB, "
                           "set ZHENGCE_MAX_FILE_MB to raise it)")
    from zhengce.index.limits import check_unpacked_size  # a cycle at module level

    check_unpacked_size(p, suffix)  # a .docx or .pdf that unpacks past the limit is refused here
    meta: dict[str, str] = {}
    pages: tuple[int, ...] = ()
    outline: tuple[OutlineMark, ...] = ()
    if suffix in PDF_SUFFIXES:
        from zhengce.index.pdf import read_pdf

        text, meta, pages = read_pdf(p)
        encoding, fmt = "pdf", "pdf"
    elif suffix in DOCX_SUFFIXES:
        (text, outline), encoding, fmt = read_docx(p), "docx", "docx"
    else:
        data = p.read_bytes()
        text, encoding = decode_bytes(data, p)
        fmt = "text"
        if suffix in HTML_SUFFIXES or _looks_like_html(text):
            text, meta, outline = read_html(text)
            fmt = "html"
    if not text.strip():
        raise ReadError(p, "holds no text")
    if _cjk_share(text) < 0.05:
        raise ReadError(p, "holds no Chinese text; not a policy notice")
    return SourceText(path=str(p), text=text, encoding=encoding, fmt=fmt, meta=meta, pages=pages,
                      outline=outline)
