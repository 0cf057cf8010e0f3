"""The optimization lesson (d2l §12.3–12.11, Ng course 2): the book's printed numbers, torch.optim on
the same gradients, closed forms of the eigen-direction rates and of exponentially weighted averages."""
import dataclasses
import math

import numpy as np
import pytest
import torch

from engine.optimization import averages as A, descent as D, paths as P, rules as R, surfaces as SF


# ---- d2l §12.3: gradient descent ---------------------------------------------------------------------

@pytest.mark.parametrize("lr, expected", [(0.2, 0.060466), (0.05, 3.486784), (1.1, 61.917364)])
def test_gd_on_x_squared_matches_the_book(lr, expected):
    assert D.gd(lr, D.f_grad_square)[-1] == pytest.approx(expected, abs=5e-7)
    r = D.run(D.Settings(lr=lr))
    assert r.end_1d == pytest.approx(expected, abs=5e-7)
    # closed form: x_t = x0 (1 − 2η)^t
    assert r.end_1d == pytest.approx(10 * (1 - 2 * lr) ** 10, rel=1e-12)


def test_gd_2d_matches_the_book():
    r = D.run(D.Settings())
    assert P.fmt_point(r.end_2d) == "(-0.057646, -0.000073)"
    assert r.factors_2d == pytest.approx((0.8, 0.6)) and not r.diverging_dirs
    assert r.end_2d[0] == pytest.approx(-5 * 0.8 ** 20) and r.end_2d[1] == pytest.approx(-2 * 0.6 ** 20)


def test_gd_2d_too_large_a_step_diverges_in_the_stiff_direction_only():
    r = D.run(D.Settings(lr_2d=0.6))
    assert r.diverging_dirs == [1] and r.factors_2d[1] == pytest.approx(-1.4)
    assert r.divergence_2d is None                       # finite, but growing: |x₂| = 2·1.4²⁰
    assert abs(r.end_2d[1]) == pytest.approx(2 * 1.4 ** 20)


def test_1d_overflow_is_a_divergence_record_not_an_exception():
    r = D.run(D.Settings(lr=2.5, num_steps=1000))
    d = r.divergence_1d
    assert d is not None and not math.isfinite(d.value) and 500 < d.step < 520   # 10·4^t passes 1.8e308
    assert math.isfinite(d.last_finite) and len(r.path_1d) == d.step + 1


def test_nonconvex_xcos_follows_the_books_function():
    s = D.Settings(fn="xcos", lr=2.0)
    f, g, curv = D.functions(s)
    x = np.linspace(-10, 10, 7)
    c = 0.15 * math.pi
    assert np.allclose(g(x), np.cos(c * x) - c * x * np.sin(c * x))
    h = 1e-5
    assert np.allclose(curv(x), (g(x + h) - g(x - h)) / (2 * h), atol=1e-6)
    r = D.run(s)
    assert r.end_1d == pytest.approx(D.gd(2.0, g)[-1])
    assert set(r.compare_1d["lr"]) == {0.05, 0.2, 1.1, 2.0}


# ---- d2l §12.6–12.8: the 2-D runs on 0.1x₁² + 2x₂² ------------------------------------------------

BOOK_2D = [("gd", {"lr": 0.4}, (-0.943467, -0.000073)),
           ("momentum", {"lr": 0.6, "momentum": 0.5}, (0.007188, 0.002553)),
           ("adagrad", {"lr": 0.4}, (-2.382563, -0.158591)),
           ("rmsprop", {"lr": 0.4, "gamma": 0.9}, (-0.010599, 0.000000))]


@pytest.mark.parametrize("name, hyper, expected", BOOK_2D)
def test_2d_optimizers_match_the_book(name, hyper, expected):
    surf = SF.quadratic(20, 0)
    frame, escape, div = P.descend(surf.grad, (-5, -2), name, hyper, 20)
    assert P.fmt_point(P.last_point(frame)) == P.fmt_point(expected)
    assert escape is None and div is None
    # the page's run gives the same numbers
    s = SF.Settings(**{f"use_{n}": n == name for n in R.NAMES})
    s = dataclasses.replace(s, **{"lr_gd": 0.4, "lr_momentum": 0.6, "beta": 0.5, "lr_adagrad": 0.4,
                                  "lr_rmsprop": 0.4, "gamma": 0.9})
    assert P.fmt_point(SF.run(s).end(name)) == P.fmt_point(expected)


