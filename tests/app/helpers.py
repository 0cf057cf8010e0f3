"""What the page tests ask of an AppTest again and again: open a lesson, the problems on the page, its
metrics, an upload in the sidebar."""
from __future__ import annotations


def problems(at, *, divergence_too: bool = False) -> list[str]:
    """Exceptions and error boxes on the page. A diverging run is a lesson: its error box carries the 💥
    icon and is not a problem, unless ``divergence_too``."""
    return [e.value for e in at.exception] + [e.value for e in at.error
                                              if divergence_too or getattr(e, "icon", None) != "💥"]


def metrics(at) -> dict[str, str]:
    """The page's ``st.metric`` values by label."""
    return {m.label: m.value for m in at.metric}


def open_page(app_at, page: str, query: dict | None = None):
    """The app opened with ``query`` (a link's parameters), switched to ``page``, run, and without problems."""
    at = app_at(query)
    at.switch_page(page).run()
    assert not problems(at), problems(at)
    return at


def upload(at, name: str, raw: bytes):
    """``raw`` uploaded as ``name`` through the sidebar's file uploader; the page has no problems after."""
    at.sidebar.get("file_uploader")[0].set_value((name, raw, "text/plain")).run()
    assert not problems(at), problems(at)
    return at
