"""The language-model lesson's settings, its result, and how a model is built from them (d2l §9.5–10.3).

``Settings`` holds what changes the training (and so keys the shared cache); ``Sampling`` holds
what only changes the text generated afterwards (temperature, length), so moving it retrains nothing.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd
import torch
from torch import nn

from engine import settings as S
from engine.language_model.concise import RNNModel
from engine.language_model.scratch import GATES, RNNModelScratch
from engine.numerics import Divergence
from engine.text import tokenize
from engine.text.vocab import join_words_zh

# The work budget, in FLOPs of training (forward + backward ≈ 3 × the forward products) plus a fixed
# charge per time step and layer for the per-step overhead (small models are overhead-bound: the
# scratch model runs ≈ 20 small ops per step in Python). Measured on the 2-core server under load
# (load average 14): ≈ 7e9 units/s whatever the settings, so a capped run stops after ≈ 30 s there,
# ≈ 10 s on an idle machine; the default run costs a quarter of it.
MAX_WORK = 2.0e11
STEP_OVERHEAD = {"scratch": 1.2e7, "concise": 1.0e6}    # FLOP-equivalent per time step and layer
MAX_SLICES = 6                   # Continue: at most this many slices of MAX_WORK per link
MAX_CORPUS_TOKENS = 200_000      # The Time Machine has ≈170 k characters
HELDOUT_FRACTION = 0.1           # held out: the text after the first max_tokens, or the last 10 % of a shorter corpus
MAX_HELDOUT_TOKENS = 5_000
SAMPLE_TOKENS = {"char": 60, "word": 15}
MAX_TEXT_TOKENS = 120          # typed text: longer is cut, with a notice
MAX_TEXT_CHARS = 400
MIN_TEXT_TOKENS = 2


@dataclass(frozen=True)
class Settings:
    model: str = S.choice("lstm", ("rnn", "gru", "lstm"), doc="the recurrent cell (d2l §9.4, §10.2, §10.1)")
    impl: str = S.choice("concise", ("scratch", "concise"), doc="the book's equations or nn.RNN/nn.GRU/nn.LSTM")
    token: str = S.choice("char", ("char", "word"), doc="tokens: characters or words (d2l §9.2)")
    num_layers: int = S.num(1, 1, 3, doc="stacked recurrent layers (d2l §10.3)")
    num_hiddens: int = S.num(64, 8, 256, step=8, doc="hidden units per layer (book: 256)")
    dropout: float = S.num(0.0, 0.0, 0.5, step=0.05, doc="dropout between recurrent layers")
    embedding: bool = S.flag(False, doc="an embedding instead of the book's one-hot input")
    tie_weights: bool = S.flag(False, doc="share the embedding with the output layer (turns the embedding on)")
    partition: str = S.choice("sequential", ("sequential", "random"), doc="d2l §9.3.3: how minibatches are cut")
    optimizer: str = S.choice("sgd", ("sgd", "adam"), doc="the updater: the book's minibatch SGD, or Adam (d2l §12.10)")
    theta: float = S.num(1.0, 0.1, 100.0, log=True, doc="gradient clipping threshold θ (book: 1)")
    lr: float = S.num(2.0, 0.001, 10.0, log=True, doc="learning rate (book: SGD with 1; Adam ≈ 0.01)")
    num_epochs: int = S.num(10, 1, 500, doc="passes over the training text (book: 500)")
    batch_size: int = S.num(16, 1, 64, doc="subsequences per minibatch (book: 32)")
    num_steps: int = S.num(20, 5, 100, step=5, doc="time steps per subsequence (book: 35)")
    max_tokens: int = S.num(MAX_CORPUS_TOKENS, 1_000, MAX_CORPUS_TOKENS, step=1_000,
                            doc="train on the first max_tokens tokens, as the book's load_corpus_time_machine (book: 10,000)")
    slices: int = S.num(1, 1, MAX_SLICES, doc="slices of the work budget trained so far (Continue adds one)")
    # the text (not a widget: chosen by the shared corpus picker); None = the generated English text
    text_corpus: object = field(default=None, metadata={"doc": "an engine.text.Corpus"})

    def __post_init__(self):
        S.check(self)

    @property
    def uses_embedding(self) -> bool:
        return self.embedding or self.tie_weights


@dataclass(frozen=True)
class Sampling:
    """How text is generated from the trained model (d2l §9.5.5)."""
    temperature: float = S.num(0.8, 0.0, 2.0, step=0.1, doc="of the sampled text: 0 = most likely token (the book); higher = more random")
    top_k: int = S.num(10, 0, 50, doc="the sampled text draws among the k most likely tokens (0 = all)")
    num_preds: int = S.num(100, 10, 500, step=10, doc="tokens to generate after the prefix")

    def __post_init__(self):
        S.check(self)


# The book's run (d2l-zh 8.6 concise RNN, 9.1 GRU, 9.2 LSTM = d2l-en 0.17's, same numbers; PyTorch edition): load_data_time_machine(32, 35)
# keeps the first 10,000 character tokens of The Time Machine (max_tokens=10000), 256 hidden units, SGD lr 1,
# clipping θ = 1, sequential partitioning, 500 epochs. (d2l-zh 8.5's RNN from scratch has 512 hidden units.)
BOOK_RUN = dict(impl="concise", token="char", num_layers=1, num_hiddens=256, dropout=0.0, embedding=False,
                tie_weights=False, partition="sequential", optimizer="sgd", theta=1.0, lr=1.0, num_epochs=500,
                batch_size=32, num_steps=35, max_tokens=10_000)
BOOK_SECTION = {"rnn": "book_run_rnn", "gru": "book_run_gru", "lstm": "book_run_lstm"}   # keys of engine.sections
BOOK_PERPLEXITY = {"rnn": 1.3, "gru": 1.0, "lstm": 1.0}    # the training perplexity the book prints after 500 epochs
BOOK_CPU_SECONDS = {"rnn": 30, "gru": 100, "lstm": 50}    # the book's loop, all 500 epochs, one idle core of the dev machine (≈)


# Fast to the book's quality: the book's model, data, minibatches and clipping, with Adam at lr 0.01 instead of
# SGD at lr 1. Searched at one thread (batch 16–64, lr 0.003–0.02, θ 1–5, 25–50 steps, 128–256 hidden units;
# see benchmarks/book_quality.py): the LSTM's training perplexity reaches ≤ 1.1 after ≈ 49 epochs (seeds 0–2:
# 49, 51, 55), which the book's own loop with SGD needs 354 for. 60 epochs leave room for other seeds.
FAST_TARGET = 1.1                 # "the book's quality": training perplexity ≤ 1.1 (the book prints ≈ 1.0)
FAST_RUN = {**BOOK_RUN, "optimizer": "adam", "lr": 0.01, "num_epochs": 60}
BOOK_EPOCHS_TO_TARGET = {"lstm": 354}   # the book's loop (SGD lr 1), seed 0: first epoch with training perplexity ≤ 1.1
                                       # (benchmarks/book_quality.py: 41 s of CPU there, 5.9 s for the preset's 49 epochs)
ADAM_HYPER = dict(beta1=0.9, beta2=0.999, eps=1e-6)    # the book's (d2l §12.10); torch's ε is 1e-8


def fast_run(model: str = "lstm") -> Settings:
    """The fast preset's settings for ``model``: the book's run with Adam (lr 0.01) and 60 epochs."""
    return Settings(model=model, **FAST_RUN)


def is_fast_run(s: Settings) -> bool:
    return all(getattr(s, k) == v for k, v in FAST_RUN.items())


def first_epoch_at(epochs: pd.DataFrame, target: float = FAST_TARGET) -> float | None:
    """The first (whole or partial) epoch whose training perplexity is ≤ ``target``, or None."""
    hit = epochs[epochs["train_ppl"] <= target]
    return float(hit["epoch"].iloc[0]) if len(hit) else None


def book_run(model: str = "lstm") -> Settings:
    """The book's settings for ``model`` (the corpus, The Time Machine, is chosen by the page)."""
    return Settings(model=model, **BOOK_RUN)


