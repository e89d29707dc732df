"""Duty aggregation: which units are responsible for a matter, from the clauses that say so.

Retrieve the clauses matching the matter, keep those naming units, and weigh
each clause by its fused score relative to the best one (``w = s / s_best``);
clauses below ``DUTY_RELATIVE`` of the best are left out, so a weak match
never adds units. A unit's score is ``Σ w · role_weight`` over the clauses
naming it (``LEAD_WEIGHT`` 1.0, ``SUPPORT_WEIGHT`` 0.5). Each unit carries the
ids of the clauses naming it, so every unit in an answer is backed by a clause.

A clause of prose often gives each unit its own sentence ("国家医保局承担…；国家药监局负责对
通过一致性评价的品种…进行认定"). When ``focus`` tokens are given (the question's), a unit
whose sentences share fewer of them than the clause's best-matching unit's is weighed down
(:func:`sentence_focus`, floor ``FOCUS_FLOOR``); units named in one shared sentence (a task
list's "（责任单位：…）") are left as they are. A task list that closes each task with its own
parenthesis ("…审批流程。（公安部、水利部负责）建立…“黑名单”制度。（体育总局、公安部负责）") has
them moved out of ``Clause.text`` by the chunker; the stretches they close are read back from the
source (:func:`paren_scopes`) and weighed the same way. At equal weight, the units of the
best-matching stretch are listed first, in its order.

How the constants were chosen (``python -m zhengce.eval.duty_cv``, 5-fold CV on the 67 dev duty
questions of the mixed corpus, score = mean of top unit right and unit F1; each constant varied
with the others at their shipped values, and, with ``--joint``, all five together):

* ``DUTY_RELATIVE`` 0.8, chosen in four of five folds (the fifth chose 0.75) among 0.5–1.0:
  CV 0.922 against 0.917 at the 0.85 it had before, a value never chosen on dev. At 0.85 the
  flagship "谁负责科技成果转化" lost the city clause its label names once the corpus also held
  the State Council notices.
* ``FOCUS_FLOOR`` 0.0, chosen in all five folds: a unit whose own stretch shares none of the
  question's words, while another unit's stretch of the same clause does, is left out of that
  clause's contribution (0.917 against 0.911 for any floor in (0, 1) and 0.881 without focus,
  measured at the earlier cutoff).
* ``TITLE_BONUS`` (a clause whose title holds the topic verbatim) is off: its CV estimate (0.925)
  equals the dev score without it (in-sample 0.933 at 0.2). ``SUPPORT_WEIGHT`` and the answer's
  window (``answer.DUTY_CANDIDATES``) change no dev answer over 0.25–1.0 and 10–30. All of them
  varied together (``--joint``) hold out worse (0.918) than the cutoff alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from zhengce.index.cleaning import normalize
from zhengce.index.duty import PAREN
from zhengce.index.model import LEAD, LISTED, Clause, Unit
from zhengce.search.hits import Hit

LEAD_WEIGHT = 1.0
SUPPORT_WEIGHT = 0.5
DUTY_RELATIVE = 0.8
FOCUS_FLOOR = 0.0
TITLE_BONUS = 0.0
_SENTENCE = re.compile(r"[^。;；!?！？\n]+")


@dataclass
class UnitAnswer:
    """A unit of the duty answer. ``role_stated`` is false when no cited clause states the unit's
    role, only that it is responsible ("省司法厅负责…", basis ``listed``): its ``support`` role
    is the index's default, not the text's word, and it is shown as 负责, not 配合."""

    name: str
    role: str
    score: float
    clause_ids: list[str]
    role_stated: bool = True

    def to_dict(self) -> dict:
        return {"name": self.name, "role": self.role, "role_stated": self.role_stated,
                "score": round(self.score, 4), "clause_ids": self.clause_ids}

    @property
    def role_label(self) -> str:
        """牵头, 配合, or 负责 when no clause states a role."""
        return "牵头" if self.role == LEAD else "配合" if self.role_stated else "负责"


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


def _sentences(clause: Clause) -> list[str]:
    return [m.group(0) for m in _SENTENCE.finditer(clause.text)]


def _names(unit: Unit, text: str) -> bool:
    """Whether ``text`` names ``unit``, as written or by its canonical name."""
    return unit.written in text or unit.name in text


def paren_scopes(clause: Clause, source: str) -> list[str]:
    """The stretches of the clause's source that its unit parentheses close: a task list's
    "…。（公安部、水利部负责）…。（体育总局负责）" gives each parenthesis the text since the one
    before it, its own names included. The parentheses are not in ``Clause.text`` (the chunker
    moves them to ``Clause.units``), so they are read from the source, normalized as the chunker
    normalizes it."""
    norm = normalize(source)
    scopes, last = [], 0
    for m in PAREN.finditer(norm):
        if any(_names(u, m.group(0)) for u in clause.units):
            scopes.append(norm[last:m.end()])
            last = m.end()
    return scopes


def _placed(clause: Clause, pieces: list[str]) -> dict[str, list[int]] | None:
    """Unit name -> the pieces naming it; ``None`` unless the units sit in different pieces."""
    where = {u.name: [i for i, t in enumerate(pieces) if _names(u, t)] for u in clause.units}
    return where if len({tuple(v) for v in where.values() if v}) >= 2 else None


def sentence_focus(clause: Clause, focus: set[str], tokenize: Callable[[str], list[str]],
                   floor: float | None = None, source: Callable[[], str] | None = None) -> dict[str, float]:
    """Unit name -> weight in [floor, 1]: how much of ``focus`` the unit's own sentences hold,
    relative to the clause's best unit, in the order the units should be listed at equal
    weight (first named in the best-matching stretch first). The stretches are the text's
    sentences; where the units are not in the text, the :func:`paren_scopes` of ``source()``
    (the clause's source span, read only then). Empty when the units do not sit in different
    stretches."""
    floor = FOCUS_FLOOR if floor is None else floor
    if not focus:
        return {}
    pieces = _sentences(clause)
    where = _placed(clause, pieces)
    if where is None and source is not None and len(clause.units) > 1:
        pieces = paren_scopes(clause, source())
        where = _placed(clause, pieces)
    if where is None:
        return {}
    overlap = {i: len(focus & set(tokenize(pieces[i]))) for v in where.values() for i in v}
    best = max(overlap.values())
    if best == 0:
        return {}
    weight = {name: floor + (1 - floor) * (max(overlap[i] for i in v) / best if v else 1.0)
              for name, v in where.items()}

    def position(u) -> tuple[float, int, int]:
        v = where[u.name]
        if not v:
            return (-weight[u.name], len(pieces), 0)
        i = max(v, key=lambda j: (overlap[j], -j))
        return (-weight[u.name], i, min(p for p in (pieces[i].find(u.written), pieces[i].find(u.name)) if p >= 0))

    return {u.name: weight[u.name] for u in sorted(clause.units, key=position)}


def _title_has(clause: Clause, topic: str) -> bool:
    return len(topic) >= 4 and topic in re.sub(r"\s+", "", clause.title)


def aggregate_units(hits: list[Hit], relative: float | None = None, focus: set[str] | None = None,
                    tokenize: Callable[[str], list[str]] | None = None, topic: str = "",
                    title_bonus: float | None = None,
                    source: Callable[[Clause], str] | None = None) -> list[UnitAnswer]:
    """Ranked units from the clauses that name them (see the module docstring)."""
    with_units = [h for h in hits if h.clause.units]
    if not with_units:
        return []
    relative = DUTY_RELATIVE if relative is None else relative
    title_bonus = TITLE_BONUS if title_bonus is None else title_bonus
    topic = re.sub(r"\s+", "", topic)
    score = {h.clause.id: h.score + (title_bonus if _title_has(h.clause, topic) else 0.0) for h in with_units}
    with_units.sort(key=lambda h: -score[h.clause.id])
    best = score[with_units[0].clause.id]
    scores: dict[str, float] = {}
    roles: dict[str, str] = {}
    stated: dict[str, bool] = {}
    cited: dict[str, list[str]] = {}
    for h in with_units:
        w = score[h.clause.id] / best if best > 0 else 0.0
        if w < relative:
            continue
        span = (lambda c=h.clause: source(c)) if source else None
        factor = sentence_focus(h.clause, focus, tokenize, source=span) if focus and tokenize else {}
        order = {name: i for i, name in enumerate(factor)}
        for u in sorted(h.clause.units, key=lambda u: order.get(u.name, 0)):
            weight = (LEAD_WEIGHT if u.role == LEAD else SUPPORT_WEIGHT) * factor.get(u.name, 1.0)
            if weight <= 0:
                continue
            scores[u.name] = scores.get(u.name, 0.0) + w * weight
            if u.role == LEAD or u.name not in roles:
                roles[u.name] = u.role
            stated[u.name] = stated.get(u.name, False) or u.role == LEAD or u.basis != LISTED
            cited.setdefault(u.name, []).append(h.clause.id)
    order = sorted(scores, key=lambda n: (-scores[n], roles[n] != LEAD))
    return [UnitAnswer(n, roles[n], scores[n], cited[n], stated[n]) for n in order]


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
