"""Momentum, AdaGrad, RMSprop and Adam raced on 2-D surfaces (d2l §12.6–12.10; Ng 1.5–1.6; Goh,
"Why Momentum Really Works", Distill 2017).

The book's surface is f(x) = 0.1x₁² + 2x₂², Hessian diag(0.2, 4): condition number κ = 20. Here it
is ½xᵀAx with eigenvalues 4/κ and 4 (κ = 20 is the book's), optionally rotated, and three more:
Rosenbrock's banana valley, a saddle, and a bowl with ripples (local minima). Every optimizer starts
from the same point; their paths, f − f_min, and per-coordinate effective step sizes are recorded.

On a quadratic each eigen-direction is a separate 1-D problem (Distill's view). GD multiplies the
component along eigenvalue λ by 1 − ηλ per step; momentum (v ← βv + g, x ← x − ηv) moves the pair
(v, x) by R = [[β, λ], [−ηβ, 1 − ηλ]], so its rate is R's spectral radius — below 1 for
0 < ηλ < 2 + 2β, and, at the best η and β, (√κ − 1)/(√κ + 1) instead of GD's (κ − 1)/(κ + 1).
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
from engine.optimization.rules import NAMES

SURFACES = ("quadratic", "rosenbrock", "saddle", "local_minima")
LAMBDA_MAX = 4.0                  # the larger eigenvalue of the quadratic (the book's 2x₂² term)
ROSENBROCK_SCALE = 200.0          # f/200: curvature near the minimum ≈ 5, like the quadratic's 4
MAX_UNITS = len(NAMES) * 500      # optimizer steps


@dataclass(frozen=True)
class Settings:
    surface: str = S.choice("quadratic", SURFACES, doc="the function every optimizer minimises")
    kappa: float = S.num(20.0, 1.0, 1000.0, log=True, doc="condition number λmax/λmin of the quadratic (book: 20)")
    angle: int = S.num(0, 0, 90, step=5, doc="rotation of the quadratic's eigen-directions (degrees)")
    num_steps: int = S.num(20, 1, 500, doc="updates (book: 20)")
    custom_start: bool = S.flag(False, doc="start at (x1_start, x2_start) instead of the surface's own start")
    x1_start: float = S.num(-5.0, -6.0, 6.0, step=0.05, doc="x₁ of the start")
    x2_start: float = S.num(-2.0, -6.0, 6.0, step=0.05, doc="x₂ of the start")
    use_gd: bool = S.flag(True, doc="race gradient descent")
    use_momentum: bool = S.flag(True, doc="race momentum")
    use_adagrad: bool = S.flag(True, doc="race AdaGrad")
    use_rmsprop: bool = S.flag(True, doc="race RMSprop")
    use_adam: bool = S.flag(True, doc="race Adam")
    lr_gd: float = S.num(0.4, 0.01, 2.0, step=0.01, doc="η of GD (book: 0.4; 0.6 diverges)")
    lr_momentum: float = S.num(0.6, 0.01, 2.0, step=0.01, doc="η of momentum (book: 0.6)")
    beta: float = S.num(0.5, 0.0, 0.99, step=0.01, doc="β of momentum (book: 0.5)")
    lr_adagrad: float = S.num(0.4, 0.01, 2.0, step=0.01, doc="η of AdaGrad (book: 0.4)")
    lr_rmsprop: float = S.num(0.4, 0.01, 2.0, step=0.01, doc="η of RMSprop (book: 0.4)")
    gamma: float = S.num(0.9, 0.0, 0.999, step=0.001, doc="γ of RMSprop (book: 0.9)")
    lr_adam: float = S.num(0.2, 0.01, 2.0, step=0.01, doc="η of Adam")
    beta1: float = S.num(0.9, 0.0, 0.99, step=0.01, doc="β₁ of Adam (book: 0.9)")
    beta2: float = S.num(0.999, 0.9, 0.9999, step=0.0001, doc="β₂ of Adam (book: 0.999)")

    def __post_init__(self):
        S.check(self)

    def chosen(self) -> list[str]:
        return [n for n in NAMES if getattr(self, f"use_{n}")]

    def hyper(self, name: str) -> dict:
        return {"gd": {"lr": self.lr_gd},
                "momentum": {"lr": self.lr_momentum, "momentum": self.beta},
                "adagrad": {"lr": self.lr_adagrad},
                "rmsprop": {"lr": self.lr_rmsprop, "gamma": self.gamma},
                "adam": {"lr": self.lr_adam, "beta1": self.beta1, "beta2": self.beta2}}[name]


@dataclass(frozen=True)
class Surface:
    f: Callable                   # f(x1, x2), numpy-vectorised
    grad: Callable                # ∇f(x) for x = array([x1, x2])
    minimum: tuple[float, float]  # the global minimum
    f_min: float
    start: tuple[float, float]    # the surface's own start
    window: tuple[float, float, float, float]   # x1 lo, hi, x2 lo, hi drawn by default
    eigen: tuple | None = None    # quadratic: (eigenvalues, eigenvectors as columns)


def quadratic(kappa: float, angle_deg: float) -> Surface:
    """½xᵀAx, A = Q diag(4/κ, 4) Qᵀ with Q a rotation by ``angle_deg``; κ = 20, 0° is 0.1x₁² + 2x₂²."""
    lam = np.array([LAMBDA_MAX / kappa, LAMBDA_MAX])
    a = math.radians(angle_deg)
    Q = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    A = Q @ np.diag(lam) @ Q.T
    f = lambda x1, x2: 0.5 * (A[0, 0] * x1 ** 2 + 2 * A[0, 1] * x1 * x2 + A[1, 1] * x2 ** 2)
    return Surface(f, lambda x: A @ x, (0.0, 0.0), 0.0, (-5.0, -2.0), (-6, 6, -4, 4), (lam, Q))


def rosenbrock() -> Surface:
    """((1 − x₁)² + 100(x₂ − x₁²)²)/200: a curved valley, minimum (1, 1)."""
    c = ROSENBROCK_SCALE
    f = lambda x1, x2: ((1 - x1) ** 2 + 100 * (x2 - x1 ** 2) ** 2) / c
    grad = lambda x: np.array([-2 * (1 - x[0]) - 400 * x[0] * (x[1] - x[0] ** 2), 200 * (x[1] - x[0] ** 2)]) / c
    return Surface(f, grad, (1.0, 1.0), 0.0, (-1.5, 2.0), (-2, 2, -1, 3))


def saddle() -> Surface:
    """0.2x₁² − 0.5x₂² + 0.05x₂⁴: a saddle at the origin, minima at (0, ±√5), f = −1.25."""
    f = lambda x1, x2: 0.2 * x1 ** 2 - 0.5 * x2 ** 2 + 0.05 * x2 ** 4
    grad = lambda x: np.array([0.4 * x[0], -x[1] + 0.2 * x[1] ** 3])
    return Surface(f, grad, (0.0, math.sqrt(5)), -1.25, (-5.0, 0.01), (-6, 6, -4, 4))


def local_minima() -> Surface:
    """0.1x₁² + 0.2x₂² − 0.8cos(1.5x₁)cos(1.5x₂): a bowl with ripples, global minimum 0 at f = −0.8."""
    f = lambda x1, x2: 0.1 * x1 ** 2 + 0.2 * x2 ** 2 - 0.8 * np.cos(1.5 * x1) * np.cos(1.5 * x2)
    grad = lambda x: np.array([0.2 * x[0] + 1.2 * np.sin(1.5 * x[0]) * np.cos(1.5 * x[1]),
                               0.4 * x[1] + 1.2 * np.cos(1.5 * x[0]) * np.sin(1.5 * x[1])])
    return Surface(f, grad, (0.0, 0.0), -0.8, (-5.0, -2.0), (-6, 6, -4, 4))


def make_surface(s: Settings) -> Surface:
    if s.surface == "quadratic":
        return quadratic(s.kappa, s.angle)
    return {"rosenbrock": rosenbrock, "saddle": saddle, "local_minima": local_minima}[s.surface]()


# ---- the eigen-direction view (Distill) ------------------------------------------------------------

def gd_rate(lr: float, lam):
    """|1 − ηλ|: GD's factor per step along an eigen-direction of curvature λ."""
    return np.abs(1 - lr * np.asarray(lam, dtype=np.float64))


