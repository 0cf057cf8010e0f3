"""Bounded settings: one place for every lesson's defaults and bounds.

A lesson declares ``@dataclass(frozen=True) class Settings`` whose fields are made with
:func:`num` or :func:`choice`. The page builds its widgets from these bounds, the URL
parser clamps to them (:func:`from_query`), and the tests read them too.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from typing import Any, Mapping, Sequence


@dataclass(frozen=True)
class Bound:
    """What a field may hold. ``kind`` is 'int', 'float', 'bool' or 'choice'."""

    kind: str
    lo: float | None = None
    hi: float | None = None
    step: float | None = None
    log: bool = False                      # float on a log grid (learning rates, noise)
    options: tuple = ()                    # for 'choice' (and the log grid, filled in)

    def clamp(self, value: Any) -> tuple[Any, bool]:
        """Return ``(value within bounds, whether it had to change)``. Raises ValueError
        for a value that cannot be read at all (the caller then keeps the default)."""
        v, how = self.adjust(value)
        return v, how is not None

    def adjust(self, value: Any) -> tuple[Any, str | None]:
        """Like ``clamp``, saying how the value changed: ``"clamped"`` (outside the bounds),
        ``"rounded"`` (inside them, but between the values the setting takes: 2.5 epochs → 3, half up),
        or None."""
        if self.kind == "choice":
            if value in self.options:
                return value, None
            # a URL gives strings; accept the option whose str() matches
            for o in self.options:
                if str(o) == str(value):
                    return o, None
            # numeric options: to_query writes 0.0 as "0" and 1e-4 as "0.0001"
            for o in self.options:
                if isinstance(o, (int, float)) and not isinstance(o, bool):
                    try:
                        if float(value) == o:
                            return o, None
                    except (TypeError, ValueError, OverflowError):
                        break
            raise ValueError(f"not one of {list(self.options)}")
        if self.kind == "bool":
            if isinstance(value, bool):
                return value, None
            s = str(value).strip().lower()
            if s in ("1", "true", "yes", "on"):
                return True, None
            if s in ("0", "false", "no", "off"):
                return False, None
            raise ValueError("not a yes/no value")
        x = float(value)
        if math.isnan(x):
            raise ValueError("not a number")
        how = None
        if x < self.lo:
            x, how = self.lo, "clamped"
        elif x > self.hi:
            x, how = self.hi, "clamped"
        if self.kind == "int":
            xi = self.on_grid(x) if self.step else int(math.floor(x + 0.5))   # half up: 2.5 → 3 (round() gives 2)
            return xi, how or ("rounded" if xi != x else None)
        if self.log and self.options:
            # snap to the nearest grid value (in log space) so the widget can show it
            nearest = min(self.options, key=lambda o: abs(math.log(o) - math.log(x)))
            return nearest, how or (None if math.isclose(nearest, x, rel_tol=1e-9) else "rounded")
        if self.step:
            # a slider moves in steps from lo: a link's value between two of them takes the nearest
            snapped = self.on_grid(x)
            close = math.isclose(snapped, x, rel_tol=1e-9, abs_tol=1e-9 * self.step)
            return snapped, how or (None if close else "rounded")
        return x, how

    def on_grid(self, x: float) -> Any:
        """The value of the grid ``lo + k·step`` nearest to x (half up), written exactly as the decimal the
        slider shows (0.1 + 2·0.1 is 0.30000000000000004 in floats; here it is 0.3). Never above hi;
        hi itself is a value even when it is off the grid."""
        lo, step, hi = Decimal(repr(self.lo)), Decimal(repr(self.step)), Decimal(repr(self.hi))
        k_max = int((hi - lo) / step)
        xd = Decimal(repr(float(x)))
        k = int(((xd - lo) / step + Decimal("0.5")).to_integral_value(ROUND_FLOOR))
        v = lo + min(k_max, max(0, k)) * step
        last = lo + k_max * step
        if last < hi and xd > last and hi - xd <= xd - last:
            v = hi          # the top of the range is a value too (60,000 images on a slider of 256-steps)
        return int(v) if self.kind == "int" else float(v)


def log_grid(lo: float, hi: float, mantissas: Sequence[float] = (1, 2, 3, 5)) -> tuple[float, ...]:
    """1-2-3-5 per decade between lo and hi (both included if they are on the grid)."""
    out = []
    e = math.floor(math.log10(lo)) - 1
    while 10 ** e <= hi * 10:
        for m in mantissas:
            v = float(f"{m * 10 ** e:.10g}")
            if lo * (1 - 1e-12) <= v <= hi * (1 + 1e-12):
                out.append(v)
        e += 1
    return tuple(sorted(set(out)))


def num(default: float, lo: float, hi: float, *, step: float | None = None,
        log: bool = False, integer: bool | None = None, doc: str = "") -> Any:
    """A bounded number field. ``integer`` defaults to the type of ``default``."""
    is_int = isinstance(default, int) and not isinstance(default, bool) if integer is None else integer
    b = Bound("int" if is_int else "float", lo, hi, step,
              log=log, options=log_grid(lo, hi) if log else ())
    if log and default not in b.options:
        raise ValueError(f"default {default} is not on the log grid {b.options}")
    return field(default=default, metadata={"bound": b, "doc": doc})


def choice(default: Any, options: Sequence[Any], *, doc: str = "") -> Any:
    return field(default=default, metadata={"bound": Bound("choice", options=tuple(options)), "doc": doc})


def flag(default: bool, *, doc: str = "") -> Any:
    return field(default=default, metadata={"bound": Bound("bool"), "doc": doc})


def bounds(cls) -> dict[str, Bound]:
    """Field name → Bound, in declaration order."""
    return {f.name: f.metadata["bound"] for f in dataclasses.fields(cls) if "bound" in f.metadata}


def check(obj) -> None:
    """Raise ValueError if any field of a Settings instance is outside its bounds.
    Call it from ``__post_init__``: a Settings object that exists is a valid one."""
    for name, b in bounds(type(obj)).items():
        v = getattr(obj, name)
        try:
            ok_v, how = b.adjust(v)
        except (TypeError, ValueError, OverflowError) as e:
            raise ValueError(f"{type(obj).__name__}.{name}={v!r}: {e}") from None
        if how == "clamped":
            raise ValueError(f"{type(obj).__name__}.{name}={v!r} is outside [{b.lo}, {b.hi}]")
        # Between two slider steps is still inside the bounds: the engine computes any such value (only a
        # link's is snapped, for the widget). A fraction for a whole number, or a float off a log grid, is not.
        if how == "rounded" and (b.log or (b.kind == "int" and not float(v).is_integer())):
            raise ValueError(f"{type(obj).__name__}.{name}={v!r} is not one of the values it can take")


@dataclass(frozen=True)
class Notice:
    """One URL value that was changed or ignored, for the page to show."""

    name: str
    given: str
    used: Any
    reason: str     # 'clamped', 'rounded', 'ignored' or 'repeated'
    count: int = 1  # how many times the link gave it


def from_query(cls, params: Mapping[str, str], prefix: str = "") -> tuple[Any, list[Notice]]:
    """Build ``cls`` from URL parameters, clamping to the bounds. Never raises:
    unreadable values are ignored (default kept) and reported as notices."""
    values, notices = {}, []
    defaults = cls()
    for name, b in bounds(cls).items():
        key = prefix + name
        if key not in params:
            continue
        raw = params[key]
        try:
            v, how = b.adjust(raw)
        except (TypeError, ValueError, OverflowError):
            notices.append(Notice(name, str(raw)[:40], getattr(defaults, name), "ignored"))
            continue
        if how is not None:
            notices.append(Notice(name, str(raw)[:40], v, how))
        values[name] = v
    return dataclasses.replace(defaults, **values), notices


def query_value(v) -> str:
    """One setting's value as the URL writes it: 1/0 for a flag, 6 significant digits for a float."""
    return ("1" if v else "0") if isinstance(v, bool) else (f"{v:.6g}" if isinstance(v, float) else str(v))


def to_query(obj, prefix: str = "") -> dict[str, str]:
    """Settings → URL parameters (only the bounded fields, as short strings)."""
    return {prefix + name: query_value(getattr(obj, name)) for name in bounds(type(obj))}
