"""The duty constants' CV: the candidate families and the search cache that makes the grid cheap."""

from __future__ import annotations

import itertools

import pytest

from zhengce.eval import duty_cv
from zhengce.search import duty


def test_families_vary_one_constant_at_a_time_around_the_shipped_values(monkeypatch):
    monkeypatch.setattr(duty, "DUTY_RELATIVE", 0.8)
    monkeypatch.setattr(duty, "TITLE_BONUS", 0.1)
    constants = {"relative": (duty, "DUTY_RELATIVE", (0.7, 0.8, 0.9)), "bonus": (duty, "TITLE_BONUS", (0.0, 0.1))}
    assert duty_cv.shipped(constants) == (0.8, 0.1)
    fam = duty_cv.families(constants)
    assert fam == {"relative": [(0.7, 0.1), (0.8, 0.1), (0.9, 0.1)], "bonus": [(0.8, 0.0), (0.8, 0.1)]}
    joint = duty_cv.families(constants, joint=True)["all together"]
    assert sorted(joint) == sorted(itertools.product((0.7, 0.8, 0.9), (0.0, 0.1)))


def test_score_question_answers_under_the_values_and_restores_them(monkeypatch):
    seen = []

    class _Answerer:
        def ask(self, question):
            seen.append((duty.DUTY_RELATIVE, duty.TITLE_BONUS))
            return type("A", (), {"answerable": True, "units": [type("U", (), {"name": "市科技局"})()]})()

    monkeypatch.setattr(duty, "DUTY_RELATIVE", 0.8)
    monkeypatch.setattr(duty, "TITLE_BONUS", 0.0)
    constants = {"relative": (duty, "DUTY_RELATIVE", ()), "bonus": (duty, "TITLE_BONUS", ())}
    q = type("Q", (), {"question": "谁负责科技成果转化", "type": "duty", "units": ("市科技局", "市财政局"),
                       "relevant": {}, "corpus": "seeds"})()
    score = duty_cv.score_question(_Answerer(), q, (0.6, 0.3), constants)
    assert seen == [(0.6, 0.3)] and (duty.DUTY_RELATIVE, duty.TITLE_BONUS) == (0.8, 0.0)
    assert score == pytest.approx((1.0 + 2 / 3) / 2)  # top unit right; P 1, R 1/2, F1 2/3


class _Engine:
    index = "the index"

    def __init__(self):
        self.calls = []

    def search(self, query, **kwargs):
        self.calls.append((query, kwargs))
        return f"{query}:{len(self.calls)}"


def test_cached_search_runs_each_distinct_call_once_and_passes_the_rest_through():
    engine = _Engine()
    cached = duty_cv.CachedSearch(engine)
    first = cached.search("科技成果转化", k=10, intent="duty")
    assert cached.search("科技成果转化", intent="duty", k=10) == first  # same call, any keyword order
    assert cached.search("科技成果转化", k=20, intent="duty") != first  # another k is another call
    assert len(engine.calls) == 2
    assert cached.index == "the index"
