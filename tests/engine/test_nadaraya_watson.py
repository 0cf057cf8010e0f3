"""Nadaraya–Watson kernel regression (d2l-en §11.2, d2l-zh 10.2): the book's data, its kernels,
attention weights that are a softmax, and the learned width trained as the book does."""
import math

import numpy as np
import pytest
import torch

import engine.attention.nadaraya_watson as NW
from engine import settings as S
from engine.budget import Budget


def test_the_books_data():
    x_train, y_train, x_test, y_truth = NW.make_data(50, 0.5, seed=0)
    assert x_train.shape == y_train.shape == (50,) and x_test.shape == y_truth.shape == (50,)
    assert torch.all(x_train[1:] >= x_train[:-1]) and 0 <= x_train.min() and x_train.max() < 5
    assert torch.allclose(x_test, torch.arange(0, 5, 0.1))
    assert torch.allclose(y_truth, 2 * torch.sin(x_test) + x_test ** 0.8)
    noise = y_train - NW.f(x_train)
    assert 0.3 < float(noise.std()) < 0.7                              # N(0, 0.5²)
    again = NW.make_data(50, 0.5, seed=0)
    assert torch.equal(again[1], y_train)
    assert torch.equal(NW.make_data(50, 0.0, seed=0)[1], NW.f(x_train))      # no noise: y = f(x)


@pytest.mark.parametrize("kernel", NW.KERNELS)
@pytest.mark.parametrize("width", [0.2, 1.0, 3.0])
def test_weights_are_normalised_kernels(kernel, width):
    x_train, y_train, x_test, _ = NW.make_data(50, 0.5, seed=1)
    y_hat, w = NW.nadaraya_watson(x_train, y_train, x_test, kernel, width)
    assert w.shape == (50, 50) and y_hat.shape == (50,)
    covered = w.sum(dim=1) > 0
    assert torch.allclose(w.sum(dim=1)[covered], torch.ones(int(covered.sum())), atol=1e-5)
    assert torch.all(w >= 0)
    # by hand, in float64: K((x − xᵢ)/σ) / Σⱼ K((x − xⱼ)/σ)
    u = (x_test.double()[:, None] - x_train.double()[None, :]) / width
    K = {"gaussian": torch.exp(-u ** 2 / 2), "boxcar": (u.abs() < 1).double(),
         "constant": torch.ones_like(u), "epanechikov": torch.clamp(1 - u.abs(), min=0)}[kernel]
    expected = K[covered] / K[covered].sum(dim=1, keepdim=True)
    assert torch.allclose(w[covered].double(), expected, atol=1e-5)
    assert torch.allclose(y_hat[covered].double(), expected @ y_train.double(), atol=1e-4)
    assert torch.isnan(y_hat[~covered]).all()


def test_gaussian_is_softmax_attention_pooling():
    x_train, y_train, x_test, _ = NW.make_data(50, 0.5, seed=2)
    for sigma in (0.1, 0.5, 1.0):
        y_hat, w = NW.nadaraya_watson(x_train, y_train, x_test, "gaussian", sigma)
        scores = -(x_test[:, None] - x_train[None, :]) ** 2 / (2 * sigma ** 2)
        alpha = torch.nn.functional.softmax(scores, dim=1)
        assert torch.allclose(w, alpha, atol=1e-6) and torch.allclose(y_hat, alpha @ y_train, atol=1e-5)


def test_the_books_sigma_one_is_its_softmax():
    """d2l-zh 10.2.3: attention_weights = softmax(−(X_repeat − x_train)²/2)."""
    x_train, y_train, x_test, _ = NW.make_data(50, 0.5, seed=0)
    X_repeat = x_test.repeat_interleave(50).reshape((-1, 50))
    book = torch.nn.functional.softmax(-(X_repeat - x_train) ** 2 / 2, dim=1)
    assert torch.allclose(NW.nadaraya_watson(x_train, y_train, x_test)[1], book)


