"""What a Milvus collection of clauses looks like, and how we talk to it.

* :func:`connect` — a local file path is Milvus Lite (embedded); ``http(s)://host:19530`` is
  Milvus Standalone or Distributed, with a token from ``--milvus-token`` or
  ``ZHENGCE_MILVUS_TOKEN``. pymilvus is the ``milvus`` extra.
* :func:`make_schema` — one entity per ranked clause: ``id`` (the clause id, primary key),
  ``doc_id``, ``year``, ``date``, ``issuer``, ``kind``, ``units`` (ARRAY of VARCHAR), the
  dense vector, and BM25 in one of two forms (``BM25_ENGINES``):

  - ``client``: a sparse vector computed here with our own tokenizer (index/tokenizer.py)
    and BM25 (index/bm25.py): per-term ``tf·(k1+1)/(tf + k1·(1-b+b·dl/avgdl))`` in the
    entity, ``idf·count`` in the query, so the inner product is exactly our Lucene BM25.
    Term ids and document frequencies (:class:`SparseBM25`) stay beside Milvus.
  - ``builtin``: Milvus's own BM25 function over a ``text`` field analysed by its jieba
    tokenizer (given our dictionary and stopwords); Milvus keeps the statistics.

  The character-bigram field (index/bigrams.py) is always a client-side sparse vector,
  ``sparse_bigrams``, with its own term statistics: Milvus has no analyzer that cuts
  overlapping bigrams the way the local field does.

* :func:`filters_expr` — :class:`~zhengce.index.contract.Filters` as a boolean expression.
"""

from __future__ import annotations

import json
import math
import os
from collections import Counter
from pathlib import Path

import numpy as np

from zhengce.index import bm25
from zhengce.index.contract import Filters
from zhengce.index.model import Clause
from zhengce.index.tokenizer import Tokenizer

BM25_ENGINES = ("client", "builtin")
DEFAULT_BM25_ENGINE = "client"
DENSE_INDEXES = ("FLAT", "HNSW", "IVF_FLAT")
TOKEN_ENV = "ZHENGCE_MILVUS_TOKEN"
MAX_UNITS = 64
TEXT_CHARS = 8000
BIGRAM_TERMS = "bm25_bigram_terms.json"
_CLIENTS: dict[tuple[str, str], object] = {}


class MilvusUnavailable(RuntimeError):
    """pymilvus is missing, or the Milvus URI cannot be reached."""


def is_lite(uri: str) -> bool:
    return "://" not in uri


def connect(uri: str, token: str | None = None):
    """A (cached) MilvusClient: Milvus Lite for a file path, a server for an http(s) URI."""
    try:
        from pymilvus import MilvusClient
    except ImportError:
        raise MilvusUnavailable("the Milvus backend needs pymilvus: install the milvus extra: "
                                "pip install 'zhengce[milvus]'") from None
    if is_lite(uri):
        path = Path(uri).absolute()
        path.parent.mkdir(parents=True, exist_ok=True)
        key = (str(path), "")
    else:
        key = (uri, token if token is not None else os.environ.get(TOKEN_ENV, ""))
    client = _CLIENTS.get(key)
    if client is None:
        try:
            client = MilvusClient(key[0]) if is_lite(uri) else MilvusClient(uri=key[0], token=key[1])
        except Exception as exc:  # pymilvus raises MilvusException and grpc errors alike
            hint = (" (Milvus Lite lets one process open a file: is another zhengce process using it? "
                    "Several processes need a Milvus server, http://host:19530)") if is_lite(uri) else ""
            raise MilvusUnavailable(f"cannot open Milvus at {uri}: {exc}{hint}") from exc
        _CLIENTS[key] = client
    return client


def public_uri(uri: str) -> str:
    """The URI as stored in a manifest: an absolute path for Lite, never a token."""
    return str(Path(uri).absolute()) if is_lite(uri) else uri


