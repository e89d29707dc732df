"""Issue 16, rows 8 and 9: every folder entry not indexed is named with its reason; symlinks leading
outside the folder are not followed unless asked."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from tests.conftest import ROOT, seed_path
from zhengce.index import walk
from zhengce.index.corpus import ingest


def _reasons(skipped) -> dict[str, str]:
    return {os.path.basename(s.path): s.reason for s in skipped}


def test_row8_every_skipped_entry_is_named_with_its_reason(tmp_path, monkeypatch):
    folder = tmp_path / "notices"
    folder.mkdir()
    shutil.copy(seed_path("000"), folder / "good.txt")
    for name in ("scan.pdf", "old.doc", "table.csv", "README"):
        (folder / name).write_bytes(b"x")
    (folder / ".hidden.txt").write_text("x")
    os.mkfifo(folder / "pipe.txt")
    (folder / "loop").symlink_to(folder / "loop")
    (folder / "dangling.txt").symlink_to(folder / "nowhere.txt")
    (folder / "sub").mkdir()
    (folder / "sub" / "up").symlink_to(folder)  # a loop through a folder
    (folder / "locked").mkdir()
    (folder / "locked" / "inside.txt").write_text("x")
    real_scandir = os.scandir

    def scandir(path):  # root reads everything: make one folder unreadable the way the OS says it
        if os.path.basename(path) == "locked":
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(walk.os, "scandir", scandir)
    files, skipped = walk.collect([folder])
    pdf_read = ".pdf" in walk.SUPPORTED_SUFFIXES  # PDF support is being added to index/reading.py
    assert [f.name for f in files] == ["good.txt", "scan.pdf"][:2 if pdf_read else 1]
    reasons = _reasons(skipped)
    if not pdf_read:
        assert reasons["scan.pdf"].startswith("unsupported file type '.pdf'")
    assert reasons["old.doc"].startswith("unsupported file type '.doc'")
    assert reasons["table.csv"].startswith("unsupported file type '.csv'")
    assert reasons["README"].startswith("no file extension")
    assert reasons[".hidden.txt"].startswith("hidden")
    assert reasons["pipe.txt"] == "a FIFO (named pipe), not a file"
    assert reasons["loop"] == "symlink loop"
    assert reasons["dangling.txt"].startswith("dangling symlink")
    assert reasons["up"].startswith("symlink loop")
    assert reasons["locked"] == "unreadable folder (Permission denied)"
    assert len(skipped) == (9 if pdf_read else 10)  # nothing left out of the account


def test_row8_the_index_command_prints_each_skip(tmp_path):
    folder = tmp_path / "notices"
    folder.mkdir()
    shutil.copy(seed_path("000"), folder / "good.txt")
    (folder / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    os.mkfifo(folder / "pipe.txt")
    r = subprocess.run([sys.executable, "-m", "zhengce", "index", "--index", str(tmp_path / "idx"),
                        "--embedder", "fake", str(folder)], cwd=ROOT, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    assert f"skipped {folder / 'old.doc'}: unsupported file type '.doc'" in r.stderr
    assert f"skipped {folder / 'pipe.txt'}: a FIFO (named pipe), not a file" in r.stderr


def test_row9_a_symlink_leading_outside_the_folder_is_not_followed(tmp_path):
    outside = tmp_path / "private"
    outside.mkdir()
    shutil.copy(seed_path("001"), outside / "secret.txt")
    folder = tmp_path / "notices"
    folder.mkdir()
    shutil.copy(seed_path("000"), folder / "good.txt")
    (folder / "secret.txt").symlink_to(outside / "secret.txt")
    (folder / "private").symlink_to(outside)
    (folder / "alias.txt").symlink_to(folder / "good.txt")  # inside: fine

    report = ingest([folder])
    assert sorted(os.path.basename(d.meta.file) for d in report.documents) == ["alias.txt", "good.txt"]
    reasons = _reasons(report.skipped)
    assert reasons["secret.txt"].startswith("symlink leading outside the folder")
    assert reasons["private"].startswith("symlink leading outside the folder")
    assert "--follow-symlinks" in reasons["secret.txt"]

    followed = ingest([folder], follow_symlinks=True)
    assert "secret" in {d.doc_id for d in followed.documents}
