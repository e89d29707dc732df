"""Fusion strategies: combine ranked candidate lists from several retrievers.

The default is ``weighted`` (``DEFAULT_FUSION``). Reciprocal rank fusion was
measured first and kept as an option: on the labeled set (eval/REPORT.md) RRF
with k = 60 ranked *below* BM25 alone (nDCG@10 0.902 against 0.906), because
it throws away how far apart the scores are and lets the weaker dense list's
ranks pull lexically exact clauses down. The normalized weighted fusion keeps
that information and beats both single modes with untuned equal weights.

Each input is a pair of arrays ``(rows, scores)``, best first. Each strategy
returns ``(rows, fused_scores)``, best first.

* ``rrf`` — reciprocal rank fusion (Cormack, Clarke and Büttcher, 2009):
  ``score(d) = Σ_r w_r / (RRF_K + rank_r(d))`` with ranks from 1 and
  ``RRF_K = 60``, the constant of the paper, which damps the head of each list
  so neither retriever dominates. Scale-free: BM25 and cosine scores never
  need to be comparable.
* ``weighted`` — min-max normalize each list's scores to [0, 1] over its own
  candidates, then ``Σ_r w_r · norm_r(d)`` (a missing candidate counts 0).
  ``DEFAULT_WEIGHTS`` is (0.5, 0.5), BM25 first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, get_args

import numpy as np

# The one list of mode and fusion names (API schemas, CLI choices and the engine use these).
Mode = Literal["bm25", "dense", "hybrid"]
FusionName = Literal["weighted", "rrf"]
MODES: tuple[str, ...] = get_args(Mode)
FUSIONS: tuple[str, ...] = get_args(FusionName)

RRF_K = 60
DEFAULT_WEIGHTS = (0.5, 0.5)
DEFAULT_FUSION = "weighted"
Ranking = tuple[np.ndarray, np.ndarray]


def _weights(n: int, weights: Sequence[float] | None) -> np.ndarray:
    w = np.ones(n, np.float64) if weights is None else np.asarray(weights, np.float64)
    if len(w) != n:
        raise ValueError(f"{n} rankings but {len(w)} weights")
    return w


def _sorted(rows: np.ndarray, scores: np.ndarray) -> Ranking:
    order = np.lexsort((rows, -scores))  # ties: lower row first, deterministic
    return rows[order], scores[order].astype(np.float32)


def rrf(rankings: Sequence[Ranking], k: int = RRF_K, weights: Sequence[float] | None = None) -> Ranking:
    w = _weights(len(rankings), weights)
    fused: dict[int, float] = {}
    for wi, (rows, _) in zip(w, rankings, strict=True):
        for rank, row in enumerate(rows.tolist(), start=1):
            fused[row] = fused.get(row, 0.0) + wi / (k + rank)
    if not fused:
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    rows = np.fromiter(fused.keys(), np.int64, len(fused))
    return _sorted(rows, np.fromiter(fused.values(), np.float64, len(fused)))


def minmax(scores: np.ndarray) -> np.ndarray:
    scores = scores.astype(np.float64)
    if not len(scores):
        return scores
    lo, hi = scores.min(), scores.max()
    if hi - lo < 1e-12:
        return np.ones_like(scores)
    return (scores - lo) / (hi - lo)


def weighted(rankings: Sequence[Ranking], weights: Sequence[float] | None = DEFAULT_WEIGHTS) -> Ranking:
    w = _weights(len(rankings), weights)
    fused: dict[int, float] = {}
    for wi, (rows, scores) in zip(w, rankings, strict=True):
        for row, s in zip(rows.tolist(), minmax(scores).tolist(), strict=True):
            fused[row] = fused.get(row, 0.0) + wi * s
    if not fused:
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    rows = np.fromiter(fused.keys(), np.int64, len(fused))
    return _sorted(rows, np.fromiter(fused.values(), np.float64, len(fused)))


STRATEGIES = {"rrf": rrf, "weighted": weighted}
assert set(STRATEGIES) == set(FUSIONS)


def fuse(rankings: Sequence[Ranking], strategy: str = DEFAULT_FUSION, **params) -> Ranking:
    try:
        fn = STRATEGIES[strategy]
    except KeyError:
        raise ValueError(f"unknown fusion {strategy!r}: use one of {sorted(STRATEGIES)}") from None
    return fn(rankings, **params)
