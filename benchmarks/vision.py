"""The Vision lessons: LeNet training per epoch (``engine.vision.lenet.run``, the book's LeNet and
settings: sigmoid, average pooling, lr 0.9, batch 256) next to the book's ``train_ch6`` loop
(d2l §7.6.2) measured in the same run, from the same initial weights:

- with the book's data path (a PIL image per picture and ``ToTensor`` on every access, a
  ``DataLoader`` with 4 workers or none, whichever is faster here; ``benchmarks.softmax_regression``'s
  ``book_loaders``): the goal's reference, ``speedup_vs_reference`` (goal ≥ 3×);
- with the images already one float tensor in memory (``TensorDataset``):
  ``speedup_vs_in_memory_reference`` (goal ≥ 1.2×);
- against this CPU's convolution floor: LeNet's two ``F.conv2d`` at the same shapes, forward and
  backward (input and weight gradients), timed alone for an epoch's minibatches:
  ``fraction_of_conv_floor`` = floor seconds / training seconds (goal ≥ 0.7). An epoch's seconds
  also hold the test accuracy's forward pass; ``fraction_of_conv_floor_with_test`` adds the test
  images' forward convolutions (in ``evaluate_accuracy``'s chunks) to the floor.

``vision.lenet.step_parts``: a step's pieces (convolutions, fused activation–pooling pairs, dense
layers and loss) each timed alone beside the whole step, in thread time.

Then the pages' default runs (LeNet; AlexNet and NiN), in wall and CPU seconds (goal ≤ 10 s of one
core for LeNet). ``d2l`` cannot be installed beside torch 2.13, so the reference loop is written to the
book's text (``Accumulator``, ``float`` per batch, ``evaluate_accuracy_gpu`` over a ``DataLoader``), no
``Animator``. One torch thread, as the app uses. Data: Fashion-MNIST if it is in data/cache, else the 8×8
digits resized into 28×28 (said in each record); plus random pixels of Fashion-MNIST's image size for speed.
``VISION_BENCH_FULL=1`` runs the book's 10 epochs on all of Fashion-MNIST (minutes)."""
from __future__ import annotations

import dataclasses
import os
import time

import torch
import torch.nn.functional as F
from torch import nn

from benchmarks.mlp import best_times
from benchmarks.softmax_regression import Accumulator, book_loaders
from benchmarks.timing import median_of
from engine.budget import Budget
from engine.datasets.images import ImageData, load_image_data
from engine.device import intra_op_threads
from engine.vision import lenet as L, modern as A
from engine.vision.nets import init_ch6, lenet
from engine.vision.training import EVAL_CHUNK, images_at

BOOK = dict(model="book", lr=0.9, batch_size=256, num_epochs=10, compare_mlp=False)


# ---- the book's loop (d2l §7.6.2), as printed ------------------------------------------------------

def accuracy(y_hat, y):
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.type(y.dtype) == y
    return float(cmp.type(y.dtype).sum())


def evaluate_accuracy_gpu(net, data_iter, device=None):
    if isinstance(net, nn.Module):
        net.eval()
    metric = Accumulator(2)
    with torch.no_grad():
        for X, y in data_iter:
            metric.add(accuracy(net(X), y), y.numel())
    return metric[0] / metric[1]


def train_ch6(net, train_iter, test_iter, num_epochs, lr):
    """The book's loop without the Animator and the device moves (CPU); the weights are initialised
    by the caller exactly as ``engine.vision`` does (``init_ch6``: the book's Xavier, seeded biases)."""
    optimizer = torch.optim.SGD(net.parameters(), lr=lr)
    loss = nn.CrossEntropyLoss()
    for epoch in range(num_epochs):
        metric = Accumulator(3)
        net.train()
        for i, (X, y) in enumerate(train_iter):
            optimizer.zero_grad()
            y_hat = net(X)
            l = loss(y_hat, y)
            l.backward()
            optimizer.step()
            with torch.no_grad():
                metric.add(l * X.shape[0], accuracy(y_hat, y), X.shape[0])
            train_l = metric[0] / metric[2]
            train_acc = metric[1] / metric[2]
        test_acc = evaluate_accuracy_gpu(net, test_iter)
    return train_l, train_acc, test_acc


