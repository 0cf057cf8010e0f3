"""Threads follow the load (issue 17 §1): one student alone gets every free core, a class one thread
per training. Measured in one run, every pair alternated (A B A B …, the median of each) so both meet
the same machine load:

0. ``threads.rule.*``: for every lesson whose training states its size (``engine.device.sized_by``), at the
   page's defaults: the thread count the rule grants a student alone and the work rate at one thread and
   at every core — is the count it picks the faster one?

1. ``threads.alone.*``: tokens (or images) per second at 1 intra-op thread and at every core
   (``engine.device.threads``, as ``ui.run_cached`` grants it to a training alone):
   the language model's default run (the page's LSTM), the book's LSTM setting with the lesson's
   loop and the book's loop at equal threads (their ratio; the compute floor is
   ``benchmarks/language_model.py``'s), the character Transformer against the same model
   from ``nn.TransformerEncoderLayer``, and a convolution-heavy network built here (a wider one than
   LeNet, whose page defaults are measured in ``threads.rule.lenet.default``).
2. ``threads.class_load.*``: the class load of ``benchmarks/_load.py`` (short phases) against a real
   server with ``DEEPDIVE_TRAINING_THREADS=1`` (every session one thread) and with the app's own rule
   (``pages/_ui/_threads.run_threads``: a session decides its count at its first run of a larger network,
   every free core when no other session asked for a run in the last minute, and keeps it; a training
   with k threads takes k slots), alternated; p50/p95 per phase. ``THREADS_BENCH_LOAD=0`` skips it (``THREADS_BENCH_ALONE=0`` skips 1, ``THREADS_BENCH_RULE=0`` skips 0); ``THREADS_BENCH_ROUNDS``
   (1: A B), ``THREADS_BENCH_SESSIONS`` (15), ``THREADS_BENCH_PHASE_SECONDS`` (30).

Every record carries the 1-minute load average before and after: on a shared machine the "alone"
figures are only as alone as the machine was.
"""
from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

import torch
from torch import nn

from engine import device as dev
from engine.budget import Budget
from engine.cores import usable_cores

CORES = usable_cores()
ROUNDS = 3
TM = Path(__file__).resolve().parents[1] / "../shared/data/timemachine.txt"


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def _alternate(measure, counts=(1, CORES), rounds: int = ROUNDS) -> dict[int, list[float]]:
    """``measure(threads) -> rate`` for each count in turn, ``rounds`` times."""
    rates = {n: [] for n in counts}
    for _ in range(rounds):
        for n in counts:
            with dev.threads(n):
                rates[n].append(measure(n))
    return rates


def _record(name: str, rates: dict[int, list[float]], unit: str, load0: float, **extra) -> dict:
    med = {n: statistics.median(v) for n, v in rates.items()}
    one, many = med[1], med[max(med)]
    return {"name": name, "unit": unit, "threads": list(med), **{f"{unit}_{n}_threads": round(v) for n, v in med.items()},
            "runs": {n: [round(x) for x in v] for n, v in rates.items()}, "speedup_all_cores": round(many / one, 3),
            "load_average_before": load0, "load_average_after": _load(), "cores": CORES, **extra}


def _lesson_default_lstm(_n: int) -> float:
    import engine.language_model as L
    from engine.text import CorpusSettings, generate
    s = L.Settings(text_corpus=generate(CorpusSettings().corpus, 0))
    return L.run(s, seed=0, budget=Budget(max_seconds=float("inf"))).tokens_per_s


def _conv_net() -> tuple[nn.Module, torch.Tensor, torch.Tensor]:
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(),
                        nn.MaxPool2d(2), nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Flatten(), nn.Linear(64 * 7 * 7, 10))
    return net, torch.randn(64, 1, 28, 28), torch.randint(0, 10, (64,))


def _conv_images_per_s(_n: int, steps: int = 6) -> float:
    net, X, y = _conv_net()
    trainer = torch.optim.SGD(net.parameters(), lr=0.01)

    def step():
        l = nn.functional.cross_entropy(net(X), y)
        trainer.zero_grad()
        l.backward()
        trainer.step()
    step()
    t = time.perf_counter()
    for _ in range(steps):
        step()
    return steps * len(X) / (time.perf_counter() - t)


