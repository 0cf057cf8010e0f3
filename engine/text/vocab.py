"""Text preprocessing (d2l §9.2): ``tokenize``, ``count_corpus``, ``Vocab`` and ``corpus_ids``.

The book's functions with the book's names, plus Chinese: character tokens by default, word
tokens through jieba. A ``Corpus`` is plain text with its language and where it came from.
"""
from __future__ import annotations

import collections
import re
from dataclasses import dataclass
from typing import Iterable, Sequence

UNK = "<unk>"
_WORD = re.compile(r"[\w'’-]+|[^\w\s]")    # a word (with its apostrophes and hyphens), or one punctuation mark


@dataclass(frozen=True)
class Corpus:
    """A text to learn from. Hashable, so it can key a cache."""
    name: str          # shown to the student, e.g. "brackets" or the uploaded file's name
    text: str          # the text itself, lines separated by "\n"
    lang: str = "en"   # "en" or "zh": decides how words are cut
    source: str = "generated"   # "generated", "upload" or "time_machine"
    note: str = ""     # what happened on the way in: detected encoding, truncation, preprocessing

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


def preprocess_time_machine(text: str) -> list[str]:
    """The book's ``read_time_machine`` cleaning: non-letters become spaces, lower case (d2l §9.2.1)."""
    return [re.sub("[^A-Za-z]+", " ", line).strip().lower() for line in text.splitlines()]


_jieba = None


def _cut_words_zh(line: str) -> list[str]:
    global _jieba
    if _jieba is None:
        import jieba
        jieba.setLogLevel(60)        # keep its "Building prefix dict" chatter out of the logs
        _jieba = jieba
    return [w for w in _jieba.lcut(line) if w.strip()]


def tokenize(lines: Iterable[str], token: str = "char", lang: str = "en") -> list[list[str]]:
    """Split each line into tokens (d2l §9.2.2).

    English: ``"char"`` keeps every character (spaces too), as the book; ``"word"`` splits on white space
    as the book and also cuts punctuation off as tokens of its own (``"mat."`` → ``"mat"``, ``"."``),
    which changes nothing on the book's cleaned Time Machine and keeps "cat" and "cat," one word elsewhere.
    Chinese: ``"char"`` keeps every non-space character (the default: Chinese has no spaces between words);
    ``"word"`` cuts words with jieba."""
    if token not in ("char", "word"):
        raise ValueError(f"unknown token type: {token!r}")
    if lang == "zh":
        if token == "char":
            return [[c for c in line if not c.isspace()] for line in lines]
        return [_cut_words_zh(line) for line in lines]
    if token == "word":
        return [_WORD.findall(line) for line in lines]
    return [list(line) for line in lines]


def count_corpus(tokens: Sequence) -> collections.Counter:
    """Count token frequencies; ``tokens`` is a 1D list or a list of token lists (d2l §9.2.3)."""
    if len(tokens) == 0 or isinstance(tokens[0], list):
        tokens = [token for line in tokens for token in line]
    return collections.Counter(tokens)


class Vocab:
    """Vocabulary for text (d2l §9.2.3): index 0 is ``<unk>``, then the reserved tokens, then
    the tokens by decreasing frequency (ties keep first-seen order) whose count is ≥ ``min_freq``."""

    def __init__(self, tokens: Sequence | None = None, min_freq: int = 0,
                 reserved_tokens: Sequence[str] | None = None):
        tokens = [] if tokens is None else tokens
        reserved_tokens = [] if reserved_tokens is None else list(reserved_tokens)
        counter = count_corpus(tokens)
        self._token_freqs = sorted(counter.items(), key=lambda x: x[1], reverse=True)
        self.idx_to_token = [UNK] + reserved_tokens
        self.token_to_idx = {token: idx for idx, token in enumerate(self.idx_to_token)}
        for token, freq in self._token_freqs:
            if freq < min_freq:
                break
            if token not in self.token_to_idx:
                self.idx_to_token.append(token)
                self.token_to_idx[token] = len(self.idx_to_token) - 1

    def __len__(self) -> int:
        return len(self.idx_to_token)

    def __getitem__(self, tokens):
        if not isinstance(tokens, (list, tuple)):
            return self.token_to_idx.get(tokens, self.unk)
        return [self.__getitem__(token) for token in tokens]

    def to_tokens(self, indices):
        if not isinstance(indices, (list, tuple)):
            return self.idx_to_token[int(indices)]
        return [self.idx_to_token[int(index)] for index in indices]

    @property
    def unk(self) -> int:
        return 0

    @property
    def token_freqs(self) -> list[tuple[str, int]]:
        """Every distinct token of the corpus with its count, most frequent first (kept ones or not)."""
        return self._token_freqs


def corpus_ids(corpus: Corpus, token: str = "char", min_freq: int = 0,
               max_tokens: int = -1) -> tuple[list[int], Vocab]:
    """Token indices of the whole corpus and its vocabulary, like the book's
    ``load_corpus_time_machine`` (d2l §9.2.4): lines are tokenized, then concatenated."""
    tokens = tokenize(corpus.lines, token, corpus.lang)
    vocab = Vocab(tokens, min_freq)
    get = vocab.token_to_idx.get          # vocab[tok], without a method call per token
    ids = [get(tok, 0) for line in tokens for tok in line]
    if max_tokens > 0:
        ids = ids[:max_tokens]
    return ids, vocab
