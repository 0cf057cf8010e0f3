"""Scaled dot-product and multi-head attention from scratch (d2l §11.3, §11.5).

Every function returns the attention weights as well as the output (as in the Annotated
Transformer), so the lesson can draw them. Training never looks at them: there
``MultiHeadAttention(..., need_weights=False)`` computes the same output with torch's fused
``F.scaled_dot_product_attention`` (with the causal mask it skips the masked half of the scores and
never stores the weights), and returns ``None`` for the weights. Masks are boolean "keep" masks: ``True`` where a
query may look at a key — the same convention as ``F.scaled_dot_product_attention``.
A masked position gets weight exactly 0 (its score is −inf before the softmax).
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn


def causal_mask(num_queries: int, num_keys: int | None = None, device=None) -> torch.Tensor:
    """(q, k) keep-mask: query i sees keys 0…i only (the decoder may not look ahead, d2l §11.7).
    With more keys than queries the queries are the *last* ones (as when a prompt is extended)."""
    num_keys = num_queries if num_keys is None else num_keys
    i = torch.arange(num_queries, device=device)[:, None] + (num_keys - num_queries)
    j = torch.arange(num_keys, device=device)[None, :]
    return j <= i


def padding_mask(valid_lens: torch.Tensor, num_queries: int, num_keys: int) -> torch.Tensor:
    """(B, q, k) keep-mask from d2l's ``valid_lens``: shape (B,) — the same length for every
    query of a sequence — or (B, q) — one length per query."""
    j = torch.arange(num_keys, device=valid_lens.device)
    if valid_lens.dim() == 1:
        return (j[None, None, :] < valid_lens[:, None, None]).expand(-1, num_queries, -1)
    return j[None, None, :] < valid_lens[:, :, None]


def masked_softmax(scores: torch.Tensor, keep: torch.Tensor | None) -> torch.Tensor:
    """Softmax over the last axis, over kept positions only (d2l §11.3.2.1). Masked scores
    become −inf, so their weight is exactly 0; a row with nothing kept is all zeros, not NaN."""
    if keep is None:
        return torch.softmax(scores, dim=-1)
    weights = torch.softmax(scores.masked_fill(~keep, float("-inf")), dim=-1)
    return weights.masked_fill(~keep, 0.0)


def scaled_dot_product_attention(queries, keys, values, keep=None, scale: bool = True):
    """softmax(Q Kᵀ / √d) V (d2l §11.3.3). Returns (output, weights).

    queries (…, q, d), keys (…, k, d), values (…, k, v); keep broadcasts to (…, q, k).
    Dividing by √d keeps the scores' variance at 1 whatever d is, so the softmax does not
    saturate into a one-hot (vanishing gradients) as d grows."""
    d = queries.shape[-1]
    if keep is None or keep.dim() > 2:
        scores = queries @ keys.transpose(-2, -1)
        if scale:
            scores = scores / math.sqrt(d)
        weights = masked_softmax(scores, keep)
        return weights @ values, weights
    # The same sum with one (q, k) mask for every sequence and head (the causal mask): the scaling
    # and the mask ride inside the matrix product (``baddbmm``: −inf + s = −inf, so a masked score is
    # −inf as with masked_fill), saving two passes over the scores forward and two backward.
    *lead, q, _ = queries.shape
    k = keys.shape[-2]
    bias = torch.zeros(keep.shape, dtype=queries.dtype, device=queries.device).masked_fill_(~keep, float("-inf"))
    scores = torch.baddbmm(bias, queries.reshape(-1, q, d), keys.reshape(-1, k, d).transpose(-2, -1),
                           alpha=1 / math.sqrt(d) if scale else 1.0).reshape(*lead, q, k)
    weights = torch.softmax(scores, dim=-1)
    if not bool(keep.any(-1).all()):            # a row with nothing kept: zeros, not NaN
        weights = weights.masked_fill(~keep, 0.0)
    return weights @ values, weights


def transpose_qkv(X: torch.Tensor, num_heads: int) -> torch.Tensor:
    """(B, n, h·d) → (B, h, n, d): head i gets the i-th slice of d features (d2l §11.5.2)."""
    B, n, _ = X.shape
    return X.reshape(B, n, num_heads, -1).permute(0, 2, 1, 3)


def transpose_output(X: torch.Tensor) -> torch.Tensor:
    """(B, h, n, d) → (B, n, h·d): concatenate the heads again."""
    B, h, n, d = X.shape
    return X.permute(0, 2, 1, 3).reshape(B, n, h * d)


class MultiHeadAttention(nn.Module):
    """Multi-head attention (d2l §11.5): h heads attend in parallel, each in its own
    num_hiddens/h-dimensional projection, and W_o mixes their concatenated outputs.

    ``forward(queries, keys, values, valid_lens=None, causal=False, need_weights=True) -> (output, weights)``
    with weights of shape (B, h, q, k) — one attention map per head. ``need_weights=False`` (training):
    the same softmax(QKᵀ/√d)V by torch's fused kernel, weights ``None``."""

    def __init__(self, num_hiddens: int, num_heads: int, bias: bool = False):
        super().__init__()
        if num_hiddens % num_heads:
            raise ValueError(f"num_hiddens={num_hiddens} is not divisible by num_heads={num_heads}")
        self.num_heads = num_heads
        self.W_q = nn.Linear(num_hiddens, num_hiddens, bias=bias)
        self.W_k = nn.Linear(num_hiddens, num_hiddens, bias=bias)
        self.W_v = nn.Linear(num_hiddens, num_hiddens, bias=bias)
        self.W_o = nn.Linear(num_hiddens, num_hiddens, bias=bias)

    def forward(self, queries, keys, values, valid_lens=None, causal: bool = False, need_weights: bool = True):
        q, k = queries.shape[1], keys.shape[1]
        keep = None
        if valid_lens is not None:
            keep = padding_mask(valid_lens, q, k)[:, None]                 # (B, 1, q, k): every head
        if causal and (need_weights or keep is not None or q != k):
            c = causal_mask(q, k, device=queries.device)
            keep = c if keep is None else keep & c
        Q = transpose_qkv(self.W_q(queries), self.num_heads)
        K = transpose_qkv(self.W_k(keys), self.num_heads)
        V = transpose_qkv(self.W_v(values), self.num_heads)
        if need_weights:
            output, weights = scaled_dot_product_attention(Q, K, V, keep)
        else:
            output, weights = fused_attention(Q, K, V, keep, is_causal=causal and keep is None), None
        return self.W_o(transpose_output(output)), weights


def fused_attention(Q, K, V, keep=None, is_causal: bool = False) -> torch.Tensor:
    """The output of ``scaled_dot_product_attention`` without its weights, by torch's fused kernel:
    ``keep`` the same keep-mask (True = may look); ``is_causal`` the causal mask of equal lengths,
    which the kernel applies block by block, skipping the blocks above the diagonal. A query with
    nothing kept gets zeros, as ``masked_softmax`` gives it (checked in tests/engine/test_transformer.py)."""
    return F.scaled_dot_product_attention(Q, K, V, attn_mask=keep, is_causal=is_causal)