def _book_lstm():
    """The lesson's loop and the book's loop on the book's setting (benchmarks/language_model.py),
    one epoch each per call, at the thread count in force."""
    from benchmarks import _book_rnn as B, language_model as LMB
    corpus, vocab = B.load_corpus_time_machine(str(TM), LMB.MAX_TOKENS)
    corpus_t = torch.tensor(corpus)
    lesson, book = LMB.ours("lstm", corpus_t, len(vocab), seed=0), LMB.book("lstm", seed=0)
    lesson(), book()                                 # warm up both
    return lesson, book, len(vocab), LMB


def _transformer_pair():
    from benchmarks.transformer import TorchDecoder, _step_rate
    from engine.transformer import DecoderOnlyTransformer, char_lm
    s, V = char_lm.Settings(), 30
    torch.manual_seed(0)
    ours = DecoderOnlyTransformer(V, s.num_hiddens, s.num_heads, s.num_layers, max_len=s.num_steps)
    theirs = TorchDecoder(V, s.num_hiddens, s.num_heads, s.num_layers, s.num_steps)
    return (lambda: _step_rate(ours, lambda X: ours(X, need_weights=False)[0], V, s.batch_size, s.num_steps, steps=20),
            lambda: _step_rate(theirs, theirs, V, s.batch_size, s.num_steps, steps=20))


def alone():
    load0 = _load()
    yield _record("threads.alone.language_model.default_lstm", _alternate(_lesson_default_lstm), "tokens_per_s", load0,
                  settings="the page's defaults (LSTM, 64 units, batch 16, 20 steps, generated English)")
    load0 = _load()
    yield _record("threads.alone.conv", _alternate(_conv_images_per_s), "images_per_s", load0,
                  model="3 conv layers (32, 64, 64 channels, 3×3) + 2 max-pools + linear, batch 64 of 28×28, SGD")

    if TM.exists():
        lesson, book, vocab_size, LMB = _book_lstm()
        load0 = _load()
        pairs = {n: [] for n in (1, CORES)}
        for _ in range(ROUNDS):
            for n in (1, CORES):
                with dev.threads(n):
                    a, b = lesson()[1], book()[1]
                    a2, b2 = book()[1], lesson()[1]          # A B B A: neither always goes first
                pairs[n].append((statistics.mean((a, b2)), statistics.mean((b, a2))))
        for n, rows in pairs.items():
            ratios = [a / b for a, b in rows]
            lesson_rate = statistics.median(a for a, _ in rows)
            yield {"name": f"threads.lesson_vs_book.lstm.{n}_threads", "threads": n,
                   "tokens_per_s": round(lesson_rate), "reference_tokens_per_s": round(statistics.median(b for _, b in rows)),
                   "reference": "the book's train_epoch_ch8 loop (benchmarks/_book_rnn.py), same nn.LSTM",
                   "ratio_median": round(statistics.median(ratios), 3), "ratios": [round(r, 3) for r in ratios],
                   "compute_floor": "see benchmarks/language_model.py (bare_step_tokens_per_s)",
                   "setting": LMB.BOOK, "load_average_before": load0, "load_average_after": _load()}

    ours, theirs = _transformer_pair()
    load0 = _load()
    pairs = {n: [] for n in (1, CORES)}
    for _ in range(ROUNDS):
        for n in (1, CORES):
            with dev.threads(n):
                pairs[n].append((ours(), theirs()))
    for n, rows in pairs.items():
        yield {"name": f"threads.lesson_vs_torch.transformer.{n}_threads", "threads": n,
               "tokens_per_s": round(statistics.median(a for a, _ in rows)),
               "reference_tokens_per_s": round(statistics.median(b for _, b in rows)),
               "reference": "nn.TransformerEncoderLayer (same size, causal mask)",
               "ratio_median": round(statistics.median(a / b for a, b in rows), 3),
               "ratios": [round(a / b, 3) for a, b in rows], "load_average_before": load0, "load_average_after": _load()}


