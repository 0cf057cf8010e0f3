"""The seq2seq lesson (d2l §11.4): train the same encoder–decoder with and without attention
on dates in words → ISO dates, live, under a work budget; then translate what the student types
and show where the decoder looked (the alignment: output tokens × input tokens).
"""
from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd
import torch

from engine import settings as S
from engine.attention import dates as D
from engine.attention.seq2seq import (BOS, EOS, PAD, EncoderDecoder, make_net, predict_seq2seq, strip_eos,
                                      train_step)
from engine.budget import Budget
from engine.device import intra_op_threads
from engine.attention.strings import SEQ2SEQ_STRINGS as STRINGS     # the lesson's text (LESSONS reads it)
from engine.text import UNK, Vocab

MAX_UNITS = 600            # work budget in step-units (``step_units``); 1 unit ≈ 11–15 ms on one core,
                           # so ≤ 8 s for both models; the defaults use ≈ 200 (3 s)
ATTENTION_COST = 2.5       # the attention decoder's Python loop costs ≈2.5× the plain decoder per step
NUM_STEPS_TGT = 11         # "yyyy-mm-dd" + <eos>
MAX_INPUT_CHARS = 80
MAX_INPUT_TOKENS = 12
MODELS = ("attention", "no_attention")
_PREDICT_LOCK = threading.Lock()


@dataclass(frozen=True)
class Settings:
    num_train: int = S.num(1000, 100, 5000, step=100, doc="training sentence pairs")
    num_test: int = S.num(300, 100, 1000, step=100, doc="held-out pairs for exact-match accuracy")
    embed_size: int = S.num(32, 8, 64, step=8, doc="size of the word / character embeddings")
    num_hiddens: int = S.num(64, 16, 128, step=16, doc="GRU hidden size (also the attention's hidden size)")
    num_layers: int = S.num(1, 1, 2, doc="stacked GRU layers in encoder and decoder")
    lr: float = S.num(0.01, 0.001, 0.1, log=True, doc="Adam learning rate")
    batch_size: int = S.num(32, 8, 256, step=8, doc="minibatch size")
    num_epochs: int = S.num(3, 1, 30, doc="passes over the training pairs")
    compare: bool = S.flag(True, doc="also train the same model without attention")

    def __post_init__(self):
        S.check(self)


def step_units(s: Settings, batch_size: int, attention: bool) -> float:
    """The work of one minibatch: a fixed cost per step (Python and small-matrix overhead)
    plus one growing with batch × hidden², per layer; fitted to timings with one intra-op thread."""
    per_layer = 1.0 + batch_size * (s.num_hiddens / 64) ** 2 / 60
    return s.num_layers * per_layer * (1.0 if attention else 1.0 / ATTENTION_COST)


def make_vocabs() -> tuple[Vocab, Vocab]:
    """Every word the generator can write, and the target characters; fixed, so a typed word
    the training set happened to lack is still known."""
    reserved = [PAD, BOS, EOS]
    return Vocab([D.WORDS], reserved_tokens=reserved), Vocab([list("0123456789-")], reserved_tokens=reserved)


def build_array(examples, src_vocab: Vocab, tgt_vocab: Vocab):
    """Token ids padded to the longest source; targets end with <eos> (d2l §10.5.3)."""
    src = [D.source_tokens(e.source) for e in examples]
    num_steps = max(map(len, src))
    X = torch.tensor([src_vocab[s] + [src_vocab[PAD]] * (num_steps - len(s)) for s in src])
    X_valid_len = torch.tensor([len(s) for s in src])
    Y = torch.tensor([tgt_vocab[list(e.target)] + [tgt_vocab[EOS]] for e in examples])
    return X, X_valid_len, Y


@dataclass(frozen=True)
class Result:
    settings: Settings
    seed: int
    history: pd.DataFrame            # long form: epoch, model, train_loss, test_accuracy
    nets: dict = field(repr=False)   # model name → trained EncoderDecoder (eval only)
    src_vocab: Vocab = field(repr=False)
    tgt_vocab: Vocab = field(repr=False)
    train: list = field(repr=False)
    test: list = field(repr=False)
    test_predictions: dict = field(repr=False)   # model name → list of predicted strings
    stop_reason: str | None = None
    steps: int = 0

    def accuracy(self, model: str) -> float:
        h = self.history[self.history["model"] == model]
        return float(h["test_accuracy"].iloc[-1]) if len(h) else float("nan")

    def loss(self, model: str) -> float:
        h = self.history[(self.history["model"] == model) & (self.history["epoch"] > 0)]
        return float(h["train_loss"].iloc[-1]) if len(h) else float("nan")


def evaluate(net: EncoderDecoder, X, X_valid_len, examples, tgt_vocab: Vocab) -> tuple[float, list[str]]:
    """Exact-match accuracy of greedy decoding: the whole date must be right."""
    ids, _ = predict_seq2seq(net, X, X_valid_len, tgt_vocab, NUM_STEPS_TGT)
    preds = ["".join(strip_eos(row, tgt_vocab)) for row in ids.tolist()]
    return sum(p == e.target for p, e in zip(preds, examples)) / len(examples), preds


def run(settings: Settings, seed: int = 0, device: torch.device | str = "cpu",
        on_step: Callable[[dict], None] | None = None, budget: Budget | None = None) -> Result:
    """Generate the task, then train both models epoch by epoch (interleaved, so the live
    chart compares them), recording the training loss and the test exact-match accuracy."""
    with intra_op_threads(1):        # small matrices: a second thread only waits (see intra_op_threads)
        return _run(settings, seed, device, on_step, budget)


