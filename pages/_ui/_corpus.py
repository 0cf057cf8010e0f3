"""The corpus picker shared by the sequence lessons: generated corpora, an uploaded .txt, The Time Machine.

The choice is a setting (``CorpusSettings.corpus``), so it is in the URL. An upload is kept in this
browser session (one file) and, by its content, in the upload store on disk (``engine.text.store``,
shared by every replica that sees the same folder): the URL then says ``corpus=upload:<16 hex>``, so a
classmate who opens the link, on any replica, after a restart, trains on the same text.
Text from an upload is only ever shown as plain text (``st.text``), never as Markdown or HTML.
"""
from __future__ import annotations

import logging
import re
import time

import streamlit as st

from engine.datasets.download import DownloadError
from engine.i18n import Translator
from engine.text import (CORPUS_STRINGS, DEFAULT_MAX_CHARS, GENERATED, Corpus, CorpusSettings, UploadError,
                         decode_upload_info, generate, load_time_machine)
from engine.text.store import DAY, MB, StoreError, UploadStore, id_from_link, link_value, upload_id
from pages._ui._state import _KEPT, current_seed, entered, settings_form, url_set

UPLOAD_KEY = "_corpus_upload"          # session: {"digest", "name", "max_chars", "upload", "stored"}: the one file in use
_WIDGET = "_corpus_file"               # + a generation number: a new, empty uploader after each file
_WIDGET_GEN = "_corpus_file_gen"
_REFUSED = "_corpus_refused"          # session: {"name", "error"} of the last refused file, until dismissed
_TM_ERROR = "_corpus_tm_error"         # session: (message, when) of the last failed download
_LINK_NOTICE = "_corpus_upload_link"
_EXPIRED = "_corpus_upload_expired"    # session: the id a link named that the store no longer has
_FALLBACK = "_corpus_fallback"         # session: the generated corpus this page falls back to
_SUBSTITUTE = "_corpus_substitute"     # session: {"page", "chosen", "used", "why"} when this run's choice could not be had
TM_RETRY_S = 60                        # a failed download is not retried on every rerun
TM_OPENER = None                       # tests replace it to serve bytes without a network


def _md_escape(text: str) -> str:
    """A file name inside a Markdown message: every Markdown/HTML special character escaped."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~&$:\"'])", r"\\\1", text)[:120]


@st.cache_data(max_entries=16, show_spinner=False)
def _generated(name: str, seed: int) -> Corpus:
    return generate(name, seed)


@st.cache_data(max_entries=8, show_spinner=False)
def _decode(digest: str, name: str, max_chars: int, _raw: bytes):
    """Decoding by content hash (``_raw`` is not hashed by Streamlit: ``digest`` stands for it)."""
    try:
        return decode_upload_info(_raw, max_chars, name)
    except UploadError as e:
        return {"key": e.key, "details": e.details}


@st.cache_resource(max_entries=1, show_spinner=False)
def upload_store() -> UploadStore:
    """The store of this process: ``DEEPDIVE_UPLOADS`` (default ``data/uploads``), with its limits."""
    return UploadStore.from_env()


@st.cache_resource(max_entries=1, show_spinner=False)
def _time_machine() -> Corpus:
    return load_time_machine(opener=TM_OPENER)


def _keep(raw: bytes):
    """Put the upload in the store, so the page's link can name it: True, or why not (a message key)."""
    try:
        upload_store().put(raw)
        return True
    except StoreError as e:
        return {"key": e.key, "details": e.details}
    except OSError as e:                     # a read-only or full disk: the upload still works here
        logging.getLogger("deepdive").warning("upload store: %s", e)
        return {"key": "store_unavailable", "details": {}}


def _from_link(uid: str, max_chars: int) -> None:
    """A link that names an upload (``corpus=upload:<id>``): the text from the store into this session,
    or a note that the store no longer has it (the page then says so and uses the default corpus)."""
    kept = st.session_state.get(UPLOAD_KEY)
    if kept and kept["digest"] == uid and kept["max_chars"] == max_chars:
        return
    raw = upload_store().get(uid)
    if raw is None:
        st.session_state.pop(UPLOAD_KEY, None)
        st.session_state[_EXPIRED] = uid
        return
    name = link_value(uid)
    out = _decode(uid, name, max_chars, raw)
    if isinstance(out, dict):                # kept by a lesson with another budget, refused by this one
        st.session_state[_REFUSED] = {"name": name, "error": out}
        return
    st.session_state[UPLOAD_KEY] = {"digest": uid, "name": name, "max_chars": max_chars, "upload": out, "stored": True}
    st.session_state.pop(_EXPIRED, None)
    st.session_state.pop(_REFUSED, None)


def _widget_key() -> str:
    return f"{_WIDGET}{st.session_state.get(_WIDGET_GEN, 0)}"


def _drop_upload() -> None:
    st.session_state.pop(UPLOAD_KEY, None)


def _dismiss_refusal() -> None:
    st.session_state.pop(_REFUSED, None)


