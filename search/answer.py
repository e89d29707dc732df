"""Answers: who is responsible, a unit's tasks, and "not found".

:class:`Answerer` runs components with one job each::

    intent ──▶ retrieval (SearchEngine) ──▶ answerability ──▶ duty aggregation ──▶ Answer

* intent (:mod:`zhengce.search.intent`): duty, unit or find, and the topic;
* answerability (:mod:`zhengce.search.answerability`): refuse when the corpus
  does not address the topic;
* duty aggregation (:mod:`zhengce.search.duty`): the units, each backed by its
  clauses, and the sentence that cites them.

A question naming a unit ("市科技局负责哪些工作") lists that unit's clauses. A question
comparing years ("2015年和2024年对科技金融的要求有什么不同") gets the closest clause of each
year side by side, differences marked (:mod:`zhengce.search.compare`).

Citations stay in score order (what a reader sees is ranked as scored); those that back the
answer's units are flagged ``cited``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from operator import itemgetter

import numpy as np

from zhengce.index.contract import Filters
from zhengce.index.model import LEAD, SUPPORT
from zhengce.search.answer_type import question_type
from zhengce.search.answerability import Answerability
from zhengce.search.compare import COMPARE, compare_years, comparison_years
from zhengce.search.duty import UnitAnswer, aggregate_units, clause_ref, duty_sentence, short_title
from zhengce.search.engine import SearchEngine
from zhengce.search.hits import Hit
from zhengce.search.intent import DUTY, UNIT, detect
from zhengce.search.query import cut_query

DUTY_CANDIDATES = 10
# A duty answer names units only from clauses that hold the topic: when the best of the clauses
# backing its units covers less than this share of the topic's idf-weighted tokens
# (:meth:`Answerability.held`, the answer's ``unit_coverage`` signal), the units belong to another
# matter and the question is refused. Off (0.0), as chosen by ``python -m zhengce.eval.answer_type_cv``
# on the 273 dev questions (Round 13): the folds chose 0.0, 0.35, 0.35, 0.0, 0.35, and the whole
# of dev 0.0 (held-out balanced accuracy 0.953 ± 0.020): the floor that refuses "互联网医院的审批和
# 监管归哪个部门负责" also refuses "河长制湖长制工作激励归哪些部门".
DUTY_COVERAGE = 0.0
UNIT_CITATIONS = 50


@dataclass
class Answer:
    question: str
    intent: str
    answerable: bool
    answer: str
    units: list[UnitAnswer]
    citations: list[Hit]
    confidence: float
    took_ms: float = 0.0
    topic: str = ""
    groups: list[dict] = field(default_factory=list)
    signals: dict[str, float] = field(default_factory=dict)
    note: str | None = None  # set when the question was cut (search/query.py)

    @property
    def cited(self) -> set[str]:
        """Ids of the clauses that back the answer's units."""
        return {cid for u in self.units for cid in u.clause_ids}

    def to_dict(self) -> dict:
        cited = self.cited
        note = {"note": self.note} if self.note else {}
        return {**note, "question": self.question, "intent": self.intent, "answerable": self.answerable,
                "answer": self.answer, "confidence": round(self.confidence, 4),
                "signals": {k: round(v, 4) for k, v in self.signals.items()},
                "units": [u.to_dict() for u in self.units],
                "citations": [dict(h.to_dict(), weak=not self.answerable, cited=h.clause.id in cited)
                              for h in self.citations],
                "groups": self.groups, "took_ms": round(self.took_ms, 2)}


