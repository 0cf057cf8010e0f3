"""Vanishing/exploding gradients, part 2: BPTT against σ_max (DLFS2 §6.1.4), the LSTM against
nn.LSTM, the loss cliff and grad_clipping against clip_grad_norm_ (d2l §9.5), gradient checking
(passes below 1e-7, catches and locates each planted bug above 1e-3, fails with dropout)."""
import math

import numpy as np
import pytest
import torch

from engine.budget import Budget
from engine.gradients import bptt as BP, clipping as CL, grad_check as GC
from engine.settings import bounds


# ---- BPTT ----------------------------------------------------------------------------------

@pytest.mark.parametrize("sigma", [0.5, 1.0, 1.3, 2.0])
def test_orthogonal_times_sigma_follows_sigma_to_the_t_exactly(sigma):
    gen = torch.Generator().manual_seed(0)
    Wh = BP.recurrent_matrix(32, sigma, "orthogonal", gen, torch.float64)
    assert np.allclose(torch.linalg.svdvals(Wh).numpy(), sigma, rtol=1e-12)
    dh = torch.randn((2, 32), generator=gen, dtype=torch.float64)
    norms = BP.bptt_norms(Wh, dh, 100)
    expected = norms[0] * sigma ** np.arange(101)
    assert np.allclose(norms, expected, rtol=1e-11, atol=0)


@pytest.mark.parametrize("sigma", [0.7, 1.5, 3.0])
def test_random_matrix_has_the_chosen_sigma_max_and_obeys_the_bound(sigma):
    r = BP.run(BP.Settings(num_hiddens=24, num_steps=60, sigma_max=sigma, matrix="random"), seed=2, dtype=torch.float64)
    assert r.singular_values[0] == pytest.approx(sigma, rel=1e-12)
    assert r.spectral_radius <= sigma + 1e-12
    d = r.steps
    assert np.all(d["linear"] <= d["theory"] * (1 + 1e-9))    # ‖dh‖ ≤ σ_max^k ‖dh_T‖
    assert np.all(d["tanh"] <= d["theory"] * (1 + 1e-9))      # tanh′ ≤ 1 only shrinks it further
    # in the long run the growth per step is the spectral radius, not σ_max
    rate = (d["linear"].iloc[-1] / d["linear"].iloc[-21]) ** (1 / 20)
    assert rate == pytest.approx(r.spectral_radius, rel=0.15)


def test_sigma_below_one_always_vanishes():
    r = BP.run(BP.Settings(sigma_max=0.9, num_steps=100), seed=1)
    assert r.steps["linear"].iloc[-1] <= 0.9 ** 100 * r.steps["linear"].iloc[0] * 1.001


def test_bptt_overflow_in_float32_is_located():
    r = BP.run(BP.Settings(num_hiddens=32, num_steps=200, sigma_max=5.0, matrix="orthogonal"))
    step, kind = r.bad["linear"]
    # ‖dh‖ = 8·5^k with 64 entries of typical size 5^k: float32's 3.4e38 lies between 5^55 and 5^56
    assert kind in ("inf", "NaN") and 53 <= step <= 56
    assert math.isfinite(r.steps["linear"].iloc[step - 1])
    assert r.bad["lstm_cell"] == (None, None)


def test_lstm_matches_nn_lstm_on_the_same_weights():
    gen = torch.Generator().manual_seed(0)
    D, H, T, N = 5, 7, 9, 3
    W_ih, W_hh, b = BP.lstm_params(D, H, 2.0, gen, torch.float64)
    X = torch.randn((T, N, D), generator=gen, dtype=torch.float64)
    Hs, Cs, F = BP.lstm_forward(X, W_ih, W_hh, b)
    ref = torch.nn.LSTM(D, H).double()
    with torch.no_grad():
        ref.weight_ih_l0.copy_(W_ih), ref.weight_hh_l0.copy_(W_hh)
        ref.bias_ih_l0.copy_(b), ref.bias_hh_l0.zero_()
    out, (h, c) = ref(X)
    assert torch.allclose(Hs, out, atol=1e-12) and torch.allclose(Cs[-1], c[0], atol=1e-12)
    assert torch.all(F > 0) and torch.all(F < 1)