def momentum_rate(lr: float, beta: float, lam):
    """Spectral radius of R = [[β, λ], [−ηβ, 1 − ηλ]] (momentum along curvature λ)."""
    lam = np.atleast_1d(np.asarray(lam, dtype=np.float64))
    R = np.zeros((len(lam), 2, 2))
    R[:, 0, 0], R[:, 0, 1], R[:, 1, 0], R[:, 1, 1] = beta, lam, -lr * beta, 1 - lr * lam
    rho = np.abs(np.linalg.eigvals(R)).max(axis=-1)
    return rho if rho.size > 1 else float(rho[0])


def best_gd(lam_min: float, lam_max: float) -> tuple[float, float]:
    """(η*, rate) = (2/(λmin + λmax), (κ − 1)/(κ + 1))."""
    k = lam_max / lam_min
    return 2 / (lam_min + lam_max), (k - 1) / (k + 1)


def best_momentum(lam_min: float, lam_max: float) -> tuple[float, float, float]:
    """Distill's optimum: η* = (2/(√λmin + √λmax))², β* = ((√κ − 1)/(√κ + 1))², rate (√κ − 1)/(√κ + 1)."""
    r = math.sqrt(lam_max / lam_min)
    return (2 / (math.sqrt(lam_min) + math.sqrt(lam_max))) ** 2, ((r - 1) / (r + 1)) ** 2, (r - 1) / (r + 1)


