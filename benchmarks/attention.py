"""Attention lessons: training time to a stated exact-match accuracy on the dates task with and
without attention (same sizes, same data, no work cap), the page's default and heaviest runs,
and the playground's computation at its largest setting. Training runs on one intra-op thread,
so ``cpu_seconds`` (process time) is what it costs on a quiet machine even when the wall clock
of a shared one says more."""
from __future__ import annotations

import time

import torch

import engine.attention.playground as P
import engine.attention.translation as T
from benchmarks.timing import best_of
from engine.attention import dates as D
from engine.device import intra_op_threads

TARGET = 0.90            # exact match on the 300 held-out dates
MAX_EPOCHS = 40


def time_to_accuracy(attention: bool, s: T.Settings = T.Settings(), seed: int = 0) -> dict:
    """Train one model epoch by epoch (the lesson's loop without its cap) until the test
    exact-match accuracy reaches TARGET; the clock includes the per-epoch evaluation."""
    train, test = D.make_dataset(s.num_train, s.num_test, seed)
    src_vocab, tgt_vocab = T.make_vocabs()
    X, X_valid_len, Y = T.build_array(train, src_vocab, tgt_vocab)
    X_test, X_test_valid_len, _ = T.build_array(test, src_vocab, tgt_vocab)
    g = torch.Generator().manual_seed(seed * 2 + (0 if attention else 1))
    net = T.make_net(attention, len(src_vocab), len(tgt_vocab), s.embed_size, s.num_hiddens, s.num_layers, g)
    trainer = torch.optim.Adam(net.parameters(), lr=s.lr)
    t0, c0, acc, epoch = time.perf_counter(), time.process_time(), 0.0, 0
    with intra_op_threads(1):
        while acc < TARGET and epoch < MAX_EPOCHS:
            perm = torch.randperm(s.num_train, generator=g)
            for i in range(0, s.num_train, s.batch_size):
                idx = perm[i:i + s.batch_size]
                T.train_step(net, X[idx], X_valid_len[idx], Y[idx], tgt_vocab, trainer)
            epoch += 1
            acc, _ = T.evaluate(net, X_test, X_test_valid_len, test, tgt_vocab)
    return {"seconds": round(time.perf_counter() - t0, 3), "cpu_seconds": round(time.process_time() - c0, 3),
            "epochs": epoch, "exact_match": acc,
            "reached": acc >= TARGET}


def run():
    att = time_to_accuracy(True)
    plain = time_to_accuracy(False)
    yield {"name": "attention.seq2seq.time_to_90pct.attention", **att, "target": TARGET}
    yield {"name": "attention.seq2seq.time_to_90pct.no_attention", **plain, "target": TARGET,
           "max_epochs": MAX_EPOCHS, "reference": "attention",
           "ratio_seconds_vs_attention": round(plain["seconds"] / att["seconds"], 2),
           "ratio_cpu_seconds_vs_attention": round(plain["cpu_seconds"] / att["cpu_seconds"], 2)}

    c0 = time.process_time()
    seconds, r = best_of(lambda: T.run(T.Settings(), seed=0), repeat=1)
    yield {"name": "attention.seq2seq.page_default", "seconds": round(seconds, 3),
           "cpu_seconds": round(time.process_time() - c0, 3), "steps": r.steps,
           "exact_match_attention": r.accuracy("attention"), "exact_match_no_attention": r.accuracy("no_attention")}

    heavy = T.Settings(num_train=5000, num_test=1000, embed_size=64, num_hiddens=128, num_layers=2,
                       batch_size=8, num_epochs=30)
    c0 = time.process_time()
    seconds, r = best_of(lambda: T.run(heavy, seed=0), repeat=1)
    yield {"name": "attention.seq2seq.heaviest", "seconds": round(seconds, 3),
           "cpu_seconds": round(time.process_time() - c0, 3), "steps": r.steps,
           "capped_by": r.stop_reason, "max_units": T.MAX_UNITS}

    big = P.Settings(n_queries=8, n_keys=10, d=64, d_v=8, num_hiddens=32, causal=True, valid_len=7)
    seconds, _ = best_of(lambda: P.attend(big, seed=0), repeat=20)
    yield {"name": "attention.playground.attend_largest", "seconds": round(seconds, 5)}
    seconds, _ = best_of(lambda: P.saturation_curve(10, seed=0), repeat=3)
    yield {"name": "attention.playground.saturation_curve", "seconds": round(seconds, 4),
           "ds": len(P.SATURATION_DS), "max_d": max(P.SATURATION_DS)}
