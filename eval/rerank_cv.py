"""Dev CV of the feature reranker's strength on the shipped pipeline (mixed corpus): python -m zhengce.eval.rerank_cv."""
import json

import numpy as np

from zhengce.eval.ablation import cv_table, ndcg10, recall5
from zhengce.eval.data import RANKED_TYPES, read_questions, select
from zhengce.eval.runner import judge
from zhengce.search.engine import SearchEngine
from zhengce.search.rerank import FEATURE_WEIGHTS, FeatureReranker


def main() -> int:
    e = SearchEngine.open("var/eval-index-mixed")
    qs, _ = judge(select(read_questions(), "mixed", "all"), e.index.stored_documents())
    qs = [q for q in qs if q.type in RANKED_TYPES and q.relevant]
    fr = FeatureReranker(e.index)
    scales = (0.0, 0.25, 0.5, 1.0, 2.0)
    runs = {s: ({}, {}) for s in scales}
    for q in qs:
        r = e.rank(q.question, 20, "hybrid", intent=e.intent_of(q.question))
        text = e.query_text(q.question)
        feats = fr.features(text, r.rows)
        for s in scales:
            sc = r.scores.astype(np.float64) + sum(s * w * feats[n] for n, w in FEATURE_WEIGHTS.items())
            order = np.lexsort((r.rows, -sc))
            ids = [c.id for c in e.index.clauses(r.rows[order][:10].tolist())]
            runs[s][0][q.id], runs[s][1][q.id] = ndcg10(ids, q.relevant), recall5(ids, q.relevant)
    meta = [{"id": q.id, "type": q.type, "split": q.split} for q in qs]
    rows = cv_table(meta, {"feature reranker (scale of FEATURE_WEIGHTS)": runs})
    print(json.dumps(rows, indent=1))
    for s in scales:
        print(s, round(np.mean([runs[s][0][m["id"]] for m in meta if m["split"] == "dev"]), 4))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
