"""The HTTP API on the seeds index (fake embedder), through FastAPI's TestClient.

Every test runs against both backends (``backend_engine``: the local files, and Milvus Lite):
the same requests, the same answers.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from zhengce.api.app import create_app
from zhengce.index.store import FORMAT_VERSION


@pytest.fixture(scope="module")
def client(backend_engine):
    engine, index_dir = backend_engine
    return TestClient(create_app(index_dir=index_dir, engine=engine))


def test_get_search_returns_cited_hits(client):
    r = client.get("/search", params={"q": "科技贷款风险补偿", "k": 3})
    assert r.status_code == 200
    body = r.json()
    assert body["query"] == "科技贷款风险补偿" and body["mode"] == "hybrid" and len(body["hits"]) == 3
    hit = body["hits"][0]
    assert hit["clause_id"] == "000_839afbcfa68b4ffc#2.5.13"
    assert hit["doc_number"] == "郑政办〔2024〕36号" and hit["date"] == "2024-06-13"
    assert {k: hit["units"][0][k] for k in ("name", "role")} == {"name": "市金融局", "role": "lead"}
    assert hit["source"]["file"].endswith("000_839afbcfa68b4ffc.txt")
    assert hit["source"]["end"] > hit["source"]["start"]


def test_post_search_equals_get(client):
    a = client.get("/search", params={"q": "新型研发机构", "k": 5, "mode": "bm25"}).json()
    b = client.post("/search", json={"q": "新型研发机构", "k": 5, "mode": "bm25"}).json()
    assert [h["clause_id"] for h in a["hits"]] == [h["clause_id"] for h in b["hits"]]


def test_filters_through_the_api(client):
    r = client.get("/search", params={"q": "科技", "unit": "市科协", "year_from": 2024, "k": 20})
    assert r.status_code == 200
    hits = r.json()["hits"]
    assert hits and all(any(u["name"] == "市科协" for u in h["units"]) for h in hits)
    r = client.get("/search", params=[("q", "科技"), ("doc", "001_4d394fdb13fff546")])
    assert {h["doc_id"] for h in r.json()["hits"]} == {"001_4d394fdb13fff546"}


@pytest.mark.parametrize("params", [
    {"q": ""}, {"q": "   \u3000 "}, {"q": "科技", "k": 0}, {"q": "科技", "k": 101},
    {"q": "科技", "mode": "magic"}, {"q": "科技", "unit": "火星局"}, {"q": "科技", "doc": "nope"},
    {"q": "科技", "year_from": "abc"},
])
def test_bad_input_gives_422_with_message(client, params):
    r = client.get("/search", params=params)
    assert r.status_code == 422
    assert isinstance(r.json()["detail"], str) and r.json()["detail"]


def test_post_validation(client):
    assert client.post("/search", json={"q": "", "k": 5}).status_code == 422
    assert client.post("/search", json={"q": "科技", "k": 500}).status_code == 422
    assert client.post("/search", json={"q": "科技", "bogus": 1}).status_code == 422
    r = client.post("/search", content=b"\xff\xfe not json", headers={"content-type": "application/json"})
    assert r.status_code in (400, 422) and r.json()["detail"]


@pytest.mark.parametrize("q", ["科" * 100_000, "\x00\x01\x07科技", "🚀🔥 科技 创新 😀", "' OR 1=1; --",
                               "<script>alert(1)</script>", "Ελληνικά русский العربية 科技", "\u200b\ufeff"])
def test_any_query_never_gives_500(client, q):
    r = client.post("/search", json={"q": q})
    assert r.status_code in (200, 422)
    if len(q) < 1000:
        assert client.get("/search", params={"q": q}).status_code in (200, 422)


def test_clause_document_and_health_endpoints(client):
    c = client.get("/clauses/000_839afbcfa68b4ffc#2.5.12".replace("#", "%23")).json()
    assert c["title"] == "加强科技成果转化服务力度"
    assert c["source"]["text"].startswith("12.加强科技成果转化服务力度")
    assert client.get("/clauses/nope%23x").status_code == 404
    docs = client.get("/documents").json()["documents"]
    assert len(docs) == 5 and {"doc_id", "title", "issuer", "date", "clauses"} <= set(docs[0])
    d = client.get("/documents/003_fac15629250cf974").json()
    assert d["meta"]["kind"] == "工作要点" and len(d["clauses"]) > 30 and d["original"]
    assert client.get("/documents/nope").status_code == 404
    h = client.get("/health").json()
    assert h["status"] == "ok" and h["counts"]["documents"] == 5 and h["format_version"] == FORMAT_VERSION
    assert client.get("/openapi.json").status_code == 200 and client.get("/docs").status_code == 200


@pytest.mark.real_model
@pytest.mark.xfail(strict=True, reason="known regression of dense-only mode on the seeds: passage v2 puts the "
                   "document title first, which the dev CV chose for hybrid (+0.008) but which makes the five "
                   "seed notices' clauses more alike to the embedder (seeds dense nDCG@10 0.753 -> 0.621, "
                   "eval/ABLATION.md). Remove this mark when dense-only finds 研发投入 again.")
def test_api_with_real_default_embedder(real_engine):
    client = TestClient(create_app(engine=real_engine))
    r = client.get("/search", params={"q": "鼓励企业加大研发投入", "mode": "dense", "k": 10})
    assert r.status_code == 200
    titles = " ".join(h["title"] + h["text"] for h in r.json()["hits"])
    assert "研发投入" in titles


def test_ask_duty_answer_with_units_and_citations(client):
    r = client.post("/ask", json={"question": "科技贷款风险补偿由哪些单位负责"})
    assert r.status_code == 200
    body = r.json()
    assert body["intent"] == "duty" and body["answerable"] is True
    assert body["units"][0]["name"] == "市金融局" and body["units"][0]["role"] == "lead"
    assert body["units"][0]["clause_ids"] and body["citations"]
    assert {"question", "answer", "took_ms"} <= set(body)


def test_ask_not_found(client):
    body = client.post("/ask", json={"question": "住房公积金怎么提取"}).json()
    assert body["answerable"] is False and body["units"] == []
    assert body["citations"] and all(c["weak"] is True for c in body["citations"])


def test_ask_validation(client):
    assert client.post("/ask", json={"question": " "}).status_code == 422
    assert client.post("/ask", json={"question": "谁负责", "k": 0}).status_code == 422


def test_precedent_and_similar(client):
    r = client.post("/precedent", json={"text": "完善科技贷款风险补偿机制，引导担保机构提供贷款增信", "k": 5})
    assert r.status_code == 200
    body = r.json()
    assert body["hits"] and body["timeline"]
    top = body["hits"][0]
    assert {"similarity", "year", "diff_marks", "units", "doc_title"} <= set(top)
    assert sorted(cid for g in body["timeline"] for cid in g["clause_ids"]) == \
        sorted(h["clause_id"] for h in body["hits"])
    year_of = {h["clause_id"]: h["year"] for h in body["hits"]}
    assert all(year_of[cid] == g["year"] for g in body["timeline"] for cid in g["clause_ids"])
    r = client.get("/clauses/000_839afbcfa68b4ffc%232.5.13/similar", params={"k": 5})
    assert r.status_code == 200
    assert all(h["doc_id"] != "000_839afbcfa68b4ffc" for h in r.json()["hits"])
    assert client.get("/clauses/nope%23x/similar").status_code == 404


def test_units_directory_and_one_unit(client):
    units = client.get("/units").json()["units"]
    names = [u["name"] for u in units]
    assert "市科技局" in names and all({"lead", "support", "responsible", "clauses"} <= set(u) for u in units)
    one = client.get("/units/市科技局").json()
    assert one["intent"] == "unit" and one["groups"] and one["citations"]
    assert client.get("/units/火星局").status_code == 404


def test_web_page_and_assets_are_served_locally(client):
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "/static/app.js" in page.text and "http://" not in page.text and "https://" not in page.text
    js = client.get("/static/app.js")
    assert js.status_code == 200 and "innerHTML" not in js.text  # data is inserted as text only
    assert client.get("/static/app.css").status_code == 200
