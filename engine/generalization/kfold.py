"""K-fold cross-validation and model selection (d2l-zh 4.4.2 and 4.10.6; d2l §3.6.3, §5.7.6; Ng course 2).

Two choices, each made from the training data alone, then one look at the test set:

- **λ** (weight decay) of the book's Kaggle model — ``nn.Linear``, Adam, ``nn.MSELoss``, judged by the
  log-RMSE — on the house-prices data (the diabetes data offline). A share of the labelled data is held
  out first as the test set; ``test_share = 0`` is the book's run (k = 5 on all 1,460 houses, where the
  book reports an average validation log-RMSE of about 0.17).
- **the degree** of the book's polynomial (``engine.generalization.polynomial``), on its 100 training
  examples; its 100 test examples are the test set.

The folds are ``np.array_split``: K contiguous parts that cover every example exactly once. (The book's
``get_k_fold_data`` uses parts of ``n // k`` examples and leaves the last ``n mod k`` out of every
fold — none for 1,460 houses and k = 5.) Every candidate is trained at once, as the columns of one
weight matrix, on the same minibatches; each column is its own model (the tests compare a column with the
book's ``train``).
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
from engine.datasets.house import TableData, load_house
from engine.generalization import polynomial as P
from engine.linear_regression import data_iter

LAMBDAS = (0.0, 0.001, 0.01, 0.03, 0.1, 0.3, 1.0, 10.0)
DEGREES = tuple(range(P.MAX_DEGREE))
MAX_UNITS = 4e9            # multiply-adds (minibatch × features × candidates × 6, plus a step's overhead)
STEP_COST = 200_000        # a step's Python and optimizer overhead, in multiply-adds


@dataclass(frozen=True)
class Settings:
    select: str = S.choice("weight_decay", ("weight_decay", "degree"), doc="what cross-validation chooses")
    k: int = S.num(5, 2, 10, doc="folds K (book: 5)")
    test_share: float = S.num(0.2, 0.0, 0.5, step=0.05, doc="share of the labelled table held out as the test set (λ only; 0: the book's run)")
    lr: float = S.num(5.0, 0.01, 10.0, log=True, doc="Adam's learning rate (λ only; book: 5)")
    batch_size: int = S.num(64, 8, 256, step=8, doc="minibatch size (λ only; book: 64)")
    num_epochs: int = S.num(100, 10, 300, step=10, doc="epochs per fold (λ only; book: 100; the degree uses the polynomial's 400)")

    def __post_init__(self):
        S.check(self)


def fold_indices(n: int, k: int) -> list[np.ndarray]:
    """K contiguous folds that partition range(n): each example is in exactly one."""
    return np.array_split(np.arange(n), k)


def get_k_fold_data(k: int, i: int, X, y):
    """The book's function, with ``fold_indices``' folds: (X_train, y_train, X_valid, y_valid) of round i."""
    folds = fold_indices(len(X), k)
    valid = torch.as_tensor(folds[i])
    train = torch.as_tensor(np.concatenate([f for j, f in enumerate(folds) if j != i]))
    return X[train], y[train], X[valid], y[valid]


def log_rmse(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The book's ``log_rmse`` of every column: predictions below 1 are set to 1 before the log."""
    clipped = torch.clamp(y_hat, 1, float("inf"))
    return torch.sqrt(((torch.log(clipped) - torch.log(y)) ** 2).mean(dim=0))


def init_linear(num_inputs: int, columns: int, generator: torch.Generator):
    """Every column drawn as ``nn.Linear(num_inputs, 1)`` draws its weight and bias (uniform on ±1/√d)."""
    bound = 1 / math.sqrt(num_inputs)
    W = (torch.rand(num_inputs, columns, generator=generator) * 2 - 1) * bound
    b = (torch.rand(columns, generator=generator) * 2 - 1) * bound
    return W, b


