"""The optimization lesson (d2l §12.3–12.11): speed of every page's computation, and the optimizer
race on the MLP against the book's ``train_ch11``-style loop, measured in the same run.

1. ``optimization.race.<data>``: seconds per epoch per optimizer of ``engine.optimization.network``
   (the page's race) next to the book's loop (d2l §12.5 ``train_ch11``, adapted to the MLP:
   ``DataLoader`` over a ``TensorDataset`` with shuffling, ``loss(net(X), y).mean()``, the book's
   from-scratch ``sgd``/``sgd_momentum``/``adagrad``/``rmsprop``/``adam`` functions written as printed,
   and the whole-data loss evaluated every 200 examples). The book reports ``timer.sum()/num_epochs``,
   which leaves the evaluations out (``book_timer_seconds_per_epoch``); its wall time includes them
   (``book_wall_seconds_per_epoch``). Ratios against both. Data: the 8×8 digits (what the page uses
   offline) and random 28×28 images of Fashion-MNIST's size (5,000 examples, the page's default).
   Also the page's default race in full: goal ≤ 10 s on one core.
2. ``optimization.engine.*``: the heaviest settings of the instant pages (2-D traces, averages).
3. ``optimization.page.<stem>``: each page's full script run through AppTest, cold and from the cache
   (goal for the 2-D pages: cached ≤ 0.15 s of CPU).
"""
from __future__ import annotations

import dataclasses
import math
import os
import time

import torch
from torch import nn

from engine.datasets.images import ImageData, load_image_data
from engine.device import intra_op_threads
from engine.optimization import averages as A, descent as D, minibatch as MB, network as N, surfaces as SF
from engine.optimization.rules import NAMES

EPOCHS = 3


# ---- the book's optimizers (d2l §12.5–12.10), as printed, for the reference loop ----------------------

def sgd(params, states, hyperparams):
    for p in params:
        p.data.sub_(hyperparams['lr'] * p.grad)
        p.grad.data.zero_()


def sgd_momentum(params, states, hyperparams):
    for p, v in zip(params, states):
        with torch.no_grad():
            v[:] = hyperparams['momentum'] * v + p.grad
            p[:] -= hyperparams['lr'] * v
        p.grad.data.zero_()


def adagrad(params, states, hyperparams):
    eps = 1e-6
    for p, s in zip(params, states):
        with torch.no_grad():
            s[:] += torch.square(p.grad)
            p[:] -= hyperparams['lr'] * p.grad / torch.sqrt(s + eps)
        p.grad.data.zero_()


def rmsprop(params, states, hyperparams):
    gamma, eps = hyperparams['gamma'], 1e-6
    for p, s in zip(params, states):
        with torch.no_grad():
            s[:] = gamma * s + (1 - gamma) * torch.square(p.grad)
            p[:] -= hyperparams['lr'] * p.grad / torch.sqrt(s + eps)
        p.grad.data.zero_()


def adam(params, states, hyperparams):
    beta1, beta2, eps = 0.9, 0.999, 1e-6
    for p, (v, s) in zip(params, states):
        with torch.no_grad():
            v[:] = beta1 * v + (1 - beta1) * p.grad
            s[:] = beta2 * s + (1 - beta2) * torch.square(p.grad)
            v_bias_corr = v / (1 - beta1 ** hyperparams['t'])
            s_bias_corr = s / (1 - beta2 ** hyperparams['t'])
            p[:] -= hyperparams['lr'] * v_bias_corr / (torch.sqrt(s_bias_corr) + eps)
        p.grad.data.zero_()
    hyperparams['t'] += 1


BOOK = {"gd": sgd, "momentum": sgd_momentum, "adagrad": adagrad, "rmsprop": rmsprop, "adam": adam}


def book_states(name, params):
    if name == "gd":
        return [None for _ in params]
    if name == "adam":
        return [(torch.zeros_like(p), torch.zeros_like(p)) for p in params]
    return [torch.zeros_like(p) for p in params]


def evaluate_loss(net, data_iter, loss):
    """d2l ``evaluate_loss``: the mean loss over a data iterator."""
    total, count = 0.0, 0
    for X, y in data_iter:
        l = loss(net(X), y)
        total, count = total + float(l.detach().sum()), count + l.numel()
    return total / count


def book_train_ch11(trainer_fn, states, hyperparams, data_iter, net, num_epochs):
    """d2l §12.5 ``train_ch11`` for the MLP (no Animator): returns (timer seconds, wall seconds)."""
    loss = nn.CrossEntropyLoss(reduction='none')
    n, timer, wall = 0, 0.0, time.perf_counter()
    start = time.perf_counter()
    for _ in range(num_epochs):
        for X, y in data_iter:
            l = loss(net(X), y).mean()
            l.backward()
            trainer_fn(list(net.parameters()), states, hyperparams)
            n += X.shape[0]
            if n % 200 == 0:
                timer += time.perf_counter() - start
                evaluate_loss(net, data_iter, loss)
                start = time.perf_counter()
    timer += time.perf_counter() - start
    return timer, time.perf_counter() - wall


def fashion_sized(n: int = 5000, seed: int = 0) -> ImageData:
    g = torch.Generator().manual_seed(seed)
    X = torch.randint(0, 256, (n, 1, 28, 28), generator=g).float() / 255
    y = torch.randint(0, 10, (n,), generator=g)
    return ImageData("fashion_sized", X, y, X[:1000], y[:1000], tuple(map(str, range(10))), (28, 28), None)


