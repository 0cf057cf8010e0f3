"""Comparing runs in a real Chromium: pin a run, move a slider, see two runs on the chart; the pins
travel in the URL; the report downloads and opens offline (file://) with every chart drawn."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

import engine.linear_regression as L
from engine.i18n import CORE
from tests.e2e.conftest import HAVE_CHROMIUM, SKIP_REASON
from tests.e2e.test_browser import CHART, SIDEBAR, TIMEOUT, assert_no_failure, open_app, wait_idle

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not HAVE_CHROMIUM, reason=SKIP_REASON)]


def test_pin_move_a_slider_two_runs_then_the_report(server, page, new_page, tmp_path):
    open_app(page, f"{server.url}/linear_regression?lr=0.03&num_epochs=2")
    main = page.locator('[data-testid="stMain"]')
    main.get_by_role("button", name=CORE["pin_add"]["en"]).click()
    main.get_by_role("button", name=CORE["pin_same"]["en"]).wait_for(timeout=TIMEOUT)
    wait_idle(page)
    # move the learning rate one step up with the keyboard (0.03 → 0.05 on its 1-2-3-5 grid)
    lr = page.locator(f'{SIDEBAR} [data-testid="stSlider"]', has_text=L.STRINGS["lr"]["en"])
    lr.locator('input[type="range"]').first.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_url(lambda url: parse_qs(urlsplit(url).query).get("lr") == ["0.05"], timeout=TIMEOUT)
    wait_idle(page)
    assert parse_qs(urlsplit(page.url).query).get("pin") == ["lr:0.03"], page.url
    main.get_by_role("button", name="η = 0.03").wait_for(timeout=TIMEOUT)
    # the loss chart: the current run's two lines and the pinned run's two, named by what differs
    chart = page.locator(f"{CHART} .js-plotly-plot").first
    chart.locator("svg.main-svg").first.wait_for(state="attached", timeout=TIMEOUT)
    assert chart.locator(".scatterlayer .trace").count() == 4
    legend = " ".join(chart.locator(".legendtext").all_text_contents())
    assert legend.count("η = 0.03, pinned") == 2, legend
    assert_no_failure(page)
    n_charts = page.locator(CHART).count()

    # the report: one HTML file, opened offline, every chart drawn by the plotly.js inside it
    with page.expect_download(timeout=TIMEOUT) as download:
        main.get_by_role("button", name=CORE["report"]["en"]).click()
    path = tmp_path / "report.html"
    download.value.save_as(path)
    assert download.value.suggested_filename == "linear_regression_report.html"
    report = new_page()
    report.route("http*://**", lambda route: route.abort())     # offline: nothing may come from the network
    report.goto(path.as_uri(), wait_until="load")
    report.locator(".js-plotly-plot svg.main-svg").first.wait_for(state="attached", timeout=TIMEOUT)
    assert report.locator(".js-plotly-plot").count() == n_charts
    report.wait_for_function(f"document.querySelectorAll('.js-plotly-plot svg.main-svg').length >= {n_charts}")
    assert report.locator("h1").inner_text().strip() == L.STRINGS["title"]["en"]
    first = report.locator(".js-plotly-plot").first
    assert first.locator(".scatterlayer .trace").count() == 4
    assert "η = 0.03, pinned" in " ".join(first.locator(".legendtext").all_text_contents())
    text = report.locator("body").inner_text()
    assert "pin=lr:0.03" in text and "Final loss" in text
