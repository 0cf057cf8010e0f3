"""Training a recurrent language model (d2l §9.5.3–9.5.5): gradient clipping, one epoch,
prediction with warm-up, and a whole bounded ``run`` that records perplexity as it goes.

``train_epoch_ch8`` and ``predict_ch8`` are the book's functions with the book's names; they add
what a shared server needs (a work budget, a divergence check, seeded sampling) and nothing else.
"""
from __future__ import annotations

import copy
import dataclasses
import itertools
import math
import time
from typing import Callable

import pandas as pd
import torch
from torch import nn

from engine.budget import Budget
from engine.language_model import core as C
from engine.language_model.data import ITERATORS, fit_batch, num_batches
from engine.device import intra_op_threads, mean_macs, sized_by
from engine.numerics import Divergence, exp_or_inf
from engine.optimization.rules import Scratch
from engine.text import corpus_ids


def grad_clipping(net: nn.Module, theta: float) -> torch.Tensor:
    """Rescale all gradients together so that their global norm is at most θ (d2l §9.5.3):
    g ← min(1, θ / ‖g‖) g. Returns the norm before clipping."""
    params = [p for p in net.parameters() if p.requires_grad and p.grad is not None]
    norm = torch.sqrt(sum(torch.sum(p.grad ** 2) for p in params))
    if norm > theta:
        scale = theta / norm      # once, multiplied in place (the book's ``grad[:] *=`` divides and copies per tensor)
        for param in params:
            param.grad.mul_(scale)
    return norm


class SGD:
    """The book's minibatch SGD as an updater (d2l §3.4.3): param ← param − lr · grad. The loss is
    already a mean over the minibatch, so the book's ``batch_size`` is 1 here. (Written out rather
    than ``torch.optim.SGD``, which is the same update but imports torch's compiler: seconds.)"""

    def __init__(self, params, lr: float):
        self.params, self.lr = [p for p in params if p.requires_grad], lr

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self) -> None:
        params = [p for p in self.params if p.grad is not None]
        if params:     # one call for all of them: param − lr·grad, the same arithmetic as p.sub_(grad, alpha=lr)
            torch._foreach_sub_(params, [p.grad for p in params], alpha=self.lr)


def make_updater(params, optimizer: str, lr: float):
    """The updater ``optimizer`` names: the book's ``SGD`` (stateless), or Adam (d2l §12.10) from the
    optimization lessons' rules (``engine.optimization.rules``; tested there against ``torch.optim.Adam``),
    whose moving averages must live for the whole run: it is made once per run, not per epoch."""
    if optimizer == "adam":
        return Scratch(params, "adam", {"lr": lr, **C.ADAM_HYPER})
    return SGD(params, lr=lr)


def updater_state(updater):
    """What an updater carries between minibatches (Adam: t and its two averages per parameter), copied."""
    if isinstance(updater, Scratch):
        return updater.t, [tuple(x.detach().clone() for x in st) for st in updater.states]
    return None


def load_updater_state(updater, state) -> None:
    if state is not None:
        updater.t, updater.states = state[0], [tuple(x.clone() for x in st) for st in state[1]]


def detach_state(state: tuple[torch.Tensor, ...]) -> tuple[torch.Tensor, ...]:
    """Cut the computational graph at the minibatch boundary (truncated BPTT, d2l §9.7.1.2)."""
    return tuple(s.detach() for s in state)


