"""The language-model and inside-the-LSTM pages through AppTest: the page shows the engine's numbers,
typed text is validated and shown as plain text, sampling does not retrain, the budget notice, the
gates of a typed sentence, one unit followed, the long-range experiment on demand."""
from __future__ import annotations

import io
import urllib.error
from pathlib import Path

import pytest

import engine.language_model as L
import engine.text as T
from engine.language_model import core as C
from tests.charts import chart_text
from tests.app.helpers import metrics, open_page, problems

LM = "pages/sequences/language_model.py"
INSIDE = "pages/sequences/lstm_internals.py"


def engine_run(**kw):
    return L.run(L.Settings(text_corpus=T.generate("english", 0), **kw), seed=0)


def test_language_model_defaults_show_the_engines_numbers(app_at):
    at = open_page(app_at, LM)
    r = engine_run()
    m = metrics(at)
    assert m["Held-out perplexity"] == f"{r.final_heldout_ppl:.4g}"
    assert m["Vocabulary"] == f"{r.vocab_size:,}" and m["Parameters"] == f"{L.num_params(r.net):,}"
    assert at.get("plotly_chart")
    samples = at.dataframe[0].value
    assert list(samples.iloc[:, 1]) == list(r.samples["text"])
    # the generated text: the held-out start (empty prefix), continued greedily, in a code box
    text = L.join_tokens(r.sample_prefix, "char", "en")
    assert any(c.value.startswith(text) and len(c.value) > len(text) + 50 for c in at.code)
    assert at.query_params["model"] == "lstm" and at.query_params["prefix"] == ""


def test_prefix_with_unknown_characters_and_temperature(app_at):
    at = open_page(app_at, LM)
    at.text_input(key="lm_prefix").set_value("The Zebra!").run()
    assert not problems(at), problems(at)
    assert any("<unk>" in i.value and "'Z'" in i.value and "'!'" in i.value for i in at.info)
    greedy = [c.value for c in at.code if c.value.startswith("The Zebra!")]
    assert greedy and at.query_params["prefix"] == "The Zebra!"
    before = metrics(at)
    at.sidebar.slider(key="engine.language_model.core.temperature").set_value(1.5).run()
    assert not problems(at), problems(at)
    hot = [c.value for c in at.code if c.value.startswith("The Zebra!")]
    assert hot and hot != greedy
    assert metrics(at) == before                        # a new sample, not a new model


def test_typed_text_is_plain_text_and_bounded(app_at):
    at = open_page(app_at, LM, {"prefix": "<b>**x**</b>"})
    assert any(c.value.startswith("<b>**x**</b>") for c in at.code)
    assert not any("<b>" in m.value for m in at.markdown)
    at = open_page(app_at, LM, {"prefix": "a" * 1000})
    assert any("cut" in w.value for w in at.warning)
    assert len(at.text_input(key="lm_prefix").value) == L.MAX_TEXT_CHARS


def test_scratch_gru_link_reproduces_and_explains_the_gru_variant(app_at):
    q = {"model": "gru", "impl": "scratch", "num_epochs": "2", "num_hiddens": "32"}
    at = open_page(app_at, LM, q)
    r = engine_run(model="gru", impl="scratch", num_epochs=2, num_hiddens=32)
    assert metrics(at)["Held-out perplexity"] == f"{r.final_heldout_ppl:.4g}"
    assert any("reset_after" in i.value for i in at.info)
    assert any("def gru_cell" in c.value for c in at.code)


def test_budget_notice_keeps_what_was_trained(app_at, monkeypatch):
    monkeypatch.setattr(C, "MAX_WORK", 5e9)
    at = open_page(app_at, LM, {"num_epochs": "37"})
    assert any("Each slice is one work budget" in c.value for c in at.caption)      # stopped by the budget: Continue
    assert at.button(key="_continue").label.startswith("Continue")
    assert metrics(at)["Held-out perplexity"] not in ("—", "NaN")
    at = open_page(app_at, LM, {"num_epochs": "37", "slices": str(C.MAX_SLICES)})   # the last slice a link may ask
    assert any("work budget" in w.value for w in at.warning) and not any(b.key == "_continue" for b in at.button)


