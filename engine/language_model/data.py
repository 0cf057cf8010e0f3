"""Reading long sequences in minibatches (d2l §9.3.3; d2l-zh 8.3.4): random sampling and sequential partitioning.

The book's two iterators, with its names and semantics, seeded by a ``torch.Generator``
instead of Python's global ``random``. ``corpus`` is a list or 1-D tensor of token indices.
Both yield ``(X, Y)`` of shape (batch_size, num_steps) with ``Y`` the tokens one step after ``X``.
"""
from __future__ import annotations

import torch


def _randint(lo: int, hi: int, generator: torch.Generator) -> int:
    """An integer in [lo, hi], both included (like ``random.randint``)."""
    return int(torch.randint(lo, hi + 1, (1,), generator=generator))


def seq_data_iter_random(corpus, batch_size: int, num_steps: int, generator: torch.Generator):
    """Random sampling: subsequences start at a random offset and come in random order, so two
    neighbouring minibatches are not neighbours in the text (the state is reset each batch)."""
    corpus = torch.as_tensor(corpus)
    # start with a random offset (inclusive of num_steps - 1) to partition the sequence
    corpus = corpus[_randint(0, num_steps - 1, generator):]
    # subtract 1 since we need to account for labels
    num_subseqs = (len(corpus) - 1) // num_steps
    # the starting indices of the subsequences of length num_steps, shuffled
    initial_indices = torch.arange(0, num_subseqs * num_steps, num_steps)
    initial_indices = initial_indices[torch.randperm(num_subseqs, generator=generator)]
    steps = torch.arange(num_steps)
    num_batches = num_subseqs // batch_size
    for i in range(0, batch_size * num_batches, batch_size):
        initial_indices_per_batch = initial_indices[i: i + batch_size, None]
        X = corpus[initial_indices_per_batch + steps]
        Y = corpus[initial_indices_per_batch + steps + 1]
        yield X, Y


def seq_data_iter_sequential(corpus, batch_size: int, num_steps: int, generator: torch.Generator):
    """Sequential partitioning: row b of minibatch i+1 continues row b of minibatch i in the text,
    so the hidden state can be carried from one minibatch to the next."""
    corpus = torch.as_tensor(corpus)
    # start with a random offset to partition the sequence
    offset = _randint(0, num_steps, generator)
    num_tokens = ((len(corpus) - offset - 1) // batch_size) * batch_size
    Xs = corpus[offset: offset + num_tokens]
    Ys = corpus[offset + 1: offset + 1 + num_tokens]
    Xs, Ys = Xs.reshape(batch_size, -1), Ys.reshape(batch_size, -1)
    num_batches = Xs.shape[1] // num_steps
    for i in range(0, num_steps * num_batches, num_steps):
        X = Xs[:, i: i + num_steps]
        Y = Ys[:, i: i + num_steps]
        yield X, Y


ITERATORS = {"random": seq_data_iter_random, "sequential": seq_data_iter_sequential}


def num_batches(num_tokens: int, batch_size: int, num_steps: int) -> int:
    """Minibatches per epoch in the worst case of the random offset (both iterators)."""
    return max(0, (num_tokens - num_steps - 1) // num_steps // batch_size)


def fit_batch(num_tokens: int, batch_size: int, num_steps: int) -> tuple[int, int]:
    """Shrink (batch_size, num_steps) until a corpus of ``num_tokens`` gives at least one minibatch."""
    while num_batches(num_tokens, batch_size, num_steps) < 1 and batch_size > 1:
        batch_size = max(1, batch_size // 2)
    while num_batches(num_tokens, batch_size, num_steps) < 1 and num_steps > 2:
        num_steps = max(2, num_steps // 2)
    return batch_size, num_steps
