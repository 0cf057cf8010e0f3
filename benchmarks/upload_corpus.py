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

``UPLOAD_BENCH_SLICES`` (default 5) slices per corpus. ``UPLOAD_BENCH_MODELS`` (default "rnn,transformer"):
which pages. The Character-level Transformer page (``engine.transformer.char_lm``) is measured the same way:
its corpus-fitted defaults (``char_lm.suggest``) with 50 epochs (the most the page allows, so that Continue
has slices to train), the page's prompt (the corpus's start) and sampling (200 characters, temperature 0.8,
top-k 10): held-out perplexity, seconds and repetition after every slice.

``UPLOAD_BENCH_FILES``: comma-separated paths of real text files (any encoding) to measure as well, read
the way the page reads an upload (``engine.text.upload.decode_upload``: detected encoding, the same cap).
Not shipped: the generated corpora are the reproducible ones; a real text shows whether they are easier.
``UPLOAD_BENCH_ONLY_FILES=1`` skips the generated corpora.
"""
from __future__ import annotations

import dataclasses
import os
import time

import engine.language_model as L
from benchmarks._upload_corpora import chinese_upload, english_upload
from engine.language_model import fit as F
from engine.transformer import char_lm as TC


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


def _transformer_record(name, r, seconds, first_ppl, prompt_text):
    g = TC.Sampling()
    p = TC.read_prompt(r, prompt_text)
    greedy = TC.generate(r, p.ids, g.num_preds, 0.0, 0)
    sampled = TC.generate(r, p.ids, g.num_preds, g.temperature, 0, g.top_k)
    rg, rs = F.repetition(list(greedy)), F.repetition(list(sampled))
    ppl = float(r.epochs["valid_perplexity"].iloc[-1])
    return {"name": name, "slice": r.settings.slices, "epochs": round(r.epochs_done, 3), "heldout_ppl": round(ppl, 2),
            "ppl_vs_first_slice": round(ppl / first_ppl, 3) if first_ppl else 1.0, "seconds": round(seconds, 2),
            "epochs_per_slice": round(r.epochs_per_slice, 2),
            "greedy_top_share": round(rg.top_share, 3), "greedy_distinct_per_100": rg.distinct_per_100,
            "greedy_loop": rg.cycle, "greedy_degenerate": rg.degenerate, "sampled_top_share": round(rs.top_share, 3),
            "sampled_distinct_per_100": rs.distinct_per_100, "sampled_loop": rs.cycle, "sampled_degenerate": rs.degenerate,
            "greedy_text": greedy[:60], "sampled_text": sampled[:60], "loadavg": os.getloadavg()[0], "time": time.time()}


def _corpora():
    """The generated corpora, then any real files named by ``UPLOAD_BENCH_FILES`` (decoded as uploads)."""
    from pathlib import Path

    from engine.text.upload import decode_upload
    yield chinese_upload()
    yield english_upload()
    for path in filter(None, os.environ.get("UPLOAD_BENCH_FILES", "").split(",")):
        p = Path(path)
        yield decode_upload(p.read_bytes(), name=p.name)


def run_transformer(slices: int):
    for corpus in _corpora():
        if os.environ.get("UPLOAD_BENCH_ONLY_FILES") == "1" and corpus.note.startswith("generated"):
            continue
        stats = F.corpus_stats(corpus)
        s = TC.Settings(corpus=corpus, num_epochs=50, **TC.suggest(stats))
        prompt = " ".join(corpus.text[:200].split())[: min(24, s.num_steps)]        # the page's default prompt
        if s.max_tokens != TC.Settings().max_tokens:     # the reference: the page's defaults before (20,000 characters)
            t = time.perf_counter()
            r = TC.run(dataclasses.replace(s, max_tokens=TC.Settings().max_tokens), seed=0)
            yield _transformer_record(f"transformer {corpus.name}: 20,000 characters (before), 50 epochs", r,
                                      time.perf_counter() - t, None, prompt)
        r, first = None, None
        for k in range(1, slices + 1):
            t = time.perf_counter()
            r = TC.run(dataclasses.replace(s, slices=k), seed=0, resume=r)
            seconds = time.perf_counter() - t
            first = first or float(r.epochs["valid_perplexity"].iloc[-1])
            rec = _transformer_record(f"transformer {corpus.name}: page defaults, 50 epochs", r, seconds, first, prompt)
            if k == 1:
                rec["suggested"] = TC.suggest(stats)
            yield rec
            if not r.can_continue:
                break


def run():
    slices = int(os.environ.get("UPLOAD_BENCH_SLICES", "5"))
    models = os.environ.get("UPLOAD_BENCH_MODELS", "rnn,transformer").split(",")
    if "transformer" in models:
        yield from run_transformer(slices)
    if "rnn" not in models:
        return
    for corpus in _corpora():
        if os.environ.get("UPLOAD_BENCH_ONLY_FILES") == "1" and corpus.note.startswith("generated"):
            continue
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