def is_book_run(s: Settings) -> bool:
    """Whether ``s`` has the book's settings (whatever the model and the corpus)."""
    return all(getattr(s, k) == v for k, v in BOOK_RUN.items())


def split_ids(ids, max_tokens: int):
    """(training ids, held-out ids): the first ``max_tokens`` tokens train, as the book's
    ``load_corpus_time_machine(max_tokens)``; the text right after them is held out (10 % as many tokens,
    at most ``MAX_HELDOUT_TOKENS``). A corpus with no more than ``max_tokens`` tokens holds out its own end."""
    if len(ids) > max_tokens:
        n_held = min(MAX_HELDOUT_TOKENS, max(1, int(max_tokens * HELDOUT_FRACTION)))
        return ids[:max_tokens], ids[max_tokens: max_tokens + n_held]
    n_held = min(MAX_HELDOUT_TOKENS, int(len(ids) * HELDOUT_FRACTION))
    return ids[: len(ids) - n_held], ids[len(ids) - n_held:]


def default_corpus():
    """The generated English text: small, offline, and learnable in seconds."""
    from engine.text.corpora import generate
    return generate("english", seed=0)


def make_net(s: Settings, vocab_size: int, generator: torch.Generator) -> nn.Module:
    """The model the settings describe, initialised from ``generator`` only (no global RNG)."""
    kw = dict(num_layers=s.num_layers, dropout=s.dropout, embedding=s.uses_embedding, tie_weights=s.tie_weights)
    if s.impl == "scratch":
        return RNNModelScratch(vocab_size, s.num_hiddens, s.model, generator=generator, **kw)
    net = RNNModel(vocab_size, s.num_hiddens, s.model, **kw)
    with torch.no_grad():      # torch's default initialisation, drawn from our generator
        k = 1.0 / math.sqrt(s.num_hiddens)
        for p in net.parameters():
            p.uniform_(-k, k, generator=generator)           # nn.RNN/GRU/LSTM and nn.Linear: U(−1/√h, 1/√h)
        if net.embedding is not None and not s.tie_weights:
            net.embedding.weight.normal_(0.0, 1.0, generator=generator)   # nn.Embedding: N(0, 1)
    return net


