"""Inside the LSTM (d2l §10.1, §9.7; DLFS2 §6.1–6.2): what its gates do on a sentence, how far back
the gradient reaches, and how far back each cell can remember.

- ``gate_traces``: run a trained model over typed text → the gates i, f, o, the candidate g (C̃),
  the cell c and the hidden state h at every step and unit (a long table).
- ``input_grad_norms``: ‖∂ℓ/∂x_t‖ for every earlier step t of the loss ℓ made at the last step.
- ``run_long_range``: RNN, GRU and LSTM trained on the key–value recall task, accuracy against
  the distance the answer has to be carried, and the gradient flow before and after training.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
import torch
from torch.nn import functional as F

from engine import settings as S
from engine.budget import Budget
from engine.language_model.concise import RNNModel
from engine.language_model.core import flops_per_token
from engine.language_model.scratch import CELLS
from engine.language_model.train import grad_clipping, make_updater
from engine.device import intra_op_threads

MODELS = ("rnn", "gru", "lstm")


# ---- a typed sentence through a trained model -------------------------------------------------

def as_scratch(net):
    """The scratch model (whose cells can report their gates) computing what ``net`` computes."""
    return net.to_scratch() if isinstance(net, RNNModel) else net


@torch.no_grad()
def gate_traces(net, ids, tokens) -> pd.DataFrame:
    """One row per (layer, quantity, step, unit): the LSTM's i, f, o, g, c, h (or GRU's z, r, h̃, h;
    the RNN's h) while it reads ``ids`` from a zero state."""
    m = as_scratch(net)
    device = next(m.parameters()).device
    X = torch.tensor([list(ids)], device=device)
    _, _, internals = m(X, m.begin_state(1, device), return_internals=True)
    frames = []
    for layer, record in enumerate(internals):
        for name, values in record.items():           # values: (num_steps, 1, num_hiddens)
            v = values[:, 0, :].cpu().numpy()
            steps, units = np.meshgrid(np.arange(v.shape[0]), np.arange(v.shape[1]), indexing="ij")
            frames.append(pd.DataFrame({"layer": layer, "quantity": name, "step": steps.ravel(),
                                        "token": np.asarray(tokens, dtype=object)[steps.ravel()],
                                        "unit": units.ravel(), "value": v.ravel()}))
    return pd.concat(frames, ignore_index=True)


def gate_matrix(traces: pd.DataFrame, quantity: str, layer: int = 0) -> np.ndarray:
    """units × time steps, for a heatmap."""
    t = traces[(traces["quantity"] == quantity) & (traces["layer"] == layer)]
    return t.pivot(index="unit", columns="step", values="value").to_numpy()


# ---- how far back the gradient reaches --------------------------------------------------------

def input_grad_norms(net, X: torch.Tensor, y: torch.Tensor) -> np.ndarray:
    """‖∂ℓ/∂x_t‖ (summed over the batch) for every time step t = 0 … T−1, where ℓ is the mean
    cross-entropy of the prediction made after the last step and x_t the input vector read at step t
    (backpropagation through time, d2l §9.7): how strongly the answer still depends on the token
    read T − t steps before. For a plain RNN it is a product of T − t Jacobians W_hhᵀ diag(1 − h²)."""
    m = as_scratch(net)
    kw = {"reset_after": True} if m.cell == "gru" and m.reset_after else {}
    with torch.enable_grad():
        inputs = m.inputs(X).detach().requires_grad_(True)          # (T, batch, d)
        layer_input = inputs
        state = m.begin_state(X.shape[0], X.device)
        for l, p in enumerate(m.layers):
            s, outputs = tuple(t[l] for t in state), []
            for X_t in layer_input:
                s, _ = CELLS[m.cell](X_t, s, p, **kw)
                outputs.append(s[0])
            layer_input = torch.stack(outputs)
        logits = layer_input[-1] @ m.output_weight() + m.b_q
        (grad,) = torch.autograd.grad(F.cross_entropy(logits, y), inputs)
    return grad.flatten(1).norm(dim=1).numpy()


# ---- the long-range memory experiment --------------------------------------------------------

