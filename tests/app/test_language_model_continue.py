"""The language-model page on a student's own text (issue 16): defaults that follow the corpus and yield to
the student's and the link's choices, Continue (a link with k slices reproduces), word tokens refused."""
from __future__ import annotations

import dataclasses

import engine.language_model as L
from benchmarks._upload_corpora import chinese_upload
from engine.language_model import core as C
from engine.text import Corpus
from tests.app import helpers
from tests.app.helpers import metrics, problems

LM = "pages/sequences/language_model.py"
NS = "engine.language_model.core"


def open_page(app_at, query=None):
    return helpers.open_page(app_at, LM, query)


def upload(at, text: str, name="小说.txt"):
    return helpers.upload(at, name, text.encode("gbk"))


ZH = chinese_upload().text[:6_000]          # ≈ 900 distinct characters


def test_a_large_vocabulary_turns_the_embedding_on_and_says_why(app_at, monkeypatch):
    monkeypatch.setattr(C, "MAX_WORK", 3e9)
    at = open_page(app_at, {"corpus": "upload", "num_epochs": "2"})
    assert at.sidebar.toggle(key=f"{NS}.embedding").value is False          # the generated text: the book's input
    upload(at, ZH)
    assert at.sidebar.toggle(key=f"{NS}.embedding").value is True
    assert at.sidebar.slider(key=f"{NS}.num_hiddens").value == 128
    assert any("adapted to your corpus" in i.value and "28 letters" in i.value for i in at.info)
    assert at.query_params["embedding"] == "1" and at.query_params["num_hiddens"] == "128"
    assert at.query_params["auto"] == "embedding,num_hiddens"
    # the student's choice wins, and stays when the corpus changes
    at.sidebar.slider(key=f"{NS}.num_hiddens").set_value(32).run()
    assert not problems(at)
    assert at.sidebar.slider(key=f"{NS}.num_hiddens").value == 32
    assert at.sidebar.toggle(key=f"{NS}.embedding").value is True           # still following the corpus
    assert at.query_params["auto"] == "embedding"
    at.sidebar.selectbox(key="engine.text.corpora.corpus").set_value("english").run()
    assert not problems(at)
    assert at.sidebar.slider(key=f"{NS}.num_hiddens").value == 32           # chosen: kept
    assert at.sidebar.toggle(key=f"{NS}.embedding").value is False          # followed back to the default
    assert not any("adapted to your corpus" in i.value for i in at.info)


def test_a_link_that_chose_one_hot_keeps_it(app_at, monkeypatch):
    monkeypatch.setattr(C, "MAX_WORK", 3e9)
    at = open_page(app_at, {"corpus": "upload", "num_epochs": "2", "embedding": "0", "num_hiddens": "32"})
    upload(at, ZH)
    assert at.sidebar.toggle(key=f"{NS}.embedding").value is False      # 0 is not what the corpus suggests: chosen
    assert at.sidebar.slider(key=f"{NS}.num_hiddens").value == 32
    assert not any("adapted to your corpus" in i.value for i in at.info)
    # the page's own link (or a reload) lists the fields that follow: they go on following
    at = open_page(app_at, {"corpus": "upload", "num_epochs": "2", "embedding": "0", "num_hiddens": "32",
                            "auto": "embedding"})
    upload(at, ZH)
    assert at.sidebar.toggle(key=f"{NS}.embedding").value is True
    assert at.sidebar.slider(key=f"{NS}.num_hiddens").value == 32


def test_continue_trains_one_more_slice_and_the_link_reproduces_it(app_at, monkeypatch):
    monkeypatch.setattr(C, "MAX_WORK", 3e9)
    at = open_page(app_at, {"num_epochs": "40"})
    one = metrics(at)["Held-out perplexity"]
    assert at.query_params["slices"] == "1"
    at.button(key="_continue").click().run()
    assert not problems(at), problems(at)
    assert at.query_params["slices"] == "2"
    s = L.Settings(num_epochs=40, slices=2, text_corpus=None)
    from engine.text import generate
    r = L.run(dataclasses.replace(s, text_corpus=generate("english", 0)), seed=0)
    two = metrics(at)["Held-out perplexity"]
    assert two == f"{r.final_heldout_ppl:.4g}" != one
    assert any("Slice 2 of at most" in c.value for c in at.caption)
    # a classmate's link with slices=3 trains slices 1-3 in turn and gets the uninterrupted run's numbers
    other = open_page(app_at, {"num_epochs": "40", "slices": "3"})
    r3 = L.run(dataclasses.replace(s, slices=3, text_corpus=generate("english", 0)), seed=0)
    assert metrics(other)["Held-out perplexity"] == f"{r3.final_heldout_ppl:.4g}"
    # another setting starts a new model: one slice again
    other.sidebar.select_slider(key=f"{NS}.lr").set_value(1.0).run()
    assert not problems(other) and other.query_params["slices"] == "1"


def test_word_tokens_refused_for_a_small_upload(app_at):
    at = open_page(app_at, {"corpus": "upload", "token": "word", "num_epochs": "1"})
    at.sidebar.get("file_uploader")[0].set_value(
        ("notes.txt", ("the cat sat on the mat and the dog ran far away.\n" * 40).encode(), "text/plain")).run()
    assert not problems(at), problems(at)
    assert any("Word tokens refused" in w.value for w in at.warning)
    assert int(metrics(at)["Vocabulary"].replace(",", "")) < 30            # characters were used


def test_a_pinned_slice_is_drawn_beside_the_continued_run(app_at, monkeypatch):
    """Pin slice 1, Continue: the pinned run (other settings: slices = 1) is computed by the plain run
    function, not resumed from the current chain, and drawn beside slice 2 without an error."""
    import json
    monkeypatch.setattr(C, "MAX_WORK", 3e9)
    at = open_page(app_at, {"num_epochs": "40"})
    at.button(key="_pin_add").click().run()
    at.button(key="_continue").click().run()
    assert not problems(at), problems(at)
    assert at.query_params["slices"] == "2"
    names = [t.get("name", "") for c in at.get("plotly_chart") for t in json.loads(c.proto.spec)["data"]]
    assert any("pinned" in n and "1" in n for n in names), names


def test_continue_on_an_overfitting_run_says_another_slice_will_not_help(app_at):
    """2,000 characters and a 128-unit LSTM with Adam: within one slice the held-out perplexity climbs back
    from ≈ 3.1 to ≈ 6.6 while the training text is nearly memorised. The verdict says overfitting, and the
    Continue button says that another slice fits the training text more closely, not new text."""
    at = open_page(app_at, {"max_tokens": "2000", "num_hiddens": "128", "num_epochs": "500", "optimizer": "adam",
                            "lr": "0.01", "embedding": "1"})
    assert any(w.value.startswith("**Overfitting:**") for w in at.warning)
    assert at.button(key="_continue")
    assert any(c.value.startswith("The verdict says overfitting") for c in at.caption)
    # an ordinary run that still improves gets no such caption
    fine = open_page(app_at, {"num_epochs": "40"})
    assert not any(c.value.startswith("The verdict says overfitting") for c in fine.caption)
