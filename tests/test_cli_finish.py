"""The command line, finished: tables by display width, help with examples and defaults, empty folders,
search timing, and `zhengce index` running through update_index."""

from __future__ import annotations

import argparse
import json

import pytest

from tests.conftest import SEEDS
from tests.test_cli import zc
from zhengce.cli import build_parser
from zhengce.output import display_width, table


def test_display_width_counts_cjk_as_two():
    assert display_width("市科技局") == 8 and display_width("abc") == 3 and display_width("（牵头）") == 8
    assert display_width("ａ") == 2  # full-width Latin


def test_table_aligns_by_display_width():
    out = table(["单位", "n"], [["市科技局", "12"], ["郑州高新区管委会", "3"], ["abc", "100"]], right={1})
    lines = out.splitlines()
    # Widest name (16 columns), two spaces, the widest number (3), right-aligned: every line 21 columns.
    assert [display_width(line) for line in lines] == [21] * 4
    assert lines[1] == "市科技局" + " " * 8 + "  " + " 12"


@pytest.fixture(scope="module")
def index_dir(fake_index_dir):
    return fake_index_dir


def test_units_table_columns_line_up(index_dir):
    lines = zc("units", "--index", index_dir, check=True).stdout.splitlines()
    assert lines[0].split() == ["责任单位", "牵头", "配合", "负责", "文件数"]
    # The counts are right-aligned: each line ends at the same display column.
    widths = {display_width(line) for line in lines}
    assert len(widths) == 1, widths
    assert any("市科技局" in line for line in lines)


def test_every_command_names_an_example_and_serve_shows_defaults():
    parser = build_parser()
    subs = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert "example:" in parser.format_help()
    for name, sub in subs.choices.items():
        assert "example: zhengce " in sub.format_help() or "example: ZHENGCE_" in sub.format_help(), name
    serve = subs.choices["serve"].format_help()
    for default in ("default: var/index", "default: 127.0.0.1", "default: 8000", "ZHENGCE_ADMIN_TOKEN"):
        assert default in serve


def test_docs_and_chunk_on_an_empty_folder_say_so(tmp_path):
    (tmp_path / "notes.xyz").write_text("not a notice")
    for command in ("docs", "chunk"):
        r = zc(command, tmp_path)
        assert r.returncode == 2 and "no notice files in" in r.stderr and str(tmp_path) in r.stderr
        assert ".txt" in r.stderr


class ColdStartEmbedder:
    """The fake embedder with a model that takes 1.5 s to warm up on its first query."""

    COLD = 1.5

    def __init__(self):
        from zhengce.index.embedding import FakeEmbedder

        self.inner, self.warm = FakeEmbedder(), False
        self.name, self.dim = self.inner.name, self.inner.dim

    def embed_queries(self, texts):
        import time

        if not self.warm:
            time.sleep(self.COLD)  # the cost being excluded from the time printed, not synchronisation
            self.warm = True
        return self.inner.embed_queries(texts)

    def embed_passages(self, texts, batch_size=16):
        return self.inner.embed_passages(texts, batch_size)


def test_search_prints_the_query_time_not_the_model_load(index_dir, monkeypatch, capsys):
    from zhengce.cli import main
    from zhengce.search.engine import SearchEngine

    opened = []
    real_open = SearchEngine.open.__func__

    def open_cold(cls, directory, embedder=None, **kw):
        opened.append(ColdStartEmbedder())
        return real_open(cls, directory, opened[-1], **kw)

    monkeypatch.setattr(SearchEngine, "open", classmethod(open_cold))
    assert main(["search", "科技成果转化", "--index", str(index_dir), "-k", "1"]) == 0
    out = capsys.readouterr().out
    took = int(out.split("(hybrid, ")[1].split(" ms")[0])
    assert opened[0].warm and took < ColdStartEmbedder.COLD * 1000 / 2, out


def test_index_add_and_remove_through_update_index(tmp_path):
    target = tmp_path / "idx"
    seeds = sorted(SEEDS.glob("*.txt"))
    r = zc("index", *seeds[:3], "--index", target, "--embedder", "fake", "--json", check=True)
    assert json.loads(r.stdout)["documents"] == 3
    added = json.loads(zc("index", "--add", seeds[3], "--index", target, "--json", check=True).stdout)
    assert added["documents"] == 4 and added["added"] == [seeds[3].stem] and added["reused"] > 0
    junk = tmp_path / "junk.txt"
    junk.write_text("扫一扫在手机打开当前页\n", encoding="utf-8")
    r = zc("index", "--add", junk, "--index", target)
    assert r.returncode == 2 and "nothing indexed" in r.stderr and "junk.txt" in r.stderr
    r = zc("index", "--add", seeds[4], "--index", tmp_path / "none")
    assert r.returncode == 2 and "no index at" in r.stderr
