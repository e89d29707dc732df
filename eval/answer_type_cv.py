"""Dev CV of how many top clauses the answer-type check reads: python -m zhengce.eval.answer_type_cv.

A find or duty question that asks for a kind of fact (:mod:`zhengce.search.answer_type`) is
refused when none of its top ``ANSWER_TYPE_TOP`` clauses states one
(:mod:`zhengce.search.answerability`).
Fewer clauses refuse more: near-domain unanswerables whose best clause is off the point, but also
answerable questions whose answer ranks second. This script chooses the number on the dev split
of an eval run (``zhengce eval --corpus mixed`` writes ``var/eval/questions.hybrid.jsonl`` and
the index it read): a row is refused at a candidate when its confidence is under the index's
threshold or none of its first candidate-many clauses (the run's ``top``, in the order the
answer read them) states the asked kind. The choice maximises balanced accuracy ("unanswerables
refused" and "answerable questions answered") under the 4 % wrong-refusal ceiling of the
answerability choice, by 5-fold cross-validation (:func:`zhengce.eval.tuning.cross_validate`;
on a tie the larger number, which refuses less). Test rows are only counted, at the choice.

The same run also chooses ``answer.DUTY_COVERAGE``: a duty answer is refused when the clauses
backing its units hold less than that share of the topic (the row's ``unit_coverage`` signal,
recorded for every duty answer that names units). Candidates smallest first, so a tie keeps the
one that refuses less; same objective, ceiling and folds.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from zhengce.eval.tuning import SIGNAL_CEILING, cross_validate
from zhengce.index.calibration import Calibration
from zhengce.index.store import load_index
from zhengce.search.answer_type import evidence, question_type, states

CANDIDATES = (5, 4, 3, 2, 1)  # largest first: a tie keeps the one that refuses less
DUTY_CANDIDATES = (0.0, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)  # smallest first, likewise


def vetoes(rows: list[dict], index) -> list[dict]:
    """Each row with ``stated``: for a typed question, whether its first k clauses state the
    asked kind, for k = 1..5 (True for a question that is not typed)."""
    out = []
    for r in rows:
        rule = question_type(r["question"], r["intent"])
        found = [evidence(c) for c in index.clauses([index.row_of(t["clause_id"]) for t in r["top"]])]
        stated = {k: rule is None or states(rule, found[:k]) for k in CANDIDATES}
        out.append(dict(r, stated=stated))
    return out


def refused(row: dict, k: int, threshold: float) -> bool:
    return row["confidence"] < threshold or not row["stated"][k]


def _shares(rows: list[dict], is_refused) -> tuple[float, float]:
    """(share of unanswerables refused, share of answerable questions refused) by ``is_refused``;
    unit questions are answered by the directory and never refused."""
    none = [is_refused(r) for r in rows if r["type"] == "none"]
    answerable = [is_refused(r) for r in rows if r["type"] not in ("none", "unit")]
    return sum(none) / max(1, len(none)), sum(answerable) / max(1, len(answerable))


def rates(rows: list[dict], k: int, threshold: float) -> tuple[float, float]:
    """:func:`_shares` with the first ``k`` clauses read, at the confidence ``threshold``."""
    return _shares(rows, lambda r: refused(r, k, threshold))


def duty_refused(row: dict, floor: float) -> bool:
    """Refused with ``DUTY_COVERAGE`` at ``floor``: a row that reached the duty aggregation (it has
    ``unit_coverage``) is refused below the floor; any other row as the run answered it."""
    held = row.get("signals", {}).get("unit_coverage")
    return held < floor if held is not None else not row["answerable"]


def duty_rates(rows: list[dict], floor: float) -> tuple[float, float]:
    """:func:`_shares` with the duty-coverage ``floor``."""
    return _shares(rows, lambda r: duty_refused(r, floor))


def choose(rows: list[dict], candidates: tuple, rate, label: str):
    """Print the CV choice among ``candidates`` on the dev rows (``rate(rows, candidate)`` gives
    the two shares, ``label`` names a candidate's line), and the test rows at the choice."""
    dev = [r for r in rows if r["split"] == "dev"]

    def balanced(rs, candidate):
        none, answerable = rate(rs, candidate)
        return 0.5 * none + 0.5 * (1.0 - answerable)

    def objective(rs, candidate):
        return balanced(rs, candidate) - (1.0 if rate(rs, candidate)[1] > SIGNAL_CEILING else 0.0)

    result = cross_validate(dev, list(candidates), objective, measure=balanced)
    for candidate in candidates:
        none, answerable = rate(dev, candidate)
        print(f"{label} {candidate}: dev unanswerables refused {none:.3f}, answerable refused {answerable:.3f}")
    print(f"chosen: {result.chosen} (folds chose {list(result.fold_choices)}); held-out balanced accuracy "
          f"{result.estimate:.3f} ± {result.spread:.3f}")
    test = [r for r in rows if r["split"] == "test"]
    if test:
        none, answerable = rate(test, result.chosen)
        print(f"test at the choice (reported, not used): unanswerables refused {none:.3f}, "
              f"answerable refused {answerable:.3f}")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m zhengce.eval.answer_type_cv", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("rows", nargs="?", default="var/eval/questions.hybrid.jsonl",
                        help="an eval run's hybrid rows (default: %(default)s)")
    parser.add_argument("--index", default="var/eval-index-mixed", help="the index the run read (default: %(default)s)")
    args = parser.parse_args(argv)
    index = load_index(args.index)
    threshold = Calibration.from_dict(index.calibration).threshold
    rows = vetoes([json.loads(line) for line in Path(args.rows).read_text(encoding="utf-8").splitlines() if line],
                  index)
    choose(rows, CANDIDATES, lambda rs, k: rates(rs, k, threshold), "top")
    choose(rows, DUTY_CANDIDATES, duty_rates, "duty coverage")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