def test_gd_0_6_diverges_in_x2_as_a_result():
    s = SF.Settings(lr_gd=0.6, use_momentum=False, use_adagrad=False, use_rmsprop=False, use_adam=False)
    r = SF.run(s)
    assert P.fmt_point(r.end("gd")) == "(-0.387814, -1673.365109)"     # the book's printed numbers
    e = r.escapes["gd"]
    assert e.coord == 1 and abs(e.value) > P.ESCAPE and e.step == 19    # 2·1.4¹⁹ ≈ 1195 > 1000
    assert r.eigen["gd_rate"].tolist() == pytest.approx([0.88, 1.4])
    # long enough, x₂ overflows: a divergence with its step, never an exception
    r = SF.run(dataclasses.replace(s, num_steps=500, lr_gd=2.0))
    d = r.divergences["gd"]
    assert d is not None and d.step < 500 and not math.isfinite(d.value)


def test_effective_step_sizes():
    surf = SF.quadratic(20, 0)
    ada, _, _ = P.descend(surf.grad, (-5, -2), "adagrad", {"lr": 0.4}, 5)
    s = np.cumsum(ada[["g1", "g2"]].to_numpy()[1:] ** 2, axis=0)
    assert np.allclose(ada[["lr1", "lr2"]].to_numpy()[1:], 0.4 / np.sqrt(s + 1e-6))
    gd, _, _ = P.descend(surf.grad, (-5, -2), "gd", {"lr": 0.4}, 5)
    assert np.allclose(gd[["lr1", "lr2"]].to_numpy()[1:], 0.4)


# ---- the eigen-direction view (Distill) ---------------------------------------------------------

def test_momentum_rate_matches_the_trace_and_the_stability_limit():
    for lam, lr, beta in ((4.0, 0.05, 0.1), (4.0, 0.3, 0.6)):      # real eigenvalues of R, then complex
        x, v, xs = 1.0, 0.0, []
        for _ in range(600):
            v = beta * v + lam * x
            x = x - lr * v
            xs.append(abs(x))
        envelope = lambda i: max(xs[i - 20:i])           # oscillating runs: compare the envelopes
        measured = (envelope(600) / envelope(300)) ** (1 / 300)
        assert measured == pytest.approx(SF.momentum_rate(lr, beta, lam), rel=2e-3)
    # stable iff 0 < ηλ < 2 + 2β
    for b in (0.0, 0.5, 0.9):
        edge = (2 + 2 * b) / lam
        assert SF.momentum_rate(edge * 0.999, b, lam) < 1 < SF.momentum_rate(edge * 1.001, b, lam)
    assert SF.momentum_rate(0.1, 0.0, 4.0) == pytest.approx(SF.gd_rate(0.1, 4.0))


def test_best_rates_from_distill():
    lo, hi = 0.2, 4.0
    eta, rate = SF.best_gd(lo, hi)
    assert SF.gd_rate(eta, lo) == pytest.approx(rate) == pytest.approx(SF.gd_rate(eta, hi))
    eta, beta, rate = SF.best_momentum(lo, hi)
    assert SF.momentum_rate(eta, beta, lo) == pytest.approx(rate, rel=1e-3)
    assert SF.momentum_rate(eta, beta, hi) == pytest.approx(rate, rel=1e-3)
    assert rate < SF.best_gd(lo, hi)[1]


def test_rotated_quadratic_components_decay_at_the_gd_rate():
    s = SF.Settings(angle=30, kappa=10.0, use_momentum=False, use_adagrad=False, use_rmsprop=False, use_adam=False)
    r = SF.run(s)
    c = SF.components(r, "gd")
    rates = r.eigen["gd_rate"].to_numpy()
    for i in (1, 2):
        got = np.abs(c[f"c{i}"].to_numpy())
        assert got[10] == pytest.approx(got[0] * rates[i - 1] ** 10, rel=1e-9)


@pytest.mark.parametrize("surface", SF.SURFACES)
def test_surface_gradients_are_the_derivatives(surface):
    surf = SF.make_surface(SF.Settings(surface=surface, angle=20))
    x = np.array([0.7, -1.3])
    h = 1e-6
    num = [(surf.f(*(x + h * e)) - surf.f(*(x - h * e))) / (2 * h) for e in np.eye(2)]
    assert np.allclose(surf.grad(x), num, atol=1e-6)
    assert surf.f(*surf.minimum) == pytest.approx(surf.f_min)


