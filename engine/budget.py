"""A work budget for training loops, so one request cannot hold a shared server.

Work is counted in deterministic units (e.g. examples × parameters); a run that reaches
``max_units`` stops at the same step every time, so a capped run still reproduces. A
wall-clock cap is the last safety net; a run it cuts short is marked so and not cached.
A ``stop`` callable lets the page stop a run early; what was trained so far is kept.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable


class BudgetExceeded(Exception):
    pass


@dataclass
class Budget:
    max_units: float = float("inf")
    max_seconds: float = 60.0
    stop: Callable[[], bool] | None = None
    used_units: float = 0.0
    reason: str | None = None          # None, 'units', 'seconds' or 'stopped'
    _t0: float = field(default_factory=time.perf_counter)

    def capped(self, units: float) -> "Budget":
        """Apply a lesson's own unit cap (the smaller cap wins)."""
        self.max_units = min(self.max_units, units)
        return self

    def spend(self, units: float = 0.0) -> bool:
        """Charge ``units`` of work; return True while the run may continue."""
        self.used_units += units
        if self.used_units > self.max_units:
            self.reason = "units"
        elif time.perf_counter() - self._t0 > self.max_seconds:
            self.reason = "seconds"
        elif self.stop is not None and self.stop():
            self.reason = "stopped"
        return self.reason is None

    @property
    def deterministic(self) -> bool:
        """Whether the run ended on its own or on the unit cap (i.e. it reproduces)."""
        return self.reason in (None, "units")

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self._t0
