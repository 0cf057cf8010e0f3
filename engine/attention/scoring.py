"""Attention scoring functions (d2l §11.3): masked softmax, scaled dot-product and additive
(Bahdanau) attention.

Shapes follow the book: ``queries`` (batch, num_queries, d), ``keys`` (batch, num_keys, d),
``values`` (batch, num_keys, d_v). Both modules return ``(output, attention_weights)`` — the
weights are what the lessons draw — and also keep ``self.attention_weights`` as the book does.

Masks. ``valid_lens`` is the book's padding mask: ``None``, shape (batch,) (one length for every
query of an example) or (batch, num_queries) (one length per query); key ``j`` takes part iff
``j < valid_len``. ``causal=True`` also hides the future: query ``i`` sees keys ``j <= i``
(top-left aligned, as ``F.scaled_dot_product_attention(is_causal=True)``). A masked position
gets weight exactly 0 (we fill with −inf, not the book's −1e6, so even huge scores cannot
leak through). A row whose keys are all masked gets all-zero weights rather than NaN.
"""
from __future__ import annotations

import math

import torch
from torch import nn


def attention_mask(num_queries: int, num_keys: int, valid_lens: torch.Tensor | None = None,
                   causal: bool = False, batch_size: int = 1,
                   device: torch.device | str | None = None) -> torch.Tensor | None:
    """Boolean mask (batch, num_queries, num_keys), True where a query may look at a key
    (the convention of ``F.scaled_dot_product_attention``'s boolean ``attn_mask``).
    ``None`` when nothing is masked."""
    if valid_lens is None and not causal:
        return None
    keep = torch.ones(batch_size, num_queries, num_keys, dtype=torch.bool, device=device)
    if valid_lens is not None:
        valid_lens = torch.as_tensor(valid_lens, device=device)
        if valid_lens.dim() == 1:
            valid_lens = valid_lens[:, None].expand(-1, num_queries)
        keep = keep.expand(valid_lens.shape[0], -1, -1).clone()
        cols = torch.arange(num_keys, device=device)
        keep &= cols[None, None, :] < valid_lens[:, :, None]
    if causal:
        keep &= torch.ones(num_queries, num_keys, dtype=torch.bool, device=device).tril()
    return keep


def masked_softmax(X: torch.Tensor, valid_lens: torch.Tensor | None = None,
                   causal: bool = False) -> torch.Tensor:
    """Softmax over the last axis of ``X`` (batch, num_queries, num_keys), ignoring the keys
    beyond each valid length and, if ``causal``, the future keys (d2l §11.3.2.1)."""
    mask = attention_mask(X.shape[-2], X.shape[-1], valid_lens, causal, X.shape[0], X.device)
    if mask is None:
        return nn.functional.softmax(X, dim=-1)
    # a row with no visible key would be softmax(all −inf) = NaN (and NaN gradients):
    # such a query attends to nothing, so its row is computed on zeros and then set to 0
    empty = ~mask.any(dim=-1, keepdim=True)
    X = X.masked_fill(~mask, float("-inf")).masked_fill(empty, 0.0)
    return nn.functional.softmax(X, dim=-1).masked_fill(empty, 0.0)


def dot_product_scores(queries: torch.Tensor, keys: torch.Tensor, scale: bool = True,
                       temperature: float = 1.0) -> torch.Tensor:
    """a(q, k) = qᵀk / √d (or qᵀk with ``scale=False``), divided by a temperature T:
    T > 1 flattens the softmax, T < 1 sharpens it."""
    d = queries.shape[-1]
    scores = torch.bmm(queries, keys.transpose(1, 2))
    if scale:
        scores = scores / math.sqrt(d)
    return scores / temperature


class DotProductAttention(nn.Module):
    """Scaled dot-product attention (d2l §11.3.3), with a switch for the 1/√d scaling and a
    temperature. ``forward`` returns ``(output, attention_weights)``; ``self.scores`` and
    ``self.attention_weights`` keep the last ones for display."""

    def __init__(self, dropout: float = 0.0, scale: bool = True, temperature: float = 1.0):
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        self.scale, self.temperature = scale, temperature

    def forward(self, queries, keys, values, valid_lens=None, causal: bool = False):
        self.scores = dot_product_scores(queries, keys, self.scale, self.temperature)
        self.attention_weights = masked_softmax(self.scores, valid_lens, causal)
        return torch.bmm(self.dropout(self.attention_weights), values), self.attention_weights


class AdditiveAttention(nn.Module):
    """Additive (Bahdanau) attention (d2l §11.3.4): a(q, k) = w_vᵀ tanh(W_q q + W_k k).
    Queries and keys may have different sizes; ``num_hiddens`` is the size of the hidden
    layer. ``forward`` returns ``(output, attention_weights)``."""

    def __init__(self, key_size: int, query_size: int, num_hiddens: int, dropout: float = 0.0):
        super().__init__()
        self.W_k = nn.Linear(key_size, num_hiddens, bias=False)
        self.W_q = nn.Linear(query_size, num_hiddens, bias=False)
        self.w_v = nn.Linear(num_hiddens, 1, bias=False)
        self.dropout = nn.Dropout(dropout)

    def forward(self, queries, keys, values, valid_lens=None, causal: bool = False):
        queries, keys = self.W_q(queries), self.W_k(keys)
        # (batch, num_queries, 1, h) + (batch, 1, num_keys, h): every query with every key
        features = torch.tanh(queries.unsqueeze(2) + keys.unsqueeze(1))
        self.scores = self.w_v(features).squeeze(-1)            # (batch, num_queries, num_keys)
        self.attention_weights = masked_softmax(self.scores, valid_lens, causal)
        return torch.bmm(self.dropout(self.attention_weights), values), self.attention_weights
