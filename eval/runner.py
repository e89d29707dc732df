"""The evaluation runner: build or load a corpus's index, ask its questions, score, report.

``zhengce eval [--corpus seeds|govcn|mixed] [--split dev|test|all] [--mode bm25|dense|hybrid|all]
[--k 10] [--out DIR] [--gate]`` writes ``run.<mode>.trec`` (TREC run files),
``questions.<mode>.jsonl`` (what came back for each question) and ``summary.json`` into
``--out``, and regenerates the report (``eval/REPORT.md`` for the default, seeds and all splits;
``eval/REPORT.<corpus>-<split>.md`` otherwise) with its chart. ``mixed`` indexes seeds and govcn
together and asks every question: seed questions must find seed clauses among govcn
distractors. Seed questions are judged by ``qrels.tsv``; govcn questions by the quotes of
``judgments.jsonl``, resolved against the clauses just built. Measures are reported for the
chosen split and, with ``--split all``, for dev and test side by side. With ``--gate`` it exits
non-zero when a measure falls below ``eval/thresholds.json`` (each threshold and how it was
chosen is written there), or hybrid does not beat the best single mode by the stated margin.
CI gates the mixed corpus's test split.
``--backend milvus [--milvus-uri URI] [--milvus-bm25 client|builtin]`` asks the same questions
through a Milvus index of the same corpus (Milvus Lite beside the index unless a URI is
given; vectors reused from the local index).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from zhengce.eval import metrics
from zhengce.eval.data import (
    ANSWERABLE_TYPES,
    CORPORA,
    EVAL_DIR,
    RANKED_TYPES,
    SPLITS,
    THRESHOLDS,
    Question,
    corpus_paths,
    read_qrels,
    read_questions,
    select,
    write_trec_run,
)

MODES = ("bm25", "dense", "hybrid")
SWEEP = [round(0.05 * i, 2) for i in range(0, 21)]  # answerability thresholds reported in the trade-off


def index_dir_for(index_dir: Path, corpus: str) -> Path:
    """Each corpus keeps its own index: ``INDEX`` for the seeds, ``INDEX-govcn`` and ``INDEX-mixed``."""
    return index_dir if corpus == "seeds" else index_dir.with_name(f"{index_dir.name}-{corpus}")


def report_path(corpus: str, split: str) -> Path:
    """``eval/REPORT.md`` for the default setting (seeds, all splits), a named sibling otherwise."""
    return EVAL_DIR / ("REPORT.md" if (corpus, split) == ("seeds", "all") else f"REPORT.{corpus}-{split}.md")


def ensure_index(seeds: Path | list[Path], index_dir: Path, embedder_spec: str | None):
    """Load the index at ``index_dir`` if it holds exactly these files' clauses; otherwise (re)build it.

    Returns the engine, whether it was built, and the parsed documents.
    """
    from zhengce.index.corpus import ingest
    from zhengce.index.embedding import make_embedder
    from zhengce.index.store import (
        IndexLoadError,
        build_index,
        build_settings,
        corpus_hash,
        is_indexed,
        load_index,
        save_index,
    )
    from zhengce.search.engine import SearchEngine

    embedder = make_embedder(embedder_spec)
    docs = ingest(seeds if isinstance(seeds, list) else [seeds]).documents
    want = corpus_hash([c for d in sorted(docs, key=lambda d: d.doc_id) for c in d.clauses if is_indexed(c)])
    previous = None
    try:
        previous = load_index(index_dir, embedder.name)
        settings = build_settings()
        if previous.manifest["corpus_hash"] == want and all(previous.manifest.get(k) == v
                                                            for k, v in settings.items()):
            return SearchEngine(previous, embedder), False, docs
    except IndexLoadError:
        pass
    index, _ = build_index(docs, embedder, previous=previous)
    save_index(index, index_dir)
    return SearchEngine(index, embedder), True, docs


def judge(questions: list[Question], docs: list) -> tuple[list[Question], list[str]]:
    """Attach judgments: seed questions from ``qrels.tsv``, govcn ones from quotes resolved on ``docs``.

    Returns the judged questions and the problems of quotes that resolved to nothing (those
    judgments are left out; ``python -m zhengce.eval.judgments`` and the tests fail on them).
    """
    from dataclasses import replace

    from zhengce.eval.judgments import read_judgments, resolve

    qrels = read_qrels()
    problems: list[str] = []
    if any(q.corpus == "govcn" for q in questions):
        resolution = resolve(read_judgments(), docs)
        qrels.update(resolution.qrels)
        problems = resolution.problems()
    return [replace(q, relevant=qrels.get(q.id, {})) for q in questions], problems


def milvus_engine(local, index_dir: Path, uri: str | None, bm25_engine: str):
    """The local engine's corpus and vectors in a fresh Milvus collection (Milvus Lite by default)."""
    from zhengce.index.milvus_store import build_milvus
    from zhengce.search.engine import SearchEngine

    side = index_dir.parent / f"{index_dir.name}-milvus-{bm25_engine}"
    uri = uri or str(index_dir.parent / f"{index_dir.name}-milvus.db")
    index, _ = build_milvus(local.index.stored_documents(), local.embedder, side, uri, engine=bm25_engine,
                            alias=f"eval_{bm25_engine}", previous=local.index)
    return SearchEngine(index, local.embedder)


