"""A character-bigram BM25 field beside the jieba words.

jieba misses words it does not know and a typo breaks a word into pieces that match
nothing ("人才引近政策", "综合保锐区"); overlapping character bigrams still share most of
their grams with the notice's wording. The field indexes each clause's title (twice),
path, body and units as bigrams of CJK runs (and whole ASCII words), scored by BM25 with
the word field's variant and k1 (:mod:`zhengce.index.bm25`) and almost no length
normalization: ``B`` = 0.1, chosen by dev cross-validation in four of five folds
(``eval/ABLATION.md``, round 5), against 0.75 before; a long clause's grams are hardly
diluted by its length. It is stored in the index (``bm25_bigrams/``) so the index answers
the same way tomorrow.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import numpy as np

from zhengce.index import bm25
from zhengce.index.model import Clause

FIELD = "bigrams"
DIR_NAME = "bm25_bigrams"
B = 0.1  # length normalization of the field (the word field has bm25.B)
_RUN = re.compile(r"[\u4e00-\u9fff]+|[a-z0-9]+")
# Grams too common to say anything (function characters and the notices' boilerplate).
_FUNCTION_CHARS = set("的了和与及或等在是为对把被将其之以于")


def bigrams(text: str) -> list[str]:
    """Overlapping bigrams of each CJK run (a lone character is its own gram), ASCII words whole."""
    text = unicodedata.normalize("NFKC", text).lower()
    out: list[str] = []
    for run in _RUN.findall(text):
        if not ("\u4e00" <= run[0] <= "\u9fff"):
            out.append(run)
            continue
        if len(run) == 1:
            if run not in _FUNCTION_CHARS:
                out.append(run)
            continue
        out.extend([a + b for a, b in zip(run, run[1:], strict=False)
                    if not (a in _FUNCTION_CHARS and b in _FUNCTION_CHARS)])
    return out


def clause_bigrams(clause: Clause, title_boost: int = bm25.TITLE_BOOST) -> list[str]:
    """The grams the field indexes for one clause (the word field's layout, as bigrams)."""
    grams = bigrams(clause.title) * title_boost
    for heading in clause.path[-2:]:
        grams.extend(bigrams(heading))
    grams.extend(bigrams(clause.body))
    grams.extend(bigrams(" ".join(clause.unit_names())))
    return grams


def build(rows: list[Clause]):
    return bm25.build([clause_bigrams(c) for c in rows], b=B)


def scores(model, query: str) -> np.ndarray:
    return bm25.scores(model, bigrams(query))


def save(model, directory: Path) -> None:
    (directory / DIR_NAME).mkdir()
    bm25.save(model, directory / DIR_NAME)


def load(directory: Path, mmap: bool = False):
    """The stored field (its arrays mapped with ``mmap``), ``None`` for an index built without one."""
    path = directory / DIR_NAME
    return bm25.load(path, mmap=mmap) if path.exists() else None
