"""Small timing helpers shared by the benchmark modules (this module has no run())."""
from __future__ import annotations

import statistics
import time
from typing import Callable


def best_of(fn: Callable[[], object], repeat: int = 3) -> tuple[float, object]:
    """(fastest wall time in seconds, last result) over ``repeat`` calls."""
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), result


def median_of(fn: Callable[[], object], repeat: int = 5, clock: Callable[[], float] = time.perf_counter,
              warmup: int = 0) -> float:
    """Median seconds of ``repeat`` calls by ``clock`` (wall time by default; ``time.thread_time`` for
    the calling thread's CPU time), after ``warmup`` calls that are not timed."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t = clock()
        fn()
        times.append(clock() - t)
    return statistics.median(times)
