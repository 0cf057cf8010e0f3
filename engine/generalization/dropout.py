"""Dropout (d2l-zh 4.6; d2l §5.6): the book's ``dropout_layer`` and its MLP — two hidden layers of 256,
dropout 0.2 after the first and 0.5 after the second, SGD with lr 0.5, batch 256, 10 epochs — trained on
the MLP lesson's images beside the same network without dropout, from the same weights on the same
minibatches. The network, the data path and the epoch loop are the MLP lesson's (``engine.mlp``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
import torch

from engine import mlp as M
from engine import settings as S
from engine.budget import Budget
from engine.datasets.images import DATASETS, ImageData, load_image_data
from engine.device import intra_op_threads, mean_macs, sized_by
from engine.mlp.net import Dropout, dropout_layer

MASK_EXAMPLES, MASK_UNITS = 24, 64          # the part of one minibatch's masks that the page draws


@dataclass(frozen=True)
class Settings:
    dataset: str = S.choice("fashion_mnist", DATASETS, doc="Fashion-MNIST (the book's) or the bundled 8×8 digits")
    num_train: int = S.num(6000, 10, 60_000, step=10, doc="training examples used (at most what the data set has)")
    dropout1: float = S.num(0.2, 0.0, 0.9, step=0.05, doc="p after the first hidden layer (book: 0.2)")
    dropout2: float = S.num(0.5, 0.0, 0.9, step=0.05, doc="p after the second hidden layer (book: 0.5)")
    num_hiddens: int = S.num(256, 16, 1024, step=16, doc="units per hidden layer (book: 256, 256)")
    lr: float = S.num(0.5, 0.01, 5.0, log=True, doc="learning rate η (book: 0.5)")
    batch_size: int = S.num(256, 8, 1024, step=8, doc="minibatch size (book: 256)")
    num_epochs: int = S.num(10, 1, 50, doc="passes over the training data (book: 10)")
    compare: bool = S.flag(True, doc="also train the same network without dropout")

    def __post_init__(self):
        S.check(self)

    def mlp_settings(self) -> M.Settings:
        """The MLP lesson's settings of the book's network (its dropout is set per layer, ``dropouts``)."""
        return M.Settings(dataset=self.dataset, num_train=self.num_train, num_layers=2, num_hiddens=self.num_hiddens,
                          activation="relu", dropout=0.0, weight_decay=0.0, init="xavier", lr=self.lr,
                          batch_size=self.batch_size, num_epochs=self.num_epochs, compare=False)


def expectation(X: torch.Tensor, dropout: float, draws: int, generator: torch.Generator) -> torch.Tensor:
    """The mean of ``draws`` independent ``dropout_layer(X)``: it tends to X (the scaling by 1/(1 − p))."""
    return torch.stack([dropout_layer(X, dropout, generator) for _ in range(draws)]).mean(0)


def book_demo(seed: int, draws: int = 10_000) -> tuple[pd.DataFrame, float]:
    """The book's example: X = arange(16) as 2 × 8, through ``dropout_layer`` at p = 0, 0.5 and 1 (one table,
    a row per (p, row of X)); and how far the mean of ``draws`` draws at p = 0.5 is from X (max |·|)."""
    X = torch.arange(16, dtype=torch.float32).reshape((2, 8))
    g = torch.Generator().manual_seed(seed)
    rows = [("X", i, *X[i].tolist()) for i in range(2)]
    for p in (0.0, 0.5, 1.0):
        out = dropout_layer(X, p, g)
        rows += [(f"p = {p:g}", i, *out[i].tolist()) for i in range(2)]
    err = float((expectation(X, 0.5, draws, g) - X).abs().max())
    return pd.DataFrame(rows, columns=["", "row", *map(str, range(8))]), err


def minibatch_masks(net: torch.nn.Module, X: torch.Tensor, generator: torch.Generator) -> list[np.ndarray]:
    """One training-mode pass over ``X``: for each Dropout layer, 1 where a unit was kept, 0 where dropout
    zeroed it, 0.5 where it was zero already (the ReLU gave 0, so dropping changes nothing)."""
    masks, hooks = [], []
    for m in net.modules():
        if isinstance(m, Dropout):
            m_gen, m.generator = m.generator, generator
            hooks.append((m, m_gen))

    def record(_module, inputs, output):
        x = inputs[0]
        masks.append(torch.where(x == 0, 0.5, (output != 0).float())[:MASK_EXAMPLES, :MASK_UNITS].cpu().numpy())
    handles = [m.register_forward_hook(record) for m, _ in hooks]
    try:
        net.train()
        with torch.no_grad():
            net(X)
    finally:
        for h in handles:
            h.remove()
        for m, g in hooks:
            m.generator = g
    return masks


@dataclass(frozen=True)
class Result:
    settings: Settings
    seed: int
    dataset: str
    fallback_reason: str | None
    num_train_used: int
    num_test: int
    history: pd.DataFrame          # the MLP lesson's long form, model 'dropout' or 'plain'
    masks: list                    # per Dropout layer: (examples × units) of the first minibatch, after training
    divergence: dict
    stop_reason: str | None

    def last(self, model: str, column: str) -> float:
        h = self.history[self.history["model"] == model]
        return float(h[column].iloc[-1]) if len(h) else float("nan")

    def gap(self, model: str) -> float:
        """Training minus test accuracy after the last epoch (dropout's target)."""
        return self.last(model, "train_acc") - self.last(model, "test_acc")


def macs_per_op(s: Settings) -> float:
    """The average multiply-adds of a minibatch's matrix products, layer by layer (``engine.device.threads_for``)."""
    pixels = 784 if s.dataset == "fashion_mnist" else 64
    h = s.num_hiddens
    return s.batch_size * mean_macs((pixels * h, 1), (h * h, 1), (h * 10, 1))


@sized_by(macs_per_op)
def run(settings: Settings, seed: int = 0, device: torch.device | str = "cpu",
        on_step: Callable[[dict], None] | None = None, budget: Budget | None = None,
        data: ImageData | None = None) -> Result:
    """The book's network with dropout and (if ``compare``) without, epoch by epoch in turn, like the MLP lesson.
    The network is evaluated with dropout off (``net.eval()``), as the book's ``evaluate_accuracy`` does."""
    with intra_op_threads(1):
        return _run(settings, seed, device, on_step, budget, data)


def _run(settings, seed, device, on_step, budget, data) -> Result:
    s, device = settings, torch.device(device)
    budget = (budget or Budget()).capped(M.MAX_UNITS)
    data = data or load_image_data(s.dataset)
    n = min(s.num_train, len(data.X_train))
    X, y = data.inputs(data.X_train[:n]).to(device), data.y_train[:n].to(device)
    X_test, y_test = data.inputs(data.X_test).to(device), data.y_test.to(device)
    ms = s.mlp_settings()
    models = [M.ModelRun("dropout", ms, data.num_inputs, data.num_classes, seed, device, dropout=(s.dropout1, s.dropout2))]
    if s.compare:
        models.append(M.ModelRun("plain", ms, data.num_inputs, data.num_classes, seed, device, dropout=(0.0, 0.0)))
    total, rows = len(models) * s.num_epochs, []
    for epoch in range(1, s.num_epochs + 1):
        for m in models:
            if not m.done:
                m.epoch(epoch, X, y, X_test, y_test, budget, rows)
                if on_step is not None:
                    on_step({"done": len(rows), "total": total, "history": rows})
        if budget.reason is not None or all(m.done for m in models):
            break
    masks = minibatch_masks(models[0].net, X[: s.batch_size], torch.Generator(device=device).manual_seed(seed + 7))
    return Result(s, seed, data.name, data.fallback_reason, n, len(y_test), M.history_frame(rows), masks,
                  {m.name: m.divergence for m in models}, budget.reason)


def history_frame(rows) -> pd.DataFrame:
    return M.history_frame(rows)

