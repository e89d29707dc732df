"""PDF notices with a text layer: text in reading order, pages mapped, furniture removed.

Library: **pypdfium2** (PDFium, the engine of Chrome's PDF viewer, maintained by
Google and the pypdfium2 team, wheels for every platform with no system
dependency). It gives the text of a page in content order together with the box
of every character, which is all this reader needs: line positions decide where
a paragraph starts (an indented line) and where a line was only wrapped (a full
line followed by a line at the left margin). pdfplumber would also work but is
pure-Python layout analysis on top of pdfminer, several times slower on two cores.

Steps, each a small function:

1. :func:`page_lines` reads each page's lines with their left edge, right edge and height
   (from the characters' cells, not their ink: a quote's ink sits off its cell);
2. :func:`drop_furniture` removes browser headers and footers (date and time with the
   page title, the URL, "1/5"), page numbers ("— 3 —", "第3页 共5页") and lines that
   repeat on most pages, plus an embedded error page left by the browser;
3. :func:`take_page_meta` reads a government page's metadata table at the top of the
   first page into document fields (it is not text);
4. :func:`join_lines` joins hard-wrapped lines into paragraphs (the geometry, overridden by
   a line's form: see :func:`_goes_on`) and records where each page's first line lands in
   the text, so a clause's page is known from its offset.

A PDF with no text layer raises "no text layer (scanned PDF): OCR it first".
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from zhengce.index.cleaning import ends_sentence, normalize
from zhengce.index.markers import continues, is_heading, opens_part, opens_quote
from zhengce.index.tables import META_LABELS

_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d{1,4}\s*页(?:\s*[,，]?\s*共\s*\d{1,4}\s*页)?|"
    r"共\s*\d{1,4}\s*页\s*第\s*\d{1,4}\s*页|\d{1,4}\s*/\s*\d{1,4}|page\s*\d+(?:\s*of\s*\d+)?)$", re.I)
_BROWSER_HEADER = re.compile(
    r"^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4},?\s*(?:上午|下午)?\s*\d{1,2}:\d{2}(?:\s*[AP]M)?\b", re.I)
_URL_LINE = re.compile(r"^(?:https?://|file:/|www\.)\S*(?:\s+\d{1,4}\s*/\s*\d{1,4})?$", re.I)
_ERROR_PAGE = re.compile(r"^(?:Error response|Error code:.*|Error code explanation:.*|Message: .*|"
                         r"Nothing matches the given URI\.?)$")
_META_SPLIT = re.compile("(" + "|".join(sorted(META_LABELS, key=len, reverse=True)) + ")[:：]")


class ScannedPDFError(ValueError):
    """A PDF whose pages hold no text, only images."""


@dataclass(frozen=True)
class PdfLine:
    page: int      # 0-based
    text: str
    left: float
    right: float
    top: float
    height: float


def page_lines(path: Path) -> list[list[PdfLine]]:
    """Each page's text lines, in content order, with their geometry."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    pages: list[list[PdfLine]] = []
    try:
        for n in range(len(doc)):
            textpage = doc[n].get_textpage()
            text = textpage.get_text_range()
            lines: list[PdfLine] = []
            pos = 0
            for raw in text.split("\n"):
                start, pos = pos, pos + len(raw) + 1
                stripped = raw.strip()
                if not stripped:
                    continue
                first = start + (len(raw) - len(raw.lstrip()))
                last = start + len(raw.rstrip()) - 1
                lines.append(_line(textpage, n, stripped, first, last))
            pages.append(lines)
    finally:
        doc.close()
    return pages


