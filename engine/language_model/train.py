"""Training a recurrent language model (d2l §8.5.4–8.5.6): gradient clipping, one epoch,
prediction with warm-up, and a whole bounded ``run`` that records perplexity as it goes.

``train_epoch_ch8`` and ``predict_ch8`` are the book's functions with the book's names; they add
what a shared server needs (a work budget, a divergence check, seeded sampling) and nothing else.
"""
from __future__ import annotations

import math
import time
from typing import Callable

import pandas as pd
import torch
from torch import nn

from engine.budget import Budget
from engine.language_model import core as C
from engine.language_model.data import ITERATORS, fit_batch, num_batches
from engine.device import intra_op_threads
from engine.numerics import Divergence, exp_or_inf
from engine.text import corpus_ids


def grad_clipping(net: nn.Module, theta: float) -> torch.Tensor:
    """Rescale all gradients together so that their global norm is at most θ (d2l §8.5.5):
    g ← min(1, θ / ‖g‖) g. Returns the norm before clipping."""
    params = [p for p in net.parameters() if p.requires_grad and p.grad is not None]
    norm = torch.sqrt(sum(torch.sum(p.grad ** 2) for p in params))
    if norm > theta:
        for param in params:
            param.grad[:] *= theta / norm
    return norm


class SGD:
    """The book's minibatch SGD as an updater (d2l §3.2.5): param ← param − lr · grad. The loss is
    already a mean over the minibatch, so the book's ``batch_size`` is 1 here. (Written out rather
    than ``torch.optim.SGD``, which is the same update but imports torch's compiler: seconds.)"""

    def __init__(self, params, lr: float):
        self.params, self.lr = [p for p in params if p.requires_grad], lr

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self) -> None:
        for p in self.params:
            if p.grad is not None:
                p.sub_(p.grad, alpha=self.lr)


class Adam:
    """Adam written out as the book does (d2l §12.10): moving averages of the gradient (v) and of its
    square (s), bias-corrected, give every parameter its own step size."""

    def __init__(self, params, lr: float, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-6):
        self.params, self.lr, self.beta1, self.beta2, self.eps = [p for p in params if p.requires_grad], lr, beta1, beta2, eps
        self.states = [(torch.zeros_like(p), torch.zeros_like(p)) for p in self.params]
        self.t = 1

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self) -> None:
        for p, (v, s) in zip(self.params, self.states):
            if p.grad is None:
                continue
            v.mul_(self.beta1).add_(p.grad, alpha=1 - self.beta1)
            s.mul_(self.beta2).addcmul_(p.grad, p.grad, value=1 - self.beta2)
            v_bias_corr = v / (1 - self.beta1 ** self.t)
            s_bias_corr = s / (1 - self.beta2 ** self.t)
            p.sub_(self.lr * v_bias_corr / (torch.sqrt(s_bias_corr) + self.eps))
        self.t += 1


def detach_state(state: tuple[torch.Tensor, ...]) -> tuple[torch.Tensor, ...]:
    """Cut the computational graph at the minibatch boundary (truncated BPTT, d2l §8.7)."""
    return tuple(s.detach() for s in state)


def train_epoch_ch8(net, train_iter, loss, updater, device, use_random_iter: bool, theta: float = 1.0,
                    budget: Budget | None = None, work_per_batch: float = 0.0,
                    on_batch: Callable[[int, float], None] | None = None):
    """Train for one epoch (d2l §8.5.6). Returns (perplexity, tokens per second, batches done,
    the first loss whose perplexity exp(loss) is not a finite float — inf, NaN, or a finite loss above
    ≈ 709.78 nats — or None). Stops early, keeping what was trained, when the budget says so."""
    state, t0 = None, time.perf_counter()
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
    return ppl, num_tokens / max(seconds, 1e-9), batches, bad


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
                generator: torch.Generator | None = None) -> list[str]:
    """Generate ``num_preds`` tokens after ``prefix`` (d2l §8.5.4).

    Warm-up: the prefix is fed one token at a time only to build up the hidden state; its
    outputs are not used. Then each prediction is fed back as the next input. With
    ``temperature`` 0 the most likely token is taken (the book); otherwise the next token is
    drawn from softmax(logits / temperature). Returns the tokens (prefix included)."""
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
            probs = torch.softmax(y.reshape(-1).double() / temperature, dim=0).cpu()
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

def run(settings, seed: int = 0, device: torch.device | str = "cpu",
        on_step: Callable[[dict], None] | None = None, budget: Budget | None = None):
    """Read the corpus, build the model, train ``num_epochs`` epochs with SGD and clipping
    (d2l ``train_ch8``), and record per epoch the training and held-out perplexity, the
    tokens per second and a greedy sample. Any stop (budget, Stop button, divergence) still
    returns a valid ``Result`` with what was trained."""
    # Dropout draws from torch's global generator (nn.LSTM takes no generator): seed it for this run
    # and restore it afterwards. Everything else draws from the run's own torch.Generator.
    with intra_op_threads(1), torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return _run(settings, seed, device, on_step, budget)


