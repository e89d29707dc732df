"""How much of a query is read: a documented cut, made before tokenizing and embedding.

A query's cost grows with its length (jieba, BM25 terms, the embedder's tokens, excerpt
marking, the precedent diff). Issue 16, row 4: 2,000-character queries with ``k=100`` took
~2.5 s each and starved normal traffic. Questions are short (the labeled ones are at most 39
characters), so a query is cut to ``MAX_QUERY_CHARS`` = 100 characters and a draft clause for
``/precedent`` to ``MAX_DRAFT_CHARS`` = 480 (what the embedder reads of a clause anyway). The
cut is reported: responses carry a ``note`` saying so.
"""

from __future__ import annotations

MAX_QUERY_CHARS = 100
MAX_DRAFT_CHARS = 480


def cut_query(text: str, limit: int = MAX_QUERY_CHARS) -> tuple[str, str | None]:
    """The text to search with, and a note when it was cut (None otherwise)."""
    if len(text) <= limit:
        return text, None
    return text[:limit], (f"the query was cut to its first {limit} characters (it had {len(text)}); "
                          f"only they were searched")
