"""Answerability: does the corpus address the question at all?

Signals that do not grow with the corpus (see :mod:`zhengce.index.calibration`), combined
with the weights and threshold the index was built with (its manifest's ``answerability``)::

    confidence = Σ weight_f · signal_f        answerable when confidence >= threshold

* ``coverage`` — the idf-weighted share of the query's tokens held by the best of the top
  three clauses (the query as typed and as the index rewrites it; the better of the two);
* ``dense_pct`` / ``lexical_pct`` — top cosine and top BM25 score per token, as percentiles
  of the index's own background;
* ``agreement`` — BM25 and dense agree on the top clause (1), overlap in their top five (0.5);
* ``answer_type`` — only for a question that asks for a kind of fact (an amount, a time span, a
  procedure…, or a year's matter, :mod:`zhengce.search.answer_type`): 1 when the top clause
  (``ANSWER_TYPE_TOP``) states one, else 0. It is a veto, not a weight: a question whose clause
  states no fact of the kind it asks for is refused whatever its confidence ("未写明金额",
  "未写明2017年的金额").

The top scores are taken from the retrieval the answer already ran when it has them. An index
built before the signals answers with its stored formula (``LegacyCalibration``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from zhengce.index.calibration import Calibration, LegacyCalibration
from zhengce.search.answer_type import AnswerType, evidence, states
from zhengce.search.engine import Ranked, SearchEngine

COVERAGE_TOP = 3
AGREEMENT_TOP = 5
# How many top clauses the answer-type check reads: chosen by 5-fold CV on the dev split
# (``python -m zhengce.eval.answer_type_cv``). Round 13, on 273 dev questions with the re-chosen
# calibration and the post, day, subsidy-form and grade checks: 2 in three of five folds (1 in
# two), held-out balanced accuracy 0.950 ± 0.018 (one clause refuses 0.962 of the 78 unanswerables
# and 0.048 of answerable questions, over the 4 % ceiling; two 0.949 and 0.037). Round 12 had chosen
# 2, Round 11 1, Round 8 2 (eval/ABLATION.md).
ANSWER_TYPE_TOP = 2


@dataclass(frozen=True)
class Judgement:
    confidence: float
    answerable: bool
    signals: dict[str, float] = field(default_factory=dict)
    unstated: str | None = None  # the kind of fact asked for that no top clause states ("金额")


def coverage(index, query_tokens: list[str], clause_tokens: set[str]) -> float:
    """The idf-weighted share of ``query_tokens`` found in ``clause_tokens`` (0 for no tokens)."""
    tokens = list(dict.fromkeys(query_tokens))
    if not tokens:
        return 0.0
    idf = index.bm25_idf(tokens)
    held = np.array([t in clause_tokens for t in tokens], bool)
    total = float(idf.sum())
    return float(idf[held].sum() / total) if total > 0 else 0.0


class Answerability:
    """Scores a topic against the index; ``threshold`` can be overridden per call."""

    def __init__(self, engine: SearchEngine, calibration: Calibration | LegacyCalibration | None = None):
        self.engine = engine
        self.calibration = calibration or Calibration.from_dict(engine.index.calibration)

    def _ranked(self, topic: str, ranked: Ranked | None) -> Ranked:
        if ranked is None or {"bm25", "dense"} - set(ranked.lists):
            ranked = self.engine.rank(topic, COVERAGE_TOP, "hybrid")
        return ranked

    def signals(self, topic: str, ranked: Ranked | None = None,
                answer_type: AnswerType | None = None) -> dict[str, float]:
        """The signals of ``topic``; with ``answer_type``, also whether a top clause states one."""
        index, cal = self.engine.index, self.calibration
        ranked = self._ranked(topic, ranked)
        rewritten = self.engine.query_text(topic)
        top = index.clauses(ranked.rows[:COVERAGE_TOP].tolist())
        best = self.held(topic, top, rewritten)
        typed = {} if answer_type is None else {
            "answer_type": float(states(answer_type, map(evidence, top[:ANSWER_TYPE_TOP])))}
        b_rows, b_scores = ranked.lists["bm25"]
        d_rows, d_scores = ranked.lists["dense"]
        n_tokens = max(1, len(index.query_tokens(rewritten)))
        lexical = float(b_scores[0]) / n_tokens if len(b_scores) else 0.0
        dense = float(d_scores[0]) if len(d_scores) else 0.0
        agree = 0.0
        if len(b_rows) and len(d_rows):
            if b_rows[0] == d_rows[0]:
                agree = 1.0
            elif b_rows[0] in d_rows[:AGREEMENT_TOP] and d_rows[0] in b_rows[:AGREEMENT_TOP]:
                agree = 0.5
        if isinstance(cal, LegacyCalibration):
            return {"coverage": best, "dense_top": dense, "lexical_top": lexical, "agreement": agree,
                    **typed}
        return {"coverage": best, "dense_pct": cal.percentile("dense_pct", dense),
                "lexical_pct": cal.percentile("lexical_pct", lexical), "agreement": agree,
                "dense_top": dense, "lexical_top": lexical, **typed}

    def held(self, topic: str, clauses, rewritten: str | None = None) -> float:
        """The best :func:`coverage` of ``topic`` (as typed and as the index rewrites it) by one
        of ``clauses``: its last two path titles, titled text and unit names (0 for none)."""
        index = self.engine.index
        rewritten = self.engine.query_text(topic) if rewritten is None else rewritten
        asked = [index.query_tokens(topic), index.query_tokens(rewritten)]
        best = 0.0
        for clause in clauses:
            words = set(index.query_tokens(" ".join((*clause.path[-2:], clause.titled_text,
                                                     *clause.unit_names()))))
            best = max([best] + [coverage(index, q, words) for q in asked])
        return best

    def confidence(self, topic: str, ranked: Ranked | None = None) -> float:
        return self.judge(topic, ranked).confidence

    def judge(self, topic: str, ranked: Ranked | None = None, threshold: float | None = None,
              answer_type: AnswerType | None = None) -> Judgement:
        """Answer or refuse ``topic``; with ``answer_type`` (the question's,
        :func:`~zhengce.search.answer_type.question_type`), refused if no top clause states a fact
        of that type, whatever the confidence."""
        cal = self.calibration
        signals = self.signals(topic, ranked, answer_type)
        if isinstance(cal, LegacyCalibration):
            confidence = signals["lexical_top"] + (signals["dense_top"] - cal.cos_floor) * cal.cos_scale
        else:
            confidence = cal.confidence(signals)
        limit = cal.threshold if threshold is None else threshold
        unstated = answer_type.missing if signals.get("answer_type") == 0.0 else None
        return Judgement(confidence, confidence >= limit and unstated is None, signals, unstated)
