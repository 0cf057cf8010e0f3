"""Softmax regression (d2l §3.4–3.7): the book's functions against torch's built-ins, the
overflow of the naive softmax, scratch == concise, the book's run on the digits, determinism,
divergence and the work budget. Offline: the digits are used (Fashion-MNIST needs a download)."""
from __future__ import annotations

import dataclasses

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import engine.softmax_regression as L
from engine import settings as S
from engine.budget import Budget
from engine.datasets.images import load_image_data
from engine.i18n import Translator, missing


@pytest.fixture(scope="module")
def digits():
    return load_image_data("digits")


def run(digits, seed=0, **kw):
    return L.run(L.Settings(dataset="digits", **kw), seed=seed, data=digits)


# ---- the book's functions -------------------------------------------------------------------

def test_softmax_rows_sum_to_one_and_match_torch():
    X = torch.normal(0, 1, (4, 7), generator=torch.Generator().manual_seed(0))
    for f in (L.softmax, L.softmax_stable):
        P = f(X)
        assert (P > 0).all()
        torch.testing.assert_close(P.sum(1), torch.ones(4))
        torch.testing.assert_close(P, torch.softmax(X, dim=1))
    torch.testing.assert_close(L.log_softmax(X), torch.log_softmax(X, dim=1))
    # the book's example: softmax keeps the order of the logits
    p = L.softmax(torch.tensor([[1.0, 2.0, 3.0]]))[0]
    assert p[0] < p[1] < p[2]


def test_cross_entropy_is_torchs_on_the_log_probabilities():
    y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])          # the book's example (§3.6.4)
    y = torch.tensor([0, 2])
    torch.testing.assert_close(L.cross_entropy(y_hat, y), torch.tensor([-math.log(0.1), -math.log(0.5)]))
    torch.testing.assert_close(L.cross_entropy(y_hat, y), F.nll_loss(torch.log(y_hat), y, reduction="none"))
    logits = torch.normal(0, 3, (6, 10), generator=torch.Generator().manual_seed(1))
    labels = torch.arange(6)
    torch.testing.assert_close(L.cross_entropy(L.softmax(logits), labels),
                               F.cross_entropy(logits, labels, reduction="none"))


def test_accuracy_and_evaluate_accuracy():
    y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
    y = torch.tensor([0, 2])
    assert L.accuracy(y_hat, y) == 1.0 and L.accuracy(y_hat, y) / len(y) == 0.5         # the book's 0.5
    assert L.accuracy(torch.tensor([2, 2]), y) == 1.0                                      # already labels
    W = torch.zeros(3, 2)
    W[0, 0] = W[1, 1] = 1.0
    net = L.SoftmaxScratch(W, torch.zeros(2))
    X = torch.tensor([[1.0, 0, 0], [0, 1.0, 0], [0, 2.0, 0], [3.0, 0, 0]])
    assert L.evaluate_accuracy(net, X, torch.tensor([0, 1, 0, 0])) == 0.75


def test_naive_softmax_overflows_the_stable_one_does_not():
    logits = torch.tensor([[1000.0, 999.0, 0.0], [-1000.0, 0.0, 1.0]])
    naive = L.softmax(logits)
    assert torch.isnan(naive[0, 0]), "exp(1000) = inf, and inf/inf is NaN"
    assert naive[1].isfinite().all()
    torch.testing.assert_close(L.softmax_stable(logits), torch.softmax(logits, dim=1))
    ce_naive = L.cross_entropy(naive, torch.tensor([1, 1]))
    assert not torch.isfinite(ce_naive[0])
    torch.testing.assert_close(-L.log_softmax(logits)[range(2), [1, 1]],
                               F.cross_entropy(logits, torch.tensor([1, 1]), reduction="none"))
    # and a tiny probability becomes −log 0 = inf in the naive form, ~1000 in the stable one
    assert torch.isinf(L.cross_entropy(L.softmax(torch.tensor([[0.0, -1000.0]])), torch.tensor([1])))[0]
    assert math.isclose(float(-L.log_softmax(torch.tensor([[0.0, -1000.0]]))[0, 1]), 1000.0, rel_tol=1e-6)


