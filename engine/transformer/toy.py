"""A tiny decoder-only Transformer trained live on toy tasks that make attention readable
(d2l §11.7, §11.9.3): copy, reverse or sort a short string over a small alphabet.

An example is one sequence ``x₁…x_k > y₁…y_k`` (right-padded): the model reads the input,
then the separator ``>``, and predicts the output one token at a time. The loss counts only
the output tokens. After training, each output row of an attention map shows where the model
looked: the diagonal (copy), the anti-diagonal (reverse), the next-larger symbol (sort).
"""
from __future__ import annotations

import math
import string
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
import torch
from torch import nn

from engine import settings as S
from engine.budget import Budget
from engine.device import intra_op_threads
from engine.numerics import Divergence
from engine.transformer.blocks import DecoderOnlyTransformer, num_params
from engine.transformer.strings import STRINGS   # the page's title and summary

PAD, SEP = "·", ">"
# The work budget, in token·parameters (≈ 6 floating-point operations each, forward and backward),
# plus a fixed charge per step for what does not grow with the model (Python, Adam, small kernels).
# Calibrated so that the heaviest settings stop after ≈10 s on 2 CPU cores.
MAX_UNITS = 6e10
STEP_UNITS = 2e7
VALID_SIZE = 256      # fresh sequences for the exact-match accuracy
TRAIN_EVAL = 128      # training sequences re-decoded each epoch (accuracy on seen data)


@dataclass(frozen=True)
class Settings:
    task: str = S.choice("reverse", ("copy", "reverse", "sort"), doc="what the output is, given the input")
    seq_len: int = S.num(5, 2, 10, doc="input length k (every example has this length)")
    alphabet_size: int = S.num(5, 2, 10, doc="symbols a, b, c, … the strings are made of")
    num_hiddens: int = S.choice(32, (16, 32, 64), doc="model width d")
    num_heads: int = S.choice(2, (1, 2, 4), doc="attention heads per layer (each of width d/h)")
    num_layers: int = S.num(2, 1, 3, doc="decoder blocks stacked")
    pos_encoding: bool = S.flag(True, doc="add the sinusoidal positional encoding (off: the model cannot tell positions apart)")
    lr: float = S.num(0.005, 0.0001, 0.03, log=True, doc="Adam learning rate (cosine decay to 0)")
    batch_size: int = S.num(32, 16, 256, step=16, doc="sequences per minibatch")
    num_examples: int = S.num(1600, 200, 5000, step=100, doc="training sequences, generated once from the seed")
    num_epochs: int = S.num(10, 1, 100, doc="passes over the training sequences")

    def __post_init__(self):
        S.check(self)

    @property
    def alphabet(self) -> str:
        return string.ascii_lowercase[: self.alphabet_size]

    @property
    def steps_per_epoch(self) -> int:
        return math.ceil(self.num_examples / self.batch_size)


class ToyVocab:
    """Token ↔ index: the pad, the separator, then the alphabet."""

    def __init__(self, alphabet: str):
        self.idx_to_token = [PAD, SEP, *alphabet]
        self.token_to_idx = {t: i for i, t in enumerate(self.idx_to_token)}

    def __len__(self):
        return len(self.idx_to_token)


def target_of(task: str, x: str) -> str:
    """The right answer: the input itself, reversed, or sorted."""
    return {"copy": x, "reverse": x[::-1], "sort": "".join(sorted(x))}[task]


