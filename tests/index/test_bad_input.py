"""Bad files at ingest: each gives a clear message, the rest is indexed, nothing indexed is lost."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT, SEEDS, seed_path
from zhengce.index.corpus import ingest, parse_text
from zhengce.index.store import load_index


def make_bad_folder(tmp_path):
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 40)
    gbk = seed_path("003").read_text(encoding="utf-8").encode("gbk")
    (folder / "truncated_gbk.txt").write_bytes(gbk[:1001] + b"\xd6")  # cut inside a character
    with open(folder / "huge.txt", "wb") as f:
        f.seek(50 * 1024 * 1024 - 1)
        f.write(b"\n")
    (folder / "nobody.html").write_text("<html><head><title>空</title></head></html>", encoding="utf-8")
    (folder / "only_junk.txt").write_text("扫一扫在手机打开当前页\n标签:\n验证码:\n", encoding="utf-8")
    (folder / "jumps.txt").write_text("一、总则\n1.第一项。内容。\n3.第三项。内容。\n3.又一项。内容。\n",
                                      encoding="utf-8")
    (folder / "new_notice.txt").write_text("关于测试的通知\n一、重点任务\n1.加强测试工作。(责任单位:市测试局)\n",
                                           encoding="utf-8")
    return folder


def test_each_bad_file_gets_a_clear_message_and_the_rest_is_read(tmp_path):
    report = ingest([make_bad_folder(tmp_path)])
    by_file = {e.path.rsplit("/", 1)[-1]: e.reason for e in report.errors}
    assert "binary" in by_file["binary.txt"]
    assert "too large" in by_file["huge.txt"] and "ZHENGCE_MAX_FILE_MB" in by_file["huge.txt"]
    assert "no text" in by_file["nobody.html"] or "no Chinese" in by_file["nobody.html"]
    assert "no clauses" in by_file["only_junk.txt"]
    read = {d.doc_id: d for d in report.documents}
    assert "new_notice" in read and "jumps" in read
    assert any("jumps from 1 to 3" in w for w in read["jumps"].warnings)
    assert any("repeats" in w for w in read["jumps"].warnings)
    # A truncated GBK file is either refused by name or read without losing its readable part.
    if "truncated_gbk" in read:
        assert "自主创新示范区" in read["truncated_gbk"].original
    else:
        assert "truncated_gbk.txt" in by_file


def test_a_parser_failing_in_an_unforeseen_way_stops_only_its_file(tmp_path, monkeypatch):
    """A malformed .docx can make python-docx raise KeyError or IndexError: that file is reported
    with the kind of failure, and the others are indexed."""
    from zhengce.index import corpus

    (tmp_path / "good.txt").write_text("关于做好科技工作的通知\n一、加强科技成果转化。\n", encoding="utf-8")
    (tmp_path / "odd.txt").write_text("关于做好其他工作的通知\n一、加强管理。\n", encoding="utf-8")
    real = corpus.load_document

    def load(path, *args, **kwargs):
        if path.name == "odd.txt":
            raise IndexError("list index out of range")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(corpus, "load_document", load)
    report = ingest([tmp_path])
    assert [d.doc_id for d in report.documents] == ["good"]
    assert [(e.path.rsplit("/", 1)[-1], e.reason) for e in report.errors] == \
           [("odd.txt", "IndexError: list index out of range")]


def test_seeds_have_no_numbering_warnings(seed_docs):
    assert all(not d.warnings for d in seed_docs.values())


def test_adding_a_bad_folder_keeps_what_is_indexed(tmp_path):
    target = tmp_path / "idx"
    env_cmd = [sys.executable, "-m", "zhengce", "index", "--index", str(target), "--embedder", "fake"]
    subprocess.run([*env_cmd, str(SEEDS)], cwd=ROOT, check=True, capture_output=True)
    before = load_index(target)
    folder = make_bad_folder(tmp_path)
    run = subprocess.run([*env_cmd, "--add", str(folder), "--json"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 1  # some files failed: reported, not fatal
    summary = json.loads(run.stdout)
    assert any("binary.txt" in e for e in summary["errors"])
    assert any("jumps" in w for w in summary["warnings"])
    after = load_index(target)
    assert set(before.docs) <= set(after.docs) and "new_notice" in after.docs
    kept = {c.id for c in before.rows}
    assert kept <= {c.id for c in after.rows}
    # Embeddings of the untouched notices were reused, not recomputed.
    new_rows = len(after.rows) - len(before.rows)
    assert summary["reused"] >= len(before.rows) and summary["embedded"] <= new_rows


def test_a_notice_with_no_numbering_is_one_paragraph_per_block():
    doc = parse_text("这是一段没有编号的文字。\n\n这是第二段。\n", "plain")
    assert [c.kind for c in doc.clauses] == ["paragraph", "paragraph"]
