"""Language, seed, device and every lesson setting: widgets built from the Settings bounds,
kept across page switches, read from and written back to the URL (clamped, with notices)."""
from __future__ import annotations

from typing import Any, Callable, Iterable

import streamlit as st

from engine import device as dev
from engine import settings as S
from engine.i18n import LANGS, Translator
from engine.numerics import fmt

SEED = S.Bound("int", 0, 2**31 - 1)
_KEPT = "_kept"          # {namespace: {field: value}}: settings survive a visit to another page
_NOTICES = "_url_notices"
_SHOWN = "_url_notices_shown"   # how many of them this run has shown
_PENDING = "_url_pending"  # {param: value} written to the URL at once (url_flush), not one by one
COMPARE_RUN = "_cmp_run"   # what this run of the page computed and showed (pages/_ui/_compare.py)
_AUTO = "_auto_defaults"  # {namespace: {field: value put | _OWNED}}: fields that follow data-dependent defaults
_OWNED = "owned"
AUTO_PARAM = "auto"       # the link's list of fields that follow the data (a field the link gives and does not list: chosen)


def begin_run(page: str, history: bool) -> None:
    """Each run's URL bookkeeping, before anything reads or writes the URL: whether this run arrives at
    ``page`` (then the link is read, and only its own notices are shown), and nothing pending yet."""
    arrived = st.session_state.get("_page") != page and not history
    st.session_state["_entered"] = arrived
    if arrived:
        st.session_state["_url_loaded"] = set()
        st.session_state[_NOTICES] = []
    st.session_state["_page"] = page
    st.session_state.pop(_PENDING, None)
    st.session_state.pop(_SHOWN, None)
    st.session_state.pop(COMPARE_RUN, None)


def url_set(params: dict[str, str | list[str]]) -> None:
    """Put these values in the URL — at the next ``url_flush``, all together. Streamlit's browser side
    adds a history entry for every change of the query string it is sent, so writing the sidebar and
    each form one by one made one page switch cost four presses of Back. A list gives the parameter once
    per item (an empty list removes it)."""
    st.session_state.setdefault(_PENDING, {}).update(params)


def url_flush() -> None:
    """Send what ``url_set`` collected, as one change of the URL (none if nothing differs)."""
    pending = st.session_state.pop(_PENDING, None) or {}
    changed = {k: v for k, v in pending.items() if st.query_params.get_all(k) != (v if isinstance(v, list) else [v])}
    if changed:
        st.query_params.update(changed)


def url_notices_done() -> None:
    """The run got to its end: forget the link notices it showed (any read later stay for the next run)."""
    shown = st.session_state.pop(_SHOWN, 0)
    if shown:
        st.session_state[_NOTICES] = st.session_state.get(_NOTICES, [])[shown:]


def url_now() -> dict[str, str]:
    """The URL's parameters as they will be once the collected values are written."""
    now = {k: (v if len(v := st.query_params.get_all(k)) > 1 else v[0]) for k in st.query_params if st.query_params.get_all(k)}
    return {**now, **st.session_state.get(_PENDING, {})}


def entered() -> bool:
    """True on the first run of a page after arriving on it (fresh link or navigation):
    the moment to read the URL. Set by ``streamlit_app.py``."""
    return bool(st.session_state.get("_entered", True))


def _url_value(name: str, bound: S.Bound, default: Any, shown_default: Any = None) -> Any:
    """The link's value of ``name``, clamped to ``bound`` (a notice says so), else ``default``.
    ``shown_default``: how the notice names the default, when it is not a value yet."""
    raw = st.query_params.get(name)
    if raw is None:
        return default
    given = st.query_params.get_all(name)
    if len(given) > 1:          # ?lr=0.1&lr=0.5: the last one counts, and the student is told
        st.session_state.setdefault(_NOTICES, []).append(S.Notice(name, raw[:40], raw, "repeated", len(given)))
    try:
        v, how = bound.adjust(raw)
    except (TypeError, ValueError, OverflowError):
        used = default if shown_default is None else shown_default
        st.session_state.setdefault(_NOTICES, []).append(S.Notice(name, raw[:40], used, "ignored"))
        return default
    if how is not None:
        st.session_state.setdefault(_NOTICES, []).append(S.Notice(name, raw[:40], v, how))
    return v