def make_schema(client, dim: int, engine: str, tokenizer: Tokenizer):
    from pymilvus import DataType, Function, FunctionType

    if engine not in BM25_ENGINES:
        raise ValueError(f"unknown BM25 engine {engine!r}: use one of {', '.join(BM25_ENGINES)}")
    s = client.create_schema(auto_id=False, enable_dynamic_field=False)
    s.add_field("id", DataType.VARCHAR, is_primary=True, max_length=512)
    s.add_field("doc_id", DataType.VARCHAR, max_length=256)
    s.add_field("year", DataType.INT64)
    s.add_field("date", DataType.VARCHAR, max_length=16)
    s.add_field("issuer", DataType.VARCHAR, max_length=512)
    s.add_field("kind", DataType.VARCHAR, max_length=128)
    s.add_field("units", DataType.ARRAY, element_type=DataType.VARCHAR, max_capacity=MAX_UNITS, max_length=256)
    s.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
    if engine == "client":
        s.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    else:
        analyzer = {"tokenizer": {"type": "jieba", "mode": "search", "dict": list(tokenizer.user_words)},
                    "filter": ["lowercase", {"type": "stop", "stop_words": sorted(tokenizer.stopwords)}]}
        s.add_field("text", DataType.VARCHAR, max_length=TEXT_CHARS * 4, enable_analyzer=True,
                    analyzer_params=analyzer)
        s.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
        s.add_function(Function(name="bm25", function_type=FunctionType.BM25,
                                input_field_names=["text"], output_field_names=["sparse"]))
    s.add_field("sparse_bigrams", DataType.SPARSE_FLOAT_VECTOR)
    return s


def index_params(client, engine: str, dense_index: str = "FLAT", lite: bool = False):
    if dense_index not in DENSE_INDEXES:
        raise ValueError(f"unknown dense index {dense_index!r}: use one of {', '.join(DENSE_INDEXES)}")
    params = {"HNSW": {"M": 32, "efConstruction": 80}, "IVF_FLAT": {"nlist": 1024}}.get(dense_index, {})
    ip = client.prepare_index_params()
    ip.add_index("dense", index_type=dense_index, metric_type="IP", params=params)
    ip.add_index("sparse", index_type="SPARSE_INVERTED_INDEX",
                 metric_type="IP" if engine == "client" else "BM25",
                 params={} if engine == "client" else {"bm25_k1": bm25.K1, "bm25_b": bm25.B})
    ip.add_index("sparse_bigrams", index_type="SPARSE_INVERTED_INDEX", metric_type="IP", params={})
    for name in ("doc_id", "kind", "year", "date") + (() if lite else ("units",)):  # Lite: none on ARRAY
        ip.add_index(name, index_type="INVERTED")
    return ip


def bm25_text(clause: Clause, title_boost: int = bm25.TITLE_BOOST) -> str:
    """The built-in engine's input: the fields bm25.clause_tokens indexes, as text."""
    body = clause.text[len(clause.title):] if clause.text.startswith(clause.title) else clause.text
    parts = [clause.title] * title_boost + list(clause.path[-2:]) + [body, " ".join(clause.unit_names())]
    if clause.proposer:
        parts.append(clause.proposer)
    return "\n".join(p for p in parts if p)[:TEXT_CHARS]