def race_records(data: ImageData, label: str):
    s = N.Settings(dataset="digits", num_epochs=EPOCHS)
    n = min(s.num_train, len(data.X_train))
    ours, cpu = {}, time.process_time()
    t = time.perf_counter()
    r = N.run(s, data=data)
    ours_total, ours_cpu = time.perf_counter() - t, time.process_time() - cpu
    X, y = data.inputs(data.X_train[:n]), data.y_train[:n]
    per_opt_ours = ours_total / len(NAMES) / EPOCHS
    book_timer, book_wall = 0.0, 0.0
    with intra_op_threads(1):
        for name in NAMES:
            racer = N.Racer(name, s, data.num_inputs, data.num_classes, 0, math.ceil(n / s.batch_size), "cpu")
            loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X, y), s.batch_size, shuffle=True)
            hyper = {**s.hyper(name), "t": 1}
            tm, wl = book_train_ch11(BOOK[name], book_states(name, list(racer.net.parameters())), hyper, loader,
                                     racer.net, EPOCHS)
            book_timer, book_wall = book_timer + tm, book_wall + wl
    book_timer, book_wall = book_timer / len(NAMES) / EPOCHS, book_wall / len(NAMES) / EPOCHS
    yield {"name": f"optimization.race.{label}", "examples": n, "batch_size": s.batch_size, "epochs": EPOCHS,
           "seconds_per_epoch_per_optimizer": round(per_opt_ours, 4),
           "book_timer_seconds_per_epoch": round(book_timer, 4), "book_wall_seconds_per_epoch": round(book_wall, 4),
           "speedup_vs_book_timer": round(book_timer / per_opt_ours, 2),
           "speedup_vs_book_wall": round(book_wall / per_opt_ours, 2),
           "race_cpu_seconds": round(ours_cpu, 3),
           "test_acc": {k: round(r.last(k, "test_acc"), 3) for k in NAMES},
           "note": "ours includes one test evaluation per epoch; the book's timer leaves its evaluations out"}


def default_race(data: ImageData, label: str):
    s = N.Settings(dataset="digits")
    w, c = time.perf_counter(), time.process_time()
    r = N.run(s, data=data)
    yield {"name": f"optimization.race_default.{label}", "seconds": round(time.perf_counter() - w, 3),
           "cpu_seconds": round(time.process_time() - c, 3), "goal_seconds": 10, "stop_reason": r.stop_reason,
           "epochs_done": float(r.history["epoch"].max())}


def engine_records():
    heavy = [("surfaces_heaviest", SF.run, SF.Settings(num_steps=500, surface="rosenbrock")),
             ("surfaces_default", SF.run, SF.Settings()),
             ("descent_heaviest", D.run, D.Settings(num_steps=1000, steps_2d=1000, fn="xcos")),
             ("averages_heaviest", A.run, A.Settings(num_days=1000, beta=0.999)),
             ("minibatch_default", MB.run, MB.Settings(dataset="synthetic")),
             ("minibatch_heaviest", MB.run, MB.Settings(dataset="synthetic", num_epochs=10, gd_epochs=50, batch_mini=2))]
    for name, fn, s in heavy:
        best_wall, best_cpu = math.inf, math.inf
        for _ in range(2):
            w, c = time.perf_counter(), time.process_time()
            r = fn(s)
            best_wall, best_cpu = min(best_wall, time.perf_counter() - w), min(best_cpu, time.process_time() - c)
        extra = {}
        if fn is MB.run:
            v = r.vectorisation.set_index("how")["seconds"]
            extra = {"loop_over_matrix": round(float(v["loop"] / v["matrix"]), 1)}
        yield {"name": f"optimization.engine.{name}", "seconds": round(best_wall, 4), "cpu_seconds": round(best_cpu, 4), **extra}


def page_records():
    import logging

    import streamlit as st

    from benchmarks.app import _timed_run, stem
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    os.environ["DEEPDIVE_WARM"] = "0"
    _timed_run(None)
    for page in ("gradient_descent", "minibatch_sgd", "weighted_averages", "optimizers_2d", "optimizers_network"):
        path = f"pages/training/{page}.py"
        st.cache_data.clear()
        st.cache_resource.clear()
        cold, at, cold_cpu = _timed_run(path)
        cached = min((_timed_run(path) for _ in range(3)), key=lambda r: r[2])
        yield {"name": f"optimization.page.{stem(path)}", "cold_seconds": round(cold, 3), "cold_cpu_seconds": round(cold_cpu, 3),
               "cached_seconds": round(cached[0], 3), "cached_cpu_seconds": round(cached[2], 3),
               "exceptions": len(at.exception), "charts": len(at.get("plotly_chart"))}


def run():
    torch.set_num_threads(1)
    yield from engine_records()
    digits, fashion = load_image_data("digits"), fashion_sized()
    yield from default_race(digits, "digits")
    yield from default_race(fashion, "fashion_sized")
    yield from race_records(digits, "digits")
    yield from race_records(fashion, "fashion_sized")
    if os.environ.get("OPT_BENCH_PAGES", "1") != "0":
        yield from page_records()
