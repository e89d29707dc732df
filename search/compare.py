"""Comparison across years: "2015年和2024年对科技金融的要求有什么不同".

A question naming two or more years and asking how they differ (不同, 区别, 变化, 异同,
对比, 比较) is answered with the closest clause of each year side by side: the matter (the
question without its years and comparison words) is searched within each year's documents
(a year filter), and each clause's text is marked where it differs from the other years'
clauses (the character diff of :func:`zhengce.search.precedent.diff_spans`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from zhengce.index.contract import Filters
from zhengce.search.hits import Hit
from zhengce.search.precedent import diff_spans

COMPARE = "compare"
_YEAR = re.compile(r"(19[5-9]\d|20\d\d)\s*年?")
_ASK = re.compile(r"(有)?(什么|哪些|啥|何)?(不同|区别|差别|差异|变化|异同|不一样)|对比|比较|相比")
_FILLER = re.compile(r"^(和|与|跟|及|同|相比|对比|比较|对|关于|在|的|,|、|\s)+|(和|与|跟|的|吗|呢|\?|,|\s)+$")


@dataclass
class YearClause:
    year: int
    hit: Hit | None
    diff_marks: list[list[int]]  # spans of the clause's text not shared with the other years' clauses
    common: float

    def to_dict(self) -> dict:
        d = {"year": self.year, "diff_marks": self.diff_marks, "common": round(self.common, 4)}
        d["hit"] = self.hit.to_dict() if self.hit else None
        return d


def comparison_years(question: str) -> list[int] | None:
    """The years a comparison question names (at least two, in order), ``None`` if it is not one."""
    q = unicodedata.normalize("NFKC", question)
    years = sorted({int(m.group(1)) for m in _YEAR.finditer(q)})
    return years if len(years) >= 2 and _ASK.search(q) else None


def comparison_topic(question: str) -> str:
    """The matter compared: the question without its years and comparison words."""
    q = unicodedata.normalize("NFKC", question)
    q = _YEAR.sub(" ", q)
    q = _ASK.sub(" ", q)
    q = re.sub(r"(的)?(要求|规定|提法|表述|政策)?(上)?(有)?$", lambda m: m.group(2) or "", q.strip())
    q = re.sub(r"\s+", " ", q).strip()
    while True:
        stripped = _FILLER.sub("", q).strip()
        if stripped == q:
            break
        q = stripped
    return q or unicodedata.normalize("NFKC", question)


def compare_years(engine, question: str, years: list[int], filters: Filters | None = None,
                  mode: str = "hybrid") -> tuple[str, list[YearClause]]:
    """The closest clause of each year to the matter, and its differences from the others."""
    from dataclasses import replace

    topic = comparison_topic(question)
    base = filters or Filters()
    found: list[tuple[int, Hit | None]] = []
    for year in years:
        result = engine.search(topic, k=1, mode=mode, filters=replace(base, year_from=year, year_to=year),
                               intent="find")
        found.append((year, result.hits[0] if result.hits else None))
    out = []
    for year, hit in found:
        if hit is None:
            out.append(YearClause(year, None, [], 0.0))
            continue
        others = "".join(h.clause.text for y, h in found if h is not None and y != year)
        spans, common = diff_spans(others, hit.clause.text) if others else ([], 0.0)
        out.append(YearClause(year, hit, spans, common))
    return topic, out