def train_adam(X, y, X_valid, y_valid, lambdas, s: Settings, generator, budget, init=None):
    """The book's ``train`` for every λ at once: ``nn.MSELoss`` per column, Adam with ``weight_decay = λ``
    (torch adds λ·θ to the gradient of weight and bias alike, as in the book). Returns (W, b, rows of
    (epoch, train log-RMSE per λ, valid log-RMSE per λ))."""
    W, b = init_linear(X.shape[1], len(lambdas), generator) if init is None else (init[0].clone(), init[1].clone())
    W.requires_grad_(True)
    b.requires_grad_(True)
    wd = torch.tensor(lambdas, dtype=torch.float32)
    optimizer = torch.optim.Adam([W, b], lr=s.lr)
    units = lambda n: 6 * n * X.shape[1] * len(lambdas) + STEP_COST
    rows = []
    for epoch in range(1, s.num_epochs + 1):
        for Xb, yb in data_iter(s.batch_size, X, y, generator):
            if not budget.spend(units(len(yb))):
                break
            optimizer.zero_grad()
            l = ((Xb @ W + b - yb) ** 2).mean(dim=0).sum()        # each column's own nn.MSELoss
            l.backward()
            with torch.no_grad():
                W.grad += wd * W
                b.grad += wd * b
            optimizer.step()
        with torch.no_grad():
            rows.append((epoch, log_rmse(X @ W + b, y), log_rmse(X_valid @ W + b, y_valid) if len(y_valid) else None))
        if budget.reason is not None:
            break
    return W.detach(), b.detach(), rows


@dataclass(frozen=True)
class Result:
    settings: Settings
    seed: int
    dataset: str                   # 'kaggle_house', 'diabetes' or 'polynomial'
    fallback_reason: str | None
    n_pool: int                    # examples the folds split
    n_test: int
    folds: pd.DataFrame            # fold, start, stop (example indices of each fold)
    cv: pd.DataFrame               # candidate, fold, train, valid (final epoch)
    curves: pd.DataFrame           # candidate, fold, epoch, train, valid
    chosen: float                  # the candidate with the lowest mean validation error
    test_error: float | None       # the chosen one, retrained on every fold, on the test set (the one look)
    final_train_error: float | None
    stop_reason: str | None
    baseline_loss: float = math.nan         # the error of predicting the mean of y on the pool, in the page's
                                            # measure: log-RMSE (λ) or the mean squared error (degree)
    noise_floor: float | None = None        # σ² of the polynomial's noise (degree); None: real data, not known

    def chosen_curve(self) -> pd.DataFrame:
        """epoch, train, valid of the chosen candidate, each the mean over the folds (start first)."""
        c = self.curves[self.curves["candidate"] == self.chosen]
        return c.groupby("epoch", sort=True)[["train", "valid"]].mean().reset_index()

    @property
    def summary(self) -> pd.DataFrame:
        """Mean and spread (std over folds) of training and validation error per candidate."""
        g = self.cv.groupby("candidate", sort=True)
        return pd.DataFrame({"train_mean": g["train"].mean(), "valid_mean": g["valid"].mean(),
                             "valid_std": g["valid"].std(ddof=0), "folds": g["valid"].count()}).reset_index()

    @property
    def complete(self) -> bool:
        return bool(len(self.cv)) and int(self.cv["fold"].nunique()) == self.settings.k

    def mean_valid(self, candidate=None) -> float:
        c = self.chosen if candidate is None else candidate
        row = self.summary[self.summary["candidate"] == c]
        return float(row["valid_mean"].iloc[0]) if len(row) else float("nan")


def cv_frame_of(rows) -> pd.DataFrame:
    """(candidate, fold, train, valid) rows (also mid-run, for the live chart) as a table."""
    return pd.DataFrame(rows, columns=["candidate", "fold", "train", "valid"])


def namespace(s: Settings) -> str:
    """The shared-cache namespace: the data actually used is part of the key (the warm-up uses it too)."""
    return f"kfold.run.{'polynomial' if s.select == 'degree' else load_house().name}"


def _split(data: TableData, share: float, seed: int):
    """The held-out test set: a seeded random share of the rows; the rest, in their order, is the pool."""
    n = len(data.X)
    n_test = int(round(share * n))
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    test, pool = order[:n_test].sort().values, order[n_test:].sort().values
    return data.X[pool], data.y[pool], data.X[test], data.y[test]