# The level of government whose unit names a corpus's labels are written in.
LABEL_LEVEL = {"govcn": "national"}


def expected_units(q: Question) -> list[str]:
    """The labelled units under their canonical names: labels are written as the notice
    writes them ("发展改革委" in a State Council notice), answers use the canonical name of
    the notice's level ("国家发展改革委"), from the package's alias profiles."""
    from zhengce.index.aliases import Aliases

    aliases = Aliases.default()
    level = LABEL_LEVEL.get(q.corpus)
    return list(dict.fromkeys(aliases.canonical(u, level) for u in q.units))


def evaluate_mode(engine, questions: list[Question], mode: str, k: int) -> tuple[dict, list[dict], dict]:
    """Run every question in one mode; returns the summary, per-question rows and the TREC run."""
    from zhengce.search.answer import Answerer

    answerer = Answerer(engine, k=k, mode=mode)
    run: dict[str, list[tuple[str, float]]] = {}
    rows: list[dict] = []
    for q in questions:
        t0 = time.perf_counter()
        result = engine.search(q.question, k=k, mode=mode)
        answer = answerer.ask(q.question, k=k, mode=mode)
        ms = (time.perf_counter() - t0) * 1000
        run[q.id] = [(h.clause.id, h.score) for h in result.hits]
        predicted = [u.name for u in answer.units] if answer.answerable else []
        expected = expected_units(q)
        row = {"id": q.id, "type": q.type, "corpus": q.corpus, "split": q.split, "question": q.question,
               "intent": answer.intent,
               "answerable": answer.answerable, "confidence": round(answer.confidence, 4),
               "top": [{"clause_id": h.clause.id, "title": h.clause.title, "score": round(h.score, 5),
                        "grade": q.relevant.get(h.clause.id, 0)} for h in result.hits[:5]],
               "answer": answer.answer, "units": predicted, "expected_units": expected, "ms": round(ms, 1),
               "signals": {k: round(v, 5) for k, v in getattr(answer, "signals", {}).items()}}
        if q.type == "duty":
            row["unit_p"], row["unit_r"], row["unit_f1"] = metrics.prf(predicted, expected)
        if q.type == "unit":
            cited = set(answer.units[0].clause_ids) if answer.units else set()
            row["unit_recall"] = len(cited & set(q.relevant)) / len(q.relevant) if q.relevant else 0.0
        rows.append(row)

    return summarize(mode, k, questions, rows, run), rows, run


def summarize(mode: str, k: int, questions: list[Question], rows: list[dict], run: dict) -> dict:
    """The measures over ``questions`` (any subset of the questions ``rows`` and ``run`` hold)."""
    ids = {q.id for q in questions}
    rows = [r for r in rows if r["id"] in ids]
    qrels = {q.id: q.relevant for q in questions}
    summary: dict = {"mode": mode, "k": k, "questions": len(questions), "by_type": {}}
    ranked = [q.id for q in questions if q.type in RANKED_TYPES]
    overall, per = metrics.ranking(qrels, run, ranked)
    summary["ranking"] = overall
    for row in rows:
        row.update(per.get(row["id"], {}))
    for t in RANKED_TYPES:
        summary["by_type"][t] = metrics.ranking(qrels, run, [q.id for q in questions if q.type == t])[0]
    duty = [r for r in rows if r["type"] == "duty"]
    summary["duty_unit_precision"] = metrics.mean(r["unit_p"] for r in duty)
    summary["duty_unit_recall"] = metrics.mean(r["unit_r"] for r in duty)
    summary["duty_unit_f1"] = metrics.mean(r["unit_f1"] for r in duty)
    summary["duty_top_unit"] = metrics.mean(bool(r["units"]) and r["units"][0] == r["expected_units"][0]
                                            for r in duty)
    summary["unit_recall"] = metrics.mean(r["unit_recall"] for r in rows if r["type"] == "unit")
    summary["none_accuracy"] = metrics.mean(not r["answerable"] for r in rows if r["type"] == "none")
    summary["wrong_refusal"] = metrics.mean(not r["answerable"] for r in rows if r["type"] in ANSWERABLE_TYPES)
    summary["intent_accuracy"] = metrics.mean(
        r["intent"] == ("unit" if r["type"] == "unit" else "duty" if r["type"] == "duty" else "find")
        for r in rows)
    summary["ms_per_question"] = metrics.mean(r["ms"] for r in rows)
    return summary