def test_cell_path_is_the_product_of_forget_gates_and_matches_autograd():
    gen = torch.Generator().manual_seed(1)
    W_ih, W_hh, b = BP.lstm_params(4, 6, 1.0, gen, torch.float64)
    X = torch.randn((12, 2, 4), generator=gen, dtype=torch.float64)
    _, _, F = BP.lstm_forward(X, W_ih, W_hh, b)
    dc = torch.ones((2, 6), dtype=torch.float64)
    norms = BP.cell_path_norms(F, dc)
    assert norms[-1] == pytest.approx(float(torch.linalg.vector_norm(F.prod(0))), rel=1e-12)
    # autograd along the cell alone (the path c_{t-1} → c_t, the gates held fixed) gives the same
    c0 = torch.ones((2, 6), dtype=torch.float64, requires_grad=True)
    c = c0
    for f in F:
        c = f * c + 0.0
    c.sum().backward()
    assert torch.allclose(c0.grad, F.prod(0))


def test_forget_bias_controls_the_cell_path():
    low = BP.run(BP.Settings(forget_bias=-2.0, num_steps=50))
    high = BP.run(BP.Settings(forget_bias=6.0, num_steps=50))
    assert low.mean_forget_gate < 0.3 < 0.99 < high.mean_forget_gate
    assert high.cell_ratio > 0.5 and low.cell_ratio < 1e-20


def test_bptt_is_deterministic():
    s = BP.Settings()
    assert BP.run(s, seed=3).steps.equals(BP.run(s, seed=3).steps)
    assert not BP.run(s, seed=3).steps.equals(BP.run(s, seed=4).steps)


# ---- the loss cliff and clipping --------------------------------------------------------------

def test_grad_clipping_matches_clip_grad_norm():
    for scale in (0.01, 1.0, 300.0):
        torch.manual_seed(0)
        a, b = torch.nn.GRU(3, 5), torch.nn.GRU(3, 5)
        b.load_state_dict(a.state_dict())
        X = torch.randn(7, 2, 3)
        for net in (a, b):
            (net(X)[0].sum() * scale).backward()
        norm = CL.grad_clipping(a, 1.0)
        ref = torch.nn.utils.clip_grad_norm_(b.parameters(), 1.0)
        assert norm == pytest.approx(float(ref), rel=1e-6)
        for p, q in zip(a.parameters(), b.parameters()):
            assert torch.allclose(p.grad, q.grad, rtol=1e-5, atol=1e-9)
        after = math.sqrt(sum(float((p.grad ** 2).sum()) for p in a.parameters()))
        assert after == pytest.approx(min(norm, 1.0), rel=1e-5)


def test_scalar_rnn_loop_and_unrolled_agree_and_expected_loss_is_right():
    net = CL.ScalarRNN(0.9, 0.7)
    X = torch.randn((4000, 20), generator=torch.Generator().manual_seed(0), dtype=torch.float32)
    assert torch.allclose(net(X), net.last_state(X), atol=1e-5)
    teacher = CL.ScalarRNN(0.95, 1.0)
    with torch.no_grad():
        mc = float(((net.last_state(X) - teacher.last_state(X)) ** 2).mean())
    exact = float(CL.expected_loss(0.9, 0.7, 0.95, 20))
    assert mc == pytest.approx(exact, rel=0.05)           # Monte Carlo over 4000 sequences
    assert CL.expected_loss(0.95, 1.0, 0.95, 20) == 0.0


def test_the_wall_beyond_w_equal_one():
    T = 30
    L = [float(CL.expected_loss(w, 1.0, 0.95, T)) for w in (0.9, 1.0, 1.1, 1.3)]
    assert L[0] < L[1] < L[2] < L[3] and L[3] > 1e4 * L[1]
    gw, gu, surf = CL.loss_surface(0.95, T, n=41)
    assert surf.shape == (41, 41) and np.isfinite(surf).all()
    iu, iw = np.unravel_index(np.argmin(surf), surf.shape)        # the grid's lowest point is next to (w*, u*)
    assert abs(gw[iw] - 0.95) <= 2 * (gw[1] - gw[0]) and abs(gu[iu] - 1.0) <= 2 * (gu[1] - gu[0])


@pytest.mark.parametrize("seed", [0, 2, 4])
def test_without_clipping_the_cliff_throws_the_run_off_with_clipping_it_converges(seed):
    r = CL.run(CL.Settings(), seed=seed)
    d = r.divergence_plain
    assert d is not None and 1 < d.step < CL.Settings().num_iters and d.kind in ("+inf", "NaN")
    g = r.plain["grad_norm"]
    assert g.max() > 1e3 * g.iloc[1]                          # the cliff: a gradient 1000× the first one
    assert r.divergence_clipped is None
    assert r.clipped["loss"].iloc[-1] < 0.02 * r.clipped["loss"].iloc[0]
    assert r.clipped["clipped"].any()
    steps = np.hypot(np.diff(r.clipped["w"]), np.diff(r.clipped["u"]))
    assert steps.max() <= CL.Settings().lr * CL.Settings().theta * (1 + 1e-5)   # ‖Δθ‖ ≤ η·θ


