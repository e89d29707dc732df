"""The columnar store: what it maps, what it gives back, and that it equals a walk over the clauses."""

from __future__ import annotations

import numpy as np
import pytest

from zhengce.index.contract import FilterError, Filters
from zhengce.index.embedding import FakeEmbedder
from zhengce.index.store import build_index, is_indexed, load_index, save_index


@pytest.fixture(scope="module")
def docs(seed_docs):
    return sorted(seed_docs.values(), key=lambda d: d.doc_id)


@pytest.fixture(scope="module")
def loaded(docs, tmp_path_factory):
    index, _ = build_index(docs, FakeEmbedder())
    target = tmp_path_factory.mktemp("col") / "idx"
    save_index(index, target)
    return load_index(target)


def test_clauses_trees_documents_and_originals_equal_the_parsed_ones(docs, loaded):
    rows = [c for d in docs for c in d.clauses if is_indexed(c)]
    assert len(loaded) == len(rows)
    assert loaded.clauses(range(len(rows))) == rows  # every field (the doc is not compared)
    assert [c.doc for c in loaded.clauses([0, len(rows) - 1])] == [rows[0].doc, rows[-1].doc]
    for d in docs:
        assert loaded.tree(d.doc_id) == list(d.clauses)
        assert loaded.document(d.doc_id) == d.meta
        assert loaded.original(d.doc_id) == d.original
    assert loaded.documents() == [d.meta for d in docs]
    for i in (0, 7, len(rows) - 1):
        assert loaded.row_of(rows[i].id) == i and loaded.clause(rows[i].id) == rows[i]
    heading = next(c for d in docs for c in d.clauses if not is_indexed(c))
    assert loaded.row_of(heading.id) is None and loaded.clause(heading.id) == heading
    assert loaded.clause("nope#1") is None and loaded.row_of("nope#1") is None
    assert loaded.clause_ids([3, 1]) == [rows[3].id, rows[1].id]


def test_everything_is_memory_mapped(loaded):
    assert isinstance(loaded.vectors, np.memmap)
    for name, array in loaded.store.t.arrays.items():
        assert isinstance(array, np.memmap), name


def test_unit_postings_equal_a_walk_over_the_clauses(docs, loaded):
    rows = [c for d in docs for c in d.clauses if is_indexed(c)]
    walk: dict[str, dict[int, bool]] = {}
    stated: dict[str, dict[int, bool]] = {}
    for i, c in enumerate(rows):
        for u in c.units:
            walk.setdefault(u.name, {})
            walk[u.name][i] = walk[u.name].get(i, False) or u.role == "lead"
            stated.setdefault(u.name, {})
            stated[u.name][i] = stated[u.name].get(i, False) or u.role == "lead" or u.basis != "listed"
    assert loaded.unit_names() == sorted(walk)
    for name, expected in walk.items():
        got_rows, got_lead = loaded.unit_postings(name)
        assert got_rows.tolist() == sorted(expected)
        assert got_lead.tolist() == [expected[r] for r in sorted(expected)]
        assert loaded.unit_stated(name).tolist() == [stated[name][r] for r in sorted(expected)]
        assert loaded.unit_rows(name).tolist() == sorted(expected)
    # the seeds name units both ways: with a role ("牵头单位：…") and only as responsible
    flags = {f for name in walk for f in loaded.unit_stated(name).tolist()}
    assert flags == {True, False}
    assert len(loaded.unit_rows("不存在的单位")) == 0


def test_a_store_written_before_the_stated_flag_reads_every_role_as_stated(loaded):
    from zhengce.index.clause_store import ClauseStore
    from zhengce.index.columns import Table

    older = ClauseStore(Table({k: v for k, v in loaded.store.t.arrays.items() if k != "unit.stated"}))
    name = loaded.unit_names()[0]
    assert np.array_equal(older.unit_postings(0)[0], loaded.unit_postings(name)[0])
    assert older.unit_stated(0).all() and len(older.unit_stated(0)) == len(loaded.unit_rows(name))


def _reference_mask(docs, f: Filters) -> np.ndarray:
    rows = [c for d in docs for c in d.clauses if is_indexed(c)]
    meta = {d.doc_id: d.meta for d in docs}
    out = []
    for c in rows:
        m = meta[c.doc_id]
        ok = True
        if f.docs:
            ok &= c.doc_id in f.docs
        if f.issuer:
            ok &= f.issuer in (m.issuer or "")
        if f.kind:
            ok &= m.kind == f.kind
        if f.unit:
            ok &= f.unit in c.unit_names()
        if f.year_from is not None:
            ok &= bool(m.year) and m.year >= f.year_from
        if f.year_to is not None:
            ok &= bool(m.year) and m.year <= f.year_to
        if f.date_from:
            ok &= bool(m.date) and m.date >= f.date_from
        if f.date_to:
            ok &= bool(m.date) and m.date <= f.date_to
        out.append(ok)
    return np.array(out, bool)


