"""The generalization lessons: per-epoch CPU seconds of each lesson's loop next to the book's loop for the
same run, measured in the same process, one intra-op thread, with the ratio; and the CPU seconds of every
page's default run (goal: the degree sweep and K-fold defaults ≤ 10 s of one core).

- Polynomial (d2l-zh 4.4.4): the book's ``train`` (``nn.Linear(bias=False)``, ``MSELoss``, SGD, the loss of
  both sets after every epoch) for one number of features, against ``polynomial.train_all``, which trains
  all 20 degrees at once. Two ratios: per degree (the book's epoch × 20 degrees / ours), and one-for-one.
- Weight decay (d2l-zh 4.5): the lesson's loops *are* the book's (scratch and concise); the figure is the
  concise/scratch ratio and the sweep's cost.
- Dropout (d2l-zh 4.6): the book's from-scratch ``Net`` (``dropout_layer`` in ``forward``) trained by
  ``train_ch3`` over ``DataLoader``s of tensors in memory, against the lesson's loop (the MLP lesson's), per
  model-epoch, on the data the page uses here.
"""
from __future__ import annotations

import os
import time

import torch
from torch import nn

from benchmarks.softmax_regression import book_loaders, book_train_ch3
from engine.budget import Budget
from engine.datasets.images import load_image_data
from engine.device import intra_op_threads
from engine.generalization import dropout as D, kfold as K, polynomial as P, weight_decay as W
from engine.mlp.net import dropout_layer


def cpu(fn, repeat: int = 1):
    """(fastest CPU seconds of this process, last result)."""
    best, result = float("inf"), None
    for _ in range(repeat):
        c = time.process_time()
        result = fn()
        best = min(best, time.process_time() - c)
    return best, result


def _polynomial():
    for name, (degree, epochs) in P.BOOK_RUNS.items():
        s = P.Settings(degree=degree, num_epochs=epochs, learning_curve=False)
        features, labels, _ = P.make_data(s.noise, torch.Generator().manual_seed(0))
        X, y, Xt, yt = features[:100], labels[:100], features[100:], labels[100:]
        k = degree + 1
        book_s, (w, hist) = cpu(lambda: P.train_book(X[:, :k], Xt[:, :k], y, yt, num_epochs=epochs,
                                                     generator=torch.Generator().manual_seed(1)), repeat=2)
        ours_s, (W_all, rows) = cpu(lambda: P.train_all(X, y, Xt, yt, s, torch.Generator().manual_seed(1), Budget()), repeat=2)
        per = lambda x: x / epochs
        yield {"name": f"generalization.polynomial.{name}", "degree": degree, "epochs": epochs,
               "book_cpu_seconds_per_epoch_one_degree": round(per(book_s), 6),
               "ours_cpu_seconds_per_epoch_all_20_degrees": round(per(ours_s), 6),
               "speedup_per_degree": round(20 * book_s / ours_s, 1), "speedup_one_for_one": round(book_s / ours_s, 2),
               "book_test_loss": round(hist[-1][1], 5), "ours_test_loss": round(float(rows[-1][2][degree]), 5)}


def _weight_decay():
    out = {}
    for impl in ("scratch", "concise"):
        s = W.Settings(impl=impl, sweep=False)
        seconds, r = cpu(lambda: W.run(s), repeat=3)
        out[impl] = (seconds, r)
    sweep_s, _ = cpu(lambda: W.run(W.Settings()), repeat=2)
    (sc_s, sc), (co_s, co) = out["scratch"], out["concise"]
    yield {"name": "generalization.weight_decay", "lambda": 3.0, "epochs": 100,
           "scratch_cpu_seconds_per_epoch": round(sc_s / 100, 6), "concise_cpu_seconds_per_epoch": round(co_s / 100, 6),
           "concise_over_scratch": round(co_s / sc_s, 2), "scratch_is_the_books_loop": True,
           "w_norm_scratch": round(sc.final("w_norm"), 5), "w_norm_concise": round(co.final("w_norm"), 5),
           "default_page_cpu_seconds": round(sweep_s, 3)}