def _run(settings, seed, device, on_step, budget):
    s, device = settings, torch.device(device)
    budget = (budget or Budget()).capped(C.MAX_WORK)
    corpus = s.text_corpus if s.text_corpus is not None else C.default_corpus()
    ids, vocab = corpus_ids(corpus, s.token, 0, C.MAX_CORPUS_TOKENS)
    ids = torch.tensor(ids, dtype=torch.long)
    n_held = min(C.MAX_HELDOUT_TOKENS, int(len(ids) * C.HELDOUT_FRACTION))
    train_ids, held_ids = ids[: len(ids) - n_held], ids[len(ids) - n_held:]
    batch_size, num_steps = fit_batch(len(train_ids), s.batch_size, s.num_steps)
    notes = []
    if (batch_size, num_steps) != (s.batch_size, s.num_steps):
        notes.append("batch_shrunk")
    if s.dropout > 0 and s.num_layers == 1:
        notes.append("no_dropout_effect")
    if s.tie_weights and not s.embedding:
        notes.append("tie_needs_embedding")

    gen = torch.Generator().manual_seed(seed)
    net = C.make_net(s, len(vocab), gen).to(device)
    net.train()
    loss = nn.CrossEntropyLoss()
    updater = SGD(net.parameters(), lr=s.lr)
    work = C.work_per_batch(s, len(vocab), batch_size, num_steps)
    per_epoch = max(1, num_batches(len(train_ids), batch_size, num_steps))
    total = int(min(s.num_epochs * per_epoch, C.MAX_WORK // work + 1))
    fpt = C.flops_per_token(s.model, s.num_hiddens, s.num_layers, len(vocab), s.uses_embedding)
    sample_ids = held_ids
    if s.token == "char" and corpus.lang != "zh" and vocab[" "] != vocab.unk:   # start at a word, not inside one
        spaces = (held_ids[:40] == vocab[" "]).nonzero()
        sample_ids = held_ids[int(spaces[0]) + 1:] if len(spaces) else held_ids
    sample_len = min(len(sample_ids), {"char": 12, "word": 3}[s.token])
    sample_prefix = vocab.to_tokens(sample_ids[:sample_len].tolist()) if sample_len else [vocab.to_tokens(1 % len(vocab))]
    sample_every = max(1, s.num_epochs // 10)

    batch_rows, epoch_rows, sample_rows = [], [], []
    epoch_rows.append((0, float("nan"), evaluate_perplexity(net, held_ids, batch_size, num_steps, device), 0, 0.0))
    divergence, step = None, 0

    def event(**extra):
        return {"done": step, "total": total, "batches": batch_rows, "epochs": epoch_rows,
                "samples": sample_rows, **extra}

    for epoch in range(1, s.num_epochs + 1):
        start = step

        def on_batch(i, l):
            nonlocal step
            step += 1
            batch_rows.append((step, epoch - 1 + i / per_epoch, l))
            if on_step is not None and step % 5 == 0:
                on_step(event())

        it = ITERATORS[s.partition](train_ids, batch_size, num_steps, gen)
        ppl, speed, done, bad = train_epoch_ch8(net, it, loss, updater, device, s.partition == "random",
                                                s.theta, budget, work, on_batch)
        if bad is not None:
            step += 1
            last = next((exp_or_inf(r[2]) for r in reversed(batch_rows) if math.isfinite(r[2])), None)
            # the value is the perplexity: a finite loss of 800 nats is a perplexity of +inf
            divergence = Divergence(step=step, epoch=epoch, value=exp_or_inf(bad), last_finite=last)
            batch_rows.append((step, epoch - 1 + done / per_epoch, bad))
        finished = epoch - 1 + (step - start) / per_epoch if budget.reason or bad is not None else epoch
        if step == start and bad is None:          # nothing trained in this epoch
            break
        tokens = (step - start - (bad is not None)) * batch_size * num_steps
        seconds = tokens / speed if speed > 0 else 0.0
        held = evaluate_perplexity(net, held_ids, batch_size, num_steps, device) if bad is None else float("inf")
        epoch_rows.append((finished, ppl, held, tokens, seconds))
        if bad is None and (epoch % sample_every == 0 or epoch == s.num_epochs or budget.reason):
            text = predict_ch8(sample_prefix, C.SAMPLE_TOKENS[s.token], net, vocab, device)
            sample_rows.append((finished, C.join_tokens(text, s.token, corpus.lang)))
        if on_step is not None:
            on_step(event())
        if bad is not None or budget.reason is not None:
            break

    net.eval()
    return C.Result(
        settings=s, seed=seed,
        epochs=pd.DataFrame(epoch_rows, columns=EPOCH_COLUMNS),
        batches=pd.DataFrame(batch_rows, columns=BATCH_COLUMNS),
        samples=pd.DataFrame(sample_rows, columns=["epoch", "text"]),
        net=net, vocab=vocab, corpus_name=corpus.name, lang=corpus.lang,
        num_train_tokens=len(train_ids), num_heldout_tokens=len(held_ids),
        batch_size=batch_size, num_steps=num_steps, sample_prefix=tuple(sample_prefix),
        heldout_start=tuple(vocab.to_tokens(sample_ids[:C.MAX_TEXT_TOKENS // 2].tolist())),
        flops_per_token=fpt, divergence=divergence, stop_reason=budget.reason, notes=tuple(notes))
