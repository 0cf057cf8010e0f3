"""Learning a kernel (d2l §7.2.4): the book's edge detector learned by gradient descent.

The book makes a 6×8 image of ones with zeros in columns 2–5, computes Y = X ⋆ [1, −1], and lets a
``nn.Conv2d(1, 1, kernel_size=(1, 2), bias=False)`` learn it: squared error summed over the output,
``weight -= lr · grad`` with lr = 3e-2, 10 steps; the kernel ends near [1, −1]. Here the target
kernel, the image and the shape of the learned kernel are the student's: a Sobel or a blur target,
learned by a 3×3 kernel. The kernel starts where ``nn.Conv2d`` starts it (Kaiming-uniform,
a = √5), drawn from a seeded generator."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from torch import nn

from engine import settings as S
from engine.budget import Budget
from engine.datasets.images import DATASETS, load_image_data
from engine.numerics import Divergence
from engine.vision.conv import KERNELS
from engine.vision.pooling import book_edges

TARGETS = ("edge", "sobel_x", "sobel_y", "blur", "sharpen")
SHAPES = ("1x2", "2x2", "3x3")
IMAGES = ("book", "image")


@dataclass(frozen=True)
class Settings:
    target: str = S.choice("edge", TARGETS, doc="the kernel that made Y (book: [1, −1])")
    kernel_shape: str = S.choice("1x2", SHAPES, doc="the shape of the kernel that learns (book: 1×2)")
    image: str = S.choice("book", IMAGES, doc="the book's 6×8 edges, or a test image of the image data")
    dataset: str = S.choice("fashion_mnist", DATASETS, doc="where the test image comes from")
    image_index: int = S.num(0, 0, 999, doc="which test image")
    lr: float = S.num(0.03, 0.0001, 1.0, log=True, doc="learning rate (book: 3e-2)")
    num_steps: int = S.num(10, 1, 500, doc="gradient steps (book: 10)")

    def __post_init__(self):
        S.check(self)


@dataclass(frozen=True)
class Result:
    settings: Settings
    dataset: str | None
    fallback_reason: str | None
    X: np.ndarray
    Y: np.ndarray
    Y_hat: np.ndarray
    target: np.ndarray                  # the target kernel
    kernel: np.ndarray                  # the learned kernel
    history: pd.DataFrame               # step, loss, distance (to the target, where the shapes match)
    divergence: Divergence | None
    stop_reason: str | None

    @property
    def final_loss(self) -> float:
        return float(self.history["loss"].iloc[-1]) if len(self.history) else float("nan")

    @property
    def baseline_loss(self) -> float:
        """The loss of predicting the mean of Y at every output position, Σ(Y − Ȳ)² (the page's summed
        squared error): what a kernel that learned nothing about X scores."""
        Y = self.Y.astype(np.float64)
        return float(((Y - Y.mean()) ** 2).sum())

    @property
    def noise_floor(self) -> float:
        """The least loss any kernel of the learned shape can reach, min_K Σ(X ⋆ K − Y)² (least squares
        on the image's patches): 0 when that shape can express the target (Y is exact, there is no
        noise), above 0 when it is too small to."""
        kh, kw = self.kernel.shape
        oh, ow = self.Y.shape
        X = torch.from_numpy(self.X[:oh + kh - 1, :ow + kw - 1].astype(np.float64))
        A = X.unfold(0, kh, 1).unfold(1, kw, 1).reshape(oh * ow, kh * kw)     # one row per output position
        y = torch.from_numpy(self.Y.astype(np.float64)).reshape(-1, 1)
        K = torch.linalg.lstsq(A, y, driver="gelsd").solution
        rest = float(((A @ K - y) ** 2).sum())
        return 0.0 if rest <= 1e-12 * float((y ** 2).sum()) else rest       # exact: only rounding is left

    @property
    def comparable(self) -> bool:
        return self.target.shape == self.kernel.shape


def kernel_shape(name: str) -> tuple[int, int]:
    h, w = name.split("x")
    return int(h), int(w)


def train_kernel(X, Y, shape, lr, num_steps, generator, budget=None):
    """d2l §7.2.4's loop: Y_hat = conv2d(X); l = (Y_hat − Y)²; l.sum().backward(); w −= lr · grad.
    Yields (step, loss, weight) after each step; the loss is the one the step started from."""
    conv2d = nn.Conv2d(1, 1, kernel_size=shape, bias=False)
    with torch.no_grad():                                      # nn.Conv2d's own initialisation, seeded
        nn.init.kaiming_uniform_(conv2d.weight, a=math.sqrt(5), generator=generator)
    for i in range(num_steps):
        if budget is not None and not budget.spend(1):
            return
        Y_hat = conv2d(X)
        l = (Y_hat - Y) ** 2
        conv2d.zero_grad()
        l.sum().backward()
        with torch.no_grad():
            conv2d.weight[:] -= lr * conv2d.weight.grad
        yield i + 1, float(l.detach().sum()), conv2d.weight.detach().clone()


def run(settings: Settings, seed: int = 0, device="cpu", on_step=None, budget: Budget | None = None) -> Result:
    s = settings
    budget = budget or Budget()
    name = reason = None
    if s.image == "book":
        X = book_edges()
    else:
        data = load_image_data(s.dataset)
        X = data.X_test[min(s.image_index, len(data.X_test) - 1), 0].clone()
        name, reason = data.name, data.fallback_reason
    T = torch.tensor(KERNELS[s.target])
    shape = kernel_shape(s.kernel_shape)
    X4 = X.reshape(1, 1, *X.shape)
    Y4 = F.conv2d(X4, T[None, None])                           # Y = X ⋆ K, without padding (the book's corr2d)
    # a learned kernel of another shape sees the same output size only if it is cut to fit: compare on
    # the part both outputs cover (top-left), as corr2d would give for the smaller kernel
    oh = X.shape[0] - max(shape[0], T.shape[0]) + 1
    ow = X.shape[1] - max(shape[1], T.shape[1]) + 1
    Y_fit = Y4[..., :oh, :ow]
    X_fit = X4[..., :oh + shape[0] - 1, :ow + shape[1] - 1]
    g = torch.Generator().manual_seed(seed)
    rows, divergence, W = [], None, None
    for step, loss, W in train_kernel(X_fit, Y_fit, shape, s.lr, s.num_steps, g, budget):
        dist = float((W[0, 0] - T).norm()) if tuple(T.shape) == shape else float("nan")
        rows.append((step, loss, dist))
        if divergence is None and not math.isfinite(loss):
            divergence = Divergence(step, None, loss, rows[-2][1] if len(rows) > 1 else None)
            break
        if on_step is not None:
            on_step({"done": step, "total": s.num_steps})
    if W is None:
        W = torch.zeros(1, 1, *shape)
    with torch.no_grad():
        Y_hat = F.conv2d(X_fit, W)
    return Result(s, name, reason, X.numpy(), Y_fit[0, 0].numpy(), Y_hat[0, 0].numpy(), T.numpy(), W[0, 0].numpy(),
                  pd.DataFrame(rows, columns=["step", "loss", "distance"]), divergence, budget.reason)
