"""Query rewriting an index answers with: normalization and an editable thesaurus.

* **Normalization** (:func:`normalize_query`): NFKC (full-width letters, digits and
  punctuation to half-width), then traditional → simplified characters through OpenCC's
  ``t2s`` table (``opencc-python-reimplemented``, a maintained pure-Python port of OpenCC's
  dictionaries), then runs of whitespace collapsed. Notices are written in simplified
  characters; a question in traditional characters ("綜合保稅區由哪個部門負責") otherwise
  shares no token with them.
* **Thesaurus** (:class:`Thesaurus`): editable data (``data/thesaurus.tsv``: a term, then
  the wordings it stands for, separated by TABs). A query containing a term gets the
  wordings appended (``发改委`` → ``发改委 发展改革委``; ``找工作`` → ``找工作 就业``), so
  the original words still count and the policy wording is found too. An index carries its
  own copy (saved at build, loaded with the index), so editing the package's file never
  changes how an existing index answers.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data"
FILE_NAME = "thesaurus.tsv"
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


@lru_cache(maxsize=4096)
def normalize_query(text: str) -> str:
    """NFKC, traditional → simplified, whitespace collapsed (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text)
    text = _t2s().convert(text)
    return _SPACE.sub(" ", text).strip()


class Thesaurus:
    """term -> wordings it stands for, read from TSV text (first column the term)."""

    def __init__(self, text: str = ""):
        self.text = text
        self.table: dict[str, tuple[str, ...]] = {}
        for line in text.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            names = [unicodedata.normalize("NFKC", n.strip()) for n in line.split("\t") if n.strip()]
            if len(names) >= 2:
                self.table[names[0]] = tuple(dict.fromkeys(self.table.get(names[0], ()) + tuple(names[1:])))
        # Longest terms first: 市发改委 is matched before 发改委 claims its characters.
        self._terms = sorted(self.table, key=len, reverse=True)

    def __len__(self) -> int:
        return len(self.table)

    @classmethod
    def default(cls) -> Thesaurus:
        """The package's table (what new builds use)."""
        return _default()

    @classmethod
    def load(cls, directory: str | Path) -> Thesaurus:
        """The table an index was built with (empty when the index has none)."""
        path = Path(directory) / FILE_NAME
        return cls(path.read_text(encoding="utf-8") if path.exists() else "")

    def save(self, directory: str | Path) -> None:
        (Path(directory) / FILE_NAME).write_text(self.text, encoding="utf-8")

    def expansions(self, text: str) -> list[str]:
        """The wordings of the terms ``text`` contains that it does not already contain."""
        taken = [False] * len(text)
        out: list[str] = []
        for term in self._terms:
            start = text.find(term)
            while start >= 0:
                end = start + len(term)
                if not any(taken[start:end]):
                    taken[start:end] = [True] * len(term)
                    out.extend(w for w in self.table[term] if w not in text and w not in out)
                start = text.find(term, end)
        return out

    def expand(self, text: str) -> str:
        """``text`` with the wordings of its terms appended (unchanged when it has none)."""
        extra = self.expansions(text)
        return f"{text} {' '.join(extra)}" if extra else text


@lru_cache(maxsize=1)
def _default() -> Thesaurus:
    path = DATA / FILE_NAME
    return Thesaurus(path.read_text(encoding="utf-8") if path.exists() else "")
