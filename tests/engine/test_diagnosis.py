"""The shared verdict on a training run, on synthetic curves: each case gets its own kind and the
advice that fits it (the cases the issue reported got the wrong one)."""
from __future__ import annotations

import math

import pytest

from engine.diagnosis import STRINGS, diagnose, lr_position
from engine.i18n import Translator

LN10 = math.log(10)


def test_a_nonfinite_loss_is_divergence():
    v = diagnose([2.3, 5.0, float("inf")], chance=LN10)
    assert v.kind == "diverged" and v.values["step"] == 2
    assert diagnose([2.3, 1.0], diverged_at=7).values["step"] == 7
    assert diagnose([float("nan"), 2.3, 1.0, 0.5]).kind == "improving"     # an unknown start is not a divergence


def test_flat_at_chance_with_the_lowest_learning_rate_is_told_to_raise_it_not_lower_it():
    # MLP, dropout 0.9, η at its minimum: the loss never leaves ln 10
    v = diagnose([2.3026, 2.3025, 2.3026, 2.3025], chance=LN10, lr_position=0.0, regularization=0.0)
    assert (v.kind, v.cause) == ("stuck", "lr_low")
    assert "Raise the learning rate" in Translator("en", STRINGS)(v.key, **v.values)


def test_heavy_dropout_with_a_rising_loss_at_the_lowest_rate_is_not_blamed_on_the_rate():
    # MLP, dropout 0.9, η at its minimum: the dropped-out training loss rises above ln 10
    v = diagnose([2.30, 3.2, 3.5, 3.58], chance=LN10, lr_position=0.0, regularization=0.9)
    assert (v.kind, v.cause) == ("stuck", "regularized")
    assert "Lower the learning rate" not in Translator("en", STRINGS)(v.key, **v.values)
    assert diagnose([2.30, 3.2, 3.5, 3.58], chance=LN10, lr_position=0.0).cause == "lr_low"


def test_heavy_dropout_at_chance_blames_the_dropout():
    v = diagnose([2.3026, 2.3025, 2.3026], chance=LN10, lr_position=0.5, regularization=0.9)
    assert (v.kind, v.cause) == ("stuck", "regularized")


def test_a_loss_thrown_up_and_stuck_at_chance_blames_a_large_learning_rate():
    v = diagnose([2.31, 9.0, 2.31, 2.3026], chance=LN10, lr_position=0.5)
    assert (v.kind, v.cause) == ("stuck", "lr_high")
    assert "Lower the learning rate" in Translator("en", STRINGS)(v.key, **v.values)


def test_toy_transformer_flat_at_ln5_is_stuck_at_chance():
    v = diagnose([math.log(5) + 0.01, math.log(5), math.log(5) + 0.002], chance=math.log(5))
    assert v.kind == "stuck"


def test_slowly_falling_above_chance_is_improving_not_stuck():
    v = diagnose([2.40, 2.36, 2.33], chance=LN10)
    assert (v.kind, v.cause) == ("improving", "slow")


def test_held_out_perplexity_above_the_vocabulary_is_overfitting_beyond_chance():
    # character LM on a tiny upload: 60 characters, train loss falls, held-out perplexity 3000 and rising
    V = 60
    v = diagnose([4.0, 2.0, 0.5, 0.1], [4.0, 4.5, 6.0, math.log(3000)], chance=math.log(V))
    assert (v.kind, v.cause) == ("overfitting", "beyond_chance")
    assert float(v.values["valid_ppl"]) == pytest.approx(3000, rel=1e-3)


def test_held_out_loss_rising_from_its_best_is_overfitting():
    v = diagnose([1.0, 0.6, 0.4, 0.2], [1.0, 0.7, 0.8, 0.95], chance=LN10)
    assert (v.kind, v.cause) == ("overfitting", "")


