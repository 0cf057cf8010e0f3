"""The loss cliff and gradient clipping (d2l §9.5.3; Pascanu, Mikolov & Bengio 2013; DLFS2 §6.1.5).

The smallest RNN that has a cliff: one unit, two parameters, no nonlinearity,
``h_t = w·h_{t−1} + u·x_t`` (h_0 = 0), trained to copy a teacher (w*, u*) that forgets slowly
(w* close to 1). With x_t ~ N(0, 1) the expected loss E(h_T − y)² has a closed form,
``L(w, u) = Σ_{k<T} (u·w^k − u*·w*^k)²``, which grows like w^{2T} once |w| > 1: a wall that
rises by orders of magnitude within a step of the minimum. A step that lands on it gets a
gradient thousands of times larger than the previous one and is thrown far away; clipping the
gradient's norm to θ bounds every step by lr·θ while keeping its direction.
Because the model has only two parameters, the surface shown is the whole loss, not a slice.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
import torch
from torch import nn

from engine import settings as S
from engine.budget import Budget
from engine.device import intra_op_threads
from engine.numerics import Divergence

TRUE_U = 1.0
START = (0.0, 0.1)                 # (w, u) where both runs start
MAX_UNITS = 2 * 300 * 100          # runs × updates × time steps: the heaviest settings, uncapped


@dataclass(frozen=True)
class Settings:
    num_steps: int = S.num(30, 5, 100, doc="T: length of each training sequence")
    true_w: float = S.num(0.95, 0.5, 0.99, step=0.01, doc="the teacher's w* (how slowly it forgets)")
    lr: float = S.num(0.01, 0.001, 0.1, log=True, doc="learning rate η")
    theta: float = S.num(1.0, 0.1, 100.0, log=True, doc="clipping threshold θ on ‖g‖")
    num_iters: int = S.num(200, 10, 300, step=10, doc="parameter updates")
    batch_size: int = S.num(16, 1, 64, doc="sequences per minibatch")

    def __post_init__(self):
        S.check(self)


class ScalarRNN(nn.Module):
    """h_t = w·h_{t−1} + u·x_t: an RNN with one hidden unit and no nonlinearity."""

    def __init__(self, w: float, u: float):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([float(w)]))      # shape (1,): d2l's grad[:] works on it
        self.u = nn.Parameter(torch.tensor([float(u)]))

    def forward(self, X: torch.Tensor, state: torch.Tensor | None = None) -> torch.Tensor:
        """X: (batch_size, num_steps) → the last hidden state h_T, (batch_size,)."""
        h = torch.zeros(X.shape[0]) if state is None else state
        for x in X.T:
            h = self.w * h + self.u * x
        return h

    def last_state(self, X: torch.Tensor) -> torch.Tensor:
        """The same h_T as ``forward`` with the loop unrolled, h_T = u·Σ_k w^k·x_{T−k} (h_0 = 0):
        one matrix product instead of T small steps, so training stays fast on a shared CPU."""
        powers = self.w ** torch.arange(X.shape[1] - 1, -1, -1, dtype=X.dtype)    # w^{T−1}, …, w, 1
        return self.u * (X @ powers)


def grad_clipping(net, theta: float) -> float:
    """Clip the gradient (d2l §9.5.3): g ← min(1, θ/‖g‖)·g, ‖g‖ over all parameters together.
    Returns ‖g‖ before clipping (the book's version returns nothing)."""
    if isinstance(net, nn.Module):
        params = [p for p in net.parameters() if p.requires_grad]
    else:
        params = net.params
    norm = torch.sqrt(sum(torch.sum((p.grad ** 2)) for p in params))
    if norm > theta:
        for param in params:
            param.grad[:] *= theta / norm
    return float(norm)


def expected_loss(w, u, true_w: float, T: int, true_u: float = TRUE_U):
    """L(w, u) = E(h_T − y)² = Σ_{k<T} (u·w^k − u*·w*^k)², for scalars or numpy grids."""
    w, u = np.asarray(w, dtype=np.float64), np.asarray(u, dtype=np.float64)
    k = np.arange(T)
    with np.errstate(over="ignore", invalid="ignore"):
        terms = u[..., None] * np.power(w[..., None], k) - true_u * true_w ** k
        return np.sum(terms ** 2, axis=-1)


def loss_surface(true_w: float, T: int, n: int = 121, w_range=(-0.3, 1.15), u_range=(-0.5, 2.0)):
    """(w grid, u grid, L[u, w]) over a window that shows the valley, the minimum and the wall."""
    gw, gu = np.linspace(*w_range, n), np.linspace(*u_range, n)
    Wg, Ug = np.meshgrid(gw, gu)
    return gw, gu, expected_loss(Wg, Ug, true_w, T)


def train(s: Settings, clip: bool, seed: int, budget: Budget, on_step: Callable | None = None):
    """Minibatch SGD from START on fresh sequences each step (the same ones with and without
    clipping, so any difference is clipping's). Records: step, loss (expected), batch_loss,
    grad_norm (before clipping), clipped, w, u. Stops at the first inf/NaN."""
    gen = torch.Generator().manual_seed(seed)
    net, teacher = ScalarRNN(*START), ScalarRNN(s.true_w, TRUE_U)
    rows = [(0, float(expected_loss(*START, s.true_w, s.num_steps)), math.nan, math.nan, False, *START)]
    divergence = None
    for step in range(1, s.num_iters + 1):
        if not budget.spend(s.num_steps):
            break
        X = torch.randn((s.batch_size, s.num_steps), generator=gen)
        with torch.no_grad():
            y = teacher.last_state(X)
        l = ((net.last_state(X) - y) ** 2).mean()
        net.zero_grad()
        l.backward()
        norm = grad_clipping(net, s.theta) if clip else grad_clipping(net, math.inf)
        with torch.no_grad():
            for p in net.parameters():
                p -= s.lr * p.grad
        w, u = net.w.item(), net.u.item()
        rows.append((step, float(expected_loss(w, u, s.true_w, s.num_steps)), l.item(), norm,
                     clip and norm > s.theta, w, u))
        if not all(map(math.isfinite, (rows[-1][1], l.item(), norm, w, u))):
            last = next((r[1] for r in reversed(rows[:-1]) if math.isfinite(r[1])), None)
            bad = next((v for v in (l.item(), norm, rows[-1][1]) if not math.isfinite(v)), math.inf)
            divergence = Divergence(step=step, epoch=None, value=bad, last_finite=last)
            break
        if on_step is not None:
            on_step({"done": step + (s.num_iters if clip else 0), "total": 2 * s.num_iters})
    frame = pd.DataFrame(rows, columns=["step", "loss", "batch_loss", "grad_norm", "clipped", "w", "u"])
    return frame, divergence


@dataclass(frozen=True)
class Result:
    settings: Settings
    plain: pd.DataFrame                 # the run without clipping
    clipped: pd.DataFrame               # the run with clipping at θ
    divergence_plain: Divergence | None
    divergence_clipped: Divergence | None
    min_loss_w: float                   # where the expected loss is smallest (w*, u*) — loss 0
    stop_reason: str | None

    @property
    def steepest_plain(self) -> tuple[int, float]:
        """(update, ‖g‖) of the largest finite gradient without clipping: where it hit the cliff."""
        g = self.plain["grad_norm"].where(np.isfinite(self.plain["grad_norm"]))
        if g.notna().sum() == 0:
            return 0, math.nan
        i = int(g.idxmax())
        return int(self.plain["step"].iloc[i]), float(g.iloc[i])

    @property
    def largest_step_plain(self) -> float:
        """η·‖g‖ for the largest finite gradient without clipping: how far one update moved."""
        return self.settings.lr * self.steepest_plain[1]

    @property
    def clipped_share(self) -> float:
        """Fraction of the clipped run's updates whose gradient was above θ."""
        return float(self.clipped["clipped"].iloc[1:].mean()) if len(self.clipped) > 1 else 0.0

    @property
    def loss_at_start(self) -> float:
        return float(self.plain["loss"].iloc[0])

    @property
    def baseline_loss(self) -> float:
        """The expected loss of predicting the mean of y, which is 0 (x_t ~ N(0, 1)): L(w, 0) = E y² =
        Σ_k (u*·w*^k)², what a model that learned nothing scores (the verdict's "stuck" reference)."""
        return self.loss_at(0.0, 0.0)

    #: the teacher is a model of the same form and the data has no noise: the expected loss can reach 0
    noise_floor = 0.0

    def loss_at(self, w: float, u: float = TRUE_U) -> float:
        return float(expected_loss(w, u, self.settings.true_w, self.settings.num_steps))

    def runs(self) -> pd.DataFrame:
        """Both runs in one long table (run = 'plain' / 'clipped'), for the charts and the CSV."""
        return pd.concat([self.plain.assign(run="plain"), self.clipped.assign(run="clipped")], ignore_index=True)


def run(settings: Settings, seed: int = 0, device="cpu", on_step: Callable | None = None,
        budget: Budget | None = None) -> Result:
    """Train twice from the same start on the same minibatches: without and with clipping."""
    with intra_op_threads(1):        # small tensors: on a busy 2-core server a second thread only waits
        s = settings
        budget = (budget or Budget()).capped(MAX_UNITS)
        plain, d_plain = train(s, False, seed, budget, on_step)
        clipped, d_clip = train(s, True, seed, budget, on_step)
        return Result(settings=s, plain=plain, clipped=clipped, divergence_plain=d_plain,
                      divergence_clipped=d_clip, min_loss_w=s.true_w, stop_reason=budget.reason)
