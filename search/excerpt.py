"""Excerpts: the one to three sentences of a clause that best match a query.

Sentences are scored by the query terms they contain (each distinct term
counts once, longer terms weigh more); the best sentence is extended with
its best neighbour while the excerpt stays short. Marks are ``[start, end)``
character spans of matched terms inside the excerpt, so a caller can render
them safely (the web page escapes the text and wraps the spans). Marks cover
whole query terms: touching marks are merged while the merged text is itself
part of the query, so 科技成果转化 asked of "科技成果转移转化" marks
【科技成果】转移【转化】, not 【科技】【成果】转移【转化】.
"""

from __future__ import annotations

import re
import unicodedata

_SENTENCE = re.compile(r"[^。!?;!?;\n]+[。!?;!?;]?")
MAX_CHARS = 160
MAX_SENTENCES = 3


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def _terms(query_tokens: list[str]) -> list[str]:
    terms = {unicodedata.normalize("NFKC", t).lower() for t in query_tokens if t.strip()}
    # Longest first, so marks prefer 科技成果转化 over 科技.
    return sorted((t for t in terms if len(t) >= 2 or "\u4e00" <= t <= "\u9fff"), key=len, reverse=True)


def _score(sentence: str, terms: list[str]) -> float:
    low = sentence.lower()
    return sum(len(t) ** 1.5 for t in terms if t in low)


def mark_spans(text: str, terms: list[str]) -> list[list[int]]:
    """Non-overlapping spans of the terms in text (longest terms win)."""
    low = text.lower()
    taken = [False] * len(text)
    spans = []
    for t in terms:
        start = low.find(t)
        while start >= 0:
            end = start + len(t)
            if not any(taken[start:end]):
                spans.append([start, end])
                for i in range(start, end):
                    taken[i] = True
            start = low.find(t, end)
    return sorted(spans)


def merge_spans(text: str, spans: list[list[int]], query: str) -> list[list[int]]:
    """Touching spans joined while the joined text is a substring of the query (both compared
    NFKC, lower-cased): the longest query term a run of marks spells."""
    q = unicodedata.normalize("NFKC", query).lower()
    low = text.lower()
    out: list[list[int]] = []
    for start, end in spans:
        if out and out[-1][1] == start and low[out[-1][0]:end] in q:
            out[-1][1] = end
        else:
            out.append([start, end])
    return out


def make_excerpt(text: str, query_tokens: list[str], max_chars: int = MAX_CHARS,
                 query: str = "") -> tuple[str, list[list[int]]]:
    """``(excerpt, marks)`` for a clause text and the tokens of a query (marks merged along
    ``query`` when given, see :func:`merge_spans`)."""
    sents = sentences(text)
    if not sents:
        return "", []
    terms = _terms(query_tokens)
    scores = [_score(s, terms) for s in sents]
    best = max(range(len(sents)), key=lambda i: (scores[i], -i))
    lo = hi = best
    length = len(sents[best])
    while hi - lo + 1 < MAX_SENTENCES:
        left = scores[lo - 1] if lo > 0 else -1
        right = scores[hi + 1] if hi + 1 < len(sents) else -1
        if max(left, right) <= 0 and length > 40:
            break
        if right >= left and right >= 0 and length + len(sents[hi + 1]) <= max_chars:
            hi += 1
            length += len(sents[hi])
        elif left >= 0 and length + len(sents[lo - 1]) <= max_chars:
            lo -= 1
            length += len(sents[lo])
        else:
            break
    excerpt = "".join(sents[lo:hi + 1])
    if len(excerpt) > max_chars:
        excerpt = excerpt[:max_chars - 1] + "…"
    prefix = "…" if lo > 0 else ""
    suffix = "…" if hi < len(sents) - 1 and not excerpt.endswith("…") else ""
    excerpt = prefix + excerpt + suffix
    marks = mark_spans(excerpt, terms)
    return excerpt, merge_spans(excerpt, marks, query) if query else marks