def test_inside_defaults_gates_unit_and_gradient_flow(app_at):
    at = open_page(app_at, INSIDE)
    charts = at.get("plotly_chart")
    assert len(charts) == 6 + 2 + 1                     # i f o g c h, the unit (text + lines), gradient flow
    assert any("Switch on" in i.value for i in at.info)  # long-range training is on demand
    assert at.query_params["recall_train"] == "0"
    unit = at.slider(key="inside_unit_64")
    r = engine_run()
    import numpy as np
    from engine.language_model import lstm_internals as I
    p = L.prepare_text(L.join_tokens(r.heldout_start, "char", "en"), r.vocab)
    c = I.gate_matrix(I.gate_traces(r.net, p.ids, p.tokens), "c")
    assert unit.value == int(np.argmax(c.std(axis=1)))  # starts at the busiest unit
    unit.set_value(3).run()
    assert not problems(at), problems(at)
    assert any("Unit 3" in chart_text(ch) for ch in at.get("plotly_chart"))


def test_inside_typed_sentence_validation(app_at):
    at = open_page(app_at, INSIDE)
    at.text_input(key="inside_text").set_value("the cat saw Ω").run()
    assert not problems(at), problems(at)
    assert any("'Ω'" in i.value for i in at.info)
    assert at.query_params["text"] == "the cat saw Ω"
    at.text_input(key="inside_text").set_value("t").run()
    assert any("at least 2" in w.value for w in at.warning)
    assert len(at.get("plotly_chart")) == 9             # the held-out start is shown meanwhile


def test_inside_long_range_on_demand(app_at):
    q = {"recall_train": "1", "recall_updates": "100", "recall_hiddens": "16"}
    at = open_page(app_at, INSIDE, q)
    m = metrics(at)
    assert {"RNN at distance 20", "GRU at distance 20", "LSTM at distance 20"} <= set(m)
    assert len(at.get("plotly_chart")) == 10
    assert any("e=" in c.value and "→" in c.value for c in at.code)


def test_inside_chinese_corpus(app_at):
    at = open_page(app_at, INSIDE, {"corpus": "chinese", "num_epochs": "2"})
    at.text_input(key="inside_text").set_value("小猫在花园").run()
    assert not problems(at), problems(at)
    assert len(at.get("plotly_chart")) == 9


def test_a_link_sets_the_sampling_too(app_at):
    """Sampling has its own settings class beside the model's: a shared link sets both."""
    at = open_page(app_at, LM, {"temperature": "0.7", "num_preds": "90"})
    assert at.sidebar.slider(key="engine.language_model.core.temperature").value == 0.7
    assert at.sidebar.slider(key="engine.language_model.core.num_preds").value == 90
    assert at.query_params["temperature"] == "0.7" and at.query_params["num_preds"] == "90"
    at = open_page(app_at, LM, {"temperature": "inf"})
    assert any("temperature" in w.value for w in at.warning if w.icon == "🔗")


def test_a_run_worse_than_guessing_is_called_out(app_at):
    """A finite perplexity above |V| is a divergence too (no inf/NaN to mark)."""
    at = open_page(app_at, LM, {"lr": "10", "theta": "100", "model": "rnn", "num_epochs": "2"})
    r = engine_run(lr=10, theta=100, model="rnn", num_epochs=2)
    assert r.divergence is None and r.final_heldout_ppl > r.vocab_size
    assert any(e.icon == "💥" and "worse than guessing" in e.value for e in at.error)


# ---- the book's run as a preset ------------------------------------------------------------------

TM_PATH = Path(__file__).resolve().parents[2] / "../shared/data/timemachine.txt"


class _Bytes(io.BytesIO):
    headers = {}

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()


@pytest.fixture
def serve_tm(monkeypatch, tmp_path):
    """The Time Machine from a fresh, empty cache: ``serve_tm(True)`` serves the shared copy as if
    downloaded (checksum checked as usual), ``serve_tm(False)`` is offline."""
    import engine.datasets.download as download
    from pages._ui import _corpus as picker
    monkeypatch.setattr(download, "CACHE_DIR", tmp_path)
    monkeypatch.setattr(C, "MAX_WORK", 2.5e10)        # a dozen minibatches: the notice is what is tested

    def serve(online: bool):
        if online and not TM_PATH.exists():
            pytest.skip("../shared/data/timemachine.txt is not here")

        def opener(url, timeout):
            if not online:
                raise urllib.error.URLError("no network")
            return _Bytes(TM_PATH.read_bytes())
        monkeypatch.setattr(picker, "TM_OPENER", opener)
        picker._time_machine.clear()
    yield serve
    from pages._ui import _corpus as picker
    picker._time_machine.clear()


