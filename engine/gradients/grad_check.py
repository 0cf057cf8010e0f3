"""Gradient checking (Ng, Improving Deep Neural Networks, week 1; d2l §5.3 for backprop).

Every entry θ_i of every parameter gets a two-sided difference
``(J(θ + ε·e_i) − J(θ − ε·e_i)) / 2ε``, compared with the backward pass through the relative
error ``‖g_num − g‖ / (‖g_num‖ + ‖g‖)``: about 1e-7 is right, 1e-5 is suspicious, 1e-3 is a bug.
The network's backward pass is written by hand (``torch.autograd.Function``), so a bug can be
planted in it; computing the error per parameter tells where it is. Dropout must be off: J is
then a different random function at every call and the differences measure the masks, not
the slope — unless the same mask is drawn every time.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Callable

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from engine import settings as S
from engine.budget import Budget
from engine.device import intra_op_threads

NUM_OUTPUTS = 3
THRESHOLDS = (1e-7, 1e-5, 1e-3)                  # fine · acceptable · suspicious · bug
VERDICTS = ("fine", "acceptable", "suspicious", "bug")
BUGS = ("none", "W1_transposed", "tanh_derivative", "b2_mean")
DROPOUT = ("off", "fresh_mask", "fixed_mask")
DROPOUT_P = 0.5
SWEEP_EPS = tuple(10.0 ** -k for k in range(1, 13))   # ε from 1e-1 to 1e-12, for the error-vs-ε chart
PARAM_NAMES = ("W1", "b1", "W2", "b2")
# A parameter stands out when its error is a bug's (≥ 1e-3) and this many times every other one's.
# Rounding alone (float32, no bug, any ε, seeds 0–2, 4 sizes) never put one parameter more than
# 7.3× above the next; the planted bugs stand 70–35,000× above the rest wherever ε is usable.
STANDOUT_GAP = 30.0
# J calls at the largest size: the check, one reference check (float64, or dropout off), the ε sweep
MAX_EVALS = (2 + len(SWEEP_EPS)) * 2 * (16 * 16 + 16 + NUM_OUTPUTS * 16 + NUM_OUTPUTS)
UNIT_ROUNDOFF = {"float64": 2.0 ** -53, "float32": 2.0 ** -24}


@dataclass(frozen=True)
class Settings:
    num_hiddens: int = S.num(4, 2, 16, doc="inputs = hidden units (square W1, so a transposed gradient fits)")
    batch_size: int = S.num(8, 1, 64, doc="examples in the batch J is averaged over")
    eps: float = S.num(1e-7, 1e-10, 0.1, log=True, doc="ε of the two-sided difference")
    dtype: str = S.choice("float64", ("float64", "float32"), doc="floating-point precision of the check")
    bug: str = S.choice("none", BUGS, doc="the bug planted in the hand-written backward pass")
    dropout: str = S.choice("off", DROPOUT, doc="dropout after the hidden layer")

    def __post_init__(self):
        S.check(self)


# ---- a network whose backward pass is written by hand --------------------------------------

class LinearFunction(torch.autograd.Function):
    """Y = X Wᵀ + b, and its gradients. ``bug``: 'transpose_W' returns Xᵀ·G, the (in, out)
    layout of a textbook that writes X·W (shape-correct only for a square W, so nothing
    complains); 'mean_b' averages the bias gradient over the batch instead of summing it."""

    @staticmethod
    def forward(ctx, X, W, b, bug=None):
        ctx.save_for_backward(X, W)
        ctx.bug = bug
        return X @ W.T + b

    @staticmethod
    def backward(ctx, G):
        X, W = ctx.saved_tensors
        grad_X = G @ W
        grad_W = X.T @ G if ctx.bug == "transpose_W" else G.T @ X
        grad_b = G.mean(0) if ctx.bug == "mean_b" else G.sum(0)
        return grad_X, grad_W, grad_b, None


class TanhFunction(torch.autograd.Function):
    """tanh, with tanh′(z) = 1 − tanh²(z) — or, with the bug, 1 − tanh(z)."""

    @staticmethod
    def forward(ctx, Z, bug=None):
        Y = torch.tanh(Z)
        ctx.save_for_backward(Y)
        ctx.bug = bug
        return Y

    @staticmethod
    def backward(ctx, G):
        (Y,) = ctx.saved_tensors
        return G * ((1 - Y) if ctx.bug == "derivative" else (1 - Y ** 2)), None


def net_loss(params: dict, X, y, bug: str = "none", mask: torch.Tensor | None = None):
    """J = cross-entropy(softmax(tanh(X W1ᵀ + b1) ⊙ mask · W2ᵀ + b2), y), averaged over the batch."""
    Z1 = LinearFunction.apply(X, params["W1"], params["b1"], "transpose_W" if bug == "W1_transposed" else None)
    A1 = TanhFunction.apply(Z1, "derivative" if bug == "tanh_derivative" else None)
    if mask is not None:
        A1 = A1 * mask
    Z2 = LinearFunction.apply(A1, params["W2"], params["b2"], "mean_b" if bug == "b2_mean" else None)
    return F.cross_entropy(Z2, y)


def dropout_mask(shape, dtype, generator: torch.Generator) -> torch.Tensor:
    """Inverted dropout: keep with probability 1 − p, scale the kept units by 1/(1 − p)."""
    keep = torch.rand(shape, generator=generator, dtype=dtype) >= DROPOUT_P
    return keep.to(dtype) / (1 - DROPOUT_P)


def relative_error(g_num, g) -> float:
    """‖g_num − g‖ / (‖g_num‖ + ‖g‖); 0 when both are zero."""
    g_num, g = torch.as_tensor(g_num, dtype=torch.float64), torch.as_tensor(g, dtype=torch.float64)
    den = float(torch.linalg.vector_norm(g_num) + torch.linalg.vector_norm(g))
    return 0.0 if den == 0 else float(torch.linalg.vector_norm(g_num - g)) / den


def verdict(rel: float) -> str:
    if not math.isfinite(rel):
        return "bug"
    return VERDICTS[sum(rel >= t for t in THRESHOLDS)]


def batched_loss(p: dict, X, y, masks: torch.Tensor | None = None) -> torch.Tensor:
    """The same J as ``net_loss`` (forward only, so no bug can be in it) for K parameter sets at
    once: every tensor in ``p`` has a leading dimension K. Returns the K losses."""
    K = p["W1"].shape[0]
    A1 = torch.tanh(X @ p["W1"].transpose(1, 2) + p["b1"][:, None, :])          # (K, N, n)
    if masks is not None:
        A1 = A1 * masks
    Z2 = A1 @ p["W2"].transpose(1, 2) + p["b2"][:, None, :]                     # (K, N, outputs)
    return F.cross_entropy(Z2.reshape(-1, Z2.shape[-1]), y.repeat(K), reduction="none").view(K, -1).mean(1)


def numerical_gradient(J: Callable[[dict], torch.Tensor], params: dict, eps: float,
                       budget: Budget | None = None) -> dict:
    """Two-sided differences (J(θ + ε·e_i) − J(θ − ε·e_i)) / 2ε for every entry θ_i of every
    parameter. All the nudged copies of one parameter go through J together, one per row."""
    out = {}
    for name, P in params.items():
        n = P.numel()
        if budget is not None and not budget.spend(2 * n):
            out[name] = torch.full(P.shape, math.nan, dtype=torch.float64)
            continue
        E = (eps * torch.eye(n, dtype=torch.float64)).to(P.dtype).view(n, *P.shape)   # row i: ε·e_i
        same = {k: v.expand(n, *v.shape) for k, v in params.items()}
        J_plus, J_minus = J({**same, name: P + E}), J({**same, name: P - E})
        out[name] = ((J_plus.double() - J_minus.double()) / (2 * eps)).view(P.shape)
    return out


def make_problem(s: Settings, seed: int):
    """X, y and the parameters (nn.Linear-style init), in the chosen precision."""
    dtype = getattr(torch, s.dtype)
    gen = torch.Generator().manual_seed(seed)
    n = s.num_hiddens
    X = torch.randn((s.batch_size, n), generator=gen, dtype=torch.float64).to(dtype)
    y = torch.randint(0, NUM_OUTPUTS, (s.batch_size,), generator=gen)
    k = 1 / math.sqrt(n)
    shapes = {"W1": (n, n), "b1": (n,), "W2": (NUM_OUTPUTS, n), "b2": (NUM_OUTPUTS,)}
    params = {name: (torch.rand(shape, generator=gen, dtype=torch.float64) * 2 * k - k).to(dtype)
              for name, shape in shapes.items()}
    return X, y, params


def check(s: Settings, seed: int = 0, eps: float | None = None, budget: Budget | None = None):
    """(gradients from the hand-written backward pass, numerical gradients) for the settings."""
    X, y, params = make_problem(s, seed)
    mask_gen = torch.Generator().manual_seed(seed + 1)
    shape = (s.batch_size, s.num_hiddens)

    def masks(K: int | None):
        """None without dropout; one mask (K=None) or K masks: fresh ones at every call, or the
        same one again (the generator is re-seeded) with 'fixed_mask'."""
        if s.dropout == "off":
            return None
        if s.dropout == "fixed_mask":
            mask_gen.manual_seed(seed + 1)
            m = dropout_mask(shape, X.dtype, mask_gen)
            return m if K is None else m.expand(K, *shape)
        return dropout_mask(shape if K is None else (K, *shape), X.dtype, mask_gen)

    leaves = {k: v.clone().requires_grad_(True) for k, v in params.items()}
    net_loss(leaves, X, y, s.bug, masks(None)).backward()
    grads = {k: v.grad.double() for k, v in leaves.items()}

    def J(p: dict) -> torch.Tensor:
        with torch.no_grad():
            return batched_loss(p, X, y, masks(p["W1"].shape[0]))
    return grads, numerical_gradient(J, params, s.eps if eps is None else eps, budget)


def standout(rel_errors: dict[str, float], gap: float = STANDOUT_GAP) -> tuple[str, ...]:
    """The parameters whose relative error is at least a bug's (1e-3) and ``gap`` times the largest
    of the others' — a bug located, even when the others are only rounding (float32). The split is
    taken where the ratio between neighbours in the sorted errors is largest; () when none is."""
    key = lambda v: math.inf if not math.isfinite(v) else v
    ranked = sorted(rel_errors.items(), key=lambda kv: -key(kv[1]))
    best, best_ratio = (), 0.0
    for cut in range(1, len(ranked)):
        low_top, high_rest = key(ranked[cut - 1][1]), key(ranked[cut][1])
        ratio = math.inf if high_rest == 0 else low_top / high_rest
        if low_top >= THRESHOLDS[-1] and ratio >= gap and ratio > best_ratio:
            best, best_ratio = tuple(k for k, _ in ranked[:cut]), ratio
    return tuple(k for k in rel_errors if k in best)


@dataclass(frozen=True)
class Result:
    settings: Settings
    params: pd.DataFrame          # param, shape, rel_error, verdict, worst_index, autograd, numeric
    entries: pd.DataFrame         # param, index, autograd, numeric, abs_diff
    overall: float                # the relative error over all parameters at once
    located: tuple[str, ...]      # the parameters whose gradient is wrong (rel_error ≥ 1e-3)
    sweep: pd.DataFrame           # eps, rel_error: the correct network (same precision, no dropout)
    stop_reason: str | None = None
    # The same check under one changed condition, so the verdict can name the cause rather than guess:
    rel_float64: dict | None = None       # float32 only: the errors float64 gives at the same ε
    rel_no_dropout: dict | None = None    # fresh masks only: the errors with dropout off (same ε, precision)

    @property
    def num_params(self) -> int:
        return len(self.entries)

    @property
    def evaluations(self) -> int:
        """Calls of J the check needed: two per parameter entry."""
        return 2 * self.num_params

    @property
    def rel_errors(self) -> dict[str, float]:
        return dict(zip(self.params["param"], self.params["rel_error"]))

    @property
    def standout(self) -> tuple[str, ...]:
        """The parameters whose error stands far above all the others' (see ``standout``)."""
        return standout(self.rel_errors)


