"""The duty matrix rows: one per clause naming a unit, in reading order, through the index contract."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest

from zhengce.index.contract import FilterError
from zhengce.index.model import EXPLICIT, LEAD, LISTED, SUPPORT, Unit
from zhengce.search.duties import COLUMNS, deadline_text, duty_row, duty_rows

DOC = "000_839afbcfa68b4ffc"


def test_rows_are_the_clauses_naming_units_in_reading_order(fake_engine):
    idx = fake_engine.index
    rows = duty_rows(idx, [DOC])
    expected = [c for c in idx.tree(DOC) if c.units]
    assert rows and [r.clause_id for r in rows] == [c.id for c in expected]
    for row, clause in zip(rows, expected, strict=True):
        leads = [u.name for u in clause.units if u.role == LEAD]
        if not leads:  # a clause naming no lead: its units named without a role lead the row
            leads = [u.name for u in clause.units if u.basis == LISTED]
        assert list(filter(None, row.lead.split("、"))) == leads
        assert set(filter(None, row.support.split("、"))) == {u.name for u in clause.units} - set(leads)
        assert row.task == (clause.title or row.task) and row.path == " > ".join(clause.path)
        assert row.doc_number == "郑政办〔2024〕36号" and row.doc_title == clause.doc.title
    # The clause the answer cites for 科技成果转化: 第12条, led by 市科技局.
    c12 = next(r for r in rows if r.clause_id.endswith("#2.5.12"))
    assert c12.number == "12" and c12.lead == "市科技局" and "科技成果转化" in c12.task


def test_all_documents_and_one_unit(fake_engine):
    idx = fake_engine.index
    every = duty_rows(idx)
    assert {r.doc_id for r in every} == {m.doc_id for m in idx.documents() if any(c.units for c in idx.tree(m.doc_id))}
    mine = duty_rows(idx, unit="市科技局")
    assert mine and len(mine) < len(every)
    assert all("市科技局" in (r.lead + "、" + r.support).split("、") for r in mine)
    # Every clause naming the unit is there, none missing.
    names = set(idx.match_units("市科技局"))
    assert {r.clause_id for r in mine} == {c.id for m in idx.documents() for c in idx.tree(m.doc_id)
                                           if any(u.name in names for u in c.units)}


def test_unknown_document_or_unit_is_an_error(fake_engine):
    with pytest.raises(FilterError, match="nope"):
        duty_rows(fake_engine.index, ["nope"])
    with pytest.raises(FilterError, match="火星局"):
        duty_rows(fake_engine.index, unit="火星局")


@dataclass(frozen=True)
class _Deadline:
    raw: str
    date: str | None

    def __str__(self):
        return self.date or self.raw


def test_deadline_is_read_defensively(fake_engine):
    clause = next(c for c in fake_engine.index.tree(DOC) if c.units)
    assert deadline_text(clause) in ("", getattr(getattr(clause, "deadline", None), "raw", ""))

    class WithDeadline:
        def __init__(self, deadline):
            self.deadline = deadline

    assert deadline_text(WithDeadline(_Deadline("2025年底前", "2025-12-31"))) == "2025年底前"
    assert deadline_text(WithDeadline(_Deadline("", "2025-12-31"))) == "2025-12-31"
    assert deadline_text(WithDeadline(None)) == ""


def test_row_links_open_the_clause_and_cells_follow_the_columns(fake_engine):
    clause = next(c for c in fake_engine.index.tree(DOC) if c.units)
    row = duty_row(clause, base_url="http://intranet:8000/")
    assert row.link == f"http://intranet:8000/#/doc/{DOC}?clause={clause.id.replace('#', '%23')}"
    assert row.cells() == [row.to_dict()[k] for k, _ in COLUMNS]
    untitled = duty_row(replace(clause, title="", text="一" * 100))
    assert untitled.task == "一" * 60 + "…"


def test_a_task_without_a_lead_lists_its_responsible_units_as_lead(fake_engine):
    """"省司法厅负责…" names its only unit without a role: the row's lead, not its supporter;
    a unit the text names as supporting stays in the supporting column."""
    clause = next(c for c in fake_engine.index.tree(DOC) if c.units)
    alone = duty_row(replace(clause, units=(Unit("省司法厅", SUPPORT, LISTED),)))
    assert (alone.lead, alone.support) == ("省司法厅", "")
    helped = duty_row(replace(clause, units=(Unit("省司法厅", SUPPORT, LISTED), Unit("省财政厅", SUPPORT, EXPLICIT))))
    assert (helped.lead, helped.support) == ("省司法厅", "省财政厅")
    led = duty_row(replace(clause, units=(Unit("省教育厅", LEAD, EXPLICIT), Unit("省司法厅", SUPPORT, LISTED))))
    assert (led.lead, led.support) == ("省教育厅", "省司法厅")
    only_support = duty_row(replace(clause, units=(Unit("省财政厅", SUPPORT, EXPLICIT),)))
    assert (only_support.lead, only_support.support) == ("", "省财政厅")
