"""Under- and overfitting with the book's polynomial (d2l-zh 4.4; d2l 0.17 §4.4.4).

    y = 5 + 1.2x − 3.4x²/2! + 5.6x³/3! + ε,   ε ~ N(0, 0.1²),   features xⁱ/i! for i = 0 … 19

The book trains one ``nn.Linear(k, 1, bias=False)`` per choice of k features (k = 2: linear,
k = 4: cubic, k = 20: every feature) with minibatch SGD on the mean squared error. Here every k
from 1 to 20 is trained at once, as the 20 columns of one weight matrix: column k uses only the
first k features (the others stay exactly zero), all columns see the same minibatches, and each
column's loss is its own, so each column *is* the book's run for that k (``train_book`` is the
book's loop; the tests compare them). That is what makes the U of test error against degree, and
the learning curve, cheap enough to redraw while a student watches them form.
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
from engine.linear_regression import data_iter
from engine.numerics import Divergence

MAX_DEGREE = 20                              # the book's max_degree: 20 features, x⁰/0! … x¹⁹/19!
TRUE_W = (5.0, 1.2, -3.4, 5.6)
N_TRAIN_MAX, N_TEST = 100, 100               # the book's n_train, n_test
LEARNING_CURVE_SIZES = (10, 20, 30, 50, 70, 100)
MAX_STEPS = 60_000                           # minibatch updates per run (all degrees at once): ≈ 3 s of one core
BOOK_RUNS = {"cubic": (3, 400), "linear": (1, 400), "high": (19, 1500)}    # degree, epochs (d2l-zh 4.4.4)


@dataclass(frozen=True)
class Settings:
    degree: int = S.num(3, 0, MAX_DEGREE - 1, doc="degree of the fitted polynomial (degree + 1 features; book: 3, 1, 19)")
    n_train: int = S.num(100, 5, N_TRAIN_MAX, step=5, doc="training examples (book: 100; the test set keeps its 100)")
    noise: float = S.num(0.1, 0.01, 1.0, log=True, doc="σ of the noise ε (book: 0.1)")
    lr: float = S.num(0.01, 0.001, 0.1, log=True, doc="learning rate η (book: 0.01)")
    batch_size: int = S.num(10, 1, 100, doc="minibatch size, at most n_train (book: min(10, n_train))")
    num_epochs: int = S.num(400, 10, 2000, step=10, doc="passes over the data (book: 400; 1,500 for all 20 features)")
    learning_curve: bool = S.flag(True, doc="also train on 10, 20, 30, 50, 70 examples: test error against data size")

    def __post_init__(self):
        S.check(self)

    @property
    def batch(self) -> int:
        return min(self.batch_size, self.n_train)


# ---- the book's data and the book's loop ---------------------------------------------------------

def poly_features(x: torch.Tensor, max_degree: int = MAX_DEGREE) -> torch.Tensor:
    """xⁱ/i! for i = 0 … max_degree − 1 (the book divides by ``math.gamma(i + 1)`` = i!)."""
    powers = torch.arange(max_degree, dtype=torch.float64)
    scale = torch.tensor([math.gamma(i + 1) for i in range(max_degree)], dtype=torch.float64)
    return (x.double().reshape(-1, 1) ** powers / scale).float()


def make_data(noise: float, generator: torch.Generator, n_train: int = N_TRAIN_MAX, n_test: int = N_TEST):
    """The book's data: x ~ N(0, 1), labels = poly_features(x) · true_w + ε. Returns (features, labels,
    x), training examples first. A smaller ``Settings.n_train`` takes the first of them."""
    x = torch.normal(0, 1, (n_train + n_test,), generator=generator)
    features = poly_features(x)
    true_w = torch.zeros(MAX_DEGREE)
    true_w[:4] = torch.tensor(TRUE_W)
    labels = features @ true_w + torch.normal(0, noise, (n_train + n_test,), generator=generator)
    return features, labels, x


def init_weights(generator: torch.Generator) -> torch.Tensor:
    """Column k − 1 holds the first k weights of an ``nn.Linear(k, 1, bias=False)``, drawn as torch draws
    them (uniform on ±1/√k); the rest of the column is zero and stays zero."""
    W = torch.zeros(MAX_DEGREE, MAX_DEGREE)
    for k in range(1, MAX_DEGREE + 1):
        W[:k, k - 1] = (torch.rand(k, generator=generator) * 2 - 1) / math.sqrt(k)
    return W


MASK = torch.ones(MAX_DEGREE, MAX_DEGREE).triu().bool()    # MASK[i, k−1]: model k uses feature i


def sgd_step(W: torch.Tensor, X: torch.Tensor, y: torch.Tensor, lr: float) -> None:
    """One SGD step of every model on the minibatch's mean squared error (the book's
    ``nn.MSELoss(reduction='none')`` + ``l.mean().backward()``): ∇ = 2Xᵀ(XW − y)/|B| per column."""
    residual = X @ W - y.reshape(-1, 1)
    grad = X.T @ residual * (2.0 / len(y))
    W -= lr * torch.where(MASK, grad, 0.0)


def mse(W: torch.Tensor, X: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The book's ``evaluate_loss``: mean squared error of every model (one number per column)."""
    return ((X @ W - y.reshape(-1, 1)) ** 2).mean(dim=0)


