"""AlexNet and NiN (d2l §8.1, §8.3): the book's architectures at their 224×224 input described layer
by layer (output shape, parameters, multiply-adds: AlexNet ≈ 46.8 M parameters with 10 classes, NiN
≈ 2.0 M), and scaled-down versions (fewer channels, a smaller input, a narrower classifier) trained
live on the image data within the work budget. NiN replaces AlexNet's dense layers by 1×1
convolutions and global average pooling; AlexNet's classifier uses dropout."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd
import torch

from engine import settings as S
from engine.budget import Budget
from engine.datasets.images import DATASETS, ImageData, load_image_data
from engine.device import intra_op_threads, mean_macs, sized_by
from engine.vision.nets import INITS, alexnet, layer_table, nin, nin_block
from engine.vision.training import HISTORY_COLUMNS, NetRun, images_at, train_nets

MODELS = ("both", "alexnet", "nin")
ALEXNET_CHANNELS = (96, 256, 384, 384, 256)
NIN_CHANNELS = (96, 256, 384)
INPUT_SIZES = (72, 96, 128, 224)
WIDTHS = (1, 2, 4, 8, 16, 32)
MAX_UNITS = 2.0e11                          # multiply-adds, as on the LeNet page: ≈ 10 s of one core
# The book's training settings for each network (d2l-zh §7.1, §7.3: Xavier, batch 128, 10 epochs), at the
# scaled sizes: the full-size networks cost more than the whole work budget for one minibatch.
BOOK = {"alexnet": dict(model="alexnet", init="xavier", lr=0.01, batch_size=128, num_epochs=10, dropout=0.5),
        "nin": dict(model="nin", init="xavier", lr=0.1, batch_size=128, num_epochs=10, dropout=0.5)}


@dataclass(frozen=True)
class Settings:
    dataset: str = S.choice("fashion_mnist", DATASETS, doc="Fashion-MNIST (the book's) or the bundled digits")
    model: str = S.choice("both", MODELS, doc="train AlexNet, NiN or both")
    input_size: int = S.choice(72, INPUT_SIZES, doc="images resized to this (book: 224; 72 is the least both nets take)")
    width: int = S.choice(8, WIDTHS, doc="every layer's channels divided by this (book: 1)")
    dense: int = S.num(256, 16, 4096, step=16, doc="units of AlexNet's two hidden dense layers (book: 4096)")
    dropout: float = S.num(0.5, 0.0, 0.9, step=0.05, doc="dropout in AlexNet's classifier and before NiN's last block (book: 0.5)")
    init: str = S.choice("kaiming", tuple(INITS), doc="initial weights: Kaiming (He) for ReLU networks, or Xavier (the book's train_ch6)")
    num_train: int = S.num(1_536, 256, 60_000, step=256, doc="training images used (book: all 60,000)")
    num_test: int = S.num(1_000, 500, 10_000, step=500, doc="test images evaluated")
    lr: float = S.num(0.05, 0.005, 0.5, step=0.005, doc="learning rate (book: 0.01 AlexNet, 0.1 NiN)")
    batch_size: int = S.num(16, 16, 512, step=16, doc="minibatch size (book: 128)")
    num_epochs: int = S.num(10, 1, 30, doc="passes over the training images (book: 10)")

    def __post_init__(self):
        S.check(self)

    def channels(self, book) -> tuple[int, ...]:
        return tuple(max(1, c // self.width) for c in book)


def build(model: str, s: Settings, generator: torch.Generator | None = None, book: bool = False):
    """The book's network (``book=True``: 224×224, every channel, 4096 units) or the scaled one."""
    drop = torch.Generator().manual_seed(generator.initial_seed() + 1) if generator is not None else None
    if model == "alexnet":
        if book:
            return alexnet(generator=drop)
        return alexnet(s.channels(ALEXNET_CHANNELS), s.dense, s.dropout, s.input_size, generator=drop)
    if book:
        return nin(generator=drop)
    return nin(s.channels(NIN_CHANNELS), s.dropout, generator=drop)


def book_tables() -> dict[str, pd.DataFrame]:
    """The book's printouts at 224×224 with parameters and multiply-adds (computed on 'meta': free)."""
    s = Settings()
    return {m: layer_table(build(m, s, book=True), (1, 224, 224)) for m in ("alexnet", "nin")}


@dataclass(frozen=True)
class Result:
    settings: Settings
    seed: int
    dataset: str
    fallback_reason: str | None
    num_train_used: int
    num_test: int
    history: pd.DataFrame
    tables: dict                        # model -> the scaled network's layer table
    params: dict
    divergence: dict
    steps: dict
    stop_reason: str | None

    def last(self, model: str, column: str = "test_acc") -> float:
        h = self.history[self.history["model"] == model]
        return float(h[column].iloc[-1]) if len(h) else float("nan")


def planned_steps(s: Settings, num_train: int | None = None) -> int:
    """SGD updates per network for a whole run: ⌈images / batch⌉ per epoch."""
    return -(-(num_train or s.num_train) // s.batch_size) * s.num_epochs


def models_of(s: Settings) -> list[str]:
    return ["alexnet", "nin"] if s.model == "both" else [s.model]


def macs_per_op(s: Settings) -> float:
    """The average multiply-adds of a minibatch's convolutions and matrix products, from the layer tables
    of the networks trained (``engine.device.threads_for``)."""
    with torch.device("meta"):                  # the shapes only: no weights are made
        macs = [m for name in models_of(s)
                for m in layer_table(build(name, s), (1, s.input_size, s.input_size))["macs"] if m > 0]
    return s.batch_size * mean_macs(*((m, 1) for m in macs))


@sized_by(macs_per_op)
def run(settings: Settings, seed: int = 0, device="cpu", on_step: Callable | None = None,
        budget: Budget | None = None, data: ImageData | None = None) -> Result:
    with intra_op_threads(1):
        s, device = settings, torch.device(device)
        budget = (budget or Budget()).capped(MAX_UNITS)
        data = data or load_image_data(s.dataset)
        X_all, X_test_all = images_at(data, s.input_size)
        n, m = min(s.num_train, len(X_all)), min(s.num_test, len(X_test_all))
        X, y = X_all[:n].to(device), data.y_train[:n].to(device)
        X_test, y_test = X_test_all[:m].to(device), data.y_test[:m].to(device)
        runs = []
        for i, name in enumerate(models_of(s)):
            g = torch.Generator().manual_seed(seed + 10 * i)
            net = INITS[s.init](build(name, s, g), g)
            runs.append(NetRun(name, net, (1, s.input_size, s.input_size), s.lr, seed + i, device, channels_last=True))
        rows = train_nets(runs, X, y, X_test, y_test, s.batch_size, s.num_epochs, budget, on_step)
        shape = (1, s.input_size, s.input_size)
        return Result(s, seed, data.name, data.fallback_reason, n, m, pd.DataFrame(rows, columns=HISTORY_COLUMNS),
                      {r.name: layer_table(r.net, shape) for r in runs},
                      {r.name: sum(p.numel() for p in r.net.parameters()) for r in runs},
                      {r.name: r.divergence for r in runs}, {r.name: r.steps for r in runs}, budget.reason)
