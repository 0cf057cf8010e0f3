"""Page furniture: header, share link, charts, CSV downloads, code from engine/, errors."""
from __future__ import annotations

import inspect
import logging
import textwrap
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from engine import diagnosis, plotting
from engine import settings as S
from engine.i18n import Translator
from pages._ui import _compare, _corpus, _summary
from pages._ui._memo import shared_call
from pages._ui._state import current_lang, show_url_notices, url_now

log = logging.getLogger("deepdive")


def header(tr: Translator) -> None:
    """Lesson title and one-line summary (keys 'title' and 'summary' of the lesson's
    STRINGS), then any notice about values clamped from the URL (pins from the link included:
    call it after the page's settings forms)."""
    _compare.read_link()
    st.title(tr("title"))
    st.caption(tr("summary"))
    _compare.note_header(tr("title"), tr("summary"))
    show_url_notices(tr)
    _corpus.substitute_notice(tr)


LESSON_PARAM = "lesson"          # /?lesson=<page>&<settings>: the form of link the share box gives


def share_link(tr: Translator) -> None:
    """The page's full link with every setting, in a code box with a copy button.
    Call it after every ``settings_form`` of the page, so the URL is complete.

    The link names the app's root with ``?lesson=<page>``, not ``/<page>``: Streamlit answers a
    link to ``/<page>`` on a freshly started server (a hosted app woken from sleep) with a
    "Page not found" dialog, because a ``pages/`` folder exists; the root never is. ``streamlit_app``
    switches to the lesson, with the settings."""
    url = (st.context.url or "").split("?")[0].rstrip("/")
    here = st.session_state.get("_page", "")
    root = url[: -len(here) - 1] if here and url.endswith("/" + here) else url
    _compare.write_link()
    params = {LESSON_PARAM: here, **url_now()} if here else url_now()
    link = f"{root}/?{urlencode(params, doseq=True, safe=':,')}"
    with st.expander(tr("share"), icon=":material/link:"):
        st.caption(tr("share_help"))
        st.code(link, language=None, wrap_lines=True)
        note = _corpus.share_note(tr)
        if note:
            st.warning(note, icon="🔗")
    _summary.finish(tr, link)


def plot(fig, *args, key: str | None = None, compare: bool = False, **kwargs) -> None:
    """Show a Plotly figure with the project's template (not Streamlit's theme).

    ``plot(builder, *args, **kwargs)`` builds it with ``builder(*args, **kwargs)`` through a cache
    shared by every session (``shared_call``): building a Plotly figure costs 0.1–0.5 s of the
    server's one core, showing a built one a few ms, so a class looking at the same cached result
    no longer queues behind thirty rebuilds of the same charts.

    ``compare=True``: one of the lesson's main curve charts — with runs pinned, the same builder draws
    each pinned run too, muted, beside the current one (``pages/_ui/_compare.py``). Every figure shown
    goes into the page's report."""
    if callable(fig):
        builder = fig
        fig = shared_call(plotting.finished, builder, *args, **kwargs)
        if compare:
            fig = _compare.overlaid(builder, args, kwargs, fig)
    else:
        fig = plotting.finish(fig)
    _compare.note_figure(fig)
    st.plotly_chart(fig, theme=None, key=key, width="stretch")


def explanation(text: str) -> None:
    """The lesson's explanation (Markdown): on the page, and in its report."""
    _compare.note_text(text)
    st.markdown(text)


def csv_download(df: pd.DataFrame, tr: Translator, name: str, key: str | None = None) -> None:
    st.download_button(tr("download_csv"), df.to_csv(index=False).encode("utf-8"),
                       file_name=f"{name}.csv", mime="text/csv", key=key or f"csv_{name}",
                       on_click="ignore", icon=":material/download:")


