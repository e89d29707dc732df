"""Duty aggregation: which units are responsible for a matter, from the clauses that say so.

Retrieve the clauses matching the matter, keep those naming units, and weigh
each clause by its fused score relative to the best one (``w = s / s_best``);
clauses below ``DUTY_RELATIVE`` of the best are left out, so a weak match
never adds units. A unit's score is ``Σ w · role_weight`` over the clauses
naming it (``LEAD_WEIGHT`` 1.0, ``SUPPORT_WEIGHT`` 0.5). Each unit carries the
ids of the clauses naming it, so every unit in an answer is backed by a clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zhengce.index.model import LEAD, Clause
from zhengce.search.hits import Hit

LEAD_WEIGHT = 1.0
SUPPORT_WEIGHT = 0.5
DUTY_RELATIVE = 0.85


@dataclass
class UnitAnswer:
    name: str
    role: str
    score: float
    clause_ids: list[str]

    def to_dict(self) -> dict:
        return {"name": self.name, "role": self.role, "score": round(self.score, 4),
                "clause_ids": self.clause_ids}


def short_title(clause: Clause) -> str:
    """《…》 name of the clause's notice: the inner title if the notice forwards one."""
    doc = clause.doc
    if doc is not None and doc.title_source == "file":
        return doc.cited_title or clause.doc_id
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


def duty_phrase(clause: Clause) -> str:
    """"由X牵头，会同Y、Z" where the clause names a lead; "由Y、Z负责" where it names none."""
    leads, support = clause.unit_names(LEAD), [n for n in clause.unit_names() if n not in clause.unit_names(LEAD)]
    if not leads:
        return f"由{'、'.join(support)}负责"
    return f"由{'、'.join(leads)}牵头" + (f"，会同{'、'.join(support)}" if support else "")


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
            text = duty_phrase(clause)
            source = f"《{short_title(clause)}》" if clause.doc and clause.doc.title else f"未命名文件（{clause.doc_id}）"
            parts.append(f"{text}（{source}{clause_ref(clause)}）")
    if not parts:
        return ""
    return "主要" + "；".join(parts[:3]) + "。"