def test_constant_kernel_is_average_pooling():
    x_train, y_train, x_test, _ = NW.make_data(30, 0.5, seed=3)
    y_hat, w = NW.nadaraya_watson(x_train, y_train, x_test, "constant", 0.1)
    assert torch.allclose(w, torch.full((50, 30), 1 / 30)) and torch.allclose(y_hat, y_train.mean().expand(50))


def test_narrow_boxcar_leaves_queries_uncovered():
    r = NW.run(NW.Settings(kernel="boxcar", width=0.05, n_train=10))
    assert r.uncovered > 0 and np.isnan(r.y_hat).sum() == r.uncovered
    empty = r.weights.sum(axis=1) == 0
    assert empty.sum() == r.uncovered and np.isfinite(r.mse(r.y_hat))


def test_leave_one_out_keys():
    x = torch.arange(4.0)
    keys, values = NW.leave_one_out(x, 10 * x)
    assert keys.tolist() == [[1, 2, 3], [0, 2, 3], [0, 1, 3], [0, 1, 2]]
    assert torch.equal(values, 10 * keys)


def test_learned_width_is_the_books_model_and_its_loss_falls():
    r = NW.run(NW.Settings(), seed=0)                      # the book's: n 50, lr 0.5, 5 epochs
    loss = r.history["loss"].to_numpy()
    assert len(loss) == 5 and loss[-1] < loss[0]
    assert np.all(np.diff(loss) <= 1e-6)                     # falls every epoch
    assert r.learned_width == pytest.approx(1 / abs(r.w))
    assert r.learned_weights.shape == (50, 50)
    assert np.allclose(r.learned_weights.sum(axis=1), 1, atol=1e-5)
    # the learned weights are the Gaussian's with σ = 1/|w|
    _, w = NW.nadaraya_watson(torch.from_numpy(r.x_train), torch.from_numpy(r.y_train), torch.from_numpy(r.x_test),
                              "gaussian", r.learned_width)
    assert np.allclose(r.learned_weights, w.numpy(), atol=1e-5)
    # it beats the book's σ = 1 on the truth, and is narrower (the book: "less smooth")
    assert r.mse(r.learned_y_hat) < r.mse(r.y_hat) and r.learned_width < 1


def test_training_matches_autograd_on_the_books_loss():
    """One SGD step by hand: w ← w − lr · d/dw Σ (f(xᵢ) − yᵢ)²."""
    x_train, y_train, _, _ = NW.make_data(20, 0.5, seed=4)
    keys, values = NW.leave_one_out(x_train, y_train)
    net = NW.NWKernelRegression(torch.Generator().manual_seed(0))
    w0 = net.w.detach().clone().requires_grad_(True)
    alpha = torch.softmax(-((x_train[:, None] - keys) * w0) ** 2 / 2, dim=1)
    ((alpha * values).sum(1) - y_train).pow(2).sum().backward()
    rows, div = NW.train_width(net, x_train, y_train, 0.5, 1, Budget())
    assert div is None and rows[0][2] == pytest.approx(float((w0 - 0.5 * w0.grad).detach()), rel=1e-5)


def test_same_seed_same_numbers_and_settings_bounded():
    a, b = NW.run(NW.Settings(), seed=7), NW.run(NW.Settings(), seed=7)
    assert np.array_equal(a.y_hat, b.y_hat) and a.history.equals(b.history)
    for name, bound in S.bounds(NW.Settings).items():
        assert bound.kind in ("choice", "int", "float"), name
    with pytest.raises(ValueError):
        NW.Settings(width=100.0)
    assert 0.5 in S.bounds(NW.Settings)["lr"].options and 1.0 in S.bounds(NW.Settings)["width"].options


def test_divergence_is_a_result(monkeypatch):
    real, calls = NW.NWKernelRegression.forward, []

    def blow_up(self, q, k, v):                 # the second training step's loss is inf
        calls.append(1)
        out = real(self, q, k, v)
        return out * math.inf if len(calls) == 2 else out
    monkeypatch.setattr(NW.NWKernelRegression, "forward", blow_up)
    r = NW.run(NW.Settings(num_epochs=10))
    assert r.divergence is not None and r.divergence.epoch == 2 and len(r.history) == 2
    assert r.divergence.last_finite == r.history["loss"].iloc[0]