def test_a_language_models_held_out_perplexity_rising_5_percent_is_overfitting():
    """A language model's loss is ≈ 4.5 nats: 10 % of it is perplexity up 56 %. The held-out perplexity of a
    real 60,000-character Chinese text after slices of Continue (benchmarks/upload_corpus.py) — best 87.6,
    then 88.4 (noise), 94.8 and 98.8 — must not be called "still improving, more epochs would lower it"."""
    ppl = [1389.6, 172.8, 114.9, 116.2, 100.3, 90.7, 92.2, 90.8, 87.6, 89.4, 90.0, 88.4, 91.9, 95.9, 94.8, 98.8]
    train = [math.log(x) for x in (1500, 200, 120, 100, 80, 66, 55, 47, 40, 35, 31, 28, 25, 23, 21, 19.5)]
    held = [math.log(x) for x in ppl]
    V = math.log(1382)
    assert diagnose(train[:12], held[:12], chance=V).kind == "improving"          # 88.4 vs 87.6: noise
    v = diagnose(train[:15], held[:15], chance=V)
    assert v.kind == "overfitting" and float(v.values["valid_ppl"]) == pytest.approx(94.8, rel=1e-3)
    assert diagnose(train, held, chance=V).kind == "overfitting"
    # a small classification loss keeps the relative rule: 0.30 → 0.32 is not overfitting, 0.30 → 0.34 is
    assert diagnose([1.0, 0.5, 0.3, 0.2], [1.0, 0.5, 0.30, 0.32], chance=LN10).kind != "overfitting"
    assert diagnose([1.0, 0.5, 0.3, 0.2], [1.0, 0.5, 0.30, 0.34], chance=LN10).kind == "overfitting"


def test_overfitting_while_the_training_loss_jitters_near_its_best():
    """A 128-unit LSTM on 2,000 characters (Adam): held-out perplexity 3.13 → 6.6 while training perplexity
    wanders between 1.06 and 1.17. The last epoch's bump above the training minimum used to make this "fine"."""
    train = [math.log(x) for x in (2.36, 1.59, 1.41, 1.37, 1.28, 1.23, 1.20, 1.20, 1.17, 1.14, 1.14, 1.11, 1.12,
                                   1.14, 1.14, 1.12, 1.10, 1.09, 1.10, 1.08, 1.11, 1.09, 1.06, 1.17)]
    held = [math.log(x) for x in (29.75, 3.36, 3.13, 3.19, 3.5, 3.56, 3.82, 4.2, 4.19, 4.52, 4.87, 4.89, 5.21,
                                  5.36, 5.57, 5.11, 5.12, 5.53, 5.85, 5.91, 5.88, 6.59, 6.67, 6.6)]
    assert diagnose(train, held, chance=math.log(30)).kind == "overfitting"
    # both curves going up together is no overfitting: the training loss is above where it was at the held-out best
    rising = train[:3] + [train[2] + 0.1 * k for k in range(1, 21)]
    assert diagnose(rising, held[:23], chance=math.log(30)).kind != "overfitting"


def test_a_settled_run_is_fine_and_a_falling_one_improving():
    assert diagnose([1.0, 0.5, 0.3, 0.31], [1.0, 0.6, 0.4, 0.41], chance=LN10).kind == "fine"
    assert diagnose([1.0, 0.5, 0.3, 0.2], [1.0, 0.6, 0.4, 0.35], chance=LN10).kind == "improving"


def test_lr_position_is_on_the_log_scale():
    assert lr_position(1e-3, 1e-3, 10) == 0
    assert lr_position(10, 1e-3, 10) == 1
    assert lr_position(0.1, 1e-3, 10) == pytest.approx(0.5)


