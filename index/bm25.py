"""BM25 over clause tokens with bm25s (a sparse matrix of precomputed scores).

Fields: the clause title is indexed as a boosted field by repeating its tokens
``TITLE_BOOST`` times, the path (ancestor headings) once, then the body and the
units. The scoring variant is Lucene's (idf = ln(1 + (N - df + 0.5)/(df + 0.5)),
never negative), with k1 = 1.5 and b = 0.75, rank-bm25's defaults. Scores are
the textbook ones (with the (k1 + 1) numerator), equal to rank-bm25's. A lower b ranked
better on dev (0.4: +0.007 nDCG@10 held out) but moved the answerability signals, which
read this field's scores: their choice held out 0.843 against 0.893, so b stays
(``eval/ABLATION.md``, round 5).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from zhengce.index.model import Clause
from zhengce.index.tokenizer import Tokenizer

K1 = 1.5
B = 0.75
METHOD = "lucene"
TITLE_BOOST = 2


def clause_tokens(clause: Clause, tok: Tokenizer, title_boost: int = TITLE_BOOST) -> list[str]:
    """The token list BM25 indexes for one clause."""
    tokens: list[str] = []
    title_tokens = tok.tokenize(clause.title)
    for _ in range(title_boost):
        tokens.extend(title_tokens)
    for heading in clause.path[-2:]:
        tokens.extend(tok.tokenize(heading))
    body = clause.text
    if body.startswith(clause.title):
        body = body[len(clause.title):]
    tokens.extend(tok.tokenize(body))
    tokens.extend(tok.tokenize(" ".join(clause.unit_names())))
    if clause.proposer:
        tokens.extend(tok.tokenize(clause.proposer))
    return tokens


def build(corpus_tokens: Sequence[list[str]], method: str = METHOD, k1: float = K1, b: float = B):
    import bm25s

    model = bm25s.BM25(k1=k1, b=b, method=method)
    model.index([list(t) for t in corpus_tokens], show_progress=False)
    return model


def scores(model, query_tokens: list[str]) -> np.ndarray:
    """BM25 score of every document for one tokenized query (zeros if no token is known)."""
    n = int(model.scores["num_docs"])
    ids = model.get_tokens_ids(query_tokens)
    if not ids:
        return np.zeros(n, np.float32)
    # bm25s leaves out the constant (k1 + 1) of the term-frequency numerator; restoring it gives
    # the textbook score, equal to rank-bm25's (ranking is unchanged either way).
    return np.asarray(model.get_scores_from_ids(ids), dtype=np.float32) * np.float32(model.k1 + 1)


def save(model, directory: Path) -> None:
    model.save(str(directory), show_progress=False)


def load(directory: Path, mmap: bool = False):
    import bm25s

    return bm25s.BM25.load(str(directory), mmap=mmap, show_progress=False)


def idf(model, tokens: list[str]) -> np.ndarray:
    """Lucene idf of each token in the index (a token the index never saw gets the idf of df = 0).

    The document frequency is the number of stored scores of the token's column (bm25s keeps
    one nonzero score per document containing it).
    """
    n = int(model.scores["num_docs"])
    indptr = model.scores["indptr"]
    vocab = model.vocab_dict
    df = np.array([indptr[vocab[t] + 1] - indptr[vocab[t]] if t in vocab else 0 for t in tokens], np.float64)
    return np.log(1.0 + (n - df + 0.5) / (df + 0.5))
