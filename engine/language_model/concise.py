"""The concise language model: ``nn.RNN`` / ``nn.GRU`` / ``nn.LSTM`` behind the book's ``RNNModel`` (d2l §9.6, §10.3).

Same interface as the scratch model: ``forward(X, state) -> (Y, state)`` with ``X`` of shape
(batch_size, num_steps), ``Y`` of shape (num_steps * batch_size, vocab_size) and ``state`` a
tuple ``(H,)`` or ``(H, C)``. Its internals come from the scratch model loaded with its weights
(``to_scratch``), which the tests prove computes the same thing.
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from engine.language_model.scratch import RNNModelScratch, load_torch_weights

MODULES = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}


class RNNModel(nn.Module):
    """The book's ``RNNModel``: a recurrent layer from ``torch.nn`` and a dense output layer.

    ``embedding`` replaces the one-hot input by ``nn.Embedding``; ``tie_weights`` shares that
    matrix with the output layer (so the embedding size is num_hiddens). ``dropout`` acts between
    recurrent layers (torch's own ``dropout=`` argument)."""

    def __init__(self, vocab_size: int, num_hiddens: int, cell: str = "lstm", num_layers: int = 1,
                 dropout: float = 0.0, embedding: bool = False, tie_weights: bool = False):
        super().__init__()
        self.vocab_size, self.num_hiddens, self.cell, self.num_layers = vocab_size, num_hiddens, cell, num_layers
        embedding = embedding or tie_weights
        self.embedding = nn.Embedding(vocab_size, num_hiddens) if embedding else None
        num_inputs = num_hiddens if embedding else vocab_size
        # dropout only means something between layers; torch warns when there is only one
        self.rnn = MODULES[cell](num_inputs, num_hiddens, num_layers, dropout=dropout if num_layers > 1 else 0.0)
        self.linear = nn.Linear(num_hiddens, vocab_size)
        self.tie_weights = tie_weights
        if tie_weights:
            self.linear.weight = self.embedding.weight

    def begin_state(self, batch_size: int, device=None) -> tuple[torch.Tensor, ...]:
        n = 2 if self.cell == "lstm" else 1
        return tuple(torch.zeros(self.num_layers, batch_size, self.num_hiddens, device=device) for _ in range(n))

    def inputs(self, X: torch.Tensor) -> torch.Tensor:
        if self.embedding is not None:
            return self.embedding(X.T)
        return F.one_hot(X.T.long(), self.vocab_size).float()

    def forward(self, X, state):
        Y, state = self.rnn(self.inputs(X), state if self.cell == "lstm" else state[0])
        state = state if self.cell == "lstm" else (state,)
        # the output layer maps every time step's hidden state to the vocabulary
        return self.linear(Y.reshape(-1, Y.shape[-1])), state

    def to_scratch(self) -> RNNModelScratch:
        """The same network as a scratch model, to read its gates (weights copied, eval mode)."""
        m = RNNModelScratch(self.vocab_size, self.num_hiddens, self.cell, self.num_layers, self.rnn.dropout,
                            embedding=self.embedding is not None, tie_weights=self.tie_weights, reset_after=True)
        load_torch_weights(m, self.rnn, self.embedding, self.linear)
        return m.to(self.linear.weight.device).eval()