def test_every_verdict_message_exists_in_both_languages_and_formats():
    for key, text in STRINGS.items():
        assert set(text) == {"en", "zh"}, key
    cases = [diagnose([2.3, 2.3], chance=LN10, lr_position=p, regularization=r) for p, r in ((0, 0), (1, 0), (0.5, 0.9), (0.5, 0))]
    cases += [diagnose([1, 0.5, 0.1], [1, 3, 5], chance=1.5), diagnose([1, 0.5, 0.4], [1, 0.5, 0.9]),
              diagnose([1, 0.5]), diagnose([1, 0.5, 0.6]), diagnose([1, float("nan")]),
              diagnose([2.3, 9e5, 1.6e6], chance=LN10), diagnose([2.5, 2.35, 2.3], chance=LN10)]
    assert {k for k in STRINGS if not k.startswith("verdict.baseline.")} <= {v.key for v in cases}
    for v in cases:
        for lang in ("en", "zh"):
            text = Translator(lang, STRINGS)(v.key, **v.values)
            assert "{" not in text and text != v.key, (v, lang, text)


# ---- regression: the baseline (predicting the mean of y) and the noise floor ------------------------

BASE, FLOOR = 8.18, 5e-5          # linear regression at the book's data: ½ Var y, σ²/2 with σ = 0.01
en = Translator("en", STRINGS)


def say(v) -> str:
    return en(v.key, **v.values)


def test_regression_divergence_is_divergence_whatever_the_reference():
    v = diagnose([16.4, float("inf")], baseline=BASE, floor=FLOOR)
    assert (v.kind, v.key, v.values["step"]) == ("diverged", "verdict.diverged", 1)
    assert diagnose([16.4, 1e30], baseline=BASE, floor=FLOOR, diverged_at=21).values["step"] == 21


def test_a_loss_at_the_noise_floor_is_told_that_no_model_does_better():
    # the book's run: 16.4 → 0.039 → 1.4e-4 → 4.7e-5 (σ²/2 = 5e-5; the least-squares loss 4.6e-5)
    v = diagnose([16.36, 0.0393, 1.43e-4, 4.68e-5], baseline=BASE, floor=FLOOR, lr_position=0.37)
    assert (v.kind, v.key) == ("floor", "verdict.baseline.floor")
    assert "no model can do better" in say(v) and "5.000e-05" in say(v)
    # below the floor (a fitted sample's noise) is at the floor too; 2× above it is not
    assert diagnose([17.8, 1.90, 1.85], baseline=9.8, floor=2.0).kind == "floor"
    assert diagnose([16.36, 0.0393, 1.43e-4, 1e-4], baseline=BASE, floor=FLOOR).kind != "floor"


def test_a_tiny_learning_rate_for_one_epoch_is_told_to_raise_it_not_lower_it():
    # η = 0.001, one epoch: 16.4 → 13.4, above ½ Var y = 8.2 — no better than predicting the mean yet
    v = diagnose([16.36, 13.43], baseline=BASE, floor=FLOOR, lr_position=0.0)
    assert (v.kind, v.cause, v.key) == ("improving", "slow", "verdict.baseline.improving.slow")
    assert "raise the learning rate or train for longer" in say(v) and "Lower" not in say(v)


def test_flat_at_the_baseline_blames_the_cause_that_fits():
    flat = [8.30, 8.25, 8.26, 8.25]
    v = diagnose(flat, baseline=BASE, floor=FLOOR, lr_position=0.0)
    assert (v.kind, v.cause) == ("stuck", "lr_low") and "Raise the learning rate" in say(v)
    v = diagnose(flat, baseline=BASE, floor=FLOOR, lr_position=0.5)
    assert (v.kind, v.cause) == ("stuck", "flat") and "Raise the learning rate" in say(v)
    v = diagnose([9.6, 38.5, 36.2, 36.1], baseline=9.78, lr_position=1.0)       # thrown up the wall
    assert (v.kind, v.cause) == ("stuck", "lr_high") and "Lower the learning rate" in say(v)
    assert "Raise" not in say(v)


def test_falling_below_the_baseline_but_above_the_floor_is_still_improving():
    # η = 0.001 for 50 epochs: 16.4 → … → 9.1e-4, still falling, 18× the floor
    curve = [16.36 * 0.82 ** k for k in range(50)]
    v = diagnose(curve, baseline=BASE, floor=FLOOR, lr_position=0.0)
    assert (v.kind, v.key) == ("improving", "verdict.baseline.improving")
    assert "Training for longer" in say(v) and "Lower" not in say(v)