def test_filters_equal_a_walk_over_the_clauses(docs, loaded):
    d0, d1 = docs[0].meta, docs[1].meta
    unit = loaded.unit_names()[0]
    cases = [Filters(docs=(d0.doc_id,)), Filters(docs=(d0.doc_id, d1.doc_id)), Filters(issuer="科学技术局"), Filters(issuer=d0.issuer),
             Filters(kind=d0.kind), Filters(unit=unit), Filters(year_from=2024), Filters(year_to=2023),
             Filters(date_from="2024-03-01"), Filters(date_to="2024-06-30", year_from=2020),
             Filters(unit=unit, year_from=2024, docs=(d0.doc_id,))]
    for f in cases:
        got = loaded.compile_filters(f)
        assert got.tolist() == _reference_mask(docs, f).tolist(), f
    assert loaded.compile_filters(Filters()) is None
    for bad in (Filters(docs=("nope",)), Filters(issuer="火星"), Filters(kind="火星"), Filters(unit="火星办")):
        with pytest.raises(FilterError):
            loaded.compile_filters(bad)


def test_stored_documents_rebuild_the_same_index(docs, loaded):
    again, summary = build_index(loaded.stored_documents(), FakeEmbedder(), previous=loaded)
    assert summary["embedded"] == 0
    assert again.manifest["corpus_hash"] == loaded.manifest["corpus_hash"]
    assert again.clauses(range(len(again))) == loaded.clauses(range(len(loaded)))
    np.testing.assert_array_equal(again.vectors, loaded.vectors)


def test_unit_question_from_postings_equals_the_walk(loaded):
    """The unit answer's groups and order, against the clause walk it replaced."""
    from zhengce.search.answer import Answerer
    from zhengce.search.engine import SearchEngine

    engine = SearchEngine(loaded, FakeEmbedder())
    name = max(loaded.unit_names(), key=lambda n: len(loaded.unit_rows(n)))
    answer = Answerer(engine).unit_answer(f"{name}负责哪些工作", name, k=5)
    rows = loaded.unit_rows(name).tolist()
    clauses = dict(zip(rows, loaded.clauses(rows), strict=True))
    years = loaded.row_years()
    lead = {r: any(u.name == name and u.role == "lead" for u in clauses[r].units) for r in rows}
    stated = {r: any(u.name == name and (u.role == "lead" or u.basis != "listed") for u in clauses[r].units)
              for r in rows}
    rows.sort(key=lambda r: (-int(years[r]), not lead[r], r))
    groups: dict[str, dict] = {}
    for r in rows:
        c = clauses[r]
        g = groups.setdefault(c.doc_id, {"doc_id": c.doc_id, "doc_title": c.doc.title, "date": c.doc.date,
                                         "lead": [], "support": [], "responsible": []})
        g["lead" if lead[r] else "support" if stated[r] else "responsible"].append(c.id)
    assert answer.groups == list(groups.values())
    assert [h.clause.id for h in answer.citations] == [clauses[r].id for r in rows[:50]]
    assert answer.units[0].clause_ids == [clauses[r].id for r in rows]


def test_every_field_of_the_model_round_trips(tmp_path):
    """Fields the seeds leave empty (joint issuers, addressees, inferred dates, PDF pages,
    deadlines, a unit's basis, collective flag and written form) come back as built."""
    from zhengce.index.model import CONVENTION, Clause, Deadline, DocMeta, Document, Unit

    meta = DocMeta("x01", "x01.pdf", title="关于推进某事的通知", issuer="国务院办公厅", kind="通知",
                   date_written="2020-05-01", issuers=("国务院办公厅", "中央军委办公厅"), date_inferred=True,
                   level="city", jurisdiction="郑州", title_source="page", addressees=("各区县人民政府",),
                   keywords=("科技", "金融"))
    units = (Unit("市科技局", "lead", CONVENTION, False, "科技局"), Unit("各区县人民政府", "support", collective=True))
    clauses = (Clause("x01#1", "x01", 1, "heading", "一、", "总体要求", ("总体要求",), "", 0, 6),
               Clause("x01#2", "x01", 2, "item", "1.", "加强协同", ("总体要求", "加强协同"), "加强协同。由科技局牵头。",
                      6, 20, units=units, parent_id="x01#1", doc=meta,
                      deadline=Deadline("2020年底前", "2020-12-31"), page=3),
               Clause("x01#3", "x01", 2, "item", "2.", "", ("总体要求",), "长期坚持。", 20, 26, doc=meta,
                      deadline=Deadline("长期坚持", None, True)))
    doc = Document(meta, "一、总体要求\n1.加强协同。由科技局牵头。\n2.长期坚持。", clauses)
    index, _ = build_index([doc], FakeEmbedder())
    save_index(index, tmp_path / "idx")
    loaded = load_index(tmp_path / "idx")
    assert loaded.document("x01") == meta
    assert loaded.tree("x01") == list(clauses)
    got = loaded.clauses([0, 1])
    assert [c.deadline for c in got] == [clauses[1].deadline, clauses[2].deadline]
    assert [c.page for c in got] == [3, None]
    assert got[0].units == units and got[0].units[0].written == "科技局"
