"""The MLP lessons: seconds per epoch of ``engine.mlp.run`` on the images next to the book's
concise MLP (d2l §4.3: 784-256-10, ReLU, lr 0.1, batch 256, 10 epochs) trained by the book's
``train_ch3`` loop, measured in the same run from the same initial weights, with the test
accuracy of each; and the playground's time per 100 SGD steps.

The ``d2l`` package pins an old torch and cannot be installed beside torch 2.13, so the
reference is the loop written to the book's text (``Accumulator``, ``train_epoch_ch3``,
``evaluate_accuracy`` over ``DataLoader``s), the one the softmax regression benchmark uses, with
the book's data path (a PIL image per picture and ``ToTensor`` on every access, 4 workers or none,
whichever is faster here): the goal's reference (``speedup_vs_reference``). It is timed a second
time given every advantage, the images already float tensors in a ``TensorDataset``
(``speedup_vs_in_memory_reference``), which measures the training loop alone: at Fashion-MNIST's
size the 784×256 products dominate both, so that ratio is bounded by how close the reference
already is to the CPU's matrix-product rate (``compute_floor_seconds_per_epoch``: the epoch's
matrix products alone, timed here). No ``Animator``; one intra-op thread as ``engine.mlp`` uses
(on this busy 2-core machine it is faster; the reference is also timed with torch's default).
Wall and CPU seconds are both reported: under load the CPU figures are the steadier.
"""
from __future__ import annotations

import os
import time

import torch
from torch import nn

import engine.mlp as M
import engine.mlp.playground as P
from benchmarks.softmax_regression import book_loaders, book_train_ch3
from benchmarks.timing import best_of
from engine.datasets.images import ImageData, load_image_data
from engine.device import intra_op_threads

BOOK = dict(num_layers=1, num_hiddens=256, activation="relu", lr=0.1, batch_size=256, num_epochs=10)


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


def book_run(data: ImageData, s: M.Settings, seed: int = 0, pipeline: str = "in_memory", workers: int = 0):
    """d2l §4.3 with the book's loop; the net starts from the weights ``engine.mlp`` starts from.
    ``pipeline="book"``: the book's data path (see ``benchmarks.softmax_regression.book_loaders``)."""
    torch.manual_seed(seed)
    train_iter, test_iter = book_loaders(data, s.batch_size, pipeline, workers)
    net = M.build_net(s, data.num_inputs, data.num_classes, torch.Generator().manual_seed(seed))
    loss = nn.CrossEntropyLoss(reduction="none")
    trainer = torch.optim.SGD(net.parameters(), lr=s.lr)
    (train_loss, train_acc), test_acc = book_train_ch3(net, train_iter, test_iter, loss, s.num_epochs, trainer)
    return train_loss, train_acc, test_acc


def compute_floor(data: ImageData, s: M.Settings) -> float:
    """Seconds of one epoch's unavoidable matrix products for the book's 784-256-10 MLP, timed
    as full-epoch products (the best case for the CPU): forward X·W1 and H·W2, backward
    dZ2·W2ᵀ, Hᵀ·dZ2 and Xᵀ·dZ1 (no gradient for the input), and the test set's forward pass."""
    g = torch.Generator().manual_seed(0)
    n, m, d = len(data.X_train), len(data.X_test), data.num_inputs
    h, q = s.num_hiddens, data.num_classes
    X, Xt = torch.randn(n, d, generator=g), torch.randn(m, d, generator=g)
    W1, W2 = torch.randn(d, h, generator=g), torch.randn(h, q, generator=g)
    H, dZ2, dZ1 = torch.randn(n, h, generator=g), torch.randn(n, q, generator=g), torch.randn(n, h, generator=g)

    def epoch():
        X @ W1, H @ W2, dZ2 @ W2.T, H.T @ dZ2, X.T @ dZ1, Xt @ W1, (Xt @ W1) @ W2
    return best_of(epoch, repeat=3)[0]


def _compare(data: ImageData, label: str, num_epochs: int, repeat: int, note: str | None, ref_repeat: int = 1):
    s = M.Settings(dataset="digits" if data.name == "digits" else "fashion_mnist", num_train=60_000,
                   compare=False, **dict(BOOK, num_epochs=num_epochs))
    ours_s, ours_cpu, r = best_times(lambda: M.run(s, seed=0, data=data), repeat)
    with intra_op_threads(1):
        mem_s, mem_cpu, mem = best_times(lambda: book_run(data, s), repeat)
        book = {w: best_times(lambda: book_run(data, s, pipeline="book", workers=w), ref_repeat) for w in (4, 0)}
        floor = compute_floor(data, s) * num_epochs
    workers = min(book, key=lambda w: book[w][0])
    ref_s, _, ref = book[workers]
    ref_default_s, _, _ = best_times(lambda: book_run(data, s), 1)
    per_epoch = lambda x: round(x / num_epochs, 5)
    record = {"name": f"mlp.{label}", "dataset": data.name, "epochs": num_epochs,
              "train_examples": len(data.X_train), "layers": "-".join(map(str, r.layer_sizes)),
              "seconds": round(ours_s, 4), "seconds_per_epoch": per_epoch(ours_s), "cpu_seconds_per_epoch": per_epoch(ours_cpu),
              "test_acc": round(r.last("mlp", "test_acc"), 4), "train_loss": round(r.last("mlp", "train_loss"), 4),
              "reference_seconds_per_epoch": per_epoch(ref_s), "reference_workers": workers,
              "reference_seconds_per_epoch_by_workers": {w: per_epoch(b[0]) for w, b in book.items()},
              "reference_test_acc": round(ref[2], 4), "reference_train_loss": round(ref[0], 4),
              "speedup_vs_reference": round(ref_s / ours_s, 2),
              "in_memory_reference_seconds_per_epoch": per_epoch(mem_s),
              "in_memory_reference_cpu_seconds_per_epoch": per_epoch(mem_cpu),
              "in_memory_reference_test_acc": round(mem[2], 4),
              "speedup_vs_in_memory_reference": round(mem_s / ours_s, 2),
              "cpu_speedup_vs_in_memory_reference": round(mem_cpu / ours_cpu, 2),
              "compute_floor_seconds_per_epoch": per_epoch(floor),
              "most_speedup_possible_vs_in_memory_reference": round(mem_s / floor, 2),
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
    yield _compare(data, "book_run", BOOK["num_epochs"], repeat=3, note=note, ref_repeat=2)
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
