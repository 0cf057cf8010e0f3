"""issue 15: every lesson that trains a model tells diverging, stuck at chance (or at predicting the mean)
and overfitting apart with the shared verdict (engine.diagnosis via ui.verdict), with the advice that fits."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VERDICT_ICONS = ("📉", "📈", "🎯", "ℹ️")

# lessons that call ui.run_cached but train no model on data, so there is no loss curve to judge
EXEMPT = {
    "pages/training/gradient_descent.py": "gradient descent on a fixed 1-D/2-D function: the path to a known minimum, no data, no chance level",
    "pages/training/optimizers_2d.py": "optimizers racing on fixed 2-D surfaces: no data and no model to overfit",
    "pages/training/weighted_averages.py": "exponential moving averages of a fixed sequence: nothing is trained",
    "pages/training/exploding_gradients.py": "gradient norms through depth at initialisation: nothing is trained",
    "pages/training/gradient_checking.py": "compares autograd with finite differences on one network: nothing is trained",
    "pages/training/under_overfitting.py": "the book's under/good/overfitting lesson itself: its own verdict per degree against the true degree and σ²",
    "pages/vision/conv_playground.py": "a convolution computed on a typed grid: nothing is trained",
    "pages/vision/pooling.py": "pooling computed on a typed grid: nothing is trained",
}


def test_every_page_that_trains_a_model_gives_the_shared_verdict():
    pages = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("[!_]*/[!_]*.py"))   # the lessons
    cached = [p for p in pages if "ui.run_cached(" in (ROOT / p).read_text(encoding="utf-8")]
    missing = [p for p in cached if p not in EXEMPT and "ui.verdict(" not in (ROOT / p).read_text(encoding="utf-8")]
    assert not missing, f"these pages train a model but show no ui.verdict (or add them to EXEMPT with the reason): {missing}"
    # the exempt list stays honest: every entry exists, runs something, and gives no verdict
    for p in EXEMPT:
        text = (ROOT / p).read_text(encoding="utf-8")
        assert "ui.run_cached(" in text and "ui.verdict(" not in text, p
    assert len(cached) >= 20                  # the scan found the lessons


def verdicts(at) -> list[str]:
    return [e.value for e in [*at.warning, *at.info, *at.success] if e.icon in VERDICT_ICONS]


def boom(at) -> list[str]:
    return [e.value for e in at.error if e.icon == "💥"]


def open_page(app_at, page, query=None):
    at = app_at(query, timeout=300)
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def one(at) -> str:
    (v,) = verdicts(at)
    return v


# ---- weight decay: the book's overfitting example (λ = 0) against λ = 3 -------------------------------

DECAY = "pages/training/weight_decay.py"


def test_weight_decay_lambda_zero_overfits_and_lambda_three_does_not(app_at):
    v = one(open_page(app_at, DECAY))                                       # the default λ = 3
    assert v.startswith("**Still improving:**") and "Overfitting" not in v
    for lang, over, advice in (("en", "**Overfitting:**", "larger weight decay λ"), ("zh", "**过拟合：**", "更大的权重衰减 λ")):
        v = one(open_page(app_at, DECAY, {"lambd": "0", "sweep": "false", "lang": lang}))
        assert v.startswith(over) and advice in v and "96.25" in v, v


def test_weight_decay_tiny_rate_is_told_to_raise_it_and_a_huge_one_diverges(app_at):
    v = one(open_page(app_at, DECAY, {"lr": "0.0001", "sweep": "false"}))
    assert "predicting the mean" in v and "raise the learning rate" in v and "Lower" not in v
    at = open_page(app_at, DECAY, {"lr": "0.1", "sweep": "false"})
    assert boom(at) and "diverged" in boom(at)[0] and verdicts(at) == []


# ---- learning a kernel: exact target, floor 0 ------------------------------------------------------

KERNEL = "pages/vision/learn_kernel.py"


def test_kernel_verdicts(app_at):
    # the floor is the least-squares minimum (0: a 1×2 kernel can express the target exactly), not noise
    v = one(open_page(app_at, KERNEL))                                        # the book's 10 steps
    assert v.startswith("**Still improving:**") and "above the least-squares minimum 0:" in v and "noise" not in v
    v = one(open_page(app_at, KERNEL, {"num_steps": "200"}))
    assert v.startswith("**Reached the best fit:**") and "least-squares minimum 0," in v and "noise" not in v
    v = one(open_page(app_at, KERNEL, {"num_steps": "200", "lang": "zh"}))
    assert v.startswith("**达到最佳拟合：**") and "最小二乘的最小值 0" in v and "噪声" not in v
    v = one(open_page(app_at, KERNEL, {"lr": "1"}))
    assert "overshoot" in v and "Lower the learning rate" in v
    v = one(open_page(app_at, KERNEL, {"lr": "0.0001"}))
    assert "raise the learning rate" in v and "Lower" not in v


# ---- K-fold: the chosen candidate ------------------------------------------------------------------

KFOLD = "pages/training/kfold.py"


def test_kfold_verdicts(app_at):
    at = open_page(app_at, KFOLD)                 # settled well below the mean price: no box, no warning
    assert not [v for v in verdicts(at) if "Overfitting" in v or "No better" in v]
    v = one(open_page(app_at, KFOLD, {"select": "degree"}))
    assert v.startswith("**Reached the noise floor:**") and "noise floor 0.01" in v
    v = one(open_page(app_at, KFOLD, {"lr": "0.01"}))
    assert "predicting the mean" in v and "raise the learning rate" in v


# ---- minibatch SGD: each method with its own η ----------------------------------------------------

MINI = "pages/training/minibatch_sgd.py"


def test_minibatch_verdict_per_method(app_at):
    # the floor is the least-squares loss of the data: the best any line can do, not the noise in the data
    for query in (None, {"dataset": "synthetic"}):
        vs = verdicts(open_page(app_at, MINI, query))
        assert len(vs) == 3 and all("least-squares minimum" in v and "noise floor" not in v for v in vs), vs
    assert all("**Reached the best fit:**" in v for v in vs)
    at = open_page(app_at, MINI, {"dataset": "synthetic", "lr_mini": "10", "lr_sgd": "0.0001"})
    assert any("minibatch SGD diverged" in b for b in boom(at))
    vs = verdicts(at)
    assert not any(v.startswith("**minibatch SGD**") for v in vs)         # the divergence is its verdict
    (sgd,) = [v for v in vs if v.startswith("**SGD (batch 1)**")]
    assert "Still improving" in sgd


# ---- a huge η whose loss stays finite: far above chance, not "near" it -------------------------------

MLP = "pages/basics/mlp.py"


def test_mlp_huge_finite_loss_is_a_blow_up_not_stuck_near_chance(app_at):
    # η = 10 on the digits: the MLP's loss reaches ~1e24 in 3 epochs without overflowing (no 💥)
    for lang, head, lower, near in (("en", "**Blew up (without overflowing):**", "Lower the learning rate", "stays near"),
                                    ("zh", "**失控（但未溢出）：**", "请降低学习率", "接近")):
        at = open_page(app_at, MLP, {"dataset": "digits", "lr": "10", "num_epochs": "3", "lang": lang})
        assert not boom(at) and not [e for e in at.error if "diverged" in e.value or "发散" in e.value]
        v = one(at)
        assert v.startswith(head) and lower in v and "2.3" in v and near not in v, v


# ---- image classifiers: ln q -----------------------------------------------------------------------

DROPOUT = "pages/training/dropout.py"
NETWORK = "pages/training/optimizers_network.py"
LENET = "pages/vision/lenet.py"
MODERN = "pages/vision/alexnet_nin.py"


def test_dropout_verdict_per_model(app_at):
    vs = verdicts(open_page(app_at, DROPOUT, {"dataset": "digits", "num_epochs": "5"}))
    assert [v.split(" — ")[0] for v in vs] == ["**with dropout**", "**without dropout**"]
    assert all("Still improving" in v for v in vs)
    slow = verdicts(open_page(app_at, DROPOUT, {"dataset": "digits", "num_epochs": "3", "lr": "0.01"}))
    assert "raise the learning rate" in slow[0] and not any("Lower the learning rate" in v for v in slow)
    at = open_page(app_at, DROPOUT, {"dataset": "digits", "num_epochs": "3", "lr": "5"})
    assert len(boom(at)) == 2 and verdicts(at) == []


def test_network_verdict_per_optimizer_with_its_own_rate(app_at):
    at = open_page(app_at, NETWORK, {"dataset": "digits", "lr_gd": "0.0001", "lr_adam": "100"})
    vs = {v.split(" — ")[0]: v for v in verdicts(at)}
    assert "raise the learning rate" in vs["**GD / SGD**"] and "Lower" not in vs["**GD / SGD**"]
    # Adam at η = 100: the loss ends near 1.6e6, finite but far above ln 10 = 2.30: a blow-up, not "near chance"
    assert "Blew up (without overflowing)" in vs["**Adam**"] and "far above ln q = 2.3" in vs["**Adam**"]
    assert "Lower the learning rate" in vs["**Adam**"] and "Stuck at chance" not in vs["**Adam**"]


def test_lenet_verdicts_in_both_languages(app_at):
    assert one(open_page(app_at, LENET, {"dataset": "digits"})).split(" — ")[1].startswith("**Still improving:**")
    for lang, stuck, lower in (("en", "Stuck at chance", "Lower the learning rate"), ("zh", "停在随机猜测水平", "请降低学习率")):
        vs = verdicts(open_page(app_at, LENET, {"dataset": "digits", "lr": "3", "model": "both", "lang": lang}))
        assert len(vs) == 2 and all(stuck in v and lower in v for v in vs), vs


def test_alexnet_nin_verdict_per_model_does_not_blame_the_books_dropout(app_at):
    vs = verdicts(open_page(app_at, MODERN, {"dataset": "digits"}))
    assert vs and all(v.split(" — ")[0] in ("**AlexNet**", "**NiN**") for v in vs)
    assert not any("Lower the dropout" in v for v in vs)                  # p = 0.5 is the book's
    vs = verdicts(open_page(app_at, MODERN, {"dataset": "digits", "dropout": "0.9", "lr": "0.005", "model": "alexnet"}))
    assert all("Lower the learning rate" not in v for v in vs)
    assert all("Lower the dropout" in v for v in vs if "Stuck at chance" in v)