BOOK_QUERY = {"corpus": "time_machine", "max_tokens": "10000", "num_hiddens": "256", "batch_size": "32",
              "num_steps": "35", "lr": "1", "theta": "1", "num_epochs": "500", "partition": "sequential",
              "impl": "concise", "token": "char", "num_layers": "1"}


def test_book_preset_sets_the_widgets_and_the_link(app_at, serve_tm):
    serve_tm(True)
    at = open_page(app_at, LM, {"model": "gru"})
    at.button[0].click().run()                            # the only button in the main area: the preset
    assert not problems(at), problems(at)
    assert {k: at.query_params.get(k) for k in BOOK_QUERY} == BOOK_QUERY and at.query_params["model"] == "gru"
    key = "engine.language_model.core."
    assert at.sidebar.slider(key=key + "max_tokens").value == 10_000
    assert at.sidebar.slider(key=key + "num_epochs").value == 500
    assert at.sidebar.selectbox(key="engine.text.corpora.corpus").value == "time_machine"
    book = [w.value for w in at.warning if w.icon == "📖"]
    assert book and "of its 500 epochs" in book[0] and "GRU" in book[0] and "≈ 1.0 after" in book[0]
    assert "(d2l 0.17 §9.1, GRU)" in book[0]            # the edition with this run (d2l-zh 9.1), not d2l-en's §10.2
    assert not any("work budget (" in w.value for w in at.warning)      # one notice, not two
    assert metrics(at)["Vocabulary"] == "28"
    # the link reproduces it: the same numbers from a fresh session
    link = {k: at.query_params[k] for k in at.query_params}
    again = open_page(app_at, LM, link)
    assert metrics(again) == metrics(at)
    assert any(w.icon == "📖" for w in again.warning)


def test_book_preset_offline_says_so(app_at, serve_tm):
    serve_tm(False)
    at = open_page(app_at, LM, {**BOOK_QUERY, "model": "lstm"})
    assert any("could not be downloaded" in w.value and "book's settings" in w.value for w in at.warning)
    assert not any(w.icon == "📖" for w in at.warning)


def download_notices(at) -> list[str]:
    """The main area's notices that The Time Machine could not be had (the sidebar's picker has its own)."""
    return [e.value for e in [*at.main.warning, *at.main.info, *at.main.error]
            if "could not be downloaded" in e.value or "无法下载" in e.value or "trained on" in e.value
            or "训练的" in e.value]


@pytest.mark.parametrize("preset", ["book", "fast"])
def test_book_preset_offline_gives_one_notice_with_the_text_used_and_what_to_do(app_at, serve_tm, preset):
    """issue 15: offline, the book's preset showed two notices in the main area saying overlapping things
    ("this page trained on … not on the chosen The Time Machine" and "the book's run needs The Time
    Machine…"): now one, at the top, saying which text was used instead and what to do."""
    serve_tm(False)
    query = {**(BOOK_QUERY if preset == "book" else FAST_QUERY), "model": "lstm"}
    at = open_page(app_at, LM, query)
    (notice,) = download_notices(at)
    assert "so this run trained on “Simple English (generated)” instead" in notice
    assert "book's perplexity" in notice and "after a minute" in notice and "data/cache/" in notice
    assert at.main.warning[0].value == notice and at.main.warning[0].icon == "📡"      # at the top
    zh = open_page(app_at, LM, {**query, "lang": "zh"})
    (notice,) = download_notices(zh)
    assert "因此本次改在" in notice and "一分钟后" in notice and "data/cache/" in notice
    # another corpus chosen offline (not the book's run) keeps the generic notice, once
    other = open_page(app_at, LM, {"corpus": "time_machine", "model": "lstm"})
    (notice,) = download_notices(other)
    assert notice.startswith("**This page trained on “Simple English (generated)”**")


