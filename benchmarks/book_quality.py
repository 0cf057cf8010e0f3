"""The book's quality, sooner: seconds until the LSTM's **training perplexity is ≤ 1.1** on the book's data
(the first 10,000 characters of The Time Machine, d2l-zh 9.2 = d2l 0.17 §9.2), measured the book's way
(``train_epoch_ch8``: exp of the mean per-token cross-entropy over the epoch's minibatches).

- **ours**: the lesson's "fast to the book's quality" preset (``engine.language_model.FAST_RUN``): the book's
  model, data, minibatches (32 × 35, sequential) and clipping θ = 1, with Adam η = 0.01 instead of SGD η = 1 —
  built by the lesson's own pieces (``make_net``, ``make_updater``, ``train_epoch_ch8``, the seeded iterator);
- **reference**: the book's own loop (``benchmarks/_book_rnn.py``) with the book's settings (SGD η = 1,
  ``torch.optim.SGD``), until ≤ 1.1 or 500 epochs.

Both train epoch by epoch in alternation, one torch thread each, so both meet the same machine load; each
stops at its first epoch ≤ 1.1. Wall-clock and CPU seconds (``time.process_time``, which load on a shared
machine does not inflate) are both reported, with the load average. Then the lesson's own ``run`` with the
preset, slice after slice as the page's Continue button trains it: in which slice and epoch it gets there.

``BQ_MODELS`` (default ``lstm``; also ``gru``) and ``BQ_SEED`` (default 0). ≈ 1 min per model on one core.
"""
from __future__ import annotations

import dataclasses
import math
import os
import random
import time
from pathlib import Path

import torch
from torch import nn

import engine.language_model as L
from benchmarks import _book_rnn as B
from engine.device import intra_op_threads
from engine.language_model import core as C
from engine.language_model.data import seq_data_iter_sequential
from engine.text import corpus_ids, time_machine_corpus

TM = Path(__file__).resolve().parents[1] / "../shared/data/timemachine.txt"
BOOK_MAX_EPOCHS = 500