def test_every_setting_at_its_bounds_runs():
    for values in ({k: b.hi for k, b in _numeric(SF.Settings)}, {k: b.lo for k, b in _numeric(SF.Settings)}):
        for surface in SF.SURFACES:
            r = SF.run(SF.Settings(surface=surface, custom_start=True, **values))
            assert len(r.runs) and set(r.runs["optimizer"]) == set(R.NAMES)
            SF.surface_grid(r)


def _numeric(cls):
    from engine import settings as S
    return [(k, b) for k, b in S.bounds(cls).items() if b.kind in ("int", "float")]


# ---- from scratch vs torch.optim, on the same gradients -------------------------------------------

HYPER = {"gd": {"lr": 0.1}, "momentum": {"lr": 0.05, "momentum": 0.9},
         "adagrad": {"lr": 0.1}, "rmsprop": {"lr": 0.01, "gamma": 0.9},
         "adam": {"lr": 0.01, "beta1": 0.9, "beta2": 0.999}}


def _race(name, hyper, steps=30):
    g = torch.Generator().manual_seed(0)
    p0 = torch.randn(7, 3, generator=g, dtype=torch.float64)
    grads = [torch.randn(7, 3, generator=g, dtype=torch.float64) for _ in range(steps)]
    mine, theirs = p0.clone().requires_grad_(), p0.clone().requires_grad_()
    a, b = R.Scratch([mine], name, hyper), R.torch_optimizer(name, [theirs], hyper)
    for gr in grads:
        for opt, p in ((a, mine), (b, theirs)):
            opt.zero_grad()
            p.grad = gr.clone()
            opt.step()
    return mine.detach(), theirs.detach()


@pytest.mark.parametrize("name", ["gd", "momentum", "adam"])
def test_same_formula_as_torch(name):
    mine, theirs = _race(name, HYPER[name])
    assert torch.allclose(mine, theirs, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", ["adagrad", "rmsprop"])
def test_eps_inside_the_root_is_the_only_difference_from_torch(name):
    mine, theirs = _race(name, {**HYPER[name], "eps": 0.0})
    assert torch.allclose(mine, theirs, rtol=1e-12, atol=1e-12)
    mine, theirs = _race(name, {**HYPER[name], "eps": 1e-6})           # book: √(s+ε); torch: √s + ε
    # per step the two differ by a factor ≈ 1 + O(ε/√s): after 30 steps ~1e-5, never more than 1e-4
    assert not torch.equal(mine, theirs) and torch.allclose(mine, theirs, atol=1e-4)


def test_scratch_applies_a_schedule_per_update():
    p = torch.zeros(1, requires_grad=True)
    opt = R.Scratch([p], "gd", {"lr": 1.0}, schedule=R.step_schedule(1.0, 2, 0.5))
    for _ in range(5):
        p.grad = torch.ones(1)
        opt.step()
    assert opt.lrs == [1.0, 1.0, 0.5, 0.5, 0.25] and p.item() == pytest.approx(-3.25)


# ---- d2l §12.11: schedules against torch.optim.lr_scheduler ---------------------------------------

def _torch_lrs(make, n):
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.3)
    sched, out = make(opt), []
    for _ in range(n):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return out


def test_schedules_match_torch():
    ours = [R.step_schedule(0.3, 4, 0.5)(t) for t in range(20)]
    assert ours == pytest.approx(_torch_lrs(lambda o: torch.optim.lr_scheduler.StepLR(o, 4, 0.5), 20))
    cos = R.CosineScheduler(20, 0.3, 0.01)
    theirs = _torch_lrs(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, 20, eta_min=0.01), 20)
    assert [cos(t) for t in range(20)] == pytest.approx(theirs)
    warm = R.CosineScheduler(20, 0.3, 0.01, warmup_steps=5)
    assert [warm(t) for t in range(6)] == pytest.approx([0, 0.06, 0.12, 0.18, 0.24, 0.3])
    assert warm(20) == pytest.approx(0.01) and warm(25) == pytest.approx(0.01)
    assert R.make_schedule("constant", 0.1, 10, 1, 0.5, 0) is None


# ---- exponentially weighted averages -----------------------------------------------------------

