"""The local index: the clause store (``stored.py``) with bm25s and FAISS retrieval, all memory-mapped.

:class:`ClauseIndex` implements :class:`zhengce.index.contract.IndexReader`, the only
view search/ and api/ have of an index. Every array lives in the index directory and is
mapped, not read, at load (see ``store.py`` for the files). Retrieval: BM25 over jieba
words and over character bigrams (two bm25s matrices), dense top-k over the row vectors
(``dense.py``: exact, HNSW or IVF-PQ).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from zhengce.index import bigrams, bm25
from zhengce.index.aliases import Aliases
from zhengce.index.clause_store import ClauseStore
from zhengce.index.contract import top_k
from zhengce.index.dense import Dense
from zhengce.index.embed_cache import EmbedCache
from zhengce.index.stored import EMPTY_ROWS, Docs, Rows, StoredIndex  # noqa: F401 (re-exported)
from zhengce.index.thesaurus import Thesaurus
from zhengce.index.tokenizer import Tokenizer


@dataclass
class ClauseIndex(StoredIndex):
    """An index; build with ``store.build_index``, read with ``store.load_index``."""

    manifest: dict
    store: ClauseStore
    tokenizer: Tokenizer
    bm25_model: object
    dense: Dense
    aliases: Aliases = field(default_factory=Aliases.default)
    directory: Path | None = None
    thesaurus: Thesaurus = field(default_factory=Thesaurus)
    bigram_model: object | None = None

    @property
    def vectors(self) -> np.ndarray:
        return self.dense.vectors

    # -- retrieval -----------------------------------------------------------------------------
    def bm25_fields(self) -> tuple[str, ...]:
        return ("words", bigrams.FIELD) if self.bigram_model is not None else ("words",)

    def bm25_scores(self, query: str, field: str = "words") -> np.ndarray:
        if field == "words":
            return bm25.scores(self.bm25_model, self.tokenizer.tokenize_query(query))
        if field == bigrams.FIELD and self.bigram_model is not None:
            return bigrams.scores(self.bigram_model, query)
        raise ValueError(f"this index has no BM25 field {field!r} (it has: {', '.join(self.bm25_fields())})")

    def bm25_idf(self, tokens: list[str]) -> np.ndarray:
        return bm25.idf(self.bm25_model, tokens)

    def bm25_top_k(self, query: str, k: int, allowed: np.ndarray | None = None, field: str = "words"
                   ) -> tuple[np.ndarray, np.ndarray]:
        return top_k(self.bm25_scores(query, field), k, allowed, positive_only=True)

    def dense_top_k(self, vector: np.ndarray, k: int, allowed: np.ndarray | None = None
                    ) -> tuple[np.ndarray, np.ndarray]:
        return self.dense.search(vector, k, allowed)

    def vector_cache(self) -> EmbedCache:
        """Row vectors by the hash of what the embedder read (``passage_hash``), for reuse by the
        next build (the mapped vectors; nothing copied)."""
        return EmbedCache(self.embedder_name, np.asarray(self.store.passage_hashes()), self.vectors)
