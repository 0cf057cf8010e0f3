"""Where the engine computes: chosen in one place, used by every lesson."""
from __future__ import annotations

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


@contextmanager
def intra_op_threads(n: int):
    """Run a block with ``n`` intra-op threads, then restore the previous number.

    A tiny network's ops (a 16 × 8 tanh) gain nothing from a second thread, yet on a busy
    2-core server each parallel op waits for the other core to be scheduled: measured here
    under load, the playground's default run took 54 s with 2 threads and 2 s with 1.

    Caveat: torch keeps the count in a process-wide default that a thread copies the first
    time it runs a torch op, so a thread that starts its first op while this block is open
    keeps one thread. That only changes speed, never numbers; setting one thread for the whole
    app at start-up (``torch.set_num_threads(1)``) would make this block unnecessary."""
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)