class BookNet(nn.Module):
    """d2l-zh 4.6.4's ``Net``: dropout in ``forward`` while training (the book's ``is_training``)."""

    def __init__(self, num_inputs, num_outputs, num_hiddens1, num_hiddens2, dropout1, dropout2):
        super().__init__()
        self.num_inputs, self.dropout1, self.dropout2 = num_inputs, dropout1, dropout2
        self.lin1, self.lin2 = nn.Linear(num_inputs, num_hiddens1), nn.Linear(num_hiddens1, num_hiddens2)
        self.lin3, self.relu = nn.Linear(num_hiddens2, num_outputs), nn.ReLU()

    def forward(self, X):
        H1 = self.relu(self.lin1(X.reshape((-1, self.num_inputs))))
        if self.training:
            H1 = dropout_layer(H1, self.dropout1)
        H2 = self.relu(self.lin2(H1))
        if self.training:
            H2 = dropout_layer(H2, self.dropout2)
        return self.lin3(H2)


def _dropout():
    data = load_image_data("fashion_mnist", allow_download=False)
    s = D.Settings(dataset=data.name, num_train=60_000, compare=False, num_epochs=3 if data.name == "fashion_mnist" else 10)

    def book():
        torch.manual_seed(0)
        train_iter, test_iter = book_loaders(data, s.batch_size, "in_memory", workers=0)
        net = BookNet(data.num_inputs, data.num_classes, 256, 256, s.dropout1, s.dropout2)
        trainer = torch.optim.SGD(net.parameters(), lr=s.lr)
        return book_train_ch3(net, train_iter, test_iter, nn.CrossEntropyLoss(reduction="none"), s.num_epochs, trainer)
    with intra_op_threads(1):
        book_s, (_, book_acc) = cpu(book, repeat=2)
    ours_s, r = cpu(lambda: D.run(s, data=data), repeat=2)
    default_s, _ = cpu(lambda: D.run(D.Settings(), data=data))
    yield {"name": "generalization.dropout", "dataset": data.name, "train_examples": len(data.X_train),
           "epochs": s.num_epochs, "book_cpu_seconds_per_epoch": round(book_s / s.num_epochs, 5),
           "ours_cpu_seconds_per_epoch": round(ours_s / s.num_epochs, 5), "speedup": round(book_s / ours_s, 2),
           "book_test_acc": round(book_acc, 4), "ours_test_acc": round(r.last("dropout", "test_acc"), 4),
           "capped_by": r.stop_reason, "default_page_cpu_seconds": round(default_s, 3),
           **({"note": f"Fashion-MNIST not in data/cache: the digits instead ({data.fallback_reason})"}
              if data.fallback_reason else {})}


def _defaults():
    for name, fn in (("polynomial_default_with_u_and_learning_curve", lambda: P.run(P.Settings())),
                     ("polynomial_heaviest", lambda: P.run(P.Settings(num_epochs=2000, batch_size=1))),
                     ("kfold_lambda_default", lambda: K.run(K.Settings())),
                     ("kfold_degree_default", lambda: K.run(K.Settings(select="degree"))),
                     ("kfold_lambda_heaviest", lambda: K.run(K.Settings(k=10, num_epochs=300, batch_size=8)))):
        seconds, r = cpu(fn)
        rec = {"name": f"generalization.{name}", "cpu_seconds": round(seconds, 3), "capped_by": r.stop_reason,
               "goal_cpu_seconds": 10}
        if hasattr(r, "dataset"):
            rec["dataset"] = r.dataset
        yield rec


def run():
    with intra_op_threads(1):
        yield from _polynomial()
        yield from _weight_decay()
    yield from _dropout()
    yield from _defaults()
    yield {"name": "generalization.load", "load_average": round(os.getloadavg()[0], 1)}