def _run(settings: Settings, seed: int = 0, device: torch.device | str = "cpu",
        on_step: Callable[[dict], None] | None = None, budget: Budget | None = None,
        data: TableData | None = None) -> Result:
    """K rounds, each training every candidate on K − 1 folds and validating on the remaining one; then
    the candidate with the lowest mean validation error, retrained on all folds, meets the test set once."""
    s = settings
    budget = (budget or Budget()).capped(MAX_UNITS)
    if s.select == "degree":
        ps = P.Settings()
        features, labels, _ = P.make_data(ps.noise, torch.Generator().manual_seed(seed))
        X, y = features[:P.N_TRAIN_MAX], labels[:P.N_TRAIN_MAX]
        X_test, y_test = features[P.N_TRAIN_MAX:], labels[P.N_TRAIN_MAX:]
        name, reason, candidates = "polynomial", None, DEGREES
        fit = lambda Xa, ya, Xv, yv, g: _fit_degrees(Xa, ya, Xv, yv, ps, g, budget)
    else:
        data = data or load_house()
        X, y, X_test, y_test = _split(data, s.test_share, seed)
        name, reason, candidates = data.name, data.fallback_reason, LAMBDAS
        fit = lambda Xa, ya, Xv, yv, g: _fit_lambdas(Xa, ya, Xv, yv, candidates, s, g, budget)
    folds = fold_indices(len(X), s.k)
    cv, curves = [], []
    for i in range(s.k):
        Xa, ya, Xv, yv = get_k_fold_data(s.k, i, X, y)
        rows, _ = fit(Xa, ya, Xv, yv, torch.Generator().manual_seed(seed + 1 + i))
        if budget.reason is not None or not rows:      # a fold cut short would skew the mean: left out
            break
        for epoch, tr_e, va_e in rows:
            curves += [(c, i + 1, epoch, float(a), float(v)) for c, a, v in zip(candidates, tr_e.tolist(), va_e.tolist())]
        cv += [(c, i + 1, float(a), float(v)) for c, a, v in zip(candidates, rows[-1][1].tolist(), rows[-1][2].tolist())]
        if on_step is not None:
            on_step({"done": i + 1, "total": s.k + 1, "cv": cv})
    cv_frame = cv_frame_of(cv)
    chosen, test_error, final_train = float("nan"), None, None
    if len(cv_frame):
        means = cv_frame.groupby("candidate")["valid"].mean()
        chosen = float(means.idxmin())
        if budget.reason is None and len(y_test):
            only = [chosen] if s.select == "weight_decay" else candidates
            fit_final = (lambda g: _fit_lambdas(X, y, X_test, y_test, only, s, g, budget)) if s.select == "weight_decay" \
                else (lambda g: _fit_degrees(X, y, X_test, y_test, P.Settings(), g, budget))
            rows, _ = fit_final(torch.Generator().manual_seed(seed + 100))
            col = 0 if s.select == "weight_decay" else int(chosen)
            if budget.reason is None:
                final_train, test_error = float(rows[-1][1][col]), float(rows[-1][2][col])
    fold_frame = pd.DataFrame([(j + 1, int(f[0]), int(f[-1]) + 1) for j, f in enumerate(folds)],
                              columns=["fold", "start", "stop"])
    if s.select == "degree":      # the polynomial's loss: mean squared error; ε ~ N(0, σ²) leaves σ²
        baseline, floor = float(((y - y.mean()) ** 2).mean()), P.Settings().noise ** 2
    else:
        baseline, floor = float(log_rmse(torch.full_like(y, float(y.mean())), y).squeeze()), None
    return Result(s, seed, name, reason, len(X), len(y_test), fold_frame, cv_frame,
                  pd.DataFrame(curves, columns=["candidate", "fold", "epoch", "train", "valid"]),
                  chosen, test_error, final_train, budget.reason, baseline, floor)

def run(settings: Settings, seed: int = 0, device: torch.device | str = "cpu",
        on_step: Callable[[dict], None] | None = None, budget: Budget | None = None, **kwargs) -> Result:
    """``_run`` on one intra-op thread: its tensors are small, and on a shared server a second thread only
    waits for the other core (``engine.device.intra_op_threads``)."""
    with intra_op_threads(1):
        return _run(settings, seed, device, on_step, budget, **kwargs)



def _fit_lambdas(X, y, Xv, yv, lambdas, s, generator, budget):
    W, b, rows = train_adam(X, y, Xv, yv, list(lambdas), s, generator, budget)
    return rows, (W, b)


def _fit_degrees(X, y, Xv, yv, ps, generator, budget):
    """The polynomial's trainer on these examples: every degree at once; errors are mean squared errors."""
    W, rows = P.train_all(X, y, Xv, yv, ps, generator, budget)
    every = max(1, ps.num_epochs // 40)
    return [r for r in rows[1:] if r[0] % every == 0 or r is rows[-1]], W