def test_small_learning_rate_needs_no_clipping():
    r = CL.run(CL.Settings(lr=0.001, num_iters=100))
    assert r.divergence_plain is None and r.divergence_clipped is None


def test_clipping_run_is_deterministic_and_budgeted():
    s = CL.Settings(num_iters=50)
    assert CL.run(s, seed=2).runs().equals(CL.run(s, seed=2).runs())
    r = CL.run(s, seed=2, budget=Budget(max_units=30 * s.num_steps))
    assert r.stop_reason == "units" and len(r.plain) == 31
    heavy = max(b.hi for b in [bounds(CL.Settings)["num_iters"]]) * bounds(CL.Settings)["num_steps"].hi * 2
    assert heavy <= CL.MAX_UNITS


# ---- gradient checking --------------------------------------------------------------------

def test_correct_network_passes_below_1e_7():
    for n, batch in ((4, 8), (16, 64), (2, 1)):
        r = GC.run(GC.Settings(num_hiddens=n, batch_size=batch), seed=n)
        assert r.overall < 1e-7, r.params
        assert (r.params["rel_error"] < 1e-7).all() and set(r.params["verdict"]) == {"fine"}
        assert r.located == ()


def test_hand_written_backward_matches_autograd():
    X, y, params = GC.make_problem(GC.Settings(num_hiddens=5, batch_size=6), 0)
    mine = {k: v.clone().requires_grad_(True) for k, v in params.items()}
    ref = {k: v.clone().requires_grad_(True) for k, v in params.items()}
    GC.net_loss(mine, X, y).backward()
    Z2 = torch.tanh(X @ ref["W1"].T + ref["b1"]) @ ref["W2"].T + ref["b2"]
    torch.nn.functional.cross_entropy(Z2, y).backward()
    for k in params:
        assert torch.allclose(mine[k].grad, ref[k].grad, atol=1e-14)
    assert torch.autograd.gradcheck(lambda W: GC.LinearFunction.apply(X, W, params["b1"]),
                                    (params["W1"].clone().requires_grad_(True),))


def test_batched_loss_is_the_same_function():
    X, y, params = GC.make_problem(GC.Settings(num_hiddens=3, batch_size=5), 1)
    one = GC.net_loss(params, X, y)
    stacked = GC.batched_loss({k: v[None] for k, v in params.items()}, X, y)
    assert float(stacked[0]) == pytest.approx(float(one), abs=1e-15)


@pytest.mark.parametrize("bug, wrong", [("W1_transposed", {"W1"}), ("tanh_derivative", {"W1", "b1"}),
                                        ("b2_mean", {"b2"})])
def test_planted_bug_is_caught_above_1e_3_and_located(bug, wrong):
    r = GC.run(GC.Settings(bug=bug), seed=0)
    assert set(r.located) == wrong
    p = r.params.set_index("param")
    assert (p.loc[list(wrong), "rel_error"] > 1e-3).all()
    assert (p.drop(index=list(wrong))["rel_error"] < 1e-7).all()     # the other parameters still check out
    assert r.overall > 1e-3


def test_b2_mean_bug_hides_with_a_batch_of_one():
    assert GC.run(GC.Settings(bug="b2_mean", batch_size=1)).located == ()


def test_dropout_makes_the_check_fail_unless_the_mask_is_fixed():
    fresh = GC.run(GC.Settings(dropout="fresh_mask"))
    assert fresh.overall > 1e-3 and len(fresh.located) >= 3
    fixed = GC.run(GC.Settings(dropout="fixed_mask"))
    assert fixed.overall < 1e-7 and fixed.located == ()


