"""Shared fixtures: the repository root, and AppTest helpers for the app tests."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

# No start-up warming of the lessons' default runs in tests (AppTest processes and the e2e server
# inherit this): each test computes what it asks for. tests/app/test_warm.py calls it directly.
os.environ.setdefault("DEEPDIVE_WARM", "0")
# One intra-op thread per training, as under a class load: a page test checks what a lesson
# teaches, and on a shared CI machine the free-core count (pages/_ui/_run.TrainingSlots) follows
# other jobs' load. tests/app/test_shared_run.py tests that count; tests/engine/test_threads.py the grant.
os.environ.setdefault("DEEPDIVE_TRAINING_THREADS", "1")
# The same for the tests' own torch work (reference computations, autograd checks, the book's loops):
# one intra-op thread, as every lesson's run and every script run of the app use (engine/device.py,
# streamlit_app.main). Tiny ops gain nothing from a second thread, and on a busy 2-core CI machine each
# parallel op waits for the other core: measured under load, tests/engine/test_vision_field.py took
# 66 s with torch's default 2 threads and 9 s with 1 (user CPU 18.9 s vs 4.7 s, the rest spinning).
# tests/engine/test_threads.py sets its own counts to test the grants.
import torch  # noqa: E402

torch.set_num_threads(1)
# Uploads kept for links go to a folder of this test session, not the repository's data/uploads/.
if "DEEPDIVE_UPLOADS" not in os.environ:
    import tempfile
    os.environ["DEEPDIVE_UPLOADS"] = tempfile.mkdtemp(prefix="deepdive-test-uploads-")

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "streamlit_app.py")


@pytest.fixture
def app_at():
    """A fresh AppTest of the whole app (navigation + shared sidebar), not yet run."""
    from streamlit.testing.v1 import AppTest

    def make(query: dict | None = None, timeout: float = 120):
        # Every AppTest session has the same (empty) session id, and the server keeps each session's last
        # stopped or time-capped run to show it again: one test's cut run must not reach another test.
        from pages._ui import _run
        _run.stopped_runs().clear()
        at = AppTest.from_file(APP, default_timeout=timeout)
        if query:
            at.query_params.update(query)
        return at
    return make
