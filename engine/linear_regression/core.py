"""Linear regression from scratch and concise (d2l §3.4–3.5).

The book's functions keep the book's names (``synthetic_data``, ``data_iter``, ``linreg``,
``squared_loss``, ``sgd``) so a student can read this file beside the book. Training yields
nothing to the screen: it reports progress through ``on_step`` and returns a ``Result``;
``figures`` draws it.
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

MAX_STEPS = 10_000          # the work budget: minibatch updates per run (≈3 s on 2 CPU cores)


@dataclass(frozen=True)
class Settings:
    num_examples: int = S.num(1000, 10, 10_000, step=10, doc="size of the synthetic data set")
    noise: float = S.num(0.01, 0.001, 2.0, log=True, doc="std of the noise ε added to y")
    true_w1: float = S.num(2.0, -5.0, 5.0, step=0.1, doc="true weight w₁ (book: 2)")
    true_w2: float = S.num(-3.4, -5.0, 5.0, step=0.1, doc="true weight w₂ (book: −3.4)")
    true_b: float = S.num(4.2, -5.0, 5.0, step=0.1, doc="true bias b (book: 4.2)")
    impl: str = S.choice("scratch", ("scratch", "concise"), doc="d2l §3.4 (from scratch) or §3.5 (nn.Linear)")
    lr: float = S.num(0.03, 0.001, 10.0, log=True, doc="learning rate η")
    batch_size: int = S.num(10, 1, 1000, doc="minibatch size |B|")
    num_epochs: int = S.num(3, 1, 50, doc="passes over the data")

    def __post_init__(self):
        S.check(self)

    @property
    def total_steps(self) -> int:
        return self.num_epochs * math.ceil(self.num_examples / self.batch_size)


# ---- the book's pieces (d2l §3.4) -------------------------------------------------------

def synthetic_data(w: torch.Tensor, b: float, num_examples: int, noise: float,
                   generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """y = Xw + b + ε, with X ~ N(0, 1) and ε ~ N(0, noise²)."""
    X = torch.normal(0, 1, (num_examples, len(w)), generator=generator)
    y = X @ w + b
    y += torch.normal(0, noise, y.shape, generator=generator)
    return X, y.reshape((-1, 1))


def data_iter(batch_size: int, features: torch.Tensor, labels: torch.Tensor,
              generator: torch.Generator):
    """Minibatches in a random order (the last one may be smaller)."""
    num_examples = len(features)
    indices = torch.randperm(num_examples, generator=generator)
    for i in range(0, num_examples, batch_size):
        batch_indices = indices[i:i + batch_size].to(features.device)
        yield features[batch_indices], labels[batch_indices]


def linreg(X, w, b):
    """The linear regression model."""
    return X @ w + b


def squared_loss(y_hat, y):
    """Squared loss ½(ŷ − y)², per example."""
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd(params, lr, batch_size):
    """Minibatch stochastic gradient descent."""
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


# ---- one minibatch step, both ways ---------------------------------------------------

def step_scratch(X, y, w, b, lr):
    l = squared_loss(linreg(X, w, b), y)
    l.sum().backward()              # gradient of the summed loss …
    sgd([w, b], lr, len(y))         # … divided by |B| in the update
    return l.detach().mean()


def step_concise(X, y, net, loss, trainer):
    l = loss(net(X), y)
    trainer.zero_grad()
    l.backward()
    trainer.step()
    return l.detach()


class HalfMSELoss(nn.MSELoss):
    """``nn.MSELoss`` has no ½: its gradient is twice the book's squared loss, which is the
    same as doubling the learning rate. Halving it makes both implementations identical."""

    def forward(self, y_hat, y):
        return super().forward(y_hat, y) / 2


# ---- a whole run ---------------------------------------------------------------------

@dataclass(frozen=True)
class Result:
    settings: Settings
    seed: int
    X: np.ndarray                    # the data (for the fitted plane and the loss surface)
    y: np.ndarray
    batches: pd.DataFrame            # one row per minibatch: step, epoch, loss, w1, w2, b
    epochs: pd.DataFrame             # one row per epoch (0 = before training): epoch, loss
    w: tuple[float, float]
    b: float
    closed_form_w: tuple[float, float]
    closed_form_b: float
    closed_form_loss: float
    lr_critical: float               # 2 / λ_max of the loss's Hessian: full-batch GD diverges above it
    divergence: Divergence | None
    stop_reason: str | None          # None, or Budget.reason ('units', 'seconds', 'stopped')
    lr_every_batch: float = math.inf  # 2 / max_i ‖[xᵢ 1]‖²: below it no minibatch step can overshoot

    @property
    def divergence_reason(self) -> str | None:
        """Why the run diverged: 'gd_bound' when η ≥ 2/λ_max (even full-batch gradient descent
        overshoots), 'minibatch' when η is below that bound — minibatch SGD steps with each
        minibatch's own curvature, which can be larger than the average's."""
        if self.divergence is None:
            return None
        return "gd_bound" if self.settings.lr >= self.lr_critical else "minibatch"

    @property
    def true_w(self) -> tuple[float, float]:
        return (self.settings.true_w1, self.settings.true_w2)

    @property
    def w_error(self) -> tuple[float, float]:
        return tuple(t - e for t, e in zip(self.true_w, self.w))

    @property
    def b_error(self) -> float:
        return self.settings.true_b - self.b

    @property
    def final_loss(self) -> float:
        return float(self.epochs["loss"].iloc[-1])

    @property
    def baseline_loss(self) -> float:
        """The loss of predicting the mean of y for every example, ½·mean((y − ȳ)²) = ½ Var y: what a
        model that learned nothing from X scores (the verdict's "stuck" reference)."""
        y = self.y.astype(np.float64)
        return float(0.5 * np.mean((y - y.mean()) ** 2))

    @property
    def noise_floor(self) -> float:
        """σ²/2: the expected ½(ŷ − y)² of the true w and b themselves, since y − (Xw + b) = ε ~ N(0, σ²).
        No model scores better on average; the training loss of a fitted sample lands near it."""
        return self.settings.noise ** 2 / 2


BATCH_COLUMNS = ["step", "epoch", "loss", "w1", "w2", "b"]


def batches_frame(rows) -> pd.DataFrame:
    """The per-minibatch records (also mid-run, for the live chart) as a long table."""
    return pd.DataFrame(rows, columns=BATCH_COLUMNS)


def closed_form(X: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, float]:
    """Least squares: argmin ‖[X 1]θ − y‖², solved by QR (``torch.linalg.lstsq``)."""
    A = torch.cat([X, torch.ones(len(X), 1, dtype=X.dtype)], dim=1).double()
    theta = torch.linalg.lstsq(A, y.double()).solution.flatten()
    return theta[:-1].float(), float(theta[-1])


def critical_lr(X: torch.Tensor) -> float:
    """The Hessian of the mean ½-squared loss in (w, b) is AᵀA/n with A = [X 1];
    gradient descent converges only for lr < 2/λ_max."""
    A = torch.cat([X, torch.ones(len(X), 1, dtype=X.dtype)], dim=1).double()
    lam_max = torch.linalg.eigvalsh(A.T @ A / len(A))[-1].item()
    return 2.0 / lam_max


def every_batch_lr(X: torch.Tensor) -> float:
    """2 / max_i ‖aᵢ‖², aᵢ = [xᵢ 1]. A minibatch's Hessian A_BᵀA_B/|B| is an average of the
    examples' aᵢaᵢᵀ, whose only nonzero eigenvalue is ‖aᵢ‖², so its λ_max ≤ max_i ‖aᵢ‖²: below
    this η no minibatch step overshoots. A batch of one example reaches the bound."""
    A = torch.cat([X, torch.ones(len(X), 1, dtype=X.dtype)], dim=1).double()
    return 2.0 / float((A ** 2).sum(1).max())


def run(settings: Settings, seed: int = 0, device: torch.device | str = "cpu",
        on_step: Callable[[dict], None] | None = None, budget: Budget | None = None) -> Result:
    """Generate the data, train with the chosen implementation, and record every step."""
    s, device = settings, torch.device(device)
    budget = (budget or Budget()).capped(MAX_STEPS)
    gen = torch.Generator().manual_seed(seed)
    true_w = torch.tensor([s.true_w1, s.true_w2])
    X, y = synthetic_data(true_w, s.true_b, s.num_examples, s.noise, gen)
    w0 = torch.normal(0, 0.01, size=(2, 1), generator=gen)          # the book's initialisation
    Xd, yd = X.to(device), y.to(device)

    if s.impl == "scratch":
        w = w0.clone().to(device).requires_grad_(True)
        b = torch.zeros(1, device=device, requires_grad=True)
        step = lambda Xb, yb: step_scratch(Xb, yb, w, b, s.lr)
        params = lambda: (w[0, 0].item(), w[1, 0].item(), b.item())
        full_loss = lambda: squared_loss(linreg(Xd, w, b), yd).mean().item()
    else:
        net = nn.Linear(2, 1).to(device)
        with torch.no_grad():
            net.weight.copy_(w0.T)
            net.bias.zero_()
        loss, trainer = HalfMSELoss(), torch.optim.SGD(net.parameters(), lr=s.lr)
        step = lambda Xb, yb: step_concise(Xb, yb, net, loss, trainer)
        params = lambda: (net.weight[0, 0].item(), net.weight[0, 1].item(), net.bias[0].item())
        full_loss = lambda: loss(net(Xd), yd).item()

    rows, epoch_rows, divergence = [], [(0, full_loss())], None
    total, steps = s.total_steps, 0
    with torch.no_grad():
        w1, w2, bb = params()
    rows.append((0, 0.0, float("nan"), w1, w2, bb))          # the starting point of the path
    for epoch in range(1, s.num_epochs + 1):
        steps_before = steps
        for Xb, yb in data_iter(s.batch_size, Xd, yd, gen):
            if not budget.spend(1):
                break
            l = step(Xb, yb).item()
            steps += 1
            w1, w2, bb = params()
            rows.append((steps, steps * s.num_epochs / total, l, w1, w2, bb))   # epoch as a fraction
            if divergence is None and not all(map(math.isfinite, (l, w1, w2, bb))):
                last = next((r[2] for r in reversed(rows[:-1]) if math.isfinite(r[2])), None)
                bad = l if not math.isfinite(l) else float("inf")
                divergence = Divergence(step=steps, epoch=epoch, value=bad, last_finite=last)
            if divergence is not None:
                break
            if on_step is not None and steps % max(1, total // 50) == 0:
                on_step({"done": steps, "total": total, "batches": rows})
        if steps == steps_before:          # the budget ended the run at the last epoch's end: no epoch here
            break
        with torch.no_grad():
            # an epoch the budget or a divergence cut short ends where the steps did (as a fraction)
            done = epoch if budget.reason is None and divergence is None else steps * s.num_epochs / total
            epoch_rows.append((min(epoch, done), full_loss()))
        if on_step is not None:
            on_step({"done": steps, "total": total, "batches": rows, "epochs": epoch_rows})
        if divergence is not None or budget.reason is not None:
            break

    cf_w, cf_b = closed_form(X, y)
    cf_loss = squared_loss(linreg(X, cf_w.reshape(-1, 1), cf_b), y).mean().item()
    return Result(
        settings=s, seed=seed, X=X.numpy(), y=y.numpy().ravel(),
        batches=batches_frame(rows),
        epochs=pd.DataFrame(epoch_rows, columns=["epoch", "loss"]),
        w=(w1, w2), b=bb,
        closed_form_w=(float(cf_w[0]), float(cf_w[1])), closed_form_b=cf_b, closed_form_loss=cf_loss,
        lr_critical=critical_lr(X), divergence=divergence, stop_reason=budget.reason,
        lr_every_batch=every_batch_lr(X),
    )


def loss_surface(result: Result, n: int = 60, b: float | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean ½-squared loss over a (w₁, w₂) grid around the path and the optimum, at bias ``b``
    (default: the closed-form b). Returns (w1 grid, w2 grid, loss[w2, w1])."""
    b = result.closed_form_b if b is None else b
    path = result.batches[["w1", "w2"]].to_numpy()
    path = path[np.isfinite(path).all(axis=1)]
    pts = np.vstack([path, result.closed_form_w, result.true_w])
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    pad = np.maximum((hi - lo) * 0.15, 0.5)
    lo, hi = np.maximum(lo - pad, -1e3), np.minimum(hi + pad, 1e3)
    g1, g2 = np.linspace(lo[0], hi[0], n), np.linspace(lo[1], hi[1], n)
    W1, W2 = np.meshgrid(g1, g2)
    # ½ mean (X w + b − y)² expanded with the data's moments: cost O(n²) not O(n² · examples)
    X, y = result.X.astype(np.float64), result.y.astype(np.float64)
    r = y - b
    Sxx, Sxr, Srr = X.T @ X / len(X), X.T @ r / len(X), r @ r / len(X)
    L = 0.5 * (Sxx[0, 0] * W1**2 + 2 * Sxx[0, 1] * W1 * W2 + Sxx[1, 1] * W2**2
               - 2 * (Sxr[0] * W1 + Sxr[1] * W2) + Srr)
    return g1, g2, L
