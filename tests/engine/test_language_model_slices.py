"""Your own text, trained well (issue 16): Continue (k slices of the work budget = one run of k budgets,
resumed from a checkpoint), defaults that fit the corpus, word tokens refused for a small corpus,
degenerate-output detection and the advice the page gives for it."""
from __future__ import annotations

import dataclasses

import pytest
import torch

import engine.language_model as L
from benchmarks._upload_corpora import chinese_upload, english_upload
from engine.budget import Budget
from engine.language_model import core as C
from engine.language_model import fit as F
from engine.text import Corpus, generate


def same_run(a, b):
    """Every number of two results: curves (but the seconds), samples, weights, and the checkpoint."""
    assert a.epochs.drop(columns=["seconds"]).equals(b.epochs.drop(columns=["seconds"]))
    assert a.batches.equals(b.batches) and a.samples.equals(b.samples)
    assert a.stop_reason == b.stop_reason
    sa, sb = a.net.state_dict(), b.net.state_dict()
    assert sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)


def chain(s, k, seed=1):
    r = L.run(dataclasses.replace(s, slices=1), seed=seed)
    for j in range(2, k + 1):
        r = L.run(dataclasses.replace(s, slices=j), seed=seed, resume=r)
    return r


@pytest.mark.parametrize("kw", [dict(partition="sequential"),
                                dict(partition="random", num_layers=2, dropout=0.3),
                                dict(impl="scratch", model="gru", num_hiddens=32, embedding=True),
                                dict(optimizer="adam", lr=0.01)])     # Adam's averages carried across slices
