"""The labeled data as plain data: questions (JSON Lines) and TREC qrels."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

EVAL_DIR = Path(__file__).resolve().parent
QUESTIONS = EVAL_DIR / "questions.jsonl"
QRELS = EVAL_DIR / "qrels.tsv"
THRESHOLDS = EVAL_DIR / "thresholds.json"
TYPES = ("duty", "unit", "find", "precedent", "none")
RANKED_TYPES = ("duty", "find", "precedent")
ANSWERABLE_TYPES = ("duty", "unit", "find", "precedent")


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    question: str
    units: tuple[str, ...] = ()
    note: str | None = None
    relevant: dict = field(default_factory=dict, compare=False)


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


def read_questions(path: Path = QUESTIONS, qrels: dict | None = None) -> list[Question]:
    qrels = read_qrels() if qrels is None else qrels
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        d = json.loads(line)
        if d["type"] not in TYPES:
            raise ValueError(f"{path}:{n}: unknown type {d['type']!r}")
        out.append(Question(d["id"], d["type"], d["question"], tuple(d.get("units", ())), d.get("note"),
                            qrels.get(d["id"], {})))
    ids = [q.id for q in out]
    if len(ids) != len(set(ids)):
        raise ValueError(f"{path}: duplicate question ids")
    return out


def write_trec_run(path: Path, run: dict[str, list[tuple[str, float]]], tag: str) -> None:
    """TREC run format: ``qid Q0 doc rank score tag``."""
    with open(path, "w", encoding="utf-8") as f:
        for qid, ranked in run.items():
            for rank, (doc, score) in enumerate(ranked, 1):
                f.write(f"{qid} Q0 {doc} {rank} {score:.6f} {tag}\n")
