"""A point moved by one update rule on a function we know in closed form (d2l §12.3's ``train_2d``,
for any rule and any number of coordinates). float64 numpy, so the book's printed numbers come out
to the last digit; a few hundred steps take milliseconds.

A run that blows up is a result: the first step at which a coordinate leaves ±``ESCAPE`` is kept
(with the value), and the run stops at the first inf/NaN (with the step), never with an exception."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from engine.numerics import Divergence
from engine.optimization.rules import RULES, init_state

ESCAPE = 1e3          # |x| beyond this: far outside every window a page draws


@dataclass(frozen=True)
class Escape:
    """The first step at which coordinate ``coord`` (0-based) left ±ESCAPE, and its value then."""
    step: int
    coord: int
    value: float


def descend(grad: Callable[[np.ndarray], np.ndarray], start, name: str, hyper: dict,
            num_steps: int) -> tuple[pd.DataFrame, Escape | None, Divergence | None]:
    """``num_steps`` updates of rule ``name`` from ``start``. One row per step (0 = the start):
    step, x1…xd, g1…gd (the gradient used at that step), lr1…lrd (the effective learning rate,
    |step| / |g| per coordinate), m1…md (the rule's first state: velocity or accumulated g²)."""
    rule = RULES[name]
    x = np.asarray(start, dtype=np.float64).copy()
    d = len(x)
    state = init_state(name, x)
    nan = np.full(d, np.nan)
    xs, gs, lrs, ms = [x.copy()], [nan], [nan], [nan]
    escape = divergence = None
    with np.errstate(all="ignore"):
        for t in range(1, num_steps + 1):
            g = np.asarray(grad(x), dtype=np.float64)
            delta, state = rule(g, state, hyper, t)
            x = x - delta
            xs.append(x.copy())
            gs.append(g)
            lrs.append(np.where(g != 0, np.abs(delta) / np.abs(np.where(g != 0, g, 1.0)), np.nan))
            first = state[0] if isinstance(state, tuple) else state
            ms.append(nan if first is None else np.asarray(first, dtype=np.float64).copy())
            if escape is None and not (np.abs(x) <= ESCAPE).all():
                i = int(np.argmax(~(np.abs(x) <= ESCAPE)))
                escape = Escape(step=t, coord=i, value=float(x[i]))
            if not np.isfinite(x).all():
                bad = float(x[np.argmax(~np.isfinite(x))])
                last = float(np.abs(xs[-2]).max())
                divergence = Divergence(step=t, epoch=None, value=bad, last_finite=last)
                break
    cols = {"step": np.arange(len(xs))}
    for name_, rows in (("x", xs), ("g", gs), ("lr", lrs), ("m", ms)):
        arr = np.vstack(rows)
        for i in range(d):
            cols[f"{name_}{i + 1}"] = arr[:, i]
    return pd.DataFrame(cols), escape, divergence


def last_point(frame: pd.DataFrame, d: int = 2) -> tuple[float, ...]:
    row = frame.iloc[-1]
    return tuple(float(row[f"x{i + 1}"]) for i in range(d))


def finite_rows(frame: pd.DataFrame, d: int = 2) -> pd.DataFrame:
    """The rows a chart can draw (every coordinate finite)."""
    cols = [f"x{i + 1}" for i in range(d)]
    return frame[np.isfinite(frame[cols].to_numpy(dtype=float)).all(axis=1)]      # (an empty frame: object columns)


def fmt_point(p) -> str:
    return "(" + ", ".join(f"{v:.6f}" if math.isfinite(v) else str(v) for v in p) + ")"