def test_k_slices_resumed_equal_one_run_of_k_budgets(monkeypatch, kw):
    # small slices so that they end inside epochs (the carried state, the iterator's position, dropout's RNG)
    monkeypatch.setattr(C, "MAX_WORK", 2.5e9)
    s = L.Settings(num_epochs=50, **kw)
    full = L.run(dataclasses.replace(s, slices=3), seed=1)
    resumed = chain(s, 3)
    same_run(full, resumed)
    assert full.stop_reason == "units" and full.can_continue
    fractions = full.epochs["epoch"].iloc[1:] % 1
    assert (fractions > 0).any()                     # some slice did end in the middle of an epoch
    # the slices are the budget's multiples: each one trains what one budget pays for, no more
    for j in (1, 2):
        part = L.run(dataclasses.replace(s, slices=j), seed=1)
        assert len(part.batches) == int(j * C.MAX_WORK // part.work_per_batch)
        assert full.batches.iloc[: len(part.batches)].equals(part.batches)
    # the same settings, seed and k give the same numbers; another seed does not
    same_run(chain(s, 3), resumed)
    assert not chain(s, 2, seed=2).batches.equals(chain(s, 2).batches)


def test_resume_keeps_the_shared_result_unchanged(monkeypatch):
    monkeypatch.setattr(C, "MAX_WORK", 2.5e9)
    s = L.Settings(num_epochs=50)
    r1 = L.run(s, seed=0)
    before = {k: v.clone() for k, v in r1.net.state_dict().items()}
    rows = len(r1.batches)
    L.run(dataclasses.replace(s, slices=2), seed=0, resume=r1)
    assert all(torch.equal(before[k], v) for k, v in r1.net.state_dict().items()) and len(r1.batches) == rows
    again = L.run(dataclasses.replace(s, slices=2), seed=0, resume=r1)       # the cached slice serves twice
    same_run(again, L.run(dataclasses.replace(s, slices=2), seed=0))


def test_resume_must_be_the_slice_before(monkeypatch):
    monkeypatch.setattr(C, "MAX_WORK", 2.5e9)
    s = L.Settings(num_epochs=50)
    r1 = L.run(s, seed=0)
    with pytest.raises(ValueError):
        L.run(dataclasses.replace(s, slices=3), seed=0, resume=r1)               # not k − 1
    with pytest.raises(ValueError):
        L.run(dataclasses.replace(s, slices=2, lr=1.0), seed=0, resume=r1)       # other settings
    with pytest.raises(ValueError):
        L.run(dataclasses.replace(s, slices=2), seed=5, resume=r1)               # another seed


def test_a_run_that_ends_its_epochs_or_is_stopped_cannot_continue(monkeypatch):
    done = L.run(L.Settings(num_epochs=1), seed=0)
    assert done.stop_reason is None and done.checkpoint is None and not done.can_continue
    monkeypatch.setattr(C, "MAX_WORK", 2.5e9)
    stopped = L.run(L.Settings(num_epochs=50), seed=0, budget=Budget(stop=lambda: True))
    assert stopped.stop_reason == "stopped" and not stopped.can_continue
    last = L.run(L.Settings(num_epochs=50, slices=C.MAX_SLICES), seed=0)
    assert last.stop_reason == "units" and not last.can_continue        # at most MAX_SLICES per link
    # asking for more slices than the epochs need: the run ends when the epochs do
    few = L.run(L.Settings(num_epochs=2, slices=C.MAX_SLICES), seed=0)
    assert few.stop_reason is None and few.epochs["epoch"].iloc[-1] == 2


# ---- defaults that fit the corpus --------------------------------------------------------------------

def test_suggestions_follow_the_vocabulary():
    small = F.corpus_stats(generate("english", 0))
    defaults = L.Settings()
    assert small.distinct_chars < 40                                     # the book's settings suit 28 letters
    assert F.suggest(small) == {"embedding": defaults.embedding, "num_hiddens": defaults.num_hiddens}
    zh = F.corpus_stats(chinese_upload())
    assert 2_000 < zh.distinct_chars < 3_000 and 55_000 < zh.num_chars < 65_000
    assert F.suggest(zh) == {"embedding": True, "num_hiddens": F.LARGE_VOCAB_HIDDENS}
    # the defaults are the lesson's own where nothing is suggested
    s = L.Settings(**F.suggest(zh))
    assert s.uses_embedding and not F.small_for_vocab(s.embedding, s.num_hiddens, zh.distinct_chars)
    assert F.small_for_vocab(False, 256, zh.distinct_chars) and not F.small_for_vocab(False, 64, 28)


def test_word_tokens_refused_for_a_small_corpus_only():
    tiny = F.corpus_stats(Corpus("notes", "the cat sat on the mat. a dog ran far away from home today.\n" * 30))
    assert F.words_refused(tiny) and tiny.num_words < F.MIN_WORDS
    assert F.suggest(tiny, "word") == F.suggest(tiny, "char")           # its characters decide
    names = " ".join(f"w{i}" for i in range(2_500))
    rare = F.corpus_stats(Corpus("names", names + "\n" + names))     # 5,000 words, each seen twice
    assert rare.num_words >= F.MIN_WORDS and F.words_refused(rare)
    generated = F.corpus_stats(generate("english", 0, 60_000))    # ≈ 80 words, each seen hundreds of times
    assert not F.words_refused(generated)


def test_epochs_per_slice_and_slices_needed():
    s = L.Settings(embedding=True, num_hiddens=128)
    work = L.work_per_batch(s, 2_500, 16, 20)
    eps = F.epochs_per_slice(54_000, work, 16, 20, C.MAX_WORK)
    assert eps == pytest.approx((C.MAX_WORK // work) * 320 / 54_000)
    assert 1 < eps < 1.5 and F.slices_needed(eps) == 3        # ≈ 1.3 epochs a slice: 3 epochs need 3 slices
    assert F.slices_needed(1.5, 3) == 2 and F.slices_needed(1.0, 3) == 3 and F.slices_needed(10.0, 3) == 1


# ---- output worth reading ----------------------------------------------------------------------------

def test_repetition_measures():
    r = F.repetition(list("我我我我我我我我我我"))
    assert r.top_token == "我" and r.top_share == 1.0 and r.distinct_per_100 == 10.0 and r.degenerate
    loop = F.repetition(list("我们走吧" * 25))                      # no token above 30 %, but 4 of them loop
    assert loop.cycle == 4 and loop.top_share < F.MAX_SHARE and loop.distinct_per_100 == 4 and loop.degenerate
    text = list(chinese_upload().text.replace("\n", "")[:200])
    ok = F.repetition(text)
    assert not ok.degenerate and ok.top_share < 0.2 and ok.distinct_per_100 > 40
    assert F.repetition(list("ab" * 2 + "cdefghij")).cycle == 0           # a repeat, not a loop at the end
    sentence = F.repetition(list("今天我们在河边看见了一只美丽的小鸟。" * 6))    # greedy text of a model that learned a line
    assert sentence.cycle == 18 and not sentence.degenerate
    assert not F.repetition([]).degenerate


def test_advice_fits_the_situation():
    loop = F.repetition(list("的的的的的的的的"))
    fine = F.repetition(list("今天我们去公园散步吧小猫在花园里"))
    # greedy loops, sampling does not, the budget ended it: read the sample, Continue
    assert F.advice(loop, fine, can_continue=True, small_model=False, sampling_on=True) == ["advice_sample", "advice_continue"]
    # both loop, a one-hot model of a large vocabulary that ran all its epochs: a larger model
    assert F.advice(loop, loop, can_continue=False, small_model=True, sampling_on=True) == ["advice_larger"]
    # both loop, the model fits, epochs done: more epochs
    assert F.advice(loop, loop, can_continue=False, small_model=False, sampling_on=True) == ["advice_epochs"]
    # sampling switched off (temperature 0): say that sampling helps
    assert "advice_sample" in F.advice(loop, loop, can_continue=True, small_model=False, sampling_on=False)
    assert F.advice(fine, fine, can_continue=True, small_model=True, sampling_on=True) == []


def test_one_hot_on_a_large_vocabulary_writes_degenerate_text_and_the_advice_says_why(monkeypatch):
    """The issue's case, small: a one-hot model of ≈ 2,400 characters stopped by the budget writes
    one character over and over; the advice is Continue and a larger model."""
    monkeypatch.setattr(C, "MAX_WORK", 2e10)
    zh = chinese_upload()
    r = L.run(L.Settings(text_corpus=zh, max_tokens=20_000), seed=0)
    assert r.stop_reason == "units" and r.can_continue and r.vocab_size > 2_000
    greedy = L.generate(r, "", L.Sampling(temperature=0.0), seed=0)
    rep = F.repetition(list(greedy.continuation))
    assert rep.degenerate
    sampled = F.repetition(list(L.generate(r, "", L.Sampling(), seed=0).continuation))
    todo = F.advice(rep, sampled, can_continue=r.can_continue,
                    small_model=F.small_for_vocab(False, 64, r.vocab_size), sampling_on=True)
    assert "advice_continue" in todo and "advice_larger" in todo


def test_top_k_one_is_the_most_likely_token():
    r = L.run(L.Settings(num_epochs=1), seed=0)
    greedy = L.generate(r, "the ", L.Sampling(temperature=0.0), seed=0).text
    for t in (0.5, 2.0):
        assert L.generate(r, "the ", L.Sampling(temperature=t, top_k=1), seed=3).text == greedy
    assert L.generate(r, "the ", L.Sampling(temperature=2.0, top_k=0), seed=3).text != greedy
