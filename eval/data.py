"""The labeled data as plain data: questions (JSON Lines), TREC qrels, corpora and the dev/test split.

Every question names the corpus it is about (``seeds`` or ``govcn``) and its split (``dev`` or
``test``). The split is assigned once, by :func:`assign_splits`, and stored in
``questions.jsonl``: constants are chosen on dev only, test is only ever reported.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

EVAL_DIR = Path(__file__).resolve().parent
QUESTIONS = EVAL_DIR / "questions.jsonl"
QRELS = EVAL_DIR / "qrels.tsv"
JUDGMENTS = EVAL_DIR / "judgments.jsonl"
THRESHOLDS = EVAL_DIR / "thresholds.json"
GOVCN_DIR = EVAL_DIR / "corpus" / "govcn"
TYPES = ("duty", "unit", "find", "precedent", "none")
RANKED_TYPES = ("duty", "find", "precedent")
ANSWERABLE_TYPES = ("duty", "unit", "find", "precedent")
CORPORA = ("seeds", "govcn")
EVAL_CORPORA = ("seeds", "govcn", "mixed")  # what `zhengce eval --corpus` accepts; mixed = both in one index
SPLITS = ("dev", "test")
DEV_SHARE = 0.6
SPLIT_SALT = "zhengce-eval-split-v1"


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    question: str
    units: tuple[str, ...] = ()
    note: str | None = None
    relevant: dict = field(default_factory=dict, compare=False)
    corpus: str = "seeds"
    split: str | None = None
    absent: tuple[str, ...] = ()


def read_qrels(path: Path = QRELS) -> dict[str, dict[str, int]]:
    """``qid 0 clause_id grade`` lines -> {qid: {clause_id: grade}}."""
    qrels: dict[str, dict[str, int]] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 4:
            raise ValueError(f"{path}:{n}: expected 'qid 0 clause_id grade', got {line!r}")
        qid, _, doc, grade = parts
        qrels.setdefault(qid, {})[doc] = int(grade)
    return qrels


def read_question_dicts(path: Path = QUESTIONS) -> list[dict]:
    """The raw lines of ``questions.jsonl`` (for tools that rewrite the file)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def read_questions(path: Path = QUESTIONS, qrels: dict | None = None) -> list[Question]:
    """Every question, with its judgments from ``qrels`` (default: the seeds' ``qrels.tsv``)."""
    qrels = read_qrels() if qrels is None else qrels
    out = []
    for n, d in enumerate(read_question_dicts(path), 1):
        if d["type"] not in TYPES:
            raise ValueError(f"{path}:{n}: unknown type {d['type']!r}")
        corpus = d.get("corpus", "seeds")
        if corpus not in CORPORA:
            raise ValueError(f"{path}:{n}: unknown corpus {corpus!r}")
        split = d.get("split")
        if split is not None and split not in SPLITS:
            raise ValueError(f"{path}:{n}: unknown split {split!r}")
        out.append(Question(d["id"], d["type"], d["question"], tuple(d.get("units", ())), d.get("note"),
                            qrels.get(d["id"], {}), corpus, split, tuple(d.get("absent", ()))))
    ids = [q.id for q in out]
    if len(ids) != len(set(ids)):
        raise ValueError(f"{path}: duplicate question ids")
    return out


def select(questions: Iterable[Question], corpus: str = "seeds", split: str = "all") -> list[Question]:
    """The questions of one evaluation setting: ``mixed`` takes every corpus, ``all`` every split."""
    if corpus not in EVAL_CORPORA:
        raise ValueError(f"unknown corpus {corpus!r} (expected one of {', '.join(EVAL_CORPORA)})")
    if split not in (*SPLITS, "all"):
        raise ValueError(f"unknown split {split!r} (expected dev, test or all)")
    return [q for q in questions
            if (corpus == "mixed" or q.corpus == corpus) and (split == "all" or q.split == split)]


