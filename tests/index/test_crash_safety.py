"""Kill the indexer at random points: the published index always loads and answers as before (or as
the complete new build, if the kill came after the swap); never a half-written mix."""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time

from tests.conftest import ROOT, SEEDS
from zhengce.index.embedding import FakeEmbedder
from zhengce.index.store import load_index
from zhengce.search.engine import SearchEngine

QUERIES = ["谁负责科技成果转化", "科技贷款风险补偿", "新型研发机构"]


def answers(target):
    engine = SearchEngine(load_index(target, "fake:hash-ngrams-256"), FakeEmbedder())
    return [[h.clause.id for h in engine.search(q, k=5).hits] for q in QUERIES]


def test_sigkill_during_builds_never_breaks_the_published_index(tmp_path):
    target = tmp_path / "idx"
    cmd = [sys.executable, "-m", "zhengce", "index", "--index", str(target), "--embedder", "fake"]
    subprocess.run([*cmd, str(SEEDS)], cwd=ROOT, check=True, capture_output=True)
    before = answers(target)
    # The next build indexes a different corpus (004 removed), so a completed swap is visible.
    smaller = tmp_path / "smaller"
    smaller.mkdir()
    for p in SEEDS.glob("*.txt"):
        if not p.name.startswith("004"):
            shutil.copy(p, smaller / p.name)
    rng = random.Random(7)
    outcomes = set()
    for _ in range(6):
        proc = subprocess.Popen([*cmd, str(smaller)], cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 3.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        index = load_index(target)  # must load, whatever the moment of the kill
        now = answers(target)
        if "004_cee58c647e0cd370" in index.docs:
            assert now == before
            outcomes.add("old")
        else:
            outcomes.add("new")
            subprocess.run([*cmd, str(SEEDS)], cwd=ROOT, check=True, capture_output=True)  # restore
            assert answers(target) == before
    assert "old" in outcomes