class Answerer:
    """Answers questions on top of a :class:`SearchEngine` (hybrid retrieval by default)."""

    def __init__(self, engine: SearchEngine, k: int = 10, mode: str = "hybrid",
                 answerability: Answerability | None = None):
        self.engine = engine
        self.k = k
        self.mode = mode
        self.answerability = answerability or Answerability(engine)

    def ask(self, question: str, k: int | None = None, mode: str | None = None,
            filters: Filters | None = None) -> Answer:
        t0 = time.perf_counter()
        question, note = cut_query(question)  # before tokenizing and embedding: bounded cost
        k = k or self.k
        intent = detect(question, self.engine.index.unit_spellings())
        years = comparison_years(question)
        if years and intent.kind != UNIT:
            answer = self.compare_answer(question, years, mode or self.mode, filters)
        elif intent.kind == UNIT:
            answer = self.unit_answer(question, intent.unit, k, filters=filters)
        else:
            answer = self._topic_answer(question, intent.kind, intent.topic, k, mode or self.mode, filters)
        answer.took_ms = (time.perf_counter() - t0) * 1000
        answer.note = note
        return answer

    def _topic_answer(self, question, kind, topic, k, mode, filters) -> Answer:
        result = self.engine.search(topic, k=max(k, DUTY_CANDIDATES), mode=mode, filters=filters,
                                    intent=kind if kind == DUTY else None)
        hits = result.hits
        judgement = self.answerability.judge(topic, result.ranked, answer_type=question_type(question, kind))
        if not (judgement.answerable and hits):
            text = "未找到能回答该问题的条款。以下为最接近的条款，仅供参考。" if hits else "未找到相关条款。"
            if hits and judgement.unstated:
                text = f"最接近的条款未写明{judgement.unstated}，无法回答。以下条款仅供参考。"
            return Answer(question, kind, False, text, [], hits[:3], judgement.confidence, topic=topic,
                          signals=judgement.signals)
        units: list[UnitAnswer] = []
        signals = judgement.signals
        if kind == DUTY:
            idx = self.engine.index
            units = aggregate_units(hits, focus=set(idx.query_tokens(topic)), tokenize=idx.query_tokens,
                                   topic=topic, source=lambda c: idx.original(c.doc_id)[c.start:c.end])
            cited = {cid for u in units for cid in u.clause_ids}
            if units:
                backing = [h.clause for h in hits if h.clause.id in cited]
                signals = {**signals, "unit_coverage": self.answerability.held(topic, backing)}
                if signals["unit_coverage"] < DUTY_COVERAGE:
                    text = "最接近的条款未写明该事项的责任单位，无法回答。以下条款仅供参考。"
                    return Answer(question, kind, False, text, [], hits[:3], judgement.confidence,
                                  topic=topic, signals=signals)
            text = duty_sentence(units, hits) if units else "相关条款未写明责任单位。"
            # Citations stay in score order; a unit's clauses past the first k are kept too.
            shown = hits[:k]
            hits = shown + [h for h in hits[k:] if h.clause.id in cited]
        else:
            top = hits[0].clause
            text = f"最相关的条款是《{short_title(top)}》{clause_ref(top)}：{top.title}。"
            hits = hits[:k]
        return Answer(question, kind, True, text, units, hits, judgement.confidence, topic=topic,
                      signals=signals)

    def compare_answer(self, question: str, years: list[int], mode: str, filters: Filters | None) -> Answer:
        """The closest clause of each year, side by side, differences marked (see compare.py)."""
        topic, per_year = compare_years(self.engine, question, years, filters, mode)
        found = [y for y in per_year if y.hit is not None]
        judgement = self.answerability.judge(topic)
        answerable = judgement.answerable and len(found) >= 2
        if answerable:
            parts = [f"{y.year}年《{short_title(y.hit.clause)}》{clause_ref(y.hit.clause)}" for y in found]
            text = f"关于“{topic}”，逐年最接近的条款：" + "；".join(parts) + "。不同之处已标出。"
        else:
            missing = [str(y.year) for y in per_year if y.hit is None]
            text = (f"{'、'.join(missing)}年没有相关文件，无法比较。" if missing and judgement.answerable
                    else "未找到能回答该问题的条款。")
        hits = sorted((y.hit for y in found), key=lambda h: -h.score)
        return Answer(question, COMPARE, answerable, text, [], hits, judgement.confidence, topic=topic,
                      groups=[y.to_dict() for y in per_year], signals=judgement.signals)

    def unit_answer(self, question: str, unit: str, k: int, limit: int = UNIT_CITATIONS,
                    filters: Filters | None = None) -> Answer:
        """All clauses naming the unit, grouped by document, newest first, lead roles first.

        Groups list every clause id; citations (with excerpts) are the first ``max(k, limit)``.
        """
        idx = self.engine.index
        rows, lead, stated = unit_postings(idx, idx.match_units(unit))
        allowed = idx.compile_filters(filters or Filters())
        if allowed is not None:
            keep = allowed[rows]
            rows, lead, stated = rows[keep], lead[keep], stated[keep]
        # newest first, then lead roles, then row order: arrays, never the clauses themselves
        order = np.lexsort((rows, ~lead, -idx.row_years()[rows].astype(np.int64)))
        rows, lead, stated = rows[order], lead[order], stated[order]
        ids = idx.clause_ids(rows)
        groups = _groups(idx, rows, lead, stated, ids)
        shown = rows[:max(k, limit)].tolist()
        hits = self.engine.hits.build(question, shown, [1.0 if x else 0.5 for x in lead[:len(shown)].tolist()])
        n_lead = int(lead.sum())
        text = (f"{unit}在{len(groups)}份文件的{len(rows)}条条款中被列为责任单位，其中牵头{n_lead}条。"
                if len(rows) else f"没有条款把{unit}列为责任单位。")
        units = [UnitAnswer(unit, LEAD if n_lead else SUPPORT, float(len(rows)), ids)]
        return Answer(question, UNIT, bool(len(rows)), text, units if len(rows) else [], hits,
                      1.0 if len(rows) else 0.0, topic=unit, groups=groups)


