"""The optimizers of d2l §12.4–12.10 written from scratch, once, for every page of the lesson.

Each update rule is a pure function ``rule(g, state, h, t) -> (step, state)``: the gradient ``g``,
the rule's state (velocity, accumulated squares), the hyperparameters ``h`` and the update count
``t`` (from 1) in; the amount to *subtract* from the parameter and the new state out. It uses only
``+ - * /`` and ``sqrt``, so the same lines move a 2-D point (numpy float64: the book's printed
numbers) and a network's weights (torch tensors, through ``Scratch``, which has the ``zero_grad`` /
``step`` of ``torch.optim`` and so drops into any training loop).

Where the book's formulas differ from ``torch.optim`` (tests/engine/test_optimization.py checks
each against it on the same gradients):

- momentum (§12.6): ``v ← βv + g; x ← x − ηv`` is ``torch.optim.SGD(momentum=β)`` exactly
  (dampening 0; torch's first step sets ``v = g``, the same as ``β·0 + g``).
- AdaGrad (§12.7): the book divides by ``√(s + ε)`` with ε = 1e-6, torch by ``√s + ε`` with
  ε = 1e-10 — ε inside the root in the book, outside in torch. With ε = 0 both are the same.
- RMSprop (§12.8): the book's γ is torch's ``alpha`` (torch's default 0.99, the book's 0.9);
  ε inside the root again (torch: outside, 1e-8).
- Adam (§12.10): identical formula (ε outside the root in both); the book's ε is 1e-6, torch's 1e-8.
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np
import torch

NAMES = ("gd", "momentum", "adagrad", "rmsprop", "adam")
# the book's ε (d2l §12.7, §12.8, §12.10)
EPS = 1e-6


def _sqrt(x):
    return x.sqrt() if isinstance(x, torch.Tensor) else np.sqrt(x)


def _zeros(x):
    return torch.zeros_like(x) if isinstance(x, torch.Tensor) else np.zeros_like(np.asarray(x, dtype=np.float64))


def gd_rule(g, state, h, t):
    """(Stochastic) gradient descent, d2l §12.3–12.4: x ← x − ηg."""
    return h["lr"] * g, state


def momentum_rule(g, v, h, t):
    """Momentum, d2l §12.6: v ← βv + g; x ← x − ηv (v is a leaky sum of past gradients)."""
    v = h["momentum"] * v + g
    return h["lr"] * v, v


def adagrad_rule(g, s, h, t):
    """AdaGrad, d2l §12.7: s ← s + g²; x ← x − η g / √(s + ε), per coordinate."""
    s = s + g * g
    return h["lr"] * g / _sqrt(s + h.get("eps", EPS)), s


def rmsprop_rule(g, s, h, t):
    """RMSprop, d2l §12.8: s ← γs + (1 − γ)g²; x ← x − η g / √(s + ε)."""
    s = h["gamma"] * s + (1 - h["gamma"]) * g * g
    return h["lr"] * g / _sqrt(s + h.get("eps", EPS)), s


def adam_rule(g, state, h, t):
    """Adam, d2l §12.10: two leaky averages (of g and of g²), each divided by 1 − βᵗ (bias
    correction), then x ← x − η v̂ / (√ŝ + ε)."""
    v, s = state
    b1, b2 = h["beta1"], h["beta2"]
    v = b1 * v + (1 - b1) * g
    s = b2 * s + (1 - b2) * g * g
    v_hat, s_hat = v / (1 - b1 ** t), s / (1 - b2 ** t)
    return h["lr"] * v_hat / (_sqrt(s_hat) + h.get("eps", EPS)), (v, s)


RULES: dict[str, Callable] = {"gd": gd_rule, "momentum": momentum_rule, "adagrad": adagrad_rule,
                              "rmsprop": rmsprop_rule, "adam": adam_rule}


def init_state(name: str, x):
    """The rule's state before the first step: nothing for GD, zeros otherwise (d2l's init_*_states)."""
    if name == "gd":
        return None
    if name == "adam":
        return _zeros(x), _zeros(x)
    return _zeros(x)


class Scratch:
    """The rules above with ``torch.optim``'s interface: ``zero_grad()`` then ``step()``.
    ``schedule(t) -> lr`` (optional) sets η before update t (t = 0, 1, …; d2l §12.11)."""

    def __init__(self, params, name: str, hyper: dict, schedule: Callable[[int], float] | None = None):
        self.params = [p for p in params]
        self.name, self.hyper, self.schedule = name, dict(hyper), schedule
        self.rule = RULES[name]
        self.states = [init_state(name, p.detach()) for p in self.params]
        self.t = 0
        self.lrs: list[float] = []           # η used at each update

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self) -> None:
        if self.schedule is not None:
            self.hyper["lr"] = self.schedule(self.t)
        self.t += 1
        self.lrs.append(self.hyper["lr"])
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            delta, self.states[i] = self.rule(p.grad, self.states[i], self.hyper, self.t)
            p -= delta


def torch_optimizer(name: str, params, h: dict) -> torch.optim.Optimizer:
    """The ``torch.optim`` counterpart of each rule, with the same hyperparameters (see the module text
    for where ε sits)."""
    eps = h.get("eps", EPS)
    if name == "gd":
        return torch.optim.SGD(params, lr=h["lr"])
    if name == "momentum":
        return torch.optim.SGD(params, lr=h["lr"], momentum=h["momentum"])
    if name == "adagrad":
        return torch.optim.Adagrad(params, lr=h["lr"], eps=eps)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=h["lr"], alpha=h["gamma"], eps=eps)
    if name == "adam":
        return torch.optim.Adam(params, lr=h["lr"], betas=(h["beta1"], h["beta2"]), eps=eps)
    raise ValueError(f"unknown optimizer {name!r}")


# ---- learning-rate schedules (d2l §12.11) ---------------------------------------------------------

SCHEDULES = ("constant", "step", "cosine", "warmup_cosine")


class CosineScheduler:
    """d2l §12.11.3.3 ``CosineScheduler``: a linear warm-up from ``warmup_begin_lr`` over
    ``warmup_steps`` updates, then ``final_lr + (base_lr − final_lr)(1 + cos(π t'/T'))/2`` until
    ``max_update``, then ``final_lr``."""

    def __init__(self, max_update: int, base_lr: float = 0.01, final_lr: float = 0.0,
                 warmup_steps: int = 0, warmup_begin_lr: float = 0.0):
        self.base_lr_orig = base_lr
        self.max_update = max_update
        self.final_lr = final_lr
        self.warmup_steps = warmup_steps
        self.warmup_begin_lr = warmup_begin_lr
        self.max_steps = self.max_update - self.warmup_steps

    def get_warmup_lr(self, epoch):
        increase = (self.base_lr_orig - self.warmup_begin_lr) * float(epoch) / float(self.warmup_steps)
        return self.warmup_begin_lr + increase

    def __call__(self, epoch):
        if epoch < self.warmup_steps:
            return self.get_warmup_lr(epoch)
        if epoch <= self.max_update:
            self.base_lr = self.final_lr + (self.base_lr_orig - self.final_lr) * (
                1 + math.cos(math.pi * (epoch - self.warmup_steps) / self.max_steps)) / 2
        return self.base_lr if epoch <= self.max_update else self.final_lr


def step_schedule(base_lr: float, period: int, factor: float) -> Callable[[int], float]:
    """η·factor^⌊t / period⌋ (``torch.optim.lr_scheduler.StepLR``; d2l §12.11.3.2's multi-factor idea)."""
    return lambda t: base_lr * factor ** (t // max(1, period))


def make_schedule(kind: str, base_lr: float, total: int, period: int, factor: float,
                  warmup: int) -> Callable[[int], float] | None:
    """The schedule of update t (0-based) for a run of ``total`` updates; None for a constant η."""
    if kind == "constant":
        return None
    if kind == "step":
        return step_schedule(base_lr, period, factor)
    if kind == "cosine":
        return CosineScheduler(total, base_lr)
    if kind == "warmup_cosine":
        return CosineScheduler(total, base_lr, warmup_steps=min(warmup, total - 1))
    raise ValueError(f"unknown schedule {kind!r}")
