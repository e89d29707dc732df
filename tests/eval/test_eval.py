"""The labeled set's integrity, the metric arithmetic and the gate."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from zhengce.eval import metrics
from zhengce.eval.data import read_qrels, read_questions
from zhengce.eval.runner import gate
from zhengce.index.store import is_indexed


def test_question_set_size_and_types():
    qs = read_questions()
    assert len(qs) >= 100
    for corpus, least in (("seeds", 100), ("govcn", 80)):
        counts = Counter(q.type for q in qs if q.corpus == corpus)
        assert sum(counts.values()) >= least, corpus
        for t in ("duty", "find", "precedent", "none"):
            assert counts[t] >= 15, (corpus, t)
    assert sum(q.type == "none" and q.corpus == "govcn" and "near-domain" in (q.note or "") for q in qs) >= 20
    for q in qs:
        if q.corpus != "seeds":
            continue  # govcn questions are judged by quote: tests/eval/test_judgments.py
        if q.type == "none":
            assert not q.relevant
        elif q.type == "unit":
            assert q.relevant, q.id  # a unit may only ever support: grade 1 everywhere
        else:
            assert q.relevant and 2 in q.relevant.values(), q.id
        if q.type == "duty":
            assert q.units


def test_unanswerables_name_terms_no_notice_contains():
    """Each near-domain "none" question lists the terms an answer would need; no notice of either corpus has them."""
    from zhengce.eval.data import GOVCN_DIR
    from zhengce.eval.judgments import compact
    from zhengce.index.reading import read_file

    seeds = Path(__file__).resolve().parents[2] / "seeds"
    files = [*seeds.glob("*.txt"), *GOVCN_DIR.glob("*.htm"), *GOVCN_DIR.glob("*.docx")]
    texts = [compact(read_file(p).text) for p in files]
    checked = 0
    for q in read_questions():
        if q.type != "none" or not q.absent:
            continue
        checked += 1
        for term in q.absent:
            assert not any(compact(term) in t for t in texts), (q.id, term)
    assert checked >= 30


def test_every_judged_clause_exists(seed_docs):
    ids = {c.id for d in seed_docs.values() for c in d.clauses if is_indexed(c)}
    for qid, rels in read_qrels().items():
        missing = set(rels) - ids
        assert not missing, (qid, missing)


def test_ranking_metrics_match_hand_computation():
    qrels = {"q1": {"a": 2, "b": 1}, "q2": {"c": 1}}
    run = {"q1": [("b", 3.0), ("x", 2.0), ("a", 1.0)], "q2": [("y", 1.0)]}
    agg, per = metrics.ranking(qrels, run, ["q1", "q2"])
    assert per["q1"]["MRR@10"] == 1.0 and per["q2"]["MRR@10"] == 0.0
    assert per["q1"]["R@10"] == 1.0 and per["q1"]["R@5"] == 1.0
    # nDCG (trec_eval: gain = grade): dcg = 1/log2(2) + 2/log2(4) = 2; idcg = 2 + 1/log2(3)
    assert per["q1"]["nDCG@10"] == pytest.approx(2 / (2 + 1 / 1.5849625), rel=1e-4)
    assert agg["MRR@10"] == 0.5


def test_prf():
    assert metrics.prf(["a", "b"], ["a", "c"]) == (0.5, 0.5, 0.5)
    assert metrics.prf([], ["a"]) == (0.0, 0.0, 0.0)


def _summary(ndcg, f1=0.95):
    return {"ranking": {"nDCG@10": ndcg, "R@5": 0.95}, "duty_unit_f1": f1, "duty_top_unit": 0.9,
            "by_type": {"precedent": {"nDCG@10": 0.9}}, "unit_recall": 1.0, "none_accuracy": 1.0,
            "wrong_refusal": 0.0}


def test_gate_checks_the_margin_over_the_best_single_mode_and_the_top_unit():
    close = {"bm25": _summary(0.92), "dense": _summary(0.85), "hybrid": _summary(0.93)}
    assert gate(close, {"hybrid_over_best_single": 0.0}) == []
    assert any("by more than 0.02" in f for f in gate(close, {"hybrid_over_best_single": 0.02}))
    assert any("duty_top_unit" in f for f in gate(close, {"duty_top_unit": 0.95}))
    assert any("hybrid_recall@5" in f for f in gate(close, {"hybrid_recall@5": 0.96}))


def test_gate_passes_and_fails():
    thresholds = {"hybrid_ndcg@10": 0.9, "duty_unit_f1": 0.9}
    ok = {"bm25": _summary(0.91), "dense": _summary(0.85), "hybrid": _summary(0.93)}
    assert gate(ok, thresholds) == []
    low = {"bm25": _summary(0.91), "dense": _summary(0.85), "hybrid": _summary(0.92, f1=0.5)}
    assert any("duty_unit_f1" in f for f in gate(low, thresholds))
    not_better = {"bm25": _summary(0.95), "dense": _summary(0.85), "hybrid": _summary(0.93)}
    assert any("does not beat bm25" in f for f in gate(not_better, thresholds))


def test_each_corpus_keeps_its_own_index_and_report(tmp_path):
    from zhengce.eval.data import EVAL_DIR
    from zhengce.eval.runner import index_dir_for, report_path

    assert index_dir_for(tmp_path / "idx", "seeds") == tmp_path / "idx"
    assert index_dir_for(tmp_path / "idx", "mixed") == tmp_path / "idx-mixed"
    assert report_path("seeds", "all") == EVAL_DIR / "REPORT.md"
    assert report_path("mixed", "test") == EVAL_DIR / "REPORT.mixed-test.md"


def test_mixed_corpus_run_reports_both_splits(tmp_path):
    """seeds + govcn in one index (fake embedder, BM25 only): every question asked, judged and split."""
    from zhengce.eval.runner import run_eval

    result = run_eval(Path(__file__).resolve().parents[2] / "seeds", tmp_path / "idx", tmp_path / "out",
                      ["bm25"], embedder="fake", corpus="mixed", split="all",
                      report=tmp_path / "REPORT.mixed-all.md")
    qs = read_questions()
    assert result["documents"] == 5 + 24
    assert result["questions_by_corpus"] == dict(Counter(q.corpus for q in qs))
    assert result["unresolved_judgments"] == []
    dev, test = result["by_split"]["dev"]["bm25"], result["by_split"]["test"]["bm25"]
    per_corpus = result["by_corpus"]
    assert {c: per_corpus[c]["bm25"]["questions"] for c in per_corpus} == result["questions_by_corpus"]
    assert dev["questions"] + test["questions"] == result["modes"]["bm25"]["questions"] == len(qs)
    assert dev["questions"] > test["questions"] > 0
    rows = [json.loads(line) for line in (tmp_path / "out" / "questions.bm25.jsonl").read_text().splitlines()]
    judged = [r for r in rows if r["type"] in ("duty", "find", "precedent")]
    # the judgments reached the run: a ranked question whose top five hold a judged clause is common
    assert sum(any(t["grade"] for t in r["top"]) for r in judged) > len(judged) / 2
    assert {r["split"] for r in rows} == {"dev", "test"}
    report = (tmp_path / "REPORT.mixed-all.md").read_text(encoding="utf-8")
    assert "## Dev and test" in report and "## Seeds and govcn questions in the mixed index" in report
    assert f"dev ({dev['questions']})" in report and "(REPORT.mixed-all.ndcg.png)" in report
    assert (tmp_path / "REPORT.mixed-all.ndcg.png").is_file()


def test_cli_evaluates_one_corpus_and_split(tmp_path):
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    r = subprocess.run([sys.executable, "-m", "zhengce", "eval", "--corpus", "govcn", "--split", "test",
                        "--mode", "bm25", "--embedder", "fake", "--no-report", "--out", str(tmp_path / "out"),
                        "--index", str(tmp_path / "idx")], cwd=root, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "bm25" in r.stdout and "nDCG@10" in r.stdout
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    want = [q for q in read_questions() if q.corpus == "govcn" and q.split == "test"]
    assert (summary["corpus"], summary["split"]) == ("govcn", "test")
    assert summary["modes"]["bm25"]["questions"] == len(want)
    assert summary["by_split"] == {}
    assert (tmp_path / "idx-govcn").is_dir() and not (tmp_path / "idx").exists()


def test_labelled_units_are_compared_under_the_canonical_name_of_their_notices_level():
    """A State Council notice writes "发展改革委"; answers name it 国家发展改革委. A city's label
    keeps its own name, and a name no profile knows passes through."""
    from zhengce.eval.data import Question
    from zhengce.eval.runner import expected_units

    national = Question("g", "duty", "?", units=("发展改革委", "工信部", "国家发改委"), corpus="govcn")
    assert expected_units(national) == ["国家发展改革委", "工业和信息化部"]
    city = Question("s", "duty", "?", units=("市科技局", "某某研究所"), corpus="seeds")
    assert expected_units(city) == ["市科技局", "某某研究所"]
