"""The multilayer perceptron on images (d2l §5.2), with dropout (§5.6) and weight decay
(§3.7), compared with softmax regression (§4.5) trained on the same data in the same run.

``num_layers = 0`` *is* softmax regression: ``nn.Flatten`` + one ``nn.Linear`` + the
cross-entropy (the tests check it against ``engine.softmax_regression`` number for number).
As in ``engine.softmax_regression``, the training set is one tensor on the device, a
minibatch is an index into it, and the metrics are summed on the device and read once per epoch.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Callable

import pandas as pd
import torch
from torch import nn

from engine import settings as S
from engine.budget import Budget
from engine.datasets.images import DATASETS, ImageData, load_image_data
from engine.device import intra_op_threads, mean_macs, sized_by
from engine.mlp.net import mlp, num_params, sgd_with_weight_decay
from engine.numerics import Divergence, still_falling

# The work budget, in multiply-adds. A minibatch step of b examples through a net whose forward
# pass costs m multiply-adds per example is charged 3·b·m (forward + backward) + 56·m (reading and
# updating every weight once, what dominates at b = 1) + 1.2·10⁷ (Python and autograd overhead),
# the three terms fitted to timings on one core. 1.2·10¹¹ ≈ 3 s.
STEP_COST = 12_000_000
WEIGHT_COST = 56
MAX_UNITS = 1.2e11
WEIGHT_DECAYS = (0.0, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1)
MODELS = ("mlp", "softmax")


@dataclass(frozen=True)
class Settings:
    dataset: str = S.choice("fashion_mnist", DATASETS, doc="Fashion-MNIST (d2l §4.2) or the bundled 8×8 digits")
    num_train: int = S.num(10_000, 10, 60_000, step=10, doc="training examples used (at most what the data set has)")
    num_layers: int = S.num(1, 0, 3, doc="hidden layers (0: softmax regression)")
    num_hiddens: int = S.num(256, 8, 1024, step=8, doc="units per hidden layer (book: 256)")
    activation: str = S.choice("relu", ("relu", "sigmoid", "tanh", "gelu", "leaky_relu"), doc="after each hidden layer")
    dropout: float = S.num(0.0, 0.0, 0.9, step=0.05, doc="probability of zeroing a hidden unit in training (d2l §5.6)")
    weight_decay: float = S.choice(0.0, WEIGHT_DECAYS, doc="λ of the penalty (λ/2)‖w‖² on the weights (d2l §3.7)")
    init: str = S.choice("xavier", ("xavier", "normal"), doc="Xavier (d2l §5.4.2) or the book's N(0, 0.01²) of §5.2")
    lr: float = S.num(0.1, 0.001, 100.0, log=True, doc="learning rate η (book: 0.1)")
    batch_size: int = S.num(256, 1, 1024, doc="minibatch size (book: 256)")
    num_epochs: int = S.num(10, 1, 50, doc="passes over the training data (book: 10)")
    compare: bool = S.flag(True, doc="also train softmax regression with the same data, η, batch and epochs")

    def __post_init__(self):
        S.check(self)


def build_net(s: Settings, num_inputs: int, num_outputs: int, generator: torch.Generator,
              dropout_generator: torch.Generator | None = None, dropout: tuple[float, ...] | None = None) -> nn.Sequential:
    """The MLP of d2l §5.2.2 (``num_layers`` hidden layers of ``num_hiddens`` units). With
    ``init='normal'`` every weight matrix is drawn as the book does in §5.2.1,
    ``torch.randn(num_inputs, num_hiddens) * 0.01``, and biases start at zero. ``dropout``: one p per hidden
    layer instead of ``s.dropout`` for all (the dropout lesson's 0.2 and 0.5)."""
    net = mlp(num_inputs, num_outputs, s.num_layers, s.num_hiddens, s.activation,
              dropout=s.dropout if dropout is None else dropout, generator=dropout_generator)
    with torch.no_grad():
        for m in net:
            if isinstance(m, nn.Linear):
                if s.init == "normal":
                    m.weight.copy_(torch.normal(0, 0.01, size=(m.in_features, m.out_features), generator=generator).T)
                else:
                    nn.init.xavier_uniform_(m.weight, generator=generator)
    return net


def forward_macs(net: nn.Module) -> int:
    """Multiply-adds of one example's forward pass (the work unit of the budget)."""
    return sum(m.in_features * m.out_features for m in net.modules() if isinstance(m, nn.Linear))


def train_epoch(net, loss, trainer, X, y, batch_size, generator, budget, step_units, forward=None):
    """One pass in a random order (d2l §4.4.4; d2l-zh 3.6's ``train_epoch_ch3``), dropout on. Returns
    (per-step mean losses, Σ loss, Σ correct, examples seen); the sums stay on the device
    and are read once per epoch. ``forward`` computes ``net(X)`` another way (LeNet's fused layers)."""
    net.train()
    forward = forward or net
    n = len(X)
    order = torch.randperm(n, generator=generator).to(X.device)
    step_losses = torch.zeros(math.ceil(n / batch_size), device=X.device)
    loss_sum, correct, seen = torch.zeros((), device=X.device), torch.zeros((), device=X.device), 0
    for k, i in enumerate(range(0, n, batch_size)):
        idx = order[i:i + batch_size]
        if not budget.spend(step_units(len(idx))):
            break
        Xb, yb = X.index_select(0, idx), y.index_select(0, idx)    # 5× cheaper than X[idx] here
        y_hat = forward(Xb)
        l = loss(y_hat, yb)
        trainer.zero_grad()
        l.backward()
        trainer.step()
        step_losses[k] = l.detach()
        loss_sum += l.detach() * len(idx)
        correct += (y_hat.argmax(dim=1) == yb).sum()
        seen += len(idx)
    return step_losses[:math.ceil(seen / batch_size)], loss_sum, correct, seen


def evaluate(net, loss, X, y) -> tuple[float, float]:
    """(mean loss, accuracy) on a whole set in one pass, dropout off (``net.eval()``)."""
    net.eval()
    with torch.no_grad():
        y_hat = net(X)
        return loss(y_hat, y).item(), (y_hat.argmax(dim=1) == y).float().mean().item()


INITIAL_LOSS_EXAMPLES = 1000
HISTORY_COLUMNS = ["model", "epoch", "train_loss", "train_acc", "test_loss", "test_acc"]


def history_frame(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=HISTORY_COLUMNS)


@dataclass(frozen=True)
class Result:
    settings: Settings
    seed: int
    dataset: str
    fallback_reason: str | None
    num_train_used: int
    num_test: int
    layer_sizes: tuple[int, ...]      # e.g. (64, 256, 10)
    history: pd.DataFrame             # long form: one row per (model, epoch)
    num_params: dict                  # model -> parameters
    weight_norm: dict                 # model -> ½‖w‖² summed over the weight matrices, at the end
    steps: dict                       # model -> SGD updates made
    divergence: dict                  # model -> Divergence | None
    stop_reason: str | None
    initial_loss: dict = dataclasses.field(default_factory=dict)   # model -> training loss before any update

    @property
    def chance_loss(self) -> float:
        """ln q: the cross-entropy of guessing every class with probability 1/q."""
        return math.log(self.layer_sizes[-1])

    def worse_than_chance(self, model: str = "mlp") -> bool:
        """Trained without inf/NaN, yet the final training loss is above ln q."""
        loss = self.last(model, "train_loss")
        return self.divergence.get(model) is None and math.isfinite(loss) and loss > self.chance_loss

    def still_descending(self, model: str = "mlp") -> bool:
        """``numerics.still_falling`` of the training loss, from before the first update."""
        h = self.history[self.history["model"] == model]
        return still_falling([self.initial_loss.get(model, float("nan")), *h["train_loss"]])

    def last(self, model: str, column: str) -> float:
        h = self.history[self.history["model"] == model]
        return float(h[column].iloc[-1]) if len(h) else float("nan")


class ModelRun:
    """One model being trained: the MLP, or the softmax-regression baseline (0 hidden layers)."""

    def __init__(self, name: str, s: Settings, num_inputs: int, num_outputs: int, seed: int, device,
                 dropout: tuple[float, ...] | None = None):
        self.name, self.s = name, s
        self.gen = torch.Generator().manual_seed(seed)                        # init and minibatch order
        drop_gen = torch.Generator(device=device).manual_seed(seed + 1)      # dropout masks
        self.net = build_net(s, num_inputs, num_outputs, self.gen, drop_gen, dropout).to(device)
        self.loss = nn.CrossEntropyLoss()
        self.trainer = sgd_with_weight_decay(self.net, s.lr, s.weight_decay)
        macs = forward_macs(self.net)
        self.step_units = lambda b: 3 * b * macs + WEIGHT_COST * macs + STEP_COST
        self.steps, self.divergence, self.done = 0, None, False

    def epoch(self, epoch: int, X, y, X_test, y_test, budget, rows) -> None:
        """Train one epoch, evaluate, append a row; stop this model at the first inf/NaN."""
        step_losses, loss_sum, correct, seen = train_epoch(self.net, self.loss, self.trainer, X, y,
                                                           self.s.batch_size, self.gen, budget, self.step_units)
        if seen == 0:
            self.done = True
            return
        losses = step_losses.cpu()
        bad = (~torch.isfinite(losses)).nonzero()
        if bad.numel():
            k = int(bad[0])
            last = float(losses[k - 1]) if k > 0 else next((r[2] for r in reversed(rows) if r[0] == self.name), None)
            self.divergence = Divergence(step=self.steps + k + 1, epoch=epoch, value=float(losses[k]), last_finite=last)
            self.done = True
        self.steps += len(losses)
        test_loss, test_acc = evaluate(self.net, self.loss, X_test, y_test)
        rows.append((self.name, round(epoch - 1 + seen / len(X), 6), float(loss_sum) / seen,
                     float(correct) / seen, test_loss, test_acc))

    def weight_norm(self) -> float:
        return sum(float((p.detach() ** 2).sum()) / 2 for n, p in self.net.named_parameters() if n.endswith("weight"))


def baseline(s: Settings) -> Settings:
    """The book's softmax regression (d2l §4.5) with the same data, η, batch size and epochs."""
    return dataclasses.replace(s, num_layers=0, dropout=0.0, weight_decay=0.0, init="normal")


def macs_per_op(s: Settings) -> float:
    """The average multiply-adds of a minibatch's matrix products, layer by layer (``engine.device.threads_for``)."""
    pixels = 784 if s.dataset == "fashion_mnist" else 64
    if not s.num_layers:
        return s.batch_size * pixels * 10
    h = s.num_hiddens
    return s.batch_size * mean_macs((pixels * h, 1), (h * h, s.num_layers - 1), (h * 10, 1))


@sized_by(macs_per_op)
def run(settings: Settings, seed: int = 0, device: torch.device | str = "cpu",
        on_step: Callable[[dict], None] | None = None, budget: Budget | None = None,
        data: ImageData | None = None) -> Result:
    """Load the images and train the MLP (and, if ``compare``, softmax regression) epoch by
    epoch in turn, so both curves grow together and a capped run stops both at the same point.
    One intra-op thread: on a shared 2-core server it beats two (see ``net.intra_op_threads``)."""
    with intra_op_threads(1):
        return _run(settings, seed, device, on_step, budget, data)


def _run(settings, seed, device, on_step, budget, data) -> Result:
    s, device = settings, torch.device(device)
    budget = (budget or Budget()).capped(MAX_UNITS)
    data = data or load_image_data(s.dataset)
    n = min(s.num_train, len(data.X_train))
    d = data.num_inputs
    X, y = data.inputs(data.X_train[:n]).to(device), data.y_train[:n].to(device)
    X_test, y_test = data.inputs(data.X_test).to(device), data.y_test.to(device)
    models = [ModelRun("mlp", s, d, data.num_classes, seed, device)]
    if s.compare:           # the cheap baseline takes its epoch first, so a capped run still shows it
        models.insert(0, ModelRun("softmax", baseline(s), d, data.num_classes, seed, device))
    # where each model starts (on at most 1,000 training examples: one cheap forward pass, no RNG used)
    initial = {m.name: evaluate(m.net, m.loss, X[:INITIAL_LOSS_EXAMPLES], y[:INITIAL_LOSS_EXAMPLES])[0] for m in models}
    total, rows = len(models) * s.num_epochs, []
    for epoch in range(1, s.num_epochs + 1):
        for m in models:
            if not m.done:
                m.epoch(epoch, X, y, X_test, y_test, budget, rows)
                if on_step is not None:
                    on_step({"done": len(rows), "total": total, "history": rows})
        if budget.reason is not None or all(m.done for m in models):
            break
    sizes = tuple([d] + [m.out_features for m in models[-1].net if isinstance(m, nn.Linear)])
    return Result(s, seed, data.name, data.fallback_reason, n, len(y_test), sizes, history_frame(rows),
                  {m.name: num_params(m.net) for m in models}, {m.name: m.weight_norm() for m in models},
                  {m.name: m.steps for m in models}, {m.name: m.divergence for m in models}, budget.reason,
                  initial)