def _upload(ctr: Translator, max_chars: int, fallback: str) -> Corpus | None:
    """The uploader is only a slot: a dropped file is read (decoded or refused) into the session,
    then the slot is emptied (a new widget key) and the file in use is shown by this page, with a
    Remove button. So a refused file does not stay listed as if it were used, and after a page switch
    (Streamlit forgets the widget) the page still says which file it uses and how to drop it. A refused
    file does not replace a good one: the page says why it was refused and goes on with the good one."""
    kept = st.session_state.get(UPLOAD_KEY)
    label = ctr("corpus_upload_replace" if kept else "corpus_upload_label")
    f = st.file_uploader(label, type=["txt"], key=_widget_key(),
                         help=ctr("corpus_upload_help", max_chars=max_chars))   # size limit: server.maxUploadSize (10 MB)
    if f is not None:
        raw = f.getvalue()
        digest = upload_id(raw)
        out = _decode(digest, f.name, max_chars, raw)
        if isinstance(out, dict):
            st.session_state[_REFUSED] = {"name": f.name, "error": out}
        else:
            st.session_state[UPLOAD_KEY] = {"digest": digest, "name": f.name, "max_chars": max_chars, "upload": out,
                                            "stored": _keep(raw)}
            st.session_state.pop(_REFUSED, None)
            st.session_state.pop(_EXPIRED, None)
        st.session_state[_WIDGET_GEN] = st.session_state.get(_WIDGET_GEN, 0) + 1
        st.rerun()                      # the same run again, with the file kept and the slot empty
    name_fb = ctr(f"corpus.{fallback}")
    refused = st.session_state.get(_REFUSED)
    if refused:
        err = refused["error"]
        instead = _md_escape(kept["name"]) if kept else name_fb       # the good file goes on being used
        st.warning(ctr("corpus_refused", name=_md_escape(refused["name"]), fallback=instead,
                       reason=ctr(err["key"], **err["details"])), icon="🚫")
        st.button(ctr("corpus_upload_dismiss"), key="_corpus_dismiss", on_click=_dismiss_refusal,
                  icon=":material/close:")
    if not kept:
        expired = st.session_state.get(_EXPIRED)
        if expired:
            store = upload_store()
            st.warning(ctr("corpus_upload_expired", ref=link_value(expired), fallback=name_fb,
                           days=store.max_age_s / DAY, mb=store.max_bytes / MB), icon="⌛")
        elif not refused:
            st.info(ctr("corpus_upload_link" if st.session_state.get(_LINK_NOTICE) else "corpus_upload_waiting",
                        fallback=name_fb), icon="📄")
        return None
    st.session_state.pop(_LINK_NOTICE, None)
    u = kept["upload"]
    shown = {"\r\n": "CRLF", "\r": "CR", "mixed": "CRLF/CR/LF"}.get(u.line_endings)
    endings = ctr("corpus_endings", endings=shown) if shown else ""
    st.info(ctr("corpus_upload_ok", name=_md_escape(kept["name"]), chars=u.num_chars, encoding=u.encoding,
                endings=endings, lang=ctr(f"corpus_lang.{u.script or u.corpus.lang}")), icon="📄")
    if u.truncated:
        st.warning(ctr("corpus_truncated", chars=u.num_chars, size=u.num_bytes), icon="✂️")
    stored = kept.get("stored", True)
    if stored is True:
        st.caption(ctr("corpus_upload_public", ref=link_value(kept["digest"]), days=upload_store().max_age_s / DAY))
    else:
        st.caption(ctr("corpus_upload_unlinked", reason=ctr(stored["key"], **stored["details"])))
    st.button(ctr("corpus_upload_remove"), key="_corpus_remove", on_click=_drop_upload,
              icon=":material/delete:", help=ctr("corpus_upload_remove_help", fallback=name_fb))
    return u.corpus


def _time_machine_or_none(ctr: Translator, fallback: str) -> Corpus | None:
    failed = st.session_state.get(_TM_ERROR)
    if failed and time.time() - failed[1] < TM_RETRY_S:
        corpus = None
    else:
        try:
            with st.spinner(ctr("corpus_downloading")):
                corpus = _time_machine()
            st.session_state.pop(_TM_ERROR, None)
            return corpus
        except DownloadError as e:
            logging.getLogger("deepdive").warning("The Time Machine: %s", e)
            failed = (str(e), time.time())
            st.session_state[_TM_ERROR] = failed
    st.warning(ctr("corpus_offline", fallback=ctr(f"corpus.{fallback}")), icon="📡")
    return None


