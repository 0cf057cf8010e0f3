"""Transformer lessons: training time to 90 % exact match on each toy task and on the dates with the
encoder–decoder, tokens per second of the
character-level model (next to torch's own nn.TransformerEncoderLayer of the same size, measured in
the same run), and the time of the heaviest allowed settings, which the work budget must stop.

Wall-clock seconds depend on the load of the machine; ``cpu_seconds`` (this process's CPU time)
much less so — both are reported.

``vs_torch`` (``_vs_torch_records``): the lesson against the same model from ``nn.TransformerEncoderLayer`` at
equal threads, ``TRANSFORMER_BENCH_ROUNDS`` (3) rotated rounds, CPU-second and wall ratios (> 1: the lesson is
faster), the load average before and after; ``TRANSFORMER_BENCH_THREADS`` (``1,<cores>``) and
``TRANSFORMER_BENCH_SIZES`` (``defaults,max_context,max_context_d128``) pick what runs, and
``TRANSFORMER_BENCH_PARTS`` (``toy,char_lm,vs_torch,heaviest``) which parts. With more than one thread the CPU
seconds are the process's (``time.process_time``), which on a loaded machine count OpenMP's spin-waits too."""
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
from engine.device import threads as device_threads
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
    """Training tokens per second of ``forward(X) -> logits`` with Adam, at the thread count in force
    (``_step_seconds``' wall time)."""
    wall, _, n = _step_seconds(net, forward, vocab_size, batch_size, num_steps, steps, time.perf_counter)
    return n * batch_size * num_steps / wall


def _reference_loop(s: char_lm.Settings, train_ids: torch.Tensor, vocab_size: int, clock):
    """The plain loop the lesson's is measured against, the same work as ``char_lm.run(s)``: the same data
    iterator and generator (so the same minibatches in the same order, epoch by epoch), clipping, Adam and
    cosine schedule, one ``.item()`` a step, with torch's ``nn.TransformerEncoderLayer``.
    Returns (wall seconds, ``clock`` seconds, steps) of the steps after the first of each epoch (as ``_lesson_loop``)."""
    torch.manual_seed(0)
    net = TorchDecoder(vocab_size, s.num_hiddens, s.num_heads, s.num_layers, s.num_steps)
    loss, trainer = nn.CrossEntropyLoss(), torch.optim.Adam(net.parameters(), lr=s.lr)
    total = s.num_epochs * 1000
    scheduler = torch.optim.lr_scheduler.LambdaLR(trainer, lambda t: 0.5 * (1 + math.cos(math.pi * min(t, total) / total)))
    gen, wall, cpu, steps = torch.Generator().manual_seed(0), 0.0, 0.0, 0
    num_steps = max(1, min(s.num_steps, len(train_ids) - 2))
    for _ in range(s.num_epochs):
        t = None
        for X, Y in char_lm.seq_data_iter_random(train_ids, s.batch_size, num_steps, gen):
            l = loss(net(X).reshape(-1, vocab_size), Y.reshape(-1))
            trainer.zero_grad()
            l.backward()
            nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            trainer.step()
            scheduler.step()
            l.item()
            now = (time.perf_counter(), clock())
            if t is not None:
                wall, cpu, steps = wall + now[0] - t[0], cpu + now[1] - t[1], steps + 1
            t = now
    return wall, cpu, steps


def _lesson_loop(s: char_lm.Settings, clock):
    """The lesson's own ``char_lm.run(s)`` as the page runs it (budget charged per minibatch, the page's
    progress callback every step): (wall seconds, ``clock`` seconds, steps) between consecutive steps of
    the same epoch — the setup, the held-out perplexity at each epoch's end and the first step of each
    epoch (as in ``_reference_loop``) left out."""
    marks = {}

    def on_step(ev):
        marks.setdefault(ev["done"], (time.perf_counter(), clock(), len(ev["epochs"])))
    char_lm.run(s, seed=0, on_step=on_step, budget=Budget(**UNCAPPED))
    wall = cpu = 0.0
    steps = 0
    for k in sorted(marks):
        if k - 1 in marks and marks[k - 1][2] == marks[k][2] and k > 1:
            wall, cpu, steps = wall + marks[k][0] - marks[k - 1][0], cpu + marks[k][1] - marks[k - 1][1], steps + 1
    return wall, cpu, steps


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



