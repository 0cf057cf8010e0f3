"""Compare runs: pin an experiment, change one thing, see both — on the page, in the link, in a report.

A pin keeps the *settings* of a run (each Settings object the page computed with, its widgets' values
and the seed), never its result: a pinned result comes from the shared cache under the same key (or is
recomputed: same settings and seed give the same numbers). At most ``MAX_PINS`` per lesson, per session.

A lesson takes part without comparison code of its own:

- ``ui.run_cached`` (or ``ui.compared``, for a page that computes another way) computes the pinned
  runs beside the current one, and shows the Pin bar under the first run of the page;
- ``ui.plot(builder, *args, compare=True)`` calls the same builder with each pinned run's result in
  place of the current one (every argument that *is* the result, or one of its fields) and merges
  the traces in, muted and dashed (``engine.plotting.overlay``), named by the settings that differ;
- ``ui.metrics(result, [ui.Metric(...)])`` shows the headline numbers with the difference from the
  first pin (green when it is better);
- ``ui.share_link`` (every page's last call) writes the pins into the link (``pin=lr:0.3``, one per
  pin), fills the comparison table and offers the report (``_summary.py``, ``_report.py``).
"""
from __future__ import annotations

import dataclasses
import logging
from typing import Any, Callable

import streamlit as st

from engine import settings as S
from engine.i18n import Translator
from engine.numerics import fmt
from engine.plotting import overlay
from pages._ui._memo import shared_call
from pages._ui._state import _NOTICES, COMPARE_RUN, REPLAYED, SEED, _label, action_button, current_seed, entered, url_set

log = logging.getLogger("deepdive")
MAX_PINS = 3
PIN_PARAM = "pin"
MAX_PIN_CHARS = 400            # one pin's text in a link; the rest is not read
_PINS = "_pins"                # session: {page: [pin, …]} — a pin is a dict, see _new_pin
_NEXT = "_pin_next"            # session: the next pin id (ids key the remove buttons)


# ---- this run's record: which settings the page has, what it computed and showed ----------------

def record() -> dict:
    """What this run of the page has shown so far, for the pins, the table and the report. Dropped by
    ``begin_run`` at the start of every run, so it never outlives one run of one page."""
    reg = st.session_state.get(COMPARE_RUN)
    if reg is None:
        reg = st.session_state[COMPARE_RUN] = {
            "page": st.session_state.get("_page", ""), "fields": {}, "calls": {}, "figures": [], "metrics": [],
            "texts": [], "title": "", "summary": ""}
    return reg


def note_fields(obj, names, tr: Translator) -> None:
    """Called by ``settings_form``: the fields with a widget on this page and their values."""
    fields = record()["fields"]
    bounds = S.bounds(type(obj))
    for name in names:
        fields[name] = (bounds[name], getattr(obj, name), tr)


def note_header(title: str, summary: str) -> None:
    reg = record()
    reg["title"], reg["summary"] = title, summary


def note_figure(fig) -> None:
    record()["figures"].append(fig)


def note_text(text: str) -> None:
    record()["texts"].append(text)


def _page() -> str:
    return st.session_state.get("_page", "")


def pins(page: str | None = None) -> list[dict]:
    return st.session_state.setdefault(_PINS, {}).setdefault(page if page is not None else _page(), [])


def _new_pin(seed: int, fields: dict, calls: dict) -> dict:
    n = st.session_state.get(_NEXT, 0)
    st.session_state[_NEXT] = n + 1
    return {"id": n, "seed": int(seed), "fields": dict(fields), "calls": dict(calls)}


def _same(a: dict, b: dict) -> bool:
    return a["seed"] == b["seed"] and a["fields"] == b["fields"]


# ---- Pin / remove / clear (button callbacks: they run before the next run, with this run's record) ----

def _add_pin(page: str) -> None:
    reg = st.session_state.get(COMPARE_RUN) or {}
    ps = pins(page)
    if reg.get("page") != page or len(ps) >= MAX_PINS:
        return
    calls = reg.get("calls", {})
    seed = next((c["seed"] for c in calls.values()), current_seed())
    pin = _new_pin(seed, {n: v for n, (_, v, _) in reg.get("fields", {}).items()},
                   {k: c["settings"] for k, c in calls.items()})
    if not any(_same(pin, p) for p in ps):
        ps.append(pin)