def make_examples(task: str, alphabet_size: int, seq_len: int, num_examples: int,
                  generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Random inputs (B, k) of symbol indices and their targets, as vocab indices."""
    x = torch.randint(0, alphabet_size, (num_examples, seq_len), generator=generator) + 2
    if task == "copy":
        y = x.clone()
    elif task == "reverse":
        y = x.flip(1)
    else:
        y = x.sort(dim=1).values
    return x, y


def sequences(x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(X, Y, loss_mask) for next-token training: X = x > y[:-1], Y = X shifted by one;
    the loss mask keeps the k positions whose next token is an output token."""
    sep = torch.ones(len(x), 1, dtype=x.dtype)
    full = torch.cat([x, sep, y], dim=1)
    k = x.shape[1]
    mask = torch.zeros(full.shape[1] - 1, dtype=torch.bool)
    mask[k:] = True
    return full[:, :-1], full[:, 1:], mask


@torch.no_grad()
def greedy_decode(net: nn.Module, x: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """Feed x and the separator, then append the most likely token k times.
    Returns (predictions (B, k), attention weights per layer over the whole sequence)."""
    k = x.shape[1]
    seq = torch.cat([x, torch.ones(len(x), 1, dtype=x.dtype, device=x.device)], dim=1)
    for _ in range(k):
        logits, weights = net(seq)
        seq = torch.cat([seq, logits[:, -1].argmax(-1, keepdim=True)], dim=1)
    return seq[:, k + 1:], weights


def build_net(s: Settings, vocab_size: int) -> DecoderOnlyTransformer:
    return DecoderOnlyTransformer(vocab_size, s.num_hiddens, s.num_heads, s.num_layers,
                                  max_len=2 * s.seq_len + 1, pos_encoding=s.pos_encoding)


@dataclass(frozen=True)
class Result:
    settings: Settings
    seed: int
    net: nn.Module                    # the trained model (eval mode; never train it further)
    vocab: ToyVocab
    epochs: pd.DataFrame              # epoch, step, loss, train_acc, valid_acc (exact match)
    example: str                      # an input drawn from the seed, to show first
    num_params: int
    divergence: Divergence | None
    stop_reason: str | None

    @property
    def final_accuracy(self) -> float:
        return float(self.epochs["valid_acc"].iloc[-1])


EPOCH_COLUMNS = ["epoch", "step", "loss", "train_acc", "valid_acc"]


def epochs_frame(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=EPOCH_COLUMNS)


def epoch_loop(trainer, *, num_examples: int, batch_size: int, num_epochs: int, total: int, gen, device,
               budget: Budget, on_step, units, step, evaluate) -> tuple[list, Divergence | None]:
    """The epochs of the toy tasks and of the encoder–decoder: shuffled minibatches (``gen``), each
    charged ``units(batch)`` to the budget before ``step(batch)`` trains on it and returns its loss; the
    learning rate decays to 0 on a cosine over ``total`` steps (big steps first, then settle: no end-of-run
    wobble); a non-finite loss is a recorded divergence with its step. One row per (possibly cut) epoch:
    (epoch, step, mean loss, *evaluate()), after a first row before any training. Stops at divergence
    or when the budget says so; ``on_step`` hears every step and every epoch's end."""
    scheduler = torch.optim.lr_scheduler.LambdaLR(trainer, lambda t: 0.5 * (1 + math.cos(math.pi * t / total)))
    rows = [(0, 0, float("nan"), *evaluate())]
    steps, divergence = 0, None
    for epoch in range(1, num_epochs + 1):
        order = torch.randperm(num_examples, generator=gen).to(device)
        l_sum, n = 0.0, 0
        for i in range(0, num_examples, batch_size):
            batch = order[i: i + batch_size]
            if not budget.spend(units(batch)):
                break
            l = step(batch)
            steps += 1
            if not math.isfinite(l):        # (``step`` did not update: no schedule step either)
                last = next((r[2] for r in reversed(rows) if math.isfinite(r[2])), None)
                divergence = Divergence(step=steps, epoch=epoch, value=l, last_finite=last)
                break
            scheduler.step()
            l_sum, n = l_sum + l * len(batch), n + len(batch)
            if on_step is not None:
                on_step({"done": steps, "total": total, "epochs": rows})
        if n:
            rows.append((epoch if n == num_examples else epoch - 1 + n / num_examples, steps, l_sum / n, *evaluate()))
        if on_step is not None:
            on_step({"done": steps, "total": total, "epochs": rows})
        if divergence is not None or budget.reason is not None:
            break
    return rows, divergence


def train_step(net, X, Y, loss_mask, loss, trainer) -> float:
    """One minibatch: next-token cross-entropy on the output positions only."""
    Y_hat, _ = net(X, need_weights=False)      # torch's fused attention: the weights are drawn only for an input
    l = loss(Y_hat[:, loss_mask].reshape(-1, Y_hat.shape[-1]), Y[:, loss_mask].reshape(-1))
    trainer.zero_grad()
    l.backward()
    trainer.step()
    return l.item()


def exact_match(net, x, y) -> float:
    """The share of sequences whose every output token is right (greedy decoding)."""
    net.eval()
    y_hat, _ = greedy_decode(net, x)
    net.train()
    return (y_hat.cpu() == y.cpu()).all(dim=1).float().mean().item()


def run(settings: Settings, seed: int = 0, device: torch.device | str = "cpu",
        on_step: Callable[[dict], None] | None = None, budget: Budget | None = None) -> Result:
    """Generate the task's data from the seed, train with Adam, and record per epoch the mean
    training loss and the exact-match accuracy on training and on fresh sequences."""
    # one intra-op thread: a model this small gains nothing from a second one, and on a busy
    # 2-core server every parallel op waits for the other core (see engine.mlp.net)
    with intra_op_threads(1):
        return _train(settings, seed, device, on_step, budget)


def _train(settings: Settings, seed: int, device, on_step, budget) -> Result:
    s, device = settings, torch.device(device)
    budget = (budget or Budget()).capped(MAX_UNITS)
    vocab = ToyVocab(s.alphabet)
    gen = torch.Generator().manual_seed(seed)
    x, y = make_examples(s.task, s.alphabet_size, s.seq_len, s.num_examples, gen)
    x_valid, y_valid = make_examples(s.task, s.alphabet_size, s.seq_len, VALID_SIZE, gen)
    example = "".join(vocab.idx_to_token[int(i)] for i in x_valid[0])
    X, Y, loss_mask = (t.to(device) for t in sequences(x, y))
    x_train_eval, y_train_eval = x[:TRAIN_EVAL].to(device), y[:TRAIN_EVAL]
    x_valid = x_valid.to(device)
    with torch.random.fork_rng(devices=[]):      # seeded initial weights, the global RNG untouched
        torch.manual_seed(seed)
        net = build_net(s, len(vocab)).to(device)
    n_params = num_params(net)
    # greedy decoding re-reads the sequence k times (no cache): charge it too, so it reproduces
    eval_units = (TRAIN_EVAL + VALID_SIZE) * s.seq_len * (1.5 * s.seq_len) * n_params / 3 + s.seq_len * STEP_UNITS

    def evaluate() -> tuple[float, float]:
        budget.spend(eval_units)
        return exact_match(net, x_train_eval, y_train_eval), exact_match(net, x_valid, y_valid)

    loss, trainer = nn.CrossEntropyLoss(), torch.optim.Adam(net.parameters(), lr=s.lr)
    net.train()
    rows, divergence = epoch_loop(
        trainer, num_examples=s.num_examples, batch_size=s.batch_size, num_epochs=s.num_epochs,
        total=s.num_epochs * s.steps_per_epoch, gen=gen, device=device, budget=budget, on_step=on_step,
        units=lambda batch: len(batch) * X.shape[1] * n_params + STEP_UNITS,
        step=lambda batch: train_step(net, X[batch], Y[batch], loss_mask, loss, trainer), evaluate=evaluate)
    net.eval()
    return Result(settings=s, seed=seed, net=net, vocab=vocab, epochs=epochs_frame(rows),
                  example=example, num_params=n_params, divergence=divergence, stop_reason=budget.reason)


# ---- a string the student types --------------------------------------------------------

@dataclass(frozen=True)
class InputCheck:
    """What was wrong with a typed input (``problem`` is None when it can be used)."""
    text: str                         # the input, lower-cased and stripped of spaces
    problem: str | None               # None, 'empty', 'length' or 'chars'
    bad_chars: str = ""               # characters outside the alphabet, each once


def check_input(text: str, settings: Settings) -> InputCheck:
    """The toy model knows only its alphabet and was trained on length k only: anything else
    gets a clear message, never an exception."""
    cleaned = "".join(str(text or "").split()).lower()[:200]
    if not cleaned:
        return InputCheck(cleaned, "empty")
    bad = "".join(dict.fromkeys(ch for ch in cleaned if ch not in settings.alphabet))
    if bad:
        return InputCheck(cleaned, "chars", bad)
    if len(cleaned) != settings.seq_len:
        return InputCheck(cleaned, "length")
    return InputCheck(cleaned, None)


@dataclass(frozen=True)
class AttentionView:
    """The model's answer for one input, and every head's attention while producing it."""
    text: str
    prediction: str
    target: str
    tokens: list[str]                 # the keys: x₁…x_k > ŷ₁…ŷ_{k−1}
    query_labels: list[str]           # one per output row: "read → predicted"
    weights: np.ndarray             # (layers, heads, k output rows, 2k keys)

    @property
    def correct(self) -> bool:
        return self.prediction == self.target


def attention_for(result: Result, text: str) -> AttentionView:
    """Decode a *valid* input (see ``check_input``) and keep the attention of the rows that
    predict the output tokens."""
    s, vocab = result.settings, result.vocab
    device = next(result.net.parameters()).device
    x = torch.tensor([[vocab.token_to_idx[ch] for ch in text]], device=device)
    y_hat, weights = greedy_decode(result.net, x)
    prediction = "".join(vocab.idx_to_token[int(i)] for i in y_hat[0])
    tokens = [*text, SEP, *prediction[:-1]]
    k = len(text)
    W = torch.stack([w[0, :, k:, :] for w in weights]).cpu().numpy()
    return AttentionView(text=text, prediction=prediction, target=target_of(s.task, text), tokens=tokens,
                         query_labels=[f"{t} → {p}" for t, p in zip(tokens[k:], prediction)], weights=W)
