"""Judgments by evidence text, resolved to the clauses of whatever the parser builds.

Clause ids of a corpus change whenever the chunker does, so the govcn questions are judged
by quote, not by id: each line of ``judgments.jsonl`` is
``{"qid": …, "doc": …, "quote": …, "grade": …}`` with ``doc`` the document id (the file stem,
``content_5361158``), ``quote`` a short exact passage (10–40 characters) copied from the
notice's visible text and ``grade`` 2 (answers the question) or 1 (related).

:func:`resolve` maps each quote to the indexed clauses of that document whose text contains it,
comparing normalized forms (:func:`zhengce.index.cleaning.normalize`, then every whitespace
removed), and yields TREC qrels in memory. A quote that matches no clause is reported, never
dropped: ``python -m zhengce.eval.judgments`` exits 1 on it, and so does the test suite, so a
parser change that loses evidence (or a label that was mistyped) shows at once.

When a quote sits in a clause and also in one of its ancestors (a parser that repeats child
text in the parent), only the innermost clauses count. A quote found in several unrelated
clauses of the document grades them all and is listed as ambiguous (a warning).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from zhengce.eval.data import JUDGMENTS

GRADES = (1, 2)
QUOTE_CHARS = (10, 40)
_WS = re.compile(r"\s+")


@dataclass(frozen=True)
class Judgment:
    qid: str
    doc: str
    quote: str
    grade: int


@dataclass
class Resolution:
    """What :func:`resolve` found: the qrels, and the judgments it could not place cleanly."""

    qrels: dict[str, dict[str, int]] = field(default_factory=dict)
    unmatched: list[Judgment] = field(default_factory=list)
    ambiguous: list[tuple[Judgment, list[str]]] = field(default_factory=list)
    missing_docs: list[Judgment] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.unmatched and not self.missing_docs

    def problems(self) -> list[str]:
        """One readable line per judgment that resolved to nothing."""
        lines = [f"{j.qid}: document {j.doc!r} is not in the corpus (quote {j.quote!r})" for j in self.missing_docs]
        lines += [f"{j.qid}: quote {j.quote!r} matches no clause of {j.doc}" for j in self.unmatched]
        return lines


def compact(text: str) -> str:
    """The form quotes and clauses are compared in: normalized, with every whitespace removed."""
    from zhengce.index.cleaning import normalize

    return _WS.sub("", normalize(text))


def read_judgments(path: Path = JUDGMENTS) -> list[Judgment]:
    """The lines of ``judgments.jsonl``; a malformed line raises ``ValueError`` with its number."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            j = Judgment(str(d["qid"]), str(d["doc"]), str(d["quote"]), int(d["grade"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{n}: expected qid, doc, quote and grade ({exc})") from None
        if j.grade not in GRADES:
            raise ValueError(f"{path}:{n}: grade must be 1 or 2, got {j.grade}")
        if not compact(j.quote):
            raise ValueError(f"{path}:{n}: empty quote")
        out.append(j)
    return out


def _ancestors(clause_id: str, parent: dict[str, str | None]) -> set[str]:
    out: set[str] = set()
    current = parent.get(clause_id)
    while current is not None and current not in out:
        out.add(current)
        current = parent.get(current)
    return out


def _haystacks(clause) -> tuple[str, ...]:
    return compact(clause.text), compact(f"{clause.title}{clause.text}")


def resolve(judgments: Iterable[Judgment], documents: Iterable) -> Resolution:
    """Map every judgment to the indexed clauses containing its quote; the best grade wins per clause."""
    from zhengce.index.store import is_indexed

    by_doc: dict[str, list] = {}
    parent: dict[str, str | None] = {}
    for doc in documents:
        clauses = list(doc.clauses)
        parent.update({c.id: c.parent_id for c in clauses})
        by_doc[doc.doc_id] = [(c.id, _haystacks(c)) for c in clauses if is_indexed(c)]
    result = Resolution()
    for j in judgments:
        if j.doc not in by_doc:
            result.missing_docs.append(j)
            continue
        needle = compact(j.quote)
        hits = [cid for cid, hay in by_doc[j.doc] if any(needle in h for h in hay)]
        if not hits:
            result.unmatched.append(j)
            continue
        hit_set = set(hits)
        innermost = [cid for cid in hits if not any(cid in _ancestors(other, parent) for other in hit_set)]
        if len(innermost) > 1:
            result.ambiguous.append((j, innermost))
        rels = result.qrels.setdefault(j.qid, {})
        for cid in innermost:
            rels[cid] = max(rels.get(cid, 0), j.grade)
    return result


def write_qrels(qrels: dict[str, dict[str, int]], path: Path) -> None:
    """TREC qrels lines ``qid 0 clause_id grade``, sorted."""
    with open(path, "w", encoding="utf-8") as f:
        for qid in sorted(qrels):
            for cid, grade in sorted(qrels[qid].items()):
                f.write(f"{qid} 0 {cid} {grade}\n")


def load_corpus(corpus: str = "govcn", seeds: Path | None = None) -> list:
    """Parse an evaluation corpus with today's parser (no index, no embedder)."""
    from zhengce.eval.data import corpus_paths
    from zhengce.index.corpus import ingest

    seeds = seeds if seeds is not None else Path(__file__).resolve().parent.parent / "seeds"
    report = ingest(corpus_paths(corpus, seeds))
    for err in report.errors:
        print(f"warning: {err}", file=sys.stderr)
    return report.documents


def main(argv: list[str] | None = None) -> int:
    """``python -m zhengce.eval.judgments [--write FILE]``: resolve the quotes against the govcn corpus."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m zhengce.eval.judgments", description=main.__doc__)
    parser.add_argument("--judgments", type=Path, default=JUDGMENTS)
    parser.add_argument("--write", type=Path, default=None, help="write the resolved TREC qrels here")
    parser.add_argument("--verbose", action="store_true", help="list ambiguous quotes too")
    args = parser.parse_args(argv)
    judgments = read_judgments(args.judgments)
    result = resolve(judgments, load_corpus("govcn"))
    for line in result.problems():
        print(f"ERROR {line}", file=sys.stderr)
    if args.verbose:
        for j, ids in result.ambiguous:
            print(f"ambiguous {j.qid}: {j.quote!r} -> {', '.join(ids)}")
    pairs = sum(len(r) for r in result.qrels.values())
    print(f"{len(judgments)} judgments -> {pairs} judged clauses for {len(result.qrels)} questions; "
          f"{len(result.unmatched) + len(result.missing_docs)} unresolved, {len(result.ambiguous)} ambiguous")
    if args.write is not None:
        write_qrels(result.qrels, args.write)
        print(f"qrels written to {args.write}")
    return 0 if result.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