def train_epoch_ch8(net, train_iter, loss, updater, device, use_random_iter: bool, theta: float = 1.0,
                    budget: Budget | None = None, work_per_batch: float = 0.0,
                    on_batch: Callable[[int, float], None] | None = None, state=None):
    """Train for one epoch (d2l §9.5.4; d2l-zh 8.5's ``train_epoch_ch8``). Returns (perplexity, tokens per second,
    batches done, the first loss whose perplexity exp(loss) is not a finite float — inf, NaN, or a finite loss
    above ≈ 709.78 nats — or None, the hidden state at the end). Stops early, keeping what was trained, when
    the budget says so. ``state``: the state carried in from where an interrupted epoch stopped (Continue)."""
    t0 = time.perf_counter()
    loss_sum, num_tokens, batches, bad = 0.0, 0, 0, None
    for X, Y in train_iter:
        if budget is not None and not budget.spend(work_per_batch):
            break
        if state is None or use_random_iter:
            # initialise the state at the first iteration or when using random sampling
            state = net.begin_state(batch_size=X.shape[0], device=device)
        else:
            state = detach_state(state)
        y = Y.T.reshape(-1)
        X, y = X.to(device), y.to(device)
        y_hat, state = net(X, state)
        l = loss(y_hat, y.long()).mean()
        updater.zero_grad()
        l.backward()
        grad_clipping(net, theta)
        updater.step()
        l_value = float(l.detach())
        batches += 1
        if not math.isfinite(exp_or_inf(l_value)):   # diverged: exp(loss) overflows (or loss is NaN)
            bad = l_value
            break
        loss_sum += l_value * y.numel()
        num_tokens += y.numel()
        if on_batch is not None:
            on_batch(batches, l_value)
    seconds = time.perf_counter() - t0
    ppl = exp_or_inf(loss_sum / num_tokens) if num_tokens else float("nan")
    return ppl, num_tokens / max(seconds, 1e-9), batches, bad, state


