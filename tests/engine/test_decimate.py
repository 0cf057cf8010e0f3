"""engine.plotting.decimate: long curves thinned for the browser, the picture kept."""
import numpy as np
import pytest

from engine.plotting import CURVE_POINTS, decimate


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


# ---- the figures that send long per-minibatch curves use it ---------------------------------------

def _long_losses(n: int, seed: int = 2) -> np.ndarray:
    """A noisy falling loss with one spike and one dip, like a long run's per-minibatch losses."""
    rng = np.random.default_rng(seed)
    loss = 3.0 * np.exp(-np.arange(n) / n) + 0.3 * rng.random(n)
    loss[n // 3], loss[2 * n // 3] = 6.0, 0.01
    return loss


def _curve_keeps(trace, x, y) -> None:
    tx = np.asarray(trace.x, dtype=float)
    ty = np.asarray([np.nan if v is None else v for v in trace.y], dtype=float)
    assert len(tx) == len(ty) <= CURVE_POINTS < len(x)
    assert tx[-1] == x[-1] and np.isclose(ty[-1], y[-1])                         # the last point
    assert tx[0] == x[0] and np.isclose(ty[0], y[0])                             # the first
    assert np.isclose(np.nanmax(ty), np.max(y)) and np.isclose(np.nanmin(ty), np.min(y))   # the extremes
    assert tx[np.nanargmax(ty)] == x[np.argmax(y)] and tx[np.nanargmin(ty)] == x[np.argmin(y)]


def test_language_model_long_run_figure_is_decimated():
    import pandas as pd
    import engine.language_model as L
    from engine.i18n import Translator
    from engine.language_model import train as T
    from engine.language_model.figures import fig_perplexity
    n, per_epoch = 20_000, 625
    loss = _long_losses(n)
    rows = [(i + 1, (i + 1) / per_epoch, float(l)) for i, l in enumerate(loss)]
    tr = Translator("en", L.STRINGS)
    epochs = pd.DataFrame([(0, np.nan, 30.0, 0, 0.0), (32.0, 2.0, 3.0, 1, 1.0)], columns=T.EPOCH_COLUMNS)
    for batches in (pd.DataFrame(rows, columns=T.BATCH_COLUMNS),                        # a finished run
                    T.live_frames({"batches": rows, "epochs": []})[0]):                 # the live chart
        fig = fig_perplexity(batches, epochs, tr, vocab_size=28)
        _curve_keeps(fig.data[0], batches["epoch"].to_numpy(), np.exp(loss))
        assert fig.data[-1].x[-1] == batches["epoch"].iloc[-1]      # the uniform line still spans the run


def test_language_model_divergence_stays_on_the_decimated_curve():
    import pandas as pd
    import engine.language_model as L
    from engine.i18n import Translator
    from engine.language_model.figures import fig_perplexity
    loss = _long_losses(10_000)
    loss[-1] = np.nan
    batches = pd.DataFrame({"step": np.arange(1, 10_001), "epoch": np.arange(1, 10_001) / 100, "loss": loss})
    fig = fig_perplexity(batches, None, Translator("en", L.STRINGS))
    assert len(fig.data[0].x) <= CURVE_POINTS and fig.data[0].x[-1] == 100.0 and fig.data[0].y[-1] is None


def test_linear_regression_and_optimizer_race_curves_are_decimated():
    import pandas as pd
    from engine.i18n import Translator
    from engine.linear_regression import STRINGS as LR_STRINGS, fig_loss
    from engine.linear_regression.core import batches_frame
    from engine.optimization.figures_training import fig_network_updates
    from engine.optimization.strings_network import STRINGS as NET_STRINGS
    n = 12_000
    loss = _long_losses(n, seed=3)
    b = batches_frame([(i, i / 100, float(l), 0.0, 0.0, 0.0) for i, l in enumerate(loss, start=1)])
    _curve_keeps(fig_loss(b, None, Translator("en", LR_STRINGS)).data[0], b["epoch"].to_numpy(), loss)
    lr = np.linspace(0.1, 0.001, n)
    u = pd.DataFrame({"optimizer": "adam", "update": np.arange(1, n + 1), "loss": loss, "lr": lr})
    fig = fig_network_updates(u, Translator("en", NET_STRINGS))
    _curve_keeps(fig.data[0], u["update"].to_numpy(), loss)
    _curve_keeps(fig.data[1], u["update"].to_numpy(), lr)
