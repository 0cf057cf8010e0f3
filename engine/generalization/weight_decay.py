"""Weight decay (d2l-zh 4.5; d2l §3.7): the book's high-dimensional linear regression,

    y = 0.05 + Σᵢ 0.01·xᵢ + ε,   ε ~ N(0, 0.01²),   200 inputs, 20 training and 100 test examples,

trained from scratch (the L2 penalty λ/2·‖w‖² added to the loss) or concisely (``weight_decay=λ`` in
``torch.optim.SGD``, the bias in a group of its own that is not decayed). The book's concise version
uses ``nn.MSELoss``, which has no ½ and so doubles the data term's gradient; here it uses the linear
regression lesson's ``HalfMSELoss``, so that both versions take the same steps and, from the same
weights on the same minibatches, end with the same numbers (the tests check it).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd
import torch
from torch import nn

from engine import settings as S
from engine.budget import Budget
from engine.device import intra_op_threads
from engine.linear_regression import HalfMSELoss, data_iter, linreg, sgd, squared_loss, synthetic_data
from engine.numerics import Divergence

SWEEP = (0.0, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0)        # the λ of the ‖w‖-against-λ chart (the chosen λ is added)
MAX_UNITS = 2e9                                      # multiply-adds: ≈ 2 s of one core at the heaviest setting
STEP_COST = 30_000                                   # a step's Python and autograd overhead, in multiply-adds


@dataclass(frozen=True)
class Settings:
    lambd: float = S.num(3.0, 0.0, 50.0, step=0.5, doc="λ of the penalty λ/2·‖w‖² (book: 0, then 3)")
    impl: str = S.choice("scratch", ("scratch", "concise"), doc="penalty in the loss, or weight_decay in the optimizer")
    num_inputs: int = S.num(200, 1, 1000, doc="inputs d (book: 200)")
    n_train: int = S.num(20, 5, 1000, step=5, doc="training examples (book: 20)")
    lr: float = S.num(0.003, 0.0001, 0.1, log=True, doc="learning rate η (book: 0.003)")
    batch_size: int = S.num(5, 1, 100, doc="minibatch size (book: 5)")
    num_epochs: int = S.num(100, 5, 500, step=5, doc="passes over the data (book: 100)")
    sweep: bool = S.flag(True, doc="also train λ = 0, 0.1, 0.3, 1, 3, 10, 30: ‖w‖ and the losses against λ")

    def __post_init__(self):
        S.check(self)


N_TEST = 100
TRUE_B = 0.05
NOISE = 0.01                                         # σ of ε (the book's synthetic_data)


def make_data(s: Settings, generator: torch.Generator):
    """The book's ``synthetic_data(true_w, true_b, n)`` for training and test, true_w = 0.01·1."""
    true_w = torch.ones(s.num_inputs) * 0.01
    train = synthetic_data(true_w, TRUE_B, s.n_train, NOISE, generator)
    test = synthetic_data(true_w, TRUE_B, N_TEST, NOISE, generator)
    return train, test


def init_params(num_inputs: int, generator: torch.Generator):
    """The book's ``init_params``: w ~ N(0, 1), b = 0."""
    w = torch.normal(0, 1, size=(num_inputs, 1), generator=generator).requires_grad_(True)
    b = torch.zeros(1, requires_grad=True)
    return [w, b]


def l2_penalty(w):
    """The book's ½‖w‖²."""
    return torch.sum(w.pow(2)) / 2


def train_scratch(lambd, w, b, train, test, s: Settings, generator, budget, on_epoch=None):
    """The book's ``train(lambd)``: the penalty is part of the loss (broadcast to every example, so
    ``l.sum()`` counts it |B| times and ``sgd``'s division by |B| leaves λw in the gradient)."""
    net, loss = (lambda X: linreg(X, w, b)), squared_loss
    return _loop(net, lambda X, y: loss(net(X), y) + lambd * l2_penalty(w),
                 lambda l: (l.sum().backward(), sgd([w, b], s.lr, len(l))), lambda: w,
                 train, test, s, generator, budget, on_epoch)


def train_concise(wd, w, b, train, test, s: Settings, generator, budget, on_epoch=None):
    """The book's ``train_concise(wd)``: ``weight_decay`` on the weight only, the bias not decayed."""
    net = nn.Sequential(nn.Linear(s.num_inputs, 1))
    with torch.no_grad():
        net[0].weight.copy_(w.detach().T)
        net[0].bias.copy_(b.detach())
    loss = HalfMSELoss(reduction="none")
    trainer = torch.optim.SGD([{"params": net[0].weight, "weight_decay": wd},
                               {"params": net[0].bias}], lr=s.lr)

    def update(l):
        trainer.zero_grad()
        l.mean().backward()
        trainer.step()
    return _loop(net, lambda X, y: loss(net(X), y), update, lambda: net[0].weight,
                 train, test, s, generator, budget, on_epoch)


