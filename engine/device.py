"""Where the engine computes: chosen in one place, used by every lesson."""
from __future__ import annotations

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


def describe(device: torch.device) -> str:
    if device.type == "cuda":
        return f"CUDA · {torch.cuda.get_device_name(device)}"
    return f"CPU · {torch.get_num_threads()} threads"
