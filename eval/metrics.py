"""Metrics: ranking measures through ir_measures, plus unit and answerability measures.

Ranking: nDCG@10 (graded), Recall@5 and Recall@10 and MRR@10 (relevance >= 1).
Duty: precision, recall and F1 of the answer's units against the labeled ones
(macro-averaged over questions). Answerability: the share of "none" questions
answered "not found", and the share of answerable questions wrongly refused.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import ir_measures
from ir_measures import RR, R, nDCG

RANKING_MEASURES = {"nDCG@10": nDCG @ 10, "R@5": R @ 5, "R@10": R @ 10, "MRR@10": RR @ 10}


def ranking(qrels: dict[str, dict[str, int]], run: dict[str, list[tuple[str, float]]],
            qids: Iterable[str]) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """Aggregate and per-question ranking measures over the given questions."""
    qids = [q for q in qids if qrels.get(q)]
    if not qids:
        return {name: 0.0 for name in RANKING_MEASURES}, {}
    qrel_list = [ir_measures.Qrel(q, d, g) for q in qids for d, g in qrels[q].items()]
    run_list = [ir_measures.ScoredDoc(q, d, float(s)) for q in qids for d, s in run.get(q, [])]
    measures = list(RANKING_MEASURES.values())
    per: dict[str, dict[str, float]] = {q: {name: 0.0 for name in RANKING_MEASURES} for q in qids}
    names = {str(m): n for n, m in RANKING_MEASURES.items()}
    for m in ir_measures.iter_calc(measures, qrel_list, run_list):
        per[m.query_id][names[str(m.measure)]] = float(m.value)
    agg = {name: sum(p[name] for p in per.values()) / len(per) for name in RANKING_MEASURES}
    return agg, per


def prf(predicted: Iterable[str], expected: Iterable[str]) -> tuple[float, float, float]:
    p_set, e_set = set(predicted), set(expected)
    if not p_set and not e_set:
        return 1.0, 1.0, 1.0
    tp = len(p_set & e_set)
    precision = tp / len(p_set) if p_set else 0.0
    recall = tp / len(e_set) if e_set else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def vetoed(row: dict) -> bool:
    """Whether the answer type refused the row's answer (``signals.answer_type`` 0): its clauses
    state no fact of the kind its question asks for, so it is refused at every threshold."""
    return (row.get("signals") or {}).get("answer_type") == 0.0


def answer_confidence(row: dict) -> float:
    """The confidence a threshold is compared with: minus infinity for a vetoed answer."""
    return -math.inf if vetoed(row) else row["confidence"]
