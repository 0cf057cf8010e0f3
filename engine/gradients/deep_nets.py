"""Deep networks: activations and gradients layer by layer (d2l §5.4; 周报第十四周; DLFS §6.2).

A stack of L square layers ``h_l = φ(h_{l-1} W_lᵀ)`` (no bias) is run forward on a batch and
backward from a random linear read-out, so the gradient that arrives at the top has the same
size whatever the forward pass did: what the charts show is the chain itself. With weights of
variance Var(W) each layer multiplies the mean square of the signal by about n·Var(W)·c, where
c = 1 for the identity and ½ for ReLU (half of the units are off): the norms grow or shrink
exponentially unless n·Var(W)·c = 1 — which is what Xavier (Var = 2/(n_in + n_out)) and He
(Var = 2/n_in) initialisation choose.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
import torch

from engine import settings as S
from engine.budget import Budget
from engine.device import intra_op_threads

ACTIVATIONS = ("identity", "tanh", "sigmoid", "relu")
INITS = ("normal", "xavier_uniform", "xavier_normal", "he")
BATCH_SIZE = 64                  # examples pushed through the stack (64 × width values per layer)
MAX_HIST_LAYERS = 5              # layers whose distributions are shown
HIST_BINS = 40
GAIN_C = {"identity": 1.0, "relu": 0.5}     # E[φ(z)²] / E[z²] for z ~ N(0, v); no closed form for tanh, sigmoid


@dataclass(frozen=True)
class Settings:
    num_layers: int = S.num(20, 1, 50, doc="depth L: number of weight layers")
    width: int = S.num(128, 8, 256, step=8, doc="units n in every layer")
    activation: str = S.choice("tanh", ACTIVATIONS, doc="φ after every layer")
    init: str = S.choice("normal", INITS, doc="how the weights are drawn")
    sigma: float = S.num(0.05, 0.01, 10.0, log=True, doc="σ of N(0, σ²) (used by the 'normal' initialisation)")

    def __post_init__(self):
        S.check(self)


# ---- the initialisers, from their formulas (nn.Linear layout: weight shape = (fan_out, fan_in)) -------

def fans(shape: tuple[int, int]) -> tuple[int, int]:
    fan_out, fan_in = shape
    return fan_in, fan_out


def init_normal(shape, sigma: float, generator: torch.Generator) -> torch.Tensor:
    """N(0, σ²): the book's ``torch.normal(0, 0.01, …)``; the variance does not look at the layer size."""
    return torch.empty(shape).normal_(0.0, sigma, generator=generator)


def xavier_uniform(shape, generator: torch.Generator, gain: float = 1.0) -> torch.Tensor:
    """U(−a, a) with a = gain·√(6/(n_in + n_out)), so Var = gain²·2/(n_in + n_out) (Glorot & Bengio 2010)."""
    fan_in, fan_out = fans(shape)
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return torch.empty(shape).uniform_(-a, a, generator=generator)


def xavier_normal(shape, generator: torch.Generator, gain: float = 1.0) -> torch.Tensor:
    """N(0, gain²·2/(n_in + n_out))."""
    fan_in, fan_out = fans(shape)
    return torch.empty(shape).normal_(0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), generator=generator)


def he_normal(shape, generator: torch.Generator) -> torch.Tensor:
    """N(0, 2/n_in): ReLU zeroes half the units, the 2 puts that half back (He et al. 2015)."""
    fan_in, _ = fans(shape)
    return torch.empty(shape).normal_(0.0, math.sqrt(2.0 / fan_in), generator=generator)


def init_variance(init: str, shape, sigma: float) -> float:
    """The variance each initialiser's formula promises."""
    fan_in, fan_out = fans(shape)
    return {"normal": sigma ** 2, "xavier_uniform": 2.0 / (fan_in + fan_out),
            "xavier_normal": 2.0 / (fan_in + fan_out), "he": 2.0 / fan_in}[init]


def init_weight(init: str, shape, sigma: float, generator: torch.Generator) -> torch.Tensor:
    if init == "normal":
        return init_normal(shape, sigma, generator)
    if init == "he":
        return he_normal(shape, generator)
    return (xavier_uniform if init == "xavier_uniform" else xavier_normal)(shape, generator)