FAST_QUERY = {**BOOK_QUERY, "optimizer": "adam", "lr": "0.01", "num_epochs": "60"}


def test_fast_preset_sets_adam_in_the_widgets_and_the_link(app_at, serve_tm):
    serve_tm(True)
    at = open_page(app_at, LM, {"model": "lstm"})
    assert at.sidebar.radio(key="engine.language_model.core.optimizer").value == "sgd"      # the default
    at.button[1].click().run()                            # beside the book's run: fast to the book's quality
    assert not problems(at), problems(at)
    assert {k: at.query_params.get(k) for k in FAST_QUERY} == FAST_QUERY
    key = "engine.language_model.core."
    assert at.sidebar.radio(key=key + "optimizer").value == "adam"
    assert at.sidebar.select_slider(key=key + "lr").value == 0.01
    assert at.sidebar.slider(key=key + "num_epochs").value == 60
    fast = [i.value for i in at.info if i.icon == "🚀"]
    assert fast and "not yet ≤ 1.1" in fast[0] and "slice 4" in fast[0]       # one slice: 12.25 epochs
    assert not any(w.icon == "📖" for w in at.warning)   # not the book's run any more
    why = [m.value for m in at.markdown if "Why Adam gets there sooner" in m.value]
    assert why and "§12.10" in why[0] and "its own step size" in why[0]
    assert any("Adam with $\\eta = 0.01$" in m.value for m in at.markdown)   # the explanation names the optimizer
    link = {k: at.query_params[k] for k in at.query_params}
    again = open_page(app_at, LM, link)
    assert metrics(again) == metrics(at) and any(i.icon == "🚀" for i in again.info)


def test_fast_preset_offline_says_so(app_at, serve_tm):
    serve_tm(False)
    at = open_page(app_at, LM, {**FAST_QUERY, "model": "lstm"})
    assert any("could not be downloaded" in w.value for w in at.warning)
    assert not any(i.icon == "🚀" for i in at.info)

# ---- inside the LSTM: the view's own widgets are in the link ----------------------------------------

def test_inside_link_restores_unit_colour_and_layer(app_at):
    q = {"num_hiddens": "16", "num_layers": "2", "num_epochs": "1", "unit": "5", "colour": "f", "layer": "0"}
    at = open_page(app_at, INSIDE, q)
    assert at.slider(key="inside_unit_16").value == 5
    assert at.radio(key="inside_colour").value == "f" and at.radio(key="inside_layer_2").value == 0
    assert (at.query_params["unit"], at.query_params["colour"], at.query_params["layer"]) == ("5", "f", "0")
    assert any("Unit 5" in str(ch.proto.spec) for ch in at.get("plotly_chart"))
    at.radio(key="inside_colour").set_value("o").run()
    assert at.query_params["colour"] == "o" and at.slider(key="inside_unit_16").value == 5
    # out of range or unreadable: clamped or ignored, with a notice
    at = open_page(app_at, INSIDE, {**q, "unit": "99", "colour": "zebra", "layer": "7"})
    assert at.slider(key="inside_unit_16").value == 15 and at.radio(key="inside_colour").value == "c"
    assert at.radio(key="inside_layer_2").value == 1
    notice = next(w.value for w in at.warning if w.icon == "🔗")
    assert "`unit` = `99`" in notice and "`colour` = `zebra`" in notice and "`layer` = `7`" in notice


def test_a_perplexity_overflow_is_shown_as_divergence_not_a_crash(app_at):
    # issue 13: this link showed "OverflowError: math range error" under a frozen "Training…" chart
    at = app_at({"lesson": "language_model", "model": "rnn", "impl": "concise", "num_hiddens": "256",
                 "lr": "10", "theta": "100"})
    at.run()
    assert not problems(at), problems(at)
    r = engine_run(model="rnn", impl="concise", num_hiddens=256, lr=10.0, theta=100.0)
    d = r.divergence
    assert d is not None and d.kind == "+inf"
    boom = [e.value for e in at.error if e.icon == "💥"]
    assert boom and f"became +inf at minibatch {d.step}" in boom[0], boom
    assert metrics(at)["Held-out perplexity"] == "+inf"