def test_stability_table_breaks_at_the_overflow_scale():
    limit = L.overflow_scale()
    assert 44 < limit < 45                                # ln(float32 max) / 2
    ok = L.stability_table(limit * 0.99)
    assert ok["naive"].notna().all()
    np.testing.assert_allclose(ok["naive"], ok["stable"], rtol=1e-5, atol=1e-30)
    bad = L.stability_table(limit * 1.01)
    assert bad["naive"].isna().any() and np.isinf(bad["exp_logit"][0])
    assert bad["stable"].notna().all() and math.isclose(bad["stable"].sum(), 1.0, rel_tol=1e-6)
    assert (bad["exp_shifted"] <= 1).all()
    small = L.stability_table(1.0)
    np.testing.assert_allclose(small["stable"], torch.softmax(torch.tensor([2.0, 1.0, 0.1]), 0).numpy(), rtol=1e-6)
    assert math.isclose(small["ce_stable"][0], -math.log(small["stable"][0]), rel_tol=1e-5)


# ---- training ---------------------------------------------------------------------------

def test_scratch_equals_concise(digits):
    a = run(digits, impl="scratch", num_epochs=3)
    b = run(digits, impl="concise", num_epochs=3)
    np.testing.assert_allclose(a.epochs.to_numpy(), b.epochs.to_numpy(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(a.W, b.W, atol=1e-5)
    np.testing.assert_allclose(a.b, b.b, atol=1e-5)
    assert (a.confusion == b.confusion).all()


def test_same_seed_same_numbers_other_seed_other_numbers(digits):
    a, b = run(digits, seed=3, num_epochs=2), run(digits, seed=3, num_epochs=2)
    assert a.epochs.equals(b.epochs) and (a.W == b.W).all() and a.grid.equals(b.grid)
    c = run(digits, seed=4, num_epochs=2)
    assert not (a.W == c.W).all()


def test_book_run_on_the_digits(digits):
    """The issue's bar: the book's settings (lr 0.1, batch 256, 10 epochs) reach test accuracy
    ≥ 0.90 on the digits fallback. They make only 60 updates on the 1,438 digits (2,350 on
    Fashion-MNIST), which is why the digits are standardised per pixel: on raw [0, 1] pixels the
    same 60 updates stop at 0.87–0.89 (asserted too, so the note on the page stays true)."""
    assert digits.standardise
    book = [run(digits, seed=seed) for seed in range(3)]
    for r in book:
        assert r.dataset == "digits" and r.steps == 60 and r.divergence is None
        assert r.test_acc >= 0.90, [b.test_acc for b in book]
        assert list(r.epochs["epoch"]) == list(range(1, 11))
        assert r.epochs["train_loss"].is_monotonic_decreasing
    raw = dataclasses.replace(digits, standardise=False)
    plain = [run(raw, seed=seed) for seed in range(3)]
    assert all(0.85 <= r.test_acc < 0.90 for r in plain), [r.test_acc for r in plain]
    for impl in ("scratch", "concise"):                  # both implementations, same numbers
        assert run(digits, seed=0, impl=impl).test_acc >= 0.90


def test_inputs_standardise_the_digits_and_leave_the_images(digits):
    X = digits.inputs(digits.X_train)
    assert X.shape == (len(digits.X_train), 64)
    seen = digits.X_train.reshape(len(X), -1).std(0) > 0
    assert torch.allclose(X.mean(0), torch.zeros(64), atol=1e-5)
    assert torch.allclose(X.std(0)[seen], torch.ones(int(seen.sum())), atol=1e-4)
    assert (X[:, ~seen] == 0).all()                       # always-blank pixels stay 0, no division by 0
    assert 0 <= float(digits.X_train.min()) and float(digits.X_train.max()) <= 1   # images for display
    raw = dataclasses.replace(digits, standardise=False)
    assert torch.equal(raw.inputs(digits.X_test), digits.X_test.reshape(len(digits.X_test), -1))


def test_result_shapes_confusion_and_grid(digits):
    r = run(digits, num_epochs=3, num_train=500)
    assert r.num_train_used == 500 and r.num_test == len(digits.y_test)
    assert r.W.shape == (64, 10) and r.b.shape == (10,)
    assert r.confusion.shape == (10, 10) and r.confusion.sum() == r.num_test
    assert math.isclose(np.trace(r.confusion) / r.num_test, r.test_acc)
    assert (r.confusion.sum(1) == torch.bincount(digits.y_test, minlength=10).numpy()).all()
    assert len(r.grid) == L.GRID_SIZE and r.grid_images.shape == (L.GRID_SIZE, 8, 8)
    wrong = (~r.grid["correct"]).to_numpy()
    assert wrong[0] and not any(wrong[i] and not wrong[i - 1] for i in range(1, len(wrong))), "mistakes first"
    np.testing.assert_array_equal(r.grid_images[0], digits.X_test[r.grid["index"][0], 0].numpy())
    assert (r.grid["true"] == digits.y_test[r.grid["index"]].numpy()).all()
    assert ((0 < r.grid["prob"]) & (r.grid["prob"] <= 1)).all()


def test_num_train_is_capped_by_the_data(digits):
    r = run(digits, num_epochs=1, num_train=60_000)
    assert r.num_train_used == len(digits.X_train)


def test_divergence_is_recorded_not_raised(digits):
    r = run(digits, lr=100.0)
    d = r.divergence
    assert d is not None and d.epoch == 1 and d.step >= 1 and not math.isfinite(d.value)
    assert len(r.epochs) == 1 and not math.isfinite(r.last("train_loss"))
    # the charts of a diverged run say what they show: NaN probabilities, no blank squares without a word
    from engine.i18n import Translator
    from engine.softmax_regression import STRINGS, fig_predictions, fig_weights
    tr = Translator("en", STRINGS)
    if not np.isfinite(r.W).any():
        title = fig_weights(r, tr).layout.title          # the note is the subtitle, under the title
        assert tr("weights_not_finite") in title.text + (title.subtitle.text or "")
    labels = [a.text for a in fig_predictions(r, tr).layout.annotations]
    assert not any("nan%" in t for t in labels) and any("(NaN)" in t for t in labels)
    # the concise version computes the loss with log-sum-exp: the same lr stays finite
    c = run(digits, impl="concise", lr=100.0, num_epochs=2)
    assert c.divergence is None and np.isfinite(c.epochs["train_loss"]).all()


def test_extreme_settings_work(digits):
    r = run(digits, batch_size=1, num_epochs=1, num_train=10)
    assert r.steps == 10 and len(r.epochs) == 1
    r = run(digits, batch_size=1024, num_epochs=1)
    assert r.steps == 2


def test_budget_caps_the_run_and_reproduces(digits):
    cap = 5 * (256 + L.STEP_COST)
    a = L.run(L.Settings(dataset="digits"), data=digits, budget=Budget(max_units=cap))
    b = L.run(L.Settings(dataset="digits"), data=digits, budget=Budget(max_units=cap))
    assert a.stop_reason == "units" and a.steps == 5 and a.epochs.equals(b.epochs)
    assert 0 < a.epochs["epoch"].iloc[-1] < 1                        # a partial first epoch
    # the heaviest settings on the largest data stay within the lesson's cap
    heaviest = L.Settings(num_train=60_000, batch_size=1, num_epochs=50)
    assert heaviest.num_train * heaviest.num_epochs * (1 + L.STEP_COST) > L.MAX_UNITS
    # … while the book's run on Fashion-MNIST (10 epochs of 60,000 at batch 256) is never cut short
    assert 10 * (60_000 + math.ceil(60_000 / 256) * L.STEP_COST) <= L.MAX_UNITS


def test_live_records_and_progress(digits):
    events = []
    run_ = L.run(L.Settings(dataset="digits", num_epochs=4), data=digits, on_step=events.append)
    assert events[-1]["done"] == events[-1]["total"] == run_.steps
    assert len(events[-1]["epochs"]) == 4


def test_settings_bounds_and_strings():
    b = S.bounds(L.Settings)
    assert b["lr"].log and 0.1 in b["lr"].options and b["lr"].hi == 100.0
    assert L.Settings().lr == 0.1 and L.Settings().batch_size == 256 and L.Settings().num_epochs == 10
    with pytest.raises(ValueError):
        L.Settings(batch_size=0)
    with pytest.raises(ValueError):
        L.Settings(dataset="cifar")
    assert not missing(L.STRINGS)
    tr = Translator("zh", L.STRINGS)
    assert tr("class.trouser") == "裤子"
    for key in ("title", "summary", "dataset", "num_train", "impl", "lr", "batch_size", "num_epochs", "logit_scale"):
        assert key in L.STRINGS


def test_figures_build_in_both_languages(digits):
    r = run(digits, num_epochs=2)
    bad = run(digits, lr=100.0)
    for lang in ("en", "zh"):
        tr = Translator(lang, L.STRINGS)
        for fig in (L.fig_curves(r.epochs, tr), L.fig_curves(bad.epochs, tr, bad.divergence), L.fig_weights(r, tr),
                    L.fig_weights(bad, tr), L.fig_confusion(r, tr), L.fig_predictions(r, tr),
                    L.fig_stability(L.stability_table(100.0), tr, 100.0)):
            assert fig.to_dict()["data"]
    titles = [a.text for a in L.fig_weights(r, Translator("en", L.STRINGS)).layout.annotations]
    assert sorted(titles) == sorted("0123456789")
