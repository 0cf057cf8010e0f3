"""Where the engine computes: chosen in one place, used by every lesson."""
from __future__ import annotations

import threading
from contextlib import contextmanager

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


def describe(device: torch.device, tr=None) -> str:
    """The device as the sidebar shows it; ``tr`` (a Translator with the app's CORE strings) gives
    the CPU line in the student's language, English without one."""
    if device.type == "cuda":
        return f"CUDA · {torch.cuda.get_device_name(device)}"
    n = torch.get_num_threads()
    key = "cpu_thread" if n == 1 else "cpu_threads"
    if tr is None:
        from engine.i18n import CORE
        return CORE[key]["en"].format(n=n)
    return tr(key, n=n)


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
