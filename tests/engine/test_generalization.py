"""Under- and overfitting, weight decay (d2l-zh 4.4–4.5): the book's experiments give the book's results."""
import math

import numpy as np
import pytest
import torch

from engine.budget import Budget
from engine.generalization import polynomial as P, weight_decay as W


# ---- the polynomial (d2l-zh 4.4.4) ----------------------------------------------------------------

def test_features_are_powers_over_factorials():
    x = torch.tensor([2.0, -1.5])
    F = P.poly_features(x)
    assert F.shape == (2, 20)
    for i in range(20):
        assert F[0, i].item() == pytest.approx(2.0 ** i / math.factorial(i), rel=1e-6)
        assert F[1, i].item() == pytest.approx((-1.5) ** i / math.factorial(i), rel=1e-6)


def test_cubic_fit_recovers_the_true_weights():
    r = P.run(P.Settings(degree=3, learning_curve=False))
    assert np.abs(r.learned() - np.array(P.TRUE_W)).max() < 0.1, r.learned()
    assert r.final(3, "test_loss") < 0.02          # near the noise floor σ² = 0.01


def test_linear_fit_underfits():
    """The book: 'after the last epoch the training loss is still high'."""
    r = P.run(P.Settings(degree=1, learning_curve=False))
    assert r.final(1, "train_loss") > 100 * r.final(3, "train_loss")
    assert r.final(1, "train_loss") > 1.0


def test_twenty_features_on_few_examples_overfit():
    """All 20 features, 1,500 epochs (the book's third run): on 100 examples the test loss is above the
    training loss; on 10 examples it is many times it."""
    r = P.run(P.Settings(degree=19, num_epochs=1500, learning_curve=False))
    assert r.final(19, "test_loss") > 1.3 * r.final(19, "train_loss")
    few = P.run(P.Settings(degree=19, num_epochs=1500, n_train=10, learning_curve=False))
    assert few.final(19, "test_loss") > 10 * few.final(19, "train_loss")


def test_every_column_is_the_books_run():
    """Training all degrees at once changes nothing: column k − 1 = the book's loop with k features, from
    the same weights on the same minibatches."""
    s = P.Settings(num_epochs=15, learning_curve=False)
    gen = torch.Generator().manual_seed(3)
    features, labels, _ = P.make_data(s.noise, gen)
    X, y, Xt, yt = features[:100], labels[:100], features[100:], labels[100:]
    W0 = P.init_weights(torch.Generator().manual_seed(1))
    state = torch.Generator().manual_seed(2).get_state()
    W_all, rows = P.train_all(X, y, Xt, yt, s, _gen(state), Budget(), init=W0)
    for k in (2, 4, 20):
        w, hist = P.train_book(X[:, :k], Xt[:, :k], y, yt, num_epochs=15, generator=_gen(state), init=W0[:k, k - 1])
        np.testing.assert_allclose(W_all[:k, k - 1].numpy(), w.numpy(), rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(rows[-1][2][k - 1].item(), hist[-1][1], rtol=1e-4)
        assert (W_all[k:, k - 1] == 0).all()


def _gen(state):
    g = torch.Generator()
    g.set_state(state)
    return g


def test_the_u_and_the_learning_curve():
    r = P.run(P.Settings())
    u = r.final_by_degree.set_index("degree")["test_loss"]
    assert u[3] < u[1] / 100 and u[3] < u[0] / 100             # the bottom of the U is at the true degree
    lc = r.learning_curve[r.learning_curve["degree"] == 3].set_index("n_train")["test_loss"]
    assert list(lc.index) == [10, 20, 30, 50, 70, 100]
    assert lc[100] < lc[10] / 10                               # more data, lower test error
    assert lc[100] == pytest.approx(r.final(3))                # the largest size is the main run


def test_runs_reproduce_and_the_budget_stops_them():
    a, b = P.run(P.Settings(num_epochs=50)), P.run(P.Settings(num_epochs=50))
    assert a.history.equals(b.history) and a.learning_curve.equals(b.learning_curve)
    capped = P.run(P.Settings(num_epochs=2000, learning_curve=False), budget=Budget(max_units=500))
    assert capped.stop_reason == "units" and capped.history["epoch"].max() <= 51


def test_divergence_is_recorded_with_its_degree():
    r = P.run(P.Settings(lr=0.1, batch_size=1, n_train=100, num_epochs=200, learning_curve=False))
    assert r.divergence, "η = 0.1 with batch 1 should diverge for some degree"
    d = min(r.divergence)
    assert math.isinf(r.divergence[d].value) or math.isnan(r.divergence[d].value)


# ---- weight decay (d2l-zh 4.5) ---------------------------------------------------------------------

def test_weight_decay_the_books_two_runs():
    r = W.run(W.Settings(lambd=3.0))
    none, decay = r.run_of(0.0), r.run_of(3.0)
    # λ = 0: the training loss falls to almost nothing, the test loss stays high, ‖w‖ is large
    assert none["train_loss"].iloc[-1] < 1e-3 * none["train_loss"].iloc[0]
    assert none["test_loss"].iloc[-1] > 10 and none["w_norm"].iloc[-1] > 10
    # λ = 3: ‖w‖ falls by more than 10×, and the test loss with it
    assert decay["w_norm"].iloc[-1] < none["w_norm"].iloc[-1] / 10
    assert decay["test_loss"].iloc[-1] < none["test_loss"].iloc[-1] / 10


def test_w_norm_falls_as_lambda_grows():
    by = W.run(W.Settings()).by_lambda
    assert list(by["lambd"]) == sorted(W.SWEEP)
    assert (np.diff(by["w_norm"]) < 0).all()


@pytest.mark.parametrize("lambd", [0.0, 3.0])
def test_scratch_equals_concise(lambd):
    a = W.run(W.Settings(lambd=lambd, impl="scratch", sweep=False))
    b = W.run(W.Settings(lambd=lambd, impl="concise", sweep=False))
    np.testing.assert_allclose(a.history[["train_loss", "test_loss", "w_norm"]].to_numpy(),
                               b.history[["train_loss", "test_loss", "w_norm"]].to_numpy(), rtol=1e-4, atol=1e-7)


def test_concise_does_not_decay_the_bias():
    w, b = torch.zeros(3, 1, requires_grad=True), torch.ones(1, requires_grad=True)
    X, y = torch.zeros(5, 3), torch.ones(5, 1)          # zero data gradient: only decay could move b
    rows, _ = W.train_concise(10.0, w, b, (X, y), (X, y), W.Settings(num_inputs=3, n_train=5, num_epochs=5), torch.Generator(), Budget())
    assert rows[-1][1] == pytest.approx(0.0)            # b stayed 1 (ŷ = 1 = y): the bias was not decayed
