"""Dev CV of the duty answer's two constants: python -m zhengce.eval.duty_cv.

The duty answer (:mod:`zhengce.search.duty`) weighs each unit by its clause's fused score,
and has two constants this script chooses on the dev split of the mixed corpus:

* ``TITLE_BONUS`` — added to the score of a clause whose own title contains the question's
  topic verbatim ("加强科技成果转化服务力度" for "谁负责科技成果转化");
* ``FOCUS_FLOOR`` — the weight left to a unit whose own sentence (or task stretch) holds none of
  the question's words while another unit of the same clause has one that does (0: left out).

For every pair of candidates each dev duty question is answered once; a pair's score is the mean
of "top unit right" and unit F1, and the pair is chosen by 5-fold cross-validation
(:func:`zhengce.eval.tuning.cross_validate`). Test questions are answered with the chosen pair
and only printed. Needs the mixed index: run ``zhengce eval --corpus mixed`` first.
"""

from __future__ import annotations

import argparse
import itertools
import json
from unittest import mock

from zhengce.eval import metrics
from zhengce.eval.data import read_questions, select
from zhengce.eval.runner import expected_units
from zhengce.eval.tuning import cross_validate, mean_score
from zhengce.search import duty
from zhengce.search.answer import Answerer
from zhengce.search.engine import SearchEngine

BONUSES = (0.0, 0.1, 0.2, 0.3)
FLOORS = (0.0, 0.25, 0.5, 0.75, 1.0)


def score_question(answerer: Answerer, question, bonus: float, floor: float) -> float:
    """Mean of top-unit-right and unit F1 for one duty question under one pair of constants."""
    with mock.patch.object(duty, "TITLE_BONUS", bonus), mock.patch.object(duty, "FOCUS_FLOOR", floor):
        answer = answerer.ask(question.question)
    predicted = [u.name for u in answer.units] if answer.answerable else []
    expected = expected_units(question)
    top = float(bool(predicted) and predicted[0] == expected[0])
    return (top + metrics.prf(predicted, expected)[2]) / 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     epilog="example: python -m zhengce.eval.duty_cv --index var/eval-index-mixed")
    parser.add_argument("--index", default="var/eval-index-mixed", help="the mixed corpus's index")
    args = parser.parse_args(argv)
    engine = SearchEngine.open(args.index)
    answerer = Answerer(engine)
    pairs = list(itertools.product(BONUSES, FLOORS))
    questions = [q for q in select(read_questions(), "mixed", "all") if q.type == "duty"]
    rows = [{"id": q.id, "type": q.type, "split": q.split,
             "scores": {p: score_question(answerer, q, *p) for p in pairs}} for q in questions]
    dev = [r for r in rows if r["split"] == "dev"]
    cv = cross_validate(dev, pairs, mean_score())
    test = [r for r in rows if r["split"] == "test"]
    report = {"chosen (title bonus, focus floor)": cv.chosen, "dev CV estimate": round(cv.estimate, 4),
              "fold choices": cv.fold_choices, "dev curve": {str(p): round(v, 4) for p, v in cv.curve.items()},
              "test at the choice (reported only)": round(mean_score()(test, cv.chosen), 4),
              "questions": {"dev": len(dev), "test": len(test)}}
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
