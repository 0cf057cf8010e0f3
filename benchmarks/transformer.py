"""Transformer lessons: training time to 90 % exact match on each toy task and on the dates with the
encoder–decoder, tokens per second of the
character-level model (next to torch's own nn.TransformerEncoderLayer of the same size, measured in
the same run), and the time of the heaviest allowed settings, which the work budget must stop.

Wall-clock seconds depend on the load of the machine; ``cpu_seconds`` (this process's CPU time)
much less so — both are reported."""
from __future__ import annotations

import dataclasses
import math
import os
import statistics
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


def _step_rate(net: nn.Module, forward, vocab_size: int, batch_size: int, num_steps: int, steps: int = 30) -> float:
    """Training tokens per second of ``forward(X) -> logits`` with Adam, at the thread count in force."""
    X = torch.randint(0, vocab_size, (batch_size, num_steps), generator=torch.Generator().manual_seed(0))
    trainer, loss = torch.optim.Adam(net.parameters(), lr=1e-3), nn.CrossEntropyLoss()

    def step():
        l = loss(forward(X).reshape(-1, vocab_size), X.reshape(-1))
        trainer.zero_grad()
        l.backward()
        trainer.step()

    for _ in range(3):
        step()
    t = time.perf_counter()
    for _ in range(steps):
        step()
    return steps * X.numel() / (time.perf_counter() - t)


def _throughput(net: nn.Module, forward, vocab_size: int, batch_size: int, num_steps: int, steps: int = 30) -> float:
    """``_step_rate`` with one intra-op thread."""
    with intra_op_threads(1):
        return _step_rate(net, forward, vocab_size, batch_size, num_steps, steps)


def _pairs(a, b, rounds: int = 5) -> list[tuple[float, float]]:
    """``(a(), b())`` ``rounds`` times, in the order A B, B A, A B, … (neither always goes first)."""
    out = []
    for r in range(rounds):
        x, y = (a(), b()) if r % 2 == 0 else tuple(reversed((b(), a())))
        out.append((x, y))
    return out


def _reference_loop(s: char_lm.Settings, train_ids: torch.Tensor, vocab_size: int, steps: int) -> float:
    """The plain loop the lesson's is measured against: the same data iterator, clipping, Adam and
    cosine schedule, with torch's ``nn.TransformerEncoderLayer`` — tokens per second over ``steps``."""
    torch.manual_seed(0)
    net = TorchDecoder(vocab_size, s.num_hiddens, s.num_heads, s.num_layers, s.num_steps)
    loss, trainer = nn.CrossEntropyLoss(), torch.optim.Adam(net.parameters(), lr=s.lr)
    scheduler = torch.optim.lr_scheduler.LambdaLR(trainer, lambda t: 0.5 * (1 + math.cos(math.pi * min(t, 1000) / 1000)))
    gen, done, tokens, t = torch.Generator().manual_seed(0), 0, 0, time.perf_counter()
    while done < steps:
        for X, Y in char_lm.seq_data_iter_random(train_ids, s.batch_size, s.num_steps, gen):
            l = loss(net(X).reshape(-1, vocab_size), Y.reshape(-1))
            trainer.zero_grad()
            l.backward()
            nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            trainer.step()
            scheduler.step()
            l.item()
            done, tokens = done + 1, tokens + X.numel()
            if done == steps:
                break
    return tokens / (time.perf_counter() - t)


def _gemm_floor(forward_backward) -> tuple[float, float]:
    """(seconds of one training step, seconds of its matrix products alone): the step's mm, addmm,
    bmm and baddbmm calls are recorded with their shapes, then replayed on fresh tensors of those
    shapes (the best of 3). Their sum is a floor no loop at this arithmetic can beat."""
    from torch.profiler import ProfilerActivity, profile
    forward_backward()
    t = time.perf_counter()
    forward_backward()
    step_seconds = time.perf_counter() - t
    with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
        forward_backward()
    calls = [(e.name, [list(x) for x in e.input_shapes]) for e in prof.events()
             if e.name in ("aten::mm", "aten::addmm", "aten::bmm", "aten::baddbmm")]
    r = lambda shape: torch.randn(*shape)
    replay = []
    for name, shapes in calls:
        if name == "aten::mm":
            a, b = r(shapes[0]), r(shapes[1]); replay.append(lambda a=a, b=b: torch.mm(a, b))
        elif name == "aten::bmm":
            a, b = r(shapes[0]), r(shapes[1]); replay.append(lambda a=a, b=b: torch.bmm(a, b))
        elif name == "aten::addmm":
            c, a, b = r(shapes[0]), r(shapes[1]), r(shapes[2]); replay.append(lambda c=c, a=a, b=b: torch.addmm(c, a, b))
        else:
            c, a, b = r(shapes[0]), r(shapes[1]), r(shapes[2]); replay.append(lambda c=c, a=a, b=b: torch.baddbmm(c, a, b))
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        for f in replay:
            f()
        best = min(best, time.perf_counter() - t)
    return step_seconds, best


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
    parts = os.environ.get("TRANSFORMER_BENCH_PARTS", "toy,char_lm,vs_torch,heaviest").split(",")
    if "toy" in parts:
        yield from _toy_records()
    if "char_lm" in parts:
        yield from _char_lm_records()
    if "vs_torch" in parts:
        yield from _vs_torch_records()
    if "heaviest" in parts:
        yield from _heaviest_records()


