"""A student's link as the very first request to a freshly started server (a hosted app woken from
sleep by whatever link was clicked), for every lesson in ``streamlit_app.LESSONS`` and in both forms
of link: the address bar's ``/<lesson>?…`` and the share box's ``/?lesson=<lesson>&…``.

Each case needs a server nobody has asked anything yet (Streamlit decides once per process, at the
first session, how to route). To keep this affordable on 2 cores, ``first_visits`` starts the servers
a few at a time, opens their links in tabs of the one browser concurrently, records what each tab
shows, and stops them; the tests then only read the records. Only the cases selected (``-k``) are
visited."""
from __future__ import annotations

import re
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urlsplit

import pytest

from engine.i18n import CORE
from tests.e2e.conftest import HAVE_CHROMIUM, SKIP_REASON
from tests.e2e.server import StreamlitServer
from tests.e2e.test_browser import IDLE, LESSONS, NAV, SIDEBAR, TIMEOUT, stem, title

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not HAVE_CHROMIUM, reason=SKIP_REASON)]

FORMS = ("address_bar", "share_box")
CASES = [(stem(lesson), form) for lesson in LESSONS for form in FORMS]
BY_PATH = {stem(lesson): lesson for lesson in LESSONS}
SETTINGS = "seed=7&lang=zh"          # seed's default is 0, the language's English
AT_ONCE = 3                          # servers (and tabs) at a time: each first run imports torch and trains
CAP_S = "2"                          # seconds a page's run may train on these servers (DEEPDIVE_MAX_SECONDS)


def case_id(case) -> str:
    return f"{case[0]}-{case[1]}"


def link(base: str, url_path: str, form: str) -> str:
    if form == "address_bar":
        return f"{base}/{url_path}?{SETTINGS}"
    return f"{base}/?lesson={url_path}&{SETTINGS}"


# The lesson's page has finished its run: the app is idle, the title is the lesson's in 中文, and the
# shared sidebar (with its seed) is drawn.
ARRIVED_JS = """([idle, want, seedLabel]) => {
    const h1 = document.querySelector('h1');
    return !!document.querySelector(idle) && !!h1 && h1.innerText.trim() === want
        && [...document.querySelectorAll('[data-testid="stSidebar"] [data-testid="stNumberInput"]')]
            .some(e => e.innerText.includes(seedLabel));
}"""


