"""Dev CV of two reorderings of the shipped hybrid ranking, tried for Recall@5 (ABLATION round 7).

* **document diversity**: the ranking rebuilt greedily, each clause's score lowered for every
  clause of its document already placed (times ``gamma ** n``, or minus ``lam * n``), for every
  question or for draft clauses only (precedent: "what earlier notices said");
* **draft pieces**: a draft clause split at its commas and semicolons, each piece retrieved on its
  own, and the pieces' best (or mean, or summed) score added to the whole clause's, times ``lam``.

Each variant's constant is chosen by 5-fold CV on dev (nDCG@10, and Recall@5 on its own);
only dev is printed. ``python -m zhengce.eval.diversity_cv [--index var/eval-index-mixed]``.
"""

from __future__ import annotations

import argparse
import re

import numpy as np

from zhengce.eval.ablation import ndcg10, recall5
from zhengce.eval.data import RANKED_TYPES, read_questions, select
from zhengce.eval.runner import judge
from zhengce.eval.tuning import cross_validate, mean_score
from zhengce.search.engine import SearchEngine

DEPTH = 30
DECAYS = {"times": (1.0, 0.97, 0.93, 0.9, 0.85, 0.8, 0.7), "minus": (0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3)}
PIECE_WEIGHTS = (0.0, 0.25, 0.5, 1.0, 2.0)
_PIECE = re.compile(r"[，；,;。]")


def diversify(rows: list[int], scores: list[float], docs: np.ndarray, const: float, how: str) -> list[int]:
    """The rows reordered greedily, each score lowered per clause of its document already placed."""
    rows, scores, out, placed = list(rows), list(scores), [], {}
    while rows:
        n = [placed.get(docs[r], 0) for r in rows]
        adj = [s * const ** k if how == "times" else s - const * k for s, k in zip(scores, n, strict=True)]
        i = int(np.argmax(adj))
        out.append(rows.pop(i))
        scores.pop(i)
        placed[docs[out[-1]]] = placed.get(docs[out[-1]], 0) + 1
    return out


def piece_bonus(scores: list[float], agg: str, n_pieces: int) -> float:
    """What a clause gains from the pieces that retrieved it: their best, mean or summed score."""
    return max(scores) if agg == "max" else sum(scores) / n_pieces if agg == "mean" else sum(scores)


def report(name: str, runs: dict, dev: list) -> None:
    """The CV estimate, the folds' choices and the dev curve, for nDCG@10 and for Recall@5."""
    for j, measure in enumerate(("nDCG@10", "R@5")):
        rows = [{"id": q.id, "type": q.type, "split": "dev", "scores": {c: runs[c][j][q.id] for c in runs}}
                for q in dev]
        res = cross_validate(rows, list(runs), mean_score("scores"), k=5)
        curve = ", ".join(f"{c}: {v:.4f}" for c, v in res.curve.items())
        print(f"{name:34} {measure:7} CV {res.estimate:.4f}  chosen {res.chosen} "
              f"(folds {', '.join(map(str, res.fold_choices))})  dev: {curve}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", default="var/eval-index-mixed", help="the mixed corpus's eval index")
    args = ap.parse_args(argv)
    engine = SearchEngine.open(args.index)
    questions, _ = judge(select(read_questions(), "mixed", "dev"), engine.index.stored_documents())
    dev = [q for q in questions if q.type in RANKED_TYPES and q.relevant]
    docs = engine.index.row_docs()
    ranked = [(q, engine.intent_of(q.question)) for q in dev]
    ranked = [(q, intent, engine.rank(q.question, DEPTH, "hybrid", intent=intent)) for q, intent in ranked]

    def judged(rows: list[int], relevant: dict[str, int]) -> tuple[float, float]:
        ids = engine.index.clause_ids(rows[:10])
        return ndcg10(ids, relevant), recall5(ids, relevant)

    for how, consts in DECAYS.items():
        for scope in ("all", "precedent"):
            runs = {c: ({}, {}) for c in consts}
            for q, intent, r in ranked:
                for c in consts:
                    rows = diversify(r.rows.tolist(), r.scores.tolist(), docs, c, how) \
                        if scope == "all" or intent == scope else r.rows.tolist()
                    runs[c][0][q.id], runs[c][1][q.id] = judged(rows, q.relevant)
            report(f"document diversity ({how}, {scope})", runs, dev)
    for agg in ("max", "mean", "sum"):
        runs = {c: ({}, {}) for c in PIECE_WEIGHTS}
        for q, intent, r in ranked:
            pieces = [p for p in _PIECE.split(q.question) if len(p) >= 4] if intent == "precedent" else []
            extra: dict[int, list[float]] = {}
            for piece in pieces if len(pieces) >= 2 else ():
                got = engine.rank(piece, DEPTH, "hybrid", intent=intent)
                for row, score in zip(got.rows.tolist(), got.scores.tolist(), strict=True):
                    extra.setdefault(row, []).append(score)
            base = dict(zip(r.rows.tolist(), r.scores.tolist(), strict=True))
            bonus = {row: piece_bonus(got, agg, len(pieces)) for row, got in extra.items()}
            for c in PIECE_WEIGHTS:
                total = {row: base.get(row, 0.0) + c * bonus.get(row, 0.0) for row in set(base) | set(extra)}
                rows = sorted(total, key=lambda row: (-total[row], row))
                runs[c][0][q.id], runs[c][1][q.id] = judged(rows, q.relevant)
        report(f"draft pieces ({agg})", runs, dev)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
