"""End-to-end: the app served by a real ``streamlit run --server.headless true`` on 127.0.0.1,
opened in Debian's Chromium through Playwright.

How to run (from the repository root)::

    python -m pytest tests/e2e            # about a minute; needs /usr/bin/chromium
    python -m pytest tests -m "not e2e"   # everything except these

Needs Debian's ``chromium`` (+ ``fonts-noto-cjk`` for readable 中文 screenshots) and the Python
package ``playwright`` (``playwright install`` is not needed: the system Chromium is used). Without
/usr/bin/chromium every test here is skipped with that reason. Screenshots of failed pages go to
``$E2E_SCREENSHOTS`` or a new /tmp/deepdive-e2e-screenshots-* folder (the path is printed in the
report).

Every page registered in ``streamlit_app.LESSONS`` is opened here automatically. The tests wait
for Streamlit to finish running (``data-test-script-state`` of the app root), never fixed sleeps.
"""
from __future__ import annotations

import importlib
import time
from urllib.parse import parse_qs, urlsplit

import pytest

import streamlit_app
from engine import settings as S
from engine.i18n import CORE
from tests.e2e.conftest import HAVE_CHROMIUM, SKIP_REASON

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not HAVE_CHROMIUM, reason=SKIP_REASON)]

LESSONS = [l for items in streamlit_app.LESSONS.values() for l in items]
APP = '[data-testid="stApp"]'
IDLE = f'{APP}[data-test-script-state="notRunning"][data-test-connection-state="CONNECTED"]'
CHART = '[data-testid="stPlotlyChart"]'
SIDEBAR = '[data-testid="stSidebar"]'
NAV = '[data-testid="stSidebarNav"]'
TIMEOUT = 90_000          # ms; a cold page trains a model on 2 shared cores


def stem(lesson) -> str:
    return lesson.path.rsplit("/", 1)[-1].removesuffix(".py")


def title(lesson, lang: str = "en") -> str:
    return importlib.import_module(lesson.engine).STRINGS["title"][lang]


def has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def query(page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlsplit(page.url).query, keep_blank_values=True).items()}


SETTLED_JS = """sel => !!document.querySelector(sel)
    && !document.querySelector('[data-testid="stSkeleton"]')"""


def wait_idle(page, timeout: float = TIMEOUT) -> None:
    """Wait until the script has finished and every lazily loaded element has been drawn
    (Plotly is a 3.5 MB bundle, shown as a skeleton until it has loaded), and it stays so for
    two polls in a row (a rerun chain, e.g. navigation or a query-param write, passes through
    'notRunning' briefly)."""
    deadline = time.monotonic() + timeout / 1000
    steady = 0
    while steady < 2:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"the app did not settle within {timeout / 1000:.0f} s")
        page.wait_for_function(SETTLED_JS, arg=IDLE, timeout=left * 1000, polling=100)
        page.wait_for_timeout(250)
        steady = steady + 1 if page.evaluate(SETTLED_JS, IDLE) else 0


