"""GET /duties as JSON, CSV and XLSX, and `zhengce duties --xlsx`: the files read back match the clauses."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.conftest import ROOT
from zhengce.api.app import create_app
from zhengce.api.export import content_disposition, download_name, headers

DOC = "000_839afbcfa68b4ffc"


@pytest.fixture(scope="module")
def client(fake_engine):
    return TestClient(create_app(engine=fake_engine, admin_token=""))


def _expected(engine, doc=None, unit=None):
    idx = engine.index
    names = set(idx.match_units(unit)) if unit else None
    docs = [doc] if doc else [m.doc_id for m in idx.documents()]
    return [c for d in docs for c in idx.tree(d)
            if c.units and (names is None or any(u.name in names for u in c.units))]


def test_json_rows(client, fake_engine):
    r = client.get("/duties", params={"doc": DOC})
    assert r.status_code == 200
    body = r.json()
    assert [c["title"] for c in body["columns"]][:5] == ["序号", "任务", "牵头单位", "配合单位", "完成时限"]
    assert [row["clause_id"] for row in body["rows"]] == [c.id for c in _expected(fake_engine, DOC)]
    assert body["rows"][0]["link"].startswith("http://testserver/#/doc/")


def test_xlsx_reads_back_as_the_clauses(client, fake_engine):
    r = client.get("/duties", params={"doc": DOC, "format": "xlsx"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in r.headers["content-disposition"]
    wb = load_workbook(io.BytesIO(r.content))
    ws = wb.active
    assert ws.title == "责任分工表" and ws.freeze_panes == "A2"
    values = list(ws.iter_rows(values_only=True))
    assert list(values[0]) == headers()
    clauses = _expected(fake_engine, DOC)
    assert len(values) - 1 == len(clauses)
    for row, clause in zip(values[1:], clauses, strict=True):
        number, task, lead, support, deadline, title, doc_number, path, link = row
        assert (task == clause.title) if clause.title else task
        leads = [u.name for u in clause.units if u.role == "lead"]
        assert (lead or "") == "、".join(leads)
        assert set(filter(None, (support or "").split("、"))) == {u.name for u in clause.units} - set(leads)
        assert title == clause.doc.title and doc_number == "郑政办〔2024〕36号"
        assert path == " > ".join(clause.path) and link.endswith(clause.id.replace("#", "%23"))
    assert ws.cell(row=2, column=2).alignment.wrap_text
    assert ws.column_dimensions["B"].width >= 30 and ws.column_dimensions["A"].width <= 10
    assert ws.cell(row=2, column=9).hyperlink.target.startswith("http://testserver/")


def test_csv_has_a_bom_and_the_unit_rows(client, fake_engine):
    r = client.get("/duties", params={"unit": "市科技局", "format": "csv"})
    assert r.status_code == 200 and r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0] == headers()
    assert [row[1] for row in rows[1:]] == [c.title or row[1] for c, row in
                                            zip(_expected(fake_engine, unit="市科技局"), rows[1:], strict=True)]
    assert all("市科技局" in row[2] + row[3] for row in rows[1:])
    assert "%E5%B8%82%E7%A7%91%E6%8A%80%E5%B1%80" in r.headers["content-disposition"]  # 市科技局


def test_several_documents_and_errors(client, fake_engine):
    other = next(m.doc_id for m in fake_engine.index.documents() if m.doc_id.startswith("003"))
    r = client.get("/duties", params=[("doc", DOC), ("doc", other)])
    assert {row["doc_id"] for row in r.json()["rows"]} == {DOC, other}
    assert client.get("/duties", params={"doc": "nope"}).status_code == 404
    assert client.get("/duties", params={"unit": "火星局"}).status_code == 404
    assert client.get("/duties", params={"format": "pdf"}).status_code == 422


def test_download_names():
    assert download_name("xlsx", [DOC], "市科技局") == f"责任分工表-市科技局-{DOC}.xlsx"
    value = content_disposition("责任分工表-市科技局.xlsx")
    assert value.startswith('attachment; filename="duties.xlsx"') and "UTF-8''" in value


def test_cli_writes_the_same_workbook(fake_index_dir, tmp_path, fake_engine):
    out = tmp_path / "分工表.xlsx"
    run = subprocess.run([sys.executable, "-m", "zhengce", "duties", DOC, "--unit", "市科技局", "--xlsx", str(out),
                          "--index", str(fake_index_dir)], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    values = list(load_workbook(out).active.iter_rows(values_only=True))
    clauses = [c for c in _expected(fake_engine, DOC, "市科技局")]
    assert [v[1] for v in values[1:]] == [c.title for c in clauses]
    text = subprocess.run([sys.executable, "-m", "zhengce", "duties", DOC, "--index", str(fake_index_dir)],
                          cwd=ROOT, capture_output=True, text=True)
    assert text.returncode == 0 and "牵头单位" in text.stdout and "郑政办〔2024〕36号" in text.stdout
    bad = subprocess.run([sys.executable, "-m", "zhengce", "duties", "nope", "--index", str(fake_index_dir)],
                         cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode == 2 and "nope" in bad.stderr


def test_the_terminal_table_shows_the_place_when_numbers_repeat(fake_engine):
    """"(1)" under 二 and under 三 of one notice: the terminal table adds 条款位置 to tell them apart."""
    from dataclasses import replace

    from zhengce.read_commands import duty_table_keys
    from zhengce.search.duties import duty_rows

    rows = duty_rows(fake_engine.index, [DOC])
    assert len({r.number for r in rows}) == len(rows) and duty_table_keys(rows)[0] == "number"
    repeated = [replace(rows[0], number="(1)", path="二、重点任务"), replace(rows[1], number="(1)", path="三、保障措施")]
    assert duty_table_keys(repeated) == ("path", "number", "task", "lead", "support", "deadline")
