"""NASA's airfoil self-noise data (d2l §12.5.3 ``get_data_ch11``): 1,503 rows, 5 features and the sound
pressure, tab-separated. Downloaded once from d2l's data hub, verified by its SHA-1, cached under
``data/cache/`` (``engine.datasets.download.fetch``).

Offline — or when the download fails its checksum — the lesson uses data it generates instead, with
the same shape (1,503 × 5 features) and about the same difficulty (the best linear fit leaves half the
variance, so the book's losses near 0.24 are in reach), and ``fallback_reason`` says why.
``DEEPDIVE_OFFLINE=1`` skips the download (a cached file is still used).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import torch

from engine.datasets.hub import HubFiles

DATA_URL = "http://d2l-data.s3-accelerate.amazonaws.com/"
AIRFOIL = ("airfoil_self_noise.dat", "76e5be1548fd8222e5074cf0faae75edff8cf93f")     # d2l's DATA_HUB['airfoil']
ROWS, FEATURES = 1503, 5
SYNTHETIC_SEED = 0


@dataclass(frozen=True, eq=False)
class RegressionData:
    name: str                    # 'airfoil' or 'synthetic'
    X: torch.Tensor              # float32 (N, 5), every column standardised
    y: torch.Tensor              # float32 (N,), standardised
    fallback_reason: str | None  # why the generated data stands in for the airfoil data


def parse_airfoil(path: Path) -> np.ndarray:
    """The book's ``np.genfromtxt(..., dtype=np.float32, delimiter='\\t')``, checked: 6 finite columns."""
    data = np.genfromtxt(path, dtype=np.float32, delimiter="\t")
    if data.ndim != 2 or data.shape[1] != FEATURES + 1 or not np.isfinite(data).all():
        raise ValueError(f"{path}: expected rows of {FEATURES + 1} numbers, got shape {data.shape}")
    return data


def standardise(data: np.ndarray) -> np.ndarray:
    """d2l: ``(data - data.mean(axis=0)) / data.std(axis=0)``, every column including the target."""
    return (data - data.mean(axis=0)) / data.std(axis=0)


def synthetic(rows: int = ROWS, seed: int = SYNTHETIC_SEED) -> np.ndarray:
    """y = Xw + ε with 5 correlated N(0, 1) features and noise as large as the signal (R² ≈ 0.5)."""
    rng = np.random.default_rng(seed)
    mix = np.eye(FEATURES) + 0.15 * rng.standard_normal((FEATURES, FEATURES))     # mildly correlated, like the real features
    X = rng.standard_normal((rows, FEATURES)) @ mix
    signal = X @ rng.standard_normal(FEATURES)
    y = signal / signal.std() + rng.standard_normal(rows)
    return np.column_stack([X, y]).astype(np.float32)


def _as_data(name: str, table: np.ndarray, reason: str | None) -> RegressionData:
    table = standardise(table)
    return RegressionData(name, torch.from_numpy(np.ascontiguousarray(table[:, :-1])),
                          torch.from_numpy(np.ascontiguousarray(table[:, -1])), reason)


def _read(paths: list[Path]) -> RegressionData:
    return _as_data("airfoil", parse_airfoil(paths[0]), None)


def _synthetic(reason: str | None) -> RegressionData:
    return _as_data("synthetic", synthetic(), reason)


_hub = HubFiles(DATA_URL, lambda: [AIRFOIL], _read, _synthetic)


def load_airfoil(prefer: str = "airfoil", cache_dir: Path | str | None = None,
                 opener: Callable | None = None) -> RegressionData:
    """The airfoil data when cached or downloadable; otherwise the generated stand-in, with the reason.
    ``prefer='synthetic'`` gives the generated data directly. Never raises for network trouble."""
    if prefer == "synthetic":
        return _synthetic(None)
    return _hub.load(cache_dir, opener)


def clear_cache() -> None:
    _hub.clear()
