"""A large benchmark index from a smaller one, tiled: ``python -m bench.tile --source DIR --times 10 --out DIR``.

Building 1e6 clauses from text takes ~10 CPU minutes (generation, tokenization, BM25, the fake
embedder, IVF-PQ training); on a shared machine that is an hour. Tiling copies an index's arrays
``times`` times at the array level: documents and clauses renamed (``<doc>~k``), rows, postings,
BM25 postings (words and bigrams) and vectors repeated, the IVF-PQ index merged with shifted ids. The result has the
sizes, posting lengths and memory of an index ``times`` as large, so start-up, memory and latency
are measured on the real structures; its BM25 idf and its dense neighbours are those of the
source repeated (exact duplicates), so **recall is not measured on a tiled index**.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

import numpy as np

from zhengce.index.columns import Ragged, Table, TextColumn, id_hashes
from zhengce.index.store import load_index


def _text(col: TextColumn, times: int) -> TextColumn:
    n_bytes = len(col.data)
    offsets = np.concatenate([np.asarray(col.offsets[:-1]) + k * n_bytes for k in range(times)]
                             + [[n_bytes * times]])
    return TextColumn(np.tile(np.asarray(col.data), times), offsets.astype(np.int64))


def _renamed(values: list[str | None], doc_ids: set[str], k: int) -> list[str | None]:
    """``<doc>#x`` → ``<doc>~k#x``; document ids → ``<doc>~k``."""
    out = []
    for v in values:
        if v is None:
            out.append(None)
        elif v in doc_ids:
            out.append(f"{v}~{k}")
        else:
            doc, _, rest = v.partition("#")
            out.append(f"{doc}~{k}#{rest}")
    return out


def tile_table(t: Table, times: int) -> Table:
    a = {}
    n_clauses, n_rows = len(t["clause.kind"]), len(t["row.clause"])
    n_docs = len(t["doc.clauses.off"]) - 1
    for name in ("clause.kind", "clause.level", "clause.start", "clause.end", "clause.path_n", "clause.page",
                 "clause.deadline_ongoing", "clause.unit_role", "clause.unit_basis", "clause.unit_collective",
                 "row.year", "row.date", "row.passage_hash", "doc.date_inferred"):
        a[name] = np.tile(np.asarray(t[name]), times)
    shift = {"clause.doc": n_docs, "row.doc": n_docs, "row.clause": n_clauses}
    for name, step in shift.items():
        a[name] = np.concatenate([np.asarray(t[name]) + k * step for k in range(times)]).astype(t[name].dtype)
    row = np.asarray(t["clause.row"])
    a["clause.row"] = np.concatenate([np.where(row >= 0, row + k * n_rows, -1) for k in range(times)]).astype(np.int32)
    off = np.asarray(t["doc.clauses.off"])
    a["doc.clauses.off"] = np.concatenate([off[:-1] + k * n_clauses for k in range(times)] + [[n_clauses * times]])
    units = t.ragged("clause.units")
    a.update(Ragged(np.concatenate([np.asarray(units.offsets[:-1]) + k * len(units.values) for k in range(times)]
                                   + [[len(units.values) * times]]),
                    np.tile(np.asarray(units.values), times)).arrays("clause.units"))
    postings, lead = t.ragged("unit.rows"), np.asarray(t["unit.lead"])
    lists, leads = [], []
    for u in range(len(postings)):
        lo, hi = int(postings.offsets[u]), int(postings.offsets[u + 1])
        lists.append(np.concatenate([np.asarray(postings.values[lo:hi]) + k * n_rows for k in range(times)]))
        leads.append(np.tile(lead[lo:hi], times))
    a.update(Ragged.from_lists(lists).arrays("unit.rows"))
    a["unit.lead"] = np.concatenate(leads) if leads else np.zeros(0, bool)
    doc_col = t.text("doc.id")
    doc_ids = [doc_col[i] for i in range(n_docs)]
    ids_col, parents = t.text("clause.id"), t.text("clause.parent")
    ids = [ids_col[i] for i in range(n_clauses)]
    par = [parents[i] for i in range(n_clauses)]
    docs = set(doc_ids)
    all_ids = [i for k in range(times) for i in _renamed(ids, docs, k)]
    a.update(TextColumn.from_values(all_ids).arrays("clause.id"))
    a.update(TextColumn.from_values([p for k in range(times) for p in _renamed(par, docs, k)]).arrays("clause.parent"))
    a.update(TextColumn.from_values([d for k in range(times) for d in _renamed(doc_ids, docs, k)]).arrays("doc.id"))
    hashes = id_hashes(all_ids)
    order = np.argsort(hashes, kind="stable").astype(np.int32)
    a["clause.id_hash"], a["clause.id_order"] = hashes[order], order
    done = {"clause.id", "clause.parent", "doc.id"}
    for key in t.arrays:
        if key.endswith(".bytes"):
            name = key[:-len(".bytes")]
            if name not in done and name != "unit.name":
                a.update(_text(t.text(name), times).arrays(name))
    a.update(t.text("unit.name").arrays("unit.name"))
    return Table(a)


