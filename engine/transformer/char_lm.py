"""A character-level decoder-only Transformer language model on the student's corpus
(d2l §11.7 blocks, trained as the language models of §9.5; GPT's recipe, §11.9.3).

The causal mask lets one forward pass score every position of a subsequence at once, where
an RNN steps through time. ``Settings`` keys the shared cache (the corpus is part of it);
``Sampling`` only changes the text generated afterwards, so moving it retrains nothing.

Training comes in slices of ``MAX_UNITS`` (Continue, as on the recurrent language model's page): slice k
resumes from the checkpoint of slice k − 1 (weights, Adam's moments, the cosine schedule's position, the
data generator and the position in the epoch), so k resumed slices give exactly one run of k budgets.
"""
from __future__ import annotations

import copy
import dataclasses
import itertools
import math
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd
import torch
from torch import nn

from engine import settings as S
from engine.budget import Budget
from engine.device import intra_op_threads, mean_macs, sized_by
from engine.numerics import Divergence
from engine.transformer.blocks import DecoderOnlyTransformer, num_params
from engine.transformer.strings import CHAR_LM_STRINGS as STRINGS   # the page's title and summary

# The work budget in token·parameters (≈ 6 FLOPs each, forward and backward) plus a fixed charge
# per step for the overhead that does not grow with the model. Heaviest settings: ≈10 s, 2 CPU cores.
# One slice of training costs at most MAX_UNITS; Continue adds a slice, up to MAX_SLICES per link.
MAX_UNITS = 6e10
MAX_SLICES = 6
STEP_UNITS = 2e7
MAX_CORPUS_TOKENS = 200_000       # The Time Machine has ≈170 k characters
HELDOUT_FRACTION = 0.1            # the end of the text, never trained on
MAX_HELDOUT_TOKENS = 4_000
MAX_PROMPT = 200                  # characters of a typed prompt considered at all


@dataclass(frozen=True)
class Settings:
    num_steps: int = S.num(32, 8, 128, step=8, doc="context length: characters the model sees at once")
    num_hiddens: int = S.choice(64, (32, 64, 128), doc="model width d")
    num_heads: int = S.choice(2, (1, 2, 4), doc="attention heads per layer")
    num_layers: int = S.num(2, 1, 4, doc="decoder blocks stacked")
    lr: float = S.num(0.01, 0.0001, 0.03, log=True, doc="Adam learning rate (cosine decay to 0)")
    batch_size: int = S.num(32, 8, 256, step=8, doc="subsequences per minibatch")
    max_tokens: int = S.num(20_000, 2_000, MAX_CORPUS_TOKENS, step=1_000, doc="characters of the corpus used")
    num_epochs: int = S.num(8, 1, 50, doc="passes over the training text")
    slices: int = S.num(1, 1, MAX_SLICES, doc="slices of the work budget trained so far (Continue adds one)")
    # the text (not a widget: chosen by the shared corpus picker); None = the generated English text
    corpus: object = field(default=None, compare=True, metadata={"doc": "an engine.text.Corpus"})

    def __post_init__(self):
        S.check(self)


@dataclass(frozen=True)
class Sampling:
    """How text is generated from the trained model (d2l §9.5.5)."""
    temperature: float = S.num(0.8, 0.0, 2.0, step=0.1, doc="of the sampled text: 0 = always the most likely character; higher = more random")
    top_k: int = S.num(10, 0, 50, doc="the sampled text draws among the k most likely characters (0 = all)")
    num_preds: int = S.num(200, 20, 500, step=10, doc="characters to generate after the prompt")

    def __post_init__(self):
        S.check(self)


# ---- settings that fit the student's corpus (issue 16; engine.language_model.fit does the same for the RNN) ----
MIN_CHAR_REPEATS = 50     # training text: ≈ this many characters per distinct character, when the corpus has them


