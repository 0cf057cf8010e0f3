"""Linear regression (d2l §3.2–3.3): the book's run, closed forms, scratch == concise,
divergence as a lesson, and the work budget."""
import math

import numpy as np
import pytest
import torch

import engine.linear_regression as L
from engine.budget import Budget
from engine.settings import bounds

BOOK = L.Settings()           # lr 0.03, batch 10, 3 epochs, w = [2, -3.4], b = 4.2, σ = 0.01


def test_defaults_are_the_books():
    assert (BOOK.true_w1, BOOK.true_w2, BOOK.true_b, BOOK.noise) == (2.0, -3.4, 4.2, 0.01)
    assert (BOOK.lr, BOOK.batch_size, BOOK.num_epochs, BOOK.num_examples) == (0.03, 10, 3, 1000)


@pytest.mark.parametrize("seed", range(8))
def test_book_run_reaches_the_books_numbers(seed):
    r = L.run(BOOK, seed=seed)
    assert r.final_loss < 1e-4
    # SGD with η=0.03 ends within its own noise of the least-squares optimum …
    assert max(abs(a - b) for a, b in zip(r.w, r.closed_form_w)) < 2e-3
    assert abs(r.b - r.closed_form_b) < 2e-3
    # … and the final loss is within 5% of the optimum's (½σ² ≈ 5e-5)
    assert r.final_loss < 1.05 * r.closed_form_loss + 1e-6


def test_book_run_parameter_errors_below_1e_3_on_average():
    errs = [np.abs([*L.run(BOOK, seed=s).w_error, L.run(BOOK, seed=s).b_error]) for s in range(10)]
    errs = np.array(errs)
    assert errs.mean() < 1e-3, errs
    assert (errs < 1e-3).mean() >= 0.8


