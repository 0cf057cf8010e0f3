"""A 2-D neural-network playground (after TensorFlow Playground; d2l §5.1–5.2): a small MLP
learns to separate two classes in the plane, and the decision boundary is recorded as it
trains so the page can redraw it live and replay it.

Binary classification with one output logit o: P(y = 1 | x) = sigmoid(o), trained by
minibatch SGD on the binary cross-entropy (``nn.BCEWithLogitsLoss``, the two-class softmax).
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
from engine.mlp.net import mlp, num_params
from engine.mlp.playground.datasets import DATASETS, make_data, train_test_split
from engine.numerics import Divergence, still_falling

MAX_STEPS = 8_000       # the work budget, in small-batch steps (≈3 s on one CPU core); a step on a
                        # batch of b examples through P parameters costs 1 + b·P/10⁶ of them
NUM_FRAMES = 40         # decision-boundary snapshots per run (for the live chart and the replay)
GRID = 61               # the boundary is evaluated on a GRID × GRID mesh


@dataclass(frozen=True)
class Settings:
    dataset: str = S.choice("moons", DATASETS, doc="which generated data set")
    noise: float = S.num(0.15, 0.0, 0.5, step=0.05, doc="std of the Gaussian noise added to the points")
    num_examples: int = S.num(400, 20, 2000, step=10, doc="points generated (train + test)")
    test_ratio: float = S.num(0.3, 0.1, 0.9, step=0.05, doc="share of the points held out for testing")
    num_layers: int = S.num(2, 0, 5, doc="hidden layers (0: logistic regression, a straight boundary)")
    num_hiddens: int = S.num(16, 1, 32, doc="units per hidden layer")
    activation: str = S.choice("tanh", ("tanh", "relu", "sigmoid", "gelu", "leaky_relu", "linear"),
                               doc="nonlinearity after each hidden layer")
    lr: float = S.num(0.1, 0.001, 100.0, log=True, doc="learning rate η")
    batch_size: int = S.num(16, 1, 500, doc="minibatch size")
    num_epochs: int = S.num(100, 1, 1000, doc="passes over the training points")

    def __post_init__(self):
        S.check(self)

    @property
    def num_test(self) -> int:
        return min(self.num_examples - 1, max(1, round(self.test_ratio * self.num_examples)))

    @property
    def num_train(self) -> int:
        return self.num_examples - self.num_test

    @property
    def total_steps(self) -> int:
        return self.num_epochs * math.ceil(self.num_train / self.batch_size)

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        return (2,) + (self.num_hiddens,) * self.num_layers + (1,)


@dataclass(frozen=True)
class Result:
    settings: Settings
    seed: int
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    grid_x: np.ndarray               # the mesh's axes
    grid_y: np.ndarray
    frames: tuple                    # ((step, P(y=1) on the mesh as (GRID, GRID) float32), ...)
    curve: pd.DataFrame              # step, epoch, train_loss, test_loss, train_acc, test_acc
    num_params: int
    divergence: Divergence | None
    stop_reason: str | None

    @property
    def final(self) -> dict:
        return self.curve.iloc[-1].to_dict()

    @property
    def worse_than_chance(self) -> bool:
        """Trained, finite, and still at or above ln 2, the loss of answering 50 % everywhere."""
        loss = self.final["train_loss"]
        return self.divergence is None and len(self.curve) > 1 and math.isfinite(loss) and loss >= math.log(2)

    @property
    def still_descending(self) -> bool:
        """``numerics.still_falling`` of the training loss (the curve starts at step 0)."""
        return still_falling(list(self.curve["train_loss"]))


CURVE_COLUMNS = ["step", "epoch", "train_loss", "test_loss", "train_acc", "test_acc"]


def grid_axes(X: np.ndarray, n: int = GRID) -> tuple[np.ndarray, np.ndarray]:
    """A square mesh around the points with a margin (what the heatmap covers)."""
    lo, hi = np.floor(X.min() * 2 - 1) / 2, np.ceil(X.max() * 2 + 1) / 2
    lo, hi = max(lo, -4.0), min(hi, 4.0)
    axis = np.linspace(lo, hi, n, dtype=np.float32)
    return axis, axis.copy()


def evaluate(net: nn.Module, loss: nn.Module, X: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    """(mean loss, accuracy) on a whole set, in evaluation mode."""
    with torch.no_grad():
        o = net(X).squeeze(1)
        return loss(o, y.float()).item(), ((o > 0).long() == y).float().mean().item()


def sgd(params, lr: float) -> None:
    """d2l §3.4.3's SGD step for a loss that is already a mean: w ← w − η ∂l/∂w."""
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad
            param.grad = None


