"""Vanishing/exploding gradients, part 1: the scalar chain's exact powers (d2l §4.8) and deep
networks — the initialisers against their formulas and torch.nn.init, the per-layer theory,
inf/NaN located, determinism and bounds."""
import math
from decimal import ROUND_FLOOR, Decimal, getcontext, localcontext
from fractions import Fraction

import numpy as np
import pytest
import torch

from engine.gradients import deep_nets as DN, scalar_chain as SC
from engine.settings import bounds


# ---- scalar chain ---------------------------------------------------------------------------

@pytest.mark.parametrize("w, T, shown", [("1.01", 999, "2.08×10⁴"), ("0.99", 999, "4.36×10⁻⁵"),
                                         ("0.2", 30, "1.07×10⁻²¹"), ("5", 30, "9.31×10²⁰")])
def test_the_books_numbers(w, T, shown):
    x = SC.exact_power(w, T)
    assert SC.pretty(x, 3) == shown
    getcontext().prec = 80
    assert abs(Decimal(x.numerator) / Decimal(x.denominator) / Decimal(w) ** T - 1) < Decimal("1e-70")
    assert math.isclose(float(x), math.pow(float(w), T), rel_tol=1e-12)


def test_exact_powers_are_exact():
    assert SC.exact_digits(SC.exact_power("0.2", 30)) == "0.000000000000000000001073741824"
    assert SC.exact_digits(SC.exact_power("5", 30)) == str(5 ** 30) == "931322574615478515625"
    assert SC.exact_text(SC.exact_power("0.2", 30)) == ("1.073741824×10⁻²¹", True)
    assert SC.exact_text(SC.exact_power("5", 30)) == ("9.31322574615478515625×10²⁰", True)
    x = SC.exact_power("1.01", 999)
    assert x == Fraction(101 ** 999, 100 ** 999)
    digits = SC.exact_digits(x)
    assert Fraction(digits) == x and SC.significant_digits(x) == len(str(101 ** 999).rstrip("0"))
    text, exact = SC.exact_text(x)
    assert not exact and text.startswith("2.07516392454")
    assert SC.pretty(SC.exact_power("9.9999995", 1), 6) == "1.00000×10¹"     # rounding carries into the next decade


# issue 13: every w the slider (or the engine's caller) can give, with T up to 1000, has an exact power
# of up to ~6,000 digits, beyond str()'s 4,300-digit limit for integers
@pytest.mark.parametrize("w, T", [("2.56", 916), ("2.56", 1000), ("3.3", 1000), ("2.56053", 1000),
                                  ("4.99999", 1000), ("0.123457", 1000), ("5", 1000), ("0.11", 997)])
def test_huge_exact_powers_against_the_closed_form(w, T):
    x = SC.exact_power(w, T)
    p = int(w.replace(".", ""))                  # w = p / 10^k; none of these p is a multiple of 10
    with localcontext() as ctx:
        ctx.prec = 60
        log10 = T * Decimal(w).log10()           # log₁₀ wᵀ, correctly rounded to 60 digits
        digits_of_pT = int((T * Decimal(p).log10()).to_integral_value(ROUND_FLOOR)) + 1
        e = int(log10.to_integral_value(ROUND_FLOOR))
        mantissa = Decimal(10) ** (log10 - e)
    m, exp = SC.sci(x, 6)
    assert exp == e                              # the exponent is exact: 3.3¹⁰⁰⁰ ≈ 3.26543×10⁵¹⁸
    assert abs(Decimal(m) - mantissa) <= Decimal("0.000006")
    assert SC.pretty(x, 6) == f"{m}×10{str(e).translate(SC.SUPERSCRIPT)}"
    assert math.isclose(SC.log10_exact(x), float(log10), rel_tol=1e-12, abs_tol=1e-9)
    digits = SC.exact_digits(x)                  # every digit, all ~6,000 of them where there are
    assert Fraction(Decimal(digits)) == x
    assert SC.significant_digits(x) == digits_of_pT   # pᵀ ends in no zero: its digits are all significant
    text, exact = SC.exact_text(x)                # 12 significant digits, rounded from the exact value
    assert not exact and text.endswith(f"×10{str(e).translate(SC.SUPERSCRIPT)}")
    assert abs(Decimal(text.split("×")[0]) - mantissa) <= Decimal("5.1e-12")