class SparseBM25:
    """Our BM25 as sparse vectors: term ids, document frequencies and lengths, kept beside Milvus.

    Entities carry the saturated term frequency; a query carries ``idf·count``. ``idf`` is
    computed at query time from the current statistics, so ``--add`` and ``--remove`` keep
    it exact; the length normalisation of an entity uses ``avgdl`` as of its insertion.
    """

    FILE = "bm25_terms.json"

    def __init__(self, vocab: dict[str, list[int]] | None = None, n_docs: int = 0, total_len: int = 0,
                 k1: float = bm25.K1, b: float = bm25.B):
        self.vocab = vocab or {}  # term -> [id, df]
        self.n_docs, self.total_len, self.k1, self.b = n_docs, total_len, k1, b

    @property
    def avgdl(self) -> float:
        return self.total_len / self.n_docs if self.n_docs else 1.0

    def count(self, corpus_tokens: list[list[str]], sign: int = 1) -> None:
        """Add (or with ``sign=-1`` remove) documents to the statistics."""
        for tokens in corpus_tokens:
            self.n_docs += sign
            self.total_len += sign * len(tokens)
            for term in set(tokens):
                entry = self.vocab.get(term)
                if entry is None:
                    entry = self.vocab[term] = [len(self.vocab), 0]
                entry[1] += sign

    def doc_vector(self, tokens: list[str]) -> dict[int, float]:
        norm = self.k1 * (1 - self.b + self.b * len(tokens) / self.avgdl)
        return {self.vocab[t][0]: tf * (self.k1 + 1) / (tf + norm) for t, tf in Counter(tokens).items()}

    def query_vector(self, tokens: list[str]) -> dict[int, float]:
        out: dict[int, float] = {}
        for term, count in Counter(tokens).items():
            entry = self.vocab.get(term)
            if entry is None or entry[1] <= 0:
                continue
            idf = math.log(1 + (self.n_docs - entry[1] + 0.5) / (entry[1] + 0.5))
            out[entry[0]] = idf * count
        return out

    def idf(self, tokens: list[str]) -> np.ndarray:
        """Lucene idf of each token (an unknown token: the idf of df = 0), as ``bm25.idf``."""
        df = np.array([max(0, self.vocab.get(t, (0, 0))[1]) for t in tokens], np.float64)
        return np.log(1.0 + (self.n_docs - df + 0.5) / (df + 0.5))

    def save(self, directory: Path, name: str | None = None) -> None:
        data = {"n_docs": self.n_docs, "total_len": self.total_len, "k1": self.k1, "b": self.b,
                "vocab": self.vocab}
        (directory / (name or self.FILE)).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, name: str | None = None) -> SparseBM25:
        path = directory / (name or cls.FILE)
        if not path.exists():
            return cls()
        d = json.loads(path.read_text(encoding="utf-8"))
        return cls(d["vocab"], d["n_docs"], d["total_len"], d["k1"], d["b"])


def literal(value: str) -> str:
    """A string literal of a Milvus expression."""
    return json.dumps(value, ensure_ascii=False)


def str_list(values) -> str:
    return "[" + ", ".join(literal(v) for v in values) + "]"


def filters_expr(filters: Filters, unit_names: list[str], unit_ids: list[str] | None = None) -> str:
    """The filters as a Milvus boolean expression ("" when nothing is filtered).

    ``unit_names`` are the canonical names the unit filter matched (aliases resolved by the
    index, as the local backend does): ``array_contains_any`` over ``units``, which a server
    answers from its INVERTED index. Milvus Lite has no index on ARRAY fields and evaluates
    them row by row in Python (1.1 s against 0.1 s at 1e4 rows), so for Lite the reader
    passes the clause ids of the unit (``unit_ids``) instead. The issuer matches by
    substring, like locally.
    """
    parts = []
    if filters.docs:
        parts.append(f"doc_id in {str_list(filters.docs)}")
    if filters.issuer:
        escaped = filters.issuer.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        parts.append(f"issuer like {literal('%' + escaped + '%')}")
    if filters.unit:
        parts.append(f"id in {str_list(unit_ids)}" if unit_ids is not None
                     else f"array_contains_any(units, {str_list(unit_names)})")
    if filters.kind:
        parts.append(f"kind == {literal(filters.kind)}")
    if filters.year_from is not None:
        parts.append(f"(year >= {int(filters.year_from)} and year > 0)")
    if filters.year_to is not None:
        parts.append(f"(year <= {int(filters.year_to)} and year > 0)")
    if filters.date_from:
        parts.append(f"(date >= {literal(filters.date_from)} and date != \"\")")
    if filters.date_to:
        parts.append(f"(date <= {literal(filters.date_to)} and date != \"\")")
    return " and ".join(parts)