def train_step(net, loss, params, lr, X, y) -> torch.Tensor:
    """One minibatch SGD step (the inner loop of d2l §4.4.4; d2l-zh 3.6's ``train_epoch_ch3``)."""
    l = loss(net(X).squeeze(1), y.float())
    l.backward()
    sgd(params, lr)
    return l.detach()


def run(settings: Settings, seed: int = 0, device: torch.device | str = "cpu",
        on_step: Callable[[dict], None] | None = None, budget: Budget | None = None) -> Result:
    """Make the points, train, and every ``total_steps / NUM_FRAMES`` steps record the losses,
    accuracies and the predicted probability over the mesh."""
    with intra_op_threads(1):
        return _run(settings, seed, device, on_step, budget)


def _run(settings, seed, device, on_step, budget) -> Result:
    s, device = settings, torch.device(device)
    budget = (budget or Budget()).capped(MAX_STEPS)
    X, y = make_data(s.dataset, s.num_examples, s.noise, seed)
    X_tr, y_tr, X_te, y_te = train_test_split(X, y, s.test_ratio, seed)
    gx, gy = grid_axes(X)
    mesh = torch.from_numpy(np.stack(np.meshgrid(gx, gy), axis=-1).reshape(-1, 2)).to(device)
    Xtr, ytr = torch.from_numpy(X_tr).to(device), torch.from_numpy(y_tr).to(device)
    Xte, yte = torch.from_numpy(X_te).to(device), torch.from_numpy(y_te).to(device)

    gen = torch.Generator().manual_seed(seed)
    net = mlp(2, 1, s.num_layers, s.num_hiddens, s.activation, generator=gen).to(device)
    loss = nn.BCEWithLogitsLoss()
    params = list(net.parameters())
    total = s.total_steps
    step_cost = 1 + s.batch_size * num_params(net) / 1e6
    every = max(1, min(total, int(budget.max_units / step_cost)) // NUM_FRAMES)
    curve, frames, divergence = [], [], None

    def record(step: int, epoch: float) -> None:
        train_loss, train_acc = evaluate(net, loss, Xtr, ytr)
        test_loss, test_acc = evaluate(net, loss, Xte, yte)
        curve.append((step, epoch, train_loss, test_loss, train_acc, test_acc))
        with torch.no_grad():
            probs = torch.sigmoid(net(mesh)).reshape(len(gy), len(gx)).cpu().numpy()
        frames.append((step, probs))
        if on_step is not None:
            on_step({"done": step, "total": total, "curve": curve, "frame": frames[-1],
                     "X_train": X_tr, "y_train": y_tr, "grid_x": gx, "grid_y": gy})

    record(0, 0.0)
    step, last_loss = 0, None
    for epoch in range(1, s.num_epochs + 1):
        for idx in torch.randperm(len(ytr), generator=gen).split(s.batch_size):
            if not budget.spend(step_cost):
                break
            l = train_step(net, loss, params, s.lr, Xtr[idx], ytr[idx]).item()
            step += 1
            if not math.isfinite(l):          # an overflowing weight shows up in the next loss
                divergence = Divergence(step=step, epoch=epoch, value=l, last_finite=last_loss)
                break
            last_loss = l
            if step % every == 0:
                record(step, step * s.num_epochs / total)
        if divergence is not None or budget.reason is not None:
            break
    if curve[-1][0] != step:
        record(step, step * s.num_epochs / total)
    return Result(s, seed, X_tr, y_tr, X_te, y_te, gx, gy, tuple(frames),
                  pd.DataFrame(curve, columns=CURVE_COLUMNS), num_params(net), divergence, budget.reason)