def tile_bm25(src: Path, out: Path, times: int, n_rows: int) -> None:
    out.mkdir(parents=True)
    data = np.load(src / "data.csc.index.npy")
    indices = np.load(src / "indices.csc.index.npy")
    indptr = np.load(src / "indptr.csc.index.npy").astype(np.int64)
    lengths = np.diff(indptr)
    new_ptr = np.concatenate([[0], np.cumsum(lengths * times)])
    token = np.repeat(np.arange(len(lengths)), lengths * times)
    pos = np.arange(int(new_ptr[-1]), dtype=np.int64) - new_ptr[token]
    k, j = pos // lengths[token], pos % lengths[token]
    source = indptr[token] + j
    np.save(out / "data.csc.index.npy", data[source])
    np.save(out / "indices.csc.index.npy", (indices[source] + k * n_rows).astype(indices.dtype))
    np.save(out / "indptr.csc.index.npy", new_ptr.astype(np.load(src / "indptr.csc.index.npy").dtype))
    params = json.loads((src / "params.index.json").read_text())
    params["num_docs"] = n_rows * times
    (out / "params.index.json").write_text(json.dumps(params, indent=4))
    shutil.copy(src / "vocab.index.json", out / "vocab.index.json")


def main(argv=None) -> int:
    import faiss

    p = argparse.ArgumentParser(prog="python -m bench.tile", description=__doc__)
    p.add_argument("--source", default="var/bench/idx-100000")
    p.add_argument("--times", type=int, default=10)
    p.add_argument("--out", default="var/bench/idx-1000000")
    args = p.parse_args(argv)
    t0 = time.perf_counter()
    src = Path(args.source).resolve()
    index = load_index(src)
    out = Path(args.out)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    n = len(index)
    files = tile_table(index.store.t, args.times).save(out / "store")
    print(f"store tiled ({time.perf_counter() - t0:.0f} s)", flush=True)
    tile_bm25(src / "bm25", out / "bm25", args.times, n)
    if (src / "bm25_bigrams").exists():
        tile_bm25(src / "bm25_bigrams", out / "bm25_bigrams", args.times, n)
    print(f"bm25 tiled ({time.perf_counter() - t0:.0f} s)", flush=True)
    vectors = np.lib.format.open_memmap(out / "vectors.npy", "w+", np.float32, (n * args.times, index.vectors.shape[1]))
    for k in range(args.times):
        vectors[k * n:(k + 1) * n] = index.vectors
    vectors.flush()
    files["vectors.npy"] = (out / "vectors.npy").stat().st_size
    if index.dense.ann is not None:
        merged = faiss.clone_index(index.dense.ann)
        for k in range(1, args.times):
            merged.merge_from(faiss.clone_index(index.dense.ann), k * n)
        faiss.write_index(merged, str(out / "dense.faiss"))
        files["dense.faiss"] = (out / "dense.faiss").stat().st_size
    for name in ("userdict.txt", "stopwords.txt", "thesaurus.tsv"):
        shutil.copy(src / name, out / name)
    shutil.copytree(src / "aliases", out / "aliases")
    m = dict(index.manifest)
    m["counts"] = {k: v * args.times if k != "units" else v for k, v in m["counts"].items()}
    m["files"] = files
    m["tiled_from"] = {"source": str(args.source), "times": args.times}
    (out / "manifest.json").write_text(json.dumps(m, ensure_ascii=False, indent=2), encoding="utf-8")
    check = load_index(out)
    print(f"tiled {n} rows x {args.times} = {len(check)} rows in {time.perf_counter() - t0:.0f} s -> {out}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
