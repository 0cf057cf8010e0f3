"""A browser that reconnects to a new session (its replica died behind the balancer: README, "When a replica
dies"). Streamlit's browser does not rerun on reconnecting; the student's first action sends the values of
every widget it shows, the one just changed included, to a session that never made those widgets. Here the
browser is an AppTest's element tree from a first session, and the new session is a second AppTest whose
first run carries that tree's widget values (what ``AppTest.run`` does on every later run, ``_run``): the
browser's values win over the URL's (one out of bounds gives the URL's); a fresh browser (no widget values) gets the URL's;
a preset button, a language or a seed changed as the first action counts; with Streamlit's internals changed, the URL
applies as before."""
from __future__ import annotations

import engine.text as T
from engine import settings as S
from tests.app import helpers

VOCAB = "pages/sequences/text_vocab.py"
CONV = "pages/vision/conv_playground.py"
POLY = "pages/training/under_overfitting.py"
TOKEN = f"{T.Settings.__module__}.token"
MIN_FREQ = f"{T.Settings.__module__}.min_freq"


def problems(at):
    return helpers.problems(at, divergence_too=True)


def reconnect(app_at, page: str, query: dict, act=None):
    """The page opened from ``query`` in one session (the browser's), ``act`` done on its widgets and not run
    there (its replica is gone), then a new session whose first run carries the browser's widget values
    (none when ``act`` is None and the browser is a fresh one). Returns (browser, new session)."""
    browser = app_at(query)
    browser.switch_page(page).run()
    assert not problems(browser), problems(browser)
    url = {k: browser.query_params[k] for k in browser.query_params}       # every run writes it
    states = None
    if act is not None:
        act(browser)
        states = browser._tree.get_widget_states()
    new = app_at(url)
    new.switch_page(page)
    new._run(states)
    assert not problems(new), problems(new)
    return browser, new


def analysis_shown(at, settings: T.Settings) -> bool:
    a = T.analyse(T.generate("english", 0), settings)
    m = {m.label: m.value for m in at.metric}
    return m["Tokens"] == f"{a.num_tokens:,}" and m["Vocabulary size len(vocab)"] == f"{len(a.vocab):,}"


def test_the_first_click_after_reconnecting_wins_over_the_url(app_at):
    _, new = reconnect(app_at, VOCAB, {"corpus": "english", "token": "word", "min_freq": "3"},
                       lambda b: b.radio(key=TOKEN).set_value("char"))
    assert new.radio(key=TOKEN).value == "char"
    assert new.query_params["token"] == "char" and new.query_params["min_freq"] == "3"
    assert analysis_shown(new, T.Settings(token="char", min_freq=3))
    # from then on an ordinary session: the next click is one too
    new.radio(key=TOKEN).set_value("word").run()
    assert new.query_params["token"] == "word" and analysis_shown(new, T.Settings(token="word", min_freq=3))


def test_a_fresh_browser_gets_the_url(app_at):
    _, new = reconnect(app_at, VOCAB, {"corpus": "english", "token": "word", "min_freq": "3"})
    assert new.radio(key=TOKEN).value == "word" and new.slider(key=MIN_FREQ).value == 3
    assert new.query_params["token"] == "word" and analysis_shown(new, T.Settings(token="word", min_freq=3))


def test_a_browser_value_out_of_bounds_gives_the_links(app_at):
    top = int(S.bounds(T.Settings)["min_freq"].hi)
    _, new = reconnect(app_at, VOCAB, {"corpus": "english", "token": "word", "min_freq": "3"},
                       lambda b: b.slider(key=MIN_FREQ).set_value(top + 1000))
    assert new.slider(key=MIN_FREQ).value == 3 and new.query_params["min_freq"] == "3"
    assert analysis_shown(new, T.Settings(token="word", min_freq=3))


def test_the_text_typed_after_reconnecting_wins_over_the_url(app_at):
    grid = "1 2\n3 4"
    _, new = reconnect(app_at, CONV, {"source": "grid", "grid": "0 1 2\n3 4 5\n6 7 8"},
                       lambda b: b.text_input(key="conv_grid").input(grid))
    assert new.query_params["grid"] == grid


