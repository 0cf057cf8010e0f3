"""The character-level Transformer on a student's own text (issue 16, as the recurrent language model):
Continue (k slices of the work budget resumed from checkpoints = one run of k budgets: weights, Adam's
moments, the cosine schedule's position, the data generator and the position in the epoch), settings
that fit the corpus, top-k sampling, and the degenerate-output advice in the situations that trigger it."""
from __future__ import annotations

import dataclasses

import pytest
import torch

from benchmarks._upload_corpora import chinese_upload, english_upload
from engine.budget import Budget
from engine.language_model import fit as F
from engine.text import Corpus, generate
from engine.transformer import char_lm as C

SMALL = C.Settings(max_tokens=3000, num_epochs=50, num_steps=16, num_hiddens=32)
COLS = ["epoch", "step", "loss", "perplexity", "valid_perplexity"]          # tokens/s is a measurement


def same_run(a, b):
    assert a.epochs[COLS].equals(b.epochs[COLS])
    assert a.stop_reason == b.stop_reason
    sa, sb = a.net.state_dict(), b.net.state_dict()
    assert sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)
    if a.checkpoint is not None:     # Adam's moments and the schedule end where the uninterrupted run's do
        oa, ob = a.checkpoint.optimizer, b.checkpoint.optimizer
        assert oa["param_groups"] == ob["param_groups"]
        for k, st in oa["state"].items():
            assert all(torch.equal(st[n], ob["state"][k][n]) for n in st)
        assert a.checkpoint.scheduler == b.checkpoint.scheduler


def chain(s, k, seed=1):
    r = C.run(dataclasses.replace(s, slices=1), seed=seed)
    for j in range(2, k + 1):
        r = C.run(dataclasses.replace(s, slices=j), seed=seed, resume=r)
    return r


@pytest.mark.parametrize("kw", [{}, dict(batch_size=24, num_heads=1, num_layers=1)])
def test_k_slices_resumed_equal_one_run_of_k_budgets(monkeypatch, kw):
    monkeypatch.setattr(C, "MAX_UNITS", 2.5e9)          # ≈ 17 epochs of SMALL per slice: slices end inside epochs
    s = dataclasses.replace(SMALL, **kw)
    full = C.run(dataclasses.replace(s, slices=3), seed=1)
    resumed = chain(s, 3)
    same_run(full, resumed)
    assert full.stop_reason == "units" and full.can_continue
    assert (full.epochs["epoch"] % 1 > 0).any()              # some slice did end in the middle of an epoch
    # each slice trains what one budget pays for: the steps of slice j are those of the run with j budgets
    for j in (1, 2):
        part = C.run(dataclasses.replace(s, slices=j), seed=1)
        assert part.checkpoint.work_done <= j * C.MAX_UNITS < part.checkpoint.work_done + part.units_per_batch
        assert full.epochs[COLS].iloc[: len(part.epochs)].equals(part.epochs[COLS])
        assert abs(part.epochs_done - j * part.epochs_per_slice) < 0.05 * j * part.epochs_per_slice   # what the page promises
    same_run(chain(s, 3), resumed)                            # the same numbers again
    assert not chain(s, 2, seed=2).epochs[COLS].equals(chain(s, 2).epochs[COLS])     # another seed: others


def test_resuming_without_adams_state_would_differ(monkeypatch):
    """The checkpoint's optimizer state matters: a resume with fresh moments gives other numbers."""
    monkeypatch.setattr(C, "MAX_UNITS", 2.5e9)
    r1 = C.run(SMALL, seed=0)
    fresh = torch.optim.Adam(r1.net.parameters(), lr=SMALL.lr).state_dict()
    bare = dataclasses.replace(r1, checkpoint=dataclasses.replace(r1.checkpoint, optimizer=fresh))
    two = C.run(dataclasses.replace(SMALL, slices=2), seed=0)
    assert not C.run(dataclasses.replace(SMALL, slices=2), seed=0, resume=bare).epochs[COLS].equals(two.epochs[COLS])


def test_resume_keeps_the_shared_result_unchanged(monkeypatch):
    monkeypatch.setattr(C, "MAX_UNITS", 2.5e9)
    r1 = C.run(SMALL, seed=0)
    weights = {k: v.clone() for k, v in r1.net.state_dict().items()}
    moments = {k: {n: t.clone() for n, t in st.items()} for k, st in r1.checkpoint.optimizer["state"].items()}
    C.run(dataclasses.replace(SMALL, slices=2), seed=0, resume=r1)
    assert all(torch.equal(weights[k], v) for k, v in r1.net.state_dict().items())
    assert all(torch.equal(moments[k][n], t) for k, st in r1.checkpoint.optimizer["state"].items() for n, t in st.items())
    again = C.run(dataclasses.replace(SMALL, slices=2), seed=0, resume=r1)      # the cached slice serves twice
    same_run(again, C.run(dataclasses.replace(SMALL, slices=2), seed=0))


def test_resume_must_be_the_slice_before(monkeypatch):
    monkeypatch.setattr(C, "MAX_UNITS", 2.5e9)
    r1 = C.run(SMALL, seed=0)
    for s, seed in ((dataclasses.replace(SMALL, slices=3), 0), (dataclasses.replace(SMALL, slices=2, lr=0.001), 0),
                    (dataclasses.replace(SMALL, slices=2), 5)):
        with pytest.raises(ValueError):
            C.run(s, seed=seed, resume=r1)