def test_ewa_closed_forms():
    const = np.full(50, 7.0)
    beta = 0.9
    v = A.ewa(const, beta)
    assert np.allclose(v, 7 * (1 - beta ** np.arange(1, 51)))         # the early underestimate
    assert np.allclose(A.ewa(const, beta, bias_correction=True), 7.0)   # corrected: exact
    theta = np.random.default_rng(0).normal(size=40)
    t = 40
    direct = sum((1 - beta) * beta ** k * theta[t - 1 - k] for k in range(t))
    assert A.ewa(theta, beta)[-1] == pytest.approx(direct)
    assert A.weights(beta, 1000).sum() == pytest.approx(1.0)
    assert A.window(0.98) == pytest.approx(50) and A.lag(0.9) == pytest.approx(9)
    assert A.window_mass(0.999) == pytest.approx(1 - 1 / math.e, abs=1e-3)


def test_ewa_run_measures_the_noise_reduction_the_formula_predicts():
    r = A.run(A.Settings(num_days=1000, beta=0.9, noise=5.0), seed=3)
    assert r.measured_noise_ratio == pytest.approx(A.noise_ratio(0.9), rel=0.15)
    assert r.early_gap == pytest.approx(0.1, rel=1e-9)                 # v₁ = (1 − β)θ₁
    assert set(r.compare["beta"]) == {0.5, 0.9, 0.98}
    again = A.run(A.Settings(num_days=1000, beta=0.9, noise=5.0), seed=3)
    assert again.series.equals(r.series)


# ---- optimizers on the MLP -----------------------------------------------------------------------------

from engine.budget import Budget  # noqa: E402
from engine.datasets.images import load_image_data  # noqa: E402
from engine.optimization import network as N  # noqa: E402

SMALL = dict(dataset="digits", num_train=400, num_hiddens=32, batch_size=50, num_epochs=2)


def test_every_racer_starts_from_the_same_weights_and_sees_the_same_minibatches():
    s = N.Settings(**SMALL)
    data = load_image_data("digits")
    racers = [N.Racer(n, s, data.num_inputs, data.num_classes, 0, 8, "cpu") for n in ("gd", "momentum")]
    for a, b in zip(racers[0].net.parameters(), racers[1].net.parameters()):
        assert torch.equal(a, b)
    r = N.run(dataclasses.replace(s, use_adagrad=False, use_rmsprop=False, use_adam=False,
                                  lr_momentum=0.1, beta=0.0), data=data)
    # momentum with β = 0 is SGD: same weights, same minibatches ⇒ the very same losses
    u = r.updates
    assert np.array_equal(u[u.optimizer == "gd"]["loss"].to_numpy(), u[u.optimizer == "momentum"]["loss"].to_numpy())


@pytest.mark.parametrize("name", ["momentum", "adam"])
def test_racer_from_scratch_equals_torch_optim_on_the_network(name):
    s = N.Settings(**SMALL)
    data = load_image_data("digits")
    X, y = data.inputs(data.X_train[:400]), data.y_train[:400]
    nets = []
    for use_torch in (False, True):
        r = N.Racer(name, s, data.num_inputs, data.num_classes, 0, 8, "cpu")
        if use_torch:
            r.trainer = R.torch_optimizer(name, r.net.parameters(), {**s.hyper(name), "eps": 1e-6})
        rows = []
        r.epoch(1, X, y, X[:10], y[:10], 50, Budget(), rows)
        nets.append(r.net)
    for a, b in zip(nets[0].parameters(), nets[1].parameters()):
        assert torch.allclose(a, b, atol=1e-6)


def test_network_schedules_budget_and_divergence():
    s = N.Settings(**SMALL, schedule="step", step_epochs=1, step_factor=0.5)
    r = N.run(s, data=load_image_data("digits"))
    lrs = r.updates[r.updates.optimizer == "gd"]["lr"].to_numpy()
    assert lrs[0] == pytest.approx(0.1) and lrs[-1] == pytest.approx(0.05) and len(lrs) == 16
    assert r.history.groupby("optimizer").size().tolist() == [2] * 5
    capped = N.run(dataclasses.replace(s, num_epochs=5), budget=Budget(max_units=1e9), data=load_image_data("digits"))
    assert capped.stop_reason == "units" and capped.history["epoch"].max() < 5
    again = N.run(dataclasses.replace(s, num_epochs=5), budget=Budget(max_units=1e9), data=load_image_data("digits"))
    assert again.history.equals(capped.history)                      # a capped run still reproduces
    wild = N.run(N.Settings(**SMALL, lr_momentum=100.0, beta=0.99), data=load_image_data("digits"))
    d = wild.divergence["momentum"]
    assert d is not None and d.step >= 1 and not math.isfinite(d.value)
    assert wild.best() is not None and wild.divergence["adam"] is None
