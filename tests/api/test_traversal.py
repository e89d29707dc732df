"""Issue 16, what held: no path traversal, no file read outside the index (raw paths, real server)."""

from __future__ import annotations

import socket

import pytest

from tests.api.test_odd_ids import odd_url  # noqa: F401  (a fixture)

RAW_PATHS = ["/static/../../../../etc/passwd", "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
             "/static/..%2f..%2f..%2f..%2fetc%2fpasswd", "/documents/..%2f..%2f..%2fetc%2fpasswd",
             "/clauses/../../../../etc/passwd", "/static//etc/passwd", "/units/..%2f..%2fetc%2fpasswd"]


@pytest.mark.parametrize("raw", RAW_PATHS)
def test_no_file_outside_the_index_is_served(odd_url, raw):  # noqa: F811
    host, port = odd_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(f"GET {raw} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        out = b""
        while chunk := s.recv(65536):
            out += chunk
    status = int(out.split(b" ", 2)[1])
    assert status in (400, 404), out[:200]
    assert b"root:" not in out