def test_a_run_that_ends_its_epochs_has_nothing_to_continue(monkeypatch):
    r = C.run(dataclasses.replace(SMALL, num_epochs=2, slices=3), seed=0)       # 2 epochs fit in one slice
    assert r.stop_reason is None and r.checkpoint is None and not r.can_continue
    assert list(r.epochs["epoch"]) == [1.0, 2.0]
    stopped = C.run(SMALL, seed=0, budget=Budget(stop=lambda: True))
    assert stopped.checkpoint is None and stopped.stop_reason == "stopped"


def test_suggest_more_text_for_a_large_vocabulary():
    zh, en = F.corpus_stats(chinese_upload()), F.corpus_stats(english_upload())
    assert zh.distinct_chars > 2000 and en.distinct_chars < 60
    assert C.suggest(zh) == {"max_tokens": 61_000}            # all 60,001 characters, rounded up to the slider's step
    assert C.suggest(en) == {"max_tokens": C.Settings().max_tokens}      # a few dozen letters: the page's default
    assert C.suggest(F.corpus_stats(generate("chinese", 0))) == {"max_tokens": C.Settings().max_tokens}
    big = F.CorpusStats("zh", 500_000, 5_000, 0, 0)
    assert C.suggest(big) == {"max_tokens": C.MAX_CORPUS_TOKENS}       # never past the bound
    assert C.small_for_vocab(C.Settings(), zh) and not C.small_for_vocab(C.Settings(max_tokens=61_000), zh)
    assert C.small_for_vocab(C.Settings(max_tokens=61_000, num_hiddens=32), zh)
    assert not C.small_for_vocab(C.Settings(), en)


def test_top_k_one_is_greedy_and_top_k_keeps_to_the_k_most_likely():
    r = C.run(dataclasses.replace(SMALL, num_epochs=2), seed=0)
    p = C.read_prompt(r, "the ")
    assert C.generate(r, p.ids, 60, 2.0, seed=3, top_k=1) == C.generate(r, p.ids, 60, 0.0, seed=0)
    # one step at a high temperature: every draw is among the 3 most likely characters (never <unk>)
    logits = r.net(torch.tensor([p.ids]))[0][0, -1]
    logits[r.vocab.unk] = -float("inf")
    top3 = {r.vocab.to_tokens(int(i)) for i in torch.topk(logits, 3).indices}
    assert {C.generate(r, p.ids, 1, 2.0, seed=k, top_k=3) for k in range(40)} <= top3
    assert len({C.generate(r, p.ids, 1, 2.0, seed=k) for k in range(40)} - top3) > 0    # without top-k: others too


def _advice(r, text):
    p = C.read_prompt(r, text)
    greedy, sampled = C.generate(r, p.ids, 100, 0.0, 0), C.generate(r, p.ids, 100, 0.8, 0, 10)
    return F.repetition(list(greedy)), F.repetition(list(sampled))


def test_degenerate_text_of_an_untrained_model_and_the_advice(monkeypatch):
    # one minibatch of training: the greedy text is the most frequent character, over and over
    one_step = C.run(C.Settings(max_tokens=2000, num_epochs=1, batch_size=256), seed=0)
    assert one_step.epochs["step"].iloc[-1] == 1
    g, s = _advice(one_step, "the time ")
    assert g.degenerate and g.top_token == " " and g.top_share > F.MAX_SHARE and not s.degenerate
    stats = F.corpus_stats(generate("english", 0))
    kw = dict(small_model=C.small_for_vocab(one_step.settings, stats), sampling_on=True)
    assert F.advice(g, s, can_continue=one_step.can_continue, **kw) == ["advice_sample", "advice_epochs"]
    # the same after a slice that the budget cut: Continue is the advice
    monkeypatch.setattr(C, "MAX_UNITS", 3e8)
    cut = C.run(C.Settings(max_tokens=2000, num_epochs=10, batch_size=256), seed=0)
    assert cut.can_continue
    g, s = _advice(cut, "the time ")
    assert g.degenerate
    assert F.advice(g, s, can_continue=cut.can_continue, **kw) == ["advice_sample", "advice_continue"]
    # a large vocabulary on 20,000 characters: the advice asks for more of the corpus
    zh = chinese_upload()
    assert "advice_larger" in F.advice(g, s, can_continue=False, small_model=C.small_for_vocab(C.Settings(), F.corpus_stats(zh)),
                                       sampling_on=True)


def test_a_trained_model_writes_text_worth_reading():
    r = C.run(C.Settings(), seed=0)               # the page's defaults on the generated English text
    g, s = _advice(r, "the time ")
    assert not g.degenerate and not s.degenerate
    assert F.advice(g, s, can_continue=r.can_continue, small_model=False, sampling_on=True) == []
    tiny = C.run(dataclasses.replace(SMALL, corpus=Corpus("tiny", "ab")), seed=0)       # nothing to train on
    assert tiny.epochs_per_slice >= 0 and not tiny.can_continue
