"""What a vocabulary and its n-grams say about a corpus (d2l §9.2.3, §9.2.5): counts, ``<unk>``, Zipf's law."""
from __future__ import annotations

import collections
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from engine import settings as S
from engine.text.vocab import Corpus, Vocab, tokenize

@dataclass(frozen=True)
class Settings:
    """The text-and-vocabulary page."""
    token: str = S.choice("char", ("char", "word"), doc="character or word tokens")
    min_freq: int = S.num(0, 0, 50, doc="tokens seen fewer times become <unk> (d2l §9.2.3)")
    top_k: int = S.num(10, 5, 50, step=5, doc="rows of the frequency tables")

    def __post_init__(self):
        S.check(self)


def ngrams(corpus: list, n: int) -> collections.Counter:
    """Counts of consecutive n-token tuples, as the book's ``zip(corpus[:-1], corpus[1:])`` (d2l §9.2.5)."""
    return collections.Counter(zip(*(corpus[i:] for i in range(n))))


def zipf_fit(counts: list[int], lo: int = 2, hi: int | None = None) -> tuple[float, float, int, int]:
    """Least squares of log nᵢ = −α log i + c over the ranks lo..hi: returns (α, c, lo, hi).
    The first ranks and the long tail of counts 1 bend away from the line, so both are left out."""
    counts = np.asarray(counts, dtype=float)
    if hi is None:
        above = np.nonzero(counts >= 3)[0]
        hi = int(above[-1]) + 1 if len(above) else len(counts)
    hi = min(hi, len(counts))
    lo = min(lo, max(1, hi - 1))
    if hi - lo < 1:
        return float("nan"), float("nan"), lo, hi
    ranks = np.arange(lo, hi + 1)
    slope, c = np.polyfit(np.log(ranks), np.log(counts[lo - 1:hi]), 1)
    return float(-slope), float(c), lo, hi


def compare_exponents(alphas: dict, rel_tol: float = 0.05) -> dict:
    """How the bigrams' and trigrams' fitted exponents compare with the unigrams': for n = 2, 3
    'smaller', 'larger' or 'close' (within ``rel_tol``) than α₁, and whether they fall with n as the
    book reports for *The Time Machine*'s words (α₁ > α₂ > α₃). The data decide, not the book."""
    a1 = alphas.get(1, math.nan)
    out = {}
    for n in (2, 3):
        a = alphas.get(n, math.nan)
        if not (math.isfinite(a) and math.isfinite(a1)):
            out[n] = "unknown"
        elif abs(a - a1) <= rel_tol * abs(a1):
            out[n] = "close"
        else:
            out[n] = "smaller" if a < a1 else "larger"
    a2, a3 = alphas.get(2, math.nan), alphas.get(3, math.nan)
    out["as_book"] = bool(out[2] == "smaller" and out[3] == "smaller" and a3 < a2)
    return out


@dataclass(frozen=True)
class Analysis:
    settings: Settings
    tokens: list            # the corpus as one flat list of tokens
    vocab: Vocab
    num_chars: int
    unk_share: float        # fraction of the corpus's tokens that map to <unk>
    ngram_counts: dict      # n -> list of (tuple, count), most frequent first
    alphas: dict            # n -> Zipf exponent fitted on that n-gram's counts
    fit: tuple              # (α, c, lo, hi) of the unigrams

    @property
    def num_tokens(self) -> int:
        return len(self.tokens)

    @property
    def num_distinct(self) -> int:
        return len(self.vocab.token_freqs)


def analyse(corpus: Corpus, settings: Settings) -> Analysis:
    """Tokenize, build the vocabulary, count n-grams and fit Zipf's law."""
    lines = tokenize(corpus.lines, settings.token, corpus.lang)
    tokens = [tok for line in lines for tok in line]
    vocab = Vocab(lines, settings.min_freq)
    unk = sum(c for t, c in vocab.token_freqs if t not in vocab.token_to_idx)
    counts = {n: ngrams(tokens, n).most_common() for n in (1, 2, 3)}
    alphas, fit = {}, (math.nan, math.nan, 1, 1)
    for n in (1, 2, 3):
        f = zipf_fit([c for _, c in counts[n]])
        alphas[n] = f[0]
        if n == 1:
            fit = f
    return Analysis(settings, tokens, vocab, len(corpus.text), unk / len(tokens) if tokens else 0.0,
                    counts, alphas, fit)


def show_token(token: str) -> str:
    """A token made visible in a table: spaces and line breaks as symbols."""
    return token.replace(" ", "␣").replace("\n", "↵").replace("\t", "⇥")


def vocab_frame(a: Analysis, max_rows: int | None = None) -> pd.DataFrame:
    """token, index, count for the vocabulary in index order (count of <unk> = the tokens it replaces)."""
    freqs = dict(a.vocab.token_freqs)
    unk = sum(c for t, c in a.vocab.token_freqs if t not in a.vocab.token_to_idx)
    rows = a.vocab.idx_to_token[:max_rows] if max_rows else a.vocab.idx_to_token
    return pd.DataFrame({"token": [show_token(t) for t in rows], "index": range(len(rows)),
                         "count": [unk if i == 0 else freqs.get(t, 0) for i, t in enumerate(rows)]})


def ngram_frame(a: Analysis, n: int, top_k: int) -> pd.DataFrame:
    """The ``top_k`` most frequent n-grams with their count and share of all n-grams."""
    items = a.ngram_counts[n][:top_k]
    total = max(1, len(a.tokens) - n + 1)
    sep = "" if a.settings.token == "char" else " "
    return pd.DataFrame({"token": [sep.join(map(show_token, g)) for g, _ in items],
                         "count": [c for _, c in items], "share": [c / total for _, c in items]})


def zipf_frame(a: Analysis, max_points: int = 400) -> pd.DataFrame:
    """Long form (n, rank, count) for the log–log plot; ranks thinned evenly in log space."""
    parts = []
    for n in (1, 2, 3):
        counts = np.array([c for _, c in a.ngram_counts[n]])
        if len(counts) == 0:
            continue
        ranks = np.unique(np.round(np.geomspace(1, len(counts), min(max_points, len(counts)))).astype(int))
        parts.append(pd.DataFrame({"n": n, "rank": ranks, "count": counts[ranks - 1]}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["n", "rank", "count"])
