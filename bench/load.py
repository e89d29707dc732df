"""A bounded load test on loopback: ``python -m bench.load [--clients 16] [--seconds 30] [--long-clients 4]``.

Starts ``zhengce serve`` on 127.0.0.1, then N client threads send ``/search`` and
``/ask`` requests (alternating, varied questions) until the time is up. Reports
requests served, errors (must be 0), latency percentiles and the server's
resident memory sampled every second (it must stay flat). Writes JSON to
``--out``. Traffic only ever goes to the loopback address.

With ``--long-clients M``, each client count is run twice: alone, then with M more clients
sending 2,000-character random queries with ``k=100`` (issue 16, row 4), after an unrecorded
warm-up (``--warmup``) so that both runs find the query caches equally warm. The normal clients'
p95 with the long-query clients over their p95 without is printed as ``p95_ratio`` (target: at
most 3) and the long-query clients' own figures go under ``long``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import threading
import time
from pathlib import Path

from zhengce.threads import pin_threads

pin_threads()

from bench.run import percentiles, queries, rss_mb, serve  # noqa: E402


def long_query(rng: random.Random, chars: int = 2000) -> str:
    """Random CJK text, new for every request: no cache can help with it."""
    return "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(chars))


def load(url: str, pid: int, clients: int, seconds: float, long_clients: int = 0,
         requests_per_client: int | None = None) -> dict:
    """Run the clients until ``seconds`` pass (or each normal client has sent ``requests_per_client``)."""
    import httpx

    qs = queries(600)
    times: list[float] = []
    errors: list[str] = []
    long_times: list[float] = []
    long_errors: list[str] = []
    lock = threading.Lock()
    deadline = time.time() + seconds
    memory: list[float] = []
    done = threading.Event()

    def client_loop(i: int, long: bool = False):
        n = i
        sent = 0
        rng, k = random.Random(16 + i), (100 if long else 10)
        with httpx.Client(timeout=60) as client:
            while time.time() < deadline and (long or requests_per_client is None or sent < requests_per_client):
                sent += 1
                q = long_query(rng) if long else qs[n % len(qs)]
                n += clients
                t = time.perf_counter()
                try:
                    if n % 2:
                        r = client.post(url + "/search", json={"q": q, "k": k})
                    else:
                        r = client.post(url + "/ask", json={"question": q, "k": k})
                    ok = r.status_code == 200
                    detail = f"{r.status_code}"
                except httpx.HTTPError as exc:
                    ok, detail = False, type(exc).__name__
                dt = (time.perf_counter() - t) * 1000
                with lock:
                    (long_times if long else times).append(dt)
                    if not ok:
                        (long_errors if long else errors).append(detail)

    def sampler():
        while not done.is_set():
            memory.append(round(rss_mb(pid), 1))
            done.wait(1)

    threads = [threading.Thread(target=client_loop, args=(i,)) for i in range(clients)]
    threads += [threading.Thread(target=client_loop, args=(i, True)) for i in range(long_clients)]
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
    out = {"clients": clients, "long_clients": long_clients, "seconds": round(wall, 1), "requests": len(times),
           "errors": len(errors), "error_kinds": sorted(set(errors)), "qps": round(len(times) / wall, 1),
           **percentiles(times), "rss_mb_first": memory[0] if memory else None,
           "rss_mb_last": memory[-1] if memory else None, "rss_mb_max": max(memory) if memory else None}
    if long_clients:
        out["long"] = {"requests": len(long_times), "errors": len(long_errors),
                       "error_kinds": sorted(set(long_errors)), **(percentiles(long_times) if long_times else {})}
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    p.add_argument("--index", default="var/index", help="index to serve (default var/index)")
    p.add_argument("--clients", type=int, nargs="+", default=[8, 32])
    p.add_argument("--seconds", type=float, default=30)
    p.add_argument("--port", type=int, default=8766)
    p.add_argument("--long-clients", type=int, default=0,
                   help="also run each client count with this many more clients sending 2,000-character "
                        "queries with k=100 (default 0: no such run)")
    p.add_argument("--warmup", type=float, default=None,
                   help="seconds of unrecorded load first, so that both runs find the query caches warm "
                        "(default: --seconds when --long-clients is given, else 0)")
    p.add_argument("--out", default="bench/load.json")
    args = p.parse_args(argv)
    if not 1 <= args.seconds <= 600 or any(not 1 <= c <= 64 for c in args.clients) \
            or not 0 <= args.long_clients <= 16:
        p.error("--seconds must be 1-600, --clients 1-64 and --long-clients 0-16 (the test is bounded)")
    proc, url, ready, first = serve(Path(args.index), args.port)
    try:
        results = {"index": args.index, "startup_ready_s": ready, "runs": []}
        warmup = args.warmup if args.warmup is not None else (args.seconds if args.long_clients else 0)
        if warmup:
            w = load(url, proc.pid, max(args.clients), min(warmup, 600))
            results["warmup"] = {k: w[k] for k in ("clients", "seconds", "requests", "errors")}
            print(json.dumps({"warmup": results["warmup"]}), flush=True)
        for c in args.clients:
            run = load(url, proc.pid, c, args.seconds)
            results["runs"].append(run)
            print(json.dumps(run, ensure_ascii=False), flush=True)
            if args.long_clients:
                mixed = load(url, proc.pid, c, args.seconds, args.long_clients)
                mixed["p95_ratio"] = round(mixed["p95"] / run["p95"], 2) if run.get("p95") else None
                results["runs"].append(mixed)
                print(json.dumps(mixed, ensure_ascii=False), flush=True)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0 if all(r["errors"] == 0 and r.get("long", {}).get("errors", 0) == 0 for r in results["runs"]) else 1


if __name__ == "__main__":
    sys.exit(main())