def as_28(data: ImageData) -> ImageData:
    """The images at 28×28 as the lesson trains on them (the digits resized), in [0, 1], not standardised."""
    X, Xt = images_at(data, 28)
    return dataclasses.replace(data, X_train=X, X_test=Xt, image_shape=(28, 28), standardise=False)


def book_run(data28: ImageData, s: L.Settings, seed: int = 0, pipeline: str = "in_memory", workers: int = 0):
    torch.manual_seed(seed)
    n, m = min(s.num_train, len(data28.X_train)), min(s.num_test, len(data28.X_test))
    sub = dataclasses.replace(data28, X_train=data28.X_train[:n], y_train=data28.y_train[:n],
                              X_test=data28.X_test[:m], y_test=data28.y_test[:m])
    if pipeline == "in_memory":          # book_loaders flattens for the MLP; LeNet wants (N, 1, 28, 28)
        from torch.utils.data import DataLoader, TensorDataset
        train_iter = DataLoader(TensorDataset(sub.X_train, sub.y_train), s.batch_size, shuffle=True)
        test_iter = DataLoader(TensorDataset(sub.X_test, sub.y_test), s.batch_size, shuffle=False)
    else:
        train_iter, test_iter = book_loaders(sub, s.batch_size, pipeline, workers)
    net = init_ch6(lenet(s.model), torch.Generator().manual_seed(seed))
    return train_ch6(net, train_iter, test_iter, s.num_epochs, s.lr)


