"""The Character-level Transformer page on a student's own text (issue 16, as the recurrent language model's):
defaults that follow the corpus and yield to the student's and the link's choices, Continue (a link with k
slices reproduces), a pinned slice beside the continued run, and the advice for degenerate text."""
from __future__ import annotations

import dataclasses
import json

from benchmarks._upload_corpora import chinese_upload
from engine.numerics import fmt
from engine.text import generate
from engine.transformer import char_lm as C
from tests.app import helpers
from tests.app.helpers import metrics, problems

LM = "pages/attention/transformer_corpus.py"
NS = C.__name__
VALID = "Perplexity (held out)"


def open_page(app_at, query=None):
    return helpers.open_page(app_at, LM, query)


def upload(at, text: str, name="小说.txt"):
    return helpers.upload(at, name, text.encode("gbk"))


ZH = chinese_upload().text[:25_000]          # ≈ 1,800 distinct characters


def test_a_large_vocabulary_uses_more_of_the_corpus_and_says_why(app_at, monkeypatch):
    monkeypatch.setattr(C, "MAX_UNITS", 3e9)
    at = open_page(app_at, {"corpus": "upload", "num_epochs": "2"})
    assert at.sidebar.slider(key=f"{NS}.max_tokens").value == 20_000
    upload(at, ZH)
    assert at.sidebar.slider(key=f"{NS}.max_tokens").value == 25_000
    assert any("adapted to your corpus" in i.value and "25,000 characters of the corpus used" in i.value for i in at.info)
    assert at.query_params["max_tokens"] == "25000" and at.query_params["auto"] == "max_tokens"
    # the student's choice wins, and stays when the corpus changes
    at.sidebar.slider(key=f"{NS}.max_tokens").set_value(10_000).run()
    assert not problems(at)
    assert at.sidebar.slider(key=f"{NS}.max_tokens").value == 10_000 and at.query_params["auto"] == ""
    assert not any("adapted to your corpus" in i.value for i in at.info)
    at.sidebar.selectbox(key="engine.text.corpora.corpus").set_value("english").run()
    assert not problems(at) and at.sidebar.slider(key=f"{NS}.max_tokens").value == 10_000


def test_a_link_that_chose_max_tokens_keeps_it(app_at, monkeypatch):
    monkeypatch.setattr(C, "MAX_UNITS", 3e9)
    at = open_page(app_at, {"corpus": "upload", "num_epochs": "2", "max_tokens": "5000"})
    upload(at, ZH)
    assert at.sidebar.slider(key=f"{NS}.max_tokens").value == 5_000
    assert not any("adapted to your corpus" in i.value for i in at.info)
    # the page's own link (or a reload) lists the fields that follow: they go on following
    at = open_page(app_at, {"corpus": "upload", "num_epochs": "2", "max_tokens": "5000", "auto": "max_tokens"})
    upload(at, ZH)
    assert at.sidebar.slider(key=f"{NS}.max_tokens").value == 25_000


def _reference(k):
    s = C.Settings(num_epochs=40, slices=k, corpus=generate("english", seed=0))
    return C.run(s, seed=0)


def test_continue_trains_one_more_slice_and_the_link_reproduces_it(app_at, monkeypatch):
    monkeypatch.setattr(C, "MAX_UNITS", 1.5e10)
    at = open_page(app_at, {"num_epochs": "40"})
    one = metrics(at)[VALID]
    assert at.query_params["slices"] == "1" and any("Slice 1 of at most" in c.value for c in at.caption)
    at.button(key="_continue").click().run()
    assert not problems(at), problems(at)
    assert at.query_params["slices"] == "2"
    r2 = _reference(2)
    assert metrics(at)[VALID] == fmt(float(r2.epochs["valid_perplexity"].iloc[-1]), 3) != one
    assert any(f"{fmt(r2.epochs_done, 3)} epochs trained in all" in c.value for c in at.caption)
    # a classmate's link with slices=3 trains slices 1-3 in turn and gets the uninterrupted run's numbers
    other = open_page(app_at, {"num_epochs": "40", "slices": "3"})
    r3 = _reference(3)
    assert metrics(other)[VALID] == fmt(float(r3.epochs["valid_perplexity"].iloc[-1]), 3)
    assert any("Slice 3 of at most" in c.value for c in other.caption)
    # another setting starts a new model: one slice again
    other.sidebar.select_slider(key=f"{NS}.lr").set_value(0.003).run()
    assert not problems(other) and other.query_params["slices"] == "1"


def test_a_pinned_slice_is_drawn_beside_the_continued_run(app_at, monkeypatch):
    """Pin slice 1, Continue: the pinned run (slices = 1) is computed by the plain run function, not resumed
    from the current chain, and drawn beside slice 2 without an error."""
    monkeypatch.setattr(C, "MAX_UNITS", 1.5e10)
    at = open_page(app_at, {"num_epochs": "40"})
    at.button(key="_pin_add").click().run()
    at.button(key="_continue").click().run()
    assert not problems(at), problems(at)
    assert at.query_params["slices"] == "2"
    names = [t.get("name", "") for c in at.get("plotly_chart") for t in json.loads(c.proto.spec)["data"]]
    assert any("pinned" in n and "1" in n for n in names), names


def test_degenerate_text_gets_advice_and_continue_helps(app_at, monkeypatch):
    """One minibatch per slice: the most-likely text is one character over and over; the page says so and
    advises the sampled text and Continue (the budget, not the epochs, ended the run)."""
    monkeypatch.setattr(C, "MAX_UNITS", 3e8)
    at = open_page(app_at, {"max_tokens": "2000", "num_epochs": "10", "batch_size": "256", "prompt": "the time "})
    advice = [w.value for w in at.warning if "degenerate" in w.value]
    assert len(advice) == 1, [w.value for w in at.warning]
    assert "most-likely text is degenerate" in advice[0] and "**Continue**" in advice[0] and "sampled text" in advice[0]
    greedy = next(c.value for c in at.code if c.value.startswith("the time "))[len("the time "):]
    assert len(set(greedy[-100:])) < 10                                  # it loops over a few characters
    assert any("ends in a loop of" in c.value for c in at.caption)
    zh = open_page(app_at, {"lang": "zh", "max_tokens": "2000", "num_epochs": "10", "batch_size": "256", "prompt": "the time "})
    assert any("退化" in w.value and "继续" in w.value for w in zh.warning)
    # trained well (the defaults): no advice
    monkeypatch.setattr(C, "MAX_UNITS", 6e10)
    good = open_page(app_at, {"prompt": "the time "})
    assert not any("degenerate" in w.value for w in good.warning)
    assert len([c for c in good.code if c.value.startswith("the time ")]) == 2       # greedy and sampled
