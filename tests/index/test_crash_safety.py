"""Kill the indexer at every named point of a build: the published index always loads and answers
as before (or as the complete new build, once the link was swapped); never a half-written mix.

The kill is deterministic: ``ZHENGCE_FAULT=<point>=kill`` makes the build SIGKILL itself exactly there.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SEEDS
from zhengce.index.embedding import FakeEmbedder
from zhengce.index.faults import BUILD_POINTS
from zhengce.index.store import load_index
from zhengce.search.engine import SearchEngine

QUERIES = ["谁负责科技成果转化", "科技贷款风险补偿", "新型研发机构"]
DROPPED = "004_cee58c647e0cd370"
SWAPPED = {"publish:swapped"}  # points after which the new build is the published one


def answers(target):
    engine = SearchEngine(load_index(target, "fake:hash-ngrams-256"), FakeEmbedder())
    return [[h.clause.id for h in engine.search(q, k=5).hits] for q in QUERIES]


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    """The seeds, and the seeds without 004 (so a completed swap is visible)."""
    smaller = tmp_path_factory.mktemp("smaller")
    for p in SEEDS.glob("*.txt"):
        if not p.name.startswith("004"):
            shutil.copy(p, smaller / p.name)
    return SEEDS, smaller


def _index(target, folder, fault=None, *extra):
    env = {**os.environ, "ZHENGCE_FAULT": f"{fault}=kill"} if fault else None
    cmd = [sys.executable, "-m", "zhengce", "index", "--index", str(target), "--embedder", "fake", str(folder),
           *extra]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True)


@pytest.mark.parametrize("point", BUILD_POINTS)
def test_sigkill_at_each_point_never_breaks_the_published_index(tmp_path, corpora, point):
    seeds, smaller = corpora
    target = tmp_path / "idx"
    assert _index(target, seeds).returncode == 0
    before = answers(target)
    proc = _index(target, smaller, fault=point)
    assert proc.returncode == -signal.SIGKILL  # it really died at that point
    index = load_index(target)  # must load, whatever the moment of the kill
    if point in SWAPPED:
        assert DROPPED not in {m.doc_id for m in index.documents()}
    else:
        assert DROPPED in {m.doc_id for m in index.documents()}
        assert answers(target) == before
    # A later build succeeds and publishes normally.
    assert _index(target, seeds).returncode == 0
    assert answers(target) == before


def test_vectors_put_in_the_embedding_cache_survive_a_build_killed_after_embedding(tmp_path, corpora):
    """The shared cache (--embed-cache) gets its shard before anything else is written; a build
    that dies later loses no embedding work: the next build embeds nothing."""
    seeds, _ = corpora
    target, cache = tmp_path / "idx", tmp_path / "cache"
    proc = _index(target, seeds, "build:embedded", "--embed-cache", str(cache))
    assert proc.returncode == -signal.SIGKILL and not target.exists()
    done = _index(target, seeds, None, "--embed-cache", str(cache), "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["embedded"] == 0 and summary["reused"] == summary["rows"] > 0
