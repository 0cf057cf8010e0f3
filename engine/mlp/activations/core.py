"""Activation functions and their derivatives (d2l §5.1.2), and why a network needs them:
without a nonlinearity a stack of linear layers is one affine map (d2l §5.1.1).

Each derivative is computed twice, by autograd (as the book does with ``y.backward``) and
by its closed form, and the two are shown side by side (and tested to agree).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from torch import nn

from engine import settings as S

NAMES = ("relu", "sigmoid", "tanh", "gelu", "leaky_relu")
LEAKY_SLOPE = 0.01


@dataclass(frozen=True)
class Settings:
    show: str = S.choice("all", ("all",) + NAMES, doc="which activation to draw (all of them by default)")
    x_min: float = S.num(-6.0, -20.0, -0.5, step=0.5, doc="left end of the x range")
    x_max: float = S.num(6.0, 0.5, 20.0, step=0.5, doc="right end of the x range")
    x0: float = S.num(1.0, -20.0, 20.0, step=0.1, doc="the point where f(x) and f′(x) are printed")
    num_layers: int = S.num(3, 1, 10, doc="linear layers stacked in the collapse demo")
    num_hiddens: int = S.num(16, 1, 256, doc="width of each hidden layer in the collapse demo")
    contrast: str = S.choice("relu", NAMES, doc="the nonlinearity put between the same layers, for contrast")

    def __post_init__(self):
        S.check(self)


# ---- the functions (d2l §5.1.2) ---------------------------------------------------

def relu(x):
    """ReLU(x) = max(x, 0)."""
    return torch.relu(x)


def sigmoid(x):
    """sigmoid(x) = 1 / (1 + exp(−x))."""
    return torch.sigmoid(x)


def tanh(x):
    """tanh(x) = (1 − exp(−2x)) / (1 + exp(−2x))."""
    return torch.tanh(x)


def gelu(x):
    """GELU(x) = x · Φ(x), Φ the standard normal CDF (Hendrycks & Gimpel, 2016)."""
    return torch.nn.functional.gelu(x)


def leaky_relu(x):
    """max(x, αx) with α = 0.01: a small slope for x < 0 keeps the gradient alive."""
    return torch.nn.functional.leaky_relu(x, LEAKY_SLOPE)


FUNCTIONS = {"relu": relu, "sigmoid": sigmoid, "tanh": tanh, "gelu": gelu, "leaky_relu": leaky_relu}


def derivative_closed_form(name: str, x: torch.Tensor) -> torch.Tensor:
    """The derivatives on paper. At x = 0, ReLU's derivative is taken as 0 (autograd's choice)."""
    if name == "relu":
        return (x > 0).to(x.dtype)
    if name == "sigmoid":
        s = torch.sigmoid(x)
        return s * (1 - s)                                      # peaks at 1/4 for x = 0
    if name == "tanh":
        return 1 - torch.tanh(x) ** 2                           # peaks at 1 for x = 0
    if name == "gelu":
        cdf = 0.5 * (1 + torch.erf(x / math.sqrt(2)))
        pdf = torch.exp(-x ** 2 / 2) / math.sqrt(2 * math.pi)
        return cdf + x * pdf                                    # Φ(x) + x φ(x)
    if name == "leaky_relu":
        return torch.where(x > 0, torch.ones_like(x), torch.full_like(x, LEAKY_SLOPE))
    raise ValueError(name)


def derivative_autograd(name: str, x: torch.Tensor) -> torch.Tensor:
    """As in the book: ``y.backward(torch.ones_like(x))`` then read ``x.grad``."""
    x = x.detach().clone().requires_grad_(True)
    y = FUNCTIONS[name](x)
    y.backward(torch.ones_like(x))
    return x.grad


def activation_table(names, x_min: float, x_max: float, n: int = 401) -> pd.DataFrame:
    """Long form: one row per (activation, x) with f, f′ by autograd and f′ in closed form."""
    x = torch.linspace(x_min, x_max, n, dtype=torch.float64)
    frames = []
    for name in names:
        with torch.no_grad():
            f = FUNCTIONS[name](x)
        frames.append(pd.DataFrame({"activation": name, "x": x.numpy(), "f": f.numpy(),
                                    "df_autograd": derivative_autograd(name, x).numpy(),
                                    "df_closed_form": derivative_closed_form(name, x).numpy()}))
    return pd.concat(frames, ignore_index=True)


def values_at(names, x0: float) -> pd.DataFrame:
    """f(x0) and f′(x0) both ways, one row per activation (for the page's table)."""
    x = torch.tensor([x0], dtype=torch.float64)
    rows = []
    for name in names:
        d_auto, d_closed = derivative_autograd(name, x).item(), derivative_closed_form(name, x).item()
        rows.append({"activation": name, "x": x0, "f": FUNCTIONS[name](x).item(),
                     "df_autograd": d_auto, "df_closed_form": d_closed, "abs_difference": abs(d_auto - d_closed)})
    return pd.DataFrame(rows)


# ---- without a nonlinearity, depth buys nothing (d2l §5.1.1) --------------------------

@dataclass(frozen=True)
class Collapse:
    between: str
    x: np.ndarray                  # inputs (1-D)
    stack: np.ndarray              # the output of the stacked layers
    affine: np.ndarray             # the output of the single affine map x·W + b
    W: float                       # W = W_L ⋯ W_1 (1 × 1 here: one input, one output)
    b: float                       # b = W_L(⋯(W_2 b_1 + b_2)⋯) + b_L
    max_abs_difference: float
    weight_shapes: tuple


def collapse_to_affine(layers: list[nn.Linear]) -> tuple[torch.Tensor, torch.Tensor]:
    """Fold y = W_L(…(W_2(W_1 x + b_1) + b_2)…) + b_L into y = W x + b."""
    W, b = layers[0].weight, layers[0].bias
    for layer in layers[1:]:
        W, b = layer.weight @ W, layer.weight @ b + layer.bias
    return W, b


def collapse_demo(num_layers: int, num_hiddens: int, between: str, x_min: float, x_max: float,
                  seed: int = 0, n: int = 201) -> Collapse:
    """A random stack 1 → num_hiddens → … → 1 with ``between`` after every layer but the last,
    compared with the single affine map its weights fold into."""
    gen = torch.Generator().manual_seed(seed)
    dims = [1] + [num_hiddens] * (num_layers - 1) + [1]
    layers = []
    for d_in, d_out in zip(dims[:-1], dims[1:]):
        layer = nn.Linear(d_in, d_out)
        with torch.no_grad():       # variance 1/fan_in (LeCun): the signal keeps its scale through the stack
            bound = math.sqrt(3 / d_in)
            layer.weight.uniform_(-bound, bound, generator=gen)
            layer.bias.uniform_(-bound, bound, generator=gen)
        layers.append(layer)
    x = torch.linspace(x_min, x_max, n).reshape(-1, 1)
    act = (lambda t: t) if between == "linear" else FUNCTIONS[between]
    with torch.no_grad():
        h = x
        for i, layer in enumerate(layers):
            h = layer(h)
            if i < len(layers) - 1:
                h = act(h)
        W, b = collapse_to_affine(layers)
        affine = x @ W.T + b
    diff = (h - affine).abs().max().item()
    return Collapse(between, x.numpy().ravel(), h.numpy().ravel(), affine.numpy().ravel(),
                    W.item(), b.item(), diff, tuple(tuple(l.weight.shape) for l in layers))