def _load() -> str:
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def run():
    if not TM.exists():
        yield {"name": "book_quality", "skipped": f"{TM} not found"}
        return
    models = [m for m in os.environ.get("BQ_MODELS", "lstm").split(",") if m]
    seed = int(os.environ.get("BQ_SEED", 0))
    book = {k: C.BOOK_RUN[k] for k in ("batch_size", "num_steps", "lr", "theta", "max_tokens", "num_hiddens")}
    book_iter, book_vocab = B.load_data_time_machine(str(TM), book["batch_size"], book["num_steps"],
                                                     max_tokens=book["max_tokens"])
    corpus = time_machine_corpus(TM.read_text(encoding="utf-8"))
    for kind in models:
        s = dataclasses.replace(L.fast_run(kind), text_corpus=corpus)
        ids, vocab = corpus_ids(corpus, s.token, 0, s.max_tokens + C.MAX_HELDOUT_TOKENS)
        train_ids = torch.tensor(C.split_ids(ids, s.max_tokens)[0])
        assert train_ids.tolist() == book_iter.corpus and vocab.idx_to_token == book_vocab.idx_to_token
        load_before = _load()
        with intra_op_threads(1):
            gen = torch.Generator().manual_seed(seed)
            ours = C.make_net(s, len(vocab), gen)          # as L.run builds it
            ours_updater, loss = L.make_updater(ours.parameters(), s.optimizer, s.lr), nn.CrossEntropyLoss()
            random.seed(seed)
            torch.manual_seed(seed)
            ref = B.book_model(kind, len(book_vocab), book["num_hiddens"])
            ref_updater = torch.optim.SGD(ref.parameters(), book["lr"])
            wall, cpu, epochs, ppl, hit = [0.0, 0.0], [0.0, 0.0], [0, 0], [math.inf, math.inf], [None, None]
            trace = []
            while (hit[0] is None and epochs[0] < s.num_epochs) or (hit[1] is None and epochs[1] < BOOK_MAX_EPOCHS):
                if hit[0] is None and epochs[0] < s.num_epochs:
                    t, c = time.perf_counter(), time.process_time()
                    it = seq_data_iter_sequential(train_ids, s.batch_size, s.num_steps, gen)
                    ppl[0], *_ = L.train_epoch_ch8(ours, it, loss, ours_updater, "cpu", False, s.theta)
                    wall[0] += time.perf_counter() - t
                    cpu[0] += time.process_time() - c
                    epochs[0] += 1
                    if ppl[0] <= C.FAST_TARGET:
                        hit[0] = epochs[0]
                if hit[1] is None and epochs[1] < BOOK_MAX_EPOCHS:
                    t, c = time.perf_counter(), time.process_time()
                    ppl[1], _ = B.train_epoch_ch8(ref, book_iter, loss, ref_updater, "cpu", False)
                    wall[1] += time.perf_counter() - t
                    cpu[1] += time.process_time() - c
                    epochs[1] += 1
                    if ppl[1] <= C.FAST_TARGET:
                        hit[1] = epochs[1]
                if epochs[1] % 25 == 0 or hit[1] == epochs[1]:
                    trace.append((epochs[0], round(ppl[0], 3), epochs[1], round(ppl[1], 3)))
                    print(f"# {kind}: ours epoch {epochs[0]} ppl {ppl[0]:.3f} ({cpu[0]:.1f} s cpu), "
                          f"book's loop epoch {epochs[1]} ppl {ppl[1]:.3f} ({cpu[1]:.1f} s cpu)", flush=True)
        yield {"name": f"book_quality.{kind}", "target_train_perplexity": C.FAST_TARGET, "seed": seed,
               "setting": {k: getattr(s, k) for k in ("optimizer", "lr", "batch_size", "num_steps", "theta",
                                                       "num_hiddens", "max_tokens")},
               "reference_setting": {**book, "optimizer": "torch.optim.SGD", "max_epochs": BOOK_MAX_EPOCHS},
               "epochs_to_target": hit[0], "reference_epochs_to_target": hit[1],
               "perplexity": round(ppl[0], 3), "reference_perplexity": round(ppl[1], 3),
               "seconds": round(wall[0], 2), "reference_seconds": round(wall[1], 2),
               "cpu_seconds": round(cpu[0], 2), "reference_cpu_seconds": round(cpu[1], 2),
               "speedup_wall": round(wall[1] / wall[0], 2), "speedup_cpu": round(cpu[1] / cpu[0], 2),
               "reached": hit[0] is not None, "reference_reached": hit[1] is not None,
               "trace_ours_epoch_ppl_book_epoch_ppl": trace, "torch_threads": 1,
               "loadavg_before": load_before, "loadavg_after": _load()}
        # the lesson's run with the preset, as the page trains it: one work budget per slice (Continue)
        r, t, c = None, time.perf_counter(), time.process_time()
        for k in range(1, C.MAX_SLICES + 1):
            r = L.run(dataclasses.replace(s, slices=k), seed=seed, resume=r)
            at = C.first_epoch_at(r.epochs)
            if at is not None or r.checkpoint is None:
                break
        yield {"name": f"book_quality.{kind}.lesson_preset_in_slices", "slices": k, "epoch_at_target": at,
               "train_perplexity": round(r.final_train_ppl, 3), "heldout_perplexity": round(r.final_heldout_ppl, 3),
               "seconds": round(time.perf_counter() - t, 2), "cpu_seconds": round(time.process_time() - c, 2),
               "training_seconds_recorded": round(float(r.epochs["seconds"].sum()), 2),
               "epochs_per_slice": round(C.MAX_WORK / r.work_per_batch / r.batches_per_epoch, 2),
               "loadavg_after": _load()}