def _toy_records():
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



def _char_lm_records():
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



def _vs_torch_records():
    # the lesson's model against torch's built-in layers, one step at a time, at one thread: the median
    # of alternated pairs, at the default size and at the longest context (where attention weighs most)
    with intra_op_threads(1):
        for label, (d, h, layers, n, b) in (("defaults", (64, 2, 2, 32, 32)), ("long_context", (128, 4, 2, 128, 32))):
            vocab_size = 30
            torch.manual_seed(0)
            ours = DecoderOnlyTransformer(vocab_size, d, h, layers, max_len=n)
            theirs = TorchDecoder(vocab_size, d, h, layers, n)
            rows = _pairs(lambda: _step_rate(ours, lambda X: ours(X)[0], vocab_size, b, n, steps=10 if n > 64 else 30),
                          lambda: _step_rate(theirs, theirs, vocab_size, b, n, steps=10 if n > 64 else 30))
            X = torch.randint(0, vocab_size, (b, n))

            def fwd_bwd():
                ours.zero_grad()
                nn.functional.cross_entropy(ours(X)[0].reshape(-1, vocab_size), X.reshape(-1)).backward()
            step_s, floor_s = _gemm_floor(fwd_bwd)
            yield {"name": f"transformer.char_lm.step_vs_torch_layers.{label}", "threads": 1,
                   "size": dict(num_hiddens=d, num_heads=h, num_layers=layers, num_steps=n, batch_size=b),
                   "tokens_per_s": round(statistics.median(a for a, _ in rows)),
                   "reference": "nn.TransformerEncoderLayer (same size, causal mask)",
                   "reference_tokens_per_s": round(statistics.median(r for _, r in rows)),
                   "ratio_median": round(statistics.median(a / r for a, r in rows), 3),
                   "ratios": [round(a / r, 3) for a, r in rows],
                   "fraction_of_gemm_floor": round(floor_s / step_s, 3),
                   "gemm_floor_note": "matrix products of one forward+backward replayed alone / the whole forward+backward",
                   "load_average": round(os.getloadavg()[0], 2)}

        # the lesson's whole loop (data, budget, clipping, Adam, schedule, records) against the plain
        # loop with torch's layers doing the same per-step work: epochs of the lesson alternated with
        # as many steps of the reference
        s = char_lm.Settings(num_epochs=1)
        from engine.text import corpus_ids
        ids, vocab = corpus_ids(char_lm.default_corpus(), "char", 0, s.max_tokens)
        train_ids = torch.tensor(ids, dtype=torch.long)[: -min(char_lm.MAX_HELDOUT_TOKENS, len(ids) // 10)]
        steps = math.ceil(((len(train_ids) - 1) // s.num_steps - 1) / s.batch_size)      # one epoch's
        rows = _pairs(lambda: float(char_lm._train(s, 0, "cpu", None, Budget(**UNCAPPED)).epochs["tokens_per_s"].iloc[-1]),
                      lambda: _reference_loop(s, train_ids, len(vocab), steps))
        yield {"name": "transformer.char_lm.loop_vs_torch_loop", "threads": 1, "settings": "defaults, one epoch",
               "tokens_per_s": round(statistics.median(a for a, _ in rows)),
               "reference": "a plain loop with nn.TransformerEncoderLayer: same data iterator, clipping, Adam, schedule",
               "reference_tokens_per_s": round(statistics.median(b for _, b in rows)),
               "ratio_median": round(statistics.median(a / b for a, b in rows), 3),
               "ratios": [round(a / b, 3) for a, b in rows], "load_average": round(os.getloadavg()[0], 2)}



def _heaviest_records():
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