def activation_fn(name: str) -> Callable[[torch.Tensor], torch.Tensor]:
    return {"identity": lambda z: z, "tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu}[name]


def forward_backward(X: torch.Tensor, weights: list[torch.Tensor], activation: str, R: torch.Tensor):
    """Forward through every layer, then backward from the read-out loss ℓ = Σ(h_L ⊙ R)/batch.
    Returns (activations h_0…h_L, their gradients ∂ℓ/∂h_l, weight gradients ∂ℓ/∂W_l)."""
    phi = activation_fn(activation)
    Ws = [W.clone().requires_grad_(True) for W in weights]
    H = [X.clone().requires_grad_(True)]
    for W in Ws:
        H.append(phi(H[-1] @ W.T))
    for h in H:
        h.retain_grad()
    loss = (H[-1] * R).sum() / len(X)
    loss.backward()
    return [h.detach() for h in H], [h.grad for h in H], [W.grad for W in Ws]


# ---- summaries ------------------------------------------------------------------------

def rms(t: torch.Tensor) -> float:
    """Root mean square ‖t‖/√numel (inf/NaN pass through), in float64 to avoid a false overflow."""
    return float(torch.sqrt(torch.mean(t.double() ** 2)))


def first_bad_layer(values, layers, reverse: bool = False) -> tuple[int | None, str | None]:
    """The first layer, in the order it was computed, whose values are inf/NaN — or 0 (underflow:
    nothing left to see on a log axis)."""
    pairs = list(zip(layers, values))
    for layer, v in (reversed(pairs) if reverse else pairs):
        if math.isnan(v):
            return layer, "NaN"
        if math.isinf(v):
            return layer, "inf"
        if v == 0.0:
            return layer, "0"
    return None, None


def hist_layers(L: int) -> list[int]:
    """Up to five layers spread from the first to the last."""
    return sorted({max(1, round(L * k / (MAX_HIST_LAYERS - 1))) for k in range(MAX_HIST_LAYERS)})


def histogram(values: torch.Tensor, bins: int = HIST_BINS) -> tuple[np.ndarray, np.ndarray, float]:
    """(bin centres, fraction per bin, fraction non-finite) of the finite values."""
    v = values.double().flatten().numpy()
    ok = np.isfinite(v)
    bad = 1.0 - ok.mean()
    if not ok.any():
        return np.array([0.0]), np.array([0.0]), bad
    counts, edges = np.histogram(v[ok], bins=bins)
    return (edges[:-1] + edges[1:]) / 2, counts / v.size, bad


@dataclass(frozen=True)
class Result:
    settings: Settings
    layers: pd.DataFrame            # layer, act_rms, grad_rms, weight_grad_norm, act_theory, grad_theory
    hists: pd.DataFrame             # quantity ('activation'/'gradient'), layer, x, fraction, nonfinite
    weight_var: float               # the formula's Var(W)
    weight_var_sample: float        # the variance actually drawn (all layers)
    gain: float | None              # n·Var(W)·c per layer, where a closed form exists
    act_bad: tuple[int | None, str | None]       # first layer with inf/NaN/0 activations (forward)
    grad_bad: tuple[int | None, str | None]      # first layer with inf/NaN/0 gradients (backward, from the top)
    weight_grad_bad: tuple[int | None, str | None]
    stop_reason: str | None = None

    @property
    def total_factor(self) -> float | None:
        """What the theory says L layers do to the RMS: gain^(L/2) (inf beyond float64)."""
        if self.gain is None:
            return None
        try:
            return self.gain ** (self.settings.num_layers / 2)
        except OverflowError:
            return math.inf

    @property
    def act_ratio(self) -> float:
        """RMS of the last layer's activations over the first layer's."""
        first, last = self.layers["act_rms"].iloc[1], self.layers["act_rms"].iloc[-1]
        return last / first if first else math.nan

    @property
    def grad_ratio(self) -> float:
        """RMS of the gradient reaching the input over the one entering the top."""
        first, last = self.layers["grad_rms"].iloc[0], self.layers["grad_rms"].iloc[-1]
        return first / last if last else math.nan


def run(settings: Settings, seed: int = 0, device="cpu", on_step: Callable | None = None,
        budget: Budget | None = None) -> Result:
    """Draw X ~ N(0, 1), the L weight matrices and the read-out R; one forward and one backward pass."""
    with intra_op_threads(1):        # small tensors: on a busy 2-core server a second thread only waits
        s, device = settings, torch.device(device)
        gen = torch.Generator().manual_seed(seed)
        n, L = s.width, s.num_layers
        X = torch.randn((BATCH_SIZE, n), generator=gen)
        weights = [init_weight(s.init, (n, n), s.sigma, gen) for _ in range(L)]
        R = torch.randn((BATCH_SIZE, n), generator=gen)
        H, dH, dW = forward_backward(X.to(device), [W.to(device) for W in weights], s.activation, R.to(device))
        H, dH, dW = [h.cpu() for h in H], [g.cpu() for g in dH], [g.cpu() for g in dW]

        var = init_variance(s.init, (n, n), s.sigma)
        c = GAIN_C.get(s.activation)
        gain = n * var * c if c is not None else None
        idx = np.arange(L + 1)
        act_rms = [rms(h) for h in H]
        grad_rms = [rms(g) for g in dH]
        with np.errstate(over="ignore", under="ignore"):
            act_theory = act_rms[0] * np.power(gain, idx / 2) if gain else np.full(L + 1, np.nan)
            grad_theory = grad_rms[-1] * np.power(gain, (L - idx) / 2) if gain else np.full(L + 1, np.nan)
        layers = pd.DataFrame({
            "layer": idx, "act_rms": act_rms, "grad_rms": grad_rms,
            "weight_grad_norm": [math.nan] + [float(torch.linalg.vector_norm(g.double())) for g in dW],
            "act_theory": act_theory, "grad_theory": grad_theory})

        rows = []
        for l in hist_layers(L):
            for quantity, t in (("activation", H[l]), ("gradient", dH[l])):
                x, frac, bad = histogram(t)
                rows += [(quantity, l, xi, fi, bad) for xi, fi in zip(x, frac)]
        hists = pd.DataFrame(rows, columns=["quantity", "layer", "x", "fraction", "nonfinite"])
        return Result(
            settings=s, layers=layers, hists=hists, weight_var=var,
            weight_var_sample=float(np.mean([float(W.var()) for W in weights])),
            gain=gain,
            act_bad=first_bad_layer(act_rms[1:], idx[1:].tolist()),
            grad_bad=first_bad_layer(grad_rms[:-1], idx[:-1].tolist(), reverse=True),
            weight_grad_bad=first_bad_layer(layers["weight_grad_norm"].iloc[1:].tolist(), idx[1:].tolist(), reverse=True),
        )