def num_params(net: nn.Module) -> int:
    """Trainable numbers in the model (a tied matrix counts once)."""
    return sum(p.numel() for p in net.parameters() if p.requires_grad)


def flops_per_token(model: str, num_hiddens: int, num_layers: int, vocab_size: int, embedding: bool) -> float:
    """Forward FLOPs (2 × multiply-adds) of the recurrent and output matrix products, per token."""
    gates = len(GATES[model])
    total = 0.0
    for l in range(num_layers):
        num_inputs = num_hiddens if (l > 0 or embedding) else vocab_size
        total += 2 * gates * num_hiddens * (num_inputs + num_hiddens)
    return total + 2 * num_hiddens * vocab_size


def work_per_batch(s: Settings, vocab_size: int, batch_size: int, num_steps: int) -> float:
    """Budget units one training minibatch costs (deterministic: the same run stops at the same step)."""
    fwd = flops_per_token(s.model, s.num_hiddens, s.num_layers, vocab_size, s.uses_embedding)
    return batch_size * num_steps * (3 * fwd + STEP_OVERHEAD[s.impl] * s.num_layers / batch_size)


@dataclass(frozen=True, eq=False)
class Checkpoint:
    """Where a run stopped at the end of a slice, to train the next slice from (``train.run(resume=)``)."""
    data: dict                   # position in the epoch, carried hidden state, records so far, …
    epoch_gen_state: torch.Tensor  # the run's generator at the start of the epoch in progress
    rng_state: torch.Tensor      # torch's global generator (dropout)
    updater_state: object = None   # Adam's t and moving averages (SGD: None)


