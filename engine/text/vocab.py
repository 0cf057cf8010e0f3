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


# Chinese writing (and Japanese, read the same way): ideographs, kana, CJK and full-width punctuation
_CJK = "\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_CJK_RUN = re.compile(f"([{_CJK}]+)")
_SPACE_BETWEEN_LATIN = re.compile(f"(?<=[^\\s{_CJK}])\\s+(?=[^\\s{_CJK}])")


def _cjk(c: str) -> bool:
    return bool(_CJK_RUN.fullmatch(c))


def _chars_zh(line: str) -> list[str]:
    """Chinese characters without the spaces, except one space between two Latin words: a Chinese
    text with English terms ("用 deep learning 训练") keeps "deep learning" two words."""
    out, at = [], 0
    for m in _SPACE_BETWEEN_LATIN.finditer(line):
        out += [c for c in line[at:m.start()] if not c.isspace()] + [" "]
        at = m.end()
    return out + [c for c in line[at:] if not c.isspace()]


def _words_mixed(line: str) -> list[str]:
    """Words of a line that may mix scripts: jieba for its Chinese runs, the English rule (white
    space, punctuation on its own) for the rest. A line without Chinese never loads jieba."""
    if not _CJK_RUN.search(line):
        return _WORD.findall(line)
    out = []
    for i, run in enumerate(_CJK_RUN.split(line)):
        out += _cut_words_zh(run) if i % 2 else _WORD.findall(run)
    return out


def join_words_zh(words: Sequence[str]) -> str:
    """Chinese word tokens back to text: no space, except between two Latin words."""
    out = ""
    for w in words:
        if out and w and not _cjk(out[-1]) and not _cjk(w[0]) and (out[-1].isalnum() and w[0].isalnum()):
            out += " "
        out += w
    return out


def tokenize(lines: Iterable[str], token: str = "char", lang: str = "en") -> list[list[str]]:
    """Split each line into tokens (d2l §9.2.2).

    English: ``"char"`` keeps every character (spaces too), as the book; ``"word"`` splits on white space
    as the book and also cuts punctuation off as tokens of its own (``"mat."`` → ``"mat"``, ``"."``),
    which changes nothing on the book's cleaned Time Machine and keeps "cat" and "cat," one word elsewhere.
    Chinese: ``"char"`` keeps every non-space character (the default: Chinese has no spaces between words)
    but one space between two Latin words; ``"word"`` cuts words with jieba.
    A text that mixes both is cut run by run, whichever its language: word tokens come from jieba for
    the Chinese runs and from white space for the Latin ones."""
    if token not in ("char", "word"):
        raise ValueError(f"unknown token type: {token!r}")
    if token == "word":
        return [_words_mixed(line) for line in lines]
    if lang == "zh":
        return [_chars_zh(line) for line in lines]
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
