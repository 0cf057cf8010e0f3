"""Training a convolutional network on the image data, shared by the LeNet and AlexNet/NiN pages:
the images at the size the network needs, the book's ``train_ch6`` loop (d2l §7.6.2) on tensors in
memory (``engine.mlp``'s epoch loop, the same SGD and cross-entropy), the test accuracy in chunks,
and the work budget in multiply-adds."""
from __future__ import annotations

import math
import threading
from typing import Callable

import torch
from torch import nn

from engine.budget import Budget
from engine.datasets.images import ImageData
from engine.mlp.core import train_epoch
from engine.numerics import Divergence
from engine.vision.fused import lenet_forward
from engine.vision.nets import forward_macs, upsample_to

# A minibatch step of b examples through a net of m forward multiply-adds is charged 3·b·m (forward
# and backward) plus STEP_COST (Python, autograd, the optimizer); an evaluated example m.
STEP_COST = 20_000_000
EVAL_CHUNK = 256
DIGITS_BOX = 20                 # the 8×8 digits, resized to 20×20 and centred in 28×28 (as MNIST's are)

_lock = threading.Lock()
_resized: dict[tuple, tuple[torch.Tensor, torch.Tensor]] = {}


def images_at(data: ImageData, size: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(train, test) images at size×size, kept per process. Fashion-MNIST at 28 is itself; larger sizes
    are resized (the book's ``transforms.Resize(224)``); the 8×8 digits are resized into a centred
    20/28 box (MNIST's layout), then to the size."""
    key = (data.name, id(data), size)
    with _lock:
        if key not in _resized:
            if len(_resized) > 8:
                _resized.clear()
            out = []
            for X in (data.X_train, data.X_test):
                if data.name == "digits":
                    X = upsample_to(X, 28, DIGITS_BOX)
                if X.shape[-1] != size:
                    X = upsample_to(X, size)
                out.append(X.contiguous())
            _resized[key] = (out[0], out[1])
        return _resized[key]


def evaluate_accuracy(net: nn.Module, X: torch.Tensor, y: torch.Tensor, budget: Budget | None, macs: int,
                      forward=None) -> float:
    """Test accuracy in chunks (a whole test set through a CNN at once would take hundreds of MB);
    ``forward`` computes ``net(X)`` another way (LeNet's fused layers)."""
    forward = forward or net
    net.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(X), EVAL_CHUNK):
            if budget is not None:
                budget.spend(macs * len(X[i:i + EVAL_CHUNK]))
            correct += int((forward(X[i:i + EVAL_CHUNK]).argmax(1) == y[i:i + EVAL_CHUNK]).sum())
    net.train()
    return correct / max(1, len(X))


class NetRun:
    """One network being trained with SGD and cross-entropy (``train_ch6``'s optimizer and loss)."""

    def __init__(self, name: str, net: nn.Module, input_shape, lr: float, seed: int, device,
                 channels_last: bool = False, fused: bool = False):
        # fused: train with engine.vision.fused's LeNet forward (1.2–1.3× a step, the same network and numbers
        # to float32 rounding). channels_last: NHWC weights, so oneDNN's convolutions and the pooling run without
        # reordering every activation to and from NCHW. Worth it for AlexNet and NiN (one thread, a step of the
        # scaled nets: AlexNet 1.23×, NiN 1.35×); not for LeNet, whose 6 and 16 channels are too few for NHWC
        # pooling to vectorise (the book's LeNet 0.94–0.98× its NCHW loop in ``python -m benchmarks vision``)
        fmt = torch.channels_last if channels_last else torch.preserve_format
        self.name, self.net = name, net.to(device, memory_format=fmt)
        self.forward = lenet_forward(self.net) if fused else None      # LeNet's fused layers (engine.vision.fused)
        self.gen = torch.Generator().manual_seed(seed + 7)                # minibatch order
        self.loss = nn.CrossEntropyLoss()
        self.trainer = torch.optim.SGD(self.net.parameters(), lr=lr)
        self.macs = forward_macs(net, input_shape)
        self.step_units = lambda b: 3 * b * self.macs + STEP_COST
        self.steps, self.divergence, self.done = 0, None, False

    def epoch(self, epoch: int, X, y, X_test, y_test, batch_size: int, budget: Budget, rows: list) -> None:
        step_losses, loss_sum, correct, seen = train_epoch(self.net, self.loss, self.trainer, X, y, batch_size,
                                                           self.gen, budget, self.step_units, self.forward)
        if seen == 0:
            self.done = True
            return
        losses = step_losses.cpu()
        bad = (~torch.isfinite(losses)).nonzero()
        if bad.numel():
            k = int(bad[0])
            self.divergence = Divergence(self.steps + k + 1, epoch, float(losses[k]), float(losses[k - 1]) if k else None)
            self.done = True
        self.steps += len(losses)
        test_acc = evaluate_accuracy(self.net, X_test, y_test, budget, self.macs, self.forward)
        rows.append((self.name, round(epoch - 1 + seen / len(X), 6), float(loss_sum) / seen, float(correct) / seen,
                     test_acc))


def train_nets(runs: list[NetRun], X, y, X_test, y_test, batch_size: int, num_epochs: int, budget: Budget,
               on_step: Callable | None) -> list:
    """Epoch by epoch, each network in turn (both curves grow together; a capped run stops both)."""
    rows: list = []
    total = len(runs) * num_epochs
    for epoch in range(1, num_epochs + 1):
        for r in runs:
            if not r.done:
                r.epoch(epoch, X, y, X_test, y_test, batch_size, budget, rows)
                if on_step is not None:
                    on_step({"done": len(rows), "total": total, "history": list(rows)})
        if budget.reason is not None or all(r.done for r in runs):
            break
    return rows


HISTORY_COLUMNS = ["model", "epoch", "train_loss", "train_acc", "test_acc"]


def finite(x: float) -> bool:
    return x is not None and math.isfinite(x)