@dataclass(frozen=True)
class Diagnosis:
    """What the check says, for the page: ``key`` names the message, ``params`` the parameters
    it blames (shown as "wrong gradient in"), ``others`` the rest; ``rest_max`` is the largest
    error among the others and ``gap`` how many times the blamed ones exceed it."""
    key: str
    params: tuple[str, ...] = ()
    others: tuple[str, ...] = ()
    rest_max: float = math.nan
    gap: float = math.nan


def located(d: Diagnosis) -> tuple[str, ...]:
    """The parameters a verdict says have a wrong gradient ("wrong gradient in"): none when it blames ε."""
    return d.params if d.key.startswith(("bug_found", "dropout_fail_bug")) else ()


def _rel_errors(grads: dict, nums: dict) -> dict[str, float]:
    return {k: relative_error(nums[k].flatten(), grads[k].flatten()) for k in PARAM_NAMES}


def _diagnose(s: Settings, rel: dict[str, float], rel_float64: dict | None = None) -> Diagnosis:
    """The verdict for settings ``s`` (without dropout) from its errors per parameter."""
    located = tuple(k for k in PARAM_NAMES if rel[k] >= THRESHOLDS[-1])
    if not located:
        if s.bug == "b2_mean" and s.batch_size == 1:
            return Diagnosis("bug_hidden")
        return Diagnosis("passed" if verdict(max(rel.values())) == "fine" else "passed_loose")
    blamed = standout(rel) if s.dtype == "float32" else located
    others = tuple(k for k in PARAM_NAMES if k not in blamed)
    rest_max = max((rel[k] for k in others), default=math.nan)
    gap = min(rel[k] for k in blamed) / rest_max if blamed and rest_max > 0 else math.inf
    if s.dtype == "float32":
        if not blamed:
            if s.bug == "none" and rel_float64 is not None and _truncation(rel, rel_float64):
                return Diagnosis("eps_large", located, tuple(k for k in PARAM_NAMES if k not in located))
            return Diagnosis("float32_fail" if s.bug == "none" else "float32_unclear", others=PARAM_NAMES)
        return Diagnosis("bug_found_float32", blamed, others, rest_max, gap)
    if s.bug == "none":      # nothing planted: the difference quotient itself is off (truncation or rounding)
        # rounding errs by about u/ε; an error far above it is the ε² truncation term: ε is too large
        rounding = UNIT_ROUNDOFF[s.dtype] / s.eps
        return Diagnosis("eps_large" if min(rel[k] for k in blamed) > 100 * rounding else "eps_fail",
                         blamed, others, rest_max, gap)
    return Diagnosis("bug_found", blamed, others, rest_max, gap)


