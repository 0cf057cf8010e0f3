"""A session's thread count is part of its runs (pages/_ui/_threads.run_threads): decided at its first training
that can use more than one thread (every free core for a student alone, one under a class load), kept for the
session and in its link (``threads=``), and used again by whoever opens the link, so that the link shows the
numbers its sender saw. LeNet's page defaults at learning rate 0.2 on the digits give test accuracy 0.485 with
one thread and 0.752 with two (torch sums the convolutions' weight gradients per thread): the test below tells
them apart."""
from __future__ import annotations

import dataclasses

import pytest

from engine import device as dev
from engine.datasets.images import load_image_data
from engine.numerics import fmt
from engine.vision import lenet as L
from tests.app.helpers import metrics, open_page, problems

LENET = "pages/vision/lenet.py"
LINREG = "pages/basics/linear_regression.py"
ACCURACY = "Test accuracy, LeNet (ReLU, max pool)"


@pytest.fixture
def free_cores(monkeypatch):
    """A 4-core server whose slots would give a new session ``free[0]`` threads (the tests' default is one,
    tests/conftest.py); restored after."""
    from pages._ui._run import training_slots
    slots = training_slots()
    monkeypatch.setattr(slots, "cores", 4)
    monkeypatch.setattr(slots, "fixed_threads", 2)
    return slots


def accuracy(threads: int) -> str:
    s = dataclasses.replace(L.Settings(), dataset="digits", lr=0.2)
    with dev.threads(threads):
        r = L.run(s, seed=0, data=load_image_data("digits"))
    return fmt(r.last("modern"), 3)


def sidebar_device(at) -> str:
    return " ".join(c.value for c in at.sidebar.caption)


def test_a_session_decides_its_count_at_its_first_larger_training_and_keeps_it(app_at, free_cores):
    at = open_page(app_at, LINREG)                   # a small model: nothing to decide yet
    assert "threads" not in at.query_params and "up to 4 threads" in sidebar_device(at)
    at.query_params.clear()                          # as a browser's page switch does (AppTest keeps them)
    at.switch_page(LENET).run()
    assert not problems(at), problems(at)
    assert at.query_params["threads"] == "2" and "CPU · 2 threads" in sidebar_device(at)
    assert ("CPU threads per training", "2") in at.session_state["_report"]["settings"]     # the report says so
    free_cores.fixed_threads = 1                     # the class arrives: the session keeps its count
    at.query_params.clear()
    at.switch_page(LINREG).run()
    assert at.query_params["threads"] == "2"


def test_a_link_trains_with_its_count_and_shows_its_senders_numbers(app_at, free_cores):
    two, one = accuracy(2), accuracy(1)
    assert two != one                                # what the count changes (0.752 against 0.485)
    free_cores.fixed_threads = 1                     # the link is opened under a class load
    at = open_page(app_at, LENET, {"dataset": "digits", "lr": "0.2", "seed": "0", "threads": "2"})
    assert metrics(at)[ACCURACY] == two and at.query_params["threads"] == "2"
    free_cores.fixed_threads = 2                     # an old link (a seed, no count) opened by a student alone
    at = open_page(app_at, LENET, {"dataset": "digits", "lr": "0.2", "seed": "0"})
    assert metrics(at)[ACCURACY] == one and at.query_params["threads"] == "1"


def test_a_count_beyond_this_machines_cores_is_clamped_with_a_notice(app_at, free_cores):
    at = open_page(app_at, LINREG, {"seed": "0", "threads": "64"})
    assert at.query_params["threads"] == "4"
    notice = " ".join(w.value for w in at.warning)
    assert "`threads` = `64` → clamped to 4" in notice
    at = open_page(app_at, LINREG, {"seed": "0", "threads": "two"})
    assert "`threads` = `two` → not understood" in " ".join(w.value for w in at.warning)
    assert at.query_params["threads"] == "1"       # a link of this app without a readable count: one thread
