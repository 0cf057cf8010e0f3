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
              diagnose([1, 0.5]), diagnose([1, 0.5, 0.6]), diagnose([1, float("nan")])]
    for v in cases:
        for lang in ("en", "zh"):
            text = Translator(lang, STRINGS)(v.key, **v.values)
            assert "{" not in text and text != v.key, (v, lang, text)
