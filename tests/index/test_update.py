"""update_index: the one code path of `zhengce index` and of uploads (add, remove, rebuild, refuse)."""

from __future__ import annotations

import pytest

from tests.conftest import SEEDS
from zhengce.index.embedding import FakeEmbedder
from zhengce.index.store import load_index
from zhengce.index.update import BUILDING, PUBLISHING, READING, UpdateError, update_index


@pytest.fixture
def seeds():
    return sorted(SEEDS.glob("*.txt"))


def test_build_add_remove_and_report_each_stage(tmp_path, seeds):
    target = tmp_path / "idx"
    stages, seen = [], []

    def progress(files):
        for f in files:
            seen.append(f.name)
            yield f

    first = update_index(target, seeds[:2], embedder="fake", on_stage=stages.append, progress=progress)
    assert stages == [READING, BUILDING, PUBLISHING] and seen == [p.name for p in seeds[:2]]
    assert first.counts["documents"] == 2 and first.added == [p.stem for p in seeds[:2]] and not first.errors
    bad = tmp_path / "binary.txt"
    bad.write_bytes(bytes(range(256)) * 40)
    added = update_index(target, [seeds[2], bad], add=True)  # the index's own embedder
    assert added.embedder == FakeEmbedder().name and added.counts["documents"] == 3
    assert added.reused == first.counts["rows"] and [e.path for e in added.errors] == [str(bad)]
    removed = update_index(target, [], remove=[seeds[0].stem])
    assert removed.counts["documents"] == 2 and removed.removed == [seeds[0].stem] and removed.embedded == 0
    assert set(load_index(target).docs) == {seeds[1].stem, seeds[2].stem}


def test_refusals_leave_the_index_unchanged(tmp_path, seeds):
    target = tmp_path / "idx"
    with pytest.raises(UpdateError, match="no index at .* to update"):
        update_index(target, seeds[:1], add=True, embedder="fake")
    update_index(target, seeds[:1], embedder="fake")
    before = load_index(target).manifest["corpus_hash"]
    with pytest.raises(UpdateError, match="not in the index: nope"):
        update_index(target, [], remove=["nope"])
    junk = tmp_path / "junk.txt"
    junk.write_text("扫一扫在手机打开当前页\n", encoding="utf-8")
    with pytest.raises(UpdateError, match="nothing indexed.*junk.txt"):
        update_index(target, [junk], add=True)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(UpdateError, match="nothing indexed"):
        update_index(target, [empty])
    assert load_index(target).manifest["corpus_hash"] == before