def _remove_pin(page: str, pin_id: int) -> None:
    st.session_state.setdefault(_PINS, {})[page] = [p for p in pins(page) if p["id"] != pin_id]


def _clear_pins(page: str) -> None:
    st.session_state.setdefault(_PINS, {})[page] = []


# ---- labels: the settings in which a pinned run differs from this one -----------------------------

def _value_text(name: str, value: Any, bound: S.Bound, tr: Translator) -> str:
    if bound.kind == "bool":
        return tr("value_on" if value else "value_off")
    if bound.kind == "choice":
        return _label(tr, name, value)
    if isinstance(value, float):
        return fmt(value)
    return str(value)


def _short(name: str, tr: Translator) -> str:
    for key in (f"short.{name}", name):
        text = tr(key)
        if text != key:
            return text
    return name


def differences(pin: dict, reg: dict | None = None) -> list[tuple[str, Any]]:
    """(field, the pin's value) for every widget setting (and the seed) where the pin differs."""
    reg = reg or record()
    fields = reg["fields"]
    out = [(n, v) for n, v in pin["fields"].items() if n in fields and fields[n][1] != v]
    # settings without a widget that the page sets itself (the language model's Continue: slices)
    for key, call in reg["calls"].items():
        kept = pin["calls"].get(key)
        if kept is None or type(kept) is not type(call["settings"]):
            continue
        for n in S.bounds(type(kept)):
            v = getattr(kept, n)
            if n not in fields and v != getattr(call["settings"], n) and all(n != m for m, _ in out):
                out.append((n, v))
    if pin["seed"] != run_seed(reg):
        out.append(("seed", pin["seed"]))
    return out


def run_seed(reg: dict) -> int:
    return next((c["seed"] for c in reg["calls"].values()), current_seed())


def setting_text(name: str, value: Any, reg: dict, tr: Translator, short: bool = True) -> tuple[str, str]:
    if name == "seed":
        return (tr("short.seed") if short else tr("seed")), str(value)
    if name in reg["fields"]:
        bound, _, ftr = reg["fields"][name]
    else:                   # a setting without a widget: its bound from the computation's settings
        ftr = reg.get("tr") or Translator("en")
        bound = next(S.bounds(type(c["settings"]))[name] for c in reg["calls"].values()
                     if name in S.bounds(type(c["settings"])))
    return (_short(name, ftr) if short else ftr(name)), _value_text(name, value, bound, ftr)


def pin_label(pin: dict, tr: Translator, reg: dict | None = None, pinned: bool = True) -> str:
    """'η = 0.3, pinned' ('η = 0.3，已固定'): at most three differing settings, then '…'."""
    reg = reg or record()
    diff = differences(pin, reg)
    parts = ["{} = {}".format(*setting_text(n, v, reg, tr)) for n, v in diff[:3]] + (["…"] if len(diff) > 3 else [])
    sep = tr("pin_sep")
    text = sep.join(parts) or tr("pin_same")
    return f"{text}{sep}{tr('pinned')}" if pinned else text


# ---- the link: pin=lr:0.3,batch_size:20 (one per pin; the settings that differ from this run) -----

def _query_value(v: Any) -> str:
    return ("1" if v else "0") if isinstance(v, bool) else (f"{v:.6g}" if isinstance(v, float) else str(v))


def link_value(pin: dict, reg: dict | None = None) -> str:
    """A pin as it goes into the link: only settings that some computation of the page reads
    (a pin is rebuilt from the current run by changing those), and the seed."""
    reg = reg or record()
    readable = {n for c in reg["calls"].values() for n in S.bounds(type(c["settings"]))}
    return ",".join(f"{n}:{_query_value(v)}" for n, v in differences(pin, reg) if n in readable or n == "seed")


