"""Softmax regression: seconds per epoch of ``engine.softmax_regression.run`` next to the book's
training loop (d2l §3.6 ``train_ch3``) measured in the same run, at the book's settings
(lr 0.1, batch 256, 10 epochs), with the test accuracy of each.

The ``d2l`` package pins an old torch (and torchvision) and cannot be installed beside
torch 2.13, so the reference below is written to the book's text: a Python loop over a
``DataLoader`` with an ``Accumulator``, ``float(l.sum())`` per batch, and
``evaluate_accuracy`` over a test ``DataLoader``, no ``Animator`` drawing. Its data come the
book's way (d2l §3.5 ``load_data_fashion_mnist``): a dataset that, like torchvision's
``FashionMNIST``, makes a PIL image of each 8-bit picture on every access and converts it with
``ToTensor``'s code, read by a ``DataLoader`` with the book's 4 workers — or with none, whichever
is faster here (``reference_workers`` says which). That is the goal's reference
(``speedup_vs_reference``). A second reference is given every advantage — the images already one
float tensor in memory (``speedup_vs_in_memory_reference``): it measures the training loop alone.
Data: Fashion-MNIST if it is in data/cache, else the 8×8 digits (said in each record); plus a
Fashion-MNIST-sized random set for speed only.

Both loops run with one torch thread (restored afterwards): on a shared 2-core machine under
load, two OpenMP threads make these small matrix products 40–170× slower (measured at load
average 13: a 30-epoch digits run took 20.6 s with 2 threads, 0.12 s with 1), which would
measure the scheduler, not the code. ``torch_threads`` in each record says what was used.
"""
from __future__ import annotations

import os

import numpy as np
import torch
from PIL import Image
from torch import nn
from torch.utils.data import DataLoader, Dataset, TensorDataset

import engine.softmax_regression as L
from benchmarks.timing import best_of
from engine.datasets.images import ImageData, load_image_data

BOOK = dict(lr=0.1, batch_size=256, num_epochs=10)


# ---- the book's loop (d2l §3.6.5–3.6.6), as printed ------------------------------------------

class Accumulator:
    """For accumulating sums over n variables."""

    def __init__(self, n):
        self.data = [0.0] * n

    def add(self, *args):
        self.data = [a + float(b) for a, b in zip(self.data, args)]

    def __getitem__(self, idx):
        return self.data[idx]


def book_evaluate_accuracy(net, data_iter):
    if isinstance(net, torch.nn.Module):
        net.eval()
    metric = Accumulator(2)
    with torch.no_grad():
        for X, y in data_iter:
            metric.add(L.accuracy(net(X), y), y.numel())
    return metric[0] / metric[1]


def book_train_epoch_ch3(net, train_iter, loss, updater):
    if isinstance(net, torch.nn.Module):
        net.train()
    metric = Accumulator(3)
    for X, y in train_iter:
        y_hat = net(X)
        l = loss(y_hat, y)
        if isinstance(updater, torch.optim.Optimizer):
            updater.zero_grad()
            l.mean().backward()
            updater.step()
        else:
            l.sum().backward()
            updater(X.shape[0])
        metric.add(float(l.sum()), L.accuracy(y_hat, y), y.numel())    # (float() of a graph tensor: as printed)
    return metric[0] / metric[2], metric[1] / metric[2]


def book_train_ch3(net, train_iter, test_iter, loss, num_epochs, updater):
    for epoch in range(num_epochs):
        train_metrics = book_train_epoch_ch3(net, train_iter, loss, updater)
        test_acc = book_evaluate_accuracy(net, test_iter)
    return train_metrics, test_acc


# ---- the book's data (d2l §3.5.1: torchvision's FashionMNIST with transforms.ToTensor()) ------

class BookImages(Dataset):
    """torchvision's ``FashionMNIST.__getitem__`` with ``ToTensor`` as its transform, written out
    (torchvision is not installed here): each access makes a PIL image of the 8-bit picture and
    converts it back to a float tensor in [0, 1]. For the standardised digits, the same per-pixel
    standardisation the lesson applies follows (as a ``Normalize`` transform would)."""

    def __init__(self, data: ImageData, X: torch.Tensor, y: torch.Tensor):
        self.data = (X * 255).round().to(torch.uint8).reshape(len(X), *data.image_shape)
        self.targets = y
        self.stats = data._pixel_stats if data.standardise else None

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        img, target = self.data[index], int(self.targets[index])
        img = Image.fromarray(img.numpy(), mode="L")
        # transforms.ToTensor()(img), as torchvision's functional.to_tensor does it for mode "L"
        pic = torch.from_numpy(np.array(img, np.uint8, copy=True))
        pic = pic.view(img.size[1], img.size[0], 1).permute((2, 0, 1)).contiguous()
        pic = pic.to(dtype=torch.get_default_dtype()).div(255)
        if self.stats is not None:
            mean, std = self.stats
            pic = ((pic.reshape(-1) - mean) / std).reshape(pic.shape)
        return pic, target


def book_loaders(data: ImageData, batch_size: int, pipeline: str = "book", workers: int = 4):
    """The train and test ``DataLoader``s: ``pipeline="book"`` reads ``BookImages`` with ``workers``
    processes (the book's ``get_dataloader_workers()`` is 4); ``"in_memory"`` one float tensor."""
    if pipeline == "book":
        train, test = BookImages(data, data.X_train, data.y_train), BookImages(data, data.X_test, data.y_test)
    else:
        train = TensorDataset(data.inputs(data.X_train), data.y_train)
        test = TensorDataset(data.inputs(data.X_test), data.y_test)
        workers = 0
    return (DataLoader(train, batch_size, shuffle=True, num_workers=workers),
            DataLoader(test, batch_size, shuffle=False, num_workers=workers))


