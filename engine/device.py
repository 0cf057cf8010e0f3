"""Where the engine computes: chosen in one place, used by every lesson."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Any, Callable

import torch


def available() -> list[str]:
    """Devices this machine offers, best first."""
    return (["cuda"] if torch.cuda.is_available() else []) + ["cpu"]


def get_device(name: str | None = None) -> torch.device:
    """``name`` is 'cuda', 'cpu' or None/'auto' (CUDA when available, else CPU).
    An unavailable choice falls back to the CPU rather than failing."""
    if name in (None, "auto") or name not in available():
        name = available()[0]
    return torch.device(name)


def describe(device: torch.device, tr=None, threads: int | None = None, most: int = 1) -> str:
    """The device as the sidebar shows it; ``tr`` (a Translator with the app's CORE strings) gives
    the CPU line in the student's language, English without one. ``threads``: the session's count
    (None while undecided: then "up to ``most``", the cores it may get)."""
    if device.type == "cuda":
        return f"CUDA · {torch.cuda.get_device_name(device)}"
    if threads is None and most > 1:
        key, n = "cpu_threads_undecided", most
    else:
        n = int(threads or 1)
        key = "cpu_thread" if n == 1 else "cpu_threads"
    if tr is None:
        from engine.i18n import CORE
        return CORE[key]["en"].format(n=n)
    return tr(key, n=n)


# A parallel op pays for waking a second thread only when each thread gets enough work. Measured on the
# 2-core dev machine (``python -m benchmarks threads``, ``threads.rule.*``, one thread against two): the
# page's 64-unit LSTM, whose matrix products average 0.5 M multiply-adds, gains 1.08× on an idle machine
# and loses (0.77×) when anything else runs; the scaled AlexNet/NiN (2.0 M) loses, 0.85×; LeNet (5.3 M)
# gains 1.3×, the character Transformer (5.4 M) 1.46×, the book's 256-unit LSTM (9.3 M) 1.69×.
MACS_PER_THREAD = 2_000_000


def threads_worth(macs_per_op: float, most: int) -> int:
    """How many of ``most`` free threads a training whose matrix products (or convolutions) average
    ``macs_per_op`` multiply-adds keeps busy: one per ``MACS_PER_THREAD`` of such an op, at least one."""
    return max(1, min(int(most), int(macs_per_op // MACS_PER_THREAD)))


def mean_macs(*ops: tuple[float, float]) -> float:
    """The average multiply-adds of a minibatch's matrix products and convolutions, from
    (multiply-adds, how many such ops) pairs."""
    count = sum(n for _, n in ops)
    return sum(m * n for m, n in ops) / max(1, count)


def sized_by(macs_per_op: Callable[[Any], float]):
    """Decorator for a lesson's training function: ``macs_per_op(settings)`` states the average multiply-adds
    of its matrix products and convolutions (one minibatch; ``mean_macs``), so the page layer grants it
    only the threads it can use (``threads_for``). A training function that states nothing gets one
    thread: the lesson's small networks gain nothing from a second (see ``intra_op_threads``).

    A sized training's numbers depend on the thread count (torch sums some gradients per thread; measured,
    1 against 2 threads: the character Transformer's held-out perplexity 3.69 against 3.77 at its
    defaults, LeNet's test accuracy 0.485 against 0.752 at learning rate 0.2), but not on anything else: the same count gives
    the same numbers to the last bit (``tests/engine/test_threads.py`` checks every function in
    ``SIZED``). So the app makes the count part of the run: a session decides it once and keeps it in its
    link (``pages/_ui/_threads.run_threads``), and the cache keys runs by the count they used."""
    def wrap(fn):
        fn.macs_per_op = macs_per_op
        SIZED.append(fn)
        return fn
    return wrap


SIZED: list[Callable] = []      # the training functions that state their size (``sized_by``)


def threads_for(fn: Callable, settings: Any, most: int) -> int:
    """The intra-op threads (of ``most`` free ones) that ``fn`` (or the function a partial wraps) can use
    for ``settings``: what its ``sized_by`` statement is worth, 1 when it states nothing."""
    size = getattr(getattr(fn, "func", fn), "macs_per_op", None)
    return 1 if size is None else threads_worth(float(size(settings)), most)


_grant = threading.local()


def granted_threads() -> int | None:
    """The intra-op thread count the caller granted this thread's computations (``threads``), or None."""
    return getattr(_grant, "n", None)


@contextmanager
def threads(n: int):
    """Grant the computations of this block ``n`` intra-op threads. The caller decides the count
    (the app's page layer: every free core for a student alone, one per training under a class
    load, see ``pages/_ui/_run.TrainingSlots``); inside the block a lesson's own
    ``intra_op_threads(k)`` uses ``n`` instead of its ``k``.

    Torch keeps the count per OS thread once that thread has run an op (checked in torch 2.13 with
    the OpenMP backend: a thread's ``set_num_threads`` leaves the other threads' counts alone), so
    concurrent trainings in different threads each keep their own. Some kernels reduce in an order
    that depends on the count (``nn.LayerNorm``'s weight gradient, for one), so a training's numbers
    may differ in the last bits between counts: the page layer keys its cache by the count."""
    n = max(1, int(n))
    before = getattr(_grant, "n", None)
    _grant.n = n
    try:
        with intra_op_threads(n):
            yield n
    finally:
        _grant.n = before


@contextmanager
def intra_op_threads(n: int):
    """Run a block with ``n`` intra-op threads — or with the count a caller granted (``threads``) —
    then restore the previous number.

    ``n`` is a lesson's count when nobody grants one (tests, benchmarks, scripts): 1, since a tiny
    network's ops (a 16 × 8 tanh) gain nothing from a second thread, yet on a busy 2-core server each
    parallel op waits for the other core to be scheduled: measured here under load, the
    playground's default run took 54 s with 2 threads and 2 s with 1.

    Caveat: torch keeps the count in a process-wide default that a thread copies the first
    time it runs a torch op, so a thread that starts its first op while this block is open
    copies this count. That only changes speed; the app sets one thread at the start of every
    script run (``streamlit_app.main``)."""
    n = granted_threads() or n
    before = torch.get_num_threads()
    if n != before:
        torch.set_num_threads(n)
    try:
        yield
    finally:
        if torch.get_num_threads() != before:
            torch.set_num_threads(before)
