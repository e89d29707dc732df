"""Tables typed into plain text: one line a row, cells separated by tabs.

A notice saved as ``.txt`` from a word processor or copied from a page keeps a task table
as lines of tab-separated cells::

    序号<TAB>重点任务<TAB>牵头单位<TAB>完成时限
    1<TAB>全面推行企业开办“一网通办”…<TAB>省市场监管局<TAB>2025年6月底前

A Markdown pipe table (``| 序号 | 重点任务 | 牵头单位 |`` over a ``| --- | --- | --- |`` rule)
is read the same way; its rule line is skipped with the reason ``table rule``.

Read as prose, the cells run together and no rule can tell the task from its unit. Here a
run of such lines under a header the table renderer knows (:mod:`zhengce.index.tables`) is
read as that table. The original text is never changed: each row's :class:`Line` keeps its
offsets, so a citation still shows the row as typed, and only its normalized view (what the
chunker reads) becomes the line the renderer gives the same row of an HTML or DOCX table
("1.任务。（牵头单位：X；完成时限：Z）"). The header row is skipped with the reason
``table header``. A run whose rows the renderer does not map one to one is left as it was.
"""

from __future__ import annotations

import re
from dataclasses import replace

from zhengce.index.cleaning import Line, normalize
from zhengce.index.tables import Grid, header_rows, norm_cell, table_lines

MIN_CELLS = 3  # a row has at least this many cells (two tabs)
MIN_ROWS = 2   # a header and one row
HEADER = "table header"
RULE = "table rule"
_RULE_CELL = re.compile(r":?-{3,}:?")


def _raw_line(original: str, line: Line) -> str:
    """The whole physical line a visible line sits on, tabs at its edges included."""
    start = original.rfind("\n", 0, line.start) + 1
    end = original.find("\n", line.end)
    return original[start:end if end >= 0 else len(original)].rstrip("\r")


def _cells(raw: str) -> list[str]:
    """A row's cells: tab-separated, or between the pipes of a Markdown table row."""
    edge = raw.strip()
    if edge.startswith("|") and edge.endswith("|") and edge.count("|") >= MIN_CELLS + 1:
        return [c.strip() for c in edge[1:-1].split("|")]
    return raw.split("\t")


def _is_rule(raw: str) -> bool:
    cells = _cells(raw)
    return len(cells) >= 2 and all(_RULE_CELL.fullmatch(c.strip()) for c in cells)


def tab_runs(original: str, lines: list[Line]) -> list[tuple[list[int], Grid]]:
    """Runs of consecutive tab-separated lines, with their grids: a run opens on a line of at
    least ``MIN_CELLS`` cells and goes on over lines of two or more (a word processor drops a
    row's empty trailing cells); short rows are padded to the first row's width."""
    runs: list[tuple[list[int], Grid]] = []
    current: list[int] = []
    grid: Grid = []
    for i, line in enumerate(lines + [None]):
        if line is not None and line.junk == RULE:
            continue  # a Markdown table's rule line sits inside its run
        cells = _cells(_raw_line(original, line)) if line is not None and not line.junk else []
        if len(cells) >= (MIN_CELLS if not current else 2):
            current.append(i)
            grid.append(cells)
            continue
        if len(current) >= MIN_ROWS:
            width = len(grid[0])
            runs.append((current, [row + [""] * (width - len(row)) for row in grid]))
        current, grid = [], []
    return runs


def read_tab_tables(original: str, lines: list[Line]) -> list[Line]:
    """``lines`` with the rows of tab tables given the renderer's reading (see the module docstring)."""
    out = [replace(line, junk=RULE) if not line.junk and _is_rule(_raw_line(original, line)) else line
           for line in lines]
    for indices, grid in tab_runs(original, out):
        n = header_rows([[norm_cell(c) for c in row] for row in grid])
        rendered = table_lines(grid)
        if n == 0 or len(rendered) != len(grid) - n:
            continue
        for i in indices[:n]:
            out[i] = replace(out[i], junk=HEADER)
        for i, row in zip(indices[n:], rendered, strict=True):
            out[i] = replace(out[i], norm=normalize(row.text))
    return out
