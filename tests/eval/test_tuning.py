"""Cross-validation on dev: folds, the held-out estimate, and the two objectives."""

from __future__ import annotations

import random

import pytest

from zhengce.eval.tuning import (
    balanced_accuracy,
    best,
    cross_validate,
    dev_rows,
    folds,
    mean_score,
    refusal_objective,
    refusal_rates,
)

TYPES = ("duty", "find", "precedent", "none")


def _rows(n: int, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    return [{"id": f"q{i:03d}", "type": TYPES[i % len(TYPES)], "split": "dev", "u": rng.random()} for i in range(n)]


def test_folds_partition_the_rows_evenly_and_mix_the_types():
    rows = _rows(43)
    fs = folds(rows, 5)
    flat = sorted(i for f in fs for i in f)
    assert flat == list(range(len(rows)))
    assert max(map(len, fs)) - min(map(len, fs)) <= 1
    for f in fs:
        assert {rows[i]["type"] for i in f} == set(TYPES)


def test_folds_follow_the_ids_not_the_order():
    rows = _rows(30)
    shuffled = rows[:]
    random.Random(3).shuffle(shuffled)

    def by_id(rs):
        return sorted(sorted(rs[i]["id"] for i in f) for f in folds(rs, 4))

    assert by_id(rows) == by_id(shuffled)


def test_the_constant_nearest_every_questions_optimum_is_chosen():
    # each question's measure peaks at 0.3 (plus a little noise): the grid point 0.3 must win
    rows = _rows(60)
    grid = [round(0.1 * i, 1) for i in range(11)]
    for r in rows:
        peak = 0.3 + (r["u"] - 0.5) * 0.04
        r["scores"] = {c: 1.0 - (c - peak) ** 2 for c in grid}
    result = cross_validate(rows, grid, mean_score(), k=5)
    assert result.chosen == 0.3
    assert set(result.fold_choices) == {0.3}
    # every fold chose the same: the held-out mean is the in-sample value of that choice
    assert result.estimate == pytest.approx(result.curve[0.3])
    assert result.k == 5 and result.n == 60


def test_the_estimate_is_honest_when_candidates_are_noise():
    # per-question scores unrelated to the candidate: the in-sample best is luck; CV must not report it
    rng = random.Random(11)
    rows = _rows(80)
    grid = list(range(25))
    for r in rows:
        r["scores"] = {c: rng.random() for c in grid}
    result = cross_validate(rows, grid, mean_score(), k=5)
    assert result.curve[result.chosen] == max(result.curve.values())
    assert result.estimate < result.curve[result.chosen] - 0.02
    assert result.floor(0.05) == pytest.approx(result.estimate - 0.05)


def test_ties_go_to_the_first_candidate():
    rows = _rows(10)
    for r in rows:
        r["scores"] = {"a": 0.5, "b": 0.5, "c": 0.4}
    assert best(rows, ["b", "a", "c"], mean_score())[0] == "b"
    assert cross_validate(rows, ["a", "b", "c"], mean_score(), k=2).chosen == "a"


def test_test_rows_are_refused():
    rows = _rows(10)
    rows[3]["split"] = "test"
    for r in rows:
        r["scores"] = {0: 1.0}
    with pytest.raises(ValueError, match="dev rows only"):
        cross_validate(rows, [0], mean_score(), k=2)


def test_bad_settings_are_refused():
    rows = _rows(3)
    with pytest.raises(ValueError):
        folds(rows, 1)
    with pytest.raises(ValueError):
        folds(rows, 4)
    with pytest.raises(ValueError):
        cross_validate(rows, [], mean_score(), k=2)


def _confidence_rows() -> list[dict]:
    rows = []
    for i in range(40):
        unanswerable = i % 4 == 0
        conf = 0.2 + (i % 7) * 0.15 if unanswerable else 2.6 + (i % 9) * 0.25
        rows.append({"id": f"c{i:02d}", "type": "none" if unanswerable else "find", "split": "dev",
                     "confidence": conf})
    return rows


def test_threshold_between_separable_classes():
    rows = _confidence_rows()
    grid = [0.5 * i for i in range(11)]
    result = cross_validate(rows, grid, refusal_objective(0.05), k=5)
    assert 1.5 <= result.chosen <= 2.5
    assert refusal_rates(rows, result.chosen) == (1.0, 0.0)
    assert result.chosen == 1.5  # the first of the perfect thresholds
    # a fold that holds out the most confident unanswerable question picks a lower threshold on the
    # rest and misses that question: the estimate says so, the in-sample curve does not
    assert result.curve[1.5] == pytest.approx(1.0)
    assert 0.9 <= result.estimate < 1.0
    assert min(result.fold_choices) < 1.5


def test_threshold_respects_the_wrong_refusal_ceiling():
    rows = _confidence_rows()
    rows.append({"id": "low1", "type": "find", "split": "dev", "confidence": 1.0})
    rows.append({"id": "low2", "type": "duty", "split": "dev", "confidence": 1.2})
    grid = [0.5 * i for i in range(11)]
    strict = cross_validate(rows, grid, refusal_objective(0.0), k=4)
    assert refusal_rates(rows, strict.chosen)[1] == 0.0
    assert strict.chosen <= 1.0
    loose = cross_validate(rows, grid, refusal_objective(0.1), k=4)
    assert loose.chosen > strict.chosen
    assert refusal_rates(rows, loose.chosen)[1] <= 0.1


def test_dev_rows_reads_an_eval_file(tmp_path):
    import json

    path = tmp_path / "questions.hybrid.jsonl"
    path.write_text("".join(json.dumps({"id": f"q{i}", "type": "find", "split": s, "confidence": 1.0}) + "\n"
                            for i, s in enumerate(["dev", "test", "dev"])), encoding="utf-8")
    assert [r["id"] for r in dev_rows(path)] == ["q0", "q2"]


def test_a_separate_measure_scores_the_held_out_folds():
    rows = _confidence_rows()
    rows.append({"id": "low1", "type": "find", "split": "dev", "confidence": 1.0})
    grid = [0.5 * i for i in range(11)]
    objective = refusal_objective(0.0)
    plain = cross_validate(rows, grid, objective, k=4)
    rated = cross_validate(rows, grid, objective, k=4, measure=balanced_accuracy)
    assert rated.chosen == plain.chosen and rated.fold_choices == plain.fold_choices
    assert 0.0 <= rated.estimate <= 1.0
    assert rated.curve[rated.chosen] == pytest.approx(balanced_accuracy(rows, rated.chosen))


def test_signal_weights_pick_the_signal_that_separates():
    from zhengce.eval.tuning import SIGNAL_WEIGHTS, choose_signals

    rows = []
    for i in range(40):
        none = i % 4 == 0
        # coverage separates the classes; dense_pct is noise
        rows.append({"id": f"s{i:02d}", "type": "none" if none else "find", "split": "dev",
                     "signals": {"coverage": 0.3 if none else 0.9, "dense_pct": (i * 37 % 10) / 10,
                                 "lexical_pct": 0.5, "agreement": 0.0}})
    result = choose_signals(rows, k=4)
    weights, threshold = SIGNAL_WEIGHTS[result.chosen[0]], result.chosen[1]
    assert weights["coverage"] > 0 and result.estimate == pytest.approx(1.0)
    conf = [sum(w * r["signals"][n] for n, w in weights.items()) for r in rows]
    assert all((c < threshold) == (r["type"] == "none") for c, r in zip(conf, rows, strict=True))


def test_questions_answered_without_the_judgement_are_never_counted_as_refused():
    """Unit questions carry no signals (the directory answers them): no threshold refuses them,
    so they neither hold a threshold down nor count as wrong refusals."""
    from zhengce.eval.tuning import SIGNAL_WEIGHTS, choose_signals, signal_confidences, signal_rates

    unit = {"id": "u1", "type": "unit", "split": "dev", "signals": {}}
    assert all(c == float("inf") for c in signal_confidences(unit))
    rows = [{"id": f"s{i:02d}", "type": "none" if i % 4 == 0 else "find", "split": "dev",
             "signals": {"coverage": 0.3 if i % 4 == 0 else 0.9, "dense_pct": 0.5,
                         "lexical_pct": 0.5, "agreement": 0.0}} for i in range(40)]
    units = [dict(unit, id=f"u{i:02d}") for i in range(5)]  # 5 of 35 answerable: 14 % if refused
    result = choose_signals(rows + units, k=4)
    assert result.estimate == pytest.approx(1.0)
    assert signal_rates(rows + units, result.chosen, 1) == 0.0
    assert signal_rates(rows + units, result.chosen, 0) == 1.0
    lexical_only = [w for w in SIGNAL_WEIGHTS if w["dense_pct"] == 0 and w["agreement"] == 0]
    assert signal_rates(units, (0, 0.99), 1, lexical_only) == 0.0


def test_a_row_the_answer_type_vetoed_is_refused_at_every_threshold():
    """The answer refuses a question whose clauses state no fact of the asked kind whatever its
    confidence; every tool that sweeps a threshold must count it the same way."""
    from zhengce.eval.runner import tradeoff
    from zhengce.eval.tuning import signal_confidences

    signals = {"coverage": 0.9, "dense_pct": 0.9, "lexical_pct": 0.9, "agreement": 1.0}
    vetoed = {"id": "n1", "type": "none", "split": "dev", "confidence": 0.95,
              "signals": dict(signals, answer_type=0.0)}
    stated = {"id": "f1", "type": "find", "split": "dev", "confidence": 0.95,
              "signals": dict(signals, answer_type=1.0)}
    assert refusal_rates([vetoed, stated], 0.1) == (1.0, 0.0)
    assert all(c == float("-inf") for c in signal_confidences(vetoed))
    assert all(c > 0.5 for c in signal_confidences(stated))
    sweep = tradeoff([vetoed, stated])
    assert all(row["none_accuracy"] == 1.0 for row in sweep)
    assert all(row["wrong_refusal"] == (row["threshold"] > 0.95) for row in sweep)


def test_the_signals_are_chosen_without_the_veto_unless_asked(tmp_path, capsys):
    """``--signals`` judges the signals on their own: an unanswerable that only the veto refuses
    (its signals look answerable) counts as answered; ``--veto`` counts it refused."""
    import json

    from zhengce.eval.tuning import main, without_veto

    answerable = {"coverage": 0.9, "dense_pct": 0.5, "lexical_pct": 0.8, "agreement": 0.0}
    rows = []
    for i in range(40):
        if i % 4:
            rows.append({"id": f"s{i:02d}", "type": "find", "split": "dev", "signals": dict(answerable)})
        elif i % 8:  # refused by its signals
            rows.append({"id": f"s{i:02d}", "type": "none", "split": "dev",
                         "signals": dict(answerable, coverage=0.1, lexical_pct=0.1)})
        else:  # refused by the veto alone
            rows.append({"id": f"s{i:02d}", "type": "none", "split": "dev",
                         "signals": dict(answerable, answer_type=0.0)})
    stripped = without_veto(rows)
    assert not any("answer_type" in r["signals"] for r in stripped)
    assert rows[0]["signals"]["answer_type"] == 0.0  # the input rows are left as they were
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")

    def held_out_refused(*flags: str) -> str:
        assert main([str(path), "--signals", "--k", "4", *flags]) == 0
        out = capsys.readouterr().out
        return next(line for line in out.splitlines() if "unanswerables refused" in line)

    assert "held out 0.500" in held_out_refused()
    assert "held out 1.000" in held_out_refused("--veto")