def test_settled_above_the_floor_is_told_the_minibatch_noise():
    # η = 0.5 with batches of 1: down to 6e-5 in one epoch, then jittering at 10–30× the floor
    v = diagnose([16.36, 6.06e-5, 1.69e-3, 6.19e-4], baseline=BASE, floor=FLOOR, lr_position=0.8)
    assert (v.kind, v.cause, v.key) == ("fine", "above_floor", "verdict.baseline.fine.above_floor")
    assert "lower the learning rate (or use larger minibatches)" in say(v)


def test_a_loss_thrown_back_up_after_coming_down_is_unstable():
    # the gradient-clipping lesson with θ = 100: it reached 0.1, a step on the cliff threw it back to 8.2
    v = diagnose([9.59, 7.1, 0.10, 8.5, 5.9, 8.24], baseline=9.78, floor=0.0, lr_position=0.5)
    assert (v.kind, v.key, v.values["best"]) == ("unstable", "verdict.baseline.unstable", "0.1")
    assert "thrown back up to 8.24" in say(v) and "Lower the learning rate" in say(v)


def test_a_noiseless_floor_of_zero_is_reached_only_near_zero():
    assert diagnose([9.6, 1e-3, 1e-7], baseline=9.78, floor=0.0).kind == "floor"
    assert diagnose([9.6, 0.5, 0.098], baseline=9.78, floor=0.0).kind == "improving"


def test_every_regression_verdict_message_exists_in_both_languages_and_formats():
    cases = [diagnose([16.4, 4.7e-5], baseline=BASE, floor=FLOOR), diagnose([16.4, 13.4], baseline=BASE, floor=FLOOR),
             diagnose([16.4, 1.0, 0.1], baseline=BASE, floor=FLOOR), diagnose([16.4, 6e-5, 1.7e-3, 6.2e-4], baseline=BASE, floor=FLOOR),
             diagnose([9.6, 0.1, 8.2], baseline=9.78), diagnose([16.4, float("nan")], baseline=BASE, floor=FLOOR)]
    cases += [diagnose([8.3, 8.25, 8.26], baseline=BASE, floor=FLOOR, lr_position=p, regularization=r)
              for p, r in ((0, 0), (1, 0), (0.5, 0.9), (0.5, 0))]
    cases += [diagnose(*WD_ZERO, baseline=WD_BASE, floor=WD_FLOOR), diagnose([1, 0.1, 0.05], [1, 0.1, 0.2], baseline=2.0),
              diagnose([1, 0.5, 0.1], baseline=2.0), diagnose([1, 0.1, 0.1, 0.1], baseline=2.0)]
    cases += [diagnose(c, baseline=BASE, floor=FLOOR, floor_kind="best_fit")
              for c in ([16.4, 4.7e-5], [16.4, 1.0, 0.1], [16.36, 6.06e-5, 1.69e-3, 6.19e-4])]
    keys = {v.key for v in cases}
    assert {k for k in STRINGS if k.startswith("verdict.baseline.")} <= keys
    for v in cases:
        for lang in ("en", "zh"):
            text = Translator(lang, STRINGS)(v.key, **v.values)
            assert "{" not in text and text != v.key, (v, lang, text)


# ---- regression with a held-out curve: overfitting against the baseline (weight decay, d2l §3.7) ----

# the book's λ = 0 run (20 examples, 200 inputs; every 10th epoch): the training loss falls to 6e-6,
# the held-out loss stays near 96, ten thousand times ½ Var y ≈ 0.0095 and no longer falling
WD_ZERO = ([145.6, 12.0, 1.72, 0.294, 0.0549, 0.0109, 2.27e-3, 4.9e-4, 1.09e-4, 2.5e-5, 6e-6],
           [98.0, 94.3, 95.5, 96.0, 96.18, 96.24, 96.253, 96.2545, 96.2528, 96.2510, 96.2498])