def book_run(data: ImageData, impl: str, lr: float, batch_size: int, num_epochs: int, seed: int = 0,
             pipeline: str = "in_memory", workers: int = 0):
    torch.manual_seed(seed)
    train_iter, test_iter = book_loaders(data, batch_size, pipeline, workers)
    num_inputs, num_outputs = data.num_inputs, data.num_classes
    W = torch.normal(0, 0.01, size=(num_inputs, num_outputs))
    b = torch.zeros(num_outputs)
    if impl == "scratch":
        net = L.SoftmaxScratch(W, b)
        loss = L.cross_entropy
        updater = lambda batch_size: L.sgd([net.W, net.b], lr, batch_size)
    else:
        net = L.concise_net(W, b)
        loss = nn.CrossEntropyLoss(reduction="none")
        updater = torch.optim.SGD(net.parameters(), lr=lr)
    (train_loss, train_acc), test_acc = book_train_ch3(net, train_iter, test_iter, loss, num_epochs, updater)
    return train_loss, train_acc, test_acc


# ---- the benchmark -----------------------------------------------------------------------

def _compare(data: ImageData, label: str, num_epochs: int, repeat: int, note: str | None, ref_repeat: int = 1):
    s_kw = dict(BOOK, num_epochs=num_epochs)
    L.run(L.Settings(dataset="digits", num_epochs=1, num_train=2560), data=data)       # warm-up (first-call costs)
    book_run(data, "concise", lr=0.1, batch_size=256, num_epochs=1)
    for impl in ("scratch", "concise"):
        s = L.Settings(dataset="digits" if data.name == "digits" else "fashion_mnist", num_train=60_000, impl=impl, **s_kw)
        ours_s, r = best_of(lambda: L.run(s, seed=0, data=data), repeat=repeat)
        mem_s, mem = best_of(lambda: book_run(data, impl, seed=0, **s_kw), repeat=repeat)
        book = {w: best_of(lambda: book_run(data, impl, seed=0, pipeline="book", workers=w, **s_kw), repeat=ref_repeat)
                for w in (4, 0)}
        workers = min(book, key=lambda w: book[w][0])
        ref_s, ref = book[workers]
        record = {"name": f"softmax_regression.{label}.{impl}", "dataset": data.name,
                  "epochs": num_epochs, "train_examples": len(data.X_train),
                  "seconds": round(ours_s, 4), "seconds_per_epoch": round(ours_s / num_epochs, 5),
                  "test_acc": round(r.test_acc, 4), "train_loss": round(r.last("train_loss"), 4),
                  "reference_seconds_per_epoch": round(ref_s / num_epochs, 5), "reference_workers": workers,
                  "reference_seconds_per_epoch_by_workers": {w: round(b[0] / num_epochs, 5) for w, b in book.items()},
                  "reference_test_acc": round(ref[2], 4), "reference_train_loss": round(ref[0], 4),
                  "speedup_vs_reference": round(ref_s / ours_s, 2),
                  "in_memory_reference_seconds_per_epoch": round(mem_s / num_epochs, 5),
                  "in_memory_reference_test_acc": round(mem[2], 4),
                  "speedup_vs_in_memory_reference": round(mem_s / ours_s, 2), "capped_by": r.stop_reason}
        record["torch_threads"] = torch.get_num_threads()       # on a busy 2-core machine, 1 thread is faster
        record["load_average"] = round(os.getloadavg()[0], 1)    # the machine's load while measuring
        if note:
            record["note"] = note
        yield record


def run():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield from _run()
    finally:
        torch.set_num_threads(threads)


def _run():
    data = load_image_data("fashion_mnist", allow_download=False)
    note = None if data.fallback_reason is None else \
        f"Fashion-MNIST not in data/cache, the book's run is on the 8×8 digits instead ({data.fallback_reason})"
    yield from _compare(data, "book_run", BOOK["num_epochs"], repeat=3, note=note, ref_repeat=2)
    # speed at Fashion-MNIST's size (60,000 × 28×28) even when the data are not here: random pixels
    g = torch.Generator().manual_seed(0)
    fake = ImageData("synthetic", torch.rand(60_000, 1, 28, 28, generator=g), torch.randint(0, 10, (60_000,), generator=g),
                     torch.rand(10_000, 1, 28, 28, generator=g), torch.randint(0, 10, (10_000,), generator=g),
                     tuple(map(str, range(10))), (28, 28), None)
    yield from _compare(fake, "fashion_sized_random", 2, repeat=2,
                        note="random pixels and labels of Fashion-MNIST's size: speed only, accuracy is chance")
    heaviest = L.Settings(dataset=data.name if data.name == "digits" else "fashion_mnist",
                          num_train=60_000, batch_size=1, num_epochs=50)
    seconds, r = best_of(lambda: L.run(heaviest, seed=0, data=data), repeat=1)
    yield {"name": "softmax_regression.heaviest", "dataset": data.name, "seconds": round(seconds, 3),
           "steps": r.steps, "capped_by": r.stop_reason, "max_units": L.MAX_UNITS}
