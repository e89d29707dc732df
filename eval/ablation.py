"""The ablation of the retrieval pipeline: each candidate change, kept only if dev cross-validation says so.

``python -m zhengce.eval.ablation [--index var/index-mixed] [--out var/ablation]`` loads the mixed
corpus's index (built by ``zhengce eval --corpus mixed``), computes for every question the score
arrays each variant needs once (BM25 words and bigrams per query rewriting; dense cosines per
passage text), then replays the engine's candidate lists and fusion for every variant and
fusion weight. Per variant the fusion weight is chosen by 5-fold cross-validation on the dev
questions (:func:`zhengce.eval.tuning.cross_validate`); the table reports that CV estimate, the
test value at the weight chosen on all of dev (only reported), and Recall@5. Passage vectors of
variants other than the index's own are embedded once and cached under ``--out``.

The measures are computed here in numpy (nDCG@10 with linear gains and log2 discounts, as
trec_eval); ``zhengce eval`` remains the reference for published numbers.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from zhengce.eval.tuning import cross_validate, mean_score

CANDIDATES = 50
K = 10
WEIGHTS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)  # the BM25 share of the fusion; dense gets the rest


def ndcg10(ranked: Sequence[str], qrels: dict[str, int]) -> float:
    gains = [qrels.get(c, 0) for c in ranked[:K]]
    dcg = sum(g / np.log2(i + 2) for i, g in enumerate(gains))
    ideal = sorted(qrels.values(), reverse=True)[:K]
    idcg = sum(g / np.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall5(ranked: Sequence[str], qrels: dict[str, int]) -> float:
    rel = {c for c, g in qrels.items() if g > 0}
    return len(rel & set(ranked[:5])) / len(rel) if rel else 0.0


def top(scores: np.ndarray, k: int, positive: bool = False) -> tuple[np.ndarray, np.ndarray]:
    idx = np.flatnonzero(scores > 0) if positive else np.arange(len(scores))
    if len(idx) > k:
        idx = idx[np.argpartition(-scores[idx], k - 1)[:k]]
    order = np.lexsort((idx, -scores[idx]))
    return idx[order], scores[idx][order]


def minmax(s: np.ndarray) -> np.ndarray:
    if not len(s):
        return s
    lo, hi = s.min(), s.max()
    return np.ones_like(s) if hi - lo < 1e-12 else (s - lo) / (hi - lo)


def fuse(lists: Sequence[tuple[np.ndarray, np.ndarray]], weights: Sequence[float]) -> np.ndarray:
    fused: dict[int, float] = {}
    for w, (rows, scores) in zip(weights, lists, strict=True):
        if w == 0:
            continue
        for r, s in zip(rows.tolist(), minmax(scores.astype(np.float64)).tolist(), strict=True):
            fused[r] = fused.get(r, 0.0) + w * s
    if not fused:
        return np.zeros(0, np.int64)
    rows = np.fromiter(fused, np.int64, len(fused))
    vals = np.fromiter(fused.values(), np.float64, len(fused))
    return rows[np.lexsort((rows, -vals))]


@dataclass
class Arrays:
    """Per question: score arrays over all rows, by name ("words:norm", "dense:ctx:norm", ...)."""

    ids: list[str]
    scores: dict[str, np.ndarray]  # name -> (questions, rows)


def cached_vectors(out: Path, name: str, texts: list[str], embedder) -> np.ndarray:
    key = hashlib.sha256("\x1e".join(texts).encode()).hexdigest()[:16]
    path = out / f"vectors.{name}.{key}.npy"
    if path.exists():
        return np.load(path)
    vecs = embedder.embed_passages(texts, batch_size=16)
    np.save(path, vecs)
    return vecs


def window_vectors(out: Path, rows, embedder, context: Callable, size: int = 3, min_chars: int = 200):
    """Vectors of sentence windows of long clauses, and the row of each window."""
    from zhengce.search.excerpt import sentences

    texts, owner = [], []
    for i, c in enumerate(rows):
        sents = sentences(c.titled_text)
        if len(c.titled_text) < min_chars or len(sents) <= size:
            continue
        for s in range(0, len(sents) - size + 1, max(1, size - 1)):
            texts.append(f"{context(c)}\n{''.join(sents[s:s + size])}")
            owner.append(i)
    vecs = cached_vectors(out, f"windows{size}", texts, embedder) if texts else np.zeros((0, 384), np.float32)
    return vecs, np.asarray(owner, np.int64)


def passage_variants(index) -> dict[str, Callable]:
    from zhengce.search.duty import short_title

    def doc_ctx(c):
        return " > ".join([short_title(c), *c.path[-2:]])

    return {
        "doc": lambda c: f"{doc_ctx(c)}\n{c.titled_text[:480]}",
    }, doc_ctx


def per_question(arrays: Arrays, qrels: dict[str, dict[str, int]], clause_ids: list[str],
                 lists: Callable[[int], list[tuple[np.ndarray, np.ndarray]]],
                 weights: Callable[[int], Sequence[float]]) -> tuple[dict, dict]:
    nd, r5 = {}, {}
    for qi, qid in enumerate(arrays.ids):
        ranked = [clause_ids[r] for r in fuse(lists(qi), weights(qi))[:K]]
        nd[qid], r5[qid] = ndcg10(ranked, qrels[qid]), recall5(ranked, qrels[qid])
    return nd, r5


def cv_table(rows_meta: list[dict], variants: dict[str, dict[object, tuple[dict, dict]]]) -> list[dict]:
    """For each variant {candidate: (ndcg by qid, r5 by qid)}: CV on dev, test at the dev choice."""
    out = []
    dev = [r for r in rows_meta if r["split"] == "dev"]
    test = [r for r in rows_meta if r["split"] == "test"]
    for name, by_cand in variants.items():
        cands = list(by_cand)
        rows = [{"id": r["id"], "type": r["type"], "split": "dev",
                 "scores": {c: by_cand[c][0][r["id"]] for c in cands}} for r in dev]
        res = cross_validate(rows, cands, mean_score("scores"), k=5)
        nd_t, r5_t = by_cand[res.chosen]
        out.append({"variant": name, "chosen": res.chosen, "dev_cv": res.estimate, "dev_spread": res.spread,
                    "dev_in_sample": res.curve[res.chosen],
                    "dev_r5": float(np.mean([by_cand[res.chosen][1][r["id"]] for r in dev])),
                    "test": float(np.mean([nd_t[r["id"]] for r in test])),
                    "test_r5": float(np.mean([r5_t[r["id"]] for r in test])),
                    "folds": [str(c) for c in res.fold_choices]})
    return out


def write_json(path: Path, obj) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=1), encoding="utf-8")


def compute(index_dir: Path, out: Path) -> tuple[Arrays, list[dict], dict, list[str], dict]:
    """Every score array the variants need, once; the judged questions; the extra dense data."""
    from zhengce.eval.data import RANKED_TYPES, read_questions, select
    from zhengce.eval.runner import judge
    from zhengce.index import bigrams, bm25
    from zhengce.index.embedding import make_embedder
    from zhengce.index.store import load_index
    from zhengce.index.thesaurus import Thesaurus, normalize_query

    out.mkdir(parents=True, exist_ok=True)
    index = load_index(index_dir)
    embedder = make_embedder(index.embedder_name)
    questions, _ = judge(select(read_questions(), "mixed", "all"), index.stored_documents())
    ranked = [q for q in questions if q.type in RANKED_TYPES and q.relevant]
    thesaurus = Thesaurus.default()
    queries = {"raw": [q.question for q in ranked]}
    queries["norm"] = [normalize_query(t) for t in queries["raw"]]
    queries["thes"] = [thesaurus.expand(t) for t in queries["norm"]]
    gram_model = bigrams.build(index.rows)
    scores: dict[str, np.ndarray] = {}
    for qv, texts in queries.items():
        scores[f"words:{qv}"] = np.stack([bm25.scores(index.bm25_model, index.tokenizer.tokenize(t)) for t in texts])
        scores[f"grams:{qv}"] = np.stack([bigrams.scores(gram_model, t) for t in texts])
    variants, doc_ctx = passage_variants(index)
    passages = {"ctx": index.vectors}
    for name, fn in variants.items():
        passages[name] = cached_vectors(out, name, [fn(c) for c in index.rows], embedder)
    qvecs = {qv: embedder.embed_queries(texts) for qv, texts in queries.items()}
    for pname, pv in passages.items():
        for qv in queries:
            scores[f"dense:{pname}:{qv}"] = qvecs[qv] @ pv.T
    wvecs, owner = window_vectors(out, index.rows, embedder, lambda c: " > ".join(c.path[-2:]))
    for qv in queries:
        sims = qvecs[qv] @ wvecs.T if len(wvecs) else np.zeros((len(ranked), 0))
        best = scores[f"dense:ctx:{qv}"].copy()
        for j in range(sims.shape[1]):
            best[:, owner[j]] = np.maximum(best[:, owner[j]], sims[:, j])
        scores[f"dense:win:{qv}"] = best
    from zhengce.search.intent import retrieval_intent

    meta = [{"id": q.id, "type": q.type, "split": q.split, "corpus": q.corpus, "question": q.question,
             "intent": retrieval_intent(q.question)}
            for q in ranked]
    qrels = {q.id: dict(q.relevant) for q in ranked}
    return Arrays([q.id for q in ranked], scores), meta, qrels, [c.id for c in index.rows], \
        {"windows": len(wvecs), "rows": len(index.rows)}


def variant_runs(arrays: Arrays, qrels: dict, cids: list[str], words: str, dense: str | None,
                 grams: str | None = None, gram_weights: Sequence[float] = (0.0,),
                 weights: Sequence[float] = WEIGHTS) -> dict[object, tuple[dict, dict]]:
    """{candidate weights: (ndcg, r5)} for one pipeline; candidates are (bm25, grams, dense) shares."""
    s = arrays.scores
    cache: dict[int, list] = {}

    def lists(qi: int):
        if qi not in cache:
            got = [top(s[words][qi], CANDIDATES, positive=True)]
            got.append(top(s[grams][qi], CANDIDATES, positive=True) if grams else (np.zeros(0, np.int64),) * 2)
            got.append(top(s[dense][qi], CANDIDATES) if dense else (np.zeros(0, np.int64),) * 2)
            cache[qi] = got
        return cache[qi]

    out = {}
    for g in gram_weights:
        for w in weights if dense else (1.0,):
            cand = (round(w * (1 - g), 3), round(w * g, 3), round(1 - w, 3)) if dense else (1 - g, g, 0.0)
            out[cand] = per_question(arrays, qrels, cids, lists, lambda qi, c=cand: c)
    return out


def dense_only(arrays: Arrays, qrels: dict, cids: list[str], dense: str) -> dict:
    s = arrays.scores
    return {(0.0, 0.0, 1.0): per_question(arrays, qrels, cids, lambda qi: [top(s[dense][qi], CANDIDATES)],
                                          lambda qi: (1.0,))}


def per_intent(meta: list[dict], runs: dict[object, tuple[dict, dict]],
               intents: Sequence[str] = ("duty", "find", "precedent"),
               own: Sequence[str] | None = None) -> dict[object, tuple[dict, dict]]:
    """Candidates (weights for duty, for find, for precedent) from the runs of one pipeline.

    ``own``: the intents with weights of their own; the others share one set (all by default).
    """
    import itertools

    intent = {m["id"]: m["intent"] for m in meta}
    own = list(intents if own is None else own)
    shared = [i for i in intents if i not in own]
    out = {}
    for combo in itertools.product(list(runs), repeat=len(own) + bool(shared)):
        chosen = dict(zip(own, combo, strict=False))
        chosen.update({i: combo[-1] for i in shared})
        combo = tuple(chosen[i] for i in intents)
        out[combo] = ({q: runs[chosen[i]][0][q] for q, i in intent.items()},
                      {q: runs[chosen[i]][1][q] for q, i in intent.items()})
    return out


def table(arrays: Arrays, meta: list[dict], qrels: dict, cids: list[str]) -> list[dict]:
    """The ablation: single modes, the baseline, one change at a time, then the kept ones together."""
    grams = (0.0, 0.15, 0.3, 0.5)
    runs: dict[str, dict] = {
        "bm25 (words)": variant_runs(arrays, qrels, cids, "words:raw", None),
        "dense (path context)": dense_only(arrays, qrels, cids, "dense:ctx:raw"),
        "hybrid baseline (path context, raw query)": variant_runs(arrays, qrels, cids, "words:raw", "dense:ctx:raw"),
        "+ document title in the passage": variant_runs(arrays, qrels, cids, "words:raw", "dense:doc:raw"),
        "+ sentence windows (best of 3-sentence windows)": variant_runs(arrays, qrels, cids, "words:raw",
                                                                       "dense:win:raw"),
        "+ query normalization (NFKC, t2s)": variant_runs(arrays, qrels, cids, "words:norm", "dense:ctx:norm"),
        "+ normalization + thesaurus": variant_runs(arrays, qrels, cids, "words:thes", "dense:ctx:thes"),
        "+ bigram field": variant_runs(arrays, qrels, cids, "words:raw", "dense:ctx:raw", "grams:raw", grams),
        "bm25 (words), normalized + thesaurus": variant_runs(arrays, qrels, cids, "words:thes", None),
        "dense, normalized + thesaurus": dense_only(arrays, qrels, cids, "dense:ctx:thes"),
    }
    runs["+ weights per intent"] = per_intent(meta, runs["hybrid baseline (path context, raw query)"])
    return cv_table(meta, runs), runs


def combined(arrays, meta, qrels, cids, words: str, dense: str, grams: str | None, intent: str):
    """One pipeline's runs; ``intent``: ``-`` one shared set, ``intent`` weights per intent, or
    the intents (``+``-joined, e.g. ``precedent``) with weights of their own, the rest shared."""
    runs = variant_runs(arrays, qrels, cids, words, dense, grams, (0.0, 0.15, 0.3, 0.5) if grams else (0.0,))
    if intent == "-":
        return runs
    return per_intent(meta, runs, own=None if intent == "intent" else intent.split("+"))


def markdown(rows: list[dict]) -> str:
    lines = ["| variant | dev nDCG@10 (5-fold CV) | ± over folds | dev in-sample | dev R@5 | test nDCG@10 "
             "| test R@5 | weights chosen on dev (bm25, bigrams, dense) |", "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['variant']} | {r['dev_cv']:.3f} | {r['dev_spread']:.3f} | {r['dev_in_sample']:.3f} | "
                     f"{r['dev_r5']:.3f} | {r['test']:.3f} | {r['test_r5']:.3f} | {r['chosen']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """``python -m zhengce.eval.ablation``: the ablation table of the retrieval pipeline (dev CV, test)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m zhengce.eval.ablation", description=main.__doc__)
    parser.add_argument("--index", type=Path, default=Path("var/index-mixed"))
    parser.add_argument("--out", type=Path, default=Path("var/ablation"))
    parser.add_argument("--combine", action="append", default=[],
                        help="words,dense,grams|-,intent|precedent|- : also run this pipeline (repeatable)")
    args = parser.parse_args(argv)
    arrays, meta, qrels, cids, info = compute(args.index, args.out)
    rows, _ = table(arrays, meta, qrels, cids)
    for combine in args.combine:
        words, dense, grams, intent = combine.split(",")
        runs = combined(arrays, meta, qrels, cids, words, dense, None if grams == "-" else grams, intent)
        rows += cv_table(meta, {f"kept together: {combine}": runs})
    write_json(args.out / "ablation.json", {"info": info, "rows": rows})
    print(markdown(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
