"""The book's encoder–decoder Transformer (d2l §11.7) on a toy translation: the seq2seq lesson's dates
in words → ISO dates ("the twenty-first of march nineteen ninety-nine" → "1999-03-21").

The sources have different lengths, so a minibatch pads them and ``valid_lens`` masks the padding in
the encoder's self-attention and in the decoder's cross-attention (d2l §11.3.2.1); the decoder's
self-attention is causal. Trained with teacher forcing (the decoder reads <bos> + the target shifted by
one), decoded greedily. Every attention map is kept, so the page can draw the three kinds apart.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
import torch
from torch import nn

from engine import settings as S
from engine.attention import dates as D
from engine.attention.seq2seq import BOS, EOS, PAD
from engine.attention.translation import NUM_STEPS_TGT, ParsedInput, build_array, make_vocabs
from engine.budget import Budget
from engine.device import intra_op_threads
from engine.numerics import Divergence
from engine.text import Vocab
from engine.transformer.blocks import EncoderDecoderTransformer, num_params
from engine.transformer.toy import EPOCH_COLUMNS, epoch_loop, epochs_frame     # the toy tasks' epochs and record

# Work budget in token·parameters (as the toy tasks), plus a fixed charge per step.
MAX_UNITS = 6e10
STEP_UNITS = 2e7
VALID_SIZE = 300


@dataclass(frozen=True)
class Architecture:
    """Which Transformer the toy-task page trains."""
    architecture: str = S.choice("decoder_only", ("decoder_only", "encoder_decoder"),
                                 doc="decoder-only on copy/reverse/sort, or the book's encoder–decoder on dates")

    def __post_init__(self):
        S.check(self)


@dataclass(frozen=True)
class Settings:
    num_train: int = S.num(1500, 200, 5000, step=100, doc="training date pairs, generated from the seed")
    num_hiddens: int = S.choice(32, (16, 32, 64), doc="model width d")
    num_heads: int = S.choice(2, (1, 2, 4), doc="attention heads per attention layer")
    num_layers: int = S.num(2, 1, 3, doc="encoder blocks and decoder blocks (one block each does far worse here)")
    lr: float = S.num(0.01, 0.0001, 0.03, log=True, doc="Adam learning rate (cosine decay to 0)")
    batch_size: int = S.num(32, 16, 256, step=16, doc="date pairs per minibatch")
    num_epochs: int = S.num(5, 1, 60, doc="passes over the training pairs")

    def __post_init__(self):
        S.check(self)

    @property
    def steps_per_epoch(self) -> int:
        return math.ceil(self.num_train / self.batch_size)


def build_net(s: Settings, src_vocab: Vocab, tgt_vocab: Vocab) -> EncoderDecoderTransformer:
    return EncoderDecoderTransformer(len(src_vocab), len(tgt_vocab), s.num_hiddens, s.num_heads, s.num_layers,
                                     max_len=32)


def decoder_input(Y: torch.Tensor, tgt_vocab: Vocab) -> torch.Tensor:
    """Teacher forcing (d2l §10.7.3): <bos> followed by the target without its last token."""
    bos = torch.full((len(Y), 1), tgt_vocab[BOS], dtype=Y.dtype, device=Y.device)
    return torch.cat([bos, Y[:, :-1]], dim=1)


def train_step(net, X, X_valid_len, Y, tgt_vocab, loss, trainer) -> float:
    """One minibatch: cross-entropy over every target position (all targets have the same length)."""
    Y_hat, _ = net(X, decoder_input(Y, tgt_vocab), X_valid_len)
    l = loss(Y_hat.reshape(-1, Y_hat.shape[-1]), Y.reshape(-1))
    trainer.zero_grad()
    l.backward()
    trainer.step()
    return l.item()


@torch.no_grad()
def greedy_decode(net, X, X_valid_len, tgt_vocab: Vocab, num_steps: int = NUM_STEPS_TGT):
    """The encoder once, then the decoder fed its own predictions (d2l §10.7.6). Returns
    (ids (B, num_steps), attention of the last pass: every output position's rows)."""
    enc_outputs, enc_weights = net.encoder(X, X_valid_len)
    dec = torch.full((len(X), 1), tgt_vocab[BOS], dtype=X.dtype, device=X.device)
    for _ in range(num_steps):
        logits, dec_weights, cross_weights = net.decoder(dec, enc_outputs, X_valid_len)
        dec = torch.cat([dec, logits[:, -1].argmax(-1, keepdim=True)], dim=1)
    return dec[:, 1:], {"encoder": enc_weights, "decoder": dec_weights, "cross": cross_weights}


def exact_match(net, X, X_valid_len, targets: list[str], tgt_vocab: Vocab) -> tuple[float, list[str]]:
    ids, _ = greedy_decode(net, X, X_valid_len, tgt_vocab)
    preds = ["".join(strip_eos(row, tgt_vocab)) for row in ids.tolist()]
    return sum(p == t for p, t in zip(preds, targets)) / max(1, len(targets)), preds


def strip_eos(ids: list[int], tgt_vocab: Vocab) -> list[str]:
    eos = tgt_vocab[EOS]
    return tgt_vocab.to_tokens(ids[: ids.index(eos)] if eos in ids else ids)


@dataclass(frozen=True)
class Result:
    settings: Settings
    seed: int
    net: nn.Module                   # trained, eval mode
    src_vocab: Vocab
    tgt_vocab: Vocab
    src_len: int                     # the longest source: what a minibatch is padded to
    epochs: pd.DataFrame             # epoch, step, loss, train_acc, valid_acc (exact match)
    num_params: int
    divergence: Divergence | None
    stop_reason: str | None

    @property
    def final_accuracy(self) -> float:
        return float(self.epochs["valid_acc"].iloc[-1])


def run(settings: Settings, seed: int = 0, device: torch.device | str = "cpu",
        on_step: Callable[[dict], None] | None = None, budget: Budget | None = None) -> Result:
    """Generate the dates from the seed, train with Adam (cosine decay), and record per epoch the mean
    loss and the exact-match accuracy on training pairs and on held-out ones."""
    with intra_op_threads(1):        # small matrices: a second thread only waits (see intra_op_threads)
        return _train(settings, seed, device, on_step, budget)


def _train(s: Settings, seed: int, device, on_step, budget) -> Result:
    device = torch.device(device)
    budget = (budget or Budget()).capped(MAX_UNITS)
    train, valid = D.make_dataset(s.num_train, VALID_SIZE, seed)
    src_vocab, tgt_vocab = make_vocabs()
    X, X_valid_len, Y = (t.to(device) for t in build_array(train, src_vocab, tgt_vocab))
    Xv, Xv_valid_len, _ = (t.to(device) for t in build_array(valid, src_vocab, tgt_vocab))
    n_eval = min(100, len(train))
    with torch.random.fork_rng(devices=[]):          # seeded initial weights, the global RNG untouched
        torch.manual_seed(seed)
        net = build_net(s, src_vocab, tgt_vocab).to(device)
    n_params = num_params(net)
    eval_units = (n_eval + VALID_SIZE) * NUM_STEPS_TGT * (X.shape[1] + NUM_STEPS_TGT) * n_params / 3 + STEP_UNITS

    def evaluate() -> tuple[float, float]:
        budget.spend(eval_units)
        net.eval()
        train_acc, _ = exact_match(net, X[:n_eval], X_valid_len[:n_eval], [e.target for e in train[:n_eval]], tgt_vocab)
        valid_acc, _ = exact_match(net, Xv, Xv_valid_len, [e.target for e in valid], tgt_vocab)
        net.train()
        return train_acc, valid_acc

    loss, trainer = nn.CrossEntropyLoss(), torch.optim.Adam(net.parameters(), lr=s.lr)
    gen = torch.Generator().manual_seed(seed)
    tokens_per_pair = X.shape[1] + Y.shape[1]
    rows, divergence = epoch_loop(
        trainer, num_examples=s.num_train, batch_size=s.batch_size, num_epochs=s.num_epochs,
        total=s.num_epochs * s.steps_per_epoch, gen=gen, device=device, budget=budget, on_step=on_step,
        units=lambda idx: len(idx) * tokens_per_pair * n_params + STEP_UNITS,
        step=lambda idx: train_step(net, X[idx], X_valid_len[idx], Y[idx], tgt_vocab, loss, trainer), evaluate=evaluate)
    net.eval()
    return Result(s, seed, net, src_vocab, tgt_vocab, int(X.shape[1]), epochs_frame(rows), n_params,
                  divergence, budget.reason)


@dataclass(frozen=True)
class EncDecView:
    """One translation and the three kinds of attention behind it (rows: queries, columns: keys)."""
    source_tokens: list[str]         # as the encoder read them, padded with <pad> to the minibatch length
    valid_len: int                   # the real tokens; the rest is padding (masked)
    output_tokens: list[str]         # the decoded tokens, <eos> included when it came
    decoder_inputs: list[str]        # what the decoder read at each output step: <bos>, ŷ₁, …
    output: str
    expected: str | None             # the right answer when the text is a date the generator writes
    encoder: np.ndarray              # (layers, heads, n, n)
    decoder: np.ndarray              # (layers, heads, q, q)
    cross: np.ndarray                # (layers, heads, q, n)


def attention_for(result: Result, parsed: ParsedInput) -> EncDecView:
    """Translate the student's (parsed) input, padded as in a minibatch, and keep every attention map."""
    net, src_vocab, tgt_vocab = result.net, result.src_vocab, result.tgt_vocab
    device = next(net.parameters()).device
    ids = list(parsed.ids)[: max(result.src_len, 1)]
    n = max(result.src_len, len(ids))
    X = torch.tensor([ids + [src_vocab[PAD]] * (n - len(ids))], device=device)
    out_ids, att = greedy_decode(net, X, torch.tensor([len(ids)], device=device), tgt_vocab)
    out = out_ids[0].tolist()
    q = min(out.index(tgt_vocab[EOS]) + 1, NUM_STEPS_TGT) if tgt_vocab[EOS] in out else NUM_STEPS_TGT
    outputs = tgt_vocab.to_tokens(out[:q])
    stack = lambda ws, rows, cols: torch.stack([w[0, :, :rows, :cols] for w in ws]).cpu().numpy()
    date = D.words_to_date(" ".join(parsed.tokens))
    return EncDecView(source_tokens=src_vocab.to_tokens(X[0].tolist()), valid_len=len(ids), output_tokens=outputs,
                      decoder_inputs=[BOS] + outputs[:-1], output="".join(strip_eos(out, tgt_vocab)),
                      expected=None if date is None else date.isoformat(),
                      encoder=stack(att["encoder"], n, n), decoder=stack(att["decoder"], q, q),
                      cross=stack(att["cross"], q, n))
