"""Optimizers on a real network (d2l §12.4–12.11): the MLP of the MLP lesson (``engine.mlp``: same
model builder, same data path and cache, same training epoch) trained with SGD, momentum, AdaGrad,
RMSprop and Adam — the from-scratch rules of ``rules`` — from the same initialisation and on the same
minibatches, with a learning-rate schedule (constant, step, cosine, warm-up + cosine; §12.11).

Epochs are interleaved (every optimizer's epoch 1, then every optimizer's epoch 2, …) so a run the
budget stops shows all curves up to the same point."""
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
from engine.device import intra_op_threads
import engine.mlp as M
from engine.numerics import Divergence
from engine.optimization.rules import NAMES, SCHEDULES, Scratch, make_schedule

# The MLP lesson's work units (multiply-adds, ``engine.mlp.STEP_COST``/``WEIGHT_COST``): 1.2·10¹¹ ≈ 3 s
# on one core there; five optimizers get 4·10¹¹ (≈ 10 s), and the defaults use a fraction of it.
MAX_UNITS = 4e11


@dataclass(frozen=True)
class Settings:
    dataset: str = S.choice("fashion_mnist", DATASETS, doc="Fashion-MNIST or, offline, the bundled 8×8 digits")
    num_train: int = S.num(5000, 100, 60_000, step=100, doc="training examples used")
    num_hiddens: int = S.num(256, 8, 1024, step=8, doc="units of the one hidden layer (book: 256)")
    batch_size: int = S.num(64, 8, 1024, doc="minibatch size; the same minibatches for every optimizer")
    num_epochs: int = S.num(10, 1, 30, doc="passes over the training data")
    use_gd: bool = S.flag(True, doc="minibatch SGD")
    use_momentum: bool = S.flag(True, doc="SGD with momentum")
    use_adagrad: bool = S.flag(True, doc="AdaGrad")
    use_rmsprop: bool = S.flag(True, doc="RMSprop")
    use_adam: bool = S.flag(True, doc="Adam")
    lr_gd: float = S.num(0.1, 0.0001, 100.0, log=True, doc="η of SGD (the MLP lesson: 0.1)")
    lr_momentum: float = S.num(0.02, 0.0001, 100.0, log=True, doc="η of momentum")
    beta: float = S.num(0.9, 0.0, 0.99, step=0.01, doc="β of momentum")
    lr_adagrad: float = S.num(0.05, 0.0001, 100.0, log=True, doc="η of AdaGrad")
    lr_rmsprop: float = S.num(0.001, 0.0001, 100.0, log=True, doc="η of RMSprop")
    gamma: float = S.num(0.9, 0.0, 0.999, step=0.001, doc="γ of RMSprop (book: 0.9)")
    lr_adam: float = S.num(0.001, 0.0001, 100.0, log=True, doc="η of Adam (torch's default 0.001)")
    schedule: str = S.choice("constant", SCHEDULES, doc="learning-rate schedule (d2l §12.11)")
    step_epochs: int = S.num(3, 1, 30, doc="step schedule: multiply η by the factor every this many epochs")
    step_factor: float = S.num(0.5, 0.05, 0.95, step=0.05, doc="step schedule: the factor")
    warmup_epochs: int = S.num(1, 1, 10, doc="warm-up: epochs of linear increase from 0")

    def __post_init__(self):
        S.check(self)

    def chosen(self) -> list[str]:
        return [n for n in NAMES if getattr(self, f"use_{n}")]

    def hyper(self, name: str) -> dict:
        return {"gd": {"lr": self.lr_gd},
                "momentum": {"lr": self.lr_momentum, "momentum": self.beta},
                "adagrad": {"lr": self.lr_adagrad},
                "rmsprop": {"lr": self.lr_rmsprop, "gamma": self.gamma},
                "adam": {"lr": self.lr_adam, "beta1": 0.9, "beta2": 0.999}}[name]

    def mlp_settings(self) -> M.Settings:
        """The MLP lesson's settings for this network: one hidden ReLU layer, Xavier, no regularisation."""
        return M.Settings(dataset=self.dataset, num_train=self.num_train, num_layers=1, num_hiddens=self.num_hiddens,
                          batch_size=min(self.batch_size, 1024), num_epochs=self.num_epochs, compare=False)


