"""The dev/test split: stored with every question, stable, stratified by corpus and type."""

from __future__ import annotations

import random
from collections import Counter, defaultdict

import pytest

from zhengce.eval.data import (
    CORPORA,
    DEV_SHARE,
    SPLITS,
    TYPES,
    assign_splits,
    read_question_dicts,
    read_questions,
    select,
    split_key,
)


@pytest.fixture(scope="module")
def rows():
    return read_question_dicts()


def test_every_question_has_a_corpus_and_a_split(rows):
    for d in rows:
        assert d.get("corpus") in CORPORA, d["id"]
        assert d.get("split") in SPLITS, d["id"]


def test_the_stored_split_is_what_the_assignment_gives(rows):
    """Re-running the assignment on the stored data moves nothing (no question lacks or changes a split)."""
    assert assign_splits(rows) == {d["id"]: d["split"] for d in rows}


def test_each_stratum_is_split_about_sixty_forty(rows):
    strata: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for d in rows:
        strata[(d["corpus"], d["type"])][d["split"]] += 1
    for corpus in CORPORA:
        for t in TYPES:
            c = strata[(corpus, t)]
            n = c["dev"] + c["test"]
            assert n >= 2, (corpus, t)
            assert c["dev"] >= 1 and c["test"] >= 1, (corpus, t, c)
            assert abs(c["dev"] - DEV_SHARE * n) <= 1, (corpus, t, c)
    share = sum(d["split"] == "dev" for d in rows) / len(rows)
    assert abs(share - DEV_SHARE) < 0.03


def _fresh(n_per_stratum: dict[tuple[str, str], int]) -> list[dict]:
    return [{"id": f"{corpus[0]}{t}{i:03d}", "corpus": corpus, "type": t}
            for (corpus, t), n in n_per_stratum.items() for i in range(n)]


def test_assignment_depends_on_the_ids_not_on_the_order():
    rows = _fresh({("seeds", "find"): 17, ("govcn", "duty"): 23, ("govcn", "none"): 5})
    first = assign_splits(rows)
    shuffled = rows[:]
    random.Random(7).shuffle(shuffled)
    assert assign_splits(shuffled) == first
    assert split_key("d01") == split_key("d01") and 0 <= split_key("d01") < 1
    assert split_key("d01") != split_key("d02")


def test_adding_questions_never_moves_an_assigned_one():
    rows = _fresh({("govcn", "find"): 12, ("govcn", "unit"): 3})
    first = assign_splits(rows)
    stored = [{**d, "split": first[d["id"]]} for d in rows]
    more = stored + [{"id": f"new{i}", "corpus": "govcn", "type": t} for i, t in enumerate(["find"] * 9 + ["unit"] * 4)]
    second = assign_splits(more)
    assert all(second[d["id"]] == first[d["id"]] for d in rows)
    counts = Counter((d["type"], second[d["id"]]) for d in more)
    assert abs(counts[("find", "dev")] - DEV_SHARE * 21) <= 1
    assert abs(counts[("unit", "dev")] - DEV_SHARE * 7) <= 1


def test_select_by_corpus_and_split():
    qs = read_questions()
    mixed = select(qs, "mixed", "all")
    assert len(mixed) == len(qs)
    seeds_dev = select(qs, "seeds", "dev")
    assert seeds_dev and all(q.corpus == "seeds" and q.split == "dev" for q in seeds_dev)
    assert len(select(qs, "govcn", "dev")) + len(select(qs, "govcn", "test")) == len(select(qs, "govcn"))
    with pytest.raises(ValueError):
        select(qs, "nowhere")
    with pytest.raises(ValueError):
        select(qs, "seeds", "train")


def test_the_command_gives_new_questions_a_split_and_keeps_the_rest(tmp_path, rows):
    import json

    from zhengce.eval.data import main

    path = tmp_path / "questions.jsonl"
    new = [{"id": f"x{i}", "type": "find", "corpus": "govcn", "question": "问"} for i in range(5)]
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in [*rows, *new]), encoding="utf-8")
    assert main(["--assign-splits", "--questions", str(path)]) == 0
    after = {d["id"]: d for d in read_question_dicts(path)}
    assert all(after[d["id"]]["split"] == d["split"] for d in rows)
    assert {after[d["id"]]["split"] for d in new} == {"dev", "test"}
    before = path.read_text(encoding="utf-8")
    main(["--assign-splits", "--questions", str(path)])
    assert path.read_text(encoding="utf-8") == before