WD_THREE = ([145.6, 5.70, 0.393, 0.0357, 6.4e-3, 3.52e-3, 3.07e-3, 2.88e-3, 2.73e-3, 2.62e-3, 2.49e-3],
            [98.0, 45.9, 22.7, 11.2, 5.57, 2.79, 1.42, 0.742, 0.405, 0.236, 0.149])
WD_BASE, WD_FLOOR = 0.0095, 0.01 ** 2 / 2


def test_the_books_weight_decay_without_penalty_is_overfitting_not_the_noise_floor():
    v = diagnose(*WD_ZERO, baseline=WD_BASE, floor=WD_FLOOR, regularization=0.0)
    assert (v.kind, v.cause, v.key) == ("overfitting", "beyond_baseline", "verdict.baseline.overfitting.beyond_baseline")
    assert "worse than predicting the mean" in say(v) and "96.25" in say(v) and "larger weight decay" in say(v)
    assert "过拟合" in Translator("zh", STRINGS)(v.key, **v.values)
    # the same training curve alone would read as the noise floor: the held-out curve tells them apart
    assert diagnose(WD_ZERO[0], baseline=WD_BASE, floor=WD_FLOOR).kind == "floor"


def test_the_books_weight_decay_with_lambda_3_is_not_overfitting():
    # the held-out loss is still above ½ Var y but falling fast: the penalty is still pulling w in
    v = diagnose(*WD_THREE, baseline=WD_BASE, floor=WD_FLOOR, regularization=3.0)
    assert v.kind != "overfitting" and (v.kind, v.key) == ("improving", "verdict.baseline.improving")


def test_a_rising_held_out_loss_against_the_baseline_is_overfitting():
    v = diagnose([1.0, 0.3, 0.1, 0.05], [1.0, 0.3, 0.4, 0.6], baseline=2.0, floor=0.0)
    assert (v.kind, v.key, v.values["best"], v.values["valid"]) == ("overfitting", "verdict.baseline.overfitting", "0.3", "0.6")
    # a held-out loss that follows the training loss down is no overfitting
    assert diagnose([1.0, 0.3, 0.1, 0.05], [1.1, 0.4, 0.2, 0.15], baseline=2.0, floor=0.0).kind != "overfitting"


def test_an_unknown_floor_never_claims_the_floor_or_blames_minibatch_noise():
    # real data (house prices, log-RMSE): the noise in the data is not known
    settled = [0.40, 0.17, 0.165, 0.166, 0.165]
    v = diagnose(settled, baseline=0.40)
    assert (v.kind, v.cause, v.key) == ("fine", "", "verdict.baseline.fine") and "0.165" in say(v)
    assert diagnose(settled, baseline=0.40, floor=0.0).cause == "above_floor"
    v = diagnose([0.40, 0.3, 0.2, 0.1], baseline=0.40)
    assert (v.kind, v.key) == ("improving", "verdict.baseline.improving.no_floor") and "noise floor" not in say(v)
    assert diagnose([0.40, 1e-9], baseline=0.40).kind != "floor"


def test_the_books_usual_dropout_of_one_half_is_not_blamed():
    # AlexNet's classifier (p = 0.5) flat at chance like NiN beside it, which has no dropout at all
    assert diagnose([2.303, 2.302, 2.303], chance=LN10, lr_position=0.6, regularization=0.5).cause == "flat"
    assert diagnose([2.303, 2.302, 2.303], chance=LN10, lr_position=0.6, regularization=0.6).cause == "regularized"


# ---- a loss far above chance is a blow-up, not "near chance" ------------------------------------------

