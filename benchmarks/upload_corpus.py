"""Your own text, trained well (issue 16): uploaded-style corpora (``benchmarks/_upload_corpora.py``: a
Chinese text of ≈ 60 k characters with ≈ 2.4 k distinct ones, an English one of ≈ 60 k words) trained
with the page's own defaults for them (``engine.language_model.fit.suggest``), slice after slice with
Continue (each slice resumed from the one before, as the page does).

Per slice: held-out perplexity, the seconds the slice took, and the repetition of the text the page
shows (100 tokens after the held-out start): the greedy text and the sampled one (the page's default
temperature and top-k), as the share of the most frequent token and distinct tokens per 100.
Reference in the same run: the lesson's defaults before this change (one-hot input, 64 units) on the
Chinese text, one slice. Goal: after at most 3 slices, held-out perplexity ≤ 1/3 of the first slice's and
no token above 20 % of the generated text.

``UPLOAD_BENCH_SLICES`` (default 5) slices per corpus.
"""
from __future__ import annotations

import dataclasses
import os
import time

import engine.language_model as L
from benchmarks._upload_corpora import chinese_upload, english_upload
from engine.language_model import fit as F


def _texts(r, seed=0):
    greedy = L.generate(r, "", L.Sampling(temperature=0.0), seed=seed)
    sampled = L.generate(r, "", L.Sampling(), seed=seed)
    return greedy, sampled


def _record(name, r, seconds, first_ppl):
    greedy, sampled = _texts(r)
    g, s = F.repetition(list(greedy.continuation)), F.repetition(list(sampled.continuation))
    return {"name": name, "slice": r.settings.slices, "epochs": round(r.epochs_done, 3),
            "heldout_ppl": round(r.final_heldout_ppl, 2),
            "ppl_vs_first_slice": round(r.final_heldout_ppl / first_ppl, 3) if first_ppl else 1.0,
            "seconds": round(seconds, 2),
            "greedy_top_share": round(g.top_share, 3), "greedy_distinct_per_100": g.distinct_per_100,
            "greedy_loop": g.cycle, "sampled_top_share": round(s.top_share, 3),
            "sampled_distinct_per_100": s.distinct_per_100, "sampled_loop": s.cycle,
            "greedy_text": greedy.text[:80], "sampled_text": sampled.text[:80], "time": time.time()}


def run():
    slices = int(os.environ.get("UPLOAD_BENCH_SLICES", "5"))
    for corpus in (chinese_upload(), english_upload()):
        stats = F.corpus_stats(corpus, L.Settings().max_tokens)
        s = L.Settings(text_corpus=corpus, **F.suggest(stats))
        yield {"name": f"{corpus.name}: corpus", "chars": stats.num_chars, "distinct_chars": stats.distinct_chars,
               "words": stats.num_words, "distinct_words": stats.distinct_words,
               "suggested": F.suggest(stats), "time": time.time()}
        if corpus.lang == "zh":      # the reference: the lesson's defaults before (the book's one-hot input)
            t = time.perf_counter()
            r = L.run(dataclasses.replace(s, embedding=False, num_hiddens=64), seed=0)
            yield _record(f"{corpus.name}: one-hot, 64 units (before)", r, time.perf_counter() - t, None)
        r, first = None, None
        for k in range(1, slices + 1):
            t = time.perf_counter()
            r = L.run(dataclasses.replace(s, slices=k), seed=0, resume=r)
            seconds = time.perf_counter() - t
            first = first or r.final_heldout_ppl
            yield _record(f"{corpus.name}: page defaults", r, seconds, first)
            if not r.can_continue:
                break
