"""LeNet trained live (d2l §7.6): the book's network (sigmoid, average pooling; lr 0.9, batch 256,
10 epochs, test accuracy ≈ 0.78–0.82 on Fashion-MNIST) and a modern variant (ReLU, max pooling),
on the image data of the softmax lesson, beside the MLP lesson's network at equal epochs.

By default the page trains on a subset (the book's full run is one preset away, capped by the work
budget in the app; ``python -m benchmarks vision`` runs it whole). Offline, the 8×8 digits stand in
for Fashion-MNIST, resized to 20×20 and centred in 28×28 (how MNIST lays out its digits)."""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
import torch

import engine.mlp as M
from engine import settings as S
from engine.budget import Budget
from engine.datasets.images import DATASETS, ImageData, load_image_data
from engine.device import intra_op_threads, mean_macs, sized_by
from engine.mlp.core import train_epoch
from engine.vision.nets import feature_maps, init_ch6, layer_table, lenet, receptive_field
from engine.vision.training import HISTORY_COLUMNS, NetRun, images_at, train_nets

MODELS = ("modern", "book", "both")
MAX_UNITS = 2.0e11              # multiply-adds (see training.STEP_COST): ≈ 8–10 s of one core
BOOK = dict(model="book", num_train=60_000, num_test=10_000, lr=0.9, batch_size=256, num_epochs=10)


@dataclass(frozen=True)
class Settings:
    dataset: str = S.choice("fashion_mnist", DATASETS, doc="Fashion-MNIST (the book's) or the bundled digits")
    num_train: int = S.num(5_120, 256, 60_000, step=256, doc="training images used (book: all 60,000)")
    num_test: int = S.num(2_000, 500, 10_000, step=500, doc="test images evaluated (book: all 10,000)")
    model: str = S.choice("modern", MODELS, doc="the book's LeNet (sigmoid, average pooling), the modern one (ReLU, max), or both")
    lr: float = S.num(0.1, 0.05, 3.0, step=0.05, doc="learning rate (book: 0.9 for its sigmoid LeNet)")
    batch_size: int = S.num(64, 16, 1024, step=16, doc="minibatch size (book: 256)")
    num_epochs: int = S.num(5, 1, 30, doc="passes over the training images (book: 10)")
    compare_mlp: bool = S.flag(True, doc="also train the MLP lesson's network (784-256-10, lr 0.1) for as many epochs")

    def __post_init__(self):
        S.check(self)


@dataclass(frozen=True)
class View:
    """What the page looks at in a trained network (no retraining)."""
    test_image: int = S.num(0, 0, 499, doc="the test image whose feature maps are shown")
    layer: int = S.num(0, 0, 5, doc="the layer of the unit to inspect (Conv2d 0 … AvgPool2d 5)")
    unit_row: int = S.num(14, 0, 27, doc="row of the unit (clamped to the layer's map)")
    unit_col: int = S.num(14, 0, 27, doc="column of the unit")

    def __post_init__(self):
        S.check(self)


@dataclass(frozen=True)
class Result:
    settings: Settings
    seed: int
    dataset: str
    fallback_reason: str | None
    num_train_used: int
    num_test: int
    history: pd.DataFrame             # model, epoch, train_loss, train_acc, test_acc (MLP rows included)
    nets: dict                        # model name -> the trained nn.Sequential
    tables: dict                      # model name -> layer table (output shape, params, multiply-adds)
    divergence: dict
    steps: dict
    stop_reason: str | None
    class_names: tuple

    def last(self, model: str, column: str = "test_acc") -> float:
        h = self.history[self.history["model"] == model]
        return float(h[column].iloc[-1]) if len(h) else float("nan")

    @property
    def cnn_models(self) -> list[str]:
        return [m for m in ("book", "modern") if m in self.nets]


MLP_PARAMS = 784 * 256 + 256 + 256 * 10 + 10      # the MLP lesson's 784-256-10 network, trained beside LeNet


def versus_mlp(r: Result) -> dict | None:
    """How the best-scoring LeNet of a run stands against the MLP at equal epochs, as the page shows
    the accuracies (three decimals): "ahead", "behind" or "level"; None without the MLP."""
    scored = [m for m in r.cnn_models if math.isfinite(r.last(m))]       # a model stopped before its first epoch has none
    if not scored or not math.isfinite(r.last("mlp")):
        return None
    model = max(scored, key=r.last)
    acc, mlp = round(r.last(model), 3), round(r.last("mlp"), 3)
    case = "ahead" if acc > mlp else "behind" if acc < mlp else "level"
    params = int(r.tables[model]["params"].sum())
    return dict(case=case, model=model, acc=acc, mlp=mlp, params=params, mlp_params=MLP_PARAMS,
                ratio=round(MLP_PARAMS / params, 1))


