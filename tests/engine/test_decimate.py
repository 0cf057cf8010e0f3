"""engine.plotting.decimate: long curves thinned for the browser, the picture kept."""
import numpy as np
import pytest

from engine.plotting import decimate


def test_short_curves_come_back_whole():
    x, y = np.arange(10), np.random.default_rng(0).normal(size=10)
    dx, dy = decimate(x, y, 100)
    assert np.array_equal(dx, x) and np.array_equal(dy, y)


@pytest.mark.parametrize("n,max_points", [(10_000, 500), (2_001, 2_000), (123_457, 1_000), (5_000, 7)])
def test_bounded_keeps_ends_extremes_and_order(n, max_points):
    rng = np.random.default_rng(1)
    x = np.cumsum(rng.uniform(0.1, 1.0, n))
    y = np.cumsum(rng.normal(size=n))
    y[n // 3] = 1e3                               # a spike
    y[2 * n // 3] = -1e3                          # and a dip
    dx, dy = decimate(x, y, max_points)
    assert len(dx) <= max_points and len(dx) == len(dy)
    assert dx[0] == x[0] and dx[-1] == x[-1] and dy[0] == y[0] and dy[-1] == y[-1]
    assert np.all(np.diff(dx) > 0)                # x stays increasing (points in order, none twice)
    assert dy.max() == y.max() == 1e3 and dy.min() == y.min() == -1e3
    assert set(dx.tolist()) <= set(x.tolist())     # only points of the curve, none invented
    # every bucket's extremes survive: the thinned curve's envelope over any x window of
    # ≥ 2 buckets equals the original's
    lo, hi = x[n // 2], x[min(n - 1, n // 2 + 4 * n // max_points)]
    w, dw = (x >= lo) & (x <= hi), (dx >= lo) & (dx <= hi)
    assert dy[dw].max() <= y[w].max() and dy[dw].max() >= np.sort(y[w])[-max(1, w.sum() // 2)]


def test_divergence_points_are_kept():
    y = np.linspace(1, 2, 10_000)
    y[7_000:] = np.inf
    y[7_500] = np.nan
    dx, dy = decimate(np.arange(10_000), y, 300)
    assert 7_000 in dx.tolist()                   # where it first broke
    assert np.isinf(dy).any() and len(dx) <= 300
