"""Hits: a ranked clause with its excerpt, built in one place for search, answers and precedent.

:class:`HitBuilder` turns rows and scores into :class:`Hit` objects through
the index interface: the clause, an excerpt of the sentences that best match
the query (with ``[start, end)`` marks), and each retriever's rank of the row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from zhengce.index.contract import IndexReader
from zhengce.index.model import Clause
from zhengce.search.excerpt import make_excerpt


@dataclass
class Hit:
    row: int
    score: float
    clause: Clause
    excerpt: str
    marks: list[list[int]]
    ranks: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict:
        c, doc = self.clause, self.clause.doc
        return {
            "clause_id": c.id,
            "score": round(float(self.score), 6),
            "doc_id": c.doc_id,
            "doc_title": doc.cited_title if doc else None,
            "issuer": doc.issuer if doc else None,
            "date": doc.date if doc else None,
            "doc_number": doc.doc_number if doc else None,
            "kind": c.kind,
            "path": list(c.path),
            "number": c.number,
            "title": c.title,
            "text": c.text,
            "excerpt": self.excerpt,
            "excerpt_marks": self.marks,
            "units": [u.to_dict() for u in c.units],
            "deadline": c.deadline.to_dict() if c.deadline else None,
            "proposer": c.proposer,
            # The file's name only: a response never shows where the index lives on disk.
            "source": {"file": Path(doc.file).name if doc and doc.file else None,
                       "start": c.start, "end": c.end},
        }


class HitBuilder:
    """Builds hits for one index; ``query`` decides the excerpt and its marks."""

    def __init__(self, index: IndexReader):
        self.index = index

    def build(self, query: str, rows: Sequence[int], scores: Sequence[float],
              ranks: dict[str, dict[int, int]] | None = None) -> list[Hit]:
        tokens = self.index.query_tokens(query)
        clauses = self.index.clauses(rows)
        hits = []
        for row, score, clause in zip(rows, scores, clauses, strict=True):
            excerpt, marks = make_excerpt(clause.text, tokens, query=query)
            hit_ranks = {name: r[row] for name, r in (ranks or {}).items() if row in r}
            hits.append(Hit(int(row), float(score), clause, excerpt, marks, hit_ranks))
        return hits
