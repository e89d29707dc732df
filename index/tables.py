"""Tables as readable lines, the same for HTML and DOCX.

A reader (:mod:`zhengce.index.reading`) turns a table into a grid: one list of
cell texts per row, merged cells repeated in every row and column they cover.
:func:`render_table` turns the grid into lines of text that the chunker reads
like any other notice text:

- **Responsibility tables** (a header names 牵头单位, 配合单位, 责任单位, 责任部门,
  指导部门, 完成时限 or 时间节点): one line per task row, ``1.任务文字（牵头单位：X；
  配合单位：Y；完成时限：Z）``, so the duty chain reads its units and deadline, and a
  section row ("一、知识产权保护方面（共5项）") becomes a heading above its tasks.
  Task columns with merged cells (a category spanning rows) become labelled fields.
- **Other tables** (indicators, coordinates, quotas): one line per row of
  header-labelled cells, ``一级指标：一、医疗质量；二级指标：（一）功能定位；…。``,
  with a two-row header's labels joined ("分年度招生任务·1996年").
- **Page metadata tables** (索引号, 发文机关, 成文日期 …) are not content: :func:`page_meta`
  reads them into document fields instead.
"""

from __future__ import annotations

import re
import unicodedata

Grid = list[list[str]]

UNIT_COLUMNS = ("牵头单位", "牵头部门", "配合单位", "配合部门", "责任单位", "责任部门", "指导部门",
                "指导单位", "协办单位", "参与单位", "主责单位", "主责部门", "负责单位", "负责部门")
TIME_COLUMNS = ("完成时限", "时间节点", "完成时间", "时限要求", "时限", "完成期限")
NUMBER_COLUMNS = ("序号", "编号")
# Page metadata labels -> document fields (None: read but not kept).
META_LABELS = {
    "索引号": "index_number", "主题分类": None, "发文机关": "issuer", "发布机构": "issuer",
    "成文日期": "date_written", "标题": "title", "发文字号": "doc_number", "文号": "doc_number",
    "发布日期": "date_published", "主题词": "keywords", "有效性": None, "生效日期": None,
}
_META_LABEL = re.compile(r"^(" + "|".join(sorted(META_LABELS, key=len, reverse=True)) + r"):?$")


