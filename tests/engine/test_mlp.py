"""The MLP lessons' maths: activations and their derivatives, the linear collapse, the MLP on
images (0 hidden layers = softmax regression, dropout, weight decay, determinism, divergence,
budget) and the 2-D playground (data sets, learning the moons, determinism, divergence)."""
import dataclasses
import math

import numpy as np
import pytest
import torch
from torch import nn

import engine.mlp as M
import engine.mlp.activations as A
import engine.mlp.playground as P
import engine.softmax_regression as SR
from engine.budget import Budget
from engine.datasets.images import ImageData, load_image_data
from engine.i18n import Translator


@pytest.fixture(scope="module")
def digits():
    return load_image_data("digits")


def tiny_images(n_train=120, n_test=40, seed=0) -> ImageData:
    """A stand-in image set: 3 classes of 4×4 images, each class a bright quadrant plus noise."""
    g = torch.Generator().manual_seed(seed)
    def make(n):
        y = torch.randint(0, 3, (n,), generator=g)
        X = torch.rand(n, 1, 4, 4, generator=g) * 0.3
        for c, (r, k) in enumerate(((0, 0), (0, 2), (2, 0))):
            X[y == c, 0, r:r + 2, k:k + 2] += 0.7
        return X.clamp(0, 1), y
    Xtr, ytr = make(n_train)
    Xte, yte = make(n_test)
    return ImageData("tiny", Xtr, ytr, Xte, yte, ("a", "b", "c"), (4, 4), None)


# ---- activations (d2l §4.1.2) -----------------------------------------------------------

@pytest.mark.parametrize("name", A.NAMES)
def test_closed_form_derivative_equals_autograd(name):
    x = torch.linspace(-8, 8, 1601, dtype=torch.float64)        # includes x = 0
    auto, closed = A.derivative_autograd(name, x), A.derivative_closed_form(name, x)
    assert torch.allclose(auto, closed, atol=1e-12), (name, (auto - closed).abs().max())
    # and the closed form is the slope of f (central differences away from ReLU's kink)
    h = 1e-6
    xs = x[x.abs() > 1e-3]
    numeric = (A.FUNCTIONS[name](xs + h) - A.FUNCTIONS[name](xs - h)) / (2 * h)
    assert torch.allclose(numeric, A.derivative_closed_form(name, xs), atol=1e-6)


def test_activations_are_the_books_formulas():
    x = torch.linspace(-5, 5, 101, dtype=torch.float64)
    assert torch.equal(A.relu(x), torch.maximum(x, torch.zeros_like(x)))
    assert torch.allclose(A.sigmoid(x), 1 / (1 + torch.exp(-x)))
    assert torch.allclose(A.tanh(x), (1 - torch.exp(-2 * x)) / (1 + torch.exp(-2 * x)))
    assert torch.allclose(A.gelu(x), x * 0.5 * (1 + torch.erf(x / math.sqrt(2))))
    assert torch.allclose(A.leaky_relu(x), torch.where(x > 0, x, 0.01 * x))
    d = lambda n, v: A.derivative_closed_form(n, torch.tensor([v], dtype=torch.float64)).item()
    assert d("sigmoid", 0.0) == 0.25 and d("tanh", 0.0) == 1.0 and d("gelu", 0.0) == 0.5
    assert d("relu", 0.0) == 0.0 and d("relu", 2.0) == 1.0 and d("relu", -2.0) == 0.0
    table = A.activation_table(A.NAMES, -6, 6, n=121)
    assert set(table["activation"]) == set(A.NAMES) and len(table) == 5 * 121
    assert table.loc[table.activation == "sigmoid", "df_closed_form"].max() == pytest.approx(0.25)


@pytest.mark.parametrize("num_layers,num_hiddens", [(2, 4), (3, 16), (10, 256)])
def test_linear_stack_collapses_to_one_affine_map(num_layers, num_hiddens):
    c = A.collapse_demo(num_layers, num_hiddens, "linear", -6.0, 6.0, seed=3)
    assert c.max_abs_difference < 1e-4 * max(1.0, np.abs(c.stack).max())
    assert c.max_abs_difference < 1e-4
    # W is the product of the weight matrices, in the right order
    gen = torch.Generator().manual_seed(0)
    layers = [nn.Linear(5, 7), nn.Linear(7, 3), nn.Linear(3, 2)]
    W, b = A.collapse_to_affine(layers)
    x = torch.randn(11, 5, generator=gen)
    with torch.no_grad():
        assert torch.allclose(layers[2](layers[1](layers[0](x))), x @ W.T + b, atol=1e-5)
        assert torch.allclose(W, layers[2].weight @ layers[1].weight @ layers[0].weight)


