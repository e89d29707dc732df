"""A bounded load test on loopback: ``python -m bench.load [--clients 16] [--seconds 30]``.

Starts ``zhengce serve`` on 127.0.0.1, then N client threads send ``/search`` and
``/ask`` requests (alternating, varied questions) until the time is up. Reports
requests served, errors (must be 0), latency percentiles and the server's
resident memory sampled every second (it must stay flat). Writes JSON to
``--out``. Traffic only ever goes to the loopback address.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from pathlib import Path

from zhengce.threads import pin_threads

pin_threads()

from bench.run import percentiles, queries, rss_mb, serve  # noqa: E402


def load(url: str, pid: int, clients: int, seconds: float, requests_per_client: int | None = None) -> dict:
    """Run the clients until ``seconds`` pass (or each has sent ``requests_per_client``)."""
    import httpx

    qs = queries(600)
    times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.time() + seconds
    memory: list[float] = []
    done = threading.Event()

    def client_loop(i: int):
        n = i
        sent = 0
        with httpx.Client(timeout=30) as client:
            while time.time() < deadline and (requests_per_client is None or sent < requests_per_client):
                sent += 1
                q = qs[n % len(qs)]
                n += clients
                t = time.perf_counter()
                try:
                    if n % 2:
                        r = client.post(url + "/search", json={"q": q, "k": 10})
                    else:
                        r = client.post(url + "/ask", json={"question": q})
                    ok = r.status_code == 200
                    detail = f"{r.status_code}"
                except httpx.HTTPError as exc:
                    ok, detail = False, type(exc).__name__
                dt = (time.perf_counter() - t) * 1000
                with lock:
                    times.append(dt)
                    if not ok:
                        errors.append(detail)

    def sampler():
        while not done.is_set():
            memory.append(round(rss_mb(pid), 1))
            done.wait(1)

    threads = [threading.Thread(target=client_loop, args=(i,)) for i in range(clients)]
    watcher = threading.Thread(target=sampler)
    t0 = time.perf_counter()
    watcher.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    watcher.join()
    memory.append(round(rss_mb(pid), 1))
    wall = time.perf_counter() - t0
    return {"clients": clients, "seconds": round(wall, 1), "requests": len(times), "errors": len(errors),
            "error_kinds": sorted(set(errors)), "qps": round(len(times) / wall, 1), **percentiles(times),
            "rss_mb_first": memory[0] if memory else None, "rss_mb_last": memory[-1] if memory else None,
            "rss_mb_max": max(memory) if memory else None}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    p.add_argument("--index", default="var/index", help="index to serve (default var/index)")
    p.add_argument("--clients", type=int, nargs="+", default=[8, 32])
    p.add_argument("--seconds", type=float, default=30)
    p.add_argument("--port", type=int, default=8766)
    p.add_argument("--out", default="bench/load.json")
    args = p.parse_args(argv)
    if not 1 <= args.seconds <= 600 or any(not 1 <= c <= 64 for c in args.clients):
        p.error("--seconds must be 1-600 and --clients 1-64 (the test is bounded)")
    proc, url, ready, first = serve(Path(args.index), args.port)
    try:
        results = {"index": args.index, "startup_ready_s": ready, "runs": []}
        for c in args.clients:
            run = load(url, proc.pid, c, args.seconds)
            results["runs"].append(run)
            print(json.dumps(run, ensure_ascii=False), flush=True)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0 if all(r["errors"] == 0 for r in results["runs"]) else 1


if __name__ == "__main__":
    sys.exit(main())
