"""The attention playground (d2l §11.1–11.3): scores, softmax weights and output of scaled
dot-product attention on small Q, K, V, next to additive attention on the same inputs, and the
"saturation vs d" curve that motivates the 1/√d scaling.

Pure and seeded: ``attend(settings, seed, Q, K, V)`` draws the missing matrices from the seed,
so a link reproduces the page; matrices a student edited are passed in after
``validate_matrix`` has made them finite numbers.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from engine import settings as S
from engine.device import intra_op_threads
from engine.attention.scoring import AdditiveAttention, DotProductAttention, attention_mask, masked_softmax
from engine.attention.strings import PLAYGROUND_STRINGS as STRINGS     # the lesson's text (LESSONS reads it)

MAX_ABS = 1000.0                     # edited entries are clipped to ±MAX_ABS (scores stay finite)
SATURATION_DS = tuple(2 ** k for k in range(11))        # d = 1 … 1024


@dataclass(frozen=True)
class Settings:
    n_queries: int = S.num(3, 1, 8, doc="number of queries (rows of Q)")
    n_keys: int = S.num(5, 1, 10, doc="number of key–value pairs (rows of K and V)")
    d: int = S.num(8, 1, 64, doc="size d of each query and key")
    d_v: int = S.num(2, 1, 8, doc="size of each value")
    std: float = S.num(1.0, 0.1, 10.0, log=True, doc="std of the random entries of Q, K, V")
    scale: bool = S.flag(True, doc="divide the scores by √d")
    temperature: float = S.num(1.0, 0.1, 10.0, log=True, doc="softmax temperature T: softmax(scores / T)")
    valid_len: int = S.num(10, 1, 10, doc="keys beyond this are padding (masked)")
    causal: bool = S.flag(False, doc="query i may only look at keys j ≤ i")
    num_hiddens: int = S.num(8, 1, 32, doc="hidden size of additive attention")
    source: str = S.choice("random", ("random", "edited"), doc="Q, K, V drawn from the seed or edited")

    def __post_init__(self):
        S.check(self)

    @property
    def shapes(self) -> dict[str, tuple[int, int]]:
        return {"Q": (self.n_queries, self.d), "K": (self.n_keys, self.d), "V": (self.n_keys, self.d_v)}

    @property
    def effective_valid_len(self) -> int:
        return min(self.valid_len, self.n_keys)


def random_qkv(s: Settings, seed: int) -> dict[str, np.ndarray]:
    """Q, K, V with N(0, std²) entries, rounded to 2 decimals so they read well in a table."""
    g = torch.Generator().manual_seed(seed)
    return {name: (torch.randn(shape, generator=g) * s.std).numpy().round(2).astype(np.float32)
            for name, shape in s.shapes.items()}


@dataclass(frozen=True)
class CellProblem:
    row: int                 # 1-based, as the student sees the table
    col: int
    given: str               # what was typed (shortened)
    kind: str                # 'empty', 'not_number' (→ 0) or 'clipped' (→ ±MAX_ABS)


def validate_matrix(table, shape: tuple[int, int]) -> tuple[np.ndarray, list[CellProblem]]:
    """A student's table → a finite float matrix of ``shape``. Never raises: empty cells and
    cells that are not numbers become 0, huge values (and ±inf) are clipped to ±MAX_ABS, missing
    rows/columns are 0; each problem is returned for the page to describe."""
    values = pd.DataFrame(table).to_numpy(dtype=object) if table is not None else np.zeros((0, 0), dtype=object)
    out, problems = np.zeros(shape, dtype=np.float32), []
    for i in range(shape[0]):
        for j in range(shape[1]):
            raw = values[i, j] if i < values.shape[0] and j < values.shape[1] else 0.0
            given = str(raw)[:20]
            if raw is None or (isinstance(raw, str) and not raw.strip()) or (
                    not isinstance(raw, str) and pd.api.types.is_scalar(raw) and pd.isna(raw)):
                problems.append(CellProblem(i + 1, j + 1, "", "empty"))
                continue
            try:
                x = float(raw.strip() if isinstance(raw, str) else raw)
            except (TypeError, ValueError, OverflowError):
                x = math.nan
            if math.isnan(x):
                problems.append(CellProblem(i + 1, j + 1, given, "not_number"))
                continue
            if abs(x) > MAX_ABS:
                problems.append(CellProblem(i + 1, j + 1, given, "clipped"))
                x = math.copysign(MAX_ABS, x)
            out[i, j] = x
    return out, problems


def resize(matrix: np.ndarray | None, shape: tuple[int, int], fill: np.ndarray) -> np.ndarray:
    """Keep the top-left block of ``matrix`` that fits ``shape``; the rest from ``fill``."""
    out = fill.copy()
    if matrix is not None and matrix.size:
        r, c = min(shape[0], matrix.shape[0]), min(shape[1], matrix.shape[1])
        out[:r, :c] = matrix[:r, :c]
    return out


@dataclass(frozen=True)
class Playground:
    Q: np.ndarray
    K: np.ndarray
    V: np.ndarray
    mask: np.ndarray                 # (n_queries, n_keys) True where a query may look at a key
    scores: np.ndarray               # qᵀk (/√d) / T, before masking
    weights: np.ndarray              # softmax over the visible keys: rows sum to 1
    output: np.ndarray               # weights @ V
    additive_scores: np.ndarray      # w_vᵀ tanh(W_q q + W_k k)
    additive_weights: np.ndarray
    additive_output: np.ndarray

    @property
    def row_sums(self) -> np.ndarray:
        return self.weights.sum(axis=1)

    @property
    def max_weight(self) -> np.ndarray:
        return self.weights.max(axis=1)

    @property
    def entropy(self) -> np.ndarray:
        """Entropy of each query's weights in nats (log n_visible: uniform, 0: one-hot)."""
        w = self.weights
        return -(np.where(w > 0, w * np.log(np.where(w > 0, w, 1.0)), 0.0)).sum(axis=1)

    @property
    def uniform_entropy(self) -> np.ndarray:
        """The entropy each query would have with uniform weights over the keys it may see:
        ln(visible keys) — with the causal mask query i sees min(i, valid length) keys, not all."""
        return np.log(self.mask.sum(axis=1))

    @property
    def softmax_jacobian_norm(self) -> np.ndarray:
        """‖∂α/∂a‖ (Frobenius) per query: the softmax's Jacobian diag(α) − ααᵀ. It carries every
        score's gradient; as α approaches one-hot it goes to 0 — for every key, the chosen one too."""
        w = self.weights
        J = np.einsum("ij,jk->ijk", w, np.eye(w.shape[1])) - w[:, :, None] * w[:, None, :]
        return np.sqrt((J ** 2).sum(axis=(1, 2)))

    @property
    def uniform_jacobian_norm(self) -> np.ndarray:
        """The same norm for uniform weights over the n visible keys: √(n − 1)/n."""
        n = self.mask.sum(axis=1).astype(float)
        return np.sqrt(n - 1) / n