@pytest.mark.parametrize("act", A.NAMES)
def test_a_nonlinearity_breaks_the_collapse(act):
    c = A.collapse_demo(3, 16, act, -6.0, 6.0, seed=0)
    lin = A.collapse_demo(3, 16, "linear", -6.0, 6.0, seed=0)
    assert c.W == lin.W and c.b == lin.b                   # same weights …
    assert c.max_abs_difference > 0.1                      # … but not one affine map any more
    one = A.collapse_demo(1, 16, act, -6.0, 6.0, seed=0)   # one layer: nothing between, nothing to break
    assert one.max_abs_difference == 0.0


def test_activation_settings_bounds():
    with pytest.raises(ValueError):
        A.Settings(x_min=1.0)
    with pytest.raises(ValueError):
        A.Settings(contrast="linear")


# ---- the MLP on images ---------------------------------------------------------------------

def test_zero_hidden_layers_is_softmax_regression_maths():
    gen = torch.Generator().manual_seed(0)
    s = M.Settings(num_layers=0, init="normal")
    net = M.build_net(s, 16, 3, gen)
    assert [type(m) for m in net] == [nn.Flatten, nn.Linear]
    X, y = torch.rand(9, 1, 4, 4, generator=gen), torch.randint(0, 3, (9,), generator=gen)
    W, b = net[1].weight.detach().T.clone(), net[1].bias.detach().clone()
    scratch = SR.SoftmaxScratch(W.clone(), b.clone())
    l_scratch = SR.cross_entropy(scratch(X), y).mean()
    l_mlp = nn.CrossEntropyLoss()(net(X), y)
    assert torch.allclose(l_scratch, l_mlp, atol=1e-6)
    l_scratch.backward()
    l_mlp.backward()
    assert torch.allclose(scratch.W.grad, net[1].weight.grad.T, atol=1e-6)
    assert torch.allclose(scratch.b.grad, net[1].bias.grad, atol=1e-6)


def test_zero_hidden_layers_trains_exactly_like_the_softmax_lesson(digits):
    s = M.Settings(dataset="digits", num_layers=0, init="normal", lr=0.1, batch_size=64, num_epochs=3)
    r = M.run(s, seed=5, data=digits)
    h = r.history.set_index(["model", "epoch"])
    mlp, soft = h.loc["mlp"], h.loc["softmax"]
    assert np.array_equal(mlp.to_numpy(), soft.to_numpy())      # the MLP with 0 layers is the baseline
    ref = SR.run(SR.Settings(dataset="digits", num_train=60_000, impl="concise", lr=0.1, batch_size=64, num_epochs=3),
                 seed=5, data=digits)
    assert np.allclose(mlp["test_acc"].to_numpy(), ref.epochs["test_acc"].to_numpy(), atol=1e-9)
    assert np.allclose(mlp["train_loss"].to_numpy(), ref.epochs["train_loss"].to_numpy(), rtol=1e-5)


def test_mlp_beats_softmax_regression_on_the_digits_with_defaults(digits):
    r = M.run(M.Settings(dataset="digits"), seed=0, data=digits)
    assert r.layer_sizes == (64, 256, 10) and r.num_params["mlp"] == 64 * 256 + 256 + 256 * 10 + 10
    assert r.num_params["softmax"] == 650
    assert r.last("mlp", "test_acc") > r.last("softmax", "test_acc")
    assert r.last("mlp", "test_acc") >= 0.88
    assert r.stop_reason is None and r.steps == {"mlp": 60, "softmax": 60}
    assert list(r.history["model"][:4]) == ["softmax", "mlp", "softmax", "mlp"]   # trained in turn
    assert not r.worse_than_chance()