@torch.no_grad()
def evaluate_perplexity(net, corpus: torch.Tensor, batch_size: int, num_steps: int, device) -> float:
    """exp(mean cross-entropy) over a held-out token sequence, read in order with the state carried."""
    loss, n = 0.0, 0
    was_training = net.training
    net.eval()
    rows = max(1, min(batch_size, (len(corpus) - 1) // num_steps))
    length = (len(corpus) - 1) // rows
    if length < 1:
        return float("nan")
    Xs = corpus[: rows * length].reshape(rows, length).to(device)
    Ys = corpus[1: rows * length + 1].reshape(rows, length).to(device)
    state = net.begin_state(batch_size=rows, device=device)
    for i in range(0, length, num_steps):
        X, Y = Xs[:, i: i + num_steps], Ys[:, i: i + num_steps]
        y_hat, state = net(X, state)
        loss += float(nn.functional.cross_entropy(y_hat, Y.T.reshape(-1), reduction="sum"))
        n += Y.numel()
    net.train(was_training)
    return exp_or_inf(loss / n) if math.isfinite(loss) else float("inf")


@torch.no_grad()
def predict_ch8(prefix: list[str], num_preds: int, net, vocab, device, temperature: float = 0.0,
                generator: torch.Generator | None = None, top_k: int = 0) -> list[str]:
    """Generate ``num_preds`` tokens after ``prefix`` (d2l §9.5.5; d2l-zh 8.5's ``predict_ch8``).

    Warm-up: the prefix is fed one token at a time only to build up the hidden state; its
    outputs are not used. Then each prediction is fed back as the next input. With
    ``temperature`` 0 the most likely token is taken (the book); otherwise the next token is
    drawn from softmax(logits / temperature), among the ``top_k`` most likely tokens only when
    ``top_k`` > 0. Returns the tokens (prefix included)."""
    was_training = net.training
    net.eval()
    state = net.begin_state(batch_size=1, device=device)
    outputs = [vocab[prefix[0]]]
    get_input = lambda: torch.tensor([outputs[-1]], device=device).reshape((1, 1))
    for y in prefix[1:]:  # warm-up period
        _, state = net(get_input(), state)
        outputs.append(vocab[y])
    for _ in range(num_preds):  # predict num_preds steps
        y, state = net(get_input(), state)
        if temperature <= 0:
            outputs.append(int(y.argmax(dim=1).reshape(1)))
        else:
            logits = y.reshape(-1).double()
            if 0 < top_k < len(logits):       # keep the k most likely tokens, renormalised
                logits = logits.masked_fill(logits < torch.topk(logits, top_k).values[-1], float("-inf"))
            probs = torch.softmax(logits / temperature, dim=0).cpu()
            outputs.append(int(torch.multinomial(probs, 1, generator=generator)))
    net.train(was_training)
    return [vocab.to_tokens(i) for i in outputs]


EPOCH_COLUMNS = ["epoch", "train_ppl", "heldout_ppl", "tokens", "seconds"]
BATCH_COLUMNS = ["step", "epoch", "loss"]


def live_frames(event: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The records of a run in progress (``on_step`` events) as the tables a finished run has."""
    return (pd.DataFrame(list(event.get("batches", [])), columns=BATCH_COLUMNS),
            pd.DataFrame(list(event.get("epochs", [])), columns=EPOCH_COLUMNS))


# ---- a whole bounded run (the book's train_ch8, recording instead of drawing) ---------------------

def macs_per_op(s) -> float:
    """The average multiply-adds of a minibatch's matrix products (``engine.device.threads_for``): every
    layer's gates at every time step (batch × (inputs + hidden) × gates · hidden) and the output layer
    once over the minibatch (batch · steps × hidden × vocabulary). The vocabulary is estimated from the
    text (distinct characters; distinct space-separated words for word tokens): enough for a thread count."""
    corpus = s.text_corpus if s.text_corpus is not None else C.default_corpus()
    text = corpus.text
    vocab = len(set(text)) + 1
    if s.token == "word":
        vocab = max(vocab, len(set(text.split())) + 1)
    gates, h = len(C.GATES[s.model]), s.num_hiddens
    first = s.batch_size * ((h if s.uses_embedding else vocab) + h) * gates * h
    upper = s.batch_size * 2 * h * gates * h
    return mean_macs((first, s.num_steps), (upper, s.num_steps * (s.num_layers - 1)),
                     (s.batch_size * s.num_steps * h * vocab, 1))


@sized_by(macs_per_op)
def run(settings, seed: int = 0, device: torch.device | str = "cpu",
        on_step: Callable[[dict], None] | None = None, budget: Budget | None = None, resume=None):
    """Read the corpus, build the model, train ``num_epochs`` epochs with SGD (or Adam) and clipping
    (d2l ``train_ch8``), and record per epoch the training and held-out perplexity, the
    tokens per second and a greedy sample. Any stop (budget, Stop button, divergence) still
    returns a valid ``Result`` with what was trained.

    Training comes in slices of ``MAX_WORK`` units each: ``settings.slices`` = k trains until k·MAX_WORK
    units are spent (or the epochs are done). ``resume``: the result of the same settings with k − 1 slices;
    then only the k-th slice is trained, from its checkpoint (weights, generator and RNG states, the
    position in the epoch, the carried hidden state), so it gives exactly the numbers of one run through
    all k slices. Without ``resume``, all k slices are trained here."""
    if resume is not None and (dataclasses.replace(resume.settings, slices=settings.slices) != settings
                               or resume.settings.slices != settings.slices - 1 or resume.checkpoint is None
                               or resume.seed != seed):
        raise ValueError("resume must be the result of the same settings and seed with one slice fewer")
    # Dropout draws from torch's global generator (nn.LSTM takes no generator): seed it for this run
    # and restore it afterwards. Everything else draws from the run's own torch.Generator.
    with intra_op_threads(1), torch.random.fork_rng(devices=[]):
        if resume is None:
            t = _Training(settings, seed, device)
            first = 1
        else:
            t = _Training.resumed(resume, settings, device)
            first = settings.slices
        budget = budget or Budget()
        for k in range(first, settings.slices + 1):
            t.train_slice(k * C.MAX_WORK, budget, on_step)
            if t.reason != "units" or budget.reason is not None:     # done, diverged or stopped: no more slices
                break
        return t.result(budget)


class _Training:
    """Everything a run is in the middle of: the model, the data, the generators, where it is in which
    epoch, the hidden state carried between minibatches, and the records so far."""

    def __init__(self, s, seed, device):
        self.s, self.seed, self.device = s, seed, torch.device(device)
        torch.manual_seed(seed)
        corpus = s.text_corpus if s.text_corpus is not None else C.default_corpus()
        self.corpus_name, self.lang = corpus.name, corpus.lang
        ids, self.vocab = corpus_ids(corpus, s.token, 0, s.max_tokens + C.MAX_HELDOUT_TOKENS)
        self.train_ids, self.held_ids = C.split_ids(torch.tensor(ids, dtype=torch.long), s.max_tokens)
        self.batch_size, self.num_steps = fit_batch(len(self.train_ids), s.batch_size, s.num_steps)
        notes = []
        if (self.batch_size, self.num_steps) != (s.batch_size, s.num_steps):
            notes.append("batch_shrunk")
        if s.dropout > 0 and s.num_layers == 1:
            notes.append("no_dropout_effect")
        if s.tie_weights and not s.embedding:
            notes.append("tie_needs_embedding")
        self.notes = tuple(notes)
        self.gen = torch.Generator().manual_seed(seed)
        self.net = C.make_net(s, len(self.vocab), self.gen).to(self.device)
        self.net.train()
        self.updater = make_updater(self.net.parameters(), s.optimizer, s.lr)
        vocab, held_ids = self.vocab, self.held_ids
        self.work = C.work_per_batch(s, len(vocab), self.batch_size, self.num_steps)
        self.per_epoch = max(1, num_batches(len(self.train_ids), self.batch_size, self.num_steps))
        sample_ids = held_ids
        if s.token == "char" and corpus.lang != "zh" and vocab[" "] != vocab.unk:   # start at a word, not inside one
            spaces = (held_ids[:40] == vocab[" "]).nonzero()
            sample_ids = held_ids[int(spaces[0]) + 1:] if len(spaces) else held_ids
        sample_len = min(len(sample_ids), {"char": 12, "word": 3}[s.token])
        self.sample_prefix = (vocab.to_tokens(sample_ids[:sample_len].tolist()) if sample_len
                              else [vocab.to_tokens(1 % len(vocab))])
        self.heldout_start = tuple(vocab.to_tokens(sample_ids[:C.MAX_TEXT_TOKENS // 2].tolist()))
        self.batch_rows, self.epoch_rows, self.sample_rows = [], [], []
        self.epoch_rows.append((0, float("nan"), self._heldout(), 0, 0.0))
        self.step, self.work_done, self.epoch, self.pos = 0, 0.0, 1, 0     # pos: minibatches done in this epoch
        self.state, self.it, self.divergence, self.reason = None, None, None, None

    @classmethod
    def resumed(cls, r, s, device):
        """The training where ``r`` (the same settings, one slice fewer) stopped, copied (``r`` is shared)."""
        t = cls.__new__(cls)
        cp = r.checkpoint
        t.__dict__.update(copy.deepcopy(cp.data))
        t.s, t.seed, t.device = s, r.seed, torch.device(device)
        t.vocab, t.notes, t.corpus_name, t.lang = r.vocab, r.notes, r.corpus_name, r.lang
        t.net = copy.deepcopy(r.net).to(t.device)
        t.net.train()
        t.updater = make_updater(t.net.parameters(), s.optimizer, s.lr)
        load_updater_state(t.updater, cp.updater_state)
        t.gen, t.epoch_gen_state = torch.Generator(), cp.epoch_gen_state
        t.gen.set_state(cp.epoch_gen_state)
        torch.set_rng_state(cp.rng_state)
        t.it = None
        if t.pos:          # the same minibatches, in the same order: the iterator drew its offsets at the start
            t.it = ITERATORS[s.partition](t.train_ids, t.batch_size, t.num_steps, t.gen)
            for _ in itertools.islice(t.it, t.pos):
                pass
        return t

    def _heldout(self) -> float:
        return evaluate_perplexity(self.net, self.held_ids, self.batch_size, self.num_steps, self.device)

    def _event(self, start, limit):
        left = min(self.s.num_epochs * self.per_epoch - self.step, (limit - self.work_done) // self.work)
        total = int(self.step - start + max(0, left))
        return {"done": self.step - start, "total": max(1, total), "batches": self.batch_rows,
                "epochs": self.epoch_rows, "samples": self.sample_rows}

    def train_slice(self, limit: float, budget: Budget, on_step) -> None:
        """Train until ``limit`` units of work are spent in all (or the epochs end, or the budget stops it)."""
        s, start = self.s, self.step
        self.reason = None
        sample_every = max(1, s.num_epochs // 10)

        def allowed(it):
            """The epoch's minibatches while the slice's work lasts (checked before one is drawn)."""
            while True:
                if self.work_done + self.work > limit:
                    self.reason = "units"
                    return
                if not budget.spend(self.work):
                    return
                batch = next(it, None)
                if batch is None:
                    return
                self.work_done += self.work
                self.pos += 1
                yield batch

        while self.epoch <= s.num_epochs:
            if self.it is None:
                self.epoch_gen_state = self.gen.get_state()
                self.it = ITERATORS[s.partition](self.train_ids, self.batch_size, self.num_steps, self.gen)
            seg_start, epoch = self.step, self.epoch

            def on_batch(i, l):
                self.step += 1
                self.batch_rows.append((self.step, epoch - 1 + self.pos / self.per_epoch, l))
                if on_step is not None and self.step % 5 == 0:
                    on_step(self._event(start, limit))

            ppl, speed, done, bad, self.state = train_epoch_ch8(
                self.net, allowed(self.it), nn.CrossEntropyLoss(), self.updater, self.device,
                s.partition == "random", s.theta, None, 0.0, on_batch, self.state)
            cut = self.reason is not None or budget.reason is not None
            if bad is not None:
                self.step += 1
                last = next((exp_or_inf(r[2]) for r in reversed(self.batch_rows) if math.isfinite(r[2])), None)
                # the value is the perplexity: a finite loss of 800 nats is a perplexity of +inf
                self.divergence = Divergence(step=self.step, epoch=epoch, value=exp_or_inf(bad), last_finite=last)
                self.batch_rows.append((self.step, epoch - 1 + self.pos / self.per_epoch, bad))
            finished = min(epoch - 1 + self.pos / self.per_epoch, epoch) if cut or bad is not None else epoch
            if self.step == seg_start and bad is None:          # nothing trained in this segment:
                if cut:                                         # stopped before it began
                    break
                self.epoch, self.pos, self.state, self.it = epoch + 1, 0, None, None    # the epoch had just ended
                continue
            tokens = (self.step - seg_start - (bad is not None)) * self.batch_size * self.num_steps
            seconds = tokens / speed if speed > 0 else 0.0
            held = self._heldout() if bad is None else float("inf")
            self.epoch_rows.append((finished, ppl, held, tokens, seconds))
            if bad is None and (epoch % sample_every == 0 or epoch == s.num_epochs or cut):
                text = predict_ch8(self.sample_prefix, C.SAMPLE_TOKENS[s.token], self.net, self.vocab, self.device)
                self.sample_rows.append((finished, C.join_tokens(text, s.token, self.lang)))
            if on_step is not None:
                on_step(self._event(start, limit))
            if bad is not None or cut:
                break
            self.epoch, self.pos, self.state, self.it = epoch + 1, 0, None, None     # the next epoch starts afresh

    def result(self, budget: Budget):
        self.net.eval()
        reason = budget.reason or self.reason
        resumable = self.divergence is None and reason == "units"
        checkpoint = None
        if resumable:
            keep = ("train_ids", "held_ids", "batch_size", "num_steps", "work", "per_epoch", "sample_prefix",
                    "heldout_start", "batch_rows", "epoch_rows", "sample_rows", "step", "work_done", "epoch", "pos",
                    "state", "divergence", "reason")
            data = {k: getattr(self, k) for k in keep}
            data["state"] = None if self.state is None else tuple(x.detach().clone() for x in self.state)
            checkpoint = C.Checkpoint(data=data, epoch_gen_state=self.epoch_gen_state,
                                      rng_state=torch.get_rng_state(), updater_state=updater_state(self.updater))
        s = self.s
        return C.Result(
            settings=s, seed=self.seed,
            epochs=pd.DataFrame(self.epoch_rows, columns=EPOCH_COLUMNS),
            batches=pd.DataFrame(self.batch_rows, columns=BATCH_COLUMNS),
            samples=pd.DataFrame(self.sample_rows, columns=["epoch", "text"]),
            net=self.net, vocab=self.vocab, corpus_name=self.corpus_name, lang=self.lang,
            num_train_tokens=len(self.train_ids), num_heldout_tokens=len(self.held_ids),
            batch_size=self.batch_size, num_steps=self.num_steps, sample_prefix=tuple(self.sample_prefix),
            heldout_start=self.heldout_start,
            flops_per_token=C.flops_per_token(s.model, s.num_hiddens, s.num_layers, len(self.vocab), s.uses_embedding),
            divergence=self.divergence, stop_reason=reason, notes=self.notes, checkpoint=checkpoint,
            work_per_batch=self.work, batches_per_epoch=self.per_epoch)