def test_the_exponent_is_exact_next_to_a_power_of_ten():
    for x in (Fraction(10) ** 700, Fraction(10) ** 700 - 1, Fraction(1, 10 ** 700), Fraction(1, 10 ** 700) * Fraction(999, 1000)):
        e = SC.decimal_exponent(x)
        assert Fraction(10) ** e <= x < Fraction(10) ** (e + 1)
    assert SC.sci(Fraction(10) ** 700 - 1, 6) == ("1.00000", 700)     # 9.99…×10⁶⁹⁹ rounds up a decade


def test_a_w_from_outside_the_slider_grid_still_computes():
    # the engine takes any w inside the bounds (a link's w is snapped to the slider first; see test_settings)
    r = SC.run(SC.Settings(w=2.560530468081178, T=1000))
    assert r.settings.w_text == "2.56053" and r.exact == Fraction(256053, 100000) ** 1000
    assert SC.sci(r.exact, 6)[1] == 408 and SC.significant_digits(r.exact) == 5409


def test_chain_overflow_and_underflow_are_located():
    r = SC.run(SC.Settings(w=5.0, T=1000))
    assert r.overflow32 == (56, "inf") and 5.0 ** 55 < float(np.finfo(np.float32).max) < 5.0 ** 56
    assert r.overflow64 == (442, "inf") and math.isinf(r.float64)
    assert r.exact == Fraction(5) ** 1000 and math.isclose(r.exact_log10, 1000 * math.log10(5), rel_tol=1e-12)
    low = SC.run(SC.Settings(w=0.1, T=1000))
    assert low.overflow64[1] == "0" and low.float64 == 0.0 and low.exact == Fraction(1, 10 ** 1000)
    fine = SC.run(SC.Settings(w=1.01, T=999))
    assert fine.overflow64 == (None, None) and fine.overflow32 == (None, None)
    assert math.isclose(fine.float64, 1.01 ** 999, rel_tol=1e-12)
    assert abs(fine.float32 / float(fine.exact) - 1) > 1e-6       # float32 rounding shows after 999 steps


def test_chain_reads_w_as_the_decimal_shown():
    s = SC.Settings(w=1.0100000000000002)     # what a slider step may produce
    assert s.w_text == "1.01" and SC.run(s).exact == Fraction(101, 100) ** 999


def test_book_table():
    t = SC.book_table()
    assert list(t["exact"]) == ["2.07516392454×10⁴", "4.36073206168×10⁻⁵", "1.073741824×10⁻²¹",
                                "9.31322574615478515625×10²⁰"]


# ---- deep networks: initialisers ------------------------------------------------------------

@pytest.mark.parametrize("shape", [(256, 256), (128, 512)])
def test_initialisers_match_torch_nn_init_draw_for_draw(shape):
    def same(mine, theirs):
        a = mine(torch.Generator().manual_seed(3))
        b = theirs(torch.empty(shape), generator=torch.Generator().manual_seed(3))
        assert torch.equal(a, b)
    same(lambda g: DN.xavier_uniform(shape, g), torch.nn.init.xavier_uniform_)
    same(lambda g: DN.xavier_normal(shape, g), torch.nn.init.xavier_normal_)
    same(lambda g: DN.he_normal(shape, g), lambda t, generator: torch.nn.init.kaiming_normal_(t, nonlinearity="relu", generator=generator))
    same(lambda g: DN.init_normal(shape, 0.3, g), lambda t, generator: torch.nn.init.normal_(t, 0.0, 0.3, generator=generator))


@pytest.mark.parametrize("init", DN.INITS)
@pytest.mark.parametrize("shape", [(256, 256), (64, 1024)])
def test_initialisers_have_the_variance_of_their_formula(init, shape):
    fan_out, fan_in = shape
    expected = {"normal": 0.5 ** 2, "xavier_uniform": 2 / (fan_in + fan_out), "xavier_normal": 2 / (fan_in + fan_out),
                "he": 2 / fan_in}[init]
    assert DN.init_variance(init, shape, 0.5) == pytest.approx(expected)
    W = DN.init_weight(init, shape, 0.5, torch.Generator().manual_seed(0)).double()
    # the sample variance of N = 65 536 draws has a relative standard error of √(2/N) ≈ 0.55 % (normal),
    # less for the uniform: 3 % is more than five standard errors
    assert float(W.var()) == pytest.approx(expected, rel=0.03)
    assert abs(float(W.mean())) < 5 * math.sqrt(expected / W.numel())
    if init == "xavier_uniform":
        a = math.sqrt(6 / (fan_in + fan_out))
        assert float(W.abs().max()) <= a and float(W.abs().max()) > 0.99 * a


