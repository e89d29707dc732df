"""Answerability: does the corpus address the question at all?

``confidence = (cos_top - cos_floor) * cos_scale + bm25_top / n_query_tokens``
with the constants the index was built with (its manifest's
``answerability``, see :mod:`zhengce.index.calibration`). Embedders without a
calibration have ``cos_scale = 0``: the lexical part alone decides. The top
scores are taken from the retrieval the answer already ran when it has them.
"""

from __future__ import annotations

from dataclasses import dataclass

from zhengce.index.calibration import Calibration
from zhengce.search.engine import Ranked, SearchEngine


@dataclass(frozen=True)
class Judgement:
    confidence: float
    answerable: bool


class Answerability:
    """Scores a topic against the index; ``threshold`` can be overridden per call."""

    def __init__(self, engine: SearchEngine, calibration: Calibration | None = None):
        self.engine = engine
        self.calibration = calibration or Calibration.from_dict(engine.index.calibration)

    def _top(self, retriever: str, topic: str, ranked: Ranked | None) -> float:
        top = ranked.top_score(retriever) if ranked is not None else None
        if top is None:
            _, scores = self.engine.retrieve(retriever, topic, 1)
            top = float(scores[0]) if len(scores) else 0.0
        return top

    def confidence(self, topic: str, ranked: Ranked | None = None) -> float:
        cal = self.calibration
        n_tokens = max(1, len(self.engine.index.query_tokens(topic)))
        lexical = self._top("bm25", topic, ranked) / n_tokens
        if cal.cos_scale == 0:
            return lexical
        return (self._top("dense", topic, ranked) - cal.cos_floor) * cal.cos_scale + lexical

    def judge(self, topic: str, ranked: Ranked | None = None, threshold: float | None = None) -> Judgement:
        confidence = self.confidence(topic, ranked)
        limit = self.calibration.threshold if threshold is None else threshold
        return Judgement(confidence, confidence >= limit)
