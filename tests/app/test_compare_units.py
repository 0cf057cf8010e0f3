"""The pieces of comparing runs without a page: reading pins from a link, and the report's HTML."""
import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from engine import settings as S
from engine.linear_regression import Settings
from pages._ui._compare import MAX_PINS, parse_pins
from pages._ui._report import markdown_text, render

FIELDS = S.bounds(Settings)


def test_pins_are_read_within_bounds():
    diffs, notices = parse_pins(["lr:0.3,batch_size:20", "", "seed:5", "lr:0.3,batch_size:20"], FIELDS)
    assert diffs == [{"lr": 0.3, "batch_size": 20}, {}, {"seed": 5}] and len(notices) == 1   # 4 given: 3 read
    assert notices[0].reason == "pin_extra" and notices[0].count == 4


def test_hostile_pins():
    hi = FIELDS["lr"].hi
    diffs, notices = parse_pins(["lr:1e9", "nosuchfield:1", "lr:abc"], FIELDS)
    assert diffs == [{"lr": hi}]
    assert [(n.name, n.reason) for n in notices] == [("pin lr", "clamped"), ("pin", "pin_ignored"), ("pin", "pin_ignored")]
    diffs, notices = parse_pins(["batch_size:2.5", "lr:nan", "seed:-4", "lr", ":"], FIELDS)
    assert diffs == [{"batch_size": 3}, {"seed": 0}]
    assert [n.reason for n in notices] == ["pin_extra", "rounded", "pin_ignored", "clamped"]
    diffs, _ = parse_pins(["lr:0.3," * 10_000], FIELDS)           # long values are cut, not parsed whole
    assert diffs == [{"lr": 0.3}]
    diffs, notices = parse_pins(["impl:<script>", "impl:concise,num_epochs:1e308"], FIELDS)
    assert diffs == [{"impl": "concise", "num_epochs": FIELDS["num_epochs"].hi}]
    assert len(parse_pins(["lr:0.1"] * 50, FIELDS)[0]) == 1 and MAX_PINS == 3


def spec(**over):
    fig = go.Figure(go.Scatter(x=[1, 2], y=[3, 4], name="<img src=x onerror=alert(1)>"))
    base = {"lang": "en", "title": "Linear <script>alert(1)</script>", "summary": "s & t", "link": 'http://x/?a=1&b="2"',
            "settings": [("Learning rate η", "0.03"), ("corpus", "<b>uploaded</b>")], "pins": ["η = 0.3, pinned"],
            "metrics": [("Final loss", "4.8e-05", "+1e-06")], "figures": [fig, fig],
            "texts": ["**Bold** and `code` <iframe>\n\n- one\n- two"], "table": pd.DataFrame({"run": ["<i>x</i>"]}),
            "strings": {k: k for k in ("settings", "report_pins", "report_metrics", "report_charts", "explain",
                                       "report_link", "report_value", "report_delta", "pin_table", "app_title")},
            "made": "Made on {date}"}
    return {**base, **over}


def test_report_is_self_contained_and_escapes_text():
    page = render(spec(), now=dt.datetime(2026, 1, 2, 3, 4))
    assert page.startswith("<!DOCTYPE html>") and "Made on 2026-01-02 03:04" in page
    assert "<script>alert(1)" not in page and "Linear &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>uploaded</b>" not in page and "&lt;b&gt;uploaded&lt;/b&gt;" in page
    assert "<iframe>" not in page and "<i>x</i>" not in page and "<img src=x" not in page
    assert "<b>Bold</b>" in page and "<code>code</code>" in page and "<li>one</li>" in page
    assert page.count("Plotly.newPlot") == 2 and page.count("<script type='text/javascript'>") == 1
    body = page.split("<body>")[1]                     # nothing fetched from the network: plotly.js is inlined
    assert "<script src" not in page and "cdn.plot.ly" not in body and "https://" not in body
    assert 'href="http://x/?a=1&amp;b=&quot;2&quot;"' in page


def test_markdown_subset_escapes_first():
    assert markdown_text("a <b>b</b> **c**") == "<p>a &lt;b&gt;b&lt;/b&gt; <b>c</b></p>"
