"""What counting n-grams can and cannot do (d2l-en §9.3.1, d2l-zh 8.3.1 and 8.3.3): the long tail of
n-grams seen once, and Laplace smoothing of the bigram estimate, on the student's corpus.

The book's estimates, with n the number of tokens and m the number of distinct ones:
    P̂(x)      = (n(x) + ε₁/m) / (n + ε₁)
    P̂(x' | x) = (n(x, x') + ε₂ P̂(x')) / (n(x) + ε₂)
ε = 0 is the plain count ratio, which gives every pair never seen the probability 0; as ε grows
the estimate moves towards P̂(x'), whatever the context.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from engine import settings as S


@dataclass(frozen=True)
class Smoothing:
    """Laplace smoothing on the text-and-vocabulary page."""
    eps: float = S.num(1.0, 0.0, 100.0, step=0.5, doc="ε₁ = ε₂ = ε of the book's Laplace smoothing; 0: none")
    context_rank: int = S.num(1, 1, 50, doc="the context x: the r-th most frequent token (spaces skipped)")

    def __post_init__(self):
        S.check(self)


def singletons(counts: list[tuple]) -> tuple[float, float]:
    """(share of the distinct n-grams seen exactly once, share of all n-gram occurrences they make)."""
    if not counts:
        return 0.0, 0.0
    once = sum(1 for _, c in counts if c == 1)
    return once / len(counts), once / sum(c for _, c in counts)


def laplace_unigram(unigram_counts: dict, eps: float) -> dict:
    """P̂(x) = (n(x) + ε/m) / (n + ε) for every distinct token x: sums to 1 for any ε ≥ 0."""
    n, m = sum(unigram_counts.values()), len(unigram_counts)
    return {x: (c + eps / m) / (n + eps) for x, c in unigram_counts.items()}


def laplace_bigram(bigram_counts: dict, unigram_counts: dict, context, eps: float) -> dict:
    """P̂(x' | x) = (n(x, x') + ε P̂(x')) / (n(x) + ε) for every distinct token x' after ``context``.

    n(x) counts the occurrences of x that are followed by a token (all of them but a last one at the
    corpus's end), so the estimate sums to 1 over x'. With ε = 0 it is n(x, x') / n(x): zero for
    every x' never seen after x."""
    p1 = laplace_unigram(unigram_counts, eps)
    follows = {b: c for (a, b), c in bigram_counts.items() if a == context}
    n_x = sum(follows.values())
    if n_x + eps == 0:
        raise ValueError("this context is never followed by a token and ε = 0: the estimate is 0/0")
    return {x: (follows.get(x, 0) + eps * p1[x]) / (n_x + eps) for x in unigram_counts}


def pick_context(unigram_most_common: list[tuple], rank: int):
    """The ``rank``-th most frequent token that is not white space and is followed by something
    (capped at the last one there is)."""
    usable = [t for (t,), _ in unigram_most_common if str(t).strip()]
    if not usable:
        usable = [t for (t,), _ in unigram_most_common]
    return usable[min(rank, len(usable)) - 1] if usable else None


@dataclass(frozen=True)
class SmoothedBigram:
    context: object
    n_context: int              # n(x): occurrences of the context followed by a token
    vocab_size: int             # m
    num_seen: int               # distinct x' seen after x
    unseen_mass: float          # Σ over the x' never seen after x of P̂(x' | x): 0 without smoothing
    table: pd.DataFrame         # token, count, p_count (ε = 0), p_smoothed, seen; sorted by count then P̂(x')
    example_unseen: object      # the most frequent token never seen after x (None if every one was)


def smoothed_bigram(unigram_most_common: list[tuple], bigram_most_common: list[tuple], context,
                    eps: float) -> SmoothedBigram:
    """Both estimates of P(x' | x) for one context, from ``Analysis.ngram_counts[1]`` and ``[2]``."""
    unigrams = {t: c for (t,), c in unigram_most_common}
    bigrams = dict(bigram_most_common)
    plain = laplace_bigram(bigrams, unigrams, context, 0.0) if any(a == context for a, _ in bigrams) else None
    smooth = laplace_bigram(bigrams, unigrams, context, eps) if (plain is not None or eps > 0) else None
    counts = {b: c for (a, b), c in bigrams.items() if a == context}
    order = sorted(unigrams, key=lambda t: (-counts.get(t, 0), -unigrams[t]))
    table = pd.DataFrame({
        "token": order, "count": [counts.get(t, 0) for t in order],
        "p_count": [plain[t] if plain else 0.0 for t in order],
        "p_smoothed": [smooth[t] if smooth else 0.0 for t in order],
        "seen": [t in counts for t in order]})
    unseen = [t for t in order if t not in counts]
    return SmoothedBigram(context, sum(counts.values()), len(unigrams), len(counts),
                          float(table.loc[~table["seen"], "p_smoothed"].sum()), table,
                          unseen[0] if unseen else None)
