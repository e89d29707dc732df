from __future__ import annotations

import numpy as np
import pytest

from zhengce.search.excerpt import make_excerpt, sentences
from zhengce.search.fusion import RRF_K, fuse, minmax, rrf, weighted


def R(rows, scores=None):
    rows = np.array(rows, np.int64)
    return rows, np.array(scores if scores is not None else np.linspace(1, 0.1, len(rows)), np.float32)


def test_rrf_arithmetic():
    rows, scores = rrf([R([3, 1, 2]), R([1, 4])])
    expected = {1: 1 / (RRF_K + 2) + 1 / (RRF_K + 1), 3: 1 / (RRF_K + 1), 4: 1 / (RRF_K + 2),
                2: 1 / (RRF_K + 3)}
    assert rows.tolist() == [1, 3, 4, 2]
    np.testing.assert_allclose(scores, [expected[r] for r in rows.tolist()], rtol=1e-6)


def test_rrf_ties_are_deterministic():
    rows, _ = rrf([R([5]), R([2])])
    assert rows.tolist() == [2, 5]


def test_weighted_minmax_fusion():
    rows, scores = weighted([R([0, 1], [10.0, 5.0]), R([1, 2], [0.9, 0.7])], weights=(0.5, 0.5))
    # bm25: 0 -> 1, 1 -> 0; dense: 1 -> 1, 2 -> 0
    assert dict(zip(rows.tolist(), np.round(scores, 6).tolist(), strict=True)) == {0: 0.5, 1: 0.5, 2: 0.0}
    assert minmax(np.array([2.0, 2.0])).tolist() == [1.0, 1.0]


def test_unknown_fusion_is_an_error():
    with pytest.raises(ValueError, match="unknown fusion"):
        fuse([R([1])], "magic")


def test_excerpt_picks_best_sentences_and_marks_terms():
    text = "加强组织领导。完善科技贷款风险补偿长效投入机制,按贷款金额增加准备金规模。鼓励合作金融机构开展业务。设立天使投资引导资金。"
    excerpt, marks = make_excerpt(text, ["科技贷款", "风险补偿", "贷款"])
    assert "科技贷款风险补偿" in excerpt
    marked = [excerpt[s:e] for s, e in marks]
    assert "科技贷款" in marked and "风险补偿" in marked
    assert len(sentences(excerpt.strip("…"))) <= 3


def test_excerpt_of_empty_text():
    assert make_excerpt("", ["x"]) == ("", [])
