"""Divergence is a lesson, not a crash: find and describe the first inf/NaN."""
from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from typing import Iterable, Sequence


@dataclass(frozen=True)
class Divergence:
    step: int          # index of the first non-finite value (the step counter of the run)
    epoch: int | None
    value: float       # inf, -inf or nan
    last_finite: float | None

    @property
    def kind(self) -> str:
        return "NaN" if math.isnan(self.value) else ("+inf" if self.value > 0 else "-inf")


LOG_FLOAT_MAX = math.log(sys.float_info.max)     # ≈ 709.78: exp of anything larger is beyond float64


def exp_or_inf(x: float) -> float:
    """``math.exp`` that answers inf where the result is beyond float64 (``math.exp`` raises
    OverflowError there): a perplexity exp(loss) of a loss above ≈ 709.78 nats is +inf, a result."""
    return math.inf if x > LOG_FLOAT_MAX else math.exp(x)


def first_nonfinite(values: Iterable[float]) -> int | None:
    for i, v in enumerate(values):
        if not math.isfinite(v):
            return i
    return None


def still_falling(losses: Sequence[float]) -> bool:
    """A loss curve (its start first) that ended below its start and was still falling at its last
    step: the updates were too small or too few, not a network thrown into saturation by a large η."""
    return len(losses) >= 2 and losses[-1] < losses[0] and (len(losses) == 2 or losses[-1] < losses[-2])


def fmt(x: float, digits: int = 4) -> str:
    """Format a number so inf and NaN read as such (and tiny/huge use exponents)."""
    if x is None:
        return "—"
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "+inf" if x > 0 else "-inf"
    if x != 0 and (abs(x) < 1e-3 or abs(x) >= 1e5):
        return f"{x:.{digits - 1}e}"
    return f"{x:.{digits}g}"


def fmt_tex(x: float, digits: int = 4) -> str:
    """``fmt`` for inside $…$: 1.000e-06 becomes 1.000 \\times 10^{-6} (TeX reads "e-06" as e − 06)."""
    text = fmt(x, digits)
    mantissa, e, exponent = text.partition("e")
    if not e:
        return {"NaN": r"\mathrm{NaN}", "+inf": r"+\infty", "-inf": r"-\infty"}.get(text, text)
    return rf"{mantissa} \times 10^{{{int(exponent)}}}"
