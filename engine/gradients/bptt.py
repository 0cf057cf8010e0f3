"""Backpropagation through time, the book's experiment (DLFS2 §6.1.4; d2l §9.7).

Going back one time step multiplies the gradient of the hidden state by Whᵀ (and, for a tanh
RNN, first by tanh′ = 1 − h²). After t steps ‖dh‖ ≤ σ_max(Wh)^t ‖dh_T‖: the largest singular
value decides explosion (σ_max > 1) or vanishing (σ_max < 1). With Wh = σ·Q, Q orthogonal,
every singular value is σ and the bound is an equality: ‖dh‖ = σ^t ‖dh_T‖ exactly. For a general
matrix the bound is loose: in the long run ‖dh‖ grows like ρ^t, ρ the spectral radius
(largest |eigenvalue|, ≤ σ_max) — so σ_max > 1 makes explosion possible, σ_max < 1 makes
vanishing certain (DLFS2 §6.1.4).
An LSTM's memory cell is updated additively, c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t, so along the cell
the gradient is only multiplied by the forget gates: dc_{t−1} = dc_t ⊙ f_t (d2l §10.1).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
import torch

from engine import settings as S
from engine.budget import Budget
from engine.device import intra_op_threads

BATCH_SIZE = 2                  # N in the book's experiment
MATRICES = ("random", "orthogonal")


@dataclass(frozen=True)
class Settings:
    num_hiddens: int = S.num(16, 2, 128, doc="H: size of the hidden state")
    num_steps: int = S.num(50, 1, 200, doc="T: time steps the gradient travels back")
    sigma_max: float = S.num(3.0, 0.1, 5.0, step=0.05, doc="largest singular value of Wh")
    matrix: str = S.choice("random", MATRICES, doc="Wh = a Gaussian matrix rescaled, or σ·Q with Q orthogonal")
    forget_bias: float = S.num(3.0, -3.0, 6.0, step=0.5, doc="bias of the LSTM's forget gate")

    def __post_init__(self):
        S.check(self)


def recurrent_matrix(H: int, sigma_max: float, kind: str, generator: torch.Generator,
                     dtype=torch.float32) -> torch.Tensor:
    """A random H×H matrix whose largest singular value is exactly ``sigma_max``.
    'random': a Gaussian matrix divided by its own σ_max (from the SVD), times sigma_max —
    the other singular values keep their spread. 'orthogonal': σ·Q with Q from a QR
    decomposition, so every singular value equals sigma_max."""
    A = torch.randn((H, H), generator=generator, dtype=torch.float64)
    if kind == "orthogonal":
        Q, Rq = torch.linalg.qr(A)
        Q = Q * torch.sign(torch.diagonal(Rq))          # the usual sign fix: Q uniformly distributed
        return (sigma_max * Q).to(dtype)
    return (A * (sigma_max / torch.linalg.svdvals(A)[0])).to(dtype)


def rnn_forward(X: torch.Tensor, Wx: torch.Tensor, Wh: torch.Tensor) -> torch.Tensor:
    """h_t = tanh(x_t Wx + h_{t−1} Wh), h_0 = 0 (DLFS2 row-vector layout). X: (T, N, D) → H: (T, N, H)."""
    h = torch.zeros((X.shape[1], Wh.shape[0]), dtype=Wh.dtype)
    out = []
    for x in X:
        h = torch.tanh(x @ Wx + h @ Wh)
        out.append(h)
    return torch.stack(out)


def bptt_norms(Wh: torch.Tensor, dh: torch.Tensor, T: int, states: torch.Tensor | None = None) -> np.ndarray:
    """‖dh‖ after 0…T steps back (the book's ``dh = np.dot(dh, Wh.T)``). With ``states``
    (the forward hidden states, (T, N, H)) the tanh derivative 1 − h_t² is applied first, as
    in a real tanh RNN. Norms are Frobenius norms of the (N, H) gradient, taken in float64 so that
    squaring the entries cannot overflow before the entries themselves do."""
    norms = [float(torch.linalg.vector_norm(dh.double()))]
    for k in range(T):
        if states is not None:
            dh = dh * (1 - states[T - 1 - k] ** 2)
        dh = dh @ Wh.T
        norms.append(float(torch.linalg.vector_norm(dh.double())))
    return np.array(norms)


# ---- the LSTM, for contrast (d2l §10.1, torch's gate layout i, f, g, o) -----------------

def lstm_params(D: int, H: int, forget_bias: float, generator: torch.Generator, dtype=torch.float32):
    """nn.LSTM's shapes and its U(−1/√H, 1/√H) initialisation, with the forget-gate bias set."""
    k = 1 / math.sqrt(H)
    W_ih = torch.empty((4 * H, D), dtype=dtype).uniform_(-k, k, generator=generator)
    W_hh = torch.empty((4 * H, H), dtype=dtype).uniform_(-k, k, generator=generator)
    b = torch.zeros(4 * H, dtype=dtype)
    b[H:2 * H] = forget_bias
    return W_ih, W_hh, b


def lstm_forward(X: torch.Tensor, W_ih: torch.Tensor, W_hh: torch.Tensor, b: torch.Tensor):
    """Returns (H, C, F): hidden states, cells and forget gates, each (T, N, H)."""
    T, N, _ = X.shape
    Hn = W_hh.shape[1]
    h = torch.zeros((N, Hn), dtype=W_hh.dtype)
    c = torch.zeros_like(h)
    hs, cs, fs = [], [], []
    for x in X:
        gates = x @ W_ih.T + h @ W_hh.T + b
        i, f, g, o = gates.chunk(4, dim=1)
        i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
        c = f * c + i * g
        h = o * torch.tanh(c)
        hs.append(h), cs.append(c), fs.append(f)
    return torch.stack(hs), torch.stack(cs), torch.stack(fs)


def cell_path_norms(F: torch.Tensor, dc: torch.Tensor) -> np.ndarray:
    """‖dc‖ after 0…T steps back along the cell alone: dc_{t−1} = dc_t ⊙ f_t."""
    norms = [float(torch.linalg.vector_norm(dc.double()))]
    for f in reversed(F):
        dc = dc * f
        norms.append(float(torch.linalg.vector_norm(dc.double())))
    return np.array(norms)


def first_bad_step(values) -> tuple[int | None, str | None]:
    for k, v in enumerate(values):
        if math.isnan(v):
            return k, "NaN"
        if math.isinf(v):
            return k, "inf"
        if v == 0.0:
            return k, "0"
    return None, None


@dataclass(frozen=True)
class Result:
    settings: Settings
    steps: pd.DataFrame        # k (steps back), linear, tanh, theory (σ_max^k‖dh_T‖), lstm_cell
    singular_values: np.ndarray
    spectral_radius: float     # max |eigenvalue| of Wh: the growth rate per step in the long run
    mean_tanh_derivative: float
    mean_forget_gate: float
    bad: dict                  # series → (first step, 'inf'/'NaN'/'0') or (None, None)
    stop_reason: str | None = None

    @property
    def cell_ratio(self) -> float:
        """‖dc‖ after T steps back over ‖dc_T‖: the product of the forget gates, in norm."""
        return float(self.steps["lstm_cell"].iloc[-1] / self.steps["lstm_cell"].iloc[0])


def run(settings: Settings, seed: int = 0, device="cpu", on_step: Callable | None = None,
        budget: Budget | None = None, dtype=torch.float32) -> Result:
    """The same random inputs drive the tanh RNN and the LSTM; dh_T = dc_T = 1 (as in the book)."""
    with intra_op_threads(1):        # small tensors: on a busy 2-core server a second thread only waits
        s = settings
        gen = torch.Generator().manual_seed(seed)
        H, T, N = s.num_hiddens, s.num_steps, BATCH_SIZE
        Wh = recurrent_matrix(H, s.sigma_max, s.matrix, gen, dtype)
        Wx = torch.randn((H, H), generator=gen, dtype=dtype) / math.sqrt(H)
        X = torch.randn((T, N, H), generator=gen, dtype=dtype)
        states = rnn_forward(X, Wx, Wh)
        ones = torch.ones((N, H), dtype=dtype)
        linear, tanh = bptt_norms(Wh, ones, T), bptt_norms(Wh, ones, T, states)
        _, _, F = lstm_forward(X, *lstm_params(H, H, s.forget_bias, gen, dtype))
        cell = cell_path_norms(F, ones)
        k = np.arange(T + 1)
        with np.errstate(over="ignore"):
            theory = linear[0] * np.power(float(s.sigma_max), k.astype(float))
        steps = pd.DataFrame({"k": k, "linear": linear, "tanh": tanh, "theory": theory, "lstm_cell": cell})
        return Result(
            settings=s, steps=steps,
            singular_values=torch.linalg.svdvals(Wh.double()).numpy(),
            spectral_radius=float(torch.linalg.eigvals(Wh.double()).abs().max()),
            mean_tanh_derivative=float((1 - states.double() ** 2).mean()),
            mean_forget_gate=float(F.double().mean()),
            bad={name: first_bad_step(steps[name]) for name in ("linear", "tanh", "lstm_cell")})
