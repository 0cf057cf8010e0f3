"""Comparing runs through AppTest (pages/_ui/_compare.py): pin a run, change a setting, see both on the
main chart with the right labels (English and 中文); headline deltas; the table; remove and clear; at
most 3 pins; pins across a page switch; pins from a link, hostile ones included; the report."""
from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import engine.linear_regression as L
import streamlit_app
from streamlit.proto.Metric_pb2 import Metric as MetricProto
from engine.i18n import CORE
from pages._ui import _compare
from pages._ui._report import render
from tests.app.helpers import problems

PAGE = "pages/basics/linear_regression.py"
LR = "engine.linear_regression.core.lr"


def traces(at, chart: int = 0) -> list[dict]:
    """The traces of a chart, decoded (never search the raw spec for non-ASCII text)."""
    return json.loads(at.get("plotly_chart")[chart].proto.spec)["data"]


def pins_in_url(at) -> list[str]:
    v = at.query_params.get("pin", [])
    return [v] if isinstance(v, str) else list(v)


def pin_chips(at) -> list[str]:
    return [b.label for b in at.button if (b.key or "").startswith("_pin_rm_")]


def opened(app_at, query: dict | None = None, page: str = PAGE):
    at = app_at(query)
    at.switch_page(page).run()
    assert not problems(at), problems(at)
    return at


def pin(at):
    at.button(key="_pin_add").click().run()
    assert not problems(at), problems(at)
    return at


def test_pin_then_change_a_setting_draws_both_with_labels(app_at):
    at = pin(opened(app_at))
    assert pin_chips(at) == [CORE["pin_same"]["en"]]            # nothing differs yet
    at.sidebar.select_slider(key=LR).set_value(0.3).run()
    assert not problems(at), problems(at)
    assert pin_chips(at) == ["η = 0.03"]
    data = traces(at)                                            # the loss chart: 2 series per run
    pinned = [t for t in data if t["name"].endswith("η = 0.03, pinned")]
    current = [t for t in data if "pinned" not in t["name"]]
    assert len(pinned) == 2 and len(current) == 2, [t["name"] for t in data]
    assert all(t["line"]["dash"] == "dash" for t in pinned)
    assert all(t["line"].get("dash") is None for t in current)
    # the two runs are different curves: the pinned one is the η = 0.03 run, the current one η = 0.3
    assert pinned[1]["y"] != current[1]["y"]
    # other charts (contours, fit) are not overlaid
    assert all("pinned" not in str(t.get("name")) for t in traces(at, 1))
    # headline: loss with its difference from the pin, lower is better (inverse colours)
    loss = at.metric[0]
    assert loss.proto.delta and loss.proto.delta_description == CORE["pin_vs_first"]["en"]
    assert loss.proto.delta.startswith("+")                     # η = 0.3 ends a little higher than 0.03 …
    assert loss.proto.color == MetricProto.MetricColor.RED        # … and for a loss, higher is worse
    # the table: this run and the pin, the setting that differs, the final figures
    table = next(d.value for d in at.dataframe if CORE["col_run"]["en"] in d.value.columns)
    assert list(table[CORE["col_run"]["en"]]) == ["this run", "η = 0.03, pinned"]
    assert "Learning rate η" in table.columns and "Final loss" in table.columns
    assert any(b.label == CORE["download_csv"]["en"] for b in at.get("download_button"))
    # the link carries the pin as the setting in which it differs
    assert pins_in_url(at) == ["lr:0.03"]
    share = next(c.value for c in at.code if "lesson=" in c.value)
    assert "pin=lr:0.03" in share
    # 中文: the same comparison, labelled in Chinese
    at.sidebar.selectbox(key="lang").set_value("zh").run()
    names = [t["name"] for t in traces(at)]
    assert sum(n.endswith("η = 0.03，已固定") for n in names) == 2, names


def test_remove_and_clear(app_at):
    at = pin(opened(app_at))
    at.sidebar.select_slider(key=LR).set_value(0.1).run()
    pin(at)
    at.sidebar.select_slider(key=LR).set_value(0.3).run()
    assert pin_chips(at) == ["η = 0.03", "η = 0.1"]
    assert sum("pinned" in t["name"] for t in traces(at)) == 4
    next(b for b in at.button if b.label == "η = 0.03").click().run()
    assert pin_chips(at) == ["η = 0.1"]
    assert {t["name"].split(" · ")[-1] for t in traces(at) if "pinned" in t["name"]} == {"η = 0.1, pinned"}
    assert pins_in_url(at) == ["lr:0.1"]
    at.button(key="_pin_clear").click().run()
    assert pin_chips(at) == [] and not any("pinned" in t["name"] for t in traces(at))
    assert "pin" not in at.query_params
    assert not at.metric[0].proto.delta                          # no pin, no difference shown


