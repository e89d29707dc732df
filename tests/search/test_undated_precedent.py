"""Undated notices are not hidden from precedent timelines: they come last, under 日期不详."""

from __future__ import annotations

from fastapi.testclient import TestClient

from zhengce.api.app import create_app
from zhengce.index.corpus import parse_text
from zhengce.index.embedding import FakeEmbedder
from zhengce.index.store import build_index
from zhengce.search.engine import SearchEngine
from zhengce.search.precedent import UNDATED, find_precedents, payload

DRAFT = "完善科技贷款风险补偿机制，引导政策性担保机构提供贷款增信服务"
UNDATED_NOTICE = ("关于科技金融工作的通知\n一、重点任务\n"
                  "1.完善科技贷款风险补偿机制。引导政策性担保机构为科技型企业提供贷款增信服务。(责任单位:市金融局)\n")


def test_an_undated_notice_is_in_the_timeline_under_its_own_label(seed_docs):
    undated = parse_text(UNDATED_NOTICE, "undated_notice")
    assert undated.meta.date is None
    embedder = FakeEmbedder()
    index, _ = build_index([*seed_docs.values(), undated], embedder)
    engine = SearchEngine(index, embedder)
    found, ms = find_precedents(engine, DRAFT, 10)
    body = payload(DRAFT, found, ms)
    groups = body["timeline"]
    assert groups[-1]["year"] is None and groups[-1]["label"] == UNDATED == "日期不详"
    assert any(cid.startswith("undated_notice#") for cid in groups[-1]["clause_ids"])
    dated = [g["year"] for g in groups[:-1]]
    assert dated == sorted(dated) and all(g["label"] == f"{g['year']} 年" for g in groups[:-1])
    # The API passes the label on.
    r = TestClient(create_app(engine=engine, admin_token="")).post("/precedent", json={"text": DRAFT, "k": 10})
    assert r.json()["timeline"][-1]["label"] == "日期不详"