def record(page, url_path: str, shots, name: str) -> dict:
    """What the tab shows once the lesson has arrived (or after TIMEOUT, if it never does)."""
    want = title(BY_PATH[url_path], "zh")
    out: dict = {"error": None}
    try:
        page.wait_for_function(ARRIVED_JS, arg=[IDLE, want, CORE["seed"]["zh"]], timeout=TIMEOUT, polling=100)
        page.wait_for_timeout(300)      # still idle a moment later (a rerun chain passes through idle)
        page.wait_for_function(ARRIVED_JS, arg=[IDLE, want, CORE["seed"]["zh"]], timeout=TIMEOUT, polling=100)
    except Exception as exc:            # recorded, asserted by the test with the page's state
        out["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    h1 = page.locator("h1")
    out["h1"] = h1.first.inner_text().strip() if h1.count() else None
    out["url"] = page.url
    out["dialogs"] = page.locator('[role="dialog"]').all_inner_texts()
    seed = page.locator(f'{SIDEBAR} [data-testid="stNumberInput"]', has_text=CORE["seed"]["zh"]).locator("input")
    out["seed"] = seed.first.input_value() if seed.count() else None
    out["sidebar"] = page.locator(SIDEBAR).inner_text() if page.locator(SIDEBAR).count() else "(no sidebar)"
    out["nav"] = page.locator(NAV).inner_text() if page.locator(NAV).count() else ""
    out["nav_hrefs"] = [urlsplit(a).path for a in page.locator(f"{NAV} a").evaluate_all("as => as.map(a => a.href)")]
    out["exceptions"] = page.locator('[data-testid="stException"]').all_inner_texts()
    if out["error"] or out["dialogs"] or out["seed"] != "7":
        path = shots() / ("first_link-" + re.sub(r"[^\w.-]+", "_", name) + ".png")
        try:
            page.screenshot(path=str(path), full_page=True)
            out["screenshot"] = str(path)
        except Exception as exc:        # a crashed tab must not hide the record
            out["screenshot"] = f"none ({exc!r})"
    return out


@pytest.fixture(scope="module")
def first_visits(request, context, screenshot_dir) -> dict:
    """{(url_path, form): record} for the selected cases, each on a server of its own: AT_ONCE
    links loading at any time, the next server already started (idle, it costs nothing) when one
    finishes, every server stopped in the background as soon as its tab has been read."""
    chosen = deque(item.callspec.params["case"] for item in request.session.items
                   if item.module is request.module and "case" in getattr(getattr(item, "callspec", None), "params", {}))
    results: dict = {}
    servers: list[StreamlitServer] = []
    starting: deque = deque()           # (case, future of a started server)
    loading: deque = deque()            # (case, server, tab)

    def start(case):
        # what is checked is the routing of the first request, not the training: each run stops after
        # CAP_S seconds (a capped run still draws what it trained, says so, and ends idle)
        server = StreamlitServer(env={"DEEPDIVE_WARM": "0", "DEEPDIVE_MAX_SECONDS": CAP_S})
        servers.append(server)
        return server.start()

    with ThreadPoolExecutor(AT_ONCE + 2) as pool:
        try:
            while chosen or starting or loading:
                while chosen and len(starting) + len(loading) <= AT_ONCE:
                    case = chosen.popleft()
                    starting.append((case, pool.submit(start, case)))
                while starting and len(loading) < AT_ONCE:
                    case, future = starting.popleft()
                    server, tab = future.result(), context.new_page()
                    tab.goto(link(server.url, *case), wait_until="commit")
                    loading.append((case, server, tab))
                case, server, tab = loading.popleft()
                results[case] = record(tab, case[0], screenshot_dir, case_id(case))
                results[case]["log"] = server.log_tail(1500)
                tab.close()
                pool.submit(server.stop)
        finally:
            list(pool.map(StreamlitServer.stop, servers))
    return results


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_a_link_as_a_fresh_servers_first_request_opens_the_lesson(first_visits, case):
    url_path, form = case
    r = first_visits[case]
    where = f"{link('', url_path, form)} → {r['url']} (screenshot: {r.get('screenshot', '-')})"
    # no "Page not found" (nor any other dialog) over the lesson
    assert not r["dialogs"], f"{where}: dialog {r['dialogs']}"
    assert not r["exceptions"], f"{where}: {r['exceptions']}"
    assert r["error"] is None, f"{where}: {r['error']}; h1 {r['h1']!r}\n{r['log']}"
    # the lesson, in the link's language, at its own address
    assert r["h1"] == title(BY_PATH[url_path], "zh"), where
    assert urlsplit(r["url"]).path == f"/{url_path}", where
    # the link's seed reached the sidebar's widget and stays in the URL
    assert r["seed"] == "7", f"{where}: seed {r['seed']!r}; sidebar {r['sidebar'][:300]!r}"
    q = {k: v[-1] for k, v in parse_qs(urlsplit(r["url"]).query).items()}
    assert (q.get("seed"), q.get("lang")) == ("7", "zh") and "lesson" not in q, where
    # the app's own navigation, and nothing else: Home in 中文, each page once (the pages/<lesson>.py
    # entry stubs that carry the address-bar form are not pages of the app)
    assert CORE["home"]["zh"] in r["nav"] and "streamlit app" not in r["nav"].lower(), r["nav"]
    assert len(r["nav_hrefs"]) == len(set(r["nav_hrefs"])) > 0, r["nav_hrefs"]