def test_float32_is_too_coarse_for_the_check_and_the_sweep_shows_why():
    r = GC.run(GC.Settings(dtype="float32"))
    assert r.overall > 1e-3                                   # ε = 1e-7 is below float32's resolution
    best = r.sweep["rel_error"].min()
    assert 1e-6 < best < 1e-2                                 # at best ~√(float32 eps)
    r64 = GC.run(GC.Settings())
    assert r64.sweep["rel_error"].min() < 1e-9
    big_eps = r64.sweep.set_index("eps")["rel_error"]
    assert big_eps[0.1] > 1e-4 > big_eps[1e-4]               # truncation error O(ε²) for large ε


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_a_large_eps_is_blamed_in_either_precision(dtype):
    """ε = 0.1, no bug: the ε² truncation term gives the same errors in both precisions, so the
    verdict blames ε, never float32 rounding; at ε = 1e-4 float32's failure is rounding."""
    r = GC.run(GC.Settings(eps=0.1, dtype=dtype), seed=0)
    assert max(r.rel_errors.values()) > 1e-3
    assert GC.diagnose(r).key == "eps_large" and GC.located(GC.diagnose(r)) == ()
    if dtype == "float32":
        r64 = GC.run(GC.Settings(eps=0.1), seed=0)
        assert r.rel_float64 == pytest.approx(r64.rel_errors)
        assert r.rel_errors == pytest.approx(r64.rel_errors, rel=0.2)        # truncation, not rounding
        small = GC.run(GC.Settings(eps=1e-4, dtype=dtype), seed=0)
        assert max(small.rel_float64.values()) < 1e-7 < 1e-3 < max(small.rel_errors.values())
        assert GC.diagnose(small).key == "float32_fail"
    else:
        assert r.rel_float64 is None


@pytest.mark.parametrize("bug, wrong", [("W1_transposed", ("W1",)), ("tanh_derivative", ("W1", "b1")),
                                        ("b2_mean", ("b2",))])
def test_dropout_and_a_planted_bug_are_both_named(bug, wrong):
    r = GC.run(GC.Settings(bug=bug, dropout="fresh_mask"), seed=0)
    d = GC.diagnose(r)
    assert d.key == "dropout_fail_bug" and d.params == wrong
    assert r.rel_no_dropout == pytest.approx(GC.run(GC.Settings(bug=bug), seed=0).rel_errors)
    assert GC.diagnose(GC.run(GC.Settings(dropout="fresh_mask"), seed=0)).key == "dropout_fail"   # no bug
    hidden = GC.run(GC.Settings(bug="b2_mean", batch_size=1, dropout="fresh_mask"), seed=0)
    assert GC.diagnose(hidden).key == "dropout_fail_bug_unseen"


def test_relative_error_and_verdicts():
    assert GC.relative_error([0.0], [0.0]) == 0.0
    assert GC.relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert GC.relative_error([1.0], [-1.0]) == 1.0
    assert [GC.verdict(v) for v in (1e-9, 1e-6, 1e-4, 1e-2, math.nan)] == ["fine", "acceptable", "suspicious", "bug", "bug"]


def test_grad_check_is_deterministic_and_bounded():
    s = GC.Settings(dropout="fresh_mask")
    assert GC.run(s, seed=1).params.equals(GC.run(s, seed=1).params)
    b = bounds(GC.Settings)
    assert b["num_hiddens"].hi == 16 and b["batch_size"].hi == 64


def test_standout_needs_a_bugs_error_far_above_the_rest():
    assert GC.standout({"W1": 0.5, "b1": 0.27, "W2": 2e-4, "b2": 1.2e-4}) == ("W1", "b1")     # the gap is between b1 and W2
    assert GC.standout({"W1": 0.72, "b1": 1e-2, "W2": 6.4e-3, "b2": 2.9e-3}) == ("W1",)
    assert GC.standout({"W1": 2.3e-3, "b1": 8.3e-4, "W2": 9.9e-5, "b2": 3.1e-4}) == ()         # 2.8×: rounding
    assert GC.standout({"W1": 1e-4, "b1": 0.0, "W2": 0.0, "b2": 0.0}) == ()                    # no bug-sized error
    assert GC.standout({"W1": 0.9, "b1": 0.8, "W2": 0.7, "b2": 0.6}) == ()                     # nothing to stand out from


@pytest.mark.parametrize("eps", [1e-1, 1e-2, 1e-3, 1e-4, 1e-5])
def test_float32_rounding_alone_never_stands_out(eps):
    """A correct backward pass in float32: whatever ε does to the errors, no parameter is blamed."""
    for seed in range(3):
        for n, batch in ((4, 8), (16, 64), (2, 1)):
            grads, nums = GC.check(GC.Settings(num_hiddens=n, batch_size=batch, eps=eps, dtype="float32"), seed)
            assert GC.standout({k: GC.relative_error(nums[k], grads[k]) for k in GC.PARAM_NAMES}) == ()