# ---- deep networks: what the charts show ------------------------------------------------------

def test_identity_network_follows_the_variance_theory():
    s = DN.Settings(num_layers=30, width=256, activation="identity", init="normal", sigma=0.1)
    r = DN.run(s, seed=1)
    assert r.gain == pytest.approx(256 * 0.1 ** 2)             # 2.56 per layer
    ratio = r.layers["act_rms"] / r.layers["act_theory"]
    assert np.all(np.abs(np.log(ratio)) < 0.25)                # within ±25 % after 30 layers of ~2 % noise each
    grad_ratio = r.layers["grad_rms"] / r.layers["grad_theory"]
    assert np.all(np.abs(np.log(grad_ratio)) < 0.25)
    assert r.layers["act_rms"].iloc[-1] > 1e3 * r.layers["act_rms"].iloc[0]    # it explodes


@pytest.mark.parametrize("activation, init", [("identity", "xavier_normal"), ("identity", "xavier_uniform"),
                                              ("relu", "he"), ("tanh", "xavier_normal")])
def test_designed_initialisations_keep_the_norms_flat(activation, init):
    r = DN.run(DN.Settings(num_layers=50, width=256, activation=activation, init=init), seed=0)
    act = r.layers["act_rms"].iloc[1:]
    if activation == "tanh":     # tanh still shrinks slowly (its slope is below 1 away from 0), but not exponentially
        assert act.iloc[-1] > 0.05 * act.iloc[0]
    else:
        assert act.max() / act.min() < 2.5
        grad = r.layers["grad_rms"]
        assert grad.max() / grad.min() < 2.5


def test_sigma_too_small_or_large_vanishes_or_explodes():
    small = DN.run(DN.Settings(num_layers=20, width=128, activation="relu", init="normal", sigma=0.05))
    assert small.act_ratio < 1e-6 and small.grad_ratio < 1e-6
    large = DN.run(DN.Settings(num_layers=20, width=128, activation="relu", init="normal", sigma=0.3))
    assert large.act_ratio > 1e6 and large.grad_ratio > 1e6
    sig = DN.run(DN.Settings(num_layers=20, width=128, activation="sigmoid", init="xavier_normal"))
    assert sig.grad_ratio < 1e-5                              # slope ≤ ¼: nothing keeps sigmoid flat


def test_overflow_is_located_never_raised():
    r = DN.run(DN.Settings(num_layers=50, width=256, activation="identity", init="normal", sigma=10.0))
    layer, kind = r.act_bad
    # each layer multiplies the RMS by σ√n = 160; float32 ends at 3.4e38 → about layer 17–18
    assert kind in ("inf", "NaN") and 15 <= layer <= 20
    assert math.isfinite(r.layers["act_rms"].iloc[layer - 1])
    assert r.weight_grad_bad[1] in ("inf", "NaN")
    assert r.hists["nonfinite"].max() > 0                      # the histograms say how much is inf/NaN


def test_vanished_to_zero_is_located():
    r = DN.run(DN.Settings(num_layers=50, width=8, activation="identity", init="normal", sigma=0.01))
    assert r.act_bad[1] == "0" and r.grad_bad[1] == "0"


def test_deep_run_is_deterministic_and_seeded():
    s = DN.Settings(num_layers=5, width=16)
    a, b, c = DN.run(s, seed=4), DN.run(s, seed=4), DN.run(s, seed=5)
    assert a.layers.equals(b.layers) and a.hists.equals(b.hists)
    assert not a.layers.equals(c.layers)


def test_histograms_cover_up_to_five_layers():
    assert DN.hist_layers(50) == [1, 12, 25, 38, 50]
    assert DN.hist_layers(1) == [1]
    r = DN.run(DN.Settings(num_layers=3, width=8))
    assert set(r.hists["layer"]) == {1, 2, 3}
    for (_, _), d in r.hists.groupby(["quantity", "layer"]):
        assert d["fraction"].sum() == pytest.approx(1.0)


def test_bounds_keep_the_heaviest_setting_small():
    b = bounds(DN.Settings)
    assert b["num_layers"].hi == 50 and b["width"].hi == 256 and set(DN.ACTIVATIONS) == set(b["activation"].options)
    assert bounds(SC.Settings)["T"].hi == 1000