def code_from_engine(tr: Translator, *objects) -> None:
    """The few lines that matter, read from engine/ itself (never a copy that could drift)."""
    with st.expander(tr("code_title"), icon=":material/code:"):
        st.code("\n\n".join(textwrap.dedent(inspect.getsource(o)) for o in objects), language="python")


def show_error(exc: BaseException, tr: Translator) -> None:
    """A failure becomes a message on the page (what happened, what to do), not a traceback.
    The full traceback still goes to the server log for the maintainers."""
    log.exception("page failed")
    detail = f"{type(exc).__name__}: {str(exc)[:300]}"
    st.error(f"**{tr('error_title')}**\n\n{tr('error_body', detail=detail)}", icon="⚠️")


def budget_notice(reason: str | None, tr: Translator, units) -> None:
    """Say why a run ended early: the work budget, the time limit, or the Stop button."""
    from pages._ui._run import MAX_SECONDS, last_progress
    if reason == "units":
        seen = last_progress()
        if seen is not None and seen[0] < seen[2]:
            st.warning(tr("budget_units_at", done=seen[0], planned=seen[2]), icon="⏱️")
        else:
            st.warning(tr("budget_units", units=units), icon="⏱️")
    elif reason == "seconds":
        st.warning(tr("budget_seconds", seconds=MAX_SECONDS), icon="⏱️")
    elif reason == "stopped":
        st.info(tr("stopped_short"), icon="⏹️")


def verdict(train, valid=None, *, chance=None, baseline=None, floor=None, diverged_at=None, settings=None,
            regularization: float = 0.0, show_diverged: bool = False, label: str | None = None,
            lr_field: str = "lr", floor_kind: str = "noise") -> diagnosis.Verdict:
    """The one verdict every training lesson gives under its charts (``engine.diagnosis``): stuck at
    chance, overfitting, still improving — with the advice that fits the case. A regression lesson
    gives ``baseline`` (the loss of predicting the mean of y) and ``floor`` (the noise floor) instead
    of ``chance``; it is also told when the floor is reached or the run settled above it.
    ``settings``: the run's Settings; where its ``lr`` sits in its bounds tells the advice whether η
    is at the low or the high end (``lr_field`` names another field, where each run has its own η).
    ``floor`` None: the noise floor is not known (real data); ``floor_kind='best_fit'``: the floor is the
    least-squares minimum (the best the model can do), not noise, and is worded so. Divergence is shown by the pages themselves (with the step and the
    last finite loss), so it is left out here unless ``show_diverged``. ``label`` names the run when
    a page gives more than one verdict."""
    lr_bound = S.bounds(type(settings)).get(lr_field) if settings is not None else None
    position = (diagnosis.lr_position(getattr(settings, lr_field), lr_bound.lo, lr_bound.hi)
                if lr_bound is not None and lr_bound.kind != "choice" else None)
    v = diagnosis.diagnose(train, valid, chance=chance, baseline=baseline, floor=floor, diverged_at=diverged_at,
                           lr_position=position, regularization=regularization, floor_kind=floor_kind)
    text = Translator(current_lang(), diagnosis.STRINGS)(v.key, **v.values)
    if label:
        text = f"{label} — {text}"
    if v.kind == "diverged":
        if show_diverged:
            st.error(text, icon="💥")
    elif v.kind in ("stuck", "overfitting", "unstable"):
        st.warning(text, icon="📉")
    elif v.kind == "improving":
        st.info(text, icon="📈")
    elif v.cause == "above_floor":
        st.info(text, icon="ℹ️")
    elif v.kind == "floor":
        st.success(text, icon="🎯")
    return v


def table(df: pd.DataFrame) -> None:
    """A table whose floats read as numbers at any size: four significant digits, exponent when
    needed (Streamlit's default showed 1.2e20 as a 21-digit integer)."""
    fmt = {c: st.column_config.NumberColumn(format="%.4g") for c in df.columns if pd.api.types.is_float_dtype(df[c])}
    st.dataframe(df, hide_index=True, column_config=fmt)