def _truncation(rel: dict[str, float], rel_float64: dict[str, float]) -> bool:
    """Float64 at the same ε errs about as much (within 3×) and fails too: the error is the ε² term
    of the difference quotient, which no precision removes — not rounding."""
    return all(math.isfinite(rel_float64[k]) and rel_float64[k] >= rel[k] / 3 for k in PARAM_NAMES) \
        and max(rel_float64.values()) >= THRESHOLDS[-1]


def diagnose(r: Result) -> Diagnosis:
    """The verdict from the numbers. In float32 the difference quotient keeps few digits and a
    correct gradient can fail; a parameter is still located when its error stands out
    (``standout``), and only then. With fresh dropout masks the check fails whatever the backward
    pass does; a planted bug is then told apart by the same check with dropout off."""
    s = r.settings
    if s.dropout == "fresh_mask":
        if s.bug == "none" or r.rel_no_dropout is None:
            return Diagnosis("dropout_fail")
        off = _diagnose(replace(s, dropout="off"), r.rel_no_dropout)
        if off.key in ("bug_found", "bug_found_float32"):
            return Diagnosis("dropout_fail_bug", off.params, off.others, off.rest_max, off.gap)
        return Diagnosis("dropout_fail_bug_unseen")
    return _diagnose(s, r.rel_errors, r.rel_float64)


