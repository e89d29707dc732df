"""Time ``zhengce index --add`` of one notice into a large index: ``python -m bench.add``.

Copies the benchmark's index of ``--base`` clauses (built by ``python -m bench`` with the
fake embedder, which stands in at that size; the added notice is embedded by the same fake
embedder, as ``--add`` must use the index's own), then runs the real command line on one
seed notice in a fresh process and measures its wall time (start-up, load, re-build of the
columns and BM25, embedding of the new clauses only, FAISS, atomic publish). Writes
``bench/add.json``.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.add", description=__doc__)
    p.add_argument("--base", type=float, default=1e5, help="clauses in the base index (default 1e5)")
    p.add_argument("--work", default="var/bench")
    p.add_argument("--notice", default=str(next((ROOT / "seeds").glob("000_*.txt")).relative_to(ROOT)))
    p.add_argument("--out", default=str(ROOT / "bench" / "add.json"))
    args = p.parse_args(argv)
    n = int(args.base)
    base = Path(args.work) / f"idx-{n}"
    if not base.exists():
        print(f"error: no index at {base}; build it first: python -m bench --sizes {n:g}", file=sys.stderr)
        return 2
    target = Path(args.work) / f"add-{n}" / "index"
    shutil.rmtree(target.parent, ignore_errors=True)
    target.parent.mkdir(parents=True)
    shutil.copytree(base.resolve(), target)
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    cmd = [sys.executable, "-m", "zhengce", "index", "--add", args.notice, "--index", str(target), "--json"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        print(proc.stderr[-2000:], file=sys.stderr)
        return 1
    summary = json.loads(proc.stdout)
    result = {"base_clauses": manifest["counts"]["rows"], "embedder": manifest["embedder"]["name"],
              "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2), "embedded": summary["embedded"], "reused": summary["reused"],
              "rows_after": summary["rows"], "command": " ".join(cmd[1:]),
              "note": "the fake embedder stands in for the base index and the added notice"}
    print(json.dumps(result, ensure_ascii=False), flush=True)
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