def corpus_picker(tr: Translator, *, default: str = "english", container=None,
                  max_chars: int = DEFAULT_MAX_CHARS) -> Corpus:
    """The corpus chooser (in the sidebar unless ``container`` is given) → the chosen ``Corpus``.

    ``default``: the source used until the student or the link picks another. When the choice cannot
    be had (no upload yet, a refused upload, The Time Machine offline), a notice says why and the
    generated ``default`` (or "english") is returned, so the page stays usable."""
    ctr = Translator(tr.lang, CORPUS_STRINGS, *tr.tables)
    ns = CorpusSettings.__module__
    st.session_state.setdefault(_KEPT, {}).setdefault(ns, {}).setdefault("corpus", default)
    if entered():
        linked = st.query_params.get("corpus")
        uid = id_from_link(linked)
        if uid is not None:
            _from_link(uid, max_chars)
        elif linked == "upload" and UPLOAD_KEY not in st.session_state:
            st.session_state[_LINK_NOTICE] = True
    s = settings_form(CorpusSettings, ctr, container=container)
    fallback = default if default in GENERATED else "english"
    st.session_state[_FALLBACK] = fallback
    if s.corpus != "upload":
        st.session_state.pop(_LINK_NOTICE, None)
        st.session_state.pop(_EXPIRED, None)
    corpus = None
    st.session_state.pop(_SUBSTITUTE, None)
    with (container or st.sidebar):
        if s.corpus == "upload":
            corpus = _upload(ctr, max_chars, fallback)
            kept = st.session_state.get(UPLOAD_KEY)
            if corpus is not None and kept and kept.get("stored", True) is True:
                url_set({"corpus": link_value(kept["digest"])})      # the link carries the text
        elif s.corpus == "time_machine":
            corpus = _time_machine_or_none(ctr, fallback)
    if corpus is None:
        corpus = _generated(s.corpus if s.corpus in GENERATED else fallback, current_seed())
        if s.corpus not in GENERATED:
            why = ("time_machine" if s.corpus == "time_machine" else "refused" if st.session_state.get(_REFUSED)
                   else "expired" if st.session_state.get(_EXPIRED) else "waiting")
            st.session_state[_SUBSTITUTE] = {"page": st.session_state.get("_page"), "chosen": s.corpus,
                                             "used": corpus.name, "why": why}
    return corpus


def substitute_notice(tr: Translator) -> None:
    """In the main area (``ui.header`` calls it): when the chosen corpus could not be had, which text
    the model trained on instead — the sidebar's notice alone is easy to miss."""
    sub = st.session_state.pop(_SUBSTITUTE, None)
    if not sub or sub["page"] != st.session_state.get("_page"):
        return
    if sub.get("text"):                 # the page's own words for it (substitute_instead)
        st.warning(sub["text"], icon=sub["icon"])
        return
    ctr = Translator(tr.lang, CORPUS_STRINGS, *tr.tables)
    st.warning(ctr("corpus_used", used=ctr(f"corpus.{sub['used']}"), chosen=ctr(f"corpus.{sub['chosen']}"),
                   why=ctr(f"corpus_used.{sub['why']}")), icon="📚")


def substitute_instead(text: str, icon: str) -> None:
    """When the chosen corpus could not be had, the page's own notice (Markdown it wrote, never uploaded
    text) in place of the generic one ``substitute_notice`` gives: a page whose run needed that corpus
    (the book's run on The Time Machine) says it once, with what it means for that run, not twice. Call
    it before ``ui.header``; nothing happens when the choice was had."""
    sub = st.session_state.get(_SUBSTITUTE)
    if sub:
        sub.update(text=text, icon=icon)


def share_note(tr: Translator) -> str | None:
    """For the share box: why its link cannot carry the student's upload (the store refused it: too
    large, or the disk), or None when it can or no upload is in use."""
    kept = st.session_state.get(UPLOAD_KEY)
    if corpus_choice() != "upload" or not kept or kept.get("stored", True) is True:
        return None
    ctr = Translator(tr.lang, CORPUS_STRINGS, *tr.tables)
    stored = kept["stored"]
    return ctr("corpus_share_unlinked", name=_md_escape(kept["name"]), reason=ctr(stored["key"], **stored["details"]),
               fallback=ctr(f"corpus.{st.session_state.get(_FALLBACK, 'english')}"))


def corpus_choice() -> str | None:
    """The source the student (or the link) chose this run: "time_machine" even when it could not be had."""
    return st.session_state.get(f"{CorpusSettings.__module__}.corpus")


def corpus_label(corpus: Corpus, tr: Translator) -> str:
    """How a corpus is named to the student: a generated one by its translated title, an upload by
    its file name, The Time Machine by its title."""
    ctr = Translator(tr.lang, CORPUS_STRINGS, *tr.tables)
    if corpus.source in ("generated", "time_machine"):
        key = f"corpus.{corpus.name if corpus.source == 'generated' else 'time_machine'}"
        text = ctr(key)
        return corpus.name if text == key else text
    return corpus.name


def corpus_preview(corpus: Corpus, tr: Translator, chars: int = 1500) -> None:
    """The beginning of the text, as plain text, in an expander, with where it came from."""
    ctr = Translator(tr.lang, CORPUS_STRINGS, *tr.tables)
    with st.expander(ctr("corpus_preview", chars=min(chars, len(corpus.text))), icon=":material/description:"):
        if corpus.source == "time_machine":
            st.caption(ctr("corpus_tm_note"))
        st.text(corpus.text[:chars])
