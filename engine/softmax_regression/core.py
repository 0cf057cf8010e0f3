"""Softmax regression from scratch (d2l §4.4) and concise (§4.5) on images (§4.2).

The book's pieces keep the book's names: ``softmax``, ``cross_entropy``, ``accuracy``,
``evaluate_accuracy``, ``sgd``, ``train_epoch_ch3``, ``predict_ch3``. What differs is where
the data live: the whole training set is one tensor on the device and a minibatch is an
index into it (no ``DataLoader``), the metrics are summed on the device and read once per
epoch, and the test accuracy is one matrix product. The maths is the book's.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
import torch
from torch import nn

from engine import settings as S
from engine.budget import Budget
from engine.datasets.images import DATASETS, ImageData, load_image_data
from engine.numerics import Divergence

# Work budget, in example-steps: a minibatch costs its size plus STEP_COST (its Python and autograd
# overhead, measured: ~0.4 ms a step vs ~2 µs an example of 784 pixels on one CPU core). The book's run
# (10 Fashion-MNIST epochs at batch 256 = 600,000 + 2,350·200 units) fits; batch 1 stops after ~6,000 steps.
STEP_COST = 200
MAX_UNITS = 1_200_000
GRID_SIZE = 18               # test images in the prediction grid


@dataclass(frozen=True)
class Settings:
    dataset: str = S.choice("fashion_mnist", DATASETS, doc="Fashion-MNIST (d2l §4.2) or the bundled 8×8 digits")
    num_train: int = S.num(60_000, 10, 60_000, step=10, doc="training examples used (at most what the data set has)")
    impl: str = S.choice("scratch", ("scratch", "concise"), doc="d2l §4.4 (from scratch) or §4.5 (nn.Linear)")
    lr: float = S.num(0.1, 0.001, 100.0, log=True, doc="learning rate η (book: 0.1)")
    batch_size: int = S.num(256, 1, 1024, doc="minibatch size |B| (book: 256)")
    num_epochs: int = S.num(10, 1, 50, doc="passes over the training data (book: 10)")

    def __post_init__(self):
        S.check(self)


# ---- the book's pieces (d2l §4.4) -------------------------------------------------------

def softmax(X):
    """softmax(X)ᵢⱼ = exp(Xᵢⱼ) / Σₖ exp(Xᵢₖ), exactly as the book first writes it:
    exp overflows to inf for logits above ~88 (float32) and inf/inf is NaN."""
    X_exp = torch.exp(X)
    partition = X_exp.sum(1, keepdim=True)
    return X_exp / partition                 # broadcasting


def log_softmax(X):
    """The stable form (d2l §4.5.2, log-sum-exp): subtract each row's max before exp.
    log softmax(X)ᵢⱼ = (Xᵢⱼ − mᵢ) − log Σₖ exp(Xᵢₖ − mᵢ); every exp is ≤ 1, none overflows."""
    shifted = X - X.max(dim=1, keepdim=True).values
    return shifted - torch.log(torch.exp(shifted).sum(1, keepdim=True))


def softmax_stable(X):
    return torch.exp(log_softmax(X))


def cross_entropy(y_hat, y):
    """−log of the probability given to the true class, per example."""
    return -torch.log(y_hat[range(len(y_hat)), y])


def accuracy(y_hat, y):
    """Number of correct predictions (a float, as in the book)."""
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.type(y.dtype) == y
    return float(cmp.type(y.dtype).sum())


def evaluate_accuracy(net, X, y):
    """Accuracy of ``net`` on a whole data set, in one forward pass (no minibatches)."""
    with torch.no_grad():
        return accuracy(net(X), y) / len(y)


def sgd(params, lr, batch_size):
    """Minibatch stochastic gradient descent (d2l §3.4.3)."""
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


class SoftmaxScratch:
    """net(X) = softmax(XW + b) with W ∈ ℝ^{d×q}, b ∈ ℝ^q (d2l §4.4.1–4.4.2)."""

    def __init__(self, W: torch.Tensor, b: torch.Tensor):
        self.W, self.b = W.requires_grad_(True), b.requires_grad_(True)

    def __call__(self, X):
        return softmax(torch.matmul(X.reshape((-1, self.W.shape[0])), self.W) + self.b)

    def weights(self) -> tuple[torch.Tensor, torch.Tensor]:
        return self.W.detach(), self.b.detach()


def concise_net(W: torch.Tensor, b: torch.Tensor) -> nn.Sequential:
    """nn.Flatten + nn.Linear (d2l §4.5.1), starting from the same W and b as the scratch net."""
    net = nn.Sequential(nn.Flatten(), nn.Linear(W.shape[0], W.shape[1])).to(W.device)
    with torch.no_grad():
        net[1].weight.copy_(W.T)
        net[1].bias.copy_(b)
    return net


# ---- one minibatch step, both ways -----------------------------------------------------

def step_scratch(X, y, net, lr):
    y_hat = net(X)
    l = cross_entropy(y_hat, y)
    l.sum().backward()                         # gradient of the summed loss …
    sgd([net.W, net.b], lr, len(y))            # … divided by |B| in the update
    return l.detach(), y_hat.detach()


def step_concise(X, y, net, loss, trainer):
    y_hat = net(X)                             # logits: CrossEntropyLoss applies log-softmax itself
    l = loss(y_hat, y)
    trainer.zero_grad()
    l.mean().backward()
    trainer.step()
    return l.detach(), y_hat.detach()


def train_epoch_ch3(step, X, y, batch_size, generator, budget, on_batch=None):
    """One pass in a random order (d2l §4.4.4). Returns (Σ loss, Σ correct, examples seen,
    per-step summed losses) as device tensors: nothing is read back until the epoch ends."""
    n = len(X)
    order = torch.randperm(n, generator=generator).to(X.device)
    step_losses = torch.zeros(math.ceil(n / batch_size), device=X.device)
    correct = torch.zeros((), device=X.device)
    seen = 0
    for k, i in enumerate(range(0, n, batch_size)):
        idx = order[i:i + batch_size]
        if not budget.spend(len(idx) + STEP_COST):
            break
        Xb, yb = X.index_select(0, idx), y.index_select(0, idx)     # = X[idx], without advanced indexing's overhead
        l, y_hat = step(Xb, yb)
        step_losses[k] = l.sum()
        correct += (y_hat.argmax(dim=1) == yb).sum()
        seen += len(idx)
        if on_batch is not None:
            on_batch(k + 1)
    steps = math.ceil(seen / batch_size)
    return step_losses[:steps].sum(), correct, seen, step_losses[:steps]


def predict_ch3(net, X, y, n: int = GRID_SIZE):
    """Predictions for ``n`` test images, misclassified first (d2l §4.4.5 shows the first n)."""
    with torch.no_grad():
        probs = net(X)
        if isinstance(net, nn.Module):         # the concise net gives logits
            probs = torch.softmax(probs, dim=1)
    preds = probs.argmax(dim=1)
    wrong = (preds != y).nonzero().flatten()
    right = (preds == y).nonzero().flatten()
    pick = torch.cat([wrong, right])[:n]
    return pick.cpu(), preds.cpu(), probs.cpu()


# ---- a whole run ---------------------------------------------------------------------

EPOCH_COLUMNS = ["epoch", "train_loss", "train_acc", "test_acc"]


def epochs_frame(rows) -> pd.DataFrame:
    """The per-epoch records (also mid-run, for the live chart) as a table."""
    return pd.DataFrame(rows, columns=EPOCH_COLUMNS)


@dataclass(frozen=True)
class Result:
    settings: Settings
    seed: int
    dataset: str                      # the data set actually used
    fallback_reason: str | None       # why the digits were used instead of Fashion-MNIST
    class_names: tuple[str, ...]
    image_shape: tuple[int, int]
    num_train_used: int
    num_test: int
    epochs: pd.DataFrame              # one row per epoch: epoch, train_loss, train_acc, test_acc
    W: np.ndarray                     # (H·W, classes): column j is what class j "looks for"
    b: np.ndarray
    confusion: np.ndarray             # [true, predicted] counts on the test set
    grid_images: np.ndarray           # (n, H, W) test images, misclassified first
    grid: pd.DataFrame                # index, true, pred, prob, correct
    steps: int
    divergence: Divergence | None
    stop_reason: str | None

    def last(self, column: str) -> float:
        return float(self.epochs[column].iloc[-1]) if len(self.epochs) else float("nan")

    @property
    def test_acc(self) -> float:
        return self.last("test_acc")


def run(settings: Settings, seed: int = 0, device: torch.device | str = "cpu",
        on_step: Callable[[dict], None] | None = None, budget: Budget | None = None,
        data: ImageData | None = None) -> Result:
    """Load the images, train with the chosen implementation, record every epoch."""
    s, device = settings, torch.device(device)
    budget = (budget or Budget()).capped(MAX_UNITS)
    data = data or load_image_data(s.dataset)
    n = min(s.num_train, len(data.X_train))
    num_inputs, num_outputs = data.num_inputs, data.num_classes
    X = data.inputs(data.X_train[:n]).to(device)
    y = data.y_train[:n].to(device)
    X_test = data.inputs(data.X_test).to(device)
    y_test = data.y_test.to(device)

    gen = torch.Generator().manual_seed(seed)
    W = torch.normal(0, 0.01, size=(num_inputs, num_outputs), generator=gen).to(device)   # the book's init
    W = W.T.contiguous().T        # same values, stored class by class (nn.Linear's layout): XW and its gradient run ~2× faster
    b = torch.zeros(num_outputs, device=device)
    if s.impl == "scratch":
        net = SoftmaxScratch(W, b)
        step = lambda Xb, yb: step_scratch(Xb, yb, net, s.lr)
        weights = net.weights
    else:
        net = concise_net(W, b)
        loss = nn.CrossEntropyLoss(reduction="none")
        trainer = torch.optim.SGD(net.parameters(), lr=s.lr)
        step = lambda Xb, yb: step_concise(Xb, yb, net, loss, trainer)
        weights = lambda: (net[1].weight.detach().T, net[1].bias.detach())

    steps_per_epoch = math.ceil(n / s.batch_size)
    total = s.num_epochs * steps_per_epoch
    every = max(1, total // 50)
    rows, steps, divergence = [], 0, None

    def report(done):
        if on_step is not None and (steps + done) % every == 0:
            on_step({"done": steps + done, "total": total, "epochs": rows})

    for epoch in range(1, s.num_epochs + 1):
        loss_sum, correct, seen, step_losses = train_epoch_ch3(step, X, y, s.batch_size, gen, budget, report)
        if seen == 0:
            break
        test_acc = evaluate_accuracy(net, X_test, y_test)
        losses = step_losses.cpu()
        bad = (~torch.isfinite(losses)).nonzero()
        if bad.numel():
            k = int(bad[0])
            last = float(losses[k - 1] / s.batch_size) if k > 0 else (rows[-1][1] if rows else None)
            divergence = Divergence(step=steps + k + 1, epoch=epoch, value=float(losses[k]), last_finite=last)
        steps += len(losses)
        frac = epoch - 1 + seen / n
        rows.append((round(frac, 6), float(loss_sum) / seen, float(correct) / seen, test_acc))
        if on_step is not None:
            on_step({"done": steps, "total": total, "epochs": rows})
        if divergence is not None or budget.reason is not None:
            break

    W_out, b_out = weights()
    pick, preds, probs = predict_ch3(net, X_test, y_test)
    C = num_outputs
    confusion = torch.bincount(y_test.cpu() * C + preds.clamp(0, C - 1), minlength=C * C).reshape(C, C)
    H, Wd = data.image_shape
    grid = pd.DataFrame({"index": pick.numpy(), "true": y_test.cpu()[pick].numpy(), "pred": preds[pick].numpy(),
                         "prob": probs[pick, preds[pick]].numpy()})
    grid["correct"] = grid["true"] == grid["pred"]
    return Result(
        settings=s, seed=seed, dataset=data.name, fallback_reason=data.fallback_reason,
        class_names=data.class_names, image_shape=data.image_shape, num_train_used=n, num_test=len(y_test),
        epochs=epochs_frame(rows), W=W_out.cpu().numpy().copy(), b=b_out.cpu().numpy().copy(),
        confusion=confusion.numpy(), grid_images=data.X_test[pick, 0].numpy().reshape(-1, H, Wd).copy(), grid=grid,
        steps=steps, divergence=divergence, stop_reason=budget.reason,
    )


# ---- numerical stability (d2l §4.5.2) ------------------------------------------------------

BASE_LOGITS = (2.0, 1.0, 0.1)          # the book's example row, scaled by the slider


@dataclass(frozen=True)
class StabilitySettings:
    logit_scale: float = S.num(1.0, 0.1, 1000.0, log=True, doc="multiplies the logits (2, 1, 0.1)")

    def __post_init__(self):
        S.check(self)


def stability_table(logit_scale: float, true_class: int = 0) -> pd.DataFrame:
    """Naive and log-sum-exp softmax of one row of logits, in float32 (what training uses),
    with each intermediate value, and the cross-entropy both ways for ``true_class``."""
    o = torch.tensor([BASE_LOGITS], dtype=torch.float32) * logit_scale
    naive = softmax(o)[0]
    log_p = log_softmax(o)[0]
    shifted = (o - o.max())[0]
    ce_naive = float(cross_entropy(softmax(o), torch.tensor([true_class]))[0])
    ce_stable = float(-log_p[true_class]) + 0.0          # no "-0"
    return pd.DataFrame({
        "class": range(len(BASE_LOGITS)), "logit": o[0].numpy(), "exp_logit": torch.exp(o[0]).numpy(),
        "naive": naive.numpy(), "shifted": shifted.numpy(), "exp_shifted": torch.exp(shifted).numpy(),
        "stable": torch.exp(log_p).numpy(),
        "ce_naive": [ce_naive if k == true_class else np.nan for k in range(len(BASE_LOGITS))],
        "ce_stable": [ce_stable if k == true_class else np.nan for k in range(len(BASE_LOGITS))],
    })


def overflow_scale() -> float:
    """The smallest logit scale at which the naive softmax stops being finite (float32)."""
    return math.log(torch.finfo(torch.float32).max) / max(BASE_LOGITS)
