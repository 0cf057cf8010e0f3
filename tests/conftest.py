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
