"""Exponentially weighted averages (Ng, course 2, week 2; d2l §12.6.1.1 "Leaky Averages").

v_t = β v_{t−1} + (1 − β) θ_t, v_0 = 0, is Σ_k (1 − β) β^k θ_{t−k}: weights that fall by β per day.
They sum to 1 − β^t, not 1, which is why v_t starts too low; dividing by 1 − β^t (bias correction)
fixes it. The average "remembers" about 1/(1 − β) days: the weights of the last 1/(1 − β) days add
up to 1 − β^{1/(1−β)} ≈ 1 − 1/e ≈ 63 %, their mean age is β/(1 − β) days (the lag), and for white
noise of variance σ² the average's variance is σ²(1 − β)/(1 + β).
Momentum (d2l §12.6) keeps v ← βv + g (the same average without the factor 1 − β) and Adam (§12.10)
keeps two of them, of g and g², with bias correction.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from engine import settings as S
from engine.budget import Budget

COMPARE_BETAS = (0.5, 0.9, 0.98)       # Ng's three curves (yellow, red, green)
MAX_UNITS = 1000 * 6                    # days × averages


@dataclass(frozen=True)
class Settings:
    num_days: int = S.num(365, 30, 1000, doc="length of the series (days)")
    noise: float = S.num(5.0, 0.0, 20.0, step=0.5, doc="std of the day-to-day noise (°C)")
    beta: float = S.num(0.9, 0.5, 0.999, step=0.001, doc="β of the average (Ng: 0.9, 0.98, 0.5)")
    bias_correction: bool = S.flag(True, doc="divide v_t by 1 − βᵗ")
    compare: bool = S.flag(True, doc="also draw β = 0.5, 0.9 and 0.98")

    def __post_init__(self):
        S.check(self)


def temperatures(num_days: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A year of daily temperatures like Ng's London example: a seasonal curve 15 − 10·cos(2πt/365)
    (°C) plus N(0, noise²). Returns (the seasonal curve, the noisy series)."""
    t = np.arange(1, num_days + 1)
    season = 15 - 10 * np.cos(2 * np.pi * t / 365)
    rng = np.random.default_rng(seed)
    return season, season + noise * rng.standard_normal(num_days)


def ewa(theta: np.ndarray, beta: float, bias_correction: bool = False) -> np.ndarray:
    """v_t = β v_{t−1} + (1 − β) θ_t from v_0 = 0, for t = 1…T; divided by 1 − βᵗ if corrected."""
    v, out = 0.0, np.empty(len(theta))
    for t, x in enumerate(theta, start=1):
        v = beta * v + (1 - beta) * x
        out[t - 1] = v / (1 - beta ** t) if bias_correction else v
    return out


def weights(beta: float, num: int) -> np.ndarray:
    """The weight of the value k days back, (1 − β)β^k, for k = 0…num − 1."""
    return (1 - beta) * beta ** np.arange(num)


def window(beta: float) -> float:
    """≈ how many days the average remembers: 1/(1 − β)."""
    return 1 / (1 - beta)


def window_mass(beta: float) -> float:
    """The share of the weight on the last ⌈1/(1 − β)⌉ days, 1 − β^⌈1/(1−β)⌉ (→ 1 − 1/e as β → 1)."""
    return 1 - beta ** window_days(beta)


def window_days(beta: float) -> int:
    """⌈1/(1 − β)⌉ (1/(1 − 0.9) is 10.000000000000002 in floating point: that is 10 days)."""
    return math.ceil(window(beta) - 1e-9)


def lag(beta: float) -> float:
    """Mean age of the weights, Σ k(1 − β)β^k = β/(1 − β) days."""
    return beta / (1 - beta)


def noise_ratio(beta: float) -> float:
    """std of the average of white noise over the noise's std: √((1 − β)/(1 + β))."""
    return math.sqrt((1 - beta) / (1 + beta))


@dataclass(frozen=True)
class Result:
    settings: Settings
    series: pd.DataFrame        # day, season, theta, v (uncorrected), v_hat (corrected)
    compare: pd.DataFrame       # day, beta, v (as the flag says)
    weights: pd.DataFrame       # k, weight
    measured_noise_ratio: float  # std of the average of the noise alone / std of the noise (after 3 windows)
    stop_reason: str | None

    @property
    def early_gap(self) -> float:
        """How far below the data the uncorrected average starts: v_1 / θ_1."""
        return float(self.series["v"].iloc[0] / self.series["theta"].iloc[0])


def run(settings: Settings, seed: int = 0, device="cpu", on_step: Callable | None = None,
        budget: Budget | None = None) -> Result:
    s = settings
    budget = (budget or Budget()).capped(MAX_UNITS)
    season, theta = temperatures(s.num_days, s.noise, seed)
    budget.spend(2 * s.num_days)
    v, v_hat = ewa(theta, s.beta), ewa(theta, s.beta, True)
    day = np.arange(1, s.num_days + 1)
    series = pd.DataFrame({"day": day, "season": season, "theta": theta, "v": v, "v_hat": v_hat})
    rows = []
    if s.compare:
        for b in COMPARE_BETAS:
            budget.spend(s.num_days)
            rows.append(pd.DataFrame({"day": day, "beta": b, "v": ewa(theta, b, s.bias_correction)}))
    compare = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["day", "beta", "v"])
    k = np.arange(min(s.num_days, max(30, math.ceil(3 * window(s.beta)))))
    w = pd.DataFrame({"k": k, "weight": weights(s.beta, len(k))})
    skip = min(s.num_days // 2, math.ceil(3 * window(s.beta)))
    noise = theta - season            # the average is linear: the noise's share of v is ewa(noise)
    budget.spend(s.num_days)
    ratio = float(np.std(ewa(noise, s.beta, True)[skip:]) / np.std(noise[skip:])) if s.noise > 0 else math.nan
    return Result(s, series, compare, w, ratio, budget.reason)