def conv_floor(n: int, batch_size: int, repeat: int = 3) -> tuple[float, float]:
    """Seconds of one epoch's LeNet convolutions alone: for each minibatch, conv1 (1→6, 5×5, padding 2)
    forward and its weight gradient, conv2 (6→16, 5×5) forward, input and weight gradients."""
    g = torch.Generator().manual_seed(0)
    X = torch.rand(batch_size, 1, 28, 28, generator=g)
    H = torch.rand(batch_size, 6, 14, 14, generator=g, requires_grad=True)
    W1 = torch.randn(6, 1, 5, 5, generator=g, requires_grad=True)
    W2 = torch.randn(16, 6, 5, 5, generator=g, requires_grad=True)
    G1, G2 = torch.randn(batch_size, 6, 28, 28, generator=g), torch.randn(batch_size, 16, 10, 10, generator=g)

    def batch():
        Y1 = F.conv2d(X, W1, padding=2)
        Y2 = F.conv2d(H, W2)
        torch.autograd.backward([Y1, Y2], [G1, G2])
    steps = -(-n // batch_size)
    wall, cpu, _ = best_times(lambda: [batch() for _ in range(steps)], repeat)
    return wall, cpu                     # (wall, CPU) seconds: CPU time is the steadier on a shared machine


def eval_conv_floor(n_test: int, repeat: int = 3) -> tuple[float, float]:
    """Seconds of the two convolutions' forward alone over an epoch's test images, in the chunks
    ``evaluate_accuracy`` uses: the convolution work of the evaluation each epoch ends with."""
    g = torch.Generator().manual_seed(0)
    chunk = min(EVAL_CHUNK, n_test)
    X, H = torch.rand(chunk, 1, 28, 28, generator=g), torch.rand(chunk, 6, 14, 14, generator=g)
    W1, W2 = torch.randn(6, 1, 5, 5, generator=g), torch.randn(16, 6, 5, 5, generator=g)

    def chunks():
        with torch.no_grad():
            for i in range(0, n_test, chunk):
                k = min(chunk, n_test - i)
                F.conv2d(X[:k], W1, padding=2), F.conv2d(H[:k], W2)
    wall, cpu, _ = best_times(chunks, repeat)
    return wall, cpu


def step_parts(batch_size: int = 256, rounds: int = 40) -> dict:
    """Where a training step of the book's LeNet goes (CPU, one thread): each piece timed alone on its
    own inputs (median thread time of ``rounds`` calls, ms) beside the whole fused step. The pieces
    alone add up to less than the step: inside it each one's inputs come from the piece before, no
    longer in cache."""
    from engine.vision.fused import _ConvWeightByConv, _SigmoidAvgPool, lenet_forward
    g = torch.Generator().manual_seed(0)
    net = init_ch6(lenet("book"), g)
    conv1, conv2, rest = net[0], net[3], nn.Sequential(*list(net)[6:])
    X, y = torch.rand(batch_size, 1, 28, 28, generator=g), torch.randint(0, 10, (batch_size,), generator=g)
    loss, forward = nn.CrossEntropyLoss(), lenet_forward(net)
    trainer = torch.optim.SGD(net.parameters(), lr=1e-6)
    with torch.no_grad():
        h1 = conv1(X)
        p1 = F.avg_pool2d(torch.sigmoid(h1), 2)
        h2 = conv2(p1)
        p2 = F.avg_pool2d(torch.sigmoid(h2), 2)
    leaf = lambda t: t.detach().clone().requires_grad_()
    h1, p1, h2, p2 = leaf(h1), leaf(p1), leaf(h2), leaf(p2)
    G1, G2 = torch.randn(h1.shape, generator=g), torch.randn(h2.shape, generator=g)
    Gp1, Gp2 = torch.randn(p1.shape, generator=g), torch.randn(p2.shape, generator=g)
    conv_backward = torch.ops.aten.convolution_backward

    def step():
        l = loss(forward(X), y)
        trainer.zero_grad()
        l.backward()
        trainer.step()
    parts = {
        "conv1_forward": lambda: conv1(X),
        "conv1_weight_and_bias_grad": lambda: conv_backward(G1, X, conv1.weight, [6], [1, 1], [2, 2], [1, 1], False,
                                                            [0, 0], 1, [False, True, True]),
        "sigmoid_avgpool1_forward_backward": lambda: torch.autograd.grad(_SigmoidAvgPool.apply(h1), h1, Gp1),
        "conv2_forward_backward": lambda: torch.autograd.grad(_ConvWeightByConv.apply(p1, conv2.weight, conv2.bias, 0),
                                                              [p1, conv2.weight, conv2.bias], G2),
        "sigmoid_avgpool2_forward_backward": lambda: torch.autograd.grad(_SigmoidAvgPool.apply(h2), h2, Gp2),
        "dense_layers_and_loss_forward_backward": lambda: torch.autograd.grad(loss(rest(p2), y), [p2, *rest.parameters()]),
    }

    median_ms = lambda fn: round(median_of(fn, rounds, clock=time.thread_time, warmup=5) * 1e3, 3)
    with intra_op_threads(1):
        ms = {k: median_ms(f) for k, f in parts.items()}
        whole = median_ms(step)
    return {"name": "vision.lenet.step_parts", "batch_size": batch_size, "parts_ms": ms,
            "sum_of_parts_ms": round(sum(ms.values()), 3), "step_ms": whole,
            "convolutions_alone_ms": round(ms["conv1_forward"] + ms["conv1_weight_and_bias_grad"]
                                           + ms["conv2_forward_backward"], 3),
            "load_average": round(os.getloadavg()[0], 1)}


def _compare(data: ImageData, label: str, s: L.Settings, repeat: int, ref_repeat: int, note: str | None):
    data28 = as_28(data)
    with intra_op_threads(1):
        L.run(dataclasses.replace(s, num_train=512, num_test=500, num_epochs=1), data=data)     # warm-up
        ours_s, ours_cpu, r = best_times(lambda: L.run(s, seed=0, data=data, budget=Budget(max_seconds=3600)), repeat)
        mem_s, mem_cpu, mem = best_times(lambda: book_run(data28, s), repeat)
        book = {w: best_times(lambda: book_run(data28, s, pipeline="book", workers=w), ref_repeat) for w in (4, 0)}
        n = min(s.num_train, len(data.X_train))
        floor, floor_cpu = (x * s.num_epochs for x in conv_floor(n, s.batch_size))
        test_floor, test_floor_cpu = (x * s.num_epochs for x in eval_conv_floor(min(s.num_test, len(data.X_test))))
    workers = min(book, key=lambda w: book[w][0])
    ref_s, ref_cpu, ref = book[workers]
    per_epoch = lambda x: round(x / s.num_epochs, 4)
    record = {"name": f"vision.lenet.{label}", "dataset": data.name, "epochs": s.num_epochs, "train_examples": n,
              "test_examples": min(s.num_test, len(data.X_test)),
              "seconds_per_epoch": per_epoch(ours_s), "cpu_seconds_per_epoch": per_epoch(ours_cpu),
              "test_acc": round(r.last("book"), 4), "train_loss": round(r.last("book", "train_loss"), 4),
              "reference_seconds_per_epoch": per_epoch(ref_s), "reference_workers": workers,
              "reference_seconds_per_epoch_by_workers": {w: per_epoch(b[0]) for w, b in book.items()},
              "reference_test_acc": round(ref[2], 4), "speedup_vs_reference": round(ref_s / ours_s, 2),
              "in_memory_reference_seconds_per_epoch": per_epoch(mem_s),
              "in_memory_reference_cpu_seconds_per_epoch": per_epoch(mem_cpu),
              "in_memory_reference_test_acc": round(mem[2], 4),
              "speedup_vs_in_memory_reference": round(mem_s / ours_s, 2),
              "cpu_speedup_vs_in_memory_reference": round(mem_cpu / ours_cpu, 2),
              "conv_floor_seconds_per_epoch": per_epoch(floor),
              "conv_floor_cpu_seconds_per_epoch": per_epoch(floor_cpu),
              "fraction_of_conv_floor": round(floor / ours_s, 2),
              "cpu_fraction_of_conv_floor": round(floor_cpu / ours_cpu, 2),
              "reference_cpu_fraction_of_conv_floor": round(floor_cpu / mem_cpu, 2),
              # the same with the test images' forward convolutions in the floor (an epoch's seconds include them)
              "test_conv_floor_seconds_per_epoch": per_epoch(test_floor),
              "fraction_of_conv_floor_with_test": round((floor + test_floor) / ours_s, 2),
              "cpu_fraction_of_conv_floor_with_test": round((floor_cpu + test_floor_cpu) / ours_cpu, 2),
              "reference_cpu_fraction_of_conv_floor_with_test": round((floor_cpu + test_floor_cpu) / mem_cpu, 2),
              "reference_cpu_seconds_per_epoch": per_epoch(ref_cpu) if workers == 0 else None,
              "capped_by": r.stop_reason, "load_average": round(os.getloadavg()[0], 1)}
    if note:
        record["note"] = note
    return record


def run():
    data = load_image_data("fashion_mnist", allow_download=False)
    note = None if data.fallback_reason is None else \
        f"Fashion-MNIST not in data/cache: the 8×8 digits resized into 28×28 instead ({data.fallback_reason})"
    full = os.environ.get("VISION_BENCH_FULL", "") == "1"
    book = L.Settings(dataset="digits" if data.name == "digits" else "fashion_mnist", num_train=60_000,
                      num_test=10_000, **dict(BOOK, num_epochs=10 if full or data.name == "digits" else 2))
    yield _compare(data, "book_run", book, repeat=2 if data.name == "digits" else 1, ref_repeat=1, note=note)
    g = torch.Generator().manual_seed(0)
    n = 60_000 if full else 7_680
    fake = ImageData("synthetic", torch.rand(n, 1, 28, 28, generator=g), torch.randint(0, 10, (n,), generator=g),
                     torch.rand(2_000, 1, 28, 28, generator=g), torch.randint(0, 10, (2_000,), generator=g),
                     tuple(map(str, range(10))), (28, 28), None)
    s = L.Settings(num_train=n, num_test=2_000, **dict(BOOK, num_epochs=1))
    yield _compare(fake, "fashion_sized_random", s, repeat=3, ref_repeat=1,
                   note=f"{n:,} random 28×28 images: speed only, accuracy is chance")
    yield step_parts()
    # the pages' default runs (what a student waits for), one thread
    for page, module in (("lenet", L), ("alexnet_nin", A)):
        for d in ({data.name, "digits"} if data.name != "digits" else {"digits"}):
            sd = module.Settings(dataset=d if d == "digits" else "fashion_mnist")
            with intra_op_threads(1):
                wall, cpu, r = best_times(lambda: module.run(sd, seed=0, data=load_image_data(d, allow_download=False)), 1)
            yield {"name": f"vision.{page}.default", "dataset": d, "seconds": round(wall, 2), "cpu_seconds": round(cpu, 2),
                   "test_acc": {m: round(float(h["test_acc"].iloc[-1]), 3) for m, h in r.history.groupby("model")},
                   "capped_by": r.stop_reason, "load_average": round(os.getloadavg()[0], 1)}
