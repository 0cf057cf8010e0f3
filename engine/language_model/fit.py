"""Settings that fit the student's corpus, and whether generated text is worth reading.

``corpus_stats``: how many tokens and how many distinct ones a corpus has. ``suggest``: the book's
settings suit a corpus of 28 letters; a vocabulary of thousands of characters needs an embedding
(a one-hot column per character makes every step cost |V| multiply-adds per hidden unit before any
learning) and a hidden layer sized for it. ``words_refused``: word tokens need each word seen several
times. ``repetition`` and ``advice``: a model that has learned little, decoded greedily, repeats one
token or loops over a phrase; the page says so and what would help.
"""
from __future__ import annotations

import collections
import math
from dataclasses import dataclass

from engine.text import Corpus, tokenize

LARGE_VOCAB = 200            # distinct tokens above which the one-hot input is replaced by an embedding
LARGE_VOCAB_HIDDENS = 128    # hidden units then (the output layer h·|V| dominates: 128 trains ≈ 2× the tokens of 256 per slice)
MIN_WORD_REPEATS = 5         # word tokens: each distinct word seen at least this often on average
MIN_WORDS = 2_000            # … and at least this many words in all
MAX_SHARE = 0.3              # generated text in which one token is more than this share is degenerate
MIN_DISTINCT = 10            # … or in which fewer distinct tokens than this appear per 100 (a short loop)
MAX_CYCLE = 40               # the loop a text ends in is reported up to this many tokens (3 repeats at the end)
RECOGNISABLE_EPOCHS = 3      # epochs after which the benchmark corpora wrote text in their style (benchmarks/upload_corpus.py)


@dataclass(frozen=True)
class CorpusStats:
    lang: str
    num_chars: int           # character tokens (Chinese: non-space characters)
    distinct_chars: int
    num_words: int
    distinct_words: int

    def num_tokens(self, token: str) -> int:
        return self.num_chars if token == "char" else self.num_words

    def distinct(self, token: str) -> int:
        return self.distinct_chars if token == "char" else self.distinct_words


def corpus_stats(corpus: Corpus, max_tokens: int | None = None) -> CorpusStats:
    """Counts over the whole corpus, or its first ``max_tokens`` tokens of each kind (what is trained on)."""
    def counts(token):
        toks = [t for line in tokenize(corpus.lines, token, corpus.lang) for t in line]
        toks = toks[:max_tokens] if max_tokens else toks
        return len(toks), len(set(toks))
    nc, dc = counts("char")
    nw, dw = counts("word")
    return CorpusStats(corpus.lang, nc, dc, nw, dw)


def words_refused(stats: CorpusStats) -> bool:
    """Too few words, or words seen too rarely, for word tokens to learn anything: most rows of the output
    layer would be trained on one or two examples."""
    return stats.num_words < MIN_WORDS or stats.num_words < MIN_WORD_REPEATS * stats.distinct_words


def suggest(stats: CorpusStats, token: str = "char") -> dict:
    """The settings of the language model that follow the corpus, with the values that fit it: the
    lesson's defaults (the book's one-hot input) for a corpus of a few dozen letters, an embedding and
    ``LARGE_VOCAB_HIDDENS`` units for a vocabulary of more than ``LARGE_VOCAB`` tokens. (Word tokens on
    a corpus too small for them are refused, not suggested away: ``words_refused``.)"""
    from engine.language_model.core import Settings
    d = Settings()
    large = stats.distinct("char" if token == "word" and words_refused(stats) else token) > LARGE_VOCAB
    return {"embedding": True if large else d.embedding, "num_hiddens": LARGE_VOCAB_HIDDENS if large else d.num_hiddens}


def epochs_per_slice(num_train_tokens: int, work_per_batch: float, batch_size: int, num_steps: int,
                     max_work: float) -> float:
    """Epochs one slice of the work budget trains."""
    batches = max_work // work_per_batch
    return batches * batch_size * num_steps / max(1, num_train_tokens)


def slice_of(epoch: float, batches_per_epoch: int, work_per_batch: float, max_work: float) -> int:
    """The slice of the work budget (1, 2, …) in which the run trained up to ``epoch``."""
    per_slice = max(1.0, max_work // work_per_batch)
    return max(1, math.ceil(round(epoch * batches_per_epoch) / per_slice))


def slices_needed(epochs_per_slice_: float, epochs: float = RECOGNISABLE_EPOCHS) -> int:
    return max(1, math.ceil(epochs / max(epochs_per_slice_, 1e-9)))


# ---- is the generated text worth reading? ------------------------------------------------------------

@dataclass(frozen=True)
class Repetition:
    n: int                   # tokens measured (the continuation, not the prefix)
    top_token: str
    top_share: float         # share of the most frequent token
    distinct_per_100: float  # distinct tokens per 100 (the first 100, or all if fewer, scaled)
    cycle: int               # the length of the loop the text ends in (0: none)

    @property
    def degenerate(self) -> bool:
        """One token dominates, or a handful of tokens loop: greedy decoding of a model that learned little.
        (A loop over a whole sentence is not: that is greedy decoding of a model that learned it.)"""
        return self.n > 0 and (self.top_share > MAX_SHARE or self.distinct_per_100 < MIN_DISTINCT)


def _cycle(tokens: list) -> int:
    """The shortest period p ≤ MAX_CYCLE such that the last 3p tokens repeat with period p (0: none)."""
    n = len(tokens)
    for p in range(1, min(MAX_CYCLE, n // 3) + 1):
        tail = tokens[n - 3 * p:]
        if all(tail[i] == tail[i + p] for i in range(2 * p)):
            return p
    return 0


def repetition(tokens: list) -> Repetition:
    """How repetitive a generated token sequence is (share of the most frequent token, distinct tokens per
    100, and the loop it ends in)."""
    tokens = list(tokens)
    if not tokens:
        return Repetition(0, "", 0.0, 0.0, 0)
    top, count = collections.Counter(tokens).most_common(1)[0]
    first = tokens[:100]
    return Repetition(len(tokens), top, count / len(tokens), len(set(first)) * 100 / len(first), _cycle(tokens))


def advice(greedy: Repetition, sampled: Repetition | None, *, can_continue: bool, small_model: bool,
           sampling_on: bool) -> list[str]:
    """What would help a degenerate text, as keys of the lesson's strings (empty when nothing is degenerate).

    - "advice_sample": greedy decoding loops but sampling does not (or sampling is off): read the sampled text.
    - "advice_continue": the budget, not the epochs, ended training: Continue trains another slice.
    - "advice_larger": the model is small for the vocabulary (one-hot input or few units).
    - "advice_epochs": all epochs ran and nothing above applies: more epochs (then Continue)."""
    bad_greedy = greedy.degenerate
    bad_sampled = sampled is not None and sampled.degenerate
    if not (bad_greedy or bad_sampled):
        return []
    out = []
    if bad_greedy and not bad_sampled:
        out.append("advice_sample")
    if can_continue:
        out.append("advice_continue")
    if small_model:
        out.append("advice_larger")
    if not sampling_on and "advice_sample" not in out:
        out.append("advice_sample")
    if not can_continue and not small_model:
        out.append("advice_epochs")
    return out


def small_for_vocab(embedding: bool, num_hiddens: int, vocab_size: int) -> bool:
    """The model is smaller than ``suggest`` would make it for this vocabulary."""
    return vocab_size > LARGE_VOCAB and (not embedding or num_hiddens < LARGE_VOCAB_HIDDENS)
