"""The thread count in a real browser (README, "The thread count is part of the run"): a link that says
``threads=2``, opened on the tests' server (which gives new sessions one thread), trains with two threads and
shows the numbers of a two-thread run, with the count in the address bar, the sidebar and the share box; an
older link (a seed, no count) trains with one thread and shows the one-thread numbers. LeNet's page defaults
at learning rate 0.2 on the digits: test accuracy 0.752 with two threads, 0.485 with one. A session deciding its own count is
tested in tests/app/test_threads_link.py."""
from __future__ import annotations

import dataclasses

import pytest

from engine import device as dev
from engine.cores import usable_cores
from engine.datasets.images import load_image_data
from engine.i18n import CORE
from engine.numerics import fmt
from engine.vision import lenet as L
from tests.e2e.conftest import HAVE_CHROMIUM, SKIP_REASON
from tests.e2e.test_browser import SIDEBAR, assert_no_failure, open_app, query

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not HAVE_CHROMIUM, reason=SKIP_REASON),
              pytest.mark.skipif(usable_cores() < 2, reason="needs a machine with two cores")]

ACCURACY = "Test accuracy, LeNet (ReLU, max pool)"


def accuracy(threads: int) -> str:
    with dev.threads(threads):
        r = L.run(dataclasses.replace(L.Settings(), dataset="digits", lr=0.2), seed=0, data=load_image_data("digits"))
    return fmt(r.last("modern"), 3)


def metric(page, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]', has_text=label).first
    return box.locator('[data-testid="stMetricValue"]').inner_text().strip()


def test_a_link_trains_with_its_thread_count_and_keeps_it(server, new_page):
    page = new_page()
    open_app(page, f"{server.url}/lenet?dataset=digits&lr=0.2&seed=0&threads=2")
    assert_no_failure(page)
    assert query(page).get("threads") == "2", page.url
    assert "CPU · 2 threads" in page.locator(SIDEBAR).inner_text()
    assert metric(page, ACCURACY) == accuracy(2)
    main = page.locator('[data-testid="stMain"]')
    main.get_by_text(CORE["share"]["en"]).click()
    shared = main.locator('[data-testid="stCode"]', has_text="lesson=").first.inner_text()
    assert "threads=2" in shared, shared

    old = new_page()                                   # a link made before counts were kept: one thread
    open_app(old, f"{server.url}/lenet?dataset=digits&lr=0.2&seed=0")
    assert_no_failure(old)
    assert query(old).get("threads") == "1" and "CPU · 1 thread" in old.locator(SIDEBAR).inner_text()
    assert metric(old, ACCURACY) == accuracy(1) != accuracy(2)