def norm_cell(text: str) -> str:
    """A cell's text: NFKC, whitespace between Chinese characters removed, runs of spaces as one."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"(?<=\d\.)\s+(?=\d)", "", text)  # "15172.\n500": a number wrapped in its cell
    text = re.sub(r"(?<=[\u4e00-\u9fff:：])\s+|\s+(?=[\u4e00-\u9fff])", "", text)
    return re.sub(r"\s+", " ", text).strip()


def meta_label(cell: str) -> str | None:
    """The metadata label a cell holds ("标　　题：" -> "标题"), or ``None``."""
    m = _META_LABEL.match(re.sub(r"\s+", "", norm_cell(cell)))
    return m.group(1) if m else None


def is_meta_table(grid: Grid) -> bool:
    """Every non-empty cell is a metadata label or the value right after one."""
    labels = 0
    for row in grid:
        prev_label, prev = False, None
        for cell in row:
            if meta_label(cell):
                labels += 1
                prev_label, prev = True, cell
                continue
            if cell.strip() and not prev_label and cell != prev:  # a merged value repeats
                return False
            prev_label, prev = False, cell
    return labels >= 1


def page_meta(grid: Grid) -> dict[str, str]:
    """``{label: value}`` of a page metadata table (empty values left out)."""
    out: dict[str, str] = {}
    for row in grid:
        for i, cell in enumerate(row):
            label = meta_label(cell)
            if label and i + 1 < len(row) and row[i + 1].strip() and not meta_label(row[i + 1]):
                out.setdefault(label, norm_cell(row[i + 1]))
    return out


def _is_numeric(cell: str) -> bool:
    return bool(re.fullmatch(r"[-+]?[\d.,%‰ ]+|[A-Za-z]?\d+[A-Za-z]?", cell))


def _header_rows(grid: Grid) -> int:
    """How many leading rows are header rows (0, 1 or 2)."""
    def header_like(row: list[str]) -> bool:
        cells = [c for c in row if c]
        return bool(cells) and all(len(c) <= 24 and not c.endswith("。") for c in cells) \
            and not all(_is_numeric(c) for c in cells)

    if len(grid) < 2 or not header_like(grid[0]):
        return 0
    merged = len(set(grid[0])) < len(grid[0])
    if len(grid) > 2 and merged and header_like(grid[1]) and grid[1] != grid[0] \
            and any(a == b for a, b in zip(grid[0], grid[1], strict=False)):
        return 2
    return 1


def _labels(grid: Grid, n: int) -> list[str]:
    width = max(len(r) for r in grid)
    labels = []
    for col in range(width):
        parts = []
        for row in grid[:n]:
            cell = row[col] if col < len(row) else ""
            if cell and cell not in parts:
                parts.append(cell)
        labels.append("·".join(parts))
    return labels


def _row_cells(row: list[str], labels: list[str]) -> list[tuple[str, str]]:
    """(label, value) pairs of a row; a cell spread over merged columns counts once."""
    out: list[tuple[str, str]] = []
    for col, value in enumerate(row):
        label = labels[col] if col < len(labels) else ""
        if not value or (out and out[-1] == (label, value) and row[col - 1] == value):
            continue
        out.append((label, value))
    return out


def _end(text: str) -> str:
    return text if text.endswith(("。", ";", "；", "!", "?")) else text + "。"


def _section_row(row: list[str]) -> str | None:
    """A row whose cells are one merged cell: a section title ("一、…方面（共5项）")."""
    values = {c for c in row if c}
    return next(iter(values)) if len(values) == 1 and len(row) > 1 and row.count("") == 0 else None


def render_table(grid: Grid) -> list[str]:
    """Lines of text for one table (see the module docstring)."""
    grid = [[norm_cell(c) for c in row] for row in grid if any(c.strip() for c in row)]
    if not grid:
        return []
    width = max(len(r) for r in grid)
    if width < 2:
        return [c for row in grid for c in row if c]
    n = _header_rows(grid)
    if n == 0:
        return [_end("；".join(c for c in dict.fromkeys(row) if c)) for row in grid]
    labels = _labels(grid, n)
    body = grid[n:]
    if any(label in UNIT_COLUMNS + TIME_COLUMNS for label in labels):
        return _render_duty_table(labels, body)
    lines = []
    for row in body:
        section = _section_row(row)
        if section:
            lines.append(section)
            continue
        cells = _row_cells(row, labels)
        lines.append(_end("；".join(f"{label}：{value}" if label else value for label, value in cells)))
    return lines


def _render_duty_table(labels: list[str], body: Grid) -> list[str]:
    lines = []
    merged_cols = {c for c in range(len(labels))
                   if any(i > 0 and c < len(r) and c < len(body[i - 1]) and r[c] and r[c] == body[i - 1][c]
                          for i, r in enumerate(body))}
    for row in body:
        section = _section_row(row)
        if section:
            lines.append(section)
            continue
        number, task, fields = "", [], []
        for col, value in enumerate(row):
            label = labels[col] if col < len(labels) else ""
            if not value:
                continue
            if label in NUMBER_COLUMNS and re.fullmatch(r"\d{1,3}", value):
                number = value
            elif label in UNIT_COLUMNS or label in TIME_COLUMNS:
                fields.append(f"{label}：{value}")
            else:  # task columns; a merged one (a category over several rows) leads the text
                task.append(f"{value}：" if col in merged_cols and value not in task else value)
        text = "".join(p if p.endswith("：") else p + "；" for p in dict.fromkeys(task)).rstrip("；")
        head = f"{number}." if number else ""
        lines.append(f"{head}{_end(text) if text else ''}（{'；'.join(fields)}）")
    return lines