def test_a_preset_clicked_as_the_first_action_after_reconnecting_applies(app_at):
    # Streamlit runs a button's on_click only in a session that made the button: ui.action_button
    # replays a reconnected browser's click (pages/_ui/_state.action_button)
    from engine.generalization.polynomial import BOOK_RUNS
    degree, epochs = BOOK_RUNS["high"]
    query = {"degree": "3", "num_epochs": "50", "noise": "0.2", "lr": "0.02"}
    _, new = reconnect(app_at, POLY, query, lambda b: b.button(key="book_high").click())
    assert new.query_params["degree"] == str(degree) and new.query_params["num_epochs"] == str(epochs)
    assert new.query_params["noise"] == "0.2" and new.query_params["lr"] == "0.02"     # the rest: the link's
    assert new.slider(key="engine.generalization.polynomial.degree").value == degree
    # from then on an ordinary session: the other preset's click is an ordinary click
    new.button(key="book_linear").click().run()
    assert new.query_params["degree"] == str(BOOK_RUNS["linear"][0])
    assert new.slider(key="engine.generalization.polynomial.degree").value == BOOK_RUNS["linear"][0]


def test_an_ordinary_click_is_applied_once(app_at, monkeypatch):
    """A session that made the button runs its on_click itself: the replay must not run it again."""
    import pages._ui._state as state
    calls = []
    real = state.apply_settings

    def counted(*a, **k):
        calls.append(a)
        return real(*a, **k)
    at = app_at({"degree": "3"})
    at.switch_page(POLY).run()
    monkeypatch.setattr(state, "apply_settings", counted)
    import pages._ui as ui
    monkeypatch.setattr(ui, "apply_settings", counted)
    at.run()                                    # the page's buttons now carry the counting callback
    at.button(key="book_high").click().run()
    assert len(calls) == 1 and at.query_params["degree"] == "19"


def test_a_language_or_seed_changed_as_the_first_action_after_reconnecting_wins(app_at):
    _, new = reconnect(app_at, VOCAB, {"corpus": "english", "token": "word", "lang": "en", "seed": "0"},
                       lambda b: b.selectbox(key="lang").set_value("zh"))
    assert new.query_params["lang"] == "zh" and new.selectbox(key="lang").value == "zh"
    assert "语" in new.sidebar.selectbox(key="lang").label                 # the page is drawn in Chinese
    assert new.query_params["token"] == "word"
    _, new = reconnect(app_at, VOCAB, {"corpus": "english", "token": "word", "lang": "en", "seed": "0"},
                       lambda b: b.number_input(key="seed").set_value(7))
    assert new.query_params["seed"] == "7" and new.number_input(key="seed").value == 7
    assert new.query_params["lang"] == "en"


def test_with_streamlit_internals_changed_the_url_applies(app_at, monkeypatch):
    from streamlit.runtime.state.session_state import SessionState
    monkeypatch.delattr(SessionState, "get_widget_id_from_key")
    _, new = reconnect(app_at, VOCAB, {"corpus": "english", "token": "word", "min_freq": "3"},
                       lambda b: b.radio(key=TOKEN).set_value("char"))
    assert new.query_params["token"] == "word" and analysis_shown(new, T.Settings(token="word", min_freq=3))


def _follow_script():
    import streamlit as st

    import engine.text as T
    from engine.i18n import Translator
    from pages._ui._state import adapted, settings_form, url_flush
    s = settings_form(T.Settings, Translator("en"), suggested={"top_k": 20})
    st.write(f"top_k={s.top_k} adapted={sorted(adapted(T.Settings, {'top_k': 20}))}")
    url_flush()


def follow_reconnect(act):
    from streamlit.testing.v1 import AppTest
    browser = AppTest.from_function(_follow_script)
    browser.run()
    url = {k: browser.query_params[k] for k in browser.query_params}
    assert url["top_k"] == "20" and url["auto"] == "top_k"        # the field follows the data's suggestion
    act(browser)
    new = AppTest.from_function(_follow_script)
    new.query_params.update(url)
    new._run(browser._tree.get_widget_states())
    assert not problems(new), problems(new)
    return new


def test_a_field_that_follows_the_data_and_is_moved_at_reconnecting_is_the_students():
    new = follow_reconnect(lambda b: b.slider(key=f"{T.Settings.__module__}.top_k").set_value(30))
    assert new.markdown[0].value == "top_k=30 adapted=[]" and new.query_params["auto"] == ""


def test_a_field_that_follows_the_data_keeps_following_when_another_is_moved():
    new = follow_reconnect(lambda b: b.slider(key=MIN_FREQ).set_value(5))
    assert new.markdown[0].value == "top_k=20 adapted=['top_k']" and new.query_params["auto"] == "top_k"
    assert new.query_params["min_freq"] == "5"