def history_frame(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=HISTORY_COLUMNS)


def models_of(s: Settings) -> list[str]:
    return ["book", "modern"] if s.model == "both" else [s.model]


def macs_per_op(s: Settings) -> float:
    """The average multiply-adds of a minibatch's convolutions and matrix products, from the layer tables
    of the networks trained (``engine.device.threads_for``)."""
    macs = [m for name in models_of(s) for m in layer_table(lenet(name), (1, 28, 28))["macs"] if m > 0]
    return s.batch_size * mean_macs(*((m, 1) for m in macs))


@sized_by(macs_per_op)
def run(settings: Settings, seed: int = 0, device="cpu", on_step: Callable | None = None,
        budget: Budget | None = None, data: ImageData | None = None) -> Result:
    with intra_op_threads(1):
        return _run(settings, seed, torch.device(device), on_step, budget, data)


def _run(s: Settings, seed, device, on_step, budget, data) -> Result:
    budget = (budget or Budget()).capped(MAX_UNITS)
    data = data or load_image_data(s.dataset)
    X_all, X_test_all = images_at(data, 28)
    n, m = min(s.num_train, len(X_all)), min(s.num_test, len(X_test_all))
    X, y = X_all[:n].to(device), data.y_train[:n].to(device)
    X_test, y_test = X_test_all[:m].to(device), data.y_test[:m].to(device)
    runs = []
    for i, name in enumerate(models_of(s)):
        net = init_ch6(lenet(name), torch.Generator().manual_seed(seed + i))
        runs.append(NetRun(name, net, (1, 28, 28), s.lr, seed + i, device, fused=device.type == "cpu"))
    rows = train_nets(runs, X, y, X_test, y_test, s.batch_size, s.num_epochs, budget, on_step)
    if s.compare_mlp:                   # the MLP lesson's network, its own lr and budget, as many epochs
        epochs = max([int(np.ceil(r[1])) for r in rows] or [0])
        if epochs:
            ms = M.Settings(dataset=data.name if data.name in DATASETS else "fashion_mnist", num_train=max(10, n),
                            num_epochs=epochs, batch_size=s.batch_size, compare=False)
            mlp_budget = Budget(max_seconds=budget.max_seconds, stop=budget.stop)
            mr = M.run(ms, seed=seed, device=device, budget=mlp_budget, data=_test_subset(data, m))
            for row in mr.history.itertuples():
                rows.append(("mlp", row.epoch, row.train_loss, row.train_acc, row.test_acc))
    history = pd.DataFrame(rows, columns=HISTORY_COLUMNS)
    nets = {r.name: r.net.cpu().eval() for r in runs}
    return Result(s, seed, data.name, data.fallback_reason, n, m, history, nets,
                  {k: layer_table(v, (1, 28, 28)) for k, v in nets.items()},
                  {r.name: r.divergence for r in runs}, {r.name: r.steps for r in runs}, budget.reason, data.class_names)


def _test_subset(data: ImageData, m: int) -> ImageData:
    """The same data with the first m test images (the MLP is evaluated on what LeNet is)."""
    return dataclasses.replace(data, X_test=data.X_test[:m], y_test=data.y_test[:m])


@dataclass(frozen=True)
class Inspection:
    image: np.ndarray                 # (28, 28)
    label: int
    predicted: int
    probs: np.ndarray
    maps: list                        # (name, type, array) for every layer
    unit: tuple[int, int, int]        # (layer, row, col) clamped
    fields: list | None               # receptive_field: windows in each earlier layer, input last
    kernels: np.ndarray               # first layer's kernels (6, 5, 5)


def inspect(r: Result, model: str, view: View) -> Inspection:
    """Every layer's maps for one test image, and the window a unit reads (CNN Explainer)."""
    data = load_image_data(r.dataset) if r.dataset in DATASETS else None
    net = r.nets[model]
    _, X_test = images_at(data, 28)
    k = min(view.test_image, r.num_test - 1)
    x = X_test[k]
    maps = feature_maps(net, x)
    probs = torch.softmax(maps[-1][2], 0).numpy()
    layer = min(view.layer, 5)
    h, w = maps[layer][2].shape[1:]
    i, j = min(view.unit_row, h - 1), min(view.unit_col, w - 1)
    return Inspection(x[0].numpy(), int(data.y_test[k]), int(probs.argmax()), probs,
                      [(nm, t, a.numpy()) for nm, t, a in maps], (layer, i, j), receptive_field(net, layer, i, j),
                      net[0].weight.detach()[:, 0].numpy())


def params_per_layer(r: Result) -> pd.DataFrame:
    frames = [t.assign(model=k) for k, t in r.tables.items()]
    return pd.concat(frames, ignore_index=True)[["model", "layer", "type", "output", "params", "macs"]]
