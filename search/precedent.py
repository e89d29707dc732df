"""Precedent clauses: what other notices said on the same matter, and how the wording moved.

For a draft clause (or an existing clause), retrieve the most similar clauses
from *other* documents with hybrid search, order them by similarity, group
them by year for a timeline, and mark, in each precedent's text, the stretches
that differ from the draft (a character-level diff of the normalized texts).
"""

from __future__ import annotations

import difflib
import time
from dataclasses import dataclass

from zhengce.index.cleaning import normalize
from zhengce.index.contract import Filters
from zhengce.search.engine import SearchEngine
from zhengce.search.hits import Hit
from zhengce.search.query import MAX_DRAFT_CHARS, cut_query

MIN_COMMON = 2  # shorter common runs are noise (single characters like 的 or 、)
UNDATED = "日期不详"  # the timeline group of notices with no date: shown last, never hidden


@dataclass
class Precedent:
    hit: Hit
    similarity: float
    diff_marks: list[list[int]]  # spans of the precedent's text that differ from the draft
    common: float               # share of the precedent's characters shared with the draft

    def to_dict(self) -> dict:
        d = self.hit.to_dict()
        doc = self.hit.clause.doc
        d.update({"similarity": round(self.similarity, 4), "year": doc.year if doc else None,
                  "diff_marks": self.diff_marks, "common": round(self.common, 4)})
        return d


def diff_spans(draft: str, text: str, min_common: int = MIN_COMMON) -> tuple[list[list[int]], float]:
    """Spans of ``text`` not shared with ``draft``, and the shared share of ``text``.

    Both are compared in normalized form; ``text`` is expected normalized already
    (clause texts are), so spans index into it directly.
    """
    a = normalize(draft)
    matcher = difflib.SequenceMatcher(None, a, text, autojunk=False)
    same = [False] * len(text)
    for block in matcher.get_matching_blocks():
        if block.size >= min_common:
            for i in range(block.b, block.b + block.size):
                same[i] = True
    spans: list[list[int]] = []
    for i, flag in enumerate(same):
        if flag:
            continue
        if spans and spans[-1][1] == i:
            spans[-1][1] = i + 1
        else:
            spans.append([i, i + 1])
    common = sum(same) / len(text) if text else 0.0
    return spans, common


def timeline(precedents: list[Precedent]) -> list[dict]:
    """Precedents grouped by year, oldest first; undated notices last, labelled :data:`UNDATED`."""
    years: dict = {}
    for p in precedents:
        year = p.hit.clause.doc.year if p.hit.clause.doc else None
        years.setdefault(year, []).append(p.hit.clause.id)
    order = sorted(y for y in years if y is not None) + ([None] if None in years else [])
    return [{"year": y, "label": f"{y} 年" if y else UNDATED, "clause_ids": years[y]} for y in order]


def find_precedents(engine: SearchEngine, text: str, k: int = 10, exclude_doc: str | None = None,
                    exclude_id: str | None = None, filters: Filters | None = None
                    ) -> tuple[list[Precedent], float]:
    """Clauses like ``text`` (hybrid), most similar first; optionally not from one document."""
    t0 = time.perf_counter()
    text, _ = cut_query(text, MAX_DRAFT_CHARS)  # before tokenizing and embedding (search/query.py)
    index = engine.index
    allowed = index.compile_filters(filters or Filters())
    if exclude_doc is not None:
        own = index.compile_filters(Filters(docs=(exclude_doc,)))
        allowed = ~own if allowed is None else allowed & ~own
    ranked = engine.rank(text, k + 1, "hybrid", allowed, intent="precedent")
    out = []
    for hit in engine.hits.build(text, ranked.rows.tolist(), ranked.scores.tolist(), ranked.ranks):
        if hit.clause.id == exclude_id:
            continue
        spans, common = diff_spans(text, hit.clause.text)
        out.append(Precedent(hit, hit.score, spans, common))
    return out[:k], (time.perf_counter() - t0) * 1000


def payload(text: str, found: list[Precedent], took_ms: float) -> dict:
    """The precedent response of the API and the CLI's JSON."""
    text, note = cut_query(text, MAX_DRAFT_CHARS)
    return {**({"note": note} if note else {}), "text": text, "took_ms": round(took_ms, 2),
            "hits": [p.to_dict() for p in found], "timeline": timeline(found)}