def sent_by_browser(key: str) -> bool:
    """True when this run's request carries the browser's value of the widget keyed ``key`` although this
    session never made that widget: the browser got the page from another session and reconnected to this
    one — its replica died and the balancer sent it here, where it is a new session. Streamlit's browser
    does not rerun on reconnecting; the student's first action then sends every widget's value along,
    the one just changed included. That value is newer than the URL's, so the caller leaves it to the
    widget (a fresh browser sends no widget values: the URL applies).

    Streamlit 1.67 has no public way to ask this: its session state holds the browser's values by
    widget id (``$$ID-<hash>-<key>`` for a keyed widget, ``_new_widget_state``) and learns a key's id
    only when the widget is made (``register_widget``). Everything private is read here, in one place:
    if any of it changes, this answers False and the URL applies, as before this check existed."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx
        from streamlit.runtime.state.common import is_keyed_element_id, user_key_from_element_id
        state = get_script_run_ctx().session_state._state
        if state.get_widget_id_from_key(key) is not None:   # made in this session: Streamlit maps it itself
            return False
        return any(is_keyed_element_id(wid) and user_key_from_element_id(wid) == key
                   for wid in list(state._new_widget_state.states))
    except Exception:           # noqa: BLE001 - Streamlit's internals moved: the URL applies
        return False


def action_button(label: str, on_click: Callable, args: tuple = (), *, key: str, container=None, **kwargs) -> bool:
    """``st.button(label, key=key, on_click=on_click, args=args)`` whose click also counts when it is a
    reconnected browser's first action (``sent_by_browser``): Streamlit runs a button's ``on_click`` only in
    a session that made the button, so a preset clicked just after the student's replica died would be
    lost. Then the button still reads as clicked in this first run: the page reruns at once, and
    ``on_click(*args)`` runs at the start of that run, before any widget is made (``init_language``), as a
    callback would have. A session that made the button before never replays (Streamlit carries an
    interrupted run's click into the next run, where ``on_click`` has already run once)."""
    replay = sent_by_browser(key)
    clicked = (container or st).button(label, key=key, on_click=on_click, args=args, **kwargs)
    if clicked and replay:
        st.session_state[_REPLAY] = (on_click, tuple(args))
        _rerun_from_url()
    return clicked


_REPLAY = "_replay_click"
_REPLAYING = "_replaying"
REPLAYED = "_replayed_click"


def _rerun_from_url() -> None:
    """Rerun now, reading the link again as on arriving. A rerun drops the values a reconnected browser sent
    for the widgets this run had not made yet; the link holds the same values (the browser's page wrote them
    there), so the next run reads them from it — with what the replayed action changed already in it."""
    st.session_state.pop("_page", None)          # begin_run: the next run arrives at the page
    st.rerun()


def init_language() -> None:
    """At the start of every run, before anything is drawn: a click that ``action_button`` kept for this run
    is applied; on a session's first run, the language is taken from the link, so even the navigation of a
    shared ?lang=zh link is in Chinese. A reconnected browser that changed the language as its first
    action sent the widget's value: that wins (``sidebar`` reruns the page in it)."""
    st.session_state.pop(REPLAYED, None)
    pending = st.session_state.pop(_REPLAY, None)
    if pending is not None:
        on_click, args = pending
        st.session_state[_REPLAYING] = True      # apply_settings writes the link too: this run reads it
        try:
            on_click(*args)
        finally:
            st.session_state.pop(_REPLAYING, None)
        st.session_state[REPLAYED] = True         # for the pins, which the link would replace (_compare.read_link)
    _init_language()


def _init_language() -> None:
    if "lang" not in st.session_state:
        lang = _url_value("lang", S.Bound("choice", options=tuple(LANGS)), "en")
        if sent_by_browser("lang"):
            st.session_state["_kept_lang"] = lang      # this run draws in the link's language until the widget
        else:
            st.session_state["lang"] = lang
        st.session_state.pop(_NOTICES, None)          # sidebar() reports bad values once


def sidebar() -> None:
    """The shared sidebar: language, seed, device and the session's thread count (``pages/_ui/_threads.py``).
    Language, seed and the count live in the URL."""
    browser = {k for k in ("lang", "seed") if k not in st.session_state and sent_by_browser(k)}   # reconnected
    drawn = current_lang()
    if entered() or "lang" not in st.session_state:
        if "lang" not in browser:
            st.session_state["lang"] = _url_value("lang", S.Bound("choice", options=tuple(LANGS)),
                                                  st.session_state.get("_kept_lang", "en"))
        if "seed" not in browser:
            st.session_state["seed"] = _url_value("seed", SEED, st.session_state.get("_kept_seed", 0))
    from pages._ui import _threads
    _threads.read_link()
    for k, default in (("lang", "en"), ("seed", 0)):       # see settings_form: sent with the widget
        if k not in browser:
            st.session_state[k] = st.session_state.get(k, st.session_state.get(f"_kept_{k}", default))
    tr = Translator(current_lang())
    with st.sidebar:
        st.selectbox(tr("language"), list(LANGS), format_func=LANGS.get, key="lang")
        st.number_input(tr("seed"), min_value=0, max_value=SEED.hi, step=1, key="seed", help=tr("seed_help"))
    if "lang" in browser and st.session_state["lang"] != drawn:
        # the navigation was drawn in the link's language: draw it all in the new one, from the link
        st.query_params["lang"] = st.session_state["_kept_lang"] = st.session_state["lang"]
        _rerun_from_url()
    tr = Translator(st.session_state["lang"])
    with st.sidebar:
        choices = dev.available()
        if len(choices) > 1:
            st.radio(tr("device"), choices, key="device", horizontal=True)
        _threads.device_line(st.empty(), tr)
    st.session_state["_kept_lang"], st.session_state["_kept_seed"] = st.session_state["lang"], st.session_state["seed"]
    url_set({"lang": st.session_state["lang"], "seed": str(st.session_state["seed"])})
    if _threads.current_threads() is not None:
        url_set({_threads.THREADS: str(_threads.current_threads())})


def current_lang() -> str:
    return st.session_state.get("lang", st.session_state.get("_kept_lang", "en"))


def current_seed() -> int:
    return int(st.session_state.get("seed", 0))


def current_device():
    return dev.get_device(st.session_state.get("device"))


def translator(*tables) -> Translator:
    return Translator(current_lang(), *tables)


def _label(tr: Translator, name: str, option: Any) -> str:
    text = tr(f"{name}.{option}")
    return str(option) if text == f"{name}.{option}" else text


def _widget(name: str, b: S.Bound, key: str, tr: Translator, initial: Any = None) -> None:
    """The widget of field ``name``. Its value normally comes from ``st.session_state[key]``; ``initial``
    (only when that key is unset) is the value it takes if Streamlit has none for it."""
    label = tr(name)
    help_ = tr(name + "_help")
    help_ = None if help_ == name + "_help" else help_
    if initial is not None:     # of the widget's type and within its range, or none (Streamlit refuses others)
        try:
            initial = b.clamp(initial)[0]
            initial = {"int": int, "float": float, "bool": bool}.get("choice" if b.log else b.kind, lambda v: v)(initial)
        except (TypeError, ValueError, OverflowError):
            initial = None
    value = {} if initial is None else {"value": initial}
    if b.kind == "bool":
        st.toggle(label, key=key, help=help_, **value)
    elif b.kind == "choice":
        show = lambda o: _label(tr, name, o)
        index = {} if initial not in b.options else {"index": b.options.index(initial)}
        if len(b.options) <= 3:
            st.radio(label, b.options, key=key, format_func=show, horizontal=True, help=help_, **index)
        else:
            st.selectbox(label, b.options, key=key, format_func=show, help=help_, **index)
    elif b.log:
        st.select_slider(label, options=b.options, key=key, format_func=fmt, help=help_, **value)
    elif b.kind == "int":
        st.slider(label, int(b.lo), int(b.hi), step=int(b.step or 1), key=key, help=help_, **value)
    else:
        st.slider(label, float(b.lo), float(b.hi), step=float(b.step or (b.hi - b.lo) / 100),
                  key=key, help=help_, **value)


def _follow(ns: str, name: str, key: str, target: Any) -> None:
    """A field that follows a data-dependent default (``settings_form(suggested=)``) until the student sets
    it: ``_AUTO[ns][name]`` holds the value the page last put there, or ``_OWNED`` once the student (a moved
    widget, a preset) or the link (it gives the field and does not list it in ``?auto=``) chose it."""
    auto = st.session_state.setdefault(_AUTO, {}).setdefault(ns, {})
    put = auto.get(name)
    if put == _OWNED:
        return
    if key in st.session_state and name in auto and st.session_state[key] != put:
        auto[name] = _OWNED                   # moved since the page set it: the student's now
        return
    st.session_state[key] = auto[name] = target


def settings_form(cls, tr: Translator, names: Iterable[str] | None = None, container=None,
                  namespace: str | None = None, suggested: dict | None = None) -> Any:
    """Widgets for the fields of ``cls`` (all, or ``names``) → a valid ``cls`` instance.

    Each value comes, in order of precedence, from the widget, the URL (on arriving at the
    page; clamped to the field's bounds with a notice), the value kept from an earlier visit,
    or the default. The resulting settings are written back to the URL. A browser that reconnected
    to a new session (``sent_by_browser``) brings its widgets' values with its first action: they
    are newer than the URL's and win, held to the bounds as well.
    ``suggested``: defaults that depend on the data ({field: value}, e.g. from the corpus); a field
    takes its suggestion for as long as neither the student nor the link has set it, and follows the data
    when it changes. The URL's ``auto`` lists the fields that follow, so a shared link or a reload keeps
    them following; a link that gives a field without listing it has chosen it."""
    ns = namespace or cls.__module__
    kept = st.session_state.setdefault(_KEPT, {}).setdefault(ns, {})
    defaults = cls()
    bounds = S.bounds(cls)
    wanted = list(bounds) if names is None else list(names)
    loaded = st.session_state.setdefault("_url_loaded", set())
    # one page may have several Settings classes in one namespace (the language model's Sampling)
    load_id = f"{ns}:{cls.__qualname__}"
    if entered() and load_id not in loaded:
        # every field of the class at once, before any of them is written back to the URL
        loaded.add(load_id)
        for name, b in bounds.items():
            value = _url_value(name, b, kept.get(name, getattr(defaults, name)))
            if sent_by_browser(f"{ns}.{name}"):
                kept[name] = value      # a reconnected browser's value wins; the link's, if the widget has none
            else:
                st.session_state[f"{ns}.{name}"] = value
            if suggested is not None and name in suggested and name in st.query_params and \
                    name not in st.query_params.get(AUTO_PARAM, "").split(","):
                st.session_state.setdefault(_AUTO, {}).setdefault(ns, {})[name] = _OWNED   # the link chose it
    browser = set()             # fields whose widget took a reconnected browser's value (sent_by_browser)
    with (container or st.sidebar):
        for name in wanted:
            key = f"{ns}.{name}"
            if key not in st.session_state and sent_by_browser(key):
                browser.add(name)
                _widget(name, bounds[name], key, tr, initial=kept.get(name, getattr(defaults, name)))
                if suggested is not None and name in suggested:     # as _follow would next run
                    auto = st.session_state.setdefault(_AUTO, {}).setdefault(ns, {})
                    if auto.get(name) != _OWNED:
                        auto[name] = suggested[name] if st.session_state[key] == suggested[name] else _OWNED
                continue
            if suggested is not None and name in suggested:
                _follow(ns, name, key, suggested[name])
            # Written every run, even unchanged: Streamlit then sends the value with the widget.
            # Otherwise a click that interrupts a page's first run (Stop, within a second of
            # arriving) leaves the browser showing each slider at its minimum while the server
            # uses the real value (streamlit/streamlit#4247).
            st.session_state[key] = st.session_state[key] if key in st.session_state else kept.get(name, getattr(defaults, name))
            _widget(name, bounds[name], key, tr)
    values = {}
    for name in bounds:
        key = f"{ns}.{name}"
        values[name] = st.session_state[key] if key in st.session_state else kept.get(name, getattr(defaults, name))
        if name in browser:
            # bounded: Streamlit's widgets already give their initial value (the link's) for a value out of
            # range; should one not, the link's value replaces it here (not the defaults of the whole form)
            try:
                inside = bounds[name].adjust(values[name])[1] != "clamped"
            except (TypeError, ValueError, OverflowError):
                inside = False
            if not inside:
                values[name] = kept.get(name, getattr(defaults, name))
    try:
        obj = cls(**values)
    except (TypeError, ValueError):          # can only happen if a widget misbehaves
        obj = defaults
    kept.update({n: getattr(obj, n) for n in bounds})
    url_set(S.to_query(obj))
    from pages._ui import _compare          # (here: _compare imports this module)
    _compare.note_fields(obj, wanted, tr)
    if suggested is not None:       # which fields follow the data, so that the link (or a reload) keeps them so
        auto = st.session_state.get(_AUTO, {}).get(ns, {})
        url_set({AUTO_PARAM: ",".join(n for n in suggested if auto.get(n, "") != _OWNED)})
    return obj


def adapted(cls, suggested: dict, namespace: str | None = None) -> dict[str, Any]:
    """The fields of ``cls`` that now hold a ``suggested`` value other than the class default because nobody
    set them (after ``settings_form(suggested=)``): {field: value}, for the page to say why."""
    auto = st.session_state.get(_AUTO, {}).get(namespace or cls.__module__, {})
    defaults = cls()
    return {n: v for n, v in suggested.items()
            if n in auto and auto[n] != _OWNED and auto[n] == v and v != getattr(defaults, n)}


def apply_settings(cls, values: dict[str, Any], namespace: str | None = None) -> None:
    """Set the widgets of these fields of ``cls`` to ``values`` (clamped to their bounds), e.g. from a preset
    button's ``on_click``: the next run's ``settings_form`` shows and uses them and writes them to the URL."""
    ns = namespace or cls.__module__
    kept = st.session_state.setdefault(_KEPT, {}).setdefault(ns, {})
    bounds = S.bounds(cls)
    for name, value in values.items():
        value, _ = bounds[name].clamp(value)
        st.session_state[f"{ns}.{name}"] = kept[name] = value
        if st.session_state.get(_REPLAYING):      # a replayed click (action_button): this run reads the link
            st.query_params[name] = S.query_value(value)


def url_widget_value(param: str, bound: S.Bound, key: str, default: Any, namespace: str,
                     shown_default: Any = None) -> None:
    """Prepare ``st.session_state[key]`` for a widget that ``settings_form`` cannot build (its range depends on
    another setting, or its default on a result), so that it lives in the URL like the settings: on arriving,
    the link's ``?param=`` (clamped to ``bound``, with a notice); otherwise the widget's own value, else the value
    this student left in this widget before (a visit elsewhere), clamped to ``bound`` again, else ``default``.
    ``default`` may be None (the page decides later; ``shown_default`` names it in a notice). Call it before
    ``header`` so a notice shows in this run; after the widget, ``url_widget_done(param, key, namespace)``.
    When a reconnected browser sent the widget's value (``sent_by_browser(key)``), nothing is set: the
    widget takes that value (the page must not set the key either)."""
    kept = st.session_state.setdefault(_KEPT, {}).setdefault(namespace, {})
    loaded = st.session_state.setdefault("_url_loaded", set())
    load_id = f"{namespace}:{param}"
    if key not in st.session_state and sent_by_browser(key):
        return
    if entered() and load_id not in loaded:
        loaded.add(load_id)
        if param in st.query_params:
            value = _url_value(param, bound, None, shown_default if default is None else default)
            if value is not None:
                st.session_state[key] = value
                return
    value = st.session_state[key] if key in st.session_state else kept.get(key, default)
    if value is not None:
        try:
            value = bound.clamp(value)[0]
        except (TypeError, ValueError, OverflowError):
            value = default
    if value is None:
        st.session_state.pop(key, None)
    else:
        st.session_state[key] = value


def url_widget_done(param: str, key: str, namespace: str) -> None:
    """After the widget of ``url_widget_value``: keep its value for a later visit and put it in the URL."""
    value = st.session_state.get(key)
    if value is None:
        return
    st.session_state.setdefault(_KEPT, {}).setdefault(namespace, {})[key] = value
    url_set({param: str(value)})


def url_text_input(param: str, label: str, key: str, default: str = "", max_chars: int | None = None,
                   limit: int | None = None, **widget) -> tuple[str, bool]:
    """A text box whose text lives in the URL like the settings (``?param=``): on arriving, the link's
    text; otherwise what this student typed here before (also after a visit to another page or Back),
    else ``default``; a reconnected browser's text (``sent_by_browser``) over all of them. Returns
    (text, cut): cut when the text was longer than ``limit`` (default ``max_chars``) characters, for the
    page to say so."""
    limit = max_chars if limit is None else limit
    kept = st.session_state.setdefault("_kept_text", {})
    if key not in st.session_state and sent_by_browser(key):
        initial = st.query_params[param] if entered() and param in st.query_params else kept.get(key, default)
        typed = st.text_input(label, initial[:limit], key=key, max_chars=max_chars, **widget)
        cut = limit is not None and len(typed) > limit
        typed = typed[:limit] if cut else typed
        kept[key] = typed
        url_set({param: typed or ""})
        return typed, cut
    if entered() and param in st.query_params:
        value = st.query_params[param]
    else:
        value = st.session_state.get(key, kept.get(key, default))
    cut = limit is not None and len(value) > limit
    st.session_state[key] = value[:limit] if cut else value
    typed = st.text_input(label, key=key, max_chars=max_chars, **widget)
    kept[key] = typed
    url_set({param: typed or ""})
    return typed, cut


def show_url_notices(tr: Translator) -> None:
    """One warning listing every URL value that was clamped or ignored on arrival. They stay until a
    run that showed them gets to its end (``url_notices_done``): a Stop clicked during the link's first
    training, which ends that run early, does not make them vanish unread."""
    notices = st.session_state.get(_NOTICES, [])
    st.session_state[_SHOWN] = len(notices)
    if not notices:
        return
    lines = [tr("url_notice")]
    for n in notices:
        used = fmt(n.used) if isinstance(n.used, float) else n.used
        lines.append("- " + tr(f"url_{n.reason}", name=n.name, given=n.given.replace("`", "'") or " ", used=used,
                               count=n.count))
    st.warning("\n".join(lines), icon="🔗")