def test_float32_diagnosis_names_the_located_parameter():
    r = GC.run(GC.Settings(dtype="float32", bug="b2_mean", eps=1e-3), seed=0)
    d = GC.diagnose(r)
    assert d.key == "bug_found_float32" and d.params == ("b2",) and d.others == ("W1", "b1", "W2")
    assert r.rel_errors["b2"] > 0.5 and d.rest_max < 1e-3 and d.gap > 1000
    d = GC.diagnose(GC.run(GC.Settings(dtype="float32", bug="tanh_derivative", eps=1e-2), seed=0))
    assert d.key == "bug_found_float32" and d.params == ("W1", "b1")
    assert GC.diagnose(GC.run(GC.Settings(dtype="float32", bug="b2_mean"), seed=0)).key == "float32_unclear"
    assert GC.diagnose(GC.run(GC.Settings(dtype="float32"), seed=0)).key == "float32_fail"
    d = GC.diagnose(GC.run(GC.Settings(dtype="float32", num_hiddens=16, batch_size=64, eps=1e-3), seed=0))
    assert d.key == "float32_fail" and d.params == ()                   # W1, b1 above 1e-3, yet only rounding
    assert GC.diagnose(GC.run(GC.Settings(bug="b2_mean"), seed=0)) == GC.Diagnosis(
        "bug_found", ("b2",), ("W1", "b1", "W2"), *_rest_and_gap(GC.run(GC.Settings(bug="b2_mean"), seed=0)))
    assert GC.diagnose(GC.run(GC.Settings(eps=0.1), seed=0)).key == "eps_large"     # truncation: ε too large
    assert GC.diagnose(GC.run(GC.Settings(), seed=0)).key == "passed"


def _rest_and_gap(r):
    rel = r.rel_errors
    rest = max(rel[k] for k in ("W1", "b1", "W2"))
    return rest, rel["b2"] / rest


def test_two_sided_difference_error_is_the_third_derivative_term():
    """(f(x+ε) − f(x−ε))/2ε − f′(x) = ε²f‴(x)/6 + O(ε⁴): f″ cancels. exp at 0: every derivative is 1."""
    import math as m
    for eps in (1e-1, 3e-2, 1e-2):
        two_sided = (m.exp(eps) - m.exp(-eps)) / (2 * eps) - 1
        one_sided = (m.exp(eps) - 1) / eps - 1
        assert abs(two_sided - eps ** 2 / 6) < eps ** 4 / 100 and abs(one_sided - eps / 2) < eps ** 2


def test_band_names_stay_off_the_bars_and_the_largest_error_is_not_cut():
    """issue 15: the band names ("fine", "acceptable", …) were written inside the plot at its right edge,
    over the last bar and its value; a relative error of 1 (dropout) wrote "1.0e+00" above the axis top
    (10¹), cut off. Now the names sit in the right margin, beside their band, the margin as wide as the
    longest name, and the axis reaches two decades above the largest possible error."""
    from engine.gradients import figures as F
    from engine.gradients.strings_checking import STRINGS
    from engine.i18n import Translator

    for lang in ("en", "zh"):
        tr = Translator(lang, STRINGS)
        for s in (GC.Settings(), GC.Settings(dropout="fresh_mask")):
            r = GC.run(s, seed=0)
            for fig in (F.fig_rel_errors(r, tr), F.fig_sweep(r, tr)):
                names = {tr(f"verdict.{k}"): k for k in GC.VERDICTS}
                notes = [a for a in fig.layout.annotations if a.text in names]
                assert len(notes) == 4, (lang, [a.text for a in fig.layout.annotations])
                bottom, top = fig.layout.yaxis.range
                edges = [bottom, *(math.log10(t) for t in GC.THRESHOLDS), top]
                for a in notes:
                    # beyond the plot area's right edge (where the bars end), written rightwards into the margin
                    assert a.xref == "paper" and a.x >= 1.0 and a.xanchor == "left" and (a.xshift or 0) >= 0
                    assert fig.layout.margin.r >= (a.xshift or 0) + F._text_px(a.text), (lang, a.text)
                    i = GC.VERDICTS.index(names[a.text])
                    assert edges[i] < a.y < edges[i + 1]                 # beside its own band
            bars = F.fig_rel_errors(r, tr)
            bar = bars.data[0]
            highest = max(math.log10(v) for v in bar.y if v)
            assert bar.textposition == "outside" and bar.cliponaxis is False
            # the value written above the tallest bar needs about one decade at this chart's height
            assert bars.layout.yaxis.range[1] - highest >= 1.5, (s, highest)
