"""The duty matrix (责任分工表): each task of a notice with its lead and supporting units and deadline.

An office supervising implementation (督查) works from this table. ``duty_rows``
builds it in one place, through the index contract only; the renderers
(JSON, CSV, XLSX) live in :mod:`zhengce.api.export` and the command line and
the API both use them.

The lead column holds the units named as lead or, when a clause names no lead, the units
it names as responsible without stating a role ("X负责…"); the supporting column the rest.

A row is a clause that names at least one responsible unit, in reading order
within each notice, notices in the order asked (all notices by id when none
is named). With a unit, only the clauses naming it (its aliases and partial
spellings included, as everywhere else) are kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from urllib.parse import quote

from zhengce.index.contract import FilterError, IndexReader
from zhengce.index.model import LEAD, LISTED, Clause

# Column keys and their headers, in order. ``link`` opens the clause on the web page.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("number", "序号"), ("task", "任务"), ("lead", "牵头单位"), ("support", "配合单位"),
    ("deadline", "完成时限"), ("doc_title", "文件标题"), ("doc_number", "文号"),
    ("path", "条款位置"), ("link", "链接"),
)
TASK_CHARS = 60  # a clause without a title is named by the start of its text


@dataclass(frozen=True)
class DutyRow:
    number: str
    task: str
    lead: str
    support: str
    deadline: str
    doc_title: str
    doc_number: str
    path: str
    link: str
    doc_id: str
    clause_id: str

    def to_dict(self) -> dict:
        return asdict(self)

    def cells(self) -> list[str]:
        """The values of :data:`COLUMNS`, in order."""
        return [getattr(self, key) for key, _ in COLUMNS]


def deadline_text(clause: Clause) -> str:
    """The clause's deadline as written (``Clause.deadline.raw``), or "" when it states none."""
    deadline = getattr(clause, "deadline", None)
    if deadline is None:
        return ""
    raw = getattr(deadline, "raw", None)
    return str(raw if raw else deadline)


def clause_link(doc_id: str, clause_id: str, base_url: str = "") -> str:
    """The web page's route to the clause in its notice, optionally made absolute."""
    route = f"/#/doc/{quote(doc_id, safe='')}?clause={quote(clause_id, safe='')}"
    return base_url.rstrip("/") + route


def _task(clause: Clause) -> str:
    if clause.title:
        return clause.title
    text = clause.text.strip()
    return text[:TASK_CHARS] + ("…" if len(text) > TASK_CHARS else "")


def _leads(clause: Clause) -> list[str]:
    """The lead column: the units the clause names as lead; when it names none, the units it
    names as responsible without a role ("省司法厅负责…", basis ``listed``), since a task's
    only responsible unit is not its supporter. Units named as supporting stay supporting."""
    leads = [u.name for u in clause.units if u.role == LEAD]
    return leads or [u.name for u in clause.units if u.basis == LISTED]


def duty_row(clause: Clause, base_url: str = "") -> DutyRow:
    leads = _leads(clause)
    support = [u.name for u in clause.units if u.name not in leads]
    doc = clause.doc
    return DutyRow(
        number=clause.number.rstrip("、.．") or "", task=_task(clause), lead="、".join(leads),
        support="、".join(support), deadline=deadline_text(clause),
        doc_title=(doc.cited_title if doc else None) or clause.doc_id,
        doc_number=(doc.doc_number if doc else None) or "", path=" > ".join(clause.path),
        link=clause_link(clause.doc_id, clause.id, base_url), doc_id=clause.doc_id, clause_id=clause.id)


def duty_rows(index: IndexReader, docs: Sequence[str] = (), unit: str | None = None,
              base_url: str = "") -> list[DutyRow]:
    """The duty matrix of the notices ``docs`` (all when empty), optionally of one unit.

    Raises :class:`FilterError` for a document or a unit the index does not know.
    """
    wanted = list(dict.fromkeys(d for d in docs if d))
    unknown = [d for d in wanted if index.document(d) is None]
    if unknown:
        raise FilterError(f"no document {', '.join(repr(d) for d in unknown)}")
    names: set[str] | None = None
    if unit:
        names = set(index.match_units(unit))
        if not names:
            raise FilterError(f"no clause names the unit {unit!r}")
    doc_ids = wanted or [m.doc_id for m in index.documents()]
    rows = []
    for doc_id in doc_ids:
        for clause in index.tree(doc_id):
            if not clause.units:
                continue
            if names is not None and not any(u.name in names for u in clause.units):
                continue
            rows.append(duty_row(clause, base_url))
    return rows