def test_dropout_is_off_in_eval_and_scales_in_training():
    gen = torch.Generator().manual_seed(0)
    drop = M.Dropout(0.5, gen)
    X = torch.ones(200, 500)
    drop.train()
    out = drop(X)
    assert set(out.unique().tolist()) == {0.0, 2.0}               # kept units are scaled by 1/(1 − p)
    assert abs((out == 0).float().mean().item() - 0.5) < 0.01
    assert abs(out.mean().item() - 1.0) < 0.02                    # the expectation is unchanged
    drop.eval()
    assert torch.equal(drop(X), X)
    assert torch.equal(M.Dropout(1.0, gen)(X), torch.zeros_like(X))
    # a whole net: eval output equals the same weights without dropout
    s = M.Settings(num_layers=2, num_hiddens=32, dropout=0.5)
    with_drop = M.build_net(s, 16, 3, torch.Generator().manual_seed(1), torch.Generator().manual_seed(2))
    without = M.build_net(dataclasses.replace(s, dropout=0.0), 16, 3, torch.Generator().manual_seed(1))
    assert sum(isinstance(m, M.Dropout) for m in with_drop) == 2
    x = torch.rand(8, 1, 4, 4)
    with_drop.eval()
    assert torch.equal(with_drop(x), without(x))
    with_drop.train()
    assert not torch.equal(with_drop(x), without(x))


def test_weight_decay_is_the_gradient_of_the_l2_penalty():
    gen = torch.Generator().manual_seed(0)
    s = M.Settings(num_layers=2, num_hiddens=8, init="xavier")
    X, y = torch.rand(10, 1, 4, 4, generator=gen), torch.randint(0, 3, (10,), generator=gen)
    a = M.build_net(s, 16, 3, torch.Generator().manual_seed(1))
    b = M.build_net(s, 16, 3, torch.Generator().manual_seed(1))
    lam, lr = 0.03, 0.5
    loss = nn.CrossEntropyLoss()
    # (1) the optimiser's weight_decay on the weights only
    opt = M.sgd_with_weight_decay(a, lr, lam)
    loss(a(X), y).backward()
    opt.step()
    # (2) plain SGD on loss + λ·½‖w‖² (d2l §4.5.2)
    (loss(b(X), y) + lam * M.l2_penalty(b)).backward()
    with torch.no_grad():
        for p in b.parameters():
            p -= lr * p.grad
    for (name, pa), pb in zip(a.named_parameters(), b.parameters()):
        assert torch.allclose(pa, pb, atol=1e-6), name
    # biases are not decayed: with a zero data gradient only the weights shrink
    c = M.build_net(s, 16, 3, torch.Generator().manual_seed(1))
    with torch.no_grad():
        for p in c.parameters():
            p.fill_(1.0)
            p.grad = torch.zeros_like(p)
    M.sgd_with_weight_decay(c, lr, lam).step()
    for name, p in c.named_parameters():
        expected = 1 - lr * lam if name.endswith("weight") else 1.0
        assert torch.allclose(p, torch.full_like(p, expected)), name


def test_weight_decay_shrinks_the_learned_weights(digits):
    base = M.Settings(dataset="digits", num_epochs=3, compare=False)
    plain = M.run(base, data=digits)
    decayed = M.run(dataclasses.replace(base, weight_decay=0.1), data=digits)
    assert decayed.weight_norm["mlp"] < 0.9 * plain.weight_norm["mlp"]


def test_mlp_run_is_deterministic_with_dropout():
    data = tiny_images()
    s = M.Settings(num_layers=2, num_hiddens=16, dropout=0.3, lr=0.5, batch_size=16, num_epochs=4)
    a, b = M.run(s, seed=11, data=data), M.run(s, seed=11, data=data)
    assert a.history.equals(b.history) and a.weight_norm == b.weight_norm
    c = M.run(s, seed=12, data=data)
    assert not a.history.equals(c.history)
    assert a.last("mlp", "test_acc") > 0.8                       # the stand-in is easy


