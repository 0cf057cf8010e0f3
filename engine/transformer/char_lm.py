"""A character-level decoder-only Transformer language model on the student's corpus
(d2l §11.7 blocks, trained as the language models of §9.5; GPT's recipe, §11.9.3).

The causal mask lets one forward pass score every position of a subsequence at once, where
an RNN steps through time. ``Settings`` keys the shared cache (the corpus is part of it);
``Sampling`` only changes the text generated afterwards, so moving it retrains nothing.
"""
from __future__ import annotations

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
from engine.device import intra_op_threads
from engine.numerics import Divergence
from engine.transformer.blocks import DecoderOnlyTransformer, num_params
from engine.transformer.strings import CHAR_LM_STRINGS as STRINGS   # the page's title and summary

# The work budget in token·parameters (≈ 6 FLOPs each, forward and backward) plus a fixed charge
# per step for the overhead that does not grow with the model. Heaviest settings: ≈10 s, 2 CPU cores.
MAX_UNITS = 6e10
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
    # the text (not a widget: chosen by the shared corpus picker); None = the generated English text
    corpus: object = field(default=None, compare=True, metadata={"doc": "an engine.text.Corpus"})

    def __post_init__(self):
        S.check(self)


@dataclass(frozen=True)
class Sampling:
    """How text is generated from the trained model (d2l §9.5.5)."""
    temperature: float = S.num(0.5, 0.0, 2.0, step=0.1, doc="0 = always the most likely character; higher = more random")
    num_preds: int = S.num(200, 20, 500, step=10, doc="characters to generate after the prompt")

    def __post_init__(self):
        S.check(self)


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
    epochs: pd.DataFrame          # epoch, step, loss, perplexity, valid_perplexity, tokens_per_s
    divergence: Divergence | None
    stop_reason: str | None
    num_heldout_tokens: int = 0   # the end of the corpus kept out of training, for the held-out perplexity

    @property
    def num_tokens(self) -> int:
        """Characters of the corpus used: trained on plus held out."""
        return self.num_train_tokens + self.num_heldout_tokens

    @property
    def final_perplexity(self) -> float:
        return float(self.epochs["perplexity"].iloc[-1])


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
    Y_hat, _ = net(X)
    net.train()
    return math.exp(min(50.0, nn.functional.cross_entropy(Y_hat.reshape(-1, Y_hat.shape[-1]), Y.reshape(-1)).item()))


def run(settings: Settings, seed: int = 0, device: torch.device | str = "cpu",
        on_step: Callable[[dict], None] | None = None, budget: Budget | None = None) -> Result:
    """Tokenize the corpus into characters, hold out its end, train with Adam and record per
    epoch the training loss, perplexity exp(loss), held-out perplexity and tokens per second."""
    # one intra-op thread: a model this small gains nothing from a second one, and on a busy
    # 2-core server every parallel op waits for the other core (see engine.mlp.net)
    with intra_op_threads(1):
        return _train(settings, seed, device, on_step, budget)