def test_a_huge_finite_loss_far_above_chance_is_a_blow_up_told_to_lower_the_rate():
    # the MLP with a huge η: no inf/NaN, but the loss ended at 1.6e6 against ln 10 = 2.30 (even at a middle η)
    v = diagnose([2.31, 4.1e5, 9.8e5, 1.6e6], chance=LN10, lr_position=0.5)
    assert (v.kind, v.key) == ("unstable", "verdict.unstable")
    en, zh = say(v), Translator("zh", STRINGS)(v.key, **v.values)
    assert "1.600e+06" in en and "far above ln q = 2.3" in en and "Lower the learning rate" in en
    assert "stays near" not in en and "Stuck" not in en and "Raise" not in en
    assert "远高于 ln q = 2.3" in zh and "请降低学习率" in zh and "接近" not in zh
    # still falling at the end (from its peak) does not make a blow-up "improving": it rose above its start
    assert diagnose([2.31, 3e7, 1.6e6], chance=LN10, lr_position=0.5).kind == "unstable"
    # η at the top of its range and a loss far above chance from the start: the steps are too large too
    assert diagnose([40.0, 41.0, 40.5], chance=LN10, lr_position=1.0).kind == "unstable"


def test_near_chance_cases_keep_their_own_advice_not_the_blow_up():
    # η tiny: flat at ln 10 → raise η
    assert diagnose([2.3026, 2.3025, 2.3026], chance=LN10, lr_position=0.0).key == "verdict.stuck.lr_low"
    # dropout 0.9: the dropped-out loss rises to 1.5 × ln 10 (and even to 3 × ln 10): blame the dropout
    assert diagnose([2.30, 3.2, 3.5, 3.58], chance=LN10, lr_position=0.5, regularization=0.9).key == "verdict.stuck.regularized"
    assert diagnose([2.30, 5.0, 7.0], chance=LN10, lr_position=0.5, regularization=0.9).key == "verdict.stuck.regularized"
    # a large η that saturated the units just above chance: still "stuck at chance", lower η
    assert diagnose([2.30, 2.9, 2.5, 2.45], chance=LN10, lr_position=0.9).key == "verdict.stuck.lr_high"
    # the threshold: twice ln q and a nat above it (binary: ln 2 + 1 = 1.69, not 2 ln 2 = 1.39)
    assert diagnose([0.69, 1.2, 1.5], chance=math.log(2), lr_position=0.5).kind == "stuck"
    assert diagnose([0.69, 1.2, 1.8], chance=math.log(2), lr_position=0.5).kind == "unstable"
    assert diagnose([2.30, 4.0, 4.5], chance=LN10, lr_position=0.5).kind == "stuck"       # 1.95 × ln 10
    # a poor start far above chance that only comes down, at a middle η: still improving, not a blow-up
    assert diagnose([40.0, 20.0, 9.0], chance=LN10, lr_position=0.5).key == "verdict.improving"


# ---- what the floor is: the noise in the data, or the best the model can do ---------------------------

def test_a_best_fit_floor_is_called_the_least_squares_minimum_not_noise():
    for kind, curve, key in (("floor", [16.4, 4.7e-5], "verdict.baseline.floor"),
                             ("improving", [16.4, 1.0, 0.1], "verdict.baseline.improving"),
                             ("fine", [16.36, 6.06e-5, 1.69e-3, 6.19e-4], "verdict.baseline.fine.above_floor")):
        noise = diagnose(curve, baseline=BASE, floor=FLOOR)
        best = diagnose(curve, baseline=BASE, floor=FLOOR, floor_kind="best_fit")
        assert (noise.kind, best.kind) == (kind, kind) and noise.key == key and best.key == key + ".best_fit"
        assert "noise floor" in say(noise) and "least-squares minimum" not in say(noise)
        assert "least-squares minimum" in say(best) and "best any weights of this model can do" in say(best)
        assert "noise" not in say(best).replace("noisy minibatch", "")
        zh = Translator("zh", STRINGS)(best.key, **best.values)
        assert "最小二乘的最小值" in zh and "噪声下限" not in zh
    # the messages that do not name the floor are the same for both kinds
    stuck = diagnose([8.3, 8.25, 8.26], baseline=BASE, floor=FLOOR, lr_position=0.0, floor_kind="best_fit")
    assert stuck.key == "verdict.baseline.stuck.lr_low"
    with pytest.raises(ValueError):
        diagnose([1.0, 0.5], baseline=2.0, floor=0.0, floor_kind="noisy")
