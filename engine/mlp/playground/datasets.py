"""Two-class 2-D data sets in the spirit of TensorFlow Playground: moons and circles from
scikit-learn, XOR and two interleaved spirals written here. Every set is centred on the
origin with coordinates of order 1, labels 0/1, and is deterministic given its seed."""
from __future__ import annotations

import math

import numpy as np

DATASETS = ("moons", "circles", "xor", "spiral")


def make_moons(num_examples: int, noise: float, rng: np.random.Generator):
    from sklearn.datasets import make_moons as sk_moons      # imported here: sklearn is slow to import
    X, y = sk_moons(num_examples, noise=noise, random_state=int(rng.integers(2**31 - 1)))
    return (X - [0.5, 0.25]) * [1.0, 1.5], y                  # centred, about [-1.5, 1.5]²


def make_circles(num_examples: int, noise: float, rng: np.random.Generator):
    from sklearn.datasets import make_circles as sk_circles
    X, y = sk_circles(num_examples, noise=noise, factor=0.5, random_state=int(rng.integers(2**31 - 1)))
    return X * 1.2, y


def make_xor(num_examples: int, noise: float, rng: np.random.Generator):
    """Points uniform in [-1, 1]², class 1 where x₁·x₂ > 0 (the first and third quadrants),
    then moved by Gaussian noise: the problem a single linear layer cannot solve (d2l §5.1.1)."""
    X = rng.uniform(-1, 1, size=(num_examples, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    return X + rng.normal(0, noise, X.shape), y


def make_spiral(num_examples: int, noise: float, rng: np.random.Generator):
    """Two spirals, one per class, each turning 1¼ times around the origin as the radius grows
    from 0.2 to 2 (the arms stay about 0.7 apart, so moderate noise leaves them separable)."""
    n1 = num_examples // 2
    y = np.r_[np.zeros(num_examples - n1, dtype=np.int64), np.ones(n1, dtype=np.int64)]
    t = np.r_[np.linspace(0, 1, num_examples - n1), np.linspace(0, 1, n1)]
    angle = 1.25 * 2 * math.pi * t + math.pi * y
    r = 0.2 + 1.8 * t
    X = np.c_[r * np.sin(angle), r * np.cos(angle)] + rng.normal(0, noise, (num_examples, 2))
    perm = rng.permutation(num_examples)
    return X[perm], y[perm]


MAKERS = {"moons": make_moons, "circles": make_circles, "xor": make_xor, "spiral": make_spiral}


def make_data(name: str, num_examples: int, noise: float, seed: int = 0):
    """``(X float32 (n, 2), y int64 (n,))``: the same numbers for the same arguments."""
    rng = np.random.default_rng(seed)
    X, y = MAKERS[name](num_examples, noise, rng)
    return np.asarray(X, dtype=np.float32), np.asarray(y, dtype=np.int64)


def train_test_split(X: np.ndarray, y: np.ndarray, test_ratio: float, seed: int = 0):
    """A seeded random split; the test set gets ``round(test_ratio · n)`` examples (at least 1)."""
    n = len(y)
    num_test = min(n - 1, max(1, round(test_ratio * n)))
    perm = np.random.default_rng(seed + 1).permutation(n)
    test, train = perm[:num_test], perm[num_test:]
    return X[train], y[train], X[test], y[test]