def _line(textpage, page: int, text: str, first: int, last: int) -> PdfLine:
    """A line's geometry from its characters' boxes.

    Edges and height come from the loose boxes (the font's em box): a glyph's own ink box
    sits off the character's cell for an opening quote or bracket ("“一卡通”" seemed indented
    by half a character) and is a hairline for "一" (the line seemed 2 points high). The
    height is the median character's, so a few digits or Latin letters do not change it.
    """
    left, _, _, _ = textpage.get_charbox(first, loose=True)
    _, _, right, _ = textpage.get_charbox(last, loose=True)
    _, _, _, top = textpage.get_charbox(first)
    heights = sorted(up - bottom for _, bottom, _, up in
                     (textpage.get_charbox(i, loose=True) for i in range(first, last + 1)))
    return PdfLine(page, text, left, right, top, heights[len(heights) // 2])


def _mask(text: str) -> str:
    return re.sub(r"\d+", "#", text)


def drop_furniture(pages: list[list[PdfLine]]) -> list[list[PdfLine]]:
    """Remove page headers and footers, page numbers and browser leftovers."""
    def key(line: PdfLine) -> tuple[str, int]:
        return _mask(line.text), round(line.top / 10)

    edge: Counter = Counter()
    for lines in pages:
        for line in {*lines[:2], *lines[-2:]}:
            edge[key(line)] += 1
    repeated = {k for k, n in edge.items() if len(pages) >= 3 and n >= max(2, len(pages) // 2 + 1)}

    def furniture(line: PdfLine) -> bool:
        t = line.text
        return bool(_PAGE_NUMBER.match(t) or _BROWSER_HEADER.match(t) or _URL_LINE.match(t)
                    or _ERROR_PAGE.match(t) or key(line) in repeated)

    return [[line for line in lines if not furniture(line)] for lines in pages]


def take_page_meta(pages: list[list[PdfLine]]) -> tuple[dict[str, str], list[list[PdfLine]]]:
    """A metadata table at the top of the first page: its fields, and the pages without it."""
    if not pages or not pages[0]:
        return {}, pages
    first = pages[0]
    flat, last_label = "", -1
    label_end = re.compile("(?:" + _META_SPLIT.pattern + ")$")
    for i, line in enumerate(first[:40]):
        flat += re.sub(r"\s+", "", line.text)
        if label_end.search(flat):
            last_label = i
    if last_label < 0 or not re.match(r"^索|^发文|^标", re.sub(r"\s+", "", first[0].text)):
        return {}, pages
    # The block ends with the last label's row: values sit level with their labels.
    y = first[last_label].top
    end = last_label + 1
    while end < len(first) and first[end].top >= y - first[last_label].height * 0.8 \
            and not _META_SPLIT.search(first[end].text):
        end += 1
    block = "".join(re.sub(r"\s+", "", line.text) for line in first[:end])
    parts = _META_SPLIT.split(block)
    meta: dict[str, str] = {}
    for label, value in zip(parts[1::2], parts[2::2], strict=False):
        key = META_LABELS.get(label)
        if key and value:
            meta.setdefault(key, value)
    return meta, [first[end:], *pages[1:]]


def _ascii_edge(a: str, b: str) -> bool:
    return bool(a) and bool(b) and a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalnum()


def join_lines(pages: list[list[PdfLine]]) -> tuple[str, tuple[int, ...]]:
    """Paragraph text (one paragraph a line) and the offset where each page starts."""
    body = [line for lines in pages for line in lines]
    if not body:
        return "", ()
    # The left margin: the leftmost edge many lines share (wrapped lines start there; paragraph
    # starts are indented, and a notice with many short paragraphs has more of those).
    lefts = Counter(round(line.left) for line in body)
    margin = min(x for x, n in lefts.items() if n >= max(2, len(body) // 10) or n == max(lefts.values()))
    # The text block's right edge: most lines of running text reach it (a stray wide line does not count).
    rights = sorted(line.right for line in body)
    right = rights[min(len(rights) - 1, int(len(rights) * 0.8))]
    out: list[str] = []
    size = 0  # len("\n".join(out))
    starts: list[int | None] = []  # where each page's first line landed in the text
    prev: PdfLine | None = None
    for lines in pages:
        starts.append(None)
        for line in lines:
            if prev is not None and _goes_on(out[-1], prev, line, margin, right):
                sep = " " if _ascii_edge(out[-1], line.text) else ""
                at = size + len(sep)
                out[-1] += sep + line.text
            else:
                at = size + 1 if out else 0
                out.append(line.text)
            size = at + len(line.text)
            starts[-1] = at if starts[-1] is None else starts[-1]
            prev = line
    return "\n".join(out) + "\n", _page_offsets(starts, size + 1)


def _goes_on(para: str, prev: PdfLine, line: PdfLine, margin: float, right: float) -> bool:
    """Whether ``line`` goes on the paragraph ``para``, whose last line is ``prev``.

    The geometry decides first: a line at the left margin after a line of the same font size that
    reached the right edge was only wrapped; an indented line, or one after a short line, starts
    a paragraph.
    The line's form overrides it (:mod:`zhengce.index.markers`): closing punctuation never
    starts a paragraph; a numbered or annex heading after a finished sentence always does;
    an opening quote at the margin ("“一卡通”，实现…") goes on a sentence left unfinished by a
    line of running text (not a heading, not a centred title or a 落款), however short that line.
    A centred line goes on a line that filled the text block (a long centred heading's wrap).
    """
    norm, last = normalize(line.text), normalize(para)
    if continues(norm):
        return True
    if opens_part(norm) and ends_sentence(last):
        return False
    char = max(line.height, 4.0)
    if abs(line.height - prev.height) > 0.15 * max(line.height, prev.height):
        return False  # a wrap keeps the font size: a title's last line is no addressee's first
    at_margin = abs(line.left - margin) < char * 0.6
    if at_margin and prev.right >= right - char * 1.6:
        return True
    if (prev.right >= right - char * 1.6 and prev.left - margin < char and not ends_sentence(last)
            and abs((line.left + line.right) - (margin + right)) < char * 2):
        return True  # a centred heading that filled its first line ("…人民政府办公" / "厅文件")
    return (at_margin and opens_quote(norm) and not ends_sentence(last) and not is_heading(last)
            and prev.left - margin < char * 3)


def _page_offsets(starts: list[int | None], end: int) -> tuple[int, ...]:
    """Each page's start: where its first line landed (a line, not a match of its text
    elsewhere: a page opening with the title's second line is not the title); a page left
    empty (only furniture) starts where the next page does."""
    offsets = list(starts)
    nxt = end
    for i in range(len(offsets) - 1, -1, -1):
        nxt = offsets[i] = nxt if offsets[i] is None else offsets[i]
    offsets[0] = 0
    return tuple(offsets)


def read_pdf(path: Path) -> tuple[str, dict[str, str], tuple[int, ...]]:
    """Text, page metadata and page offsets of a PDF; raises ReadError on a scanned or broken one."""
    from zhengce.index.reading import ReadError

    try:
        pages = page_lines(path)
    except ImportError as exc:  # pragma: no cover - dependency of the project
        raise ReadError(path, "reading PDF needs pypdfium2 (pip install pypdfium2)") from exc
    except Exception as exc:  # PdfiumError and friends
        raise ReadError(path, f"not a readable PDF ({type(exc).__name__}: {exc})") from exc
    chars = sum(len(line.text) for lines in pages for line in lines)
    if not pages or chars < 20 * len(pages):
        raise ReadError(path, "no text layer (scanned PDF): OCR it first")
    meta, pages = take_page_meta(drop_furniture(pages))
    text, offsets = join_lines(pages)
    return text, meta, offsets