def tradeoff(rows: list[dict]) -> list[dict]:
    """Not-found accuracy against wrong refusals as the answerability threshold moves."""
    out = []
    for t in SWEEP:
        none = [r for r in rows if r["type"] == "none"]
        ans = [r for r in rows if r["type"] in ("duty", "find", "precedent")]
        out.append({"threshold": t,
                    "none_accuracy": metrics.mean(metrics.answer_confidence(r) < t for r in none),
                    "wrong_refusal": metrics.mean(metrics.answer_confidence(r) < t for r in ans)})
    return out


def gate(summaries: dict[str, dict], thresholds: dict) -> list[str]:
    """Failures of the quality gate (empty when it passes)."""
    failures = []
    hybrid = summaries.get("hybrid")
    if hybrid is None:
        return ["the gate needs the hybrid mode (run with --mode all or hybrid)"]
    checks = {
        "hybrid_ndcg@10": hybrid["ranking"]["nDCG@10"],
        "hybrid_recall@5": hybrid["ranking"]["R@5"],
        "duty_top_unit": hybrid["duty_top_unit"],
        "duty_unit_f1": hybrid["duty_unit_f1"],
        "precedent_ndcg@10": hybrid["by_type"]["precedent"]["nDCG@10"],
        "unit_recall": hybrid["unit_recall"],
        "none_accuracy": hybrid["none_accuracy"],
    }
    for name, value in checks.items():
        floor = thresholds.get(name)
        if floor is not None and value < floor:
            failures.append(f"{name} = {value:.4f} is below the threshold {floor}")
    ceiling = thresholds.get("wrong_refusal_max")
    if ceiling is not None and hybrid["wrong_refusal"] > ceiling:
        failures.append(f"wrong_refusal = {hybrid['wrong_refusal']:.4f} is above the ceiling {ceiling}")
    margin = float(thresholds.get("hybrid_over_best_single", 0.0))
    for single in ("bm25", "dense"):
        if single in summaries and hybrid["ranking"]["nDCG@10"] <= summaries[single]["ranking"]["nDCG@10"] + margin:
            failures.append(f"hybrid nDCG@10 ({hybrid['ranking']['nDCG@10']:.4f}) does not beat {single} "
                            f"({summaries[single]['ranking']['nDCG@10']:.4f}) by more than {margin}")
    return failures


def run_eval(seeds: Path, index_dir: Path, out: Path, modes: list[str], k: int = 10,
             embedder: str | None = None, report: Path | None = None, corpus: str = "seeds",
             split: str = "all", backend: str = "local", milvus_uri: str | None = None,
             milvus_bm25: str = "client") -> dict:
    """Evaluate one corpus (seeds, govcn or mixed) on one split (dev, test or all), on a backend."""
    from zhengce.eval.report import write_report

    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    index_dir = index_dir_for(index_dir, corpus)
    engine, built, docs = ensure_index(corpus_paths(corpus, seeds), index_dir, embedder)
    if backend == "milvus":
        engine = milvus_engine(engine, index_dir, milvus_uri, milvus_bm25)
    questions, problems = judge(select(read_questions(), corpus, split), docs)
    summaries: dict[str, dict] = {}
    by_split: dict[str, dict[str, dict]] = {s: {} for s in SPLITS} if split == "all" else {}
    by_corpus: dict[str, dict[str, dict]] = {c: {} for c in CORPORA} if corpus == "mixed" else {}
    all_rows: dict[str, list[dict]] = {}
    for mode in modes:
        summary, rows, run = evaluate_mode(engine, questions, mode, k)
        summaries[mode], all_rows[mode] = summary, rows
        for s in by_split:
            by_split[s][mode] = summarize(mode, k, [q for q in questions if q.split == s], rows, run)
        for c in by_corpus:
            by_corpus[c][mode] = summarize(mode, k, [q for q in questions if q.corpus == c], rows, run)
        write_trec_run(out / f"run.{mode}.trec", run, f"zhengce-{mode}")
        with open(out / f"questions.{mode}.jsonl", "w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
    result = {"embedder": engine.embedder.name, "backend": backend, "index_built": built, "corpus_hash":
              engine.index.manifest["corpus_hash"], "seconds": round(time.perf_counter() - t0, 1),
              "corpus": corpus, "split": split, "documents": len(docs),
              "questions_by_corpus": {c: sum(q.corpus == c for q in questions) for c in ("seeds", "govcn")},
              "unresolved_judgments": problems, "modes": summaries, "by_split": by_split, "by_corpus": by_corpus,
              "tradeoff": tradeoff(all_rows["hybrid" if "hybrid" in all_rows else modes[0]]),
              "calibrated_threshold": _threshold_of(engine)}
    (out / "summary.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    if report is not None:
        write_report(result, all_rows, report)
    return result


def _threshold_of(engine) -> float:
    return float(engine.index.calibration["threshold"])


def load_thresholds(path: Path = THRESHOLDS) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
