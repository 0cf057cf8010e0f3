"""The references the shared verdict (engine.diagnosis) reads on each lesson, against closed forms: the
loss of predicting the mean of y (the baseline) in the page's own loss, and the noise floor."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from engine.diagnosis import diagnose
from engine.generalization import kfold as K, polynomial as P, weight_decay as W
from engine.optimization import minibatch as MB
from engine.vision import learn_kernel as LK


# ---- weight decay (d2l §3.7): ½ Var y, σ²/2, and how hard λ holds the fit back -----------------------

def test_weight_decay_baseline_is_half_the_variance_of_the_training_labels_and_the_floor_half_sigma_squared():
    s = W.Settings(sweep=False, num_epochs=5)
    r = W.run(s, seed=3)
    (_, y), _ = W.make_data(s, torch.Generator().manual_seed(3))        # the same draws as the run
    assert r.baseline_loss == pytest.approx(0.5 * float(np.var(y.numpy().astype(np.float64))), rel=1e-9)
    # Var y = 200 · 0.01² · Var x + σ² = 0.0201: ½ of it, up to the sample
    assert 0.003 < r.baseline_loss < 0.03
    assert r.noise_floor == 0.01 ** 2 / 2 == W.NOISE ** 2 / 2


def test_shrinkage_is_the_ridge_factor_lambda_over_e_plus_lambda():
    X = torch.eye(4) * 2.0                     # XᵀX/n = I: every eigenvalue e = 1
    assert W.shrinkage(X, 3.0) == pytest.approx(3 / 4)
    assert W.shrinkage(X, 0.0) == 0.0
    X = torch.diag(torch.tensor([2.0, 4.0, 0.0, 0.0]))     # e = 1 and 4 (the zero directions carry no data)
    assert W.shrinkage(X, 1.0) == pytest.approx((1 / 2 + 1 / 5) / 2)
    # the book's setting: 20 examples in 200 dimensions, XᵀX/n has 20 eigenvalues near d/n = 10
    r = W.run(W.Settings(sweep=False, num_epochs=5))
    assert 0.1 < r.shrinkage < 0.5 and W.run(W.Settings(lambd=50.0, sweep=False, num_epochs=5)).shrinkage > 0.5


def test_weight_decay_verdicts_of_the_books_two_runs():
    # λ = 0: the training loss at the floor, the test loss ≈ 96 ≫ ½ Var y: overfitting (the book's example)
    zero = W.run(W.Settings(lambd=0.0, sweep=False))
    h = zero.run_of()
    v = diagnose(list(h["train_loss"]), list(h["test_loss"]), baseline=zero.baseline_loss, floor=zero.noise_floor)
    assert (v.kind, v.cause) == ("overfitting", "beyond_baseline")
    three = W.run(W.Settings(sweep=False))
    h = three.run_of()
    v = diagnose(list(h["train_loss"]), list(h["test_loss"]), baseline=three.baseline_loss, floor=three.noise_floor,
                 regularization=three.shrinkage)
    assert v.kind == "improving"


# ---- minibatch SGD (d2l §12.5): ½ Var y against the least-squares loss ------------------------------

def test_minibatch_baseline_is_half_the_variance_and_above_the_least_squares_floor():
    s = MB.Settings(dataset="synthetic", num_examples=300, num_epochs=1, gd_epochs=1)
    r = MB.run(s, seed=0)
    data = MB.load_airfoil("synthetic")
    y = data.y[:300].double().numpy()
    assert r.baseline_loss == pytest.approx(0.5 * float(np.var(y)), rel=1e-9)
    assert 0 < r.optimum_loss < r.baseline_loss


# ---- K-fold (d2l §5.7.6): log-RMSE of the mean price; the polynomial's MSE and σ² --------------------

def test_kfold_degree_baseline_is_the_variance_and_the_floor_sigma_squared():
    r = K.run(K.Settings(select="degree", k=2))
    features, labels, _ = P.make_data(P.Settings().noise, torch.Generator().manual_seed(0))
    y = labels[:P.N_TRAIN_MAX].double().numpy()
    assert r.baseline_loss == pytest.approx(float(np.var(y)), rel=1e-5)
    assert r.noise_floor == pytest.approx(0.1 ** 2)
    c = r.chosen_curve()
    mine = r.curves[r.curves["candidate"] == r.chosen]
    assert list(c["epoch"]) == sorted(mine["epoch"].unique())
    last = mine[mine["epoch"] == c["epoch"].iloc[-1]]
    assert c["valid"].iloc[-1] == pytest.approx(last["valid"].mean()) and len(last) == 2


def test_kfold_weight_decay_baseline_is_the_log_rmse_of_predicting_the_mean():
    data = K.load_house()
    r = K.run(K.Settings(k=2, num_epochs=10, test_share=0.0))
    y = data.y.double().numpy().ravel()
    assert r.baseline_loss == pytest.approx(math.sqrt(np.mean((np.log(y.mean()) - np.log(y)) ** 2)), rel=1e-4)
    assert r.noise_floor is None                     # real data: the noise is not known


# ---- learning a kernel (d2l §7.2.4): Σ(Y − Ȳ)² and the least-squares floor ---------------------------

def test_kernel_baseline_is_the_summed_squared_deviation_from_the_mean():
    r = LK.run(LK.Settings())
    Y = r.Y.astype(np.float64)
    assert r.baseline_loss == pytest.approx(float(((Y - Y.mean()) ** 2).sum()))
    assert r.baseline_loss == pytest.approx(12.0)             # the book's Y: 12 of ±1 among 42 positions, mean 0


def test_kernel_floor_is_zero_when_the_shape_can_express_the_target_and_the_least_squares_rest_otherwise():
    assert LK.run(LK.Settings()).noise_floor == 0.0                     # [1, −1] learned by a 1×2 kernel
    assert LK.run(LK.Settings(target="edge", kernel_shape="3x3")).noise_floor == 0.0
    small = LK.run(LK.Settings(target="sobel_x", kernel_shape="1x2"))     # a 3×3 target, a 1×2 kernel
    oh, ow = small.Y.shape
    X = small.X[:oh, :ow + 1].astype(np.float64)
    A = np.stack([X[:, :-1].ravel(), X[:, 1:].ravel()], axis=1)
    k, *_ = np.linalg.lstsq(A, small.Y.astype(np.float64).ravel(), rcond=None)
    rest = float(((A @ k - small.Y.ravel()) ** 2).sum())
    assert small.noise_floor == pytest.approx(rest, rel=1e-9) and rest > 1
    # gradient descent gets there and no lower
    long = LK.run(LK.Settings(target="sobel_x", kernel_shape="1x2", lr=0.01, num_steps=500))
    assert long.final_loss == pytest.approx(small.noise_floor, rel=1e-3)