ROUNDS = int(os.environ.get("TRANSFORMER_BENCH_ROUNDS", 3))
VS_THREADS = tuple(int(n) for n in os.environ.get("TRANSFORMER_BENCH_THREADS", f"1,{os.cpu_count() or 1}").split(","))
# the page's defaults, and its longest context (num_steps 128) with the page's other defaults; and the
# widest model at that context (d 128, 4 heads), where attention weighs most
SIZES = tuple((label, kw) for label, kw in (("defaults", {}), ("max_context", dict(num_steps=128)),
                                            ("max_context_d128", dict(num_steps=128, num_hiddens=128, num_heads=4)))
              if label in os.environ.get("TRANSFORMER_BENCH_SIZES", "defaults,max_context,max_context_d128").split(","))


def _clock(threads: int):
    """CPU seconds of the work: the calling thread's alone at one intra-op thread (``time.thread_time``,
    blind to other jobs on a loaded machine), the whole process's with more (the workers' time counts)."""
    return time.thread_time if threads == 1 else time.process_time


def _rotated(contenders: dict, rounds: int) -> list[dict]:
    """Every contender once a round, the order rotated (ABC, BCA, CAB, …): each sees the same load, none always first."""
    order, rows = list(contenders), []
    for r in range(rounds):
        rows.append({name: contenders[name]() for name in order[r % len(order):] + order[:r % len(order)]})
    return rows


def _ratio_fields(rows, ours: str, ref: str, index: int) -> dict:
    """Median and range over rounds of ref's seconds over ours' (> 1: ours faster) for the ``index``-th timing."""
    r = [row[ref][index] / row[ours][index] for row in rows]
    return {"median": round(statistics.median(r), 3), "range": [round(min(r), 3), round(max(r), 3)]}