def _other_ids(states):
    """The same widget values under other ids with the same keys: a browser whose page came from a
    replica that built its widgets differently (another version of the app)."""
    from streamlit.proto.WidgetStates_pb2 import WidgetStates
    out = WidgetStates()
    for w in states.widgets:
        moved = out.widgets.add()
        moved.CopyFrom(w)
        parts = w.id.split("-", 2)
        if len(parts) == 3:
            moved.id = f"{parts[0]}-0000-{parts[2]}"
    return out


def test_a_browser_whose_widgets_are_not_this_apps_gets_the_url_on_every_kind_of_widget(app_at):
    # a toggle, a log-scale select slider, an int slider on a grid, a float slider with an int in the link
    query = {"degree": "5", "noise": "0.2", "n_train": "50", "lr": "0.02", "learning_curve": "0"}
    browser = app_at(query)
    browser.switch_page(POLY).run()
    url = {k: browser.query_params[k] for k in browser.query_params}
    browser.slider(key="engine.generalization.polynomial.degree").set_value(7)
    new = app_at(url)
    new.switch_page(POLY)
    new._run(_other_ids(browser._tree.get_widget_states()))
    assert not problems(new), problems(new)
    got = {k: new.query_params[k] for k in ("degree", "noise", "n_train", "lr", "learning_curve")}
    assert got == {"degree": "5", "noise": "0.2", "n_train": "50", "lr": "0.02", "learning_curve": "0"}
    assert new.toggle(key="engine.generalization.polynomial.learning_curve").value is False


def test_every_kind_of_widget_takes_the_browsers_value(app_at):
    query = {"degree": "5", "noise": "0.2", "n_train": "50", "lr": "0.02", "learning_curve": "0"}

    def act(b):
        b.slider(key="engine.generalization.polynomial.n_train").set_value(80)
        b.toggle(key="engine.generalization.polynomial.learning_curve").set_value(True)
        b.select_slider(key="engine.generalization.polynomial.lr").set_value(0.05)

    _, new = reconnect(app_at, POLY, query, act)
    got = {k: new.query_params[k] for k in ("degree", "noise", "n_train", "lr", "learning_curve")}
    assert got == {"degree": "5", "noise": "0.2", "n_train": "80", "lr": "0.05", "learning_curve": "1"}


def _view_script():
    import streamlit as st

    from engine import settings as S
    from pages._ui._state import url_flush, url_widget_done, url_widget_value
    url_widget_value("colour", S.Bound("choice", options=("c", "h")), "view_colour", "c", "view")
    colour = st.radio("colour", ("c", "h"), key="view_colour")
    url_widget_done("colour", "view_colour", "view")
    st.write(f"colour={colour}")
    url_flush()


def test_a_page_built_widget_in_the_url_takes_the_browsers_value_at_reconnecting():
    from streamlit.testing.v1 import AppTest
    browser = AppTest.from_function(_view_script)
    browser.query_params["colour"] = "c"
    browser.run()
    browser.radio(key="view_colour").set_value("h")
    for states, want in ((browser._tree.get_widget_states(), "h"), (None, "c")):     # reconnected; fresh
        new = AppTest.from_function(_view_script)
        new.query_params["colour"] = "c"
        new._run(states)
        assert not problems(new), problems(new)
        assert new.markdown[0].value == f"colour={want}" and new.query_params["colour"] == want


LINREG = "pages/basics/linear_regression.py"


def _pins(at) -> list[str]:
    v = at.query_params.get("pin", [])
    return [v] if isinstance(v, str) else list(v)


def test_a_pin_clicked_as_the_first_action_after_reconnecting_is_kept(app_at):
    # a pin added to a run that already had one: the link's pin and the new one, the new one the run shown
    browser = app_at({"lr": "0.03"})
    browser.switch_page(LINREG).run()
    browser.button(key="_pin_add").click().run()
    browser.sidebar.select_slider(key="engine.linear_regression.core.lr").set_value(0.3).run()
    assert len(_pins(browser)) == 1 and not problems(browser)
    url = dict(browser.query_params)
    browser.button(key="_pin_add").click()
    new = app_at(url)
    new.switch_page(LINREG)
    new._run(browser._tree.get_widget_states())
    assert not problems(new), problems(new)
    assert len(_pins(new)) == 2 and new.query_params["lr"] == "0.3"
    assert len([b for b in new.button if (b.key or "").startswith("_pin_rm_")]) == 2
    # and Clear all as the first action leaves none
    _, cleared = reconnect(app_at, LINREG, {"lr": "0.3", "pin": "lr:0.03"}, lambda b: b.button(key="_pin_clear").click())
    assert _pins(cleared) == []
