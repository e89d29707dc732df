"""Issue 16, row 12: document ids from odd file names (``?``, ``#``, ``%``, spaces, emoji) work in the API.

The page's side (api/static/app.js encodes ids in URLs and decodes the hash part by part) is
tested in Chromium by tests/e2e/test_odd_ids.py.
"""

from __future__ import annotations

import shutil
import socket
import threading
from urllib.parse import quote

import httpx
import pytest

from tests.conftest import seed_path
from zhengce.api.app import create_app
from zhengce.index.corpus import ingest
from zhengce.index.embedding import FakeEmbedder
from zhengce.index.store import build_index
from zhengce.search.engine import SearchEngine

ODD = {"000": "q?mark#hash", "001": "with space", "002": "emoji 🚀 科技", "003": "100%25 done&x=1"}


def odd_engine(tmp_path):
    folder = tmp_path / "odd"
    folder.mkdir()
    for prefix, stem in ODD.items():
        shutil.copy(seed_path(prefix), folder / f"{stem}.txt")
    report = ingest([folder])
    assert not report.errors and not report.skipped
    return SearchEngine(build_index(report.documents, FakeEmbedder())[0], FakeEmbedder())


@pytest.fixture(scope="module")
def odd_url(tmp_path_factory):
    """The real HTTP server on 127.0.0.1 (Starlette's TestClient decodes paths twice: ``%25`` breaks)."""
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    server = uvicorn.Server(uvicorn.Config(create_app(engine=odd_engine(tmp_path_factory.mktemp("odd"))),
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture(scope="module")
def client(odd_url):
    with httpx.Client(base_url=odd_url, timeout=30) as c:
        yield c


@pytest.mark.parametrize("doc_id", list(ODD.values()))
def test_row12_odd_ids_round_trip_through_the_api(client, doc_id):
    docs = {d["doc_id"] for d in client.get("/documents").json()["documents"]}
    assert doc_id in docs
    r = client.get(f"/documents/{quote(doc_id, safe='')}")
    assert r.status_code == 200 and r.json()["meta"]["doc_id"] == doc_id
    clause_id = r.json()["clauses"][0]["id"]
    assert clause_id.startswith(doc_id + "#")
    c = client.get(f"/clauses/{quote(clause_id, safe='')}")
    assert c.status_code == 200 and c.json()["id"] == clause_id
    assert client.get(f"/clauses/{quote(clause_id, safe='')}/similar").status_code == 200
    hits = client.post("/search", json={"q": "科技", "doc": [doc_id], "k": 3}).json()["hits"]
    assert hits and {h["doc_id"] for h in hits} == {doc_id}


def test_row12_the_unencoded_id_is_a_clear_404_not_another_document(client):
    r = client.get("/documents/q?mark#hash")  # what the page used to request
    assert r.status_code == 404 and r.json()["detail"] == "no document 'q'"