def _vs_torch_records():
    """The lesson's model and loop against the same model from ``nn.TransformerEncoderLayer``, at one intra-op
    thread and at every core (equal threads for both), at the page's defaults and at its longest context:
    ``ROUNDS`` rotated rounds, ratios of CPU seconds (``_clock``) and of wall seconds, the load average
    before and after. ``step.*``: training steps of the bare model (forward, loss, backward, Adam) on one
    minibatch — the lesson's as it trains (``need_weights=False``: torch's fused attention), the explicit
    softmax(QKᵀ/√d)V the page draws the weights with (the lesson's training step before the fused path),
    and torch's layers. ``loop.*``: the lesson's whole ``char_lm.run`` against a plain loop doing the same
    per-step work (``_reference_loop``) on the same minibatches of The Time Machine."""
    import inspect
    fused = "need_weights" in inspect.signature(DecoderOnlyTransformer.forward).parameters
    vocab_size = 30
    tm = None
    if DATA.exists():
        from engine.text import time_machine_corpus
        tm = time_machine_corpus(DATA.read_text(encoding="utf-8"))
    for threads in VS_THREADS:
        clock = _clock(threads)
        with device_threads(threads), intra_op_threads(threads):
            for label, kw in SIZES:
                s = char_lm.Settings(**kw)
                d, h, layers, n, b = s.num_hiddens, s.num_heads, s.num_layers, s.num_steps, s.batch_size
                torch.manual_seed(0)
                ours = DecoderOnlyTransformer(vocab_size, d, h, layers, max_len=n)
                theirs = TorchDecoder(vocab_size, d, h, layers, n)
                steps = 8 if n > 64 else 24
                contenders = {"explicit": lambda: _step_seconds(ours, lambda X: ours(X)[0], vocab_size, b, n, steps, clock),
                              "torch": lambda: _step_seconds(theirs, theirs, vocab_size, b, n, steps, clock)}
                if fused:
                    contenders["fused"] = lambda: _step_seconds(ours, lambda X: ours(X, need_weights=False)[0],
                                                                vocab_size, b, n, steps, clock)
                load0 = os.getloadavg()[0]
                rows = _rotated(contenders, ROUNDS)
                lesson = "fused" if fused else "explicit"
                rec = {"name": f"transformer.char_lm.step_vs_torch_layers.{label}.{threads}_threads", "threads": threads,
                       "size": dict(num_hiddens=d, num_heads=h, num_layers=layers, num_steps=n, batch_size=b),
                       "rounds": ROUNDS, "steps_per_round": steps, "lesson_path": lesson,
                       "reference": "nn.TransformerEncoderLayer (same size, causal mask, is_causal=True)",
                       "tokens_per_cpu_s": round(statistics.median(steps * b * n / r[lesson][1] for r in rows)),
                       "reference_tokens_per_cpu_s": round(statistics.median(steps * b * n / r["torch"][1] for r in rows)),
                       "cpu_ratio": _ratio_fields(rows, lesson, "torch", 1), "wall_ratio": _ratio_fields(rows, lesson, "torch", 0)}
                if fused:
                    rec["explicit_cpu_ratio"] = _ratio_fields(rows, "explicit", "torch", 1)
                    rec["fused_vs_explicit_cpu"] = _ratio_fields(rows, "fused", "explicit", 1)
                rec["load_average"] = [round(load0, 2), round(os.getloadavg()[0], 2)]
                if threads == 1:
                    X = torch.randint(0, vocab_size, (b, n))

                    def fwd_bwd():
                        ours.zero_grad()
                        logits = ours(X, need_weights=False)[0] if fused else ours(X)[0]
                        nn.functional.cross_entropy(logits.reshape(-1, vocab_size), X.reshape(-1)).backward()
                    step_s, floor_s = _gemm_floor(fwd_bwd)
                    rec["fraction_of_gemm_floor"] = round(floor_s / step_s, 3)
                    rec["gemm_floor_note"] = ("the lesson's forward+backward: its mm/addmm/bmm/baddbmm calls replayed alone "
                                              "over the whole (the fused attention kernel is not a matrix-product call)")
                yield rec

                if tm is None:
                    continue
                s = dataclasses.replace(s, corpus=tm, max_tokens=60_000, num_epochs=2)
                from engine.text import corpus_ids
                ids, vocab = corpus_ids(tm, "char", 0, s.max_tokens)
                ids = torch.tensor(ids, dtype=torch.long)
                train_ids = ids[: len(ids) - min(char_lm.MAX_HELDOUT_TOKENS, int(len(ids) * char_lm.HELDOUT_FRACTION))]
                load0 = os.getloadavg()[0]
                rows = _rotated({"lesson": lambda: _lesson_loop(s, clock),
                                 "torch": lambda: _reference_loop(s, train_ids, len(vocab), clock)}, ROUNDS)
                assert all(r["lesson"][2] == r["torch"][2] for r in rows), "the loops timed different steps"
                yield {"name": f"transformer.char_lm.loop_vs_torch_loop.{label}.{threads}_threads", "threads": threads,
                       "settings": {k: v for k, v in dataclasses.asdict(s).items() if k != "corpus"},
                       "corpus": "The Time Machine, first 60,000 characters", "rounds": ROUNDS,
                       "steps_timed": rows[0]["lesson"][2], "lesson_path": "fused" if fused else "explicit",
                       "reference": "a plain loop with nn.TransformerEncoderLayer: same minibatches, clipping, Adam, schedule",
                       "lesson_cpu_s": round(statistics.median(r["lesson"][1] for r in rows), 3),
                       "reference_cpu_s": round(statistics.median(r["torch"][1] for r in rows), 3),
                       "cpu_ratio": _ratio_fields(rows, "lesson", "torch", 1), "wall_ratio": _ratio_fields(rows, "lesson", "torch", 0),
                       "load_average": [round(load0, 2), round(os.getloadavg()[0], 2)]}


def _step_seconds(net: nn.Module, forward, vocab_size: int, batch_size: int, num_steps: int, steps: int, clock):
    """(wall seconds, ``clock`` seconds, steps) of ``steps`` training steps (forward, loss, backward, Adam)
    of ``forward(X) -> logits`` on one minibatch, after two warm-up steps."""
    X = torch.randint(0, vocab_size, (batch_size, num_steps), generator=torch.Generator().manual_seed(0))
    trainer, loss = torch.optim.Adam(net.parameters(), lr=1e-3), nn.CrossEntropyLoss()

    def step():
        l = loss(forward(X).reshape(-1, vocab_size), X.reshape(-1))
        trainer.zero_grad()
        l.backward()
        trainer.step()

    for _ in range(2):
        step()
    t, c = time.perf_counter(), clock()
    for _ in range(steps):
        step()
    return time.perf_counter() - t, clock() - c, steps



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
