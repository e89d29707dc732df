"""Dev CV of the duty answer's constants: python -m zhengce.eval.duty_cv [--joint].

The duty answer (:mod:`zhengce.search.duty`) weighs each unit by its clause's fused score. This
script chooses its constants (``CONSTANTS``) on the dev split of the mixed corpus:

* ``DUTY_RELATIVE`` — a clause scoring below this share of the best clause naming units adds
  no units;
* ``TITLE_BONUS`` — added to the score of a clause whose own title contains the question's
  topic verbatim ("加强科技成果转化服务力度" for "谁负责科技成果转化");
* ``FOCUS_FLOOR`` — the weight left to a unit whose own sentence (or task stretch) holds none of
  the question's words while another unit of the same clause has one that does (0: left out);
* ``SUPPORT_WEIGHT`` — a supporting unit's weight against a lead's 1;
* ``DUTY_CANDIDATES`` (:mod:`zhengce.search.answer`) — how many hits the answer reads.

Each constant is varied with the others at their shipped values (``--joint``: all together).
Every dev duty question is answered once per candidate (its retrieval runs once per window and
is reused: the other constants act after it); a candidate's score is the mean of "top unit
right" and unit F1, and it is chosen by 5-fold cross-validation
(:func:`zhengce.eval.tuning.cross_validate`). Test questions are answered at the choice and only
printed. Needs the mixed index: run ``zhengce eval --corpus mixed`` first.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
from unittest import mock

from zhengce.eval import metrics
from zhengce.eval.data import read_questions, select
from zhengce.eval.runner import expected_units
from zhengce.eval.tuning import cross_validate, mean_score
from zhengce.search import answer, duty
from zhengce.search.answer import Answerer
from zhengce.search.engine import SearchEngine

# The constants tried: name -> (module, attribute, candidates). Each is read when an answer is made.
CONSTANTS = {
    "relative": (duty, "DUTY_RELATIVE", (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0)),
    "title bonus": (duty, "TITLE_BONUS", (0.0, 0.1, 0.2, 0.3)),
    "focus floor": (duty, "FOCUS_FLOOR", (0.0, 0.25, 0.5, 0.75, 1.0)),
    "support weight": (duty, "SUPPORT_WEIGHT", (0.25, 0.5, 0.75, 1.0)),
    "window": (answer, "DUTY_CANDIDATES", (10, 15, 20, 30)),
}


class CachedSearch:
    """An engine whose ``search`` answers a repeated call from memory (the constants tried here
    act after retrieval, so each question's retrieval runs once per window)."""

    def __init__(self, engine: SearchEngine):
        self._engine = engine
        self._memo: dict = {}

    def __getattr__(self, name):
        return getattr(self._engine, name)

    def search(self, query, **kwargs):
        key = (query, tuple(sorted((k, repr(v)) for k, v in kwargs.items())))
        if key not in self._memo:
            self._memo[key] = self._engine.search(query, **kwargs)
        return self._memo[key]


def shipped(constants: dict = CONSTANTS) -> tuple:
    """The values the answer uses now, in the order of ``constants``."""
    return tuple(getattr(module, attr) for module, attr, _ in constants.values())


def families(constants: dict = CONSTANTS, joint: bool = False) -> dict[str, list[tuple]]:
    """The candidate sets compared: each constant alone, the others at their shipped values.

    A set whose CV estimate does not beat the shipped values' dev score (no choice made, so
    nothing to hold out) gives no reason to change. With ``joint``, also the grid of all of them
    together (a larger grid that holds out worse than a one-constant set has overfitted).
    """
    now = shipped(constants)
    out = {name: [now[:i] + (v,) + now[i + 1:] for v in values]
           for i, (name, (_, _, values)) in enumerate(constants.items())}
    if joint:
        out["all together"] = list(itertools.product(*(values for _, _, values in constants.values())))
    return out


def score_question(answerer: Answerer, question, values: tuple, constants: dict = CONSTANTS) -> float:
    """Mean of top-unit-right and unit F1 for one duty question under one set of values."""
    with contextlib.ExitStack() as stack:
        for (module, attr, _), value in zip(constants.values(), values, strict=True):
            stack.enter_context(mock.patch.object(module, attr, value))
        answer = answerer.ask(question.question)
    predicted = [u.name for u in answer.units] if answer.answerable else []
    expected = expected_units(question)
    top = float(bool(predicted) and predicted[0] == expected[0])
    return (top + metrics.prf(predicted, expected)[2]) / 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     epilog="example: python -m zhengce.eval.duty_cv --index var/eval-index-mixed")
    parser.add_argument("--index", default="var/eval-index-mixed", help="the mixed corpus's index")
    parser.add_argument("--joint", action="store_true",
                        help="also the grid of all the constants together (minutes, not seconds)")
    args = parser.parse_args(argv)
    engine = CachedSearch(SearchEngine.open(args.index))
    answerer = Answerer(engine)
    fams = families(joint=args.joint)
    candidates = sorted({t for values in fams.values() for t in values})
    questions = [q for q in select(read_questions(), "mixed", "all") if q.type == "duty"]
    rows = [{"id": q.id, "type": q.type, "split": q.split,
             "scores": {t: score_question(answerer, q, t) for t in candidates}} for q in questions]
    dev = [r for r in rows if r["split"] == "dev"]
    test = [r for r in rows if r["split"] == "test"]
    report = {"constants": list(CONSTANTS), "questions": {"dev": len(dev), "test": len(test)},
              "shipped": str(shipped()), "shipped, dev (in-sample, no choice made)": round(mean_score()(dev, shipped()), 4),
              "families": {}}
    for name, family in fams.items():
        cv = cross_validate(dev, family, mean_score())
        report["families"][name] = {
            "chosen": str(cv.chosen), "dev CV estimate": round(cv.estimate, 4),
            "± over folds": round(cv.spread, 4), "fold choices": [str(c) for c in cv.fold_choices],
            "test at the choice (reported only)": round(mean_score()(test, cv.chosen), 4),
            "dev, in-sample": {str(t): round(v, 4) for t, v in cv.curve.items()}}
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