def open_app(page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    wait_idle(page)


def assert_charts_render(page) -> int:
    charts = page.locator(CHART)
    n = charts.count()
    assert n > 0, "no Plotly chart on the page"
    for i in range(n):
        # Plotly draws into <div class="js-plotly-plot"><svg class="main-svg">…
        charts.nth(i).locator(".js-plotly-plot svg.main-svg").first.wait_for(state="attached", timeout=TIMEOUT)
    return n


def assert_no_failure(page) -> None:
    """No exception box, and no error box except a divergence (a lesson, shown with 💥)."""
    exceptions = page.locator('[data-testid="stException"]').all_inner_texts()
    assert not exceptions, f"exception on the page: {exceptions}"
    errors = [t for t in page.locator('[data-testid="stAlertContainer"]:has([data-testid="stAlertContentError"])')
              .all_inner_texts() if "💥" not in t]
    assert not errors, f"error box on the page: {errors}"
    for lang in ("en", "zh"):
        assert CORE["error_title"][lang] not in page.locator(APP).inner_text()


# (a) every registered page renders -------------------------------------------------------------

@pytest.mark.parametrize("lesson", LESSONS, ids=stem)
def test_every_page_renders(server, page, lesson):
    open_app(page, f"{server.url}/{stem(lesson)}")
    assert page.locator("h1").first.inner_text().strip() == title(lesson)
    assert_charts_render(page)
    assert_no_failure(page)
    assert page.locator(f"{SIDEBAR} [data-testid='stSlider']").count() > 0, "no slider in the sidebar"
    assert {"lang", "seed"} <= set(query(page)), "shared settings missing from the URL"


# (b) a shared link as the very first request to a fresh server ----------------------------------

def test_shared_link_is_first_request_to_fresh_server(fresh_server, page):
    """The link of the share box (/?lesson=linear_regression&…) as the very first request to a
    freshly started server (a hosted app woken from sleep): the lesson, its settings, no dialog."""
    import engine.linear_regression as L

    open_app(page, f"{fresh_server.url}/?lesson=linear_regression&lr=0.1&num_epochs=5&seed=7&lang=zh")
    assert urlsplit(page.url).path == "/linear_regression", page.url
    assert page.locator("h1").first.inner_text().strip() == L.STRINGS["title"]["zh"]
    # the app's own sidebar (language, seed, the lesson's settings) and the grouped navigation
    sidebar = page.locator(SIDEBAR)
    assert sidebar.is_visible()
    assert sidebar.get_by_role("combobox").first.input_value() == "中文"
    assert sidebar.locator('[data-testid="stSlider"]').count() >= 4
    nav = page.locator(NAV).inner_text()         # grouped, and in the link's language from its first run
    assert CORE["home"]["zh"] in nav and CORE["group_basics"]["zh"] in nav and L.STRINGS["title"]["zh"] in nav, nav
    # Chinese text in the page and its charts
    assert has_cjk(page.locator('[data-testid="stMain"]').inner_text())
    assert has_cjk(page.locator(f"{CHART} .js-plotly-plot").first.text_content() or ""), "chart text not in 中文"
    # the URL keeps the shared values, and the widgets show them
    q = query(page)
    assert (q.get("lr"), q.get("num_epochs"), q.get("seed"), q.get("lang")) == ("0.1", "5", "7", "zh"), q
    epochs = sidebar.locator('[data-testid="stSlider"]', has_text=L.STRINGS["num_epochs"]["zh"])
    assert epochs.locator('input[type="range"]').input_value() == "5"
    assert sidebar.locator('[data-testid="stNumberInput"] input').first.input_value() == "7"
    assert_charts_render(page)
    assert_no_failure(page)
    assert "lesson" not in q
    # no "Page not found" (Streamlit's folder-based routing of a fresh server's first run; see
    # test_first_link.py for both forms of link to every lesson)
    assert page.locator('[role="dialog"]', has_text="Page not found").count() == 0
    # the share box on the page gives the same form of link again
    main = page.locator('[data-testid="stMain"]')
    main.get_by_text(CORE["share"]["zh"]).click()
    shared = main.locator('[data-testid="stCode"]', has_text="lesson=").first.inner_text()
    assert shared.startswith(f"{fresh_server.url}/?lesson=linear_regression&"), shared
    assert "lr=0.1" in shared and "num_epochs=5" in shared and "seed=7" in shared


def test_back_from_a_share_box_link_does_not_bounce_forward(server, page):
    open_app(page, f"{server.url}/?lesson=mlp&lr=0.2")
    assert urlsplit(page.url).path == "/mlp" and query(page)["lr"] == "0.2"
    for _ in range(3):      # the page's own entry, then the entry of its settings arriving in the URL
        page.go_back()
        page.wait_for_timeout(1000)
        wait_idle(page)
        if urlsplit(page.url).path in ("/", ""):
            break
    page.wait_for_timeout(1500)
    wait_idle(page)
    assert urlsplit(page.url).path in ("/", ""), page.url
    assert page.locator("h1").first.inner_text().strip() == CORE["app_title"]["en"]
    assert_no_failure(page)


def test_hostile_link_shows_notice_not_exception(server, page):
    import engine.linear_regression as L

    open_app(page, f"{server.url}/linear_regression?lr=1e99&batch_size=abc")
    notice = page.locator('[data-testid="stAlertContentWarning"]', has_text=CORE["url_notice"]["en"])
    notice.wait_for(timeout=TIMEOUT)
    text = notice.inner_text()
    assert "lr" in text and "1e99" in text and "batch_size" in text and "abc" in text, text
    assert_no_failure(page)                      # lr clamped to its maximum may diverge: 💥 is allowed
    assert_charts_render(page)
    bounds, q = S.bounds(L.Settings), query(page)
    assert float(q["lr"]) == bounds["lr"].hi, q
    assert int(q["batch_size"]) == L.Settings().batch_size, q


# (c) a slider moved with the keyboard -----------------------------------------------------------

def test_keyboard_slider_updates_url_and_chart(server, page):
    import engine.linear_regression as L

    open_app(page, f"{server.url}/linear_regression")
    lo = int(S.bounds(L.Settings)["num_epochs"].lo)
    first_chart = page.locator(f"{CHART} .js-plotly-plot").first
    slider = page.locator(f'{SIDEBAR} [data-testid="stSlider"]', has_text=L.STRINGS["num_epochs"]["en"])
    thumb = slider.locator('input[type="range"]')
    start = int(query(page)["num_epochs"])
    for key, expected in (("ArrowRight", start + 1), ("Home", lo)):   # Home: the cheapest run
        before = first_chart.inner_html()
        thumb.focus()
        page.keyboard.press(key)
        page.wait_for_url(lambda url: parse_qs(urlsplit(url).query).get("num_epochs") == [str(expected)],
                          timeout=TIMEOUT)
        wait_idle(page)
        assert thumb.input_value() == str(expected)
        first_chart = page.locator(f"{CHART} .js-plotly-plot").first
        first_chart.locator("svg.main-svg").first.wait_for(state="attached", timeout=TIMEOUT)
        assert first_chart.inner_html() != before, f"the chart did not change after {key}"
        assert_no_failure(page)


# (d) the language switch -----------------------------------------------------------------------

def test_language_switch_translates_the_page(server, page):
    lesson = LESSONS[0]
    open_app(page, f"{server.url}/{stem(lesson)}")
    assert page.locator("h1").first.inner_text().strip() == title(lesson, "en")
    page.locator(f'{SIDEBAR} [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name="中文").click()
    page.wait_for_url(lambda url: parse_qs(urlsplit(url).query).get("lang") == ["zh"], timeout=TIMEOUT)
    wait_idle(page)
    page.locator("h1", has_text=title(lesson, "zh")).first.wait_for(timeout=TIMEOUT)
    assert title(lesson, "zh") in page.locator(NAV).inner_text()
    assert_charts_render(page)
    assert_no_failure(page)


# (e) Home lists every lesson -------------------------------------------------------------------

def test_home_lists_every_lesson_and_links_work(server, page):
    open_app(page, f"{server.url}/")
    main = page.locator('[data-testid="stMain"]').inner_text()
    more = page.locator('[data-testid="stSidebarNavViewButton"]')      # "View 6 more" past ~10 pages
    if more.count() and "more" in more.inner_text().lower():
        more.click()
        page.locator(NAV, has_text=title(LESSONS[-1])).wait_for(timeout=TIMEOUT)
    nav = page.locator(NAV).inner_text()
    for lesson in LESSONS:
        assert title(lesson) in main, f"{title(lesson)} missing from Home"
        assert title(lesson) in nav, f"{title(lesson)} missing from the navigation"
    links = page.locator('[data-testid="stMain"] [data-testid="stPageLink"] a')
    assert links.count() >= len(LESSONS)         # one "Open" link per lesson card
    assert_no_failure(page)
    links.first.click()
    page.wait_for_url(lambda url: urlsplit(url).path == f"/{stem(LESSONS[0])}", timeout=TIMEOUT)
    wait_idle(page)
    assert page.locator("h1").first.inner_text().strip() == title(LESSONS[0])
    assert_charts_render(page)


def test_back_button_restores_the_page_it_returns_to(server, page):
    """Streamlit sends the query string of the page being left on Back: its settings of the same name
    (lr, batch_size, num_epochs) must not land on the page the student returns to."""
    open_app(page, f"{server.url}/linear_regression?lr=0.3&num_epochs=5&batch_size=20")
    page.locator(f"{NAV} a", has_text=title(next(l for l in LESSONS if stem(l) == "mlp"))).first.click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/mlp", timeout=TIMEOUT)
    wait_idle(page)
    assert query(page)["lr"] == "0.1" and query(page)["batch_size"] == "256"
    for _ in range(3):     # Streamlit may have added a history entry for the page's own URL update
        page.go_back()
        page.wait_for_timeout(1000)
        wait_idle(page)
        if urlsplit(page.url).path == "/linear_regression":
            break
    q = query(page)
    assert (q["lr"], q["batch_size"], q["num_epochs"]) == ("0.3", "20", "5"), q
    sliders = " ".join(page.locator(f'{SIDEBAR} [data-testid="stSlider"]').all_inner_texts())
    assert "0.3" in sliders and "256" not in sliders
    assert_no_failure(page)


def test_a_page_switch_adds_few_history_entries(server, page):
    """Streamlit's browser side adds a history entry for every change of the query string it is sent:
    the app writes each run's settings as one change, so Back is not a chain of invisible steps."""
    open_app(page, f"{server.url}/linear_regression?lr=0.1")
    before = page.evaluate("history.length")
    page.locator(f"{NAV} a", has_text=title(next(l for l in LESSONS if stem(l) == "gradient_clipping"))).first.click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/gradient_clipping", timeout=TIMEOUT)
    wait_idle(page)
    # one entry for the page (Streamlit's navigation), one for its settings arriving in the URL
    assert page.evaluate("history.length") - before <= 2
    url = page.url
    page.locator(f'{SIDEBAR} [data-testid="stSlider"] input[type="range"]').first.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_url(lambda u: u != url, timeout=TIMEOUT)
    wait_idle(page)
    assert page.evaluate("history.length") - before <= 3          # one moved slider: one entry


# (f) Stop keeps what was trained ---------------------------------------------------------------

def test_stop_keeps_the_partial_run_and_offers_retrain(server, page):
    """A long run (the language model at its largest, capped by the work budget after several
    seconds) is stopped with the page's own Stop button: the page shows what was trained, says it
    was stopped, keeps the settings in the URL, and Retrain trains again. (Streamlit's fast reruns
    start the new script run while the stopped one is still returning: this is the case that
    only a real browser shows.)"""
    import engine.language_model as L

    url = f"{server.url}/language_model?num_epochs=100&num_hiddens=256&batch_size=2&seed=11&temperature=99"
    page.goto(url, wait_until="domcontentloaded")
    main = page.locator('[data-testid="stMain"]')
    stop = main.locator("button", has_text=CORE["stop"]["en"])
    stop.first.wait_for(state="visible", timeout=TIMEOUT)
    # force: the live chart and the progress bar pinned to the window's bottom redraw beside the button
    # every 0.3 s, and Playwright's wait for a "stable" element could outlast the run
    stop.first.click(force=True)
    retrain = main.locator("button", has_text=CORE["retrain"]["en"])
    retrain.first.wait_for(state="visible", timeout=TIMEOUT)
    wait_idle(page)
    text = main.inner_text()
    assert CORE["stopped_short"]["en"].split(":")[0] in text, text[:2000]
    budget_notice = CORE["budget_units"]["en"].split("{")[0][:30]       # (the explanation mentions budgets too)
    assert budget_notice not in text, "the run went on to its budget instead of stopping"
    # the link's notice (temperature=99 clamped) is still there: the Stop ended the run that showed it
    assert CORE["url_notice"]["en"].split("{")[0][:30] in text, text[:1500]
    assert_charts_render(page)
    assert_no_failure(page)
    q = query(page)
    assert (q["num_epochs"], q["num_hiddens"], q["seed"]) == ("100", "256", "11"), q
    # and the widgets still show the link's values (a click that interrupts a page's first run
    # used to leave every slider drawn at its minimum: streamlit/streamlit#4247)
    sidebar = page.locator(SIDEBAR)
    assert sidebar.locator('[data-testid="stNumberInput"] input').first.input_value() == "11"
    hiddens = sidebar.locator('[data-testid="stSlider"]', has_text=L.STRINGS["num_hiddens"]["en"])
    assert hiddens.locator('input[type="range"]').input_value() == "256"
    # the stopped run is this student's only, and Retrain runs it again
    retrain.first.click()
    stop.first.wait_for(state="visible", timeout=TIMEOUT)
    stop.first.click()
    retrain.first.wait_for(state="visible", timeout=TIMEOUT)
    wait_idle(page)
    assert_no_failure(page)


# (g) an upload in a real browser: kept, shown, removable; a refused file does not linger ------------

def test_upload_is_kept_across_pages_and_can_be_removed(server, page, tmp_path):
    from engine.text import CORPUS_STRINGS as C

    good = tmp_path / "短文.txt"
    good.write_bytes(("学习深度学习需要耐心，我们每天读一点书。\n" * 40).encode("gbk"))
    bad = tmp_path / "photo.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    sidebar = page.locator(SIDEBAR)
    open_app(page, f"{server.url}/text_vocab?corpus=upload")
    sidebar.locator('input[type="file"]').set_input_files(str(bad))
    sidebar.get_by_text("photo.txt").first.wait_for(timeout=TIMEOUT)
    wait_idle(page)
    assert "cannot be used" in sidebar.inner_text()
    assert sidebar.locator('[data-testid="stFileUploaderFile"]').count() == 0, "the refused file is still listed"
    assert "10MB" in sidebar.locator('[data-testid="stFileUploaderDropzone"]').inner_text()   # config.toml's limit
    sidebar.locator('input[type="file"]').set_input_files(str(good))
    sidebar.get_by_text("GB").first.wait_for(timeout=TIMEOUT)
    wait_idle(page)
    assert "cannot be used" not in sidebar.inner_text()
    assert sidebar.locator('[data-testid="stFileUploaderFile"]').count() == 0
    assert_charts_render(page)
    # another lesson, and back: the page still uses the file and still offers to remove it
    page.locator(f"{NAV} a", has_text=title(next(l for l in LESSONS if stem(l) == "linear_regression"))).first.click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/linear_regression", timeout=TIMEOUT)
    wait_idle(page)
    page.locator(f"{NAV} a", has_text=title(next(l for l in LESSONS if stem(l) == "text_vocab"))).first.click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/text_vocab", timeout=TIMEOUT)
    wait_idle(page)
    assert "短文.txt" in sidebar.inner_text()
    sidebar.get_by_role("button", name=C["corpus_upload_remove"]["en"]).click()    # (visible ones only)
    wait_idle(page)
    assert "短文.txt" not in sidebar.inner_text()
    assert C["corpus_upload_waiting"]["en"].split(".")[0] in sidebar.inner_text()
    assert_no_failure(page)