def test_mlp_divergence_is_recorded_not_raised(digits):
    r = M.run(M.Settings(dataset="digits", activation="leaky_relu", lr=100.0, num_epochs=3), data=digits)
    d = r.divergence["mlp"]
    assert d is not None and d.step >= 1 and d.kind in ("NaN", "+inf", "-inf")
    assert r.last("mlp", "epoch") == d.epoch                     # the MLP stopped in the epoch it broke
    assert math.isfinite(d.last_finite)
    fig = M.fig_compare(r.history, Translator("en", M.STRINGS), r.divergence, num_epochs=3)
    assert any("NaN" in (a.text or "") or "inf" in (a.text or "") for a in fig.layout.annotations)
    # a huge rate that kills the ReLUs: finite, but worse than guessing, and said so
    dead = M.run(M.Settings(dataset="digits", lr=20.0, num_epochs=2), data=digits)
    assert dead.divergence["mlp"] is None and dead.worse_than_chance() and not dead.still_descending()


def test_mlp_too_small_a_rate_is_told_apart_from_a_saturated_network(digits):
    """Above ln q after training can mean two opposite things: η so large that the units saturated
    (lower it), or η so small that the loss has barely moved from its start (raise it, or train longer)."""
    slow = M.run(M.Settings(dataset="digits", lr=0.001, num_epochs=3), data=digits)
    assert slow.worse_than_chance() and slow.still_descending()
    assert slow.last("mlp", "train_loss") < slow.initial_loss["mlp"]
    # the loss before any update, on the first 1,000 training examples, as evaluate() computes it
    net = M.ModelRun("mlp", slow.settings, digits.num_inputs, digits.num_classes, 0, "cpu")
    X = digits.inputs(digits.X_train[:1000])
    assert slow.initial_loss["mlp"] == pytest.approx(M.evaluate(net.net, net.loss, X, digits.y_train[:1000])[0])
    none_hidden = M.run(M.Settings(dataset="digits", lr=0.001, num_epochs=2, num_layers=0), data=digits)
    assert none_hidden.worse_than_chance() and none_hidden.still_descending()


def test_mlp_budget_caps_the_heaviest_settings_deterministically():
    data = tiny_images(n_train=400)
    s = M.Settings(num_layers=3, num_hiddens=1024, batch_size=1, num_epochs=50)
    runs = [M.run(s, data=data, budget=Budget(max_units=3e8)) for _ in range(2)]
    assert all(r.stop_reason == "units" for r in runs)
    assert runs[0].steps == runs[1].steps and runs[0].history.equals(runs[1].history)
    # the lesson's own cap applies to whatever budget the caller passes
    b = Budget()
    M.run(M.Settings(num_epochs=1), data=data, budget=b)
    assert b.max_units == M.MAX_UNITS and 0 < b.used_units < M.MAX_UNITS


def test_mlp_settings_bounds():
    for bad in (dict(num_layers=4), dict(dropout=1.0), dict(weight_decay=0.5), dict(lr=0.0), dict(num_hiddens=4)):
        with pytest.raises(ValueError):
            M.Settings(**bad)


# ---- the playground ------------------------------------------------------------------------

@pytest.mark.parametrize("name", P.DATASETS)
def test_playground_datasets(name):
    X, y = P.make_data(name, 301, 0.1, seed=4)
    assert X.shape == (301, 2) and X.dtype == np.float32 and y.shape == (301,) and y.dtype == np.int64
    assert set(np.unique(y)) == {0, 1} and abs(y.mean() - 0.5) < 0.1
    assert np.abs(X).max() < 4                                  # inside the heatmap's range
    X2, y2 = P.make_data(name, 301, 0.1, seed=4)
    assert np.array_equal(X, X2) and np.array_equal(y, y2)
    X3, _ = P.make_data(name, 301, 0.1, seed=5)
    assert not np.array_equal(X, X3)
    Xtr, ytr, Xte, yte = P.train_test_split(X, y, 0.3, seed=4)
    assert len(Xte) == 90 and len(Xtr) == 211 and len(ytr) == 211 and len(yte) == 90


def test_playground_datasets_have_their_shapes():
    X, y = P.make_data("xor", 400, 0.0, seed=0)
    assert np.array_equal(y, (X[:, 0] * X[:, 1] > 0).astype(np.int64))
    X, y = P.make_data("circles", 400, 0.0, seed=0)
    r = np.linalg.norm(X, axis=1)
    assert np.allclose(r[y == 0], 1.2, atol=1e-5) and np.allclose(r[y == 1], 0.6, atol=1e-5)
    X, y = P.make_data("spiral", 400, 0.0, seed=0)
    assert (y == 0).sum() == (y == 1).sum() == 200
    assert np.allclose(np.sort(np.linalg.norm(X[y == 0], axis=1)), np.sort(np.linalg.norm(X[y == 1], axis=1)), atol=1e-5)


