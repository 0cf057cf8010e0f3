"""pages/<url_path>.py: one entry stub per lesson in streamlit_app.LESSONS, all alike (see "ENTRY
STUBS" in streamlit_app.py). Without its stub, a link to a new lesson as a freshly started server's
first request shows Streamlit's "Page not found"; tests/e2e/test_first_link.py checks that in Chromium."""
from __future__ import annotations

import ast
import re

import streamlit_app
from tests.conftest import ROOT

PAGES = ROOT / "pages"
LESSONS = [l for items in streamlit_app.LESSONS.values() for l in items]


def stubs() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in PAGES.glob("*.py") if p.name != "__init__.py"}


def test_every_lesson_has_an_entry_stub_and_nothing_else_is_one():
    have, want = set(stubs()), {l.url_path for l in LESSONS}
    assert not want - have, (f"missing entry stubs: copy pages/linear_regression.py to "
                             f"{', '.join(f'pages/{n}.py' for n in sorted(want - have))}")
    assert not have - want, f"pages/{sorted(have - want)}.py: not a lesson's url_path (a stale stub?)"


def test_the_stubs_are_alike_and_only_hand_over_to_the_apps_navigation():
    texts = set(stubs().values())
    assert len(texts) == 1, "the entry stubs differ: copy pages/linear_regression.py over the others"
    body = ast.parse(texts.pop()).body
    assert isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant), "docstring first"
    assert [ast.unparse(node) for node in body[1:]] == ["import streamlit_app", "streamlit_app.main()"]


def test_url_paths_are_what_streamlit_infers_from_the_stubs_file_names():
    """Streamlit names a file-based page after its file, dropping a leading number and emoji
    ("01_intro.py" -> "intro"): a stub only matches a url_path that keeps its name unchanged."""
    for lesson in LESSONS:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", lesson.url_path), lesson.url_path
        assert lesson.url_path == lesson.path.rsplit("/", 1)[-1].removesuffix(".py")