def run(settings: Settings, seed: int = 0, device="cpu", on_step: Callable | None = None,
        budget: Budget | None = None) -> Result:
    with intra_op_threads(1):        # small tensors: on a busy 2-core server a second thread only waits
        s = settings
        budget = (budget or Budget()).capped(MAX_EVALS)
        grads, nums = check(s, seed, budget=budget)
        rows, entries = [], []
        for name in PARAM_NAMES:
            g, gn = grads[name].flatten(), nums[name].flatten()
            diff = (g - gn).abs()
            worst = int(torch.argmax(torch.nan_to_num(diff, nan=math.inf)))
            rel = relative_error(gn, g)
            shape = tuple(grads[name].shape)
            rows.append({"param": name, "shape": "×".join(map(str, shape)), "rel_error": rel, "verdict": verdict(rel),
                         "worst_index": str(tuple(int(i) for i in np.unravel_index(worst, shape))),
                         "autograd": float(g[worst]), "numeric": float(gn[worst])})
            entries += [{"param": name, "index": str(tuple(int(j) for j in np.unravel_index(i, shape))),
                         "autograd": float(g[i]), "numeric": float(gn[i]), "abs_diff": float(diff[i])}
                        for i in range(len(g))]
        overall = relative_error(torch.cat([nums[k].flatten() for k in PARAM_NAMES]),
                                 torch.cat([grads[k].flatten() for k in PARAM_NAMES]))
        params = pd.DataFrame(rows)
        rel_float64 = rel_no_dropout = None
        if s.dtype == "float32" and s.dropout != "fresh_mask":
            rel_float64 = _rel_errors(*check(replace(s, dtype="float64"), seed, budget=budget))
        if s.dropout == "fresh_mask" and s.bug != "none":
            rel_no_dropout = _rel_errors(*check(replace(s, dropout="off"), seed, budget=budget))
        clean = Settings(num_hiddens=s.num_hiddens, batch_size=s.batch_size, dtype=s.dtype)
        sweep = []
        for e in SWEEP_EPS:
            g, gn = check(clean, seed, eps=e, budget=budget)
            sweep.append({"eps": e, "rel_error": relative_error(torch.cat([gn[k].flatten() for k in PARAM_NAMES]),
                                                                torch.cat([g[k].flatten() for k in PARAM_NAMES]))})
        return Result(settings=s, params=params, entries=pd.DataFrame(entries), overall=overall,
                      located=tuple(params.loc[params["rel_error"] >= THRESHOLDS[-1], "param"]),
                      sweep=pd.DataFrame(sweep), stop_reason=budget.reason,
                      rel_float64=rel_float64, rel_no_dropout=rel_no_dropout)