def test_playground_learns_the_moons_with_defaults():
    r = P.run(P.Settings(), seed=0)
    assert r.final["train_acc"] >= 0.95 and r.final["test_acc"] >= 0.9
    assert r.divergence is None and r.stop_reason is None and not r.worse_than_chance
    assert r.final["step"] == P.Settings().total_steps
    assert len(r.frames) == len(r.curve) and len(r.frames) >= 30
    step, probs = r.frames[-1]
    assert probs.shape == (len(r.grid_y), len(r.grid_x)) and ((probs >= 0) & (probs <= 1)).all()
    # the last frame's boundary classifies the training points as the net does
    assert r.curve["train_loss"].iloc[-1] < r.curve["train_loss"].iloc[0] / 5


def test_playground_linear_network_cannot_learn_xor():
    r = P.run(P.Settings(dataset="xor", activation="linear", num_epochs=40), seed=0)
    assert r.final["train_acc"] < 0.7
    deep = P.run(P.Settings(dataset="xor", activation="tanh", num_epochs=40), seed=0)
    assert deep.final["train_acc"] > 0.85


def test_playground_is_deterministic_and_reports_live_frames():
    s = P.Settings(num_epochs=5, num_examples=100)
    events = []
    a = P.run(s, seed=3, on_step=events.append)
    b = P.run(s, seed=3)
    assert a.curve.equals(b.curve)
    assert all(np.array_equal(fa[1], fb[1]) for fa, fb in zip(a.frames, b.frames))
    assert len(events) == len(a.frames) and {"frame", "X_train", "grid_x", "curve"} <= set(events[-1])
    fig = P.fig_boundary_live(events[-1], Translator("zh", P.STRINGS))
    assert "第" in fig.layout.title.text
    assert not P.run(s, seed=4).curve.equals(a.curve)


def test_playground_divergence_is_recorded_not_raised():
    r = P.run(P.Settings(activation="linear", lr=100.0), seed=0)
    d = r.divergence
    assert d is not None and d.step >= 1 and d.kind == "NaN" and math.isfinite(d.last_finite)
    assert r.final["step"] == d.step
    tr = Translator("en", P.STRINGS)
    fig = P.fig_boundary(r, tr)                                # draws the last finite snapshot
    assert np.isfinite(fig.data[0].z).all()
    assert P.fig_losses(r.curve, tr, d).layout.shapes           # the divergence line
    dead = P.run(P.Settings(activation="relu", lr=100.0), seed=0)
    assert dead.divergence is None and dead.worse_than_chance and not dead.still_descending
    slow = P.run(P.Settings(lr=0.001, num_epochs=1, num_hiddens=1), seed=0)
    assert slow.worse_than_chance and slow.still_descending


def test_playground_budget_caps_deterministically():
    s = P.Settings(num_examples=2000, test_ratio=0.1, batch_size=1, num_epochs=1000)
    a = P.run(s, seed=0, budget=Budget(max_units=300))
    b = P.run(s, seed=0, budget=Budget(max_units=300))
    assert a.stop_reason == "units" and a.final["step"] == b.final["step"] < 300
    assert a.curve.equals(b.curve) and len(a.frames) >= 30      # snapshots spread over the capped run


@pytest.mark.parametrize("cls", [A.Settings, M.Settings, P.Settings])
def test_every_setting_round_trips_through_the_url(cls):
    from engine import settings as S
    for obj in (cls(), *(dataclasses.replace(cls(), **{name: b.options[-1]}) for name, b in S.bounds(cls).items()
                         if b.kind == "choice")):
        back, notices = S.from_query(cls, S.to_query(obj))
        assert back == obj and notices == [], notices
    if cls is M.Settings:
        assert S.from_query(cls, {"weight_decay": "0.0003"})[0].weight_decay == 3e-4
        assert S.from_query(cls, {"weight_decay": "0.0002"})[1][0].reason == "ignored"