def suggest(stats) -> dict:
    """The settings that follow the corpus (``engine.language_model.fit.corpus_stats`` of it), with the values
    that fit it. The page's 20,000 characters suit a few dozen letters (hundreds of each); a vocabulary of
    thousands of characters (Chinese) needs more text, or most characters are seen a handful of times and the
    held-out end is full of characters never trained on. So ``max_tokens`` grows to ``MIN_CHAR_REPEATS`` per
    distinct character (at most the corpus and ``MAX_CORPUS_TOKENS``); Continue pays for the longer epochs.
    The width stays 64: the embedding already gives each character d numbers, and d = 128 trains ≈ 2.3× fewer
    steps per slice; on the benchmark's Chinese upload it ended worse after three slices (benchmarks/upload_corpus.py)."""
    default = Settings().max_tokens
    need = min(MIN_CHAR_REPEATS * stats.distinct_chars, stats.num_chars, MAX_CORPUS_TOKENS)
    if need <= default:
        return {"max_tokens": default}
    return {"max_tokens": min(MAX_CORPUS_TOKENS, -(-need // 1000) * 1000)}      # the slider's step: 1,000


def small_for_vocab(s: Settings, stats) -> bool:
    """The run has less text, or a narrower model, than ``suggest`` would give this vocabulary."""
    from engine.language_model.fit import LARGE_VOCAB
    return stats.distinct_chars > LARGE_VOCAB and (s.max_tokens < suggest(stats)["max_tokens"] or s.num_hiddens < 64)


def default_corpus():
    """The generated English text: small, offline, and learnable in seconds."""
    from engine.text.corpora import generate
    return generate("english", seed=0)


def seq_data_iter_random(corpus: torch.Tensor, batch_size: int, num_steps: int, generator: torch.Generator):
    """Random partitioning (d2l §9.3.3): cut the text at a random offset into subsequences of
    num_steps + 1 tokens, shuffle them, and yield minibatches (X, Y) with Y = X shifted by one."""
    offset = int(torch.randint(0, max(1, min(num_steps, len(corpus) - num_steps - 1)), (1,), generator=generator))
    num_subseqs = (len(corpus) - offset - 1) // num_steps
    if num_subseqs < 1:
        return
    starts = offset + num_steps * torch.randperm(num_subseqs, generator=generator)
    for i in range(0, num_subseqs, batch_size):
        idx = starts[i: i + batch_size, None] + torch.arange(num_steps + 1)
        seqs = corpus[idx]
        yield seqs[:, :-1], seqs[:, 1:]


@dataclass(frozen=True, eq=False)
class Checkpoint:
    """Where a run stopped at the end of a slice, to train the next slice from (``run(resume=)``). The weights
    are the result's ``net`` (never trained further); these are copied before use, the result is shared."""
    optimizer: dict               # Adam's state_dict: both moments and the step count of every parameter, the lr
    scheduler: dict               # the cosine schedule's state_dict: its position
    epoch_gen_state: torch.Tensor  # the data generator at the start of the epoch in progress
    epoch: int                    # the epoch in progress, and the minibatches of it already trained
    pos: int
    step: int
    work_done: float
    rows: tuple                   # the per-epoch records so far


@dataclass(frozen=True)
class Result:
    settings: Settings
    seed: int
    net: nn.Module                # the trained model (eval mode; never train it further)
    vocab: object                 # engine.text.Vocab (index 0 is <unk>)
    corpus_name: str
    lang: str
    num_train_tokens: int
    num_params: int
    epochs: pd.DataFrame          # epoch (a fraction where a slice ended), step, loss, perplexity, valid_perplexity, tokens_per_s
    divergence: Divergence | None
    stop_reason: str | None
    num_heldout_tokens: int = 0   # the end of the corpus kept out of training, for the held-out perplexity
    checkpoint: Checkpoint | None = None   # set when another slice can continue this run
    units_per_batch: float = 0.0  # budget units one full minibatch costs
    batches_per_epoch: int = 0
    units_per_epoch: float = 0.0  # budget units one epoch costs (its last minibatch may be short)

    @property
    def num_tokens(self) -> int:
        """Characters of the corpus used: trained on plus held out."""
        return self.num_train_tokens + self.num_heldout_tokens

    @property
    def final_perplexity(self) -> float:
        return float(self.epochs["perplexity"].iloc[-1])

    @property
    def can_continue(self) -> bool:
        """Whether Continue may train one more slice: the budget, not the epochs, ended this one."""
        return self.checkpoint is not None and self.settings.slices < MAX_SLICES

    @property
    def epochs_done(self) -> float:
        return float(self.epochs["epoch"].iloc[-1]) if len(self.epochs) else 0.0

    @property
    def epochs_per_slice(self) -> float:
        """Epochs one slice of ``MAX_UNITS`` trains with these settings on this corpus."""
        return MAX_UNITS / self.units_per_epoch if self.units_per_epoch else 0.0


EPOCH_COLUMNS = ["epoch", "step", "loss", "perplexity", "valid_perplexity", "tokens_per_s"]


def epochs_frame(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=EPOCH_COLUMNS)


@torch.no_grad()
def valid_perplexity(net, corpus: torch.Tensor, num_steps: int, device) -> float:
    """exp(mean cross-entropy) over held-out windows of num_steps characters."""
    n = (len(corpus) - 1) // num_steps
    if n < 1:
        return float("nan")
    X = corpus[: n * num_steps].reshape(n, num_steps).to(device)
    Y = corpus[1: n * num_steps + 1].reshape(n, num_steps).to(device)
    net.eval()
    Y_hat, _ = net(X, need_weights=False)
    net.train()
    return math.exp(min(50.0, nn.functional.cross_entropy(Y_hat.reshape(-1, Y_hat.shape[-1]), Y.reshape(-1)).item()))


def macs_per_op(s: Settings) -> float:
    """The average multiply-adds of a minibatch's matrix products (``engine.device.threads_for``): per block
    four projections (tokens × d × d) and the feed-forward layer's two (tokens × d × 2d), then the output
    layer (tokens × d × distinct characters); tokens = batch × context."""
    corpus = s.corpus if s.corpus is not None else default_corpus()
    vocab = len(set(corpus.text[: s.max_tokens])) + 1
    td = s.batch_size * s.num_steps * s.num_hiddens
    return mean_macs((td * s.num_hiddens, 4 * s.num_layers), (td * 2 * s.num_hiddens, 2 * s.num_layers), (td * vocab, 1))


@sized_by(macs_per_op)
def run(settings: Settings, seed: int = 0, device: torch.device | str = "cpu",
        on_step: Callable[[dict], None] | None = None, budget: Budget | None = None, resume: Result | None = None) -> Result:
    """Tokenize the corpus into characters, hold out its end, train with Adam and record per
    epoch the training loss, perplexity exp(loss), held-out perplexity and tokens per second.

    ``settings.slices`` = k trains until k·MAX_UNITS units are spent (or the epochs are done). ``resume``: the
    result of the same settings and seed with k − 1 slices; then only the k-th slice is trained, from its
    checkpoint, and the numbers are those of one run through all k slices."""
    if resume is not None and (dataclasses.replace(resume.settings, slices=settings.slices) != settings
                               or resume.settings.slices != settings.slices - 1 or resume.checkpoint is None
                               or resume.seed != seed):
        raise ValueError("resume must be the result of the same settings and seed with one slice fewer")
    # one intra-op thread: a model this small gains nothing from a second one, and on a busy
    # 2-core server every parallel op waits for the other core (see engine.mlp.net)
    with intra_op_threads(1):
        t = _Training(settings, seed, device, resume)
        budget = budget or Budget()
        for k in range(settings.slices if resume is not None else 1, settings.slices + 1):
            t.train_slice(k * MAX_UNITS, budget, on_step)
            if t.reason != "units" or budget.reason is not None:     # done, diverged or stopped: no more slices
                break
        return t.result(budget)


class _Training:
    """A run in the middle of training: the model, Adam and its schedule, the data generator, where it is in
    which epoch, and the records so far. From scratch, or where ``resume`` (one slice fewer) stopped."""

    def __init__(self, s: Settings, seed: int, device, resume: Result | None = None):
        from engine.text import corpus_ids
        self.s, self.seed, self.device = s, seed, torch.device(device)
        corpus = s.corpus if s.corpus is not None else default_corpus()
        self.corpus_name, self.lang = corpus.name, corpus.lang
        ids, self.vocab = corpus_ids(corpus, "char", 0, s.max_tokens)
        ids = torch.tensor(ids, dtype=torch.long)
        heldout = min(MAX_HELDOUT_TOKENS, int(len(ids) * HELDOUT_FRACTION)) if len(ids) > 4 * s.num_steps else 0
        self.train_ids, self.valid_ids = ids[: len(ids) - heldout], ids[len(ids) - heldout:]
        self.gen = torch.Generator().manual_seed(seed)
        with torch.random.fork_rng(devices=[]):      # seeded initial weights, the global RNG untouched
            torch.manual_seed(seed)
            self.net = DecoderOnlyTransformer(len(self.vocab), s.num_hiddens, s.num_heads, s.num_layers,
                                              max_len=s.num_steps).to(self.device)
        self.n_params = num_params(self.net)
        self.trainer = torch.optim.Adam(self.net.parameters(), lr=s.lr)
        self.num_steps = max(1, min(s.num_steps, len(self.train_ids) - 2))      # a tiny text still gives one subsequence
        self.per_epoch = max(1, math.ceil(max(1, (len(self.train_ids) - 1) // self.num_steps - 1) / s.batch_size))
        total = s.num_epochs * self.per_epoch
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(
            self.trainer, lambda t: 0.5 * (1 + math.cos(math.pi * min(t, total) / total)))
        self.rows, self.step, self.work_done, self.epoch, self.pos = [], 0, 0.0, 1, 0
        self.it, self.divergence, self.reason = None, None, None
        if resume is not None:
            cp = resume.checkpoint
            self.net.load_state_dict(resume.net.state_dict())         # copies: the shared result stays as it is
            self.trainer.load_state_dict(copy.deepcopy(cp.optimizer))  # (load_state_dict keeps the tensors it is given)
            self.scheduler.load_state_dict(copy.deepcopy(cp.scheduler))
            self.rows, self.step, self.work_done, self.epoch, self.pos = list(cp.rows), cp.step, cp.work_done, cp.epoch, cp.pos
            self.gen.set_state(cp.epoch_gen_state)
            if self.pos:      # the same minibatches in the same order: the iterator drew its order at the start
                self.epoch_gen_state = cp.epoch_gen_state
                self.it = seq_data_iter_random(self.train_ids, s.batch_size, self.num_steps, self.gen)
                for _ in itertools.islice(self.it, self.pos):
                    pass
        self.net.train()

    def units(self, X: torch.Tensor) -> float:
        return X.numel() * self.n_params + STEP_UNITS

    def train_slice(self, limit: float, budget: Budget, on_step) -> None:
        """Train until ``limit`` units are spent in all (or the epochs end, or the budget stops it)."""
        s, net, loss = self.s, self.net, nn.CrossEntropyLoss()
        full = self.units(torch.empty(s.batch_size, self.num_steps))
        steps_left = min(s.num_epochs * self.per_epoch - self.step, (limit - self.work_done) // full)   # for the progress bar
        start, total = self.step, max(1, int(steps_left))
        self.reason = None
        while self.epoch <= s.num_epochs:
            if self.it is None:
                self.epoch_gen_state = self.gen.get_state()
                self.it = seq_data_iter_random(self.train_ids, s.batch_size, self.num_steps, self.gen)
            l_sum, n, tokens, t0, cut = 0.0, 0, 0, time.perf_counter(), False
            for X, Y in self.it:
                cost = self.units(X)
                if self.work_done + cost > limit:        # the slice is spent: this minibatch starts the next one
                    self.reason, cut = "units", True
                    self.it = itertools.chain([(X, Y)], self.it)
                    break
                if not budget.spend(cost):
                    cut = True
                    break
                self.work_done += cost
                self.pos += 1
                X, Y = X.to(self.device), Y.to(self.device)
                Y_hat, _ = net(X, need_weights=False)    # the fused kernel: the weights are drawn only for a prompt
                l = loss(Y_hat.reshape(-1, len(self.vocab)), Y.reshape(-1))
                self.trainer.zero_grad()
                l.backward()
                nn.utils.clip_grad_norm_(net.parameters(), 1.0)
                self.trainer.step()
                self.scheduler.step()
                self.step += 1
                value = l.item()
                if not math.isfinite(value):
                    last = next((r[2] for r in reversed(self.rows) if math.isfinite(r[2])), None)
                    self.divergence = Divergence(step=self.step, epoch=self.epoch, value=value, last_finite=last)
                    break
                l_sum, n, tokens = l_sum + value * X.numel(), n + X.numel(), tokens + X.numel()
                if on_step is not None:
                    on_step({"done": self.step - start, "total": total, "epochs": self.rows})
            if n:
                seconds = time.perf_counter() - t0
                mean = l_sum / n
                done = self.epoch - 1 + self.pos / self.per_epoch if cut or self.divergence else self.epoch
                self.rows.append((min(done, self.epoch), self.step, mean, math.exp(min(mean, 50.0)),
                                  valid_perplexity(net, self.valid_ids, s.num_steps, self.device),
                                  tokens / max(seconds, 1e-9)))
            if on_step is not None:
                on_step({"done": self.step - start, "total": total, "epochs": self.rows})
            if self.divergence is not None or cut:
                return
            self.epoch, self.pos, self.it = self.epoch + 1, 0, None      # the next epoch draws a new order

    def result(self, budget: Budget) -> Result:
        self.net.eval()
        reason = budget.reason or self.reason
        checkpoint = None
        if self.divergence is None and self.reason == "units" and budget.reason is None:
            checkpoint = Checkpoint(optimizer=copy.deepcopy(self.trainer.state_dict()),
                                    scheduler=copy.deepcopy(self.scheduler.state_dict()),
                                    epoch_gen_state=self.epoch_gen_state, epoch=self.epoch, pos=self.pos,
                                    step=self.step, work_done=self.work_done, rows=tuple(self.rows))
        return Result(settings=self.s, seed=self.seed, net=self.net, vocab=self.vocab, corpus_name=self.corpus_name,
                      lang=self.lang, num_train_tokens=len(self.train_ids), num_params=self.n_params,
                      epochs=epochs_frame(self.rows), divergence=self.divergence, stop_reason=reason,
                      num_heldout_tokens=len(self.valid_ids), checkpoint=checkpoint,
                      units_per_batch=self.units(torch.empty(self.s.batch_size, self.num_steps)),
                      batches_per_epoch=self.per_epoch, units_per_epoch=self._units_per_epoch())

    def _units_per_epoch(self) -> float:
        """What one epoch's minibatches cost: every subsequence once, and the charge per step."""
        subseqs = max(0, (len(self.train_ids) - 1) // self.num_steps - 1)     # the fewest a random offset leaves
        return subseqs * self.num_steps * self.n_params + self.per_epoch * STEP_UNITS


# ---- a prompt the student types ------------------------------------------------------------

@dataclass(frozen=True)
class Prompt:
    """A typed prompt as the model will read it: tokens, indices, and what had to change."""
    tokens: list[str]
    ids: list[int]
    unknown: str            # characters the vocabulary lacks (read as <unk>), each once
    truncated: bool         # longer than the context: only the last num_steps characters are read

    @property
    def empty(self) -> bool:
        return not self.tokens


def read_prompt(result: Result, text: str) -> Prompt:
    """Tokenize a prompt the same way as the corpus; never raises."""
    from engine.text import tokenize
    tokens = [t for line in tokenize(str(text or "")[:MAX_PROMPT].split("\n"), "char", result.lang) for t in line]
    unknown = "".join(dict.fromkeys(t for t in tokens if t not in result.vocab.token_to_idx))
    n = result.settings.num_steps
    truncated = len(tokens) > n
    tokens = tokens[-n:]
    return Prompt(tokens=tokens, ids=[result.vocab[t] for t in tokens], unknown=unknown, truncated=truncated)


@torch.no_grad()
def predict(prompt: Prompt, num_preds: int, net: nn.Module, vocab, num_steps: int,
            temperature: float = 0.0, generator: torch.Generator | None = None, top_k: int = 0) -> str:
    """Generate num_preds characters after the prompt (d2l §9.5.5 ``predict``): feed the last
    num_steps characters, sample the next from softmax(logits / temperature) — among the ``top_k``
    most likely characters only when ``top_k`` > 0 — or take the most likely one when the
    temperature is 0, append it, repeat. ``<unk>`` is never written."""
    device = next(net.parameters()).device
    ids = list(prompt.ids) or [vocab[" "]]
    outputs = []
    for _ in range(num_preds):
        X = torch.tensor([ids[-num_steps:]], device=device)
        logits = net(X, need_weights=False)[0][0, -1].clone()
        logits[vocab.unk] = float("-inf")          # <unk> is not a character: never write it
        if temperature <= 0:
            nxt = int(logits.argmax())
        else:
            if 0 < top_k < len(logits):       # keep the k most likely characters, renormalised
                logits = logits.masked_fill(logits < torch.topk(logits, top_k).values[-1], float("-inf"))
            probs = torch.softmax(logits.float().cpu() / temperature, dim=-1)
            nxt = int(torch.multinomial(probs, 1, generator=generator))
        ids.append(nxt)
        outputs.append(vocab.to_tokens(nxt))
    return "".join(outputs)


def generate(result: Result, ids: list[int], num_preds: int, temperature: float, seed: int, top_k: int = 0) -> str:
    """``predict`` on a prompt's indices, its sampling seeded (the same text for the same link)."""
    prompt = Prompt(tokens=[], ids=list(ids)[-result.settings.num_steps:], unknown="", truncated=False)
    with intra_op_threads(1):
        return predict(prompt, num_preds, result.net, result.vocab, result.settings.num_steps,
                       temperature, torch.Generator().manual_seed(seed), top_k)


@torch.no_grad()
def prompt_attention(result: Result, prompt: Prompt) -> np.ndarray:
    """Causal attention of every layer and head over the prompt: (layers, heads, n, n)."""
    device = next(result.net.parameters()).device
    _, weights = result.net(torch.tensor([prompt.ids], device=device))
    return torch.stack([w[0] for w in weights]).cpu().numpy()