def parse_pins(values: list[str], fields: dict[str, S.Bound]) -> tuple[list[dict], list[S.Notice]]:
    """The ``pin=`` values of a link → (one {field: value} per pin, notices). At most ``MAX_PINS`` are
    read; each value is clamped (or rounded) to its field's bounds like any value in a link; unknown
    fields and unreadable values are left out, with a notice. ``pin=`` (empty) pins the link's own run.
    ``seed`` may be given too. Never raises."""
    notices: list[S.Notice] = []
    if len(values) > MAX_PINS:
        notices.append(S.Notice(PIN_PARAM, "", None, "pin_extra", len(values)))
    out: list[dict] = []
    for raw in values[:MAX_PINS]:
        parts = [p for p in str(raw)[:MAX_PIN_CHARS].split(",") if p.strip()][: len(fields) + 1]
        diff: dict[str, Any] = {}
        for part in parts:
            name, sep, value = part.partition(":")
            name, value = name.strip(), value.strip()
            bound = SEED if name == "seed" else fields.get(name)
            try:
                if not sep or bound is None:
                    raise ValueError("not a setting of this page")
                v, how = bound.adjust(value)
            except (TypeError, ValueError, OverflowError):
                notices.append(S.Notice(PIN_PARAM, part.strip()[:40], None, "pin_ignored"))
                continue
            if how is not None:
                notices.append(S.Notice(f"{PIN_PARAM} {name}", value[:40], v, how))
            diff[name] = v
        if (diff or not parts) and diff not in out:
            out.append(diff)
    return out, notices


def read_link() -> None:
    """On arriving from a link with ``pin=``: its pins replace this lesson's (notices as for any value
    of a link). Called by ``ui.header``, after the page's settings forms and before the notices."""
    replayed = st.session_state.pop(REPLAYED, False)
    if not entered() or PIN_PARAM not in st.query_params:
        return
    if replayed:
        # a reconnected browser's pin click, replayed in this new session (ui.action_button): the link's pins
        # are the ones that browser showed, the click changed them since — the session's pins are newer,
        # and a Clear all leaves none to replace
        return
    reg = record()
    diffs, notices = parse_pins(st.query_params.get_all(PIN_PARAM), {n: b for n, (b, _, _) in reg["fields"].items()})
    st.session_state.setdefault(_NOTICES, []).extend(notices)
    current = {n: v for n, (_, v, _) in reg["fields"].items()}
    new: list[dict] = []
    for d in diffs:
        seed = d.pop("seed", current_seed())
        pin = _new_pin(seed, {**current, **d}, {})
        if not any(_same(pin, p) for p in new):
            new.append(pin)
    st.session_state.setdefault(_PINS, {})[_page()] = new


# ---- computing: the current run, then each pinned run the same way ---------------------------------

def _pin_settings(pin: dict, key: str, settings, tr: Translator, reg: dict):
    """The settings of ``pin`` for the computation ``key``: as kept when it was pinned, or (a pin from a
    link, or a computation the page had not reached when Pin was pressed) this run's settings with the
    pin's differing values, kept from then on."""
    if key in pin["calls"]:
        return pin["calls"][key]
    names = S.bounds(type(settings))
    change = {n: v for n, v in pin["fields"].items() if n in names and n in reg["fields"] and reg["fields"][n][1] != v}
    try:
        ps = dataclasses.replace(settings, **change)
    except (TypeError, ValueError) as e:            # values that do not go together (checked in __post_init__)
        st.warning(tr("pin_failed", detail=str(e)[:200]), icon="📌")
        _remove_pin(_page(), pin["id"])
        return None
    pin["calls"][key] = ps
    return ps


def with_pins(compute: Callable[[Any, int, str], Any], settings, tr: Translator, *, seed: int, key: str):
    """``compute(settings, seed, tag)`` for this run, then for each pin (``tag`` names the pin, for widget
    keys). Used by ``run_cached``; pages call ``compared``."""
    reg = record()
    result = compute(settings, seed, "")
    entry = {"settings": settings, "seed": int(seed), "result": result, "pinned": []}
    reg["calls"][key] = entry
    if "table" not in reg:
        reg["tr"] = tr
        reg["table"] = _pin_bar(tr)
    for pin in list(pins()):
        ps = _pin_settings(pin, key, settings, tr, reg)
        if ps is None:
            continue
        same = ps == settings and pin["seed"] == seed
        entry["pinned"].append((pin["id"], result if same else compute(ps, pin["seed"], f"_pin{pin['id']}")))
    return result


