"""Rendering the duty matrix (责任分工表) for people: CSV and XLSX files, and their download names.

The rows are built in :mod:`zhengce.search.duties`; this module only lays
them out. CSV is UTF-8 with a byte-order mark, so that spreadsheet programs
read the Chinese correctly. XLSX (openpyxl) has a frozen, bold header row,
wrapped text, column widths suited to each column, and the link column as
clickable hyperlinks.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from urllib.parse import quote

from zhengce.search.duties import COLUMNS, DutyRow

FORMATS = ("json", "csv", "xlsx")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Column widths in characters (a CJK character is about two): number, task, lead, support,
# deadline, notice title, 文号, clause path, link.
WIDTHS = {"number": 8, "task": 40, "lead": 22, "support": 30, "deadline": 16, "doc_title": 36,
          "doc_number": 20, "path": 36, "link": 48}
SHEET_TITLE = "责任分工表"


def headers() -> list[str]:
    return [title for _, title in COLUMNS]


def to_csv(rows: Sequence[DutyRow]) -> bytes:
    """The table as CSV bytes: UTF-8 with a BOM, CRLF line ends (what spreadsheet programs expect)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(headers())
    for row in rows:
        writer.writerow(row.cells())
    return buf.getvalue().encode("utf-8-sig")


def to_xlsx(rows: Sequence[DutyRow], title: str = SHEET_TITLE) -> bytes:
    """The table as an XLSX workbook (bytes): one sheet, frozen header, wrapped text, set widths."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = _sheet_title(title)
    ws.append(headers())
    wrap = Alignment(wrap_text=True, vertical="top")
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE6F0")
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    keys = [key for key, _ in COLUMNS]
    link_col = keys.index("link") + 1
    for row in rows:
        ws.append(row.cells())
        r = ws.max_row
        for cell in ws[r]:
            cell.alignment = wrap
        if row.link.startswith(("http://", "https://")):
            cell = ws.cell(row=r, column=link_col)
            cell.hyperlink = row.link
            cell.font = Font(color="1F4E9A", underline="single")
    for i, key in enumerate(keys, 1):
        ws.column_dimensions[get_column_letter(i)].width = WIDTHS[key]
    ws.freeze_panes = "A2"
    if rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(keys))}{len(rows) + 1}"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _sheet_title(title: str) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of []:*?/\\ ."""
    return (re.sub(r"[\[\]:*?/\\]", "", title)[:31]) or SHEET_TITLE


def download_name(fmt: str, docs: Sequence[str] = (), unit: str | None = None) -> str:
    """A file name saying what the table covers, e.g. 责任分工表-市科技局.xlsx."""
    parts = [SHEET_TITLE]
    if unit:
        parts.append(unit)
    if len(docs) == 1:
        parts.append(docs[0])
    elif docs:
        parts.append(f"{len(docs)}份文件")
    name = re.sub(r'[\\/:*?"<>|\s]+', "_", "-".join(parts))[:80]
    return f"{name}.{fmt}"


def content_disposition(filename: str) -> str:
    """An attachment header with an ASCII fallback and the UTF-8 name (RFC 6266 / 5987)."""
    stem, _, ext = filename.rpartition(".")
    ascii_stem = re.sub(r"[^A-Za-z0-9_-]+", "_", stem).strip("_-")
    fallback = f"duties-{ascii_stem}.{ext}" if ascii_stem else f"duties.{ext}"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
