"""The MLP lessons: seconds per epoch of ``engine.mlp.run`` on the images next to the book's
concise MLP (d2l §4.3: 784-256-10, ReLU, lr 0.1, batch 256, 10 epochs) trained by the book's
``train_ch3`` loop, measured in the same run from the same initial weights, with the test
accuracy of each; and the playground's time per 100 SGD steps.

The ``d2l`` package pins an old torch and cannot be installed beside torch 2.13, so the
reference is the loop written to the book's text (``Accumulator``, ``train_epoch_ch3``,
``evaluate_accuracy`` over ``DataLoader``s), the one the softmax regression benchmark uses.
It is timed twice: given every advantage (images already float tensors in a ``TensorDataset``),
and with the book's per-image conversion (``ToTensor`` on each access, PIL left out); both with
``num_workers=0`` and no ``Animator``, and with one intra-op thread as ``engine.mlp`` uses (on
this busy 2-core machine it is faster; the reference is also timed with torch's default).
Wall and CPU seconds are both reported: under load the CPU figures are the steadier.
"""
from __future__ import annotations

import os
import time

import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset, TensorDataset

import engine.mlp as M
import engine.mlp.playground as P
from benchmarks.softmax_regression import book_train_ch3
from benchmarks.timing import best_of
from engine.datasets.images import ImageData, load_image_data
from engine.device import intra_op_threads

BOOK = dict(num_layers=1, num_hiddens=256, activation="relu", lr=0.1, batch_size=256, num_epochs=10)


class ToTensorImages(Dataset):
    """The book's data path without PIL: 8-bit images, each converted to a float tensor in
    [0, 1] when it is read, as ``torchvision.transforms.ToTensor`` does on every access."""

    def __init__(self, X: torch.Tensor, y: torch.Tensor):
        self.images, self.labels = (X * 255).round().to(torch.uint8).numpy(), y

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return torch.from_numpy(self.images[i]).float().div(255), self.labels[i]


def best_times(fn, repeat: int):
    """(fastest wall seconds, fastest CPU seconds of this process, last result). CPU time is
    the steadier figure on a shared machine: it leaves out the time spent waiting for a core."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return min(walls), min(cpus), result


def book_run(data: ImageData, s: M.Settings, seed: int = 0, per_item: bool = False):
    """d2l §4.3 with the book's loop; the net starts from the weights ``engine.mlp`` starts from.
    ``per_item``: convert every image when it is read (the book's ``ToTensor``)."""
    torch.manual_seed(seed)
    kind = ToTensorImages if per_item else TensorDataset
    train_iter = DataLoader(kind(data.inputs(data.X_train), data.y_train), s.batch_size, shuffle=True, num_workers=0)
    test_iter = DataLoader(kind(data.inputs(data.X_test), data.y_test), s.batch_size, shuffle=False, num_workers=0)
    net = M.build_net(s, data.num_inputs, data.num_classes, torch.Generator().manual_seed(seed))
    loss = nn.CrossEntropyLoss(reduction="none")
    trainer = torch.optim.SGD(net.parameters(), lr=s.lr)
    (train_loss, train_acc), test_acc = book_train_ch3(net, train_iter, test_iter, loss, s.num_epochs, trainer)
    return train_loss, train_acc, test_acc


def _compare(data: ImageData, label: str, num_epochs: int, repeat: int, note: str | None):
    s = M.Settings(dataset="digits" if data.name == "digits" else "fashion_mnist", num_train=60_000,
                   compare=False, **dict(BOOK, num_epochs=num_epochs))
    ours_s, ours_cpu, r = best_times(lambda: M.run(s, seed=0, data=data), repeat)
    with intra_op_threads(1):
        ref_s, ref_cpu, ref = best_times(lambda: book_run(data, s), repeat)
        item_s, item_cpu, item = best_times(lambda: book_run(data, s, per_item=True), repeat)
    ref_default_s, _, _ = best_times(lambda: book_run(data, s), 1)
    per_epoch = lambda x: round(x / num_epochs, 5)
    record = {"name": f"mlp.{label}", "dataset": data.name, "epochs": num_epochs,
              "train_examples": len(data.X_train), "layers": "-".join(map(str, r.layer_sizes)),
              "seconds": round(ours_s, 4), "seconds_per_epoch": per_epoch(ours_s), "cpu_seconds_per_epoch": per_epoch(ours_cpu),
              "test_acc": round(r.last("mlp", "test_acc"), 4), "train_loss": round(r.last("mlp", "train_loss"), 4),
              "reference_seconds_per_epoch": per_epoch(ref_s), "reference_cpu_seconds_per_epoch": per_epoch(ref_cpu),
              "reference_test_acc": round(ref[2], 4), "reference_train_loss": round(ref[0], 4),
              "speedup_vs_reference": round(ref_s / ours_s, 2), "cpu_speedup_vs_reference": round(ref_cpu / ours_cpu, 2),
              "reference_totensor_seconds_per_epoch": per_epoch(item_s), "reference_totensor_test_acc": round(item[2], 4),
              "speedup_vs_reference_totensor": round(item_s / ours_s, 2),
              "cpu_speedup_vs_reference_totensor": round(item_cpu / ours_cpu, 2),
              "reference_default_threads_seconds_per_epoch": per_epoch(ref_default_s),
              "default_threads": torch.get_num_threads(), "capped_by": r.stop_reason,
              "load_average": round(os.getloadavg()[0], 1)}
    if note:
        record["note"] = note
    return record


def run():
    data = load_image_data("fashion_mnist", allow_download=False)
    note = None if data.fallback_reason is None else \
        f"Fashion-MNIST not in data/cache, the book's run is on the 8×8 digits instead ({data.fallback_reason})"
    yield _compare(data, "book_run", BOOK["num_epochs"], repeat=3, note=note)
    g = torch.Generator().manual_seed(0)
    fake = ImageData("synthetic", torch.rand(60_000, 1, 28, 28, generator=g), torch.randint(0, 10, (60_000,), generator=g),
                     torch.rand(10_000, 1, 28, 28, generator=g), torch.randint(0, 10, (10_000,), generator=g),
                     tuple(map(str, range(10))), (28, 28), None)
    yield _compare(fake, "fashion_sized_random", 2, repeat=1,
                   note="random pixels and labels of Fashion-MNIST's size (784-256-10): speed only, accuracy is chance")
    heaviest = M.Settings(dataset="digits", num_train=60_000, num_layers=3, num_hiddens=1024, batch_size=1, num_epochs=50)
    seconds, r = best_of(lambda: M.run(heaviest, seed=0, data=load_image_data("digits")), repeat=1)
    yield {"name": "mlp.heaviest", "dataset": "digits", "seconds": round(seconds, 3), "steps": r.steps,
           "capped_by": r.stop_reason, "max_units": M.MAX_UNITS}
    for label, s in (("default", P.Settings()),
                     ("widest", P.Settings(num_layers=5, num_hiddens=32, batch_size=500, num_examples=2000,
                                           test_ratio=0.1, num_epochs=100))):
        seconds, r = best_of(lambda: P.run(s, seed=0), repeat=3)
        steps = int(r.final["step"])
        yield {"name": f"mlp.playground.{label}", "seconds": round(seconds, 4), "steps": steps,
               "seconds_per_100_steps": round(100 * seconds / steps, 4), "snapshots": len(r.frames),
               "train_acc": round(r.final["train_acc"], 4), "test_acc": round(r.final["test_acc"], 4),
               "capped_by": r.stop_reason, "load_average": round(os.getloadavg()[0], 1)}