def attend(s: Settings, seed: int = 0, Q=None, K=None, V=None) -> Playground:
    """Both scoring functions on the same Q, K, V (missing ones drawn from the seed)."""
    drawn = random_qkv(s, seed)
    Q, K, V = (drawn[n] if m is None else np.asarray(m, dtype=np.float32) for n, m in zip("QKV", (Q, K, V)))
    q, k, v = (torch.from_numpy(np.ascontiguousarray(m))[None] for m in (Q, K, V))
    valid_lens = torch.tensor([s.effective_valid_len])
    with torch.no_grad(), intra_op_threads(1):          # tiny matrices: a second thread only waits
        dot = DotProductAttention(scale=s.scale, temperature=s.temperature)
        out, weights = dot(q, k, v, valid_lens, s.causal)
        g = torch.Generator().manual_seed(seed + 1)
        additive = AdditiveAttention(s.d, s.d, s.num_hiddens)
        for p in additive.parameters():          # seeded, independent of torch's global RNG
            p.copy_(torch.randn(p.shape, generator=g) / math.sqrt(p.shape[1]))
        add_out, add_weights = additive(q, k, v, valid_lens, s.causal)
    mask = attention_mask(s.n_queries, s.n_keys, valid_lens, s.causal)[0].numpy()
    return Playground(Q, K, V, mask, dot.scores[0].numpy(), weights[0].numpy(), out[0].numpy(),
                      additive.scores[0].numpy(), add_weights[0].numpy(), add_out[0].numpy())


def saturation_curve(n_keys: int, seed: int = 0, temperature: float = 1.0, num_draws: int = 64,
                     num_queries: int = 8, ds=SATURATION_DS) -> pd.DataFrame:
    """For q, k with independent N(0, 1) entries, qᵀk has variance d: without the 1/√d the
    scores spread as d grows and the softmax saturates towards one-hot (max weight → 1,
    entropy → 0, tiny gradients). Mean over ``num_draws`` independent draws of ``num_queries``
    queries against ``n_keys`` keys.
    Long form: d, scaled, max_weight, entropy."""
    g = torch.Generator().manual_seed(seed)
    with intra_op_threads(1):
        return _saturation_rows(g, n_keys, temperature, num_draws, num_queries, ds)


def _saturation_rows(g, n_keys, temperature, num_draws, num_queries, ds) -> pd.DataFrame:
    rows = []
    for d in ds:
        q = torch.randn(num_draws, num_queries, d, generator=g)
        k = torch.randn(num_draws, n_keys, d, generator=g)
        raw = torch.bmm(q, k.transpose(1, 2))
        for scaled in (True, False):
            w = masked_softmax((raw / math.sqrt(d) if scaled else raw) / temperature)
            ent = -(w * torch.log(w.clamp_min(1e-30))).sum(-1)
            rows.append((d, scaled, float(w.max(-1).values.mean()), float(ent.mean())))
    return pd.DataFrame(rows, columns=["d", "scaled", "max_weight", "entropy"])


def weights_table(p: Playground) -> pd.DataFrame:
    """Long form for the CSV: one row per (query, key) with score, mask and both weights."""
    n_q, n_k = p.weights.shape
    i, j = np.meshgrid(np.arange(n_q), np.arange(n_k), indexing="ij")
    return pd.DataFrame({"query": i.ravel() + 1, "key": j.ravel() + 1, "visible": p.mask.ravel(),
                         "dot_score": p.scores.ravel(), "dot_weight": p.weights.ravel(),
                         "additive_score": p.additive_scores.ravel(), "additive_weight": p.additive_weights.ravel()})