@dataclass(frozen=True)
class Result:
    settings: Settings
    seed: int
    epochs: pd.DataFrame        # epoch, train_ppl, heldout_ppl, tokens_per_s, seconds
    batches: pd.DataFrame       # step, epoch (fraction), loss
    samples: pd.DataFrame       # epoch, text (greedy continuation of the held-out prefix)
    net: nn.Module              # the trained model (eval mode), to generate from and look inside
    vocab: object               # engine.text.Vocab
    corpus_name: str
    lang: str
    num_train_tokens: int
    num_heldout_tokens: int
    batch_size: int             # what was used (shrunk for a tiny corpus)
    num_steps: int
    sample_prefix: tuple        # the start of the held-out text, continued by the samples
    heldout_start: tuple        # its first tokens, a default text to look inside the model with
    flops_per_token: float      # forward, recurrent + output products
    divergence: Divergence | None
    stop_reason: str | None
    notes: tuple = ()           # keys of notices for the page ("batch_shrunk", "no_dropout_effect", …)
    checkpoint: Checkpoint | None = None   # set when another slice can continue this run
    work_per_batch: float = 0.0  # budget units one minibatch costs
    batches_per_epoch: int = 0

    @property
    def can_continue(self) -> bool:
        """Whether Continue may train one more slice: the budget, not the epochs, ended this one."""
        return self.checkpoint is not None and self.settings.slices < MAX_SLICES

    @property
    def epochs_done(self) -> float:
        return float(self.epochs["epoch"].iloc[-1])

    @property
    def final_train_ppl(self) -> float:
        e = self.epochs.dropna(subset=["train_ppl"])
        return float(e["train_ppl"].iloc[-1]) if len(e) else float("nan")

    @property
    def final_heldout_ppl(self) -> float:
        e = self.epochs.dropna(subset=["heldout_ppl"])
        return float(e["heldout_ppl"].iloc[-1]) if len(e) else float("nan")

    @property
    def tokens_per_s(self) -> float:
        e = self.epochs[self.epochs["epoch"] > 0]
        return float(e["tokens"].sum() / e["seconds"].sum()) if len(e) and e["seconds"].sum() > 0 else float("nan")

    @property
    def vocab_size(self) -> int:
        return len(self.vocab)


def join_tokens(tokens, token: str, lang: str) -> str:
    """Tokens back to text: characters are concatenated, English words joined by spaces, Chinese
    words without (but with a space between two Latin words of a mixed text)."""
    if token == "word":
        return " ".join(tokens) if lang != "zh" else join_words_zh(tokens)
    return "".join(tokens)


# ---- typed text ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Prepared:
    tokens: tuple           # what the model reads (unknown tokens kept as typed; they map to <unk>)
    ids: tuple
    unknown: tuple          # distinct tokens missing from the vocabulary
    truncated: bool         # longer than MAX_TEXT_TOKENS: cut
    too_short: bool         # fewer than MIN_TEXT_TOKENS: nothing to show


def prepare_text(text: str, vocab, token: str = "char", lang: str = "en",
                 max_tokens: int = MAX_TEXT_TOKENS) -> Prepared:
    """Typed text → tokens and indices, never an exception: line breaks become spaces, unknown
    tokens map to ``<unk>`` (and are listed), text beyond ``max_tokens`` is cut."""
    text = str(text or "")[:MAX_TEXT_CHARS * 2]
    line = " ".join(text.split()) if token == "word" else text.replace("\r", "").replace("\n", " ")
    tokens = tokenize([line], token, lang)[0]
    truncated = len(tokens) > max_tokens
    tokens = tokens[:max_tokens]
    ids = tuple(vocab[t] for t in tokens)
    unknown = tuple(dict.fromkeys(t for t, i in zip(tokens, ids) if i == vocab.unk))
    return Prepared(tuple(tokens), ids, unknown, truncated, len(tokens) < MIN_TEXT_TOKENS)


@dataclass(frozen=True)
class Generated:
    text: str                  # prefix + continuation, as plain text
    prefix: Prepared
    used_default: bool         # the typed prefix was empty (or had no token): the held-out start was used
    continuation: tuple = ()   # the tokens the model wrote


def generate(result: Result, prefix_text: str, sampling: Sampling, seed: int = 0) -> Generated:
    """Continue ``prefix_text`` with the trained model (``predict_ch8``: warm-up, then
    ``num_preds`` tokens at the chosen temperature, drawn from a generator seeded with ``seed``)."""
    from engine.language_model.train import predict_ch8
    from engine.device import intra_op_threads

    s = result.settings
    p = prepare_text(prefix_text, result.vocab, s.token, result.lang)
    used_default = len(p.tokens) == 0
    if used_default:
        p = Prepared(result.sample_prefix, tuple(result.vocab[list(result.sample_prefix)]), (), False, False)
    device = next(result.net.parameters()).device
    with intra_op_threads(1):
        tokens = predict_ch8(list(p.tokens), sampling.num_preds, result.net, result.vocab, device,
                             sampling.temperature, torch.Generator().manual_seed(seed), sampling.top_k)
    # the prefix as typed (unknown tokens included), then what the model wrote
    cont = tokens[len(p.tokens):]
    return Generated(join_tokens(list(p.tokens) + cont, s.token, result.lang), p, used_default, tuple(cont))
