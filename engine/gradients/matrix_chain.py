"""The book's exploding product (d2l §5.4.1, "Exploding Gradients"; d2l-zh 4.8.1 节): one
Gaussian 4×4 matrix multiplied by 100 more,

    M = torch.normal(0, 1, size=(4, 4))
    for i in range(100):
        M = M @ torch.normal(0, 1, size=(4, 4))

A gradient through L layers is such a product of L Jacobians. Its size grows geometrically, at
a rate random matrix theory gives exactly: for n×n matrices with independent N(0, 1) entries,
(1/k)·ln‖M_k‖ → λ₁ = ½(ln 2 + ψ(n/2)) (the top Lyapunov exponent; Newman 1986), so ‖M_k‖ is
multiplied by e^λ₁ ≈ 1.75 per factor for n = 4: about 10²⁴ after 100 factors.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import torch

from engine.i18n import Translator
from engine.plotting import PALETTE, style

NUM_MATRICES = 100     # the book's numbers
SIZE = 4


def lyapunov_exponent(n: int = SIZE, var: float = 1.0) -> float:
    """λ₁ = ½(ln(2·var) + ψ(n/2)): the growth rate of ln‖M_k‖ per factor with N(0, var) entries
    (n = 4, var = 1: 0.5580, ×1.747 per factor; var = 1/n: −0.1351, ×0.874)."""
    return 0.5 * (math.log(2 * var) + float(torch.special.digamma(torch.tensor(n / 2, dtype=torch.float64))))


def growth_rate(n: int = SIZE, var: float = 1.0) -> float:
    """e^λ₁: the factor by which ‖M_k‖ grows per matrix, in the long run."""
    return math.exp(lyapunov_exponent(n, var))


@dataclass(frozen=True)
class Result:
    first: np.ndarray          # the first matrix (the book prints it)
    last: np.ndarray           # the product after NUM_MATRICES more
    norms: pd.DataFrame        # k, norm (Frobenius, of the float32 product), theory

    @property
    def growth_per_factor(self) -> float:
        """The measured geometric mean of ‖M_k‖/‖M_{k−1}‖ over the run."""
        n = self.norms["norm"].to_numpy(dtype=float)
        return float(np.exp(np.log(n[-1] / n[0]) / (len(n) - 1)))


def run(seed: int = 0, num_matrices: int = NUM_MATRICES, n: int = SIZE) -> Result:
    """The book's loop, seeded; the Frobenius norm after every factor, with the theory's line."""
    gen = torch.Generator().manual_seed(seed)
    M = torch.normal(0, 1, size=(n, n), generator=gen)
    first, norms = M.clone(), [float(torch.linalg.matrix_norm(M.double()))]     # ‖M‖² of 10²⁴ overflows float32
    for _ in range(num_matrices):
        M = M @ torch.normal(0, 1, size=(n, n), generator=gen)
        norms.append(float(torch.linalg.matrix_norm(M.double())))
    k = np.arange(num_matrices + 1)
    theory = norms[0] * np.exp(lyapunov_exponent(n) * k)
    return Result(first=first.numpy(), last=M.numpy(),
                  norms=pd.DataFrame({"k": k, "norm": norms, "theory": theory}))


def matrix_frame(M: np.ndarray) -> pd.DataFrame:
    """A matrix as a small table of numbers in scientific notation (10²⁴ does not fit otherwise)."""
    return pd.DataFrame([[f"{x:.3g}" for x in row] for row in M], columns=[str(j + 1) for j in range(M.shape[1])])


def fig_matrix_chain(result: Result, tr: Translator) -> go.Figure:
    """‖M_k‖ (log scale) against the number of factors k, and e^{λ₁k}·‖M_0‖."""
    d = result.norms
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=d["k"], y=[v if math.isfinite(v) and v > 0 else None for v in d["norm"]],
                             mode="lines", name=tr("matrix_series"), line=dict(width=3, color=PALETTE[0])))
    fig.add_trace(go.Scatter(x=d["k"], y=d["theory"], mode="lines", name=tr("matrix_theory", rate=f"{growth_rate():.3f}"),
                             line=dict(width=2, dash="dot", color=PALETTE[3])))
    fig.update_yaxes(type="log", exponentformat="power")
    return style(fig, tr("matrix_title"), tr("matrix_k_axis"), tr("matrix_norm_axis"))