def split_key(qid: str) -> float:
    """A number in [0, 1) fixed by the question id alone (salted SHA-256)."""
    digest = hashlib.sha256(f"{SPLIT_SALT}:{qid}".encode()).hexdigest()
    return int(digest[:13], 16) / 16 ** 13


def assign_splits(questions: Iterable[dict], dev_share: float = DEV_SHARE) -> dict[str, str]:
    """{qid: split} for every question, stratified by (corpus, type).

    A question that already has a ``split`` keeps it: a split is assigned once and never moves.
    Within each stratum the unassigned questions are taken in :func:`split_key` order, each going
    to the split that is further below its share (dev ``dev_share``, test the rest); a tie goes to
    dev when the key is below ``dev_share``. The result depends on the ids only, not on file order.
    """
    strata: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for d in questions:
        strata[(d.get("corpus", "seeds"), d["type"])].append(d)
    out: dict[str, str] = {}
    for members in strata.values():
        counts = {s: 0 for s in SPLITS}
        for d in members:
            if d.get("split") in SPLITS:
                out[d["id"]] = d["split"]
                counts[d["split"]] += 1
        for d in sorted((d for d in members if d["id"] not in out), key=lambda d: (split_key(d["id"]), d["id"])):
            total = counts["dev"] + counts["test"] + 1
            deficit_dev = dev_share * total - counts["dev"]
            deficit_test = (1 - dev_share) * total - counts["test"]
            if abs(deficit_dev - deficit_test) < 1e-9:
                split = "dev" if split_key(d["id"]) < dev_share else "test"
            else:
                split = "dev" if deficit_dev > deficit_test else "test"
            out[d["id"]] = split
            counts[split] += 1
    return out


def write_question_dicts(rows: list[dict], path: Path = QUESTIONS) -> None:
    """One JSON object a line, keys in a fixed order, non-ASCII kept readable."""
    order = ("id", "type", "corpus", "split", "question", "units", "absent", "note")
    with open(path, "w", encoding="utf-8") as f:
        for d in rows:
            ordered = {k: d[k] for k in order if k in d}
            ordered.update({k: v for k, v in d.items() if k not in ordered})
            f.write(json.dumps(ordered, ensure_ascii=False) + "\n")


def corpus_paths(corpus: str, seeds: Path) -> list[Path]:
    """The files of an evaluation corpus.

    govcn is its ``.htm`` pages only: the PDF and DOCX twins of three notices share their page's
    document id (the file stem), so they would replace or duplicate it in the index.
    """
    govcn = sorted(GOVCN_DIR.glob("*.htm"))
    return {"seeds": [seeds], "govcn": govcn, "mixed": [seeds, *govcn]}[corpus]


def write_trec_run(path: Path, run: dict[str, list[tuple[str, float]]], tag: str) -> None:
    """TREC run format: ``qid Q0 doc rank score tag``."""
    with open(path, "w", encoding="utf-8") as f:
        for qid, ranked in run.items():
            for rank, (doc, score) in enumerate(ranked, 1):
                f.write(f"{qid} Q0 {doc} {rank} {score:.6f} {tag}\n")


def main(argv: list[str] | None = None) -> int:
    """``python -m zhengce.eval.data --assign-splits``: give every question without a split one."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m zhengce.eval.data", description=main.__doc__)
    parser.add_argument("--assign-splits", action="store_true", help="rewrite questions.jsonl with splits")
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    args = parser.parse_args(argv)
    rows = read_question_dicts(args.questions)
    splits = assign_splits(rows)
    new = [d["id"] for d in rows if d.get("split") != splits[d["id"]]]
    if args.assign_splits:
        for d in rows:
            d["split"] = splits[d["id"]]
        write_question_dicts(rows, args.questions)
    print(f"{len(rows)} questions, {len(new)} without a split" + (" (assigned)" if args.assign_splits else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