@dataclass(frozen=True)
class LongRangeSettings:
    # field names start with recall_ so they never clash in the URL with the language model's settings
    recall_train: bool = S.flag(False, doc="train the three models (≈10 s); off: gradient flow at initialisation only")
    recall_hiddens: int = S.num(32, 8, 128, step=8, doc="hidden units of each model")
    recall_distance: int = S.num(10, 6, 60, step=2, doc="longest distance seen in training")
    recall_updates: int = S.num(400, 50, 1500, step=50, doc="Adam updates per model")
    recall_batch: int = S.num(32, 8, 128, step=8, doc="examples per update")
    recall_lr: float = S.num(0.003, 0.001, 0.1, log=True, doc="Adam's learning rate")

    def __post_init__(self):
        S.check(self)


LONG_RANGE_MAX_WORK = 1.2e11     # ≈ 20 s under load on 2 CPU cores (the default uses half of it)
LONG_RANGE_STEP_OVERHEAD = 3.0e6
NUM_PAIRS = 1                    # one key–value pair: the task is purely "remember the value"
EVAL_EXAMPLES = 200
PROBE_EXAMPLES = 32               # the recall examples the gradient flow is measured on


def eval_distances(max_distance: int) -> list[int]:
    from engine.text.corpora import recall_min_distance
    lo = recall_min_distance(NUM_PAIRS)
    grid = np.unique(np.round(np.geomspace(lo, 2 * max_distance, 9)).astype(int))
    return sorted(set(int(d) for d in grid) | {max_distance})


