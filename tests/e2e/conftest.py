"""Fixtures for the browser tests: one shared ``streamlit run`` server, Debian's Chromium through
Playwright, a new tab (= a new Streamlit session) per test, and a screenshot of the page when a test fails.

Screenshots go to ``$E2E_SCREENSHOTS`` or a new ``/tmp/deepdive-e2e-screenshots-*`` folder; the
path is printed in the failure report."""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest

from tests.e2e.server import StreamlitServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
try:
    import playwright.sync_api  # noqa: F401
    SKIP_REASON = f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium fonts-noto-cjk)"
    HAVE_CHROMIUM = os.access(CHROMIUM, os.X_OK)
except ImportError:
    SKIP_REASON = "the Python package playwright is not installed (pip install -r requirements.txt)"
    HAVE_CHROMIUM = False


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can see whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session")
def server(browser):
    """The app served for the whole e2e session (started once, stopped at the end).

    One visit to Home first, so the tests start on a server that has served (imports done,
    Streamlit's routing settled). A link as a server's very first request has its own tests,
    each on a server of its own (``fresh_server``, tests/e2e/test_first_link.py)."""
    with StreamlitServer() as s:
        page = browser.new_page()
        try:
            page.goto(f"{s.url}/", wait_until="domcontentloaded")
            page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]',
                                   state="attached", timeout=90_000)
        finally:
            page.close()
        yield s


@pytest.fixture(scope="session")
def browser():
    if not HAVE_CHROMIUM:
        pytest.skip(SKIP_REASON)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        # Playwright cannot download its own browsers here; Debian's Chromium works with it.
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def screenshot_dir():
    """Where screenshots of failed pages go: made on the first failure only, and outside
    pytest's rotating tmp dirs so they survive later test runs."""
    made: list[Path] = []

    def get() -> Path:
        if not made:
            env = os.environ.get("E2E_SCREENSHOTS")
            made.append(Path(env) if env else Path(tempfile.mkdtemp(prefix="deepdive-e2e-screenshots-")))
            made[0].mkdir(parents=True, exist_ok=True)
        return made[0]
    return get


@pytest.fixture(scope="session")
def context(browser):
    """One browser context for the session: its HTTP and code caches keep Plotly's 3.5 MB
    bundle parsed once. Each page (tab) is still a Streamlit session of its own."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    ctx.set_default_timeout(60_000)
    yield ctx
    ctx.close()


@pytest.fixture
def new_page(context, request, screenshot_dir):
    """``new_page()`` → a new tab (a new Streamlit session). Every page the test opened is
    screenshotted if the test fails, then closed."""
    pages = []

    def make():
        pages.append(context.new_page())
        return pages[-1]

    yield make
    failed = any(getattr(request.node, f"rep_{w}", None) is not None and getattr(request.node, f"rep_{w}").failed
                 for w in ("setup", "call"))
    for i, page in enumerate(pages):
        if failed:
            name = re.sub(r"[^\w.-]+", "_", request.node.name)[:120]
            path = screenshot_dir() / f"{name}-{i}.png"
            try:
                page.screenshot(path=str(path), full_page=True)
                print(f"screenshot of the failed page: {path}")
            except Exception as e:         # a crashed page must not hide the real failure
                print(f"no screenshot ({e!r})")
        page.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def fresh_server():
    """A server of its own, for tests whose first request must be the first the server sees."""
    if not HAVE_CHROMIUM:
        pytest.skip(SKIP_REASON)
    with StreamlitServer() as s:
        yield s
