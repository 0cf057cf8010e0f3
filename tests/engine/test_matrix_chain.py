"""The book's exploding product (d2l §5.4.1 / d2l-zh 4.8.1): 100 Gaussian 4×4 matrices, against
the book's loop and the top Lyapunov exponent of Gaussian matrices."""
import math

import numpy as np
import torch

from engine.gradients import matrix_chain as MC


def test_run_is_the_books_loop():
    gen = torch.Generator().manual_seed(7)
    M = torch.normal(0, 1, size=(4, 4), generator=gen)
    first = M.clone()
    for _ in range(100):
        M = M @ torch.normal(0, 1, size=(4, 4), generator=gen)
    r = MC.run(seed=7)
    assert torch.equal(torch.from_numpy(r.first), first) and torch.equal(torch.from_numpy(r.last), M)
    assert r.last.dtype == np.float32 and np.isfinite(r.last).all()
    assert len(r.norms) == 101 and math.isclose(r.norms["norm"].iloc[-1], float(torch.linalg.matrix_norm(M.double())))
    assert r.norms["norm"].iloc[-1] > 1e15          # it explodes, as the book says


def test_lyapunov_exponent_closed_form_and_simulation():
    # ψ(2) = 1 − γ, so λ₁ = ½(ln 2 + 1 − γ) for n = 4
    assert math.isclose(MC.lyapunov_exponent(4), 0.5 * (math.log(2) + 1 - 0.5772156649015329), rel_tol=1e-12)
    assert math.isclose(MC.lyapunov_exponent(4, var=1 / 4), MC.lyapunov_exponent(4) - 0.5 * math.log(4), rel_tol=1e-12)
    assert math.isclose(MC.growth_rate(), 1.7471, abs_tol=1e-4)
    # the measured rate over 300 seeds agrees with λ₁ (standard error ≈ 0.0023)
    measured = np.mean([math.log(MC.run(seed=s).growth_per_factor) for s in range(300)])
    assert abs(measured - MC.lyapunov_exponent(4)) < 0.015


def test_matrix_frame_and_figure():
    from engine.gradients.strings_exploding import STRINGS
    from engine.i18n import Translator
    r = MC.run(seed=0)
    frame = MC.matrix_frame(r.last)
    assert frame.shape == (4, 4) and "e+" in frame.iloc[0, 0]
    fig = MC.fig_matrix_chain(r, Translator("zh", STRINGS))
    assert len(fig.data) == 2 and fig.layout.yaxis.type == "log" and "×1.747" in fig.data[1].name