def class_load():
    from benchmarks._load import load_run
    rounds = int(os.environ.get("THREADS_BENCH_ROUNDS", "1"))
    sessions = int(os.environ.get("THREADS_BENCH_SESSIONS", "15"))
    seconds = float(os.environ.get("THREADS_BENCH_PHASE_SECONDS", "30"))
    for r in range(rounds):
        for label, env in (("one_thread", {"DEEPDIVE_TRAINING_THREADS": "1"}), ("free_cores", {})):
            load0 = _load()
            for rec in load_run(sessions=sessions, explore_phases=1, phase_seconds=seconds, server_env=env,
                                name=f"threads.class_load.{label}"):
                keep = {k: rec.get(k) for k in ("name", "requests", "p50_s", "p95_s", "p95_by_kind_s", "errors",
                                                  "server_cores_used", "warmup_s") if k in rec}
                yield {**keep, "round": r + 1, "setting": label, "sessions": sessions, "phase_seconds": seconds,
                       "load_average_before": load0, "load_average_after": _load()}


def _work_rate(fn, settings, seconds: float) -> float:
    """Budget units per second of ``fn``'s training loop alone, over ``seconds`` from its first budget check
    (data loading, tokenizing and the model's set-up stay out)."""
    marks = []
    budget = Budget(max_seconds=float("inf"))

    def stop() -> bool:
        marks.append((time.perf_counter(), budget.used_units))
        return marks[-1][0] - marks[0][0] > seconds
    budget.stop = stop
    fn(settings, seed=0, budget=budget)
    (t0, u0), (t1, u1) = marks[0], marks[-1]
    return (u1 - u0) / max(1e-9, t1 - t0)


def _rule_cases():
    """(name, training function, settings): each lesson that states its size, at the page's defaults,
    and the language model at the book's setting on The Time Machine."""
    import engine.language_model as LM
    import engine.mlp as M
    from engine.generalization import dropout as D
    from engine.text import CorpusSettings, generate
    from engine.transformer import char_lm as CL
    from engine.vision import lenet as LN, modern as AN
    corpus = generate(CorpusSettings().corpus, 0)
    yield "language_model.default", LM.run, LM.Settings(text_corpus=corpus)
    if TM.exists():
        from engine.text.timemachine import time_machine_corpus
        yield "language_model.book", LM.run, LM.Settings(**{**LM.BOOK_RUN, "model": "lstm", "num_epochs": 50},
                                                         text_corpus=time_machine_corpus(TM.read_text(encoding="utf-8")))
    yield "char_transformer.default", CL.run, CL.Settings(num_epochs=50)
    yield "mlp.default", M.run, M.Settings(compare=False)
    yield "dropout.default", D.run, D.Settings(compare=False)
    yield "lenet.default", LN.run, LN.Settings(compare_mlp=False)
    yield "alexnet_nin.default", AN.run, AN.Settings()


def rule(seconds: float = 2.0):
    """The rule that grants threads (``engine.device.threads_for``: one per 2 M multiply-adds of a training's
    average op, at most the free cores, and only for a training whose numbers do not depend on the count:
    ``states_size``) against what each count measures, alternated 1, all, 1, all …: ``chosen_right`` when the
    count it picks is the faster one (within 5 %); a training that keeps one thread for reproducibility
    shows what a second would have given."""
    for name, fn, s in _rule_cases():
        load0 = _load()
        chosen = dev.threads_for(fn, s, CORES)
        rates = _alternate(lambda n: _work_rate(fn, s, seconds))
        med = {n: statistics.median(v) for n, v in rates.items()}
        best = max(med, key=med.get)
        size = getattr(fn, "macs_per_op", None) or sys.modules[fn.__module__].macs_per_op
        yield {"name": f"threads.rule.{name}", "macs_per_op": round(size(s)), "threads_chosen": chosen,
               "states_size": fn in dev.SIZED,
               "units_per_s": {n: round(v) for n, v in med.items()}, "runs": {n: [round(x) for x in v] for n, v in rates.items()},
               f"speedup_{CORES}_threads": round(med[CORES] / med[1], 3), "fastest": best,
               "chosen_right": med[chosen] >= 0.95 * med[best], "cores": CORES,
               "load_average_before": load0, "load_average_after": _load()}


def run():
    if os.environ.get("THREADS_BENCH_RULE", "1") != "0":
        yield from rule()
    if os.environ.get("THREADS_BENCH_ALONE", "1") != "0":
        yield from alone()
    if os.environ.get("THREADS_BENCH_LOAD", "1") != "0":
        yield from class_load()
