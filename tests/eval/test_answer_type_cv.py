"""The answer-type check's clause count, chosen on dev: vetoes per candidate and refusal rates."""

from __future__ import annotations

from types import SimpleNamespace

from zhengce.eval.answer_type_cv import CANDIDATES, duty_rates, duty_refused, rates, vetoes


class _Index:
    """Clauses by id: only what ``vetoes`` reads (row_of, clauses, and a clause's evidence)."""

    def __init__(self, texts: dict[str, str]):
        self.ids = list(texts)
        self.texts = texts

    def row_of(self, clause_id):
        return self.ids.index(clause_id)

    def clauses(self, rows):
        return [SimpleNamespace(title="", text=self.texts[self.ids[r]], doc=None) for r in rows]


def _row(qid, kind, question, top, confidence=0.9, intent="find"):
    return {"id": qid, "type": kind, "split": "dev", "question": question, "intent": intent,
            "confidence": confidence, "top": [{"clause_id": c} for c in top]}


def test_each_candidate_reads_only_its_first_clauses():
    index = _Index({"a": "设立青年科技奖，每年评选一次。", "b": "每人奖金10万元。", "c": "加强宣传。"})
    rows = vetoes([_row("n1", "none", "青年科技奖奖金有多少", ["a", "c"]),
                   _row("f1", "find", "青年科技奖奖金有多少", ["a", "b"]),
                   _row("d1", "duty", "青年科技奖由谁负责", ["c"], intent="duty"),  # asks for units only
                   _row("f2", "find", "青年科技奖是什么", ["c"])], index)  # asks no typed fact
    stated = {r["id"]: r["stated"] for r in rows}
    assert stated["n1"] == {k: False for k in CANDIDATES}
    assert stated["f1"][1] is False and all(stated["f1"][k] for k in CANDIDATES if k >= 2)
    assert all(stated["d1"].values()) and all(stated["f2"].values())
    # Reading one clause refuses the answerable f1 too; reading two refuses only n1.
    assert rates(rows, 1, threshold=0.5) == (1.0, 1 / 3)
    assert rates(rows, 2, threshold=0.5) == (1.0, 0.0)
    # A confidence under the threshold refuses whatever the clauses state.
    assert rates(rows, 2, threshold=0.95) == (1.0, 1.0)
    # A duty question that also asks for an amount is typed by it.
    (both,) = vetoes([_row("d2", "duty", "青年科技奖由谁负责，奖金有多少", ["c", "b"], intent="duty")], index)
    assert both["stated"][1] is False and both["stated"][2] is True


def test_the_duty_coverage_floor_refuses_only_answers_that_reached_the_units():
    """A row with ``unit_coverage`` is refused under the floor; any other row as the run answered."""
    rows = [dict(_row("n1", "none", "互联网医院由谁负责", [], intent="duty"), answerable=True,
                 signals={"unit_coverage": 0.3}),
            dict(_row("d1", "duty", "河长制激励归哪些部门", [], intent="duty"), answerable=True,
                 signals={"unit_coverage": 0.37}),
            dict(_row("n2", "none", "社保断缴了怎么补", []), answerable=False, signals={})]
    assert [duty_refused(r, 0.0) for r in rows] == [False, False, True]
    assert [duty_refused(r, 0.35) for r in rows] == [True, False, True]
    assert duty_rates(rows, 0.35) == (1.0, 0.0) and duty_rates(rows, 0.4) == (1.0, 1.0)
