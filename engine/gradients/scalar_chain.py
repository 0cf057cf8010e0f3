"""The scalar chain: one weight w multiplied T times (d2l §5.4.1; DLFS2 §6.1.3–6.1.4).

Backpropagation through T identical steps multiplies the gradient by the same factor T
times, so ∂h_T/∂h_0 = w^T: 1.01⁹⁹⁹ ≈ 2.08×10⁴, 0.99⁹⁹⁹ ≈ 4.36×10⁻⁵, 0.2³⁰ ≈ 1.07×10⁻²¹,
5³⁰ ≈ 9.31×10²⁰. The printed numbers are exact: w is read as the decimal the slider shows and
the power is taken in rational arithmetic (``fractions``); float64 and float32 are computed
beside it, to show where each of them overflows to inf or underflows to 0.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Callable

import numpy as np
import pandas as pd

from engine import settings as S
from engine.budget import Budget
from engine.numerics import fmt

MAX_T = 1000
SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")

# The four cases (0.2³⁰ and 5³⁰: 动手学深度学习 1st ed. §3.15.1; 1.01⁹⁹⁹ and 0.99⁹⁹⁹: 周报第九周): (w, T)
BOOK_CASES = (("1.01", 999), ("0.99", 999), ("0.2", 30), ("5", 30))


@dataclass(frozen=True)
class Settings:
    w: float = S.num(1.01, 0.1, 5.0, step=0.01, doc="the factor every step multiplies by")
    T: int = S.num(999, 1, MAX_T, doc="number of steps (layers or time steps) in the chain")

    def __post_init__(self):
        S.check(self)

    @property
    def w_text(self) -> str:
        """w as the decimal the student sees (the URL writes the same 6 significant digits)."""
        return decimal_text(self.w)


def decimal_text(w: float) -> str:
    return f"{w:.6g}"


def exact_power(w_text: str, T: int) -> Fraction:
    """w^T with no rounding at all: w is a terminating decimal, so w = p/10^k exactly."""
    return Fraction(Decimal(w_text)) ** T


def int_text(n: int) -> str:
    """The decimal digits of an integer of any size. ``str()`` refuses integers of more than 4,300 digits
    (Python's guard against slow conversions: 2.56053¹⁰⁰⁰ has 5,409 of them); ``decimal`` converts
    exactly and without that limit."""
    return str(Decimal(n))


def decimal_exponent(x: Fraction) -> int:
    """⌊log₁₀|x|⌋ of a non-zero x, exactly: the float logarithm gives it to within one (next to a power
    of ten it can round either way), exact comparisons settle it."""
    a = abs(x)
    e = math.floor(log10_exact(a))
    while a < Fraction(10) ** e:
        e -= 1
    while a >= Fraction(10) ** (e + 1):
        e += 1
    return e


def exact_digits(x: Fraction) -> str:
    """All the digits of a terminating decimal (every power of a decimal is one)."""
    num, den = x.numerator, x.denominator
    twos = (den & -den).bit_length() - 1              # den = 2^a · 5^b, so 10^max(a, b) / den is whole
    fives, rest = 0, den >> twos
    while rest % 5 == 0:
        rest, fives = rest // 5, fives + 1
    if rest != 1:
        raise ValueError("not a terminating decimal")
    k = max(twos, fives)
    scaled = num * (10 ** k // den)
    sign, digits = ("-" if scaled < 0 else ""), int_text(abs(scaled)).rjust(k + 1, "0")
    if k == 0:
        return sign + digits
    return f"{sign}{digits[:-k]}.{digits[-k:]}".rstrip("0").rstrip(".")


def sci(x: Fraction, digits: int = 6) -> tuple[str, int]:
    """(mantissa, exponent) of x rounded to ``digits`` significant digits, exactly (no float)."""
    if x == 0:
        return "0", 0
    e = decimal_exponent(x)
    m = round(abs(x) / Fraction(10) ** e * 10 ** (digits - 1))
    if m >= 10 ** digits:                    # rounding reached the next decade (9.99… → 10.0)
        m //= 10
        e += 1
    text = str(m)
    mant = text[0] + ("." + text[1:] if digits > 1 else "")
    return ("-" if x < 0 else "") + mant, e


def pretty(x: Fraction, digits: int = 6) -> str:
    """'2.07527×10⁴' — exact to the digits shown."""
    m, e = sci(x, digits)
    return m if e == 0 else f"{m}×10{str(e).translate(SUPERSCRIPT)}"


def significant_digits(x: Fraction) -> int:
    """How many significant digits the exact decimal expansion of x has."""
    return len(exact_digits(abs(x)).replace(".", "").lstrip("0")) if x else 1


def exact_text(x: Fraction, max_digits: int = 24) -> tuple[str, bool]:
    """(text, is_exact): every digit when there are few (0.2³⁰ = 1.073741824×10⁻²¹),
    else rounded to 12 significant digits (1.01⁹⁹⁹ has 2003 of them)."""
    n = significant_digits(x)
    return (pretty(x, n), True) if n <= max_digits else (pretty(x, 12), False)


def log10_exact(x: Fraction) -> float:
    """log₁₀|x| without overflow (x may be 10^±700, beyond any float)."""
    return math.log10(abs(x.numerator)) - math.log10(x.denominator) if x else -math.inf


def chain(w: float, T: int, dtype) -> np.ndarray:
    """w^t for t = 0…T, multiplied step by step in the given floating-point type (as a network
    would: one multiplication per step, each rounded). Overflow gives inf, underflow 0."""
    out = np.empty(T + 1, dtype=dtype)
    out[0] = 1
    with np.errstate(over="ignore", under="ignore"):
        factor = dtype(w)
        for t in range(1, T + 1):
            out[t] = out[t - 1] * factor
    return out


def first_bad(values: np.ndarray) -> tuple[int | None, str | None]:
    """First step where a power left the float range: ('inf', t) or ('0', t) (underflow)."""
    for t, v in enumerate(values):
        if not math.isfinite(v):
            return t, "inf"
        if v == 0:
            return t, "0"
    return None, None


@dataclass(frozen=True)
class Result:
    settings: Settings
    exact: Fraction                  # w^T, exactly
    exact_log10: float               # log₁₀ w^T (finite even when w^T is beyond float64)
    float64: float                   # w^T as float64 (may be inf or 0)
    float32: float
    steps: pd.DataFrame              # t, float64, float32, log10_exact, ref_1.01, ref_0.99: w^t for every t
    overflow64: tuple[int | None, str | None]     # (first step, 'inf' or '0')
    overflow32: tuple[int | None, str | None]
    stop_reason: str | None = None

    @property
    def log10_w(self) -> float:
        return math.log10(float(self.settings.w_text))


def book_table() -> pd.DataFrame:
    """The book's four powers, printed: exact (all digits, or 12 when there are thousands), and what
    float64 and float32 make of them when multiplied step by step."""
    rows = []
    for w_text, T in BOOK_CASES:
        x = exact_power(w_text, T)
        rows.append({"w": w_text, "T": T, "exact": exact_text(x)[0],
                     "float64": fmt(float(chain(float(w_text), T, np.float64)[-1]), 12),
                     "float32": fmt(float(chain(float(w_text), T, np.float32)[-1]), 8)})
    return pd.DataFrame(rows)


def run(settings: Settings, seed: int = 0, device="cpu", on_step: Callable | None = None,
        budget: Budget | None = None) -> Result:
    """No randomness and no training: ``seed``, ``device`` and ``budget`` are accepted for the
    common interface only."""
    s = settings
    x = exact_power(s.w_text, s.T)
    log_w = math.log10(float(Decimal(s.w_text)))
    f64, f32 = chain(float(s.w_text), s.T, np.float64), chain(float(s.w_text), s.T, np.float32)
    steps = pd.DataFrame({"t": np.arange(s.T + 1), "float64": f64, "float32": f32.astype(np.float64),
                          "log10_exact": np.arange(s.T + 1) * log_w,
                          **{f"ref_{w}": chain(float(w), s.T, np.float64) for w in ("1.01", "0.99")}})
    return Result(settings=s, exact=x, exact_log10=log10_exact(x), float64=float(f64[-1]),
                  float32=float(f32[-1]), steps=steps, overflow64=first_bad(f64), overflow32=first_bad(f32))