def compared(compute: Callable[[Any, int], Any], settings, tr: Translator, *, seed: int, key: str = "") -> Any:
    """``compute(settings, seed)``, with this lesson's pinned runs computed beside it (for a page whose
    computation is not ``ui.run_cached``; ``compute`` should be cached)."""
    return with_pins(lambda s, sd, _tag: compute(s, sd), settings, tr, seed=seed, key=f"compared:{key}")


def _pin_bar(tr: Translator):
    """Pin this run · one button per pin (click: remove) · Clear all. Returns the place of the table."""
    page, ps = _page(), pins()
    reg = record()
    full = len(ps) >= MAX_PINS
    with st.container(horizontal=True, vertical_alignment="center"):
        # action_button: also a reconnected browser's first click (pages/_ui/_state.action_button; the run it
        # pins is this one, still in COMPARE_RUN when the click is replayed at the start of the next run)
        action_button(tr("pin_add"), _add_pin, (page,), key="_pin_add", icon=":material/push_pin:",
                      disabled=full, help=tr("pin_full", max=MAX_PINS) if full else tr("pin_add_help", max=MAX_PINS))
        for pin in ps:
            st.button(pin_label(pin, tr, reg, pinned=False), key=f"_pin_rm_{pin['id']}", icon=":material/close:",
                      on_click=_remove_pin, args=(page, pin["id"]), help=tr("pin_remove_help"))
        if ps:
            action_button(tr("pin_clear"), _clear_pins, (page,), key="_pin_clear", type="tertiary")
    return st.empty()


# ---- charts: the pinned runs' traces beside the current one -----------------------------------------

_PLAIN = (bool, int, float, complex, str, bytes, type(None), Translator)


def _attrs(obj) -> list[str]:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return [f.name for f in dataclasses.fields(obj)]
    return list(getattr(obj, "__dict__", {}))


def _locate(arg, calls: list[dict]):
    """(call, field) when ``arg`` is a computed result (field None) or one of its fields."""
    if isinstance(arg, _PLAIN):
        return None
    for call in calls:
        r = call["result"]
        if arg is r:
            return call, None
        for name in _attrs(r):
            if getattr(r, name, None) is arg:
                return call, name
    return None


def overlaid(builder: Callable, args: tuple, kwargs: dict, built):
    """``built`` (= ``builder(*args, **kwargs)``) with the pinned runs' traces merged in; ``built`` itself
    when nothing is pinned or no argument comes from a computed result."""
    reg = st.session_state.get(COMPARE_RUN)
    ps = pins()
    if not reg or not ps or not reg["calls"]:
        return built
    calls = list(reg["calls"].values())
    where_args = [_locate(a, calls) for a in args]
    where_kwargs = {k: _locate(v, calls) for k, v in kwargs.items()}
    if not any(where_args) and not any(where_kwargs.values()):
        return built
    tr = reg.get("tr") or Translator(st.session_state.get("lang", "en"))

    def swap(value, where, pin_id):
        if where is None:
            return value
        call, name = where
        pr = dict(call["pinned"]).get(pin_id)
        if pr is None:
            raise LookupError
        return pr if name is None else getattr(pr, name)

    figs, labels = [], []
    for pin in ps:
        try:
            a = tuple(swap(v, w, pin["id"]) for v, w in zip(args, where_args))
            kw = {k: swap(v, where_kwargs[k], pin["id"]) for k, v in kwargs.items()}
        except (LookupError, AttributeError):
            continue
        try:
            figs.append(shared_call(builder, *a, **kw))
        except Exception:                   # a pinned run too different to draw (stopped before a step)
            log.warning("pinned run %s not drawn by %s", pin["id"], getattr(builder, "__name__", builder), exc_info=True)
            continue
        labels.append(pin_label(pin, tr, reg))
    if not figs:
        return built
    return shared_call(overlay, built, tuple(zip(figs, labels)), tr("run_current"))


# ---- the end of the page: the pins into the link -------------------------------------------------------

def write_link() -> None:
    """This lesson's pins into the URL (``pin=`` once per pin), before the share box reads it."""
    reg = record()
    if reg["calls"]:
        url_set({PIN_PARAM: [link_value(p, reg) for p in pins()]})
