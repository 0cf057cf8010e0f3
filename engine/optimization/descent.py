"""Gradient descent and the learning rate (d2l §12.3).

One dimension: the book's f(x) = x² from x = 10 (η = 0.2 lands at 0.060466 after 10 steps, η = 0.05
crawls to 3.486784, η = 1.1 overshoots to 61.917364) and its non-convex f(x) = x·cos(cx), c = 0.15π.
Two dimensions: f(x) = x₁² + 2x₂² from (−5, −2) (η = 0.1: (−0.057646, −0.000073) after 20 steps).
On a quadratic each eigen-direction of the Hessian is its own 1-D problem: with curvature λ one step
multiplies that coordinate by (1 − ηλ), so it converges iff |1 − ηλ| < 1, i.e. 0 < η < 2/λ.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from engine import settings as S
from engine.budget import Budget
from engine.numerics import Divergence
from engine.optimization.paths import Escape, descend

FUNCTIONS = ("square", "xcos")
BOOK_LRS = (0.05, 0.2, 1.1)            # d2l §12.3.1.1: too small, about right, too large
LAMBDAS_2D = (2.0, 4.0)                # the Hessian of x₁² + 2x₂² is diag(2, 4)
START_2D = (-5.0, -2.0)
MAX_UNITS = 4 * 1000 + 1000            # steps: four 1-D runs and one 2-D run at the largest settings


@dataclass(frozen=True)
class Settings:
    fn: str = S.choice("square", FUNCTIONS, doc="f(x) = x² (convex) or x·cos(cx) (non-convex), d2l §12.3.1")
    c_over_pi: float = S.num(0.15, 0.05, 1.0, step=0.01, doc="c / π in x·cos(cx) (book: 0.15)")
    x0: float = S.num(10.0, -20.0, 20.0, step=0.5, doc="starting point (book: 10)")
    lr: float = S.num(0.2, 0.01, 2.5, step=0.01, doc="η of the 1-D run (book: 0.2, 0.05, 1.1; 2 for x·cos)")
    num_steps: int = S.num(10, 1, 1000, doc="updates of the 1-D run (book: 10)")
    lr_2d: float = S.num(0.1, 0.01, 1.0, step=0.01, doc="η on x₁² + 2x₂² (book: 0.1)")
    steps_2d: int = S.num(20, 1, 1000, doc="updates of the 2-D run (book: 20)")

    def __post_init__(self):
        S.check(self)

    @property
    def c(self) -> float:
        return self.c_over_pi * math.pi


# ---- the book's functions (d2l §12.3) ------------------------------------------------------------

def f_square(x):
    return x ** 2


def f_grad_square(x):
    return 2 * x


def make_xcos(c: float) -> tuple[Callable, Callable]:
    """f(x) = x·cos(cx) and f′(x) = cos(cx) − c·x·sin(cx)."""
    return (lambda x: x * np.cos(c * x)), (lambda x: np.cos(c * x) - c * x * np.sin(c * x))


def gd(eta, f_grad, x=10.0, num_steps=10):
    """d2l §12.3.1: x ← x − η f′(x), every iterate kept."""
    results = [x]
    for i in range(num_steps):
        x -= eta * f_grad(x)
        results.append(float(x))
    return results


def f_2d(x1, x2):
    return x1 ** 2 + 2 * x2 ** 2


def f_2d_grad(x):
    return np.array([2 * x[0], 4 * x[1]])


# ---- a run ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Result:
    settings: Settings
    path_1d: pd.DataFrame              # step, x, f, grad for the chosen η
    compare_1d: pd.DataFrame           # step, lr, x, f for the book's three η and the chosen one
    divergence_1d: Divergence | None   # first inf/NaN of the chosen run
    path_2d: pd.DataFrame              # step, x1, x2, f (and g1, g2)
    escape_2d: Escape | None
    divergence_2d: Divergence | None
    factors_2d: tuple[float, float]    # 1 − ηλᵢ per eigen-direction
    curvature_end: float               # f″ at the last finite 1-D iterate
    stop_reason: str | None

    @property
    def end_1d(self) -> float:
        return float(self.path_1d["x"].iloc[-1])

    @property
    def end_2d(self) -> tuple[float, float]:
        return float(self.path_2d["x1"].iloc[-1]), float(self.path_2d["x2"].iloc[-1])

    @property
    def lr_limit_1d(self) -> float:
        """2/f″ at the end point (for x² everywhere: 2/2 = 1)."""
        return 2 / self.curvature_end if self.curvature_end > 0 else math.inf

    @property
    def diverging_dirs(self) -> list[int]:
        return [i for i, q in enumerate(self.factors_2d) if abs(q) > 1]


def functions(s: Settings) -> tuple[Callable, Callable, Callable]:
    """(f, f′, f″) of the chosen 1-D function."""
    if s.fn == "square":
        return f_square, f_grad_square, lambda x: 2.0 + 0 * x
    f, g = make_xcos(s.c)
    c = s.c
    return f, g, lambda x: -2 * c * np.sin(c * x) - c * c * x * np.cos(c * x)


def _path_1d(f, f_grad, x0, lr, steps) -> tuple[pd.DataFrame, Divergence | None]:
    with np.errstate(all="ignore"):
        xs = np.array(gd(lr, f_grad, np.float64(x0), steps))
        fs, gs = f(xs), f_grad(xs)
    bad = np.flatnonzero(~np.isfinite(xs))
    divergence = None
    if bad.size:
        k = int(bad[0])
        divergence = Divergence(step=k, epoch=None, value=float(xs[k]), last_finite=float(xs[k - 1]))
        xs, fs, gs = xs[:k + 1], fs[:k + 1], gs[:k + 1]
    return pd.DataFrame({"step": np.arange(len(xs)), "x": xs, "f": fs, "grad": gs}), divergence


def run(settings: Settings, seed: int = 0, device="cpu", on_step: Callable | None = None,
        budget: Budget | None = None) -> Result:
    """Deterministic (``seed`` and ``device`` are unused): four 1-D runs and one 2-D run."""
    s = settings
    budget = (budget or Budget()).capped(MAX_UNITS)
    f, f_grad, f_curv = functions(s)
    budget.spend(s.num_steps)
    path, divergence = _path_1d(f, f_grad, s.x0, s.lr, s.num_steps)
    frames = []
    for lr in sorted(set(BOOK_LRS) | {s.lr}):
        budget.spend(s.num_steps)
        p, _ = _path_1d(f, f_grad, s.x0, lr, s.num_steps)
        frames.append(p[["step", "x", "f"]].assign(lr=lr, chosen=lr == s.lr))
    budget.spend(s.steps_2d)
    path2, escape, div2 = descend(f_2d_grad, START_2D, "gd", {"lr": s.lr_2d}, s.steps_2d)
    with np.errstate(all="ignore"):
        path2["f"] = f_2d(path2["x1"], path2["x2"])
        x_end = float(path["x"].iloc[-1])
        curv = float(f_curv(np.float64(x_end)))
    return Result(settings=s, path_1d=path, compare_1d=pd.concat(frames, ignore_index=True),
                  divergence_1d=divergence, path_2d=path2, escape_2d=escape, divergence_2d=div2,
                  factors_2d=tuple(1 - s.lr_2d * lam for lam in LAMBDAS_2D), curvature_end=curv,
                  stop_reason=budget.reason)


def curve(s: Settings, path: pd.DataFrame, n: int = 400) -> tuple[np.ndarray, np.ndarray]:
    """f over an interval that holds the path (at most ±1e3) and the start."""
    xs = path["x"].to_numpy()
    xs = xs[np.isfinite(xs) & (np.abs(xs) <= 1e3)]
    hi = max(abs(s.x0), float(np.abs(xs).max()) if xs.size else 0.0, 1.0) * 1.1
    grid = np.linspace(-hi, hi, n)
    return grid, functions(s)[0](grid)


def surface_2d(path: pd.DataFrame, n: int = 80):
    """x₁² + 2x₂² on a grid around the path (the book draws [−5.5, 1] × [−3, 1])."""
    x1, x2 = path["x1"].to_numpy(), path["x2"].to_numpy()
    ok = np.isfinite(x1) & np.isfinite(x2) & (np.abs(x1) <= 50) & (np.abs(x2) <= 50)
    lo1, hi1 = min(-5.5, x1[ok].min(initial=0)), max(1.0, x1[ok].max(initial=0))
    lo2, hi2 = min(-3.0, x2[ok].min(initial=0)), max(1.0, x2[ok].max(initial=0))
    g1, g2 = np.linspace(lo1, hi1, n), np.linspace(lo2, hi2, n)
    G1, G2 = np.meshgrid(g1, g2)
    return g1, g2, f_2d(G1, G2)
