"""Issue 16, rows 4 and 6: bounded requests and bounded work per query.

Body size, concurrency (503), rate (429) and host checks run in process (api/limits.py); header
size and the partial-request timeouts need the real HTTP server (api/serving.py), started on
127.0.0.1 on a socket bound before it runs (so nothing waits for it to start).
"""

from __future__ import annotations

import socket
import threading

import pytest
from fastapi.testclient import TestClient

from tests.faulthook import Pause
from zhengce.api.app import create_app
from zhengce.api.limits import LimitSettings, host_name
from zhengce.api.serving import server_config
from zhengce.search.query import MAX_QUERY_CHARS


def client_for(engine, index_dir=None, **limits):
    """A client of the app with these limits; it carries the admin token (reloads need it)."""
    app = create_app(index_dir=index_dir, engine=engine, limits=LimitSettings(**limits), admin_token="limits-t")
    return TestClient(app, headers={"Authorization": "Bearer limits-t"})


def test_row6_body_over_the_limit_is_413(fake_engine):
    client = client_for(fake_engine, max_body_bytes=4096)
    r = client.post("/search", json={"q": "科技", "issuer": "x" * 5000})
    assert r.status_code == 413 and "too large" in r.json()["detail"]

    def chunks():  # no Content-Length: counted as it streams
        for _ in range(10):
            yield b" " * 1000
    r = client.post("/search", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert client.post("/search", json={"q": "科技"}).status_code == 200


def test_row6_concurrency_limit_gives_503_with_retry_after(fake_engine, fake_index_dir, tmp_path, monkeypatch):
    client = client_for(fake_engine, fake_index_dir, max_concurrent=1)
    pause = Pause(tmp_path / "f", "reload")
    for k, v in pause.env().items():
        monkeypatch.setenv(k, v)
    holder = threading.Thread(target=lambda: client.post("/admin/reload"))
    holder.start()
    pause.wait_reached()  # one request is inside the app
    try:
        r = client.get("/search", params={"q": "科技"})
        assert r.status_code == 503 and r.headers["retry-after"] == "1" and r.json()["detail"]
        assert client.get("/health").status_code == 200  # exempt: the server says it is alive
    finally:
        pause.release()
        holder.join()
    assert client.get("/search", params={"q": "科技"}).status_code == 200


def test_row6_rate_limit_per_client_on_expensive_endpoints(fake_engine):
    client = client_for(fake_engine, rate_per_minute=60, rate_burst=3, rate_loopback=True)
    codes = [client.post("/search", json={"q": "科技"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    r = client.post("/ask", json={"question": "科技"})
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    assert client.get("/units").status_code == 200  # cheap endpoints are not limited
    # Off for loopback unless asked (tests and the load benchmark run there).
    free = client_for(fake_engine, rate_per_minute=60, rate_burst=3)
    assert {free.post("/search", json={"q": "科技"}).status_code for _ in range(6)} == {200}


def test_row6_trusted_hosts_stop_dns_rebinding(fake_engine):
    client = client_for(fake_engine, allowed_hosts=("localhost", "127.0.0.1", "::1"))
    r = client.get("/health", headers={"host": "attacker.example:8000"})
    assert r.status_code == 400 and "host not allowed" in r.json()["detail"]
    for host in ("localhost:8000", "127.0.0.1", "[::1]:8000", "LOCALHOST"):
        assert client.get("/health", headers={"host": host}).status_code == 200, host
    assert host_name("[::1]:80") == "::1" and host_name("example.org:1") == "example.org"


def test_row4_a_long_query_is_cut_before_tokenizing_and_embedding(fake_engine, monkeypatch):
    seen: list[int] = []
    tokenizer, embedder = fake_engine.index._inner.tokenizer, fake_engine.embedder  # spies on internals
    tokenize, embed = tokenizer.tokenize, embedder.embed_queries

    def spy_tokenize(text):
        seen.append(len(text))
        return tokenize(text)

    def spy_embed(texts, *a, **kw):
        seen.extend(len(t) for t in texts)
        return embed(texts, *a, **kw)

    monkeypatch.setattr(tokenizer, "tokenize", spy_tokenize)
    monkeypatch.setattr(embedder, "embed_queries", spy_embed)
    client = client_for(fake_engine)
    long_q = "科技成果转化由谁负责落实" * 200  # 2,400 characters
    for path, body in (("/search", {"q": long_q, "k": 100}), ("/ask", {"question": long_q, "k": 100})):
        r = client.post(path, json=body)
        assert r.status_code == 200
        assert r.json()["note"].startswith(f"the query was cut to its first {MAX_QUERY_CHARS} characters")
    r = client.post("/precedent", json={"text": long_q})
    assert r.status_code == 200 and "480" in r.json()["note"]
    assert seen and max(seen) <= 480
    assert client.post("/search", json={"q": "科技成果转化"}).json().get("note") is None


@pytest.fixture()
def server(fake_engine):
    """The app behind the real HTTP server with small limits, on 127.0.0.1."""
    import uvicorn

    limits = LimitSettings(header_timeout=1.0, body_timeout=1.0, keep_alive_timeout=1.0, max_header_bytes=8192)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    port = sock.getsockname()[1]
    srv = uvicorn.Server(server_config(create_app(engine=fake_engine, limits=limits), "127.0.0.1", port,
                                       limits, log_level="warning"))
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    yield port
    srv.should_exit = True
    thread.join(30)
    sock.close()


def _exchange(port: int, data: bytes, timeout: float = 20) -> bytes:
    """Send ``data`` and read until the server closes the connection (bounded by ``timeout``)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        if data:
            s.sendall(data)
        out = b""
        while chunk := s.recv(65536):
            out += chunk
        return out


def test_row6_real_server_answers_normally(server):
    out = _exchange(server, b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    assert out.startswith(b"HTTP/1.1 200")


def test_row6_header_too_large_is_refused(server):
    out = _exchange(server, b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 64 * 1024 + b"\r\n\r\n")
    assert out.startswith(b"HTTP/1.1 431") and b"larger than 8192 bytes" in out  # refused and closed
    # Headers that never end, past the limit: refused as soon as the limit is passed.
    out = _exchange(server, b"GET /health HTTP/1.1\r\nHost: x\r\n" + b"X-A: aaaaaaaaaa\r\n" * 600)
    assert out.startswith(b"HTTP/1.1 431")


def test_row6_partial_headers_and_silent_connections_are_closed(server):
    # The server closes them after header_timeout (1 s): recv returns instead of hanging.
    assert _exchange(server, b"GET /health HTTP/1.1\r\nHost: x\r\n").startswith(b"HTTP/1.1 408")
    assert _exchange(server, b"").startswith(b"HTTP/1.1 408")


def test_row6_partial_body_is_closed_with_408(server):
    out = _exchange(server, b"POST /search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                            b"Content-Length: 100\r\n\r\n{\"q\": ")
    assert out.startswith(b"HTTP/1.1 408") and b"not received within 1 s" in out
