"""Attention pooling by similarity: Nadaraya–Watson kernel regression (d2l-en §11.2, d2l-zh 10.2),
where the book enters attention before queries, keys and values are learned.

A test input x is the *query*, the training inputs xᵢ are the *keys*, their outputs yᵢ the
*values*: f(x) = Σᵢ α(x, xᵢ) yᵢ with α(x, xᵢ) = K((x − xᵢ)/σ) / Σⱼ K((x − xⱼ)/σ). With the Gaussian
kernel, α(x, ·) = softmax(−(x − xᵢ)²/(2σ²)): attention pooling with a fixed, hand-made score.
``NWKernelRegression`` is d2l-zh 10.2.4's *learned* version: the score −((x − xᵢ)·w)²/2 with one
parameter w (so σ = 1/|w|), trained by SGD with each training input left out of its own keys.

The data are the book's (d2l-zh 10.2.1): n_train = 50 inputs sorted from uniform(0, 5),
y = 2 sin x + x^0.8 + N(0, 0.5²) noise, test inputs arange(0, 5, 0.1).
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
from engine.numerics import Divergence

KERNELS = ("gaussian", "boxcar", "constant", "epanechikov")


@dataclass(frozen=True)
class Settings:
    """The Nadaraya–Watson part of the attention playground."""
    kernel: str = S.choice("gaussian", KERNELS, doc="the similarity K(u) of a query to a key (d2l-en §11.2.1)")
    width: float = S.num(1.0, 0.05, 5.0, log=True, doc="kernel width σ: K((x − xᵢ)/σ); the book's d2l-zh 10.2.3 uses σ = 1")
    n_train: int = S.num(50, 10, 200, step=10, doc="training pairs (keys and values); the book uses 50")
    noise: float = S.num(0.5, 0.0, 1.5, step=0.1, doc="std of the noise on y; the book's is 0.5")
    lr: float = S.num(0.5, 0.05, 5.0, log=True, doc="SGD learning rate of the learned width (the book: 0.5)")
    num_epochs: int = S.num(5, 1, 50, doc="full-batch SGD steps on w (the book: 5)")

    def __post_init__(self):
        S.check(self)


def f(x: torch.Tensor) -> torch.Tensor:
    """The book's true function (d2l-zh 10.2.1)."""
    return 2 * torch.sin(x) + x ** 0.8


def make_data(n_train: int, noise: float, seed: int):
    """(x_train sorted, y_train, x_test, y_truth) as the book draws them, from a seeded generator."""
    g = torch.Generator().manual_seed(seed)
    x_train, _ = torch.sort(torch.rand(n_train, generator=g) * 5)
    y_train = f(x_train) + torch.normal(0.0, 1.0, (n_train,), generator=g) * noise
    x_test = torch.arange(0, 5, 0.1)
    return x_train, y_train, x_test, f(x_test)


def kernel_values(u: torch.Tensor, kernel: str) -> torch.Tensor:
    """d2l-en §11.2.1's kernels at u = (x − xᵢ)/σ: Gaussian exp(−u²/2), boxcar 1[|u| < 1],
    constant 1, Epanechnikov max(1 − |u|, 0)."""
    if kernel == "gaussian":
        return torch.exp(-u ** 2 / 2)
    if kernel == "boxcar":
        return (u.abs() < 1.0).to(u.dtype)
    if kernel == "constant":
        return torch.ones_like(u)
    if kernel == "epanechikov":
        return torch.clamp(1 - u.abs(), min=0.0)
    raise ValueError(f"unknown kernel {kernel!r}")


def nadaraya_watson(x_train, y_train, x_query, kernel: str = "gaussian", width: float = 1.0):
    """Attention pooling f(x) = Σᵢ α(x, xᵢ) yᵢ. Returns (y_hat (q,), attention_weights (q, n)).

    The Gaussian is computed as the book writes it, softmax(−(x − xᵢ)²/(2σ²)), which never
    underflows to 0/0. The other kernels are normalised by their sum; a query with no key inside
    a boxcar or Epanechnikov window has nothing to average: its weights stay 0 and its estimate
    is NaN (0/0), for the page to say so."""
    dists = x_query.reshape(-1, 1) - x_train.reshape(1, -1)         # (queries, keys)
    if kernel == "gaussian":
        attention_weights = torch.softmax(-dists ** 2 / (2 * width ** 2), dim=1)
    else:
        k = kernel_values(dists / width, kernel)
        total = k.sum(dim=1, keepdim=True)
        attention_weights = torch.where(total > 0, k / torch.where(total > 0, total, 1.0), 0.0)
    y_hat = attention_weights @ y_train
    covered = attention_weights.sum(dim=1) > 0
    return torch.where(covered, y_hat, torch.nan), attention_weights


class NWKernelRegression(nn.Module):
    """The book's parametric attention pooling (d2l-zh 10.2.4):
    α(x, xᵢ) = softmax(−((x − xᵢ)·w)²/2), one learnable w (initialised from uniform(0, 1))."""

    def __init__(self, generator: torch.Generator | None = None):
        super().__init__()
        self.w = nn.Parameter(torch.rand((1,), generator=generator))

    def forward(self, queries, keys, values):
        # queries and attention_weights: (number of queries, number of key–value pairs)
        queries = queries.repeat_interleave(keys.shape[1]).reshape((-1, keys.shape[1]))
        self.attention_weights = nn.functional.softmax(-((queries - keys) * self.w) ** 2 / 2, dim=1)
        # values: (number of queries, number of key–value pairs)
        return torch.bmm(self.attention_weights.unsqueeze(1), values.unsqueeze(-1)).reshape(-1)