def test_scratch_and_concise_take_the_same_steps():
    a = L.run(BOOK, seed=3)
    b = L.run(L.Settings(impl="concise"), seed=3)
    np.testing.assert_allclose(a.batches[["loss", "w1", "w2", "b"]].to_numpy()[1:],
                               b.batches[["loss", "w1", "w2", "b"]].to_numpy()[1:], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(a.epochs["loss"], b.epochs["loss"], rtol=1e-5)


def test_same_seed_same_numbers_other_seed_other_numbers():
    a, b, c = L.run(BOOK, seed=11), L.run(BOOK, seed=11), L.run(BOOK, seed=12)
    assert a.batches.equals(b.batches) and a.w == b.w
    assert a.w != c.w


def test_squared_loss_and_sgd_match_autograd_and_mse():
    y_hat, y = torch.tensor([[1.0], [2.0], [4.0]]), torch.tensor([1.5, 2.0, 3.0])
    assert torch.allclose(L.squared_loss(y_hat, y).mean(), torch.nn.functional.mse_loss(y_hat, y.reshape(-1, 1)) / 2)
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    (w ** 2).sum().backward()
    L.sgd([w], lr=0.5, batch_size=2)             # w ← w − 0.5 · 2w / 2
    assert torch.allclose(w.detach(), torch.tensor([0.5, 1.0])) and torch.all(w.grad == 0)


def test_closed_form_matches_normal_equations():
    g = torch.Generator().manual_seed(0)
    X, y = L.synthetic_data(torch.tensor([2.0, -3.4]), 4.2, 500, 0.5, g)
    w, b = L.closed_form(X, y)
    A = torch.cat([X, torch.ones(500, 1)], 1).double()
    theta = torch.linalg.solve(A.T @ A, A.T @ y.double()).flatten()
    assert np.allclose([*w.tolist(), b], theta.tolist(), atol=1e-5)


def test_synthetic_data_statistics():
    g = torch.Generator().manual_seed(1)
    X, y = L.synthetic_data(torch.tensor([2.0, -3.4]), 4.2, 10_000, 0.01, g)
    assert X.shape == (10_000, 2) and y.shape == (10_000, 1)
    resid = y.flatten() - (X @ torch.tensor([2.0, -3.4]) + 4.2)
    assert abs(resid.std().item() - 0.01) < 0.001 and abs(resid.mean().item()) < 0.001


def test_data_iter_covers_every_example_once_per_epoch():
    X = torch.arange(23.0).reshape(-1, 1)
    seen = torch.cat([b for b, _ in L.data_iter(5, X, X, torch.Generator().manual_seed(0))]).flatten()
    assert sorted(seen.tolist()) == list(range(23))
    sizes = [len(b) for b, _ in L.data_iter(5, X, X, torch.Generator().manual_seed(0))]
    assert sizes == [5, 5, 5, 5, 3]


def test_critical_lr_is_two_over_largest_eigenvalue_and_predicts_divergence():
    r = L.run(BOOK, seed=0)
    A = np.c_[r.X, np.ones(len(r.X))]
    assert math.isclose(r.lr_critical, 2 / np.linalg.eigvalsh(A.T @ A / len(A))[-1], rel_tol=1e-6)
    # full-batch gradient descent: just below the critical rate converges, above it diverges
    below = L.run(L.Settings(lr=1.0, batch_size=1000, num_epochs=50), seed=0)
    assert below.divergence is None and below.final_loss < 1e-3
    above = L.run(L.Settings(lr=3.0, batch_size=1000, num_epochs=50), seed=0)
    assert r.lr_critical < 3.0 and above.divergence is not None


def test_divergence_is_recorded_not_raised():
    r = L.run(L.Settings(lr=10.0), seed=0)
    d = r.divergence
    assert d is not None and d.kind in ("+inf", "NaN") and d.epoch == 1
    assert d.step == len(r.batches) - 1, "training stops at the first non-finite step"
    assert math.isfinite(d.last_finite) and d.last_finite > 1e10
    # the loss grew geometrically before it overflowed
    losses = r.batches["loss"].to_numpy()[1:-1]
    assert losses[-1] > 1e6 * losses[0]


def test_work_budget_caps_the_heaviest_setting_deterministically():
    heavy = L.Settings(num_examples=10_000, batch_size=1, num_epochs=50)
    r = L.run(heavy, seed=0)
    assert r.stop_reason == "units" and len(r.batches) - 1 == L.MAX_STEPS
    r2 = L.run(heavy, seed=0)
    assert r.batches.equals(r2.batches)


def test_a_run_the_budget_ends_at_an_epoch_boundary_has_no_phantom_epoch():
    # batch 1, 1000 examples, 50 epochs: the 10,000-step budget ends the run exactly after epoch 10
    r = L.run(L.Settings(num_examples=1000, batch_size=1, num_epochs=50), seed=0)
    assert r.stop_reason == "units"
    assert r.epochs["epoch"].max() == pytest.approx(10)
    assert r.epochs["epoch"].max() <= r.batches["epoch"].max() + 1e-9
    # cut inside an epoch: its point sits where the steps stopped, not at the next whole epoch
    r = L.run(L.Settings(num_examples=3000, batch_size=1, num_epochs=50), seed=0)
    assert r.epochs["epoch"].iloc[-1] == pytest.approx(r.batches["epoch"].iloc[-1])


def test_stop_keeps_what_was_trained():
    calls = []
    budget = Budget(stop=lambda: len(calls) > 0)
    r = L.run(L.Settings(num_epochs=10), seed=0, on_step=calls.append, budget=budget)
    assert r.stop_reason == "stopped" and 0 < len(r.batches) - 1 < L.Settings(num_epochs=10).total_steps
    assert math.isfinite(r.w[0])


def test_progress_events_reach_the_end():
    events = []
    L.run(BOOK, seed=0, on_step=events.append)
    assert events[-1]["done"] == events[-1]["total"] == BOOK.total_steps
    assert len(events[-1]["epochs"]) == BOOK.num_epochs + 1


def test_loss_surface_equals_direct_evaluation():
    r = L.run(BOOK, seed=0)
    g1, g2, Lgrid = L.loss_surface(r, n=7)
    i, j = 3, 5
    direct = 0.5 * np.mean((r.X @ np.array([g1[j], g2[i]]) + r.closed_form_b - r.y) ** 2)
    assert math.isclose(Lgrid[i, j], direct, rel_tol=1e-6)


def test_every_bound_is_usable():
    for name, b in bounds(L.Settings).items():
        if b.kind in ("int", "float"):
            L.Settings(**{name: b.lo}) and L.Settings(**{name: b.hi})


def test_figures_build_with_divergence_and_in_chinese():
    from engine.i18n import Translator
    r = L.run(L.Settings(lr=10.0), seed=0)
    tr = Translator("zh", L.STRINGS)
    fig = L.fig_loss(r.batches, r.epochs, tr, r.divergence)
    assert fig.layout.yaxis.type == "log" and "对数" in fig.layout.yaxis.title.text
    assert any("inf" in (a.text or "") for a in fig.layout.annotations)
    for f in (L.fig_params(r, tr), L.fig_fit(r, tr), L.fig_contour(r, tr, L.loss_surface(r))):
        assert f.layout.title.text


def test_minibatch_divergence_below_the_gd_bound_is_not_blamed_on_it():
    """2/λmax bounds full-batch gradient descent. SGD with one example per step and η = 1 is below
    it (1.815) and still diverges: each step uses one example's curvature ‖[xᵢ 1]‖², often > 2/η."""
    from engine.i18n import Translator
    r = L.run(L.Settings(lr=1.0, batch_size=1, num_epochs=3), seed=0)
    assert r.divergence is not None and r.divergence.step == 240
    assert r.lr_every_batch < r.settings.lr < r.lr_critical and r.divergence_reason == "minibatch"
    A = np.c_[r.X, np.ones(len(r.X))]
    assert math.isclose(r.lr_every_batch, 2 / (A ** 2).sum(1).max(), rel_tol=1e-9)
    # a minibatch's curvature never exceeds the largest example's, and one example reaches it
    g = np.random.default_rng(0)
    for size in (1, 5, 50):
        B = A[g.choice(len(A), size, replace=False)]
        assert np.linalg.eigvalsh(B.T @ B / size)[-1] <= 2 / r.lr_every_batch * (1 + 1e-12)
    i = (A ** 2).sum(1).argmax()
    assert math.isclose(np.linalg.eigvalsh(np.outer(A[i], A[i]))[-1], 2 / r.lr_every_batch, rel_tol=1e-9)
    for lang in ("en", "zh"):
        text = Translator(lang, L.STRINGS)(f"diverged.{r.divergence_reason}", kind="NaN", step=240, epoch=1, last="1",
                                           crit="1.815", lr="1", batch=1, two_over_lr="2", every="0.2")
        assert "1.815" in text and "[X 1]" in text
    en = Translator("en", L.STRINGS)("diverged.minibatch")
    assert "full-batch" in en and "above that bound" not in en
    # above the bound the reason is the bound itself
    assert L.run(L.Settings(lr=3.0, batch_size=1000, num_epochs=50), seed=0).divergence_reason == "gd_bound"
    assert L.run(L.BOOK if hasattr(L, "BOOK") else L.Settings(), seed=0).divergence_reason is None
