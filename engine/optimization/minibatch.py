"""Batch gradient descent, SGD and minibatch SGD on the same regression data from the same start
(d2l §12.4–12.5, the book's ``train_ch11``; Ng course 2, 1.3).

The book trains linear regression on the airfoil data (1,500 examples, 5 standardised features) with
the from-scratch ``sgd``: batch GD (η = 1, batch 1,500, 10 epochs), SGD (η = 0.005, batch 1, 2 epochs)
and minibatches (η = 0.05, batch 10, 2 epochs); the loss over the whole data set is recorded every 200
examples, with training time measured apart from the evaluation. The same here, plus where (w₁, w₂)
went, and the vectorisation the minibatch exists for, measured live: a per-example loop against one
matrix product for the same gradient."""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
import torch

from engine import settings as S
from engine.budget import Budget
from engine.datasets.airfoil import load_airfoil, RegressionData
from engine.device import intra_op_threads
from engine.linear_regression import linreg, squared_loss
from engine.numerics import Divergence
from engine.optimization.rules import Scratch

METHODS = ("gd", "sgd", "minibatch")
RECORD_EVERY = 200                  # examples between two evaluations of the whole-data loss (the book's)
MAX_UNITS = 40_000                  # updates over the three runs (SGD, 10 epochs of 1,500, is 15,000)


@dataclass(frozen=True)
class Settings:
    dataset: str = S.choice("airfoil", ("airfoil", "synthetic"), doc="the book's airfoil data (downloaded) or generated data")
    num_examples: int = S.num(1500, 100, 1500, step=100, doc="examples used (book: 1,500)")
    lr_gd: float = S.num(1.0, 0.001, 10.0, log=True, doc="η of batch GD (book: 1)")
    gd_epochs: int = S.num(10, 1, 50, doc="epochs of batch GD (book: 10)")
    lr_sgd: float = S.num(0.005, 0.0001, 1.0, log=True, doc="η of SGD, batch 1 (book: 0.005)")
    lr_mini: float = S.num(0.05, 0.001, 10.0, log=True, doc="η of minibatch SGD (book: 0.4 at 100, 0.05 at 10)")
    batch_mini: int = S.num(10, 2, 500, doc="minibatch size (book: 100 and 10)")
    num_epochs: int = S.num(2, 1, 10, doc="epochs of SGD and minibatch SGD (book: 2)")

    def __post_init__(self):
        S.check(self)

    def plan(self) -> dict:
        """method -> (batch size, η, epochs)."""
        return {"gd": (self.num_examples, self.lr_gd, self.gd_epochs), "sgd": (1, self.lr_sgd, self.num_epochs),
                "minibatch": (self.batch_mini, self.lr_mini, self.num_epochs)}


def train_ch11(X, y, batch_size: int, lr: float, num_epochs: int, generator: torch.Generator,
               budget: Budget, method: str) -> tuple[list, Divergence | None]:
    """d2l §12.5.4 ``train_ch11`` with the from-scratch ``sgd``: w ~ N(0, 0.01²), b = 0, the mean squared
    loss of each minibatch, the whole-data loss every 200 examples (timed apart). Rows: method, epoch,
    seen, seconds, loss, w1, w2."""
    n, d = X.shape
    w = torch.normal(0.0, 0.01, size=(d, 1), generator=generator).to(X.dtype).requires_grad_(True)
    b = torch.zeros(1, dtype=X.dtype, requires_grad=True)
    trainer = Scratch([w, b], "gd", {"lr": lr})
    full = lambda: float(squared_loss(linreg(X, w, b), y).mean())
    with torch.no_grad():
        rows = [(method, 0.0, 0, 0.0, full(), float(w[0, 0]), float(w[1, 0]))]
    seen, seconds, divergence = 0, 0.0, None
    for epoch in range(num_epochs):
        order = torch.randperm(n, generator=generator)
        for i in range(0, n, batch_size):
            if not budget.spend(1):
                return rows, divergence
            t0 = time.perf_counter()
            idx = order[i:i + batch_size]
            l = squared_loss(linreg(X[idx], w, b), y[idx]).mean()
            trainer.zero_grad()
            l.backward()
            trainer.step()
            seconds += time.perf_counter() - t0
            before, seen = seen, seen + len(idx)
            if seen // RECORD_EVERY > before // RECORD_EVERY or i + batch_size >= n:
                with torch.no_grad():
                    rows.append((method, seen / n, seen, seconds, full(), float(w[0, 0]), float(w[1, 0])))
                if not math.isfinite(rows[-1][4]):
                    last = next((r[4] for r in reversed(rows[:-1]) if math.isfinite(r[4])), None)
                    divergence = Divergence(step=trainer.t, epoch=epoch + 1, value=rows[-1][4], last_finite=last)
                    return rows, divergence
    return rows, divergence


COLUMNS = ["method", "epoch", "seen", "seconds", "loss", "w1", "w2"]


