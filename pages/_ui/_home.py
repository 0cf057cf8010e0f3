"""The Home page: every registered lesson with its one-line summary."""
from __future__ import annotations

import importlib

import streamlit as st

from pages._ui._state import show_url_notices, translator


def render(lessons) -> None:
    tr = translator()
    st.title(tr("app_title"))
    st.markdown(tr("app_tagline"))
    show_url_notices(tr)
    unknown = st.session_state.pop("_unknown_lesson", None)
    if unknown is not None:
        st.warning(tr("unknown_lesson", name=unknown.replace("`", "'")[:80] or " "), icon="🔗")
    for group, items in lessons.items():
        st.subheader(tr(group))
        cols = st.columns(3)
        for i, lesson in enumerate(items):
            strings = importlib.import_module(lesson.engine).STRINGS
            ltr = translator(strings)
            with cols[i % 3].container(border=True):
                st.markdown(f"### {lesson.icon} {ltr('title')}")
                st.caption(ltr("summary"))
                st.page_link(lesson.path, label=tr("open_lesson"), icon=":material/arrow_forward:")
    st.caption(tr("offline_note"))