class Racer:
    """One optimizer's copy of the network, its trainer and its own (identically seeded) generator,
    so every racer starts from the same weights and sees the minibatches in the same order."""

    def __init__(self, name: str, s: Settings, d: int, q: int, seed: int, steps_per_epoch: int, device):
        self.name = name
        self.gen = torch.Generator().manual_seed(seed)
        self.net = M.build_net(s.mlp_settings(), d, q, self.gen).to(device)
        h = s.hyper(name)
        total = steps_per_epoch * s.num_epochs
        schedule = make_schedule(s.schedule, h["lr"], total, s.step_epochs * steps_per_epoch, s.step_factor,
                                 s.warmup_epochs * steps_per_epoch)
        self.trainer = Scratch(self.net.parameters(), name, h, schedule)
        self.loss = nn.CrossEntropyLoss()
        macs = M.forward_macs(self.net)
        self.step_units = lambda b: 3 * b * macs + M.WEIGHT_COST * macs + M.STEP_COST
        self.divergence: Divergence | None = None
        self.step_losses: list[float] = []
        self.done = False

    def epoch(self, epoch: int, X, y, X_test, y_test, batch_size: int, budget: Budget, rows: list) -> None:
        losses, loss_sum, correct, seen = M.train_epoch(self.net, self.loss, self.trainer, X, y, batch_size,
                                                        self.gen, budget, self.step_units)
        if seen == 0:
            self.done = True
            return
        losses = losses.cpu().tolist()
        bad = next((k for k, v in enumerate(losses) if not math.isfinite(v)), None)
        if bad is not None:
            last = losses[bad - 1] if bad > 0 else (self.step_losses[-1] if self.step_losses else None)
            self.divergence = Divergence(step=len(self.step_losses) + bad + 1, epoch=epoch, value=losses[bad], last_finite=last)
            self.done = True
        self.step_losses += losses
        test_loss, test_acc = M.evaluate(self.net, self.loss, X_test, y_test)
        lr = self.trainer.lrs[-1] if isinstance(self.trainer, Scratch) else self.trainer.param_groups[0]["lr"]   # torch.optim (tests)
        rows.append((self.name, round(epoch - 1 + seen / len(X), 6), float(loss_sum) / seen, float(correct) / seen,
                     test_loss, test_acc, lr))


HISTORY_COLUMNS = ["optimizer", "epoch", "train_loss", "train_acc", "test_loss", "test_acc", "lr"]


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
    history: pd.DataFrame             # one row per (optimizer, epoch)
    updates: pd.DataFrame             # one row per (optimizer, update): update, loss, lr
    divergence: dict                  # optimizer -> Divergence | None
    initial_loss: float               # the common starting point (same weights for every optimizer)
    stop_reason: str | None

    def last(self, name: str, column: str) -> float:
        h = self.history[self.history["optimizer"] == name]
        return float(h[column].iloc[-1]) if len(h) else math.nan

    def best(self) -> str | None:
        """The optimizer with the highest final test accuracy (NaN counts as none)."""
        scores = {n: self.last(n, "test_acc") for n in self.settings.chosen()}
        scores = {n: v for n, v in scores.items() if math.isfinite(v)}
        return max(scores, key=scores.get) if scores else None


def run(settings: Settings, seed: int = 0, device: torch.device | str = "cpu",
        on_step: Callable[[dict], None] | None = None, budget: Budget | None = None,
        data: ImageData | None = None) -> Result:
    with intra_op_threads(1):
        return _run(settings, seed, torch.device(device), on_step, budget, data)


def _run(s: Settings, seed, device, on_step, budget, data) -> Result:
    budget = (budget or Budget()).capped(MAX_UNITS)
    data = data or load_image_data(s.dataset)
    n = min(s.num_train, len(data.X_train))
    X, y = data.inputs(data.X_train[:n]).to(device), data.y_train[:n].to(device)
    X_test, y_test = data.inputs(data.X_test).to(device), data.y_test.to(device)
    batch = min(s.batch_size, n)
    steps_per_epoch = math.ceil(n / batch)
    racers = [Racer(name, s, data.num_inputs, data.num_classes, seed, steps_per_epoch, device) for name in s.chosen()]
    initial = M.evaluate(racers[0].net, racers[0].loss, X, y)[0] if racers else math.nan
    rows, total = [], len(racers) * s.num_epochs
    for epoch in range(1, s.num_epochs + 1):
        for r in racers:
            if not r.done:
                r.epoch(epoch, X, y, X_test, y_test, batch, budget, rows)
                if on_step is not None:
                    on_step({"done": len(rows), "total": total, "history": rows})
        if budget.reason is not None or all(r.done for r in racers):
            break
    updates = pd.concat([pd.DataFrame({"optimizer": r.name, "update": range(1, len(r.step_losses) + 1),
                                       "loss": r.step_losses, "lr": r.trainer.lrs[:len(r.step_losses)]})
                         for r in racers], ignore_index=True) if racers else pd.DataFrame(columns=["optimizer", "update", "loss", "lr"])
    return Result(s, seed, data.name, data.fallback_reason, n, len(y_test), history_frame(rows), updates,
                  {r.name: r.divergence for r in racers}, initial, budget.reason)
