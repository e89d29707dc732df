"""Readers keep answering while a new index is built and swapped in; /admin/reload picks it up."""

from __future__ import annotations

import threading

from fastapi.testclient import TestClient

from zhengce.api.app import create_app
from zhengce.index.embedding import FakeEmbedder
from zhengce.index.store import build_index, save_index

TOKEN = "reload-test-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def test_reload_while_serving_drops_no_request(seed_docs, tmp_path):
    target = tmp_path / "idx"
    docs = list(seed_docs.values())
    index, _ = build_index(docs[:4], FakeEmbedder())
    save_index(index, target)
    client = TestClient(create_app(index_dir=target, admin_token=TOKEN))
    assert client.get("/health").json()["counts"]["documents"] == 4

    statuses: list[int] = []
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            statuses.append(client.get("/search", params={"q": "科技成果转化", "k": 3}).status_code)

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        bigger, _ = build_index(docs, FakeEmbedder(), previous=index)
        save_index(bigger, target)
        r = client.post("/admin/reload", headers=AUTH)
        assert r.status_code == 200 and r.json()["counts"]["documents"] == 5
        for _ in range(5):
            statuses.append(client.get("/search", params={"q": "科技工作要点", "k": 3}).status_code)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert statuses and set(statuses) == {200}
    assert client.get("/health").json()["counts"]["documents"] == 5
    assert client.get("/documents/004_cee58c647e0cd370").status_code == 200


def test_reload_refuses_a_broken_index_and_keeps_serving(fake_engine, tmp_path):
    client = TestClient(create_app(index_dir=tmp_path / "missing", engine=fake_engine, admin_token=TOKEN))
    r = client.post("/admin/reload", headers=AUTH)
    assert r.status_code == 409 and "no index" in r.json()["detail"]
    assert str(tmp_path) not in r.json()["detail"]  # no server path in a response
    assert client.get("/search", params={"q": "科技"}).status_code == 200
