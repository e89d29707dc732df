"""Issue 16, rows 3, 10 and 11: one writer at a time, dead writers' leftovers removed, early failure.

Concurrency is made deterministic with the ``ZHENGCE_FAULT`` hook (index/faults.py): a writer
pauses at a named point and the test meets it on FIFOs (tests/faulthook.py); nothing sleeps.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT, seed_path
from tests.faulthook import Pause
from zhengce.index.builds import builds_dir
from zhengce.index.corpus import load_document
from zhengce.index.embedding import FakeEmbedder
from zhengce.index.locking import IndexBusy, LocationError, check_writable, writer_lock
from zhengce.index.store import build_index, load_index, save_index


def start(target, *args, env=None):
    return subprocess.Popen([sys.executable, "-m", "zhengce", "index", "--index", str(target), *map(str, args)],
                            cwd=ROOT, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def finish(proc, timeout=300):
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


@pytest.fixture()
def base(tmp_path):
    target = tmp_path / "idx"
    docs = [load_document(seed_path(p)) for p in ("000", "001", "002")]
    save_index(build_index(docs, FakeEmbedder())[0], target)
    return target


def test_row3_two_adds_at_once_both_land_and_a_third_is_refused(tmp_path, base):
    a_locked = Pause(tmp_path / "fa", "locked")
    a = start(base, "--add", seed_path("003"), env=a_locked.env())
    a_pid = a_locked.wait_reached()  # A holds the lock, before reading the index
    assert a_pid == a.pid

    # Without --wait, a second writer is refused at once, naming the holder.
    code, _, err = finish(start(base, "--add", seed_path("004")))
    assert code == 2 and f"another build is running (pid {a.pid})" in err

    # With --wait, it waits for A, then reads A's published index under the lock.
    b_waits = Pause(tmp_path / "fb", "lock-wait")
    b = start(base, "--add", seed_path("004"), "--wait", env=b_waits.env())
    b_waits.wait_reached()  # B found the lock held and is about to wait
    b_waits.release()
    a_locked.release()
    assert finish(a)[0] == 0
    code, out, err = finish(b)
    assert code == 0, err
    assert "indexed 5 documents" in out
    docs = load_index(base).docs
    assert len(docs) == 5 and any(d.startswith("003") for d in docs) and any(d.startswith("004") for d in docs)


def test_row3_lock_is_released_when_the_holder_dies(tmp_path, base):
    paused = Pause(tmp_path / "f", "locked")
    a = start(base, "--add", seed_path("003"), env=paused.env())
    paused.wait_reached()
    with pytest.raises(IndexBusy, match=f"pid {a.pid}"):
        with writer_lock(base):
            pass
    a.kill()
    a.wait()
    with writer_lock(base):  # the kernel released the dead holder's lock
        pass


def test_row10_a_dead_writers_tmp_folder_is_removed_by_the_next_build(tmp_path, base):
    killed = start(base, "--add", seed_path("003"), env={"ZHENGCE_FAULT": "tmp-written=kill"})
    assert finish(killed)[0] == -9
    leftovers = [p.name for p in builds_dir(base).iterdir() if p.name.startswith("tmp-")]
    assert len(leftovers) == 1
    assert len(load_index(base).docs) == 3  # the published index is untouched

    # A writer paused with its own tmp folder written: nobody removes it while it holds the lock.
    paused = Pause(tmp_path / "f", "tmp-written")
    running = start(base, "--add", seed_path("004"), env=paused.env())
    paused.wait_reached()
    own = {p.name for p in builds_dir(base).iterdir() if p.name.startswith("tmp-")} - set(leftovers)
    assert len(own) == 1
    assert finish(start(base, "--add", seed_path("003")))[0] == 2  # refused: the lock is held
    assert own <= {p.name for p in builds_dir(base).iterdir()}
    paused.release()
    code, _, err = finish(running)
    assert code == 0, err
    assert f"removed {leftovers[0]}" in err  # removed under the lock, by the next build
    assert not [p for p in builds_dir(base).iterdir() if p.name.startswith("tmp-")]
    assert len(load_index(base).docs) == 4


def test_row11_an_unwritable_index_location_is_reported_before_any_work(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    bad = tmp_path / "missing.txt"  # would be reported only after reading, if reading happened
    code, out, err = finish(start(blocker / "idx", "--embedder", "fake", bad))
    assert code == 2
    assert "error: cannot create the index location" in err and "Traceback" not in err
    assert "missing.txt" not in err and "indexed" not in out
    with pytest.raises(LocationError, match="cannot write the index location /proc"):
        check_writable("/proc/zhengce-index")
