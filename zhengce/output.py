"""Small output helpers shared by the commands."""

from __future__ import annotations

import json
import sys
import unicodedata


def print_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def units_str(units) -> str:
    return "、".join(f"{u.name}{'(牵头)' if u.role == 'lead' else ''}" for u in units)


def display_width(text: str) -> int:
    """Columns a terminal gives the text: wide and full-width characters (CJK) take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else
               0 if unicodedata.combining(ch) else 1 for ch in text)


def ljust(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` display columns (never cut)."""
    return text + " " * max(0, width - display_width(text))


def rjust(text: str, width: int) -> str:
    return " " * max(0, width - display_width(text)) + text


def table(header: list[str], rows: list[list[str]], right: set[int] = frozenset()) -> str:
    """Rows aligned by display width, columns two spaces apart; ``right``: right-aligned columns."""
    widths = [max(display_width(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for r in [header, *rows]:
        cells = [(rjust if i in right else ljust)(str(v), widths[i]) for i, v in enumerate(r)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
