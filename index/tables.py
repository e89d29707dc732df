"""Tables as readable lines, the same for HTML and DOCX.

A reader (:mod:`zhengce.index.reading`) turns a table into a grid: one list of
cell texts per row, merged cells repeated in every row and column they cover.
:func:`render_table` turns the grid into lines of text that the chunker reads
like any other notice text:

- **Responsibility tables** (a header names 牵头单位, 配合单位, 责任单位, 责任部门,
  指导部门, 完成时限 or 时间节点): one line per task row, ``1.任务文字（牵头单位：X；
  配合单位：Y；完成时限：Z）`` (lead columns first), so the duty chain reads its units
  and deadline. A section row ("一、知识产权保护方面（共5项）") and a **category**
  (a leading task column merged down over several task rows, in a table with a units
  column) each become a line of their own above their tasks, once; the lines carry their
  place in the table's outline (:class:`TableLine`), so the chunker makes the section
  or category the parent clause of its rows whatever numbering they have.
- **Other tables** (indicators, coordinates, quotas): one line per row of
  header-labelled cells, ``一级指标：一、医疗质量；二级指标：（一）功能定位；…。``,
  with a two-row header's labels joined ("分年度招生任务·1996年").
- **Page metadata tables** (索引号, 发文机关, 成文日期 …) are not content: :func:`page_meta`
  reads them into document fields instead.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

Grid = list[list[str]]


@dataclass(frozen=True)
class TableLine:
    """One rendered line, and its place in the table's outline.

    ``depth`` -1: the line is read like any other text; 0, 1, …: its level in the table
    (sections, then each category column, then task rows). ``group`` marks a section or
    category: the parent of the deeper lines after it.
    """

    text: str
    depth: int = -1
    group: bool = False

UNIT_COLUMNS = ("牵头单位", "牵头部门", "配合单位", "配合部门", "责任单位", "责任部门", "指导部门",
                "指导单位", "协办单位", "参与单位", "主责单位", "主责部门", "负责单位", "负责部门")
TIME_COLUMNS = ("完成时限", "时间节点", "完成时间", "时限要求", "时限", "完成期限")
NUMBER_COLUMNS = ("序号", "编号")
# Page metadata labels -> document fields (None: read but not kept).
META_LABELS = {
    "索引号": "index_number", "主题分类": None, "发文机关": "issuer", "发布机构": "issuer",
    "成文日期": "date_written", "标题": "title", "名称": "title", "发文字号": "doc_number", "文号": "doc_number",
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


def header_rows(grid: Grid) -> int:
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


def _label(parts: list[str]) -> str:
    """One column's label from its header cells, top down. Under a merged "责任单位" the lower
    cell is the column ("责任单位" over "牵头单位"; "牵头" alone is "牵头单位"); otherwise
    the cells are joined ("指标·2025年")."""
    if len(parts) > 1 and parts[-2] in UNIT_COLUMNS + TIME_COLUMNS:
        last = parts[-1] if parts[-1] in UNIT_COLUMNS + TIME_COLUMNS else f"{parts[-1]}{parts[-2][-2:]}"
        if last in UNIT_COLUMNS + TIME_COLUMNS:
            return last
    return "·".join(parts)


def _labels(grid: Grid, n: int) -> list[str]:
    width = max(len(r) for r in grid)
    labels = []
    for col in range(width):
        parts = []
        for row in grid[:n]:
            cell = row[col] if col < len(row) else ""
            if cell and cell not in parts:
                parts.append(cell)
        labels.append(_label(parts))
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
    return [line.text for line in table_lines(grid)]


def table_lines(grid: Grid) -> list[TableLine]:
    """The lines of one table with their place in its outline."""
    grid = [[norm_cell(c) for c in row] for row in grid if any(c.strip() for c in row)]
    if not grid:
        return []
    width = max(len(r) for r in grid)
    if width < 2:
        return [TableLine(c) for row in grid for c in row if c]
    n = header_rows(grid)
    if n == 0:
        return [TableLine(_end("；".join(c for c in dict.fromkeys(row) if c))) for row in grid]
    labels = _labels(grid, n)
    body = grid[n:]
    if any(label in UNIT_COLUMNS + TIME_COLUMNS for label in labels):
        return _render_duty_table(labels, body)
    lines = []
    for row in body:
        section = _section_row(row)
        if section:
            lines.append(TableLine(section))
            continue
        cells = _row_cells(row, labels)
        lines.append(TableLine(_end("；".join(f"{label}：{value}" if label else value for label, value in cells))))
    return lines


def _cell(row: list[str], col: int) -> str:
    return row[col] if col < len(row) else ""


def _task_columns(labels: list[str]) -> list[int]:
    return [c for c, label in enumerate(labels) if label not in UNIT_COLUMNS + TIME_COLUMNS + NUMBER_COLUMNS]


def _merged_down(rows: Grid, col: int, later: list[int]) -> bool:
    """A cell of ``col`` reaches down over a next row whose ``later`` cells differ: a merged cell."""
    return any(_cell(a, col) and _cell(a, col) == _cell(b, col)
               and [_cell(a, c) for c in later] != [_cell(b, c) for c in later]
               for a, b in zip(rows, rows[1:], strict=False))


def category_columns(labels: list[str], body: Grid) -> list[int]:
    """The category levels of a task table: its leading task columns merged down over task rows.

    Only a table with a units column has them (the task-table form); the last task column
    is the task itself, never a category.
    """
    if not any(label in UNIT_COLUMNS for label in labels):
        return []
    rows = [r for r in body if not _section_row(r)]
    tasks = _task_columns(labels)
    out: list[int] = []
    for i, col in enumerate(tasks[:-1]):
        if not _merged_down(rows, col, tasks[i + 1:]):
            break
        out.append(col)
    return out


def _number_column(labels: list[str]) -> int | None:
    return next((c for c, label in enumerate(labels) if label in NUMBER_COLUMNS), None)


def _field_order(label: str) -> int:
    """Lead columns first, then other unit columns, then time: the lead unit is listed first."""
    return 0 if "牵头" in label else 2 if label in TIME_COLUMNS else 1


def _task_row(row: list[str], labels: list[str], skip: set[int]) -> str:
    """``1.任务文字。（牵头单位：X；配合单位：Y；完成时限：Z）`` for one task row."""
    number, task, fields = "", [], []
    for col, value in enumerate(row):
        label = labels[col] if col < len(labels) else ""
        if not value or col in skip:
            continue
        if label in NUMBER_COLUMNS and re.fullmatch(r"\d{1,3}", value):
            number = value
        elif label in UNIT_COLUMNS or label in TIME_COLUMNS:
            fields.append((_field_order(label), f"{label}：{value}"))
        else:
            task.append(value)
    text = "；".join(dict.fromkeys(task))
    head = f"{number}." if number else ""
    fields.sort(key=lambda f: f[0])
    return f"{head}{_end(text) if text else ''}（{'；'.join(f for _, f in fields)}）"


def _render_duty_table(labels: list[str], body: Grid) -> list[TableLine]:
    cats = category_columns(labels, body)
    rows = [r for r in body if not _section_row(r)]
    outlined = bool(cats) or len(rows) < len(body)
    base = 1 if len(rows) < len(body) else 0
    num = _number_column(labels)
    # A 序号 merged down with the categories numbers the category, not the rows.
    num_on_cat = bool(cats) and num is not None and _merged_down(rows, num, [c for c in _task_columns(labels)
                                                                             if c not in cats])
    skip = set(cats) | ({num} if num_on_cat else set())
    lines: list[TableLine] = []
    prev: list[str] = []
    for row in body:
        section = _section_row(row)
        if section:
            lines.append(TableLine(section, 0 if outlined else -1, True))
            prev = []
            continue
        keys = [_cell(row, c) or (prev[i] if i < len(prev) else "") for i, c in enumerate(cats)]
        for level, value in enumerate(keys):
            if value and keys[:level + 1] != prev[:level + 1]:
                text = value
                if level == 0 and num_on_cat and re.fullmatch(r"\d{1,3}", _cell(row, num)) \
                        and not re.match(r"^[(（]?[一二三四五六七八九十\d]+[)）、.]", value):
                    text = f"{_cell(row, num)}.{value}"
                lines.append(TableLine(text, base + level, True))
        prev = keys
        lines.append(TableLine(_task_row(row, labels, skip), base + len(cats) if outlined else -1))
    return lines