def _train(settings: Settings, seed: int, device, on_step, budget) -> Result:
    from engine.text import corpus_ids
    s, device = settings, torch.device(device)
    budget = (budget or Budget()).capped(MAX_UNITS)
    corpus = s.corpus if s.corpus is not None else default_corpus()
    ids, vocab = corpus_ids(corpus, "char", 0, s.max_tokens)
    ids = torch.tensor(ids, dtype=torch.long)
    heldout = min(MAX_HELDOUT_TOKENS, int(len(ids) * HELDOUT_FRACTION)) if len(ids) > 4 * s.num_steps else 0
    train_ids, valid_ids = ids[: len(ids) - heldout], ids[len(ids) - heldout:]
    gen = torch.Generator().manual_seed(seed)
    with torch.random.fork_rng(devices=[]):      # seeded initial weights, the global RNG untouched
        torch.manual_seed(seed)
        net = DecoderOnlyTransformer(len(vocab), s.num_hiddens, s.num_heads, s.num_layers,
                                     max_len=s.num_steps).to(device)
    n_params = num_params(net)
    loss, trainer = nn.CrossEntropyLoss(), torch.optim.Adam(net.parameters(), lr=s.lr)
    num_steps = max(1, min(s.num_steps, len(train_ids) - 2))      # a tiny text still gives one subsequence
    per_epoch = max(1, math.ceil(max(1, (len(train_ids) - 1) // num_steps - 1) / s.batch_size))
    total = s.num_epochs * per_epoch
    scheduler = torch.optim.lr_scheduler.LambdaLR(trainer, lambda t: 0.5 * (1 + math.cos(math.pi * min(t, total) / total)))
    rows, steps, divergence = [], 0, None
    net.train()
    for epoch in range(1, s.num_epochs + 1):
        l_sum, n, tokens, t0 = 0.0, 0, 0, time.perf_counter()
        for X, Y in seq_data_iter_random(train_ids, s.batch_size, num_steps, gen):
            if not budget.spend(X.numel() * n_params + STEP_UNITS):
                break
            X, Y = X.to(device), Y.to(device)
            Y_hat, _ = net(X)
            l = loss(Y_hat.reshape(-1, len(vocab)), Y.reshape(-1))
            trainer.zero_grad()
            l.backward()
            nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            trainer.step()
            scheduler.step()
            steps += 1
            if not math.isfinite(l.item()):
                last = next((r[2] for r in reversed(rows) if math.isfinite(r[2])), None)
                divergence = Divergence(step=steps, epoch=epoch, value=l.item(), last_finite=last)
                break
            l_sum, n, tokens = l_sum + l.item() * X.numel(), n + X.numel(), tokens + X.numel()
            if on_step is not None:
                on_step({"done": steps, "total": total, "epochs": rows})
        if n:
            seconds = time.perf_counter() - t0
            mean = l_sum / n
            rows.append((epoch, steps, mean, math.exp(min(mean, 50.0)),
                         valid_perplexity(net, valid_ids, s.num_steps, device), tokens / max(seconds, 1e-9)))
        if on_step is not None:
            on_step({"done": steps, "total": total, "epochs": rows})
        if divergence is not None or budget.reason is not None:
            break
    net.eval()
    return Result(settings=s, seed=seed, net=net, vocab=vocab, corpus_name=corpus.name, lang=corpus.lang,
                  num_train_tokens=len(train_ids), num_params=n_params, epochs=epochs_frame(rows),
                  divergence=divergence, stop_reason=budget.reason, num_heldout_tokens=len(valid_ids))


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
            temperature: float = 0.0, generator: torch.Generator | None = None) -> str:
    """Generate num_preds characters after the prompt (d2l §9.5.5 ``predict``): feed the last
    num_steps characters, sample the next from softmax(logits / temperature) — or take the
    most likely one when the temperature is 0 — append it, repeat. ``<unk>`` is never written."""
    device = next(net.parameters()).device
    ids = list(prompt.ids) or [vocab[" "]]
    outputs = []
    for _ in range(num_preds):
        X = torch.tensor([ids[-num_steps:]], device=device)
        logits = net(X)[0][0, -1].clone()
        logits[vocab.unk] = float("-inf")          # <unk> is not a character: never write it
        if temperature <= 0:
            nxt = int(logits.argmax())
        else:
            probs = torch.softmax(logits.float().cpu() / temperature, dim=-1)
            nxt = int(torch.multinomial(probs, 1, generator=generator))
        ids.append(nxt)
        outputs.append(vocab.to_tokens(nxt))
    return "".join(outputs)


def generate(result: Result, ids: list[int], num_preds: int, temperature: float, seed: int) -> str:
    """``predict`` on a prompt's indices, its sampling seeded (the same text for the same link)."""
    prompt = Prompt(tokens=[], ids=list(ids)[-result.settings.num_steps:], unknown="", truncated=False)
    with intra_op_threads(1):
        return predict(prompt, num_preds, result.net, result.vocab, result.settings.num_steps,
                       temperature, torch.Generator().manual_seed(seed))


@torch.no_grad()
def prompt_attention(result: Result, prompt: Prompt) -> np.ndarray:
    """Causal attention of every layer and head over the prompt: (layers, heads, n, n)."""
    device = next(result.net.parameters()).device
    _, weights = result.net(torch.tensor([prompt.ids], device=device))
    return torch.stack([w[0] for w in weights]).cpu().numpy()