@dataclass(frozen=True)
class Result:
    settings: Settings
    dataset: str
    fallback_reason: str | None
    records: pd.DataFrame             # long: one row per record of each method
    divergence: dict                  # method -> Divergence | None
    optimum_loss: float               # the least-squares loss: the floor every method aims at
    optimum_w: tuple[float, float]
    vectorisation: pd.DataFrame       # how, seconds (and the gradients agree: max_error)
    stop_reason: str | None
    baseline_loss: float = math.nan   # ½·mean((y − ȳ)²): predicting the mean of y (nothing learned)

    def updates(self, method: str) -> int:
        r = self.records[self.records["method"] == method]
        return math.ceil(int(r["seen"].max()) / self.settings.plan()[method][0]) if len(r) else 0

    def seconds(self, method: str) -> float:
        r = self.records[self.records["method"] == method]
        return float(r["seconds"].max()) if len(r) else math.nan

    def final(self, method: str) -> float:
        r = self.records[self.records["method"] == method]
        return float(r["loss"].iloc[-1]) if len(r) else math.nan


def least_squares(X, y) -> tuple[torch.Tensor, float, float]:
    A = torch.cat([X, torch.ones(len(X), 1)], dim=1).double()
    theta = torch.linalg.lstsq(A, y.double().reshape(-1, 1)).solution.flatten()
    loss = float(((A @ theta - y.double()) ** 2).mean() / 2)
    return theta[:-1], float(theta[-1]), loss


def gradient_loop(X, y, w, b) -> torch.Tensor:
    """∂/∂w of the mean ½(xᵢᵀw + b − yᵢ)², one example at a time."""
    g = torch.zeros_like(w)
    for i in range(len(X)):
        g += X[i:i + 1].T * (X[i] @ w + b - y[i])
    return g / len(X)


def gradient_batched(X, y, w, b, batch_size: int) -> torch.Tensor:
    """The same gradient in minibatches: one small matrix product per minibatch."""
    g = torch.zeros_like(w)
    for i in range(0, len(X), batch_size):
        Xb, yb = X[i:i + batch_size], y[i:i + batch_size]
        g += Xb.T @ (Xb @ w + b - yb.reshape(-1, 1))
    return g / len(X)


def gradient_vectorised(X, y, w, b) -> torch.Tensor:
    """The same gradient as one matrix product: Xᵀ(Xw + b − y)/n."""
    return X.T @ (X @ w + b - y.reshape(-1, 1)) / len(X)


def vectorisation(X, y, batch_size: int, repeat: int = 3) -> pd.DataFrame:
    w = torch.linspace(-1, 1, X.shape[1]).reshape(-1, 1)
    b = torch.tensor([0.5])
    ref = gradient_vectorised(X, y, w, b)
    rows = []
    for how, fn in (("loop", lambda: gradient_loop(X, y, w, b)),
                    ("batches", lambda: gradient_batched(X, y, w, b, batch_size)),
                    ("matrix", lambda: gradient_vectorised(X, y, w, b))):
        best = math.inf
        for _ in range(repeat):
            t0 = time.perf_counter()
            g = fn()
            best = min(best, time.perf_counter() - t0)
        rows.append((how, best, float((g - ref).abs().max())))
    return pd.DataFrame(rows, columns=["how", "seconds", "max_error"])


def namespace(dataset: str) -> str:
    """The shared-cache namespace of a run: the data actually used is part of the key (the generated
    stand-in must not be served once the airfoil data has arrived). The warm-up uses it too."""
    return f"minibatch_sgd.run.{load_airfoil(dataset).name}"


def run(settings: Settings, seed: int = 0, device="cpu", on_step: Callable | None = None,
        budget: Budget | None = None, data: RegressionData | None = None) -> Result:
    """The three methods, each from the same w (one generator per method, identically seeded)."""
    with intra_op_threads(1):
        s = settings
        budget = (budget or Budget()).capped(MAX_UNITS)
        data = data or load_airfoil(s.dataset)
        X, y = data.X[:s.num_examples], data.y[:s.num_examples]
        records, divergence = [], {}
        for k, (method, (batch, lr, epochs)) in enumerate(s.plan().items()):
            rows, divergence[method] = train_ch11(X, y, batch, lr, epochs, torch.Generator().manual_seed(seed), budget, method)
            records += rows
            if on_step is not None:
                on_step({"done": k + 1, "total": len(METHODS), "records": records})
        w_opt, _, loss_opt = least_squares(X, y)
        y64 = y.double()
        return Result(s, data.name, data.fallback_reason, pd.DataFrame(records, columns=COLUMNS), divergence,
                      loss_opt, (float(w_opt[0]), float(w_opt[1])), vectorisation(X, y, s.batch_mini), budget.reason,
                      float(0.5 * ((y64 - y64.mean()) ** 2).mean()))
