"""Unit aliases: one canonical name for the spellings of a unit.

The table is editable data (``data/unit_aliases.tsv``: the canonical name
first, then its aliases, separated by TABs). An index carries its own copy
(:meth:`Aliases.save` at build, :meth:`Aliases.load` when read), so editing
the package's file never changes how an existing index answers.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data"
FILE_NAME = "unit_aliases.tsv"


class Aliases:
    """alias -> canonical name, read from TSV text."""

    def __init__(self, text: str = ""):
        self.text = text
        self.table: dict[str, str] = {}
        for line in text.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            names = [n.strip() for n in line.split("\t") if n.strip()]
            for alias in names[1:]:
                self.table[alias] = names[0]

    @classmethod
    def default(cls) -> Aliases:
        """The package's table (what new builds use)."""
        return _default()

    @classmethod
    def load(cls, directory: str | Path) -> Aliases:
        """The table an index was built with (empty when the index has none)."""
        path = Path(directory) / FILE_NAME
        return cls(path.read_text(encoding="utf-8") if path.exists() else "")

    def save(self, directory: str | Path) -> None:
        (Path(directory) / FILE_NAME).write_text(self.text, encoding="utf-8")

    def canonical(self, name: str, level: str | None = None) -> str:
        return self.table.get(name, name)


@lru_cache(maxsize=1)
def _default() -> Aliases:
    path = DATA / FILE_NAME
    return Aliases(path.read_text(encoding="utf-8") if path.exists() else "")


def canonical(name: str) -> str:
    """The package table's canonical name (parsing uses it; an index uses its own copy)."""
    return _default().canonical(name)
