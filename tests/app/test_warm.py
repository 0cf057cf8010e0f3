"""Start-up warming: every default run it computes is exactly the one a page asks for, so the
first students find each lesson ready (and nothing is computed twice)."""
from __future__ import annotations

import streamlit_app
from pages._ui._run import key_of, shared_cache
from pages._ui._warm import default_runs, warm_now

PAGES = [l.path for items in streamlit_app.LESSONS.values() for l in items]


def test_warmed_keys_are_the_keys_the_pages_ask_for(app_at):
    cache = shared_cache()
    cache.clear()
    n, _ = warm_now()
    warmed = set(cache._data)
    specs = list(default_runs())
    assert n == len(warmed) == len(specs) == len({key_of(f, s, 0, "cpu", ns) for f, s, ns in specs})
    for page in PAGES:                       # default settings, seed 0, CPU
        at = app_at()
        at.switch_page(page).run()
        assert not at.exception, page
    asked = set(cache._data)
    assert asked >= warmed
    assert not asked - warmed, f"pages computed default runs the warm-up does not know: {[k[0] for k in asked - warmed]}"
    n_again, _ = warm_now()
    assert n_again == 0                      # a second warm-up finds everything cached