def _run(settings, seed, device, on_step, budget) -> Result:
    s, device = settings, torch.device(device)
    budget = (budget or Budget()).capped(MAX_UNITS)
    train, test = D.make_dataset(s.num_train, s.num_test, seed)
    src_vocab, tgt_vocab = make_vocabs()
    X, X_valid_len, Y = (t.to(device) for t in build_array(train, src_vocab, tgt_vocab))
    X_test, X_test_valid_len, _ = (t.to(device) for t in build_array(test, src_vocab, tgt_vocab))
    models = MODELS if s.compare else MODELS[:1]
    nets, trainers, gens = {}, {}, {}
    for i, m in enumerate(models):
        g = torch.Generator().manual_seed(seed * 2 + i)
        nets[m] = make_net(m == "attention", len(src_vocab), len(tgt_vocab), s.embed_size,
                           s.num_hiddens, s.num_layers, g).to(device)
        trainers[m] = torch.optim.Adam(nets[m].parameters(), lr=s.lr)
        gens[m] = g
    rows, preds = [], {}
    for m in models:
        acc, preds[m] = evaluate(nets[m], X_test, X_test_valid_len, test, tgt_vocab)
        rows.append((0, m, float("nan"), acc))
    steps_per_epoch = math.ceil(s.num_train / s.batch_size)
    total, done = s.num_epochs * steps_per_epoch * len(models), 0
    for epoch in range(1, s.num_epochs + 1):
        for m in models:
            perm = torch.randperm(s.num_train, generator=gens[m]).to(device)
            losses = []
            for i in range(0, s.num_train, s.batch_size):
                idx = perm[i:i + s.batch_size]
                if not budget.spend(step_units(s, len(idx), m == "attention")):
                    break
                losses.append(train_step(nets[m], X[idx], X_valid_len[idx], Y[idx], tgt_vocab, trainers[m]))
                done += 1
                if on_step is not None and done % 8 == 0:
                    on_step({"done": done, "total": total, "history": rows})
            if losses:
                acc, preds[m] = evaluate(nets[m], X_test, X_test_valid_len, test, tgt_vocab)
                rows.append((epoch - 1 + len(losses) / steps_per_epoch, m, float(np.mean(losses)), acc))
        if on_step is not None:
            on_step({"done": done, "total": total, "history": rows})
        if budget.reason is not None:
            break
    for net in nets.values():
        net.eval()
    history = pd.DataFrame(rows, columns=["epoch", "model", "train_loss", "test_accuracy"])
    return Result(s, seed, history, nets, src_vocab, tgt_vocab, train, test, preds, budget.reason, done)


# ---- what the student types ---------------------------------------------------------------

@dataclass(frozen=True)
class ParsedInput:
    tokens: tuple[str, ...]          # the words the model reads (unknown ones as typed)
    ids: tuple[int, ...]             # their indices; unknown words → <unk>
    unknown: tuple[str, ...]         # words the vocabulary lacks
    bad_chars: tuple[str, ...]       # characters other than letters, spaces, hyphens, commas (dropped)
    truncated: bool                  # longer than MAX_INPUT_CHARS / MAX_INPUT_TOKENS: cut
    empty: bool


def parse_input(text: str, src_vocab: Vocab) -> ParsedInput:
    """Validate typed text: never raises. Other characters are dropped, words the vocabulary
    lacks become <unk>, and overlong input is cut; each is reported for the page to say so."""
    text = str(text)[: MAX_INPUT_CHARS * 4]
    bad = tuple(sorted({c for c in text if not re.fullmatch(r"[A-Za-z\s,\-]", c)}))
    clean = re.sub(r"[^A-Za-z\s,\-]", " ", text)
    truncated = len(clean) > MAX_INPUT_CHARS
    tokens = D.source_tokens(clean[:MAX_INPUT_CHARS])
    if len(tokens) > MAX_INPUT_TOKENS:
        tokens, truncated = tokens[:MAX_INPUT_TOKENS], True
    ids = tuple(src_vocab[t] for t in tokens)
    unknown = tuple(dict.fromkeys(t for t, i in zip(tokens, ids) if i == src_vocab.unk))
    return ParsedInput(tuple(tokens), ids, unknown, bad, truncated, not tokens)


@dataclass(frozen=True)
class Translation:
    input_tokens: tuple[str, ...]    # as the model saw them (<unk> for unknown words)
    output_tokens: tuple[str, ...]   # up to and including <eos> if it came
    output: str                      # the predicted date string
    alignment: np.ndarray | None     # (output tokens × input tokens), rows sum to 1; None without attention
    expected: str | None             # the right answer if the text is a date the generator could write


def translate(result: Result, model: str, parsed: ParsedInput) -> Translation:
    """Greedy decoding of one input with a trained model (d2l §11.4.3)."""
    net, src_vocab, tgt_vocab = result.nets[model], result.src_vocab, result.tgt_vocab
    device = next(net.parameters()).device
    X = torch.tensor([list(parsed.ids)], device=device)
    with _PREDICT_LOCK:         # the decoder keeps its last attention weights: one reader at a time
        ids, weights = predict_seq2seq(net, X, torch.tensor([len(parsed.ids)]), tgt_vocab, NUM_STEPS_TGT)
    out = strip_eos(ids[0].tolist(), tgt_vocab)
    n_out = min(len(out) + 1, NUM_STEPS_TGT)                        # keep the <eos> row
    out_tokens = tuple(tgt_vocab.to_tokens(ids[0, :n_out].tolist()))
    alignment = None if weights is None else weights[0, :n_out, :].cpu().numpy()
    date = D.words_to_date(" ".join(parsed.tokens))
    return Translation(tuple(src_vocab.to_tokens(list(parsed.ids))), out_tokens, "".join(out), alignment,
                       None if date is None else date.isoformat())

