"""The command line, run as a user would (subprocesses, fake embedder where the model is not the point)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SEEDS, seed_path


def zc(*args, check=False):
    return subprocess.run([sys.executable, "-m", "zhengce", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, check=check)


def test_chunk_json_lines_carry_every_field():
    out = zc("chunk", seed_path("000"), "--json", check=True).stdout.splitlines()
    rows = [json.loads(line) for line in out]
    assert {"id", "level", "kind", "number", "title", "path", "text", "start", "end", "units", "proposer",
            "doc"} <= set(rows[0])
    c12 = next(r for r in rows if r["id"].endswith("#2.5.12"))
    assert c12["units"][0] == {"name": "市科技局", "role": "lead", "basis": "listed_first", "collective": False,
                               "surface": "市科技局"}


def test_chunk_tree_and_docs_are_readable():
    tree = zc("chunk", seed_path("003"), check=True).stdout
    assert "二、重点任务" in tree and "    1.加快推进自创区立法" in tree and "责任单位: 省科技厅(牵头)" in tree
    docs = zc("docs", seed_path("000"), check=True).stdout
    assert "郑政办〔2024〕36号" in docs and "2024-06-13" in docs


def test_chunk_help_names_every_format_the_reader_reads():
    text = zc("chunk", "--help", check=True).stdout
    assert all(suffix in text for suffix in (".txt", ".md", ".html", ".docx", ".pdf"))


def test_bad_files_exit_codes(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    r = zc("chunk", empty)
    assert r.returncode == 2 and "empty.txt" in r.stderr
    r = zc("chunk", empty, seed_path("004"))
    assert r.returncode == 1 and "2015年全市科技工作要点" in r.stdout


@pytest.fixture(scope="module")
def cli_index(tmp_path_factory):
    target = tmp_path_factory.mktemp("cli") / "idx"
    r = zc("index", SEEDS, "--index", target, "--embedder", "fake", "--json", check=True)
    summary = json.loads(r.stdout)
    assert summary["documents"] == 5 and summary["embedded"] == summary["rows"]
    return target


def test_index_again_reuses_every_embedding(cli_index):
    summary = json.loads(zc("index", SEEDS, "--index", cli_index, "--json", check=True).stdout)
    assert summary["embedded"] == 0 and summary["reused"] == summary["rows"]
    assert summary["embedder"].startswith("fake")  # the index's own embedder is kept


def test_search_ask_units_precedent(cli_index):
    out = zc("search", "科技贷款风险补偿", "--index", cli_index, "-k", "2", check=True).stdout
    assert "完善金融创新政策支持" in out and "出处:" in out
    body = json.loads(zc("ask", "科技贷款风险补偿由哪些单位负责", "--index", cli_index, "--json", check=True).stdout)
    assert body["units"][0]["name"] == "市金融局"
    assert "市科协" in zc("units", "--index", cli_index, check=True).stdout
    assert "== 2024" in zc("precedent", "完善科技贷款风险补偿机制", "--index", cli_index, check=True).stdout


def test_remove_a_document(cli_index, tmp_path):
    import shutil

    copy = tmp_path / "idx"
    shutil.copytree(cli_index.resolve(), copy)
    summary = json.loads(zc("index", "--index", copy, "--remove", "002_0b93ca2b95c7b588", "--json",
                            check=True).stdout)
    assert summary["documents"] == 4 and summary["embedded"] == 0
    r = zc("index", "--index", copy, "--remove", "nope")
    assert r.returncode == 2 and "not in the index" in r.stderr


def test_usage_errors(cli_index, tmp_path):
    assert zc("search", "  ", "--index", cli_index).returncode == 2
    assert zc("search", "科技", "-k", "0", "--index", cli_index).returncode == 2
    r = zc("search", "科技", "--index", tmp_path / "none")
    assert r.returncode == 2 and "zhengce index" in r.stderr
    assert zc().returncode == 2
