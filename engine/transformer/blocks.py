"""The Transformer's building blocks (d2l §11.6–11.7), each returning its attention weights.

``PositionalEncoding`` (sinusoidal), ``AddNorm`` (residual + layer norm, post-norm as in the
book and the original paper), ``PositionWiseFFN``, ``EncoderBlock`` (bidirectional
self-attention), ``DecoderBlock`` (causal self-attention: the decoder-only block of GPT-style
models, without the encoder–decoder attention) and ``DecoderOnlyTransformer``, a stack of decoder
blocks that predicts the next token; and the book's encoder–decoder (d2l §11.7.4–11.7.5):
``TransformerEncoder``, ``TransformerDecoderBlock`` (masked self-attention, then encoder–decoder
"cross" attention over the encoder's outputs, then the FFN), ``TransformerDecoder`` and
``EncoderDecoderTransformer``.
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

    def forward(self, X, valid_lens=None, need_weights: bool = True):
        Y, weights = self.attention(X, X, X, valid_lens, need_weights=need_weights)
        Y = self.addnorm1(X, Y)
        return self.addnorm2(Y, self.ffn(Y)), weights


class DecoderBlock(EncoderBlock):
    """The decoder-only block: the same layers, but *masked* (causal) self-attention, so the
    prediction for position i depends on tokens 0…i only and training can score every position
    of a sequence at once (d2l §11.7.5, §11.9.3)."""

    def forward(self, X, valid_lens=None, need_weights: bool = True):
        Y, weights = self.attention(X, X, X, valid_lens, causal=True, need_weights=need_weights)
        Y = self.addnorm1(X, Y)
        return self.addnorm2(Y, self.ffn(Y)), weights


class DecoderOnlyTransformer(nn.Module):
    """Embedding·√d + positional encoding → num_layers decoder blocks → a dense layer onto the
    vocabulary. ``forward(X) -> (logits (B, n, vocab), [weights (B, h, n, n) per layer])``;
    ``forward(X, need_weights=False)`` (training, generating): the same logits by torch's fused attention,
    and ``None`` for the weights."""

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

    def forward(self, X, need_weights: bool = True):
        H = self.pos_encoding(self.embedding(X) * math.sqrt(self.num_hiddens))
        attention_weights = []
        for blk in self.blks:
            H, weights = blk(H, need_weights=need_weights)
            attention_weights.append(weights)
        return self.dense(H), attention_weights if need_weights else None


class TransformerEncoder(nn.Module):
    """Embedding·√d + positional encoding → num_layers ``EncoderBlock`` (d2l §11.7.4).
    ``forward(X, valid_lens) -> (outputs (B, n, d), [self-attention weights (B, h, n, n) per layer])``;
    ``valid_lens`` (B,) masks the padding at the end of each source sequence."""

    def __init__(self, vocab_size: int, num_hiddens: int, num_heads: int, num_layers: int,
                 ffn_num_hiddens: int | None = None, max_len: int = 512, dropout: float = 0.0):
        super().__init__()
        self.num_hiddens = num_hiddens
        self.embedding = nn.Embedding(vocab_size, num_hiddens)
        self.pos_encoding = PositionalEncoding(num_hiddens, max_len, dropout)
        self.blks = nn.ModuleList(EncoderBlock(num_hiddens, ffn_num_hiddens or 2 * num_hiddens, num_heads, dropout)
                                  for _ in range(num_layers))

    def forward(self, X, valid_lens=None):
        H = self.pos_encoding(self.embedding(X) * math.sqrt(self.num_hiddens))
        attention_weights = []
        for blk in self.blks:
            H, weights = blk(H, valid_lens)
            attention_weights.append(weights)
        return H, attention_weights


class TransformerDecoderBlock(nn.Module):
    """The decoder block of the encoder–decoder Transformer (d2l-en's ``TransformerDecoderBlock``,
    d2l-zh's ``DecoderBlock``, §11.7.5): masked self-attention over the outputs so far → add & norm →
    encoder–decoder attention (queries from the decoder, keys and values the encoder's outputs,
    padding masked by ``enc_valid_lens``) → add & norm → FFN → add & norm.

    The book keeps the decoded prefix in ``state`` and masks with ``dec_valid_lens``; here the whole
    prefix is passed each step with the causal mask, which is the same attention.
    ``forward(X, enc_outputs, enc_valid_lens) -> (Y, self_weights (B, h, q, q), cross_weights (B, h, q, n))``."""

    def __init__(self, num_hiddens: int, ffn_num_hiddens: int, num_heads: int, dropout: float = 0.0):
        super().__init__()
        self.attention1 = MultiHeadAttention(num_hiddens, num_heads)
        self.addnorm1 = AddNorm(num_hiddens, dropout)
        self.attention2 = MultiHeadAttention(num_hiddens, num_heads)
        self.addnorm2 = AddNorm(num_hiddens, dropout)
        self.ffn = PositionWiseFFN(num_hiddens, ffn_num_hiddens)
        self.addnorm3 = AddNorm(num_hiddens, dropout)

    def forward(self, X, enc_outputs, enc_valid_lens=None):
        X2, self_weights = self.attention1(X, X, X, causal=True)
        Y = self.addnorm1(X, X2)
        Y2, cross_weights = self.attention2(Y, enc_outputs, enc_outputs, enc_valid_lens)
        Z = self.addnorm2(Y, Y2)
        return self.addnorm3(Z, self.ffn(Z)), self_weights, cross_weights


class TransformerDecoder(nn.Module):
    """Embedding·√d + positional encoding → num_layers ``TransformerDecoderBlock`` → a dense layer onto
    the target vocabulary. ``forward(X, enc_outputs, enc_valid_lens) -> (logits, self_weights, cross_weights)``,
    the weights as lists with one (B, h, q, ·) tensor per layer."""

    def __init__(self, vocab_size: int, num_hiddens: int, num_heads: int, num_layers: int,
                 ffn_num_hiddens: int | None = None, max_len: int = 512, dropout: float = 0.0):
        super().__init__()
        self.num_hiddens = num_hiddens
        self.embedding = nn.Embedding(vocab_size, num_hiddens)
        self.pos_encoding = PositionalEncoding(num_hiddens, max_len, dropout)
        self.blks = nn.ModuleList(TransformerDecoderBlock(num_hiddens, ffn_num_hiddens or 2 * num_hiddens,
                                                          num_heads, dropout) for _ in range(num_layers))
        self.dense = nn.Linear(num_hiddens, vocab_size)

    def forward(self, X, enc_outputs, enc_valid_lens=None):
        H = self.pos_encoding(self.embedding(X) * math.sqrt(self.num_hiddens))
        self_weights, cross_weights = [], []
        for blk in self.blks:
            H, w_self, w_cross = blk(H, enc_outputs, enc_valid_lens)
            self_weights.append(w_self)
            cross_weights.append(w_cross)
        return self.dense(H), self_weights, cross_weights


class EncoderDecoderTransformer(nn.Module):
    """The book's Transformer (d2l §11.7, Fig. 11.7.1): the encoder reads the source once, the decoder
    predicts the target one token at a time, reading the encoder's outputs through cross-attention.
    ``forward(enc_X, dec_X, enc_valid_lens) -> (logits (B, q, tgt_vocab), attention)`` with ``attention``
    a dict of per-layer weights: "encoder" (B, h, n, n), "decoder" (B, h, q, q), "cross" (B, h, q, n)."""

    def __init__(self, src_vocab_size: int, tgt_vocab_size: int, num_hiddens: int, num_heads: int,
                 num_layers: int, ffn_num_hiddens: int | None = None, max_len: int = 64, dropout: float = 0.0):
        super().__init__()
        self.encoder = TransformerEncoder(src_vocab_size, num_hiddens, num_heads, num_layers, ffn_num_hiddens,
                                          max_len, dropout)
        self.decoder = TransformerDecoder(tgt_vocab_size, num_hiddens, num_heads, num_layers, ffn_num_hiddens,
                                          max_len, dropout)

    def forward(self, enc_X, dec_X, enc_valid_lens=None):
        enc_outputs, enc_weights = self.encoder(enc_X, enc_valid_lens)
        logits, dec_weights, cross_weights = self.decoder(dec_X, enc_outputs, enc_valid_lens)
        return logits, {"encoder": enc_weights, "decoder": dec_weights, "cross": cross_weights}


def num_params(net: nn.Module) -> int:
    return sum(p.numel() for p in net.parameters())