# ---- a race ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Result:
    settings: Settings
    start: tuple[float, float]
    runs: pd.DataFrame                  # long: optimizer, step, x1, x2, f, gap (f − f_min), g*, lr*, m*
    escapes: dict                       # optimizer -> Escape | None
    divergences: dict                   # optimizer -> Divergence | None
    eigen: pd.DataFrame | None          # quadratic: direction, lam, gd_rate, momentum_rate
    stop_reason: str | None

    def raced(self) -> list[str]:
        """The chosen optimizers that ran (the work budget, or a Stop, may end the race before the last)."""
        present = set(self.runs["optimizer"])
        return [n for n in self.settings.chosen() if n in present]

    def run_of(self, name: str) -> pd.DataFrame:
        return self.runs[self.runs["optimizer"] == name]

    def end(self, name: str) -> tuple[float, float]:
        r = self.run_of(name).iloc[-1]
        return float(r["x1"]), float(r["x2"])


def run(settings: Settings, seed: int = 0, device="cpu", on_step: Callable | None = None,
        budget: Budget | None = None) -> Result:
    """Deterministic (``seed``/``device`` unused): each chosen optimizer from the same start."""
    s = settings
    budget = (budget or Budget()).capped(MAX_UNITS)
    surf = make_surface(s)
    start = (s.x1_start, s.x2_start) if s.custom_start else surf.start
    frames, escapes, divergences = [], {}, {}
    for name in s.chosen():
        if not budget.spend(s.num_steps):
            break
        frame, escapes[name], divergences[name] = descend(surf.grad, start, name, s.hyper(name), s.num_steps)
        with np.errstate(all="ignore"):
            frame["f"] = surf.f(frame["x1"].to_numpy(), frame["x2"].to_numpy())
        frame["gap"] = frame["f"] - surf.f_min
        frames.append(frame.assign(optimizer=name))
    runs = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["optimizer", "step", "x1", "x2", "f", "gap"])
    return Result(s, start, runs, escapes, divergences, _eigen_view(s, surf, runs), budget.reason)


def _eigen_view(s: Settings, surf: Surface, runs: pd.DataFrame) -> pd.DataFrame | None:
    """Per eigen-direction: λ, the theory's rates for GD and momentum at the chosen η and β, and the
    component of each run along that direction at every step (c = uᵢᵀx)."""
    if surf.eigen is None:
        return None
    lam, Q = surf.eigen
    rows = []
    for i in range(2):
        rows.append({"direction": i + 1, "lam": float(lam[i]), "gd_rate": float(gd_rate(s.lr_gd, lam[i])),
                     "momentum_rate": float(momentum_rate(s.lr_momentum, s.beta, lam[i]))})
    return pd.DataFrame(rows)


def diverging_direction(result: Result, name: str) -> tuple[int, float, float] | None:
    """For GD or momentum on the quadratic: (direction, λ, factor per step) of the first eigen-direction
    whose factor is above 1 — why the run blew up. None otherwise."""
    e = result.eigen
    if e is None or name not in ("gd", "momentum"):
        return None
    col = "gd_rate" if name == "gd" else "momentum_rate"
    bad = e[e[col] > 1]
    return None if bad.empty else (int(bad["direction"].iloc[0]), float(bad["lam"].iloc[0]), float(bad[col].iloc[0]))


def components(result: Result, name: str) -> pd.DataFrame:
    """step, c1, c2: a run's coordinates in the quadratic's eigenbasis (c = Qᵀx)."""
    lam, Q = make_surface(result.settings).eigen
    r = result.run_of(name)
    with np.errstate(all="ignore"):
        c = r[["x1", "x2"]].to_numpy() @ Q
    return pd.DataFrame({"step": r["step"].to_numpy(), "c1": c[:, 0], "c2": c[:, 1]})


def surface_grid(result: Result, n: int = 120):
    """(x1 grid, x2 grid, f[x2, x1]) over the surface's window, widened to hold the finite paths
    (up to ±10), the start and the minimum."""
    surf = make_surface(result.settings)
    lo1, hi1, lo2, hi2 = surf.window
    pts = [result.start, surf.minimum]
    if len(result.runs):
        xy = result.runs[["x1", "x2"]].to_numpy()
        xy = xy[np.isfinite(xy).all(axis=1) & (np.abs(xy) <= 10).all(axis=1)]
        pts += [tuple(p) for p in xy]
    pts = np.array(pts)
    lo1, hi1 = min(lo1, pts[:, 0].min() - 0.3), max(hi1, pts[:, 0].max() + 0.3)
    lo2, hi2 = min(lo2, pts[:, 1].min() - 0.3), max(hi2, pts[:, 1].max() + 0.3)
    g1, g2 = np.linspace(lo1, hi1, n), np.linspace(lo2, hi2, n)
    G1, G2 = np.meshgrid(g1, g2)
    return g1, g2, surf.f(G1, G2) - surf.f_min