def _loop(net, batch_loss, update, weight, train, test, s, generator, budget, on_epoch):
    """Epochs of minibatch steps; the (epoch, train loss, test loss, ‖w‖) rows (the book's
    ``evaluate_loss``: the mean of the unpenalised squared loss) and the first non-finite epoch."""
    (X, y), (X_test, y_test) = train, test
    def evaluate(A, b):
        with torch.no_grad():
            return float(squared_loss(net(A), b).mean())
    units = lambda n: 3 * n * s.num_inputs + STEP_COST
    rows = [(0, evaluate(X, y), evaluate(X_test, y_test), float(weight().detach().norm()))]
    divergence = None
    for epoch in range(1, s.num_epochs + 1):
        for Xb, yb in data_iter(s.batch_size, X, y, generator):
            if not budget.spend(units(len(yb))):
                break
            update(batch_loss(Xb, yb))
        with torch.no_grad():
            rows.append((epoch, evaluate(X, y), evaluate(X_test, y_test), float(weight().detach().norm())))
        if on_epoch is not None:
            on_epoch(epoch, rows)
        if not torch.isfinite(torch.tensor(rows[-1][1:])).all():
            last = rows[-2][1]
            divergence = Divergence(step=epoch, epoch=epoch, value=rows[-1][1], last_finite=last)
            break
        if budget.reason is not None:
            break
    return rows, divergence


HISTORY_COLUMNS = ["lambd", "epoch", "train_loss", "test_loss", "w_norm"]


def history_frame(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=HISTORY_COLUMNS)


@dataclass(frozen=True)
class Result:
    settings: Settings
    seed: int
    history: pd.DataFrame          # lambd, epoch, train_loss, test_loss, w_norm (every λ trained)
    divergence: dict               # λ → Divergence
    stop_reason: str | None
    baseline_loss: float = float("nan")   # ½·mean((y − ȳ)²) on the training data: predicting the mean of y
    shrinkage: float = 0.0         # how hard the chosen λ holds the fit back, 0–1 (``shrinkage``)

    #: σ²/2: the expected ½(ŷ − y)² of the true w and b themselves (y − Xw − b = ε ~ N(0, σ²))
    noise_floor = NOISE ** 2 / 2

    def run_of(self, lambd: float | None = None) -> pd.DataFrame:
        lam = self.settings.lambd if lambd is None else lambd
        return self.history[self.history["lambd"] == lam]

    def final(self, column: str, lambd: float | None = None) -> float:
        return float(self.run_of(lambd)[column].iloc[-1])

    @property
    def by_lambda(self) -> pd.DataFrame:
        """The last row of every λ: ‖w‖ and the losses against λ."""
        return self.history.groupby("lambd", sort=True).tail(1).sort_values("lambd").reset_index(drop=True)


def shrinkage(X: torch.Tensor, lambd: float) -> float:
    """How hard λ holds the fit back, 0 (not at all) to 1: along each eigendirection of XᵀX/n with an
    eigenvalue e > 0, the penalised minimum of ½·mean((Xw − y)²) + λ/2·‖w‖² is the least-squares one
    times e/(e + λ) (ridge regression); this is the mean of the part removed, λ/(e + λ)."""
    e = torch.linalg.eigvalsh(X.double().T @ X.double() / len(X))
    e = e[e > 1e-9 * max(float(e.max()), 1e-300)]
    return float((lambd / (e + lambd)).mean()) if lambd > 0 and len(e) else 0.0


def _run(settings: Settings, seed: int = 0, device: torch.device | str = "cpu",
        on_step: Callable[[dict], None] | None = None, budget: Budget | None = None) -> Result:
    """The data once; then the chosen λ (live), then the sweep's λ, each from the same initial weights on the
    same minibatches (one generator per λ, seeded alike). Small tensors: the CPU is used whatever ``device``."""
    s = settings
    budget = (budget or Budget()).capped(MAX_UNITS)
    gen = torch.Generator().manual_seed(seed)
    train, test = make_data(s, gen)
    w0, b0 = init_params(s.num_inputs, gen)
    lambdas = [s.lambd] + ([l for l in SWEEP if l != s.lambd] if s.sweep else [])
    trainer = train_scratch if s.impl == "scratch" else train_concise
    rows, divergence = [], {}
    for i, lam in enumerate(lambdas):
        if budget.reason is not None:
            break
        w, b = w0.detach().clone().requires_grad_(True), b0.detach().clone().requires_grad_(True)
        live = None
        if on_step is not None and i == 0:
            live = lambda e, r: on_step({"done": e, "total": s.num_epochs, "rows": [(lam, *x) for x in r]})
        runs, d = trainer(lam, w, b, train, test, s, torch.Generator().manual_seed(seed + 1), budget, live)
        rows += [(lam, *x) for x in runs]
        if d is not None:
            divergence[lam] = d
    y = train[1].double()
    return Result(s, seed, history_frame(rows), divergence, budget.reason, float(0.5 * ((y - y.mean()) ** 2).mean()),
                  shrinkage(train[0], s.lambd))


def run(settings: Settings, seed: int = 0, device: torch.device | str = "cpu",
        on_step: Callable[[dict], None] | None = None, budget: Budget | None = None) -> Result:
    """``_run`` on one intra-op thread: its tensors are small, and on a shared server a second thread only
    waits for the other core (``engine.device.intra_op_threads``)."""
    with intra_op_threads(1):
        return _run(settings, seed, device, on_step, budget)