def test_at_most_three_pins_and_no_results_kept(app_at):
    at = opened(app_at)
    for lr in (0.1, 0.2, 0.3):
        pin(at)
        at.sidebar.select_slider(key=LR).set_value(lr).run()
    assert pin_chips(at) == ["η = 0.03", "η = 0.1", "η = 0.2"]
    assert at.button(key="_pin_add").disabled                    # a fourth needs one removed first
    assert len([t for t in traces(at) if "pinned" in t["name"]]) == 6
    kept = at.session_state["_pins"]["linear_regression"]
    assert len(kept) == 3
    # pins hold settings, never results; the run's record lets go of its results once drawn
    for p in kept:
        assert set(p) == {"id", "seed", "fields", "calls"}
        assert all(type(s).__name__ == "Settings" for s in p["calls"].values())
    assert all(c["result"] is None for c in at.session_state["_cmp_run"]["calls"].values())


def test_pins_survive_a_page_switch(app_at):
    at = pin(opened(app_at))
    at.sidebar.select_slider(key=LR).set_value(0.3).run()
    at.switch_page("pages/training/gradient_checking.py").run()
    assert not problems(at) and pin_chips(at) == []             # pins are per lesson
    at.switch_page(PAGE).run()
    assert not problems(at), problems(at)
    assert at.sidebar.select_slider(key=LR).value == 0.3
    assert pin_chips(at) == ["η = 0.03"]
    assert sum("pinned" in t["name"] for t in traces(at)) == 2


def test_pins_from_a_link(app_at):
    at = opened(app_at, {"lr": "0.03", "pin": ["lr:0.3", "batch_size:20,lr:0.1"]})
    assert pin_chips(at) == ["η = 0.3", "η = 0.1, batch = 20"]
    assert not at.warning
    labels = {t["name"].split(" · ")[-1] for t in traces(at) if "pinned" in t["name"]}
    assert labels == {"η = 0.3, pinned", "η = 0.1, batch = 20, pinned"}
    assert pins_in_url(at) == ["lr:0.3", "lr:0.1,batch_size:20"]      # in the order of the settings


def test_hostile_pins_are_clamped_or_left_out_with_a_notice(app_at):
    query = {"pin": ["lr:1e9", "nosuchfield:1", "lr:abc", "batch_size:2.5", "lr:0.1"]}
    at = opened(app_at, query)
    notice = " ".join(w.value for w in at.warning)
    assert "first 3" in notice                                   # 5 given, 3 read
    assert "1e9" in notice and "clamped to 10" in notice         # lr's upper bound
    assert "nosuchfield:1" in notice and "lr:abc" in notice       # not a setting / unreadable: left out
    assert pin_chips(at) == ["η = 10"]
    assert pins_in_url(at) == ["lr:10"]
    # a link with only garbage pins: nothing pinned, a notice, no exception
    at = opened(app_at, {"pin": ["<b>x</b>:1", ":", "lr:nan", "9" * 500]})
    assert pin_chips(at) == [] and at.warning and "pin" not in at.query_params


def test_report_of_the_page(app_at):
    at = pin(opened(app_at, {"lang": "zh"}))
    at.sidebar.select_slider(key=LR).set_value(0.3).run()
    assert any(b.label == CORE["report"]["zh"] for b in at.get("download_button"))
    spec = at.session_state["_report"]
    assert spec["title"] == L.STRINGS["title"]["zh"]
    assert len(spec["figures"]) == len(at.get("plotly_chart"))  # every chart of the page
    assert spec["pins"] == ["η = 0.03，已固定"] and spec["metrics"] and spec["texts"]
    page = render(spec)
    assert page.count("Plotly.newPlot") == len(spec["figures"])
    assert page.count("plotly.js v") >= 1 and len(page) > 3_000_000      # plotly.js inlined, once
    assert "已固定" in page and "lesson=linear_regression" in page and "pin=lr:0.03" in page


def test_every_training_page_takes_part():
    """Each lesson that trains or draws a curve declares at least one compared chart and its metrics;
    the two that only compute (activations, attention playground) give the report."""
    from pathlib import Path
    compute_only = {"activations.py", "attention_playground.py"}
    for items in streamlit_app.LESSONS.values():
        for lesson in items:
            text = (Path(streamlit_app.__file__).parent / lesson.path).read_text()
            assert "ui.metrics(" in text and "ui.share_link(" in text, lesson.path
            if lesson.path.rsplit("/", 1)[-1] not in compute_only:
                assert "compare=True" in text, lesson.path


def test_link_value_round_trips_through_parse():
    from engine import settings as S
    from engine.linear_regression import Settings
    fields = S.bounds(Settings)
    diffs, notices = _compare.parse_pins(["lr:0.3,batch_size:20", "", "seed:5"], fields)
    assert diffs == [{"lr": 0.3, "batch_size": 20}, {}, {"seed": 5}] and not notices
    assert parse_qs(urlsplit("/?pin=lr:0.3").query) == {"pin": ["lr:0.3"]}
