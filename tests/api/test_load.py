"""A short, bounded load on loopback: 200 requests (the 30-second version is `python -m bench.load`)."""

from __future__ import annotations

import socket

from bench.load import load
from bench.run import serve


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_eight_clients_get_every_request_answered(fake_index_dir):
    proc, url, _, _ = serve(fake_index_dir, _free_port())
    try:
        # A fixed number of requests (the time limit only bounds a hung server).
        result = load(url, proc.pid, clients=8, seconds=120, requests_per_client=25)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert result["requests"] == 8 * 25
    assert result["errors"] == 0, result["error_kinds"]
    assert result["rss_mb_max"] < 2 * result["rss_mb_first"] + 50


def test_long_query_clients_run_alongside_and_get_no_errors(fake_index_dir):
    proc, url, _, _ = serve(fake_index_dir, _free_port())
    try:
        result = load(url, proc.pid, clients=4, seconds=3, long_clients=1)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert result["errors"] == 0, result["error_kinds"]
    assert result["long"]["requests"] > 0 and result["long"]["errors"] == 0, result["long"]