def train_book(train_features, test_features, train_labels, test_labels, num_epochs=400, lr=0.01,
               generator=None, init=None, batch_size=10):
    """The book's ``train`` (d2l-zh 4.4.4), with its drawing left out: returns the weights and the
    (train, test) loss after each epoch. ``init`` sets the first weights (to compare with ``run``)."""
    loss = nn.MSELoss(reduction="none")
    net = nn.Sequential(nn.Linear(train_features.shape[-1], 1, bias=False))
    if init is not None:
        with torch.no_grad():
            net[0].weight.copy_(init.reshape(1, -1))
    batch_size = min(batch_size, train_labels.shape[0])
    trainer = torch.optim.SGD(net.parameters(), lr=lr)
    evaluate = lambda X, y: loss(net(X), y.reshape(-1, 1)).mean().item()
    history = []
    for epoch in range(num_epochs):
        for X, y in data_iter(batch_size, train_features, train_labels.reshape(-1, 1), generator):
            l = loss(net(X), y)
            trainer.zero_grad()
            l.mean().backward()
            trainer.step()
        with torch.no_grad():
            history.append((evaluate(train_features, train_labels), evaluate(test_features, test_labels)))
    return net[0].weight.detach().flatten(), history


# ---- a whole run: every degree at once -----------------------------------------------------------

def train_all(X, y, X_test, y_test, s: Settings, generator, budget, on_epoch=None, init=None):
    """Train the 20 models (degrees 0 … 19) together for ``s.num_epochs`` epochs; return the weights and
    the (epoch, train losses, test losses) rows, one loss per degree. ``init``: the first weights."""
    W = init_weights(generator) if init is None else init.clone()
    rows = [(0, mse(W, X, y), mse(W, X_test, y_test))]
    for epoch in range(1, s.num_epochs + 1):
        for Xb, yb in data_iter(min(s.batch_size, len(y)), X, y, generator):
            if not budget.spend(1):
                break
            sgd_step(W, Xb, yb, s.lr)
        rows.append((epoch, mse(W, X, y), mse(W, X_test, y_test)))
        if on_epoch is not None:
            on_epoch(epoch, rows)
        if budget.reason is not None or not torch.isfinite(rows[-1][1]).any():
            break
    return W, rows


@dataclass(frozen=True)
class Result:
    settings: Settings
    seed: int
    history: pd.DataFrame          # epoch, degree, train_loss, test_loss (every epoch, every degree)
    weights: np.ndarray            # (20 features, 20 degrees): column d = the learned weights of degree d
    data: pd.DataFrame             # x, y, split ('train' / 'test'): the points of the fitted-curve chart
    learning_curve: pd.DataFrame   # n_train, degree, train_loss, test_loss (final epoch)
    divergence: dict               # degree → Divergence (only the degrees that diverged)
    stop_reason: str | None
    steps: int

    def final(self, degree: int, column: str = "test_loss") -> float:
        h = self.history[self.history["degree"] == degree]
        return float(h[column].iloc[-1])

    @property
    def final_by_degree(self) -> pd.DataFrame:
        """The U: final train and test loss of every degree."""
        last = self.history["epoch"].max()
        return self.history[self.history["epoch"] == last].reset_index(drop=True)

    def verdict(self, degree: int | None = None) -> str:
        """'under' (too simple for a cubic), 'over' (test far above training), 'slow' (can fit, still above
        the noise floor), or 'fine' — the sentence the page says about one degree's run."""
        d = self.settings.degree if degree is None else degree
        train, test, floor = self.final(d, "train_loss"), self.final(d), self.settings.noise ** 2
        if d < 3 and train > 3 * floor:
            return "under"
        if test > 2 * train:
            return "over"
        return "slow" if train > 3 * floor else "fine"

    def learned(self, degree: int | None = None) -> np.ndarray:
        d = self.settings.degree if degree is None else degree
        return self.weights[: d + 1, d]


