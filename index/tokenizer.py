"""Chinese tokenization for BM25: jieba search-mode with a policy dictionary.

``jieba.cut_for_search`` emits a long word and its sub-words (科技成果转化 ->
科技, 成果, 转化, 科技成果, 成果转化, 科技成果转化), which gives recall for
queries phrased differently from the notice. The user dictionary (policy terms
plus every unit name found in the corpus) keeps unit names whole. The text is
NFKC-normalized and lower-cased first, so full-width and half-width queries
give the same tokens.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

DATA = Path(__file__).parent / "data"
_PUNCT = re.compile(r"^[\W_]+$", re.UNICODE)
BLOCK_CACHE = 500_000


def _block_pattern() -> re.Pattern:
    import jieba

    return jieba.re_han_default  # the pattern jieba's own cut splits on


_BLOCK = _block_pattern()


def read_word_list(path: Path) -> list[str]:
    if not path.exists():
        return []
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.append(line.split()[0])
    return words


def default_user_words() -> list[str]:
    return read_word_list(DATA / "userdict.txt")


def default_stopwords() -> frozenset[str]:
    return frozenset(read_word_list(DATA / "stopwords.txt"))


_BASE_JIEBA = None


def _fresh_jieba():
    """A jieba tokenizer with the base dictionary, sharing its words with every other one.

    ``initialize()`` unmarshals ~350,000 words anew for each tokenizer; an index reload then
    leaves the old ones as heap fragments (issue 16, row 7: memory grew with every reload).
    A shallow copy of one loaded dictionary allocates a single table, freed whole.
    """
    import jieba

    global _BASE_JIEBA
    if _BASE_JIEBA is None:
        base = jieba.Tokenizer()
        base.initialize()
        _BASE_JIEBA = base
    fresh = jieba.Tokenizer()
    fresh.FREQ, fresh.total = dict(_BASE_JIEBA.FREQ), _BASE_JIEBA.total
    fresh.dictionary = _BASE_JIEBA.dictionary
    fresh.initialized = True
    return fresh


class Tokenizer:
    """jieba search-mode tokenizer with its own dictionary (the global one is untouched)."""

    kind = "jieba-search"

    def __init__(self, user_words: Iterable[str] = (), stopwords: Iterable[str] = ()):
        """Exactly these words and stopwords; :meth:`for_corpus` adds the package's lists."""
        import jieba

        jieba.setLogLevel(logging.WARNING)
        self.user_words = sorted({w for w in user_words if w})
        self.stopwords = frozenset(stopwords)
        self._jieba = _fresh_jieba()
        for word in self.user_words:
            self._jieba.add_word(word, freq=max(2000, 200 * len(word)))
        self._cache: dict[str, list[str]] = {}
        self._blocks: dict[str, list[str]] = {}

    @classmethod
    def for_corpus(cls, corpus_words: Iterable[str] = ()) -> Tokenizer:
        """A new build's tokenizer: the package's dictionary and stopwords plus the corpus's words."""
        return cls(set(default_user_words()) | set(corpus_words), default_stopwords())

    @property
    def dict_hash(self) -> str:
        payload = "\n".join(self.user_words) + "\x00" + "\n".join(sorted(self.stopwords))
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]

    @property
    def name(self) -> str:
        return f"{self.kind}:{self.dict_hash}"

    def tokenize(self, text: str) -> list[str]:
        """Tokens of one text (search mode, stopwords and punctuation dropped).

        jieba cuts each run of han/alphanumeric characters (its ``re_han_default`` blocks) on its
        own, so the tokens of a text are the tokens of its blocks one after the other: blocks
        are cut once and remembered (policy text repeats its phrases; a build gets much faster).
        """
        text = unicodedata.normalize("NFKC", text).lower()
        out: list[str] = []
        blocks = self._blocks
        for blk in _BLOCK.split(text):
            if not blk:
                continue
            toks = blocks.get(blk)
            if toks is None:
                toks = self._cut(blk)
                if len(blocks) > BLOCK_CACHE:
                    blocks.clear()
                blocks[blk] = toks
            out.extend(toks)
        return out

    def _cut(self, block: str) -> list[str]:
        out = []
        for tok in self._jieba.cut_for_search(block, HMM=True):
            tok = tok.strip()
            if not tok or tok in self.stopwords or _PUNCT.match(tok):
                continue
            out.append(tok)
        return out

    def tokenize_query(self, text: str) -> list[str]:
        """Like :meth:`tokenize`, cached: the same question is asked again and again."""
        hit = self._cache.get(text)
        if hit is None:
            hit = self.tokenize(text)
            if len(self._cache) > 4096:
                self._cache.clear()
            self._cache[text] = hit
        return list(hit)

    def save(self, directory: Path) -> None:
        (directory / "userdict.txt").write_text("\n".join(self.user_words) + "\n", encoding="utf-8")
        (directory / "stopwords.txt").write_text("\n".join(sorted(self.stopwords)) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> Tokenizer:
        """The tokenizer an index was built with, from its own files (never the package's)."""
        return cls(read_word_list(directory / "userdict.txt"), read_word_list(directory / "stopwords.txt"))
