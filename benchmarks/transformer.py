"""Transformer lessons: training time to 90 % exact match on each toy task and on the dates with the
encoder–decoder, tokens per second of the
character-level model (next to torch's own nn.TransformerEncoderLayer of the same size, measured in
the same run), and the time of the heaviest allowed settings, which the work budget must stop.

Wall-clock seconds depend on the load of the machine; ``cpu_seconds`` (this process's CPU time)
much less so — both are reported."""
from __future__ import annotations

import dataclasses
import math
import time
from pathlib import Path

import torch
from torch import nn

from engine import settings as S
from engine.budget import Budget
from engine.device import intra_op_threads
from engine.transformer import DecoderOnlyTransformer, char_lm, encdec, toy

TARGET = 0.9
DATA = Path(__file__).resolve().parents[1] / "../shared/data/timemachine.txt"
UNCAPPED = dict(max_seconds=float("inf"))


def _timed(fn):
    t, c = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - t, time.process_time() - c, out


def _time_to_accuracy(s, lesson=toy):
    """Train once; note the wall and CPU time at the end of the first epoch whose exact match on
    fresh sequences reaches TARGET."""
    t0, c0, reached = time.perf_counter(), time.process_time(), {}

    def on_step(ev):
        rows = ev.get("epochs") or []
        if rows and not reached and rows[-1][4] >= TARGET and rows[-1][0] > 0:
            reached.update(seconds=time.perf_counter() - t0, cpu=time.process_time() - c0,
                           epoch=rows[-1][0], step=rows[-1][1])

    r = lesson.run(s, seed=0, on_step=on_step, budget=Budget(**UNCAPPED))
    return r, reached, time.perf_counter() - t0, time.process_time() - c0


def _heaviest(cls, **fixed):
    values = {}
    for name, b in S.bounds(cls).items():
        values[name] = b.hi if b.kind in ("int", "float") else (b.options[-1] if b.kind == "choice" else True)
    return cls(**{**values, **fixed})


def _throughput(net: nn.Module, forward, vocab_size: int, batch_size: int, num_steps: int, steps: int = 30) -> float:
    """Training tokens per second of ``forward(X) -> logits`` with Adam, one intra-op thread."""
    X = torch.randint(0, vocab_size, (batch_size, num_steps), generator=torch.Generator().manual_seed(0))
    trainer, loss = torch.optim.Adam(net.parameters(), lr=1e-3), nn.CrossEntropyLoss()

    def step():
        l = loss(forward(X).reshape(-1, vocab_size), X.reshape(-1))
        trainer.zero_grad()
        l.backward()
        trainer.step()

    with intra_op_threads(1):
        for _ in range(5):
            step()
        t = time.perf_counter()
        for _ in range(steps):
            step()
        return steps * X.numel() / (time.perf_counter() - t)


class TorchDecoder(nn.Module):
    """The same model from torch's built-in post-norm layers (reference for the speed)."""

    def __init__(self, vocab_size, d, h, layers, max_len):
        super().__init__()
        self.ours = DecoderOnlyTransformer(vocab_size, d, h, layers, max_len=max_len)     # embedding, P, dense
        layer = nn.TransformerEncoderLayer(d, h, 2 * d, dropout=0.0, batch_first=True)
        self.blks = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)

    def forward(self, X):
        H = self.ours.pos_encoding(self.ours.embedding(X) * math.sqrt(self.ours.num_hiddens))
        mask = nn.Transformer.generate_square_subsequent_mask(X.shape[1])
        return self.ours.dense(self.blks(H, mask=mask, is_causal=True))


def run():
    for task, kw in (("reverse", {}), ("sort", {}), ("copy", dict(num_epochs=20))):
        s = toy.Settings(task=task, **kw)
        r, reached, seconds, cpu = _time_to_accuracy(s)
        yield {"name": f"transformer.toy.{task}.time_to_{int(TARGET * 100)}pct", "settings": kw or "defaults",
               "seconds": round(reached.get("seconds", float("nan")), 2), "cpu_seconds": round(reached.get("cpu", float("nan")), 2),
               "reached_at_epoch": reached.get("epoch"), "reached_at_step": reached.get("step"),
               "total_seconds": round(seconds, 2), "total_cpu_seconds": round(cpu, 2),
               "final_exact_match": r.final_accuracy, "num_params": r.num_params}

    r, reached, seconds, cpu = _time_to_accuracy(encdec.Settings(), encdec)
    yield {"name": f"transformer.encdec.dates.time_to_{int(TARGET * 100)}pct", "settings": "defaults",
           "seconds": round(reached.get("seconds", float("nan")), 2), "cpu_seconds": round(reached.get("cpu", float("nan")), 2),
           "reached_at_epoch": reached.get("epoch"), "total_seconds": round(seconds, 2), "total_cpu_seconds": round(cpu, 2),
           "final_exact_match": r.final_accuracy, "num_params": r.num_params}

    corpora = [("english", None)]
    if DATA.exists():
        from engine.text import time_machine_corpus
        corpora.append(("time_machine", time_machine_corpus(DATA.read_text(encoding="utf-8"))))
    for name, corpus in corpora:
        s = char_lm.Settings(corpus=corpus)
        seconds, cpu, r = _timed(lambda: char_lm.run(s, seed=0, budget=Budget(**UNCAPPED)))
        yield {"name": f"transformer.char_lm.{name}.defaults", "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
               "tokens_per_s": round(float(r.epochs["tokens_per_s"].median())), "train_tokens": r.num_train_tokens,
               "steps": int(r.epochs["step"].iloc[-1]), "perplexity": round(r.final_perplexity, 3),
               "valid_perplexity": round(float(r.epochs["valid_perplexity"].iloc[-1]), 3)}

    s = char_lm.Settings()
    vocab_size = 30
    torch.manual_seed(0)
    ours = DecoderOnlyTransformer(vocab_size, s.num_hiddens, s.num_heads, s.num_layers, max_len=s.num_steps)
    theirs = TorchDecoder(vocab_size, s.num_hiddens, s.num_heads, s.num_layers, s.num_steps)
    mine = _throughput(ours, lambda X: ours(X)[0], vocab_size, s.batch_size, s.num_steps)
    ref = _throughput(theirs, theirs, vocab_size, s.batch_size, s.num_steps)
    yield {"name": "transformer.char_lm.step_throughput_vs_torch_layers", "seconds": None,
           "tokens_per_s": round(mine), "reference": "nn.TransformerEncoderLayer (same size, causal mask)",
           "reference_tokens_per_s": round(ref), "ratio": round(mine / ref, 3)}

    for module, heavy in (("toy", _heaviest(toy.Settings, lr=0.001, task="sort")),
                          ("encdec", _heaviest(encdec.Settings, lr=0.001)),
                          ("char_lm", _heaviest(char_lm.Settings, lr=0.001))):
        lesson = {"toy": toy, "encdec": encdec, "char_lm": char_lm}[module]
        budget = Budget(**UNCAPPED)
        seconds, cpu, r = _timed(lambda: lesson.run(heavy, seed=0, budget=budget))
        fields = {k: v for k, v in dataclasses.asdict(heavy).items() if k != "corpus"}
        yield {"name": f"transformer.{module}.heaviest", "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
               "capped_by": r.stop_reason, "units": f"{budget.used_units:.3g}", "max_units": f"{lesson.MAX_UNITS:.3g}",
               "steps": int(r.epochs["step"].iloc[-1]) if len(r.epochs) else 0, "settings": fields}
