"""Adding and removing notices over HTTP: a background job, the CLI's code, searches answered throughout."""

from __future__ import annotations

import shutil
import threading
import time

import pytest
from fastapi.testclient import TestClient

from zhengce.api import jobs as jobs_module
from zhengce.api.app import create_app
from zhengce.index import reading
from zhengce.index.embedding import FakeEmbedder
from zhengce.index.store import build_index, load_index, save_index

TOKEN = "upload-test-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
NEW = "关于推进量子通信示范工程的通知\n一、重点任务\n1.建设量子通信示范工程。(责任单位:市量子办)\n".encode()


@pytest.fixture(scope="module")
def four_seeds(seed_docs, tmp_path_factory):
    """Four of the five seeds, built once; each test serves a copy."""
    target = tmp_path_factory.mktemp("uploads") / "idx"
    index, _ = build_index(list(seed_docs.values())[:4], FakeEmbedder())
    save_index(index, target)
    return target


@pytest.fixture
def served(four_seeds, tmp_path):
    target = tmp_path / "idx"
    shutil.copytree(four_seeds.resolve(), target)
    return target, TestClient(create_app(index_dir=target, admin_token=TOKEN))


def wait_for_job(client, job_id, timeout=120.0):
    """Poll the job until it is done or failed (bounded)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/jobs/{job_id}", headers=AUTH).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} still {job['status']} after {timeout} s")


def test_upload_becomes_searchable_while_searches_continue(served, monkeypatch):
    target, client = served
    job_started, searched_during = threading.Event(), threading.Event()
    real_update = jobs_module.update_index

    def update_after_some_searches(*args, **kwargs):
        job_started.set()
        # The job does not build until readers have been answered while it runs.
        assert searched_during.wait(30), "no search was answered while the job ran"
        return real_update(*args, **kwargs)

    monkeypatch.setattr(jobs_module, "update_index", update_after_some_searches)
    statuses: list[int] = []
    during = []
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            r = client.get("/search", params={"q": "科技成果转化", "k": 3})
            statuses.append(r.status_code)
            if job_started.is_set():
                during.append(r.status_code)
                if len(during) >= 10:
                    searched_during.set()

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        r = client.post("/documents", headers=AUTH, files=[
            ("files", ("quantum.txt", NEW, "text/plain")),
            ("files", ("binary.txt", bytes(range(256)) * 40, "text/plain")),
            ("files", ("tool.exe", b"MZ", "application/octet-stream")),
        ])
        assert r.status_code == 202, r.text
        job = wait_for_job(client, r.json()["job"])
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert job["status"] == "done", job
    files = {f["name"]: f for f in job["files"]}
    assert files["quantum.txt"]["status"] == "indexed" and files["quantum.txt"]["doc_id"] == "quantum"
    assert files["binary.txt"]["status"] == "failed" and "binary" in files["binary.txt"]["error"]
    assert files["tool.exe"]["status"] == "failed" and "unsupported format .exe" in files["tool.exe"]["error"]
    assert "/tmp" not in str(job) and str(target) not in str(job)
    assert job["summary"]["documents"] == 5 and job["summary"]["added"] == ["quantum"]
    assert job["progress"]["done"] == job["progress"]["total"] == 2
    assert len(during) >= 10 and statuses and set(statuses) == {200}
    # Searchable now, on the server and in the published index.
    hits = client.get("/search", params={"q": "量子通信示范工程", "k": 3}).json()["hits"]
    assert hits[0]["doc_id"] == "quantum" and hits[0]["units"][0]["name"] == "市量子办"
    assert client.get("/health").json()["counts"]["documents"] == 5
    assert "quantum" in load_index(target).docs


def test_remove_a_notice(served):
    target, client = served
    doc = "000_839afbcfa68b4ffc"
    r = client.delete(f"/documents/{doc}", headers=AUTH)
    assert r.status_code == 202
    job = wait_for_job(client, r.json()["job"])
    assert job["status"] == "done" and job["summary"]["removed"] == [doc] and job["summary"]["documents"] == 3
    assert client.get(f"/documents/{doc}").status_code == 404
    assert doc not in load_index(target).docs
    assert client.delete(f"/documents/{doc}", headers=AUTH).status_code == 404


def test_nothing_acceptable_is_refused_with_each_files_error(served, monkeypatch):
    target, client = served
    monkeypatch.setattr(reading, "MAX_BYTES", 1000)
    r = client.post("/documents", headers=AUTH, files=[
        ("files", ("big.txt", "一".encode() * 2000, "text/plain")),
        ("files", ("../../etc/.hidden.txt", NEW, "text/plain")),
        ("files", ("empty.md", b"", "text/plain")),
    ])
    assert r.status_code == 422
    body = r.json()
    errors = {f["name"]: f["error"] for f in body["files"]}
    assert "too large" in errors["big.txt"] and "ZHENGCE_MAX_FILE_MB" in errors["big.txt"]
    assert "file name" in errors[".hidden.txt"] and errors["empty.md"] == "empty file"
    assert "no file can be indexed" in body["detail"]
    assert client.post("/documents", headers=AUTH).status_code == 422  # no files at all
    assert load_index(target).manifest["counts"]["documents"] == 4


def test_a_job_that_reads_nothing_fails_and_changes_nothing(served):
    target, client = served
    before = load_index(target).manifest["corpus_hash"]
    r = client.post("/documents", headers=AUTH, files=[("files", ("junk.txt", "扫一扫在手机打开当前页\n".encode(),
                                                                  "text/plain"))])
    job = wait_for_job(client, r.json()["job"])
    assert job["status"] == "failed" and "nothing indexed" in job["error"]
    assert job["files"][0]["status"] == "failed" and "no clauses" in job["files"][0]["error"]
    assert "/tmp" not in str(job)
    assert load_index(target).manifest["corpus_hash"] == before


def test_a_server_without_an_index_directory_cannot_add(fake_engine):
    client = TestClient(create_app(engine=fake_engine, admin_token=TOKEN))
    r = client.post("/documents", headers=AUTH, files=[("files", ("a.txt", NEW, "text/plain"))])
    assert r.status_code == 409 and "index directory" in r.json()["detail"]