def leave_one_out(x_train, y_train):
    """Keys and values for training: each training input attends to every *other* pair, shape
    (n, n − 1) each. With itself among its keys, w → ∞ would fit the noise exactly (each point
    copying its own y), so the loss would only ever push the kernel narrower."""
    n = len(x_train)
    keep = ~torch.eye(n, dtype=torch.bool)
    return x_train.repeat((n, 1))[keep].reshape(n, -1), y_train.repeat((n, 1))[keep].reshape(n, -1)


@dataclass(frozen=True)
class Result:
    settings: Settings
    seed: int
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_truth: np.ndarray
    y_hat: np.ndarray                 # the chosen kernel and width (NaN where no key is in the window)
    weights: np.ndarray               # (n_test, n_train): rows sum to 1 (0 where nothing is covered)
    y_average: float                  # average pooling (d2l-zh 10.2.2): the constant kernel's estimate
    learned_y_hat: np.ndarray
    learned_weights: np.ndarray       # (n_test, n_train)
    w0: float                         # w before training
    history: pd.DataFrame             # epoch, loss (the book's summed squared error, before that epoch's step), w after it
    divergence: Divergence | None
    stop_reason: str | None

    @property
    def w(self) -> float:
        return float(self.history["w"].iloc[-1]) if len(self.history) else self.w0

    @property
    def learned_width(self) -> float:
        """σ of the learned kernel: −((x − xᵢ)w)²/2 = −(x − xᵢ)²/(2σ²) with σ = 1/|w|."""
        return 1 / abs(self.w) if self.w != 0 else math.inf

    @property
    def uncovered(self) -> int:
        """Test inputs with no training input inside the kernel's window (estimate undefined)."""
        return int(np.isnan(self.y_hat).sum())

    def mse(self, y_hat: np.ndarray) -> float:
        ok = np.isfinite(y_hat)
        return float(np.mean((y_hat[ok] - self.y_truth[ok]) ** 2)) if ok.any() else math.nan


def train_width(net: NWKernelRegression, x_train, y_train, lr: float, num_epochs: int, budget: Budget,
                on_step: Callable[[dict], None] | None = None):
    """The book's loop (d2l-zh 10.2.4): squared loss summed over the training points, SGD on w,
    full batch, each point predicted from the others. Returns (rows of (epoch, loss, w), divergence)."""
    keys, values = leave_one_out(x_train, y_train)
    loss = nn.MSELoss(reduction="none")
    trainer = torch.optim.SGD(net.parameters(), lr=lr)
    rows, divergence = [], None
    for epoch in range(1, num_epochs + 1):
        if not budget.spend(1):
            break
        trainer.zero_grad()
        l = loss(net(x_train, keys, values), y_train)
        l.sum().backward()
        trainer.step()
        l_sum, w = float(l.sum().detach()), float(net.w.detach())
        rows.append((epoch, l_sum, w))           # as the book prints it: the loss this step started from
        if not (math.isfinite(l_sum) and math.isfinite(w)):
            last = rows[-2][1] if len(rows) > 1 else None
            divergence = Divergence(step=epoch, epoch=epoch, value=l_sum if not math.isfinite(l_sum) else w,
                                    last_finite=last)
            break
        if on_step is not None:
            on_step({"done": epoch, "total": num_epochs})
    return rows, divergence


def run(settings: Settings, seed: int = 0, device: torch.device | str = "cpu",
        on_step: Callable[[dict], None] | None = None, budget: Budget | None = None) -> Result:
    """The book's data from the seed; the student's kernel and width; the learned width.
    Tiny (50 × 50 numbers): always on the CPU."""
    s = settings
    budget = budget or Budget()
    x_train, y_train, x_test, y_truth = make_data(s.n_train, s.noise, seed)
    y_hat, weights = nadaraya_watson(x_train, y_train, x_test, s.kernel, s.width)
    with torch.random.fork_rng(devices=[]):
        net = NWKernelRegression(torch.Generator().manual_seed(seed + 1))
    w0 = float(net.w.detach())
    rows, divergence = train_width(net, x_train, y_train, s.lr, s.num_epochs, budget, on_step)
    with torch.no_grad():
        n_test = len(x_test)
        learned = net(x_test, x_train.repeat((n_test, 1)), y_train.repeat((n_test, 1)))
        learned_weights = net.attention_weights
    return Result(s, seed, x_train.numpy(), y_train.numpy(), x_test.numpy(), y_truth.numpy(), y_hat.numpy(),
                  weights.numpy(), float(y_train.mean()), learned.numpy(), learned_weights.numpy(), w0,
                  pd.DataFrame(rows, columns=["epoch", "loss", "w"]), divergence, budget.reason)


def curves_frame(r: Result) -> pd.DataFrame:
    """Long form for the CSV: x, truth, the kernel's estimate and the learned one."""
    return pd.DataFrame({"x": r.x_test, "truth": r.y_truth, "nadaraya_watson": r.y_hat, "learned": r.learned_y_hat})
