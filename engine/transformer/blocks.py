"""The Transformer's building blocks (d2l §11.6–11.7), each returning its attention weights.

``PositionalEncoding`` (sinusoidal), ``AddNorm`` (residual + layer norm, post-norm as in the
book and the original paper), ``PositionWiseFFN``, ``EncoderBlock`` (bidirectional
self-attention), ``DecoderBlock`` (causal self-attention: the decoder-only block of GPT-style
models, without the encoder–decoder attention of §11.7.5) and ``DecoderOnlyTransformer``,
a stack of decoder blocks that predicts the next token.
"""
from __future__ import annotations

import math

import torch
from torch import nn

from engine.transformer.attention import MultiHeadAttention


def positional_encoding(max_len: int, num_hiddens: int) -> torch.Tensor:
    """P (max_len × num_hiddens) of d2l §11.6.3:
    P[i, 2j] = sin(i / 10000^(2j/d)),  P[i, 2j+1] = cos(i / 10000^(2j/d)).
    Each pair of columns is a sine wave of its own frequency: low columns change fast with the
    position i, high columns slowly, like the bits of a binary counter."""
    P = torch.zeros(max_len, num_hiddens)
    X = torch.arange(max_len, dtype=torch.float32).reshape(-1, 1) / torch.pow(
        10000, torch.arange(0, num_hiddens, 2, dtype=torch.float32) / num_hiddens)
    P[:, 0::2] = torch.sin(X)
    P[:, 1::2] = torch.cos(X[:, : num_hiddens // 2])
    return P


class PositionalEncoding(nn.Module):
    """X + P[:n]: self-attention alone ignores order (it is permutation-equivariant); adding
    P tells each token where it stands."""

    def __init__(self, num_hiddens: int, max_len: int = 1000, dropout: float = 0.0):
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        self.register_buffer("P", positional_encoding(max_len, num_hiddens)[None], persistent=False)

    def forward(self, X):
        return self.dropout(X + self.P[:, : X.shape[1]].to(X.device))


class AddNorm(nn.Module):
    """LayerNorm(X + Dropout(Y)): the residual connection keeps a path for the gradient, and
    layer norm keeps each token's features at mean 0, variance 1 (d2l §11.7.3)."""

    def __init__(self, num_hiddens: int, dropout: float = 0.0):
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        self.ln = nn.LayerNorm(num_hiddens)

    def forward(self, X, Y):
        return self.ln(self.dropout(Y) + X)


class PositionWiseFFN(nn.Module):
    """The same two-layer MLP applied to every position separately (d2l §11.7.2)."""

    def __init__(self, num_hiddens: int, ffn_num_hiddens: int):
        super().__init__()
        self.dense1 = nn.Linear(num_hiddens, ffn_num_hiddens)
        self.relu = nn.ReLU()
        self.dense2 = nn.Linear(ffn_num_hiddens, num_hiddens)

    def forward(self, X):
        return self.dense2(self.relu(self.dense1(X)))


class EncoderBlock(nn.Module):
    """Self-attention → add & norm → FFN → add & norm (d2l §11.7.4). Every token sees every
    other (up to ``valid_lens``). ``forward(X, valid_lens) -> (Y, weights (B, h, n, n))``."""

    def __init__(self, num_hiddens: int, ffn_num_hiddens: int, num_heads: int, dropout: float = 0.0):
        super().__init__()
        self.attention = MultiHeadAttention(num_hiddens, num_heads)
        self.addnorm1 = AddNorm(num_hiddens, dropout)
        self.ffn = PositionWiseFFN(num_hiddens, ffn_num_hiddens)
        self.addnorm2 = AddNorm(num_hiddens, dropout)

    def forward(self, X, valid_lens=None):
        Y, weights = self.attention(X, X, X, valid_lens)
        Y = self.addnorm1(X, Y)
        return self.addnorm2(Y, self.ffn(Y)), weights


class DecoderBlock(EncoderBlock):
    """The decoder-only block: the same layers, but *masked* (causal) self-attention, so the
    prediction for position i depends on tokens 0…i only and training can score every position
    of a sequence at once (d2l §11.7.5, §11.9.3)."""

    def forward(self, X, valid_lens=None):
        Y, weights = self.attention(X, X, X, valid_lens, causal=True)
        Y = self.addnorm1(X, Y)
        return self.addnorm2(Y, self.ffn(Y)), weights


class DecoderOnlyTransformer(nn.Module):
    """Embedding·√d + positional encoding → num_layers decoder blocks → a dense layer onto the
    vocabulary. ``forward(X) -> (logits (B, n, vocab), [weights (B, h, n, n) per layer])``."""

    def __init__(self, vocab_size: int, num_hiddens: int, num_heads: int, num_layers: int,
                 ffn_num_hiddens: int | None = None, max_len: int = 512, pos_encoding: bool = True,
                 dropout: float = 0.0):
        super().__init__()
        self.num_hiddens, self.max_len = num_hiddens, max_len
        self.embedding = nn.Embedding(vocab_size, num_hiddens)
        # scaled by √d (d2l §11.7.4) so that the embedding and P (entries in [−1, 1]) are comparable
        self.pos_encoding = PositionalEncoding(num_hiddens, max_len, dropout) if pos_encoding else nn.Identity()
        self.blks = nn.ModuleList(DecoderBlock(num_hiddens, ffn_num_hiddens or 2 * num_hiddens, num_heads, dropout)
                                  for _ in range(num_layers))
        self.dense = nn.Linear(num_hiddens, vocab_size)

    def forward(self, X):
        H = self.pos_encoding(self.embedding(X) * math.sqrt(self.num_hiddens))
        attention_weights = []
        for blk in self.blks:
            H, weights = blk(H)
            attention_weights.append(weights)
        return self.dense(H), attention_weights


def num_params(net: nn.Module) -> int:
    return sum(p.numel() for p in net.parameters())
