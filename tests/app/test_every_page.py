"""Every page registered in streamlit_app.LESSONS, opened through AppTest: with default
settings, in 中文, with a changed widget, and from a link full of hostile values.
A lesson is tested here the moment it is registered."""
from __future__ import annotations

import pytest

import streamlit_app
from tests.app.helpers import problems

PAGES = [l.path for items in streamlit_app.LESSONS.values() for l in items]
HOSTILE = ["1e308", "-1e308", "nan", "inf", "abc", "", "<b>x</b>", "0x10", "9" * 400]


def test_home_lists_every_lesson(app_at):
    at = app_at()
    at.run()
    assert not problems(at)
    text = " ".join(m.value for m in at.markdown)
    for items in streamlit_app.LESSONS.values():
        for lesson in items:
            import importlib
            title = importlib.import_module(lesson.engine).STRINGS["title"]["en"]
            assert title in text, f"{title} missing from Home"


@pytest.mark.parametrize("page", PAGES)
def test_page_default_and_chinese(app_at, page):
    at = app_at()
    at.switch_page(page).run()
    assert not problems(at), problems(at)
    assert at.get("plotly_chart"), "the page shows no chart"
    keys = set(at.query_params)
    assert {"lang", "seed"} <= keys, "shared settings missing from the URL"
    at.sidebar.selectbox(key="lang").set_value("zh").run()
    assert not problems(at), problems(at)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in at.title[0].value), "title not translated"


@pytest.mark.parametrize("page", PAGES)
def test_page_changed_widget_keeps_url_in_sync(app_at, page):
    at = app_at()
    at.switch_page(page).run()
    before = dict(at.query_params)
    sliders = [w for w in at.sidebar.slider if not w.disabled]
    assert sliders, "expected at least one slider"
    w = sliders[-1]
    new = w.min if w.value != w.min else w.max
    w.set_value(new).run()
    assert not problems(at), problems(at)
    assert dict(at.query_params) != before, "a changed setting must reach the URL"


@pytest.mark.parametrize("page", PAGES)
def test_page_hostile_link(app_at, page, monkeypatch):
    # learn which settings the page puts in its URL, then send garbage for each of them
    probe = app_at()
    probe.switch_page(page).run()
    keys = [k for k in probe.query_params if k not in ("lang", "seed")] + ["seed", "lang"]
    # two links that give each setting a different kind of garbage, so every setting meets every
    # hostile value's kind without training once per value. (Every value at the top of its range, the
    # heaviest run the page allows, is test_every_value.test_page_at_its_bounds.)
    links = [{k: HOSTILE[(i + j) % len(HOSTILE)] for j, k in enumerate(keys)} for i in (1, 5)]
    # What is checked here is the link's reading (clamped, with the link's notice) and a page without an
    # error, not the trained model: the runs stop after a few seconds, and a run cut by the wall-clock cap
    # is itself a state the page must show (a ⏱️ notice, never the 🔗 one asked for below). Half of each
    # link is garbage that clamps to a maximum, so uncapped these are the suite's slowest AppTests.
    monkeypatch.setenv("DEEPDIVE_MAX_SECONDS", "3")
    for query in links:
        at = app_at(query)
        at.switch_page(page).run()
        assert not problems(at), (query, problems(at))
        assert [w for w in at.warning if w.icon == "🔗"], f"no link notice for the hostile link {query}"