def _groups(idx, rows: np.ndarray, lead: np.ndarray, stated: np.ndarray, ids: list[str]) -> list[dict]:
    """The rows' clause ids by document, documents in order of their first row; in each, lead
    ids, then support ids (a stated 配合), then ids that only call the unit responsible, each in
    row order: one sort of arrays, one slice per document and role."""
    if not len(rows):
        return []
    doc_of = np.asarray(idx.row_docs())[rows]
    docs_in_order, first = np.unique(doc_of, return_index=True)
    rank = np.empty(int(docs_in_order.max()) + 1, np.int64)
    rank[docs_in_order[np.argsort(first)]] = np.arange(len(docs_in_order))
    group = rank[doc_of]
    role = np.where(lead, 0, np.where(stated, 1, 2))
    order = np.lexsort((np.arange(len(rows)), role, group))
    ids_sorted = list(itemgetter(*order.tolist())(ids)) if len(order) > 1 else [ids[0]]
    n = len(docs_in_order)
    bounds = np.searchsorted(group[order] * 3 + role[order], np.arange(3 * n + 1))
    docs = idx.documents()
    metas = [docs[d] for d in docs_in_order[np.argsort(first)].tolist()]
    return [{"doc_id": m.doc_id, "doc_title": m.cited_title, "date": m.date,
             "lead": ids_sorted[bounds[3 * g]:bounds[3 * g + 1]],
             "support": ids_sorted[bounds[3 * g + 1]:bounds[3 * g + 2]],
             "responsible": ids_sorted[bounds[3 * g + 2]:bounds[3 * g + 3]]}
            for g, m in enumerate(metas)]


def unit_postings(idx, names: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows naming any of ``names`` (ascending, once), whether one of them leads there, and
    whether one of them has its role stated there."""
    parts = [(*idx.unit_postings(n), idx.unit_stated(n)) for n in names]
    if not parts:
        return np.zeros(0, np.int64), np.zeros(0, bool), np.zeros(0, bool)
    if len(parts) == 1:
        return parts[0][0].astype(np.int64), parts[0][1].astype(bool), parts[0][2].astype(bool)
    rows = np.concatenate([p[0] for p in parts]).astype(np.int64)
    unique, inverse = np.unique(rows, return_inverse=True)
    flags = []
    for j in (1, 2):
        any_flag = np.zeros(len(unique), bool)
        np.logical_or.at(any_flag, inverse, np.concatenate([p[j] for p in parts]).astype(bool))
        flags.append(any_flag)
    return unique, flags[0], flags[1]


def unit_directory(engine: SearchEngine) -> list[dict]:
    """Every unit with its number of clauses as lead, as support (a stated 配合), and as only
    responsible (no role stated: "X负责…"), aliases already merged."""
    idx = engine.index
    row_docs = idx.row_docs()
    out = []
    for name in idx.unit_names():
        rows, lead = idx.unit_postings(name)
        stated = idx.unit_stated(name)
        n_lead = int(np.count_nonzero(lead))
        n_support = int(np.count_nonzero(stated & ~lead))
        out.append({"name": name, "lead": n_lead, "support": n_support,
                    "responsible": len(rows) - n_lead - n_support,
                    "documents": int(len(np.unique(row_docs[rows]))), "clauses": int(len(rows))})
    return sorted(out, key=lambda e: (-e["lead"], -e["clauses"], e["name"]))
