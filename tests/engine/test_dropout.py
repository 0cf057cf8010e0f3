"""Dropout (d2l-zh 4.6): dropout_layer keeps the expectation and is off in evaluation; the book's network
with and without it starts from the same weights; the masks are what the layer did."""
import numpy as np
import pytest
import torch
from torch import nn

from engine.generalization import dropout as D
from engine.mlp.net import Dropout, dropout_layer


def test_the_books_three_cases():
    X = torch.arange(16, dtype=torch.float32).reshape((2, 8))
    assert torch.equal(dropout_layer(X, 0.0), X)
    assert torch.equal(dropout_layer(X, 1.0), torch.zeros_like(X))
    out = dropout_layer(X, 0.5, torch.Generator().manual_seed(0))
    kept = out != 0
    assert torch.equal(out[kept], 2 * X[kept])                     # kept units scaled by 1/(1 − p)


@pytest.mark.parametrize("p", [0.2, 0.5, 0.9])
def test_expectation_is_unchanged(p):
    X = torch.linspace(-3, 3, 50)
    mean = D.expectation(X, p, 20_000, torch.Generator().manual_seed(1))
    # the mean of n draws has std |x|·√(p/(1−p)/n): within 5 of those
    tol = 5 * X.abs() * (p / (1 - p) / 20_000) ** 0.5 + 1e-6
    assert ((mean - X).abs() <= tol).all()


def test_off_in_evaluation_and_same_statistics_as_nn_dropout():
    X = torch.ones(400, 500)
    layer = Dropout(0.3, torch.Generator().manual_seed(2))
    layer.eval()
    assert torch.equal(layer(X), X)
    layer.train()
    ours = layer(X)
    torch.manual_seed(3)
    theirs = nn.Dropout(0.3).train()(X)
    for out in (ours, theirs):
        values = out.unique()
        assert len(values) == 2 and values[0] == 0 and values[1].item() == pytest.approx(1 / 0.7)
        assert abs((out == 0).float().mean().item() - 0.3) < 0.01


def test_book_demo_and_network():
    table, err = D.book_demo(0)
    assert err < 5 * 15 * (1 / 10_000) ** 0.5 and list(table.iloc[:, 0].unique()) == ["X", "p = 0", "p = 0.5", "p = 1"]
    r = D.run(D.Settings(dataset="digits", num_epochs=3))
    assert r.dataset == "digits" and set(r.history["model"]) == {"dropout", "plain"}
    assert r.last("dropout", "test_acc") > 0.8
    drop1, drop2 = r.masks
    assert drop1.shape == (D.MASK_EXAMPLES, D.MASK_UNITS)
    for m, p in ((drop1, 0.2), (drop2, 0.5)):
        live = m != 0.5                                        # units the ReLU did not zero
        assert abs((m[live] == 0).mean() - p) < 0.12


def test_without_dropout_is_the_same_network_and_minibatches():
    """p = 0 everywhere: the 'dropout' model and the plain one train identically (same weights, same order)."""
    r = D.run(D.Settings(dataset="digits", dropout1=0.0, dropout2=0.0, num_epochs=2))
    a, b = (r.history[r.history["model"] == m].reset_index(drop=True).drop(columns="model") for m in ("dropout", "plain"))
    assert a.equals(b)