def history_frame(rows) -> pd.DataFrame:
    """(epoch, train losses, test losses) rows → one row per (epoch, degree)."""
    out = []
    for epoch, tr_l, te_l in rows:
        for d, (a, b) in enumerate(zip(tr_l.tolist(), te_l.tolist())):
            out.append((epoch, d, a, b))
    return pd.DataFrame(out, columns=["epoch", "degree", "train_loss", "test_loss"])


def _divergences(history: pd.DataFrame) -> dict:
    out = {}
    for d, h in history.groupby("degree"):
        bad = h[~np.isfinite(h["train_loss"])]
        if len(bad):
            e = int(bad["epoch"].iloc[0])
            ok = h[(h["epoch"] < e) & np.isfinite(h["train_loss"])]
            out[int(d)] = Divergence(step=e, epoch=e, value=float(bad["train_loss"].iloc[0]),
                                     last_finite=float(ok["train_loss"].iloc[-1]) if len(ok) else None)
    return out


def _run(settings: Settings, seed: int = 0, device: torch.device | str = "cpu",
        on_step: Callable[[dict], None] | None = None, budget: Budget | None = None) -> Result:
    """The book's data, then every degree trained on the first ``n_train`` examples (live: the U and the
    chosen degree's curves, each epoch), then — if asked — the same on fewer examples (the learning curve).
    Tiny tensors: the CPU is used whatever ``device`` says (a GPU would only add launch latency)."""
    s = settings
    budget = (budget or Budget()).capped(MAX_STEPS)
    gen = torch.Generator().manual_seed(seed)
    features, labels, x = make_data(s.noise, gen)
    X, y = features[: s.n_train], labels[: s.n_train]
    X_test, y_test = features[N_TRAIN_MAX:], labels[N_TRAIN_MAX:]
    sizes = [n for n in LEARNING_CURVE_SIZES if n < s.n_train] if s.learning_curve else []
    per_epoch = lambda n: math.ceil(n / min(s.batch_size, n))
    total = s.num_epochs * (per_epoch(s.n_train) + sum(per_epoch(n) for n in sizes))

    def live(epoch, rows):
        if on_step is not None:
            on_step({"done": epoch * per_epoch(s.n_train), "total": total, "rows": rows})

    W, rows = train_all(X, y, X_test, y_test, s, gen, budget, live)
    history = history_frame(rows)
    curve = [(s.n_train, d, a, b) for d, (a, b) in enumerate(zip(rows[-1][1].tolist(), rows[-1][2].tolist()))]
    for n in sizes:
        if budget.reason is not None:
            break
        Wn, rn = train_all(X[:n], y[:n], X_test, y_test, s, torch.Generator().manual_seed(seed + n), budget)
        if rn[-1][0] == s.num_epochs:           # only complete runs: a capped one would mislead
            curve += [(n, d, a, b) for d, (a, b) in enumerate(zip(rn[-1][1].tolist(), rn[-1][2].tolist()))]
    data = pd.DataFrame({"x": x.numpy(), "y": labels.numpy(),
                         "split": ["train" if i < s.n_train else ("test" if i >= N_TRAIN_MAX else "unused")
                                   for i in range(len(x))]})
    return Result(s, seed, history, W.numpy(), data[data["split"] != "unused"].reset_index(drop=True),
                  pd.DataFrame(sorted(curve), columns=["n_train", "degree", "train_loss", "test_loss"]),
                  _divergences(history), budget.reason, int(budget.used_units))

def run(settings: Settings, seed: int = 0, device: torch.device | str = "cpu",
        on_step: Callable[[dict], None] | None = None, budget: Budget | None = None) -> Result:
    """``_run`` on one intra-op thread: its tensors are small, and on a shared server a second thread only
    waits for the other core (``engine.device.intra_op_threads``)."""
    with intra_op_threads(1):
        return _run(settings, seed, device, on_step, budget)



def curve_points(weights: np.ndarray, degree: int, lo: float = -3.5, hi: float = 3.5, n: int = 200):
    """(x, fitted ŷ, true y without noise) on a grid, for the fitted-curve chart."""
    xs = torch.linspace(lo, hi, n)
    F = poly_features(xs).double().numpy()
    true_w = np.zeros(MAX_DEGREE)
    true_w[:4] = TRUE_W
    return xs.numpy(), F @ weights[:, degree], F @ true_w
