"""Reading a long sequence in minibatches (d2l-en §9.3.3, d2l-zh 8.3.4): which position of the corpus
lands in which minibatch under random sampling and under sequential partitioning.

The iterators are the language-model lesson's (``engine.language_model.data``, the book's
``seq_data_iter_random`` / ``seq_data_iter_sequential``): fed the positions 0…N−1 themselves, as the
book feeds ``my_seq = list(range(35))``, they say where every subsequence came from.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import torch

from engine import settings as S

STRATEGIES = ("random", "sequential")


@dataclass(frozen=True)
class Partition:
    """The minibatch view on the text-and-vocabulary page (the book's example: 35 tokens, 2, 5)."""
    batch_size: int = S.num(2, 1, 8, doc="subsequences per minibatch (the book's example: 2)")
    num_steps: int = S.num(5, 2, 12, doc="time steps per subsequence (the book's example: 5)")
    shown_tokens: int = S.num(35, 10, 200, step=5, doc="the first tokens of the corpus shown (the book's example: 35)")

    def __post_init__(self):
        S.check(self)


def iterators():
    """The book's two iterators (imported here: ``engine.language_model`` imports ``engine.text``)."""
    from engine.language_model.data import seq_data_iter_random, seq_data_iter_sequential
    return {"random": seq_data_iter_random, "sequential": seq_data_iter_sequential}


def minibatches(strategy: str, num_tokens: int, batch_size: int, num_steps: int, seed: int):
    """[(X, Y)] of the positions 0…num_tokens−1, as the iterator yields them for this seed."""
    it = iterators()[strategy]
    return list(it(list(range(num_tokens)), batch_size, num_steps, torch.Generator().manual_seed(seed)))


def partition_frame(p: Partition, seed: int, num_tokens: int | None = None) -> pd.DataFrame:
    """Long form, one row per position read as an input: strategy, batch (1-based), row (its place in
    the minibatch, 1-based), step (0-based time step), position. Positions a strategy never reads
    (before its random offset, or the tail) have no row."""
    n = p.shown_tokens if num_tokens is None else num_tokens
    rows = []
    for strategy in STRATEGIES:
        for b, (X, _) in enumerate(minibatches(strategy, n, p.batch_size, p.num_steps, seed), start=1):
            for r, seq in enumerate(X.tolist(), start=1):
                rows += [(strategy, b, r, t, pos) for t, pos in enumerate(seq)]
    return pd.DataFrame(rows, columns=["strategy", "batch", "row", "step", "position"])


def sequential_is_contiguous(batches) -> bool:
    """Row r of minibatch i+1 starts right after row r of minibatch i ends (the hidden state can be
    carried across minibatches), and Y is X shifted by one."""
    for X, Y in batches:
        if not torch.equal(Y, X + 1):
            return False
    return all(torch.equal(nxt[0][:, 0], prev[0][:, -1] + 1) for prev, nxt in zip(batches, batches[1:]))


def book_printout(batches, tokens: list | None = None, limit: int = 3, sep: str = "") -> str:
    """The book's ``print('X: ', X, '\\nY:', Y)`` for the first minibatches, positions as the book shows
    them, then the tokens at those positions when ``tokens`` is given."""
    lines = []
    for X, Y in batches[:limit]:
        lines.append(f"X: {X.tolist()}\nY: {Y.tolist()}")
        if tokens is not None:
            show = lambda M: [sep.join(str(tokens[i]) for i in row) for row in M.tolist()]
            lines.append(f"   {show(X)} → {show(Y)}")
    if len(batches) > limit:
        lines.append(f"… ({len(batches) - limit} more)")
    return "\n".join(lines)