def recall_batch(vocab, n: int, distance: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` recall examples whose answer lies ``distance`` steps back: X (n, distance+2), y (n,)."""
    from engine.text.corpora import recall_task
    inputs, targets = recall_task(n, distance, seed, NUM_PAIRS)
    return torch.tensor([vocab[list(x)] for x in inputs]), torch.tensor(vocab[targets])


def example(distance: int, seed: int = 0) -> tuple[str, str]:
    """One recall example as text: (what the model reads, the answer)."""
    from engine.text.corpora import recall_task
    inputs, targets = recall_task(1, distance, seed, NUM_PAIRS)
    return inputs[0], targets[0]


def recall_net(cell: str, vocab_size: int, num_hiddens: int, generator: torch.Generator) -> RNNModel:
    """Embedding → one recurrent layer → linear, torch's initialisation drawn from ``generator``.
    The LSTM's forget-gate bias starts at 1 (Gers et al., 2000; Jozefowicz et al., 2015), so that
    at first it keeps about σ(1) ≈ 73 % of its cell per step instead of half."""
    net = RNNModel(vocab_size, num_hiddens, cell, embedding=True)
    k = 1.0 / math.sqrt(num_hiddens)
    with torch.no_grad():
        for p in net.parameters():
            p.uniform_(-k, k, generator=generator)
        net.embedding.weight.normal_(0.0, 1.0, generator=generator)     # nn.Embedding's own N(0, 1)
        if cell == "lstm":
            net.rnn.bias_ih_l0[num_hiddens:2 * num_hiddens].fill_(1.0)
            net.rnn.bias_hh_l0[num_hiddens:2 * num_hiddens].zero_()
    return net


def last_logits(net, X: torch.Tensor) -> torch.Tensor:
    Y, _ = net(X, net.begin_state(X.shape[0], X.device))
    return Y.reshape(X.shape[1], X.shape[0], -1)[-1]


@dataclass(frozen=True)
class LongRangeResult:
    settings: LongRangeSettings
    seed: int
    accuracy: pd.DataFrame       # model, distance, accuracy
    grad_flow: pd.DataFrame      # model, stage ('init'/'trained'), steps_back, grad_norm, relative (to steps_back 0)
    losses: pd.DataFrame         # model, update, loss
    probe_distance: int
    stop_reason: str | None


def run_long_range(settings: LongRangeSettings, seed: int = 0, device: torch.device | str = "cpu",
                   on_step: Callable[[dict], None] | None = None, budget: Budget | None = None,
                   models: tuple[str, ...] = MODELS) -> LongRangeResult:
    """Gradient flow of RNN, GRU and LSTM on one recall input at ``recall_distance``; if ``recall_train``, each
    is trained with Adam on distances drawn log-uniformly up to ``recall_distance`` and scored on fresh
    examples at every distance of ``eval_distances`` (chance = 10 %)."""
    with intra_op_threads(1):       # small matrices: on a shared 2-core server a second thread mostly waits
        return _run_long_range(settings, seed, device, on_step, budget, models)


def _run_long_range(settings, seed, device, on_step, budget, models):
    from engine.text.corpora import recall_min_distance, recall_vocab
    s, device = settings, torch.device(device)
    budget = (budget or Budget()).capped(LONG_RANGE_MAX_WORK)
    vocab = recall_vocab()
    gen = torch.Generator().manual_seed(seed)
    lo = recall_min_distance(NUM_PAIRS)
    X_probe, y_probe = recall_batch(vocab, PROBE_EXAMPLES, s.recall_distance, seed=10_000 + seed)
    X_probe, y_probe = X_probe.to(device), y_probe.to(device)
    acc_rows, flow_rows, loss_rows = [], [], []
    total = (s.recall_updates * len(models)) if s.recall_train else 1
    done = 0

    def flow(name, stage, net):
        norms = input_grad_norms(net, X_probe, y_probe)
        # relative to the gradient at the last step: a trained model's loss (and so every gradient) is
        # small; what matters is how the signal compares across earlier steps
        flow_rows.extend((name, stage, len(norms) - 1 - t, float(v), float(v / norms[-1]) if norms[-1] > 0 else float("nan"))
                         for t, v in enumerate(norms))

    shared_cap = False
    for i, name in enumerate(models):
        net = recall_net(name, len(vocab), s.recall_hiddens, gen).to(device)
        flow(name, "init", net)
        if not s.recall_train or budget.reason is not None:
            continue
        # an equal share of what is left for each model still to train: a capped comparison still
        # compares (the RNN alone must not spend the whole budget and leave GRU and LSTM untrained)
        limit = budget.used_units + (budget.max_units - budget.used_units) / (len(models) - i)
        updater = make_updater(net.parameters(), "adam", s.recall_lr)
        fpt = flops_per_token(name, s.recall_hiddens, 1, len(vocab), True)
        for update in range(1, s.recall_updates + 1):
            u = float(torch.rand(1, generator=gen))
            distance = int(round(math.exp(math.log(lo) + u * (math.log(s.recall_distance) - math.log(lo)))))
            X, y = recall_batch(vocab, s.recall_batch, distance, seed=int(torch.randint(2**31 - 1, (1,), generator=gen)))
            cost = X.numel() * 3 * fpt + X.shape[1] * LONG_RANGE_STEP_OVERHEAD
            if budget.used_units + cost > limit:
                shared_cap = True
                break
            if not budget.spend(cost):
                break
            l = F.cross_entropy(last_logits(net, X.to(device)), y.to(device))
            updater.zero_grad()
            l.backward()
            grad_clipping(net, 1.0)
            updater.step()
            loss_rows.append((name, update, float(l.detach())))
            done += 1
            if on_step is not None and update % 10 == 0:
                on_step({"done": done, "total": total, "losses": loss_rows})
        net.eval()
        with torch.no_grad():
            for d in eval_distances(s.recall_distance):
                X, y = recall_batch(vocab, EVAL_EXAMPLES, d, seed=20_000 + seed)
                acc = float((last_logits(net, X.to(device)).argmax(dim=1).cpu() == y).float().mean())
                acc_rows.append((name, d, acc))
        flow(name, "trained", net)
    return LongRangeResult(
        settings=s, seed=seed,
        accuracy=pd.DataFrame(acc_rows, columns=["model", "distance", "accuracy"]),
        grad_flow=pd.DataFrame(flow_rows, columns=["model", "stage", "steps_back", "grad_norm", "relative"]),
        losses=pd.DataFrame(loss_rows, columns=["model", "update", "loss"]),
        probe_distance=s.recall_distance, stop_reason=budget.reason or ("units" if shared_cap else None))
