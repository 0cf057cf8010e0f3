"""Headline numbers with the difference from the first pin, the comparison table, and the page's report:
what one run of a page shows besides its charts (see ``pages/_ui/_compare.py`` for the pins themselves)."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import pandas as pd
import streamlit as st

from engine.i18n import Translator
from engine.numerics import fmt
from pages._ui._compare import differences, pin_label, pins, record, run_seed, setting_text
from pages._ui._report import render
from pages._ui._state import current_seed
from pages._ui._threads import current_threads

_REPORT = "_report"            # session: the last run's report (what the download button renders)


# ---- headline numbers, with the difference from the first pin ---------------------------------------

@dataclass(frozen=True)
class Metric:
    """One headline number. ``value``: a function of the run's result (then pinned runs have it too), or
    a fixed number/text. ``better``: 'lower' or 'higher' shows the difference from the first pin, green
    when it is better; 'neither' shows it in grey (no better direction: a vocabulary's size); None shows none. ``text`` formats a number (default ``fmt(x, digits)``).
    ``note``: a grey line under the number while nothing is pinned (a comparison the lesson makes itself)."""

    label: str
    value: Any
    better: str | None = None
    digits: int = 4
    text: Callable[[Any], str] | None = None
    help: str | None = None
    note: str | None = None

    def show(self, x) -> str:
        if x is None:
            return "—"
        if isinstance(x, str):
            return x
        return self.text(x) if self.text is not None else fmt(x, self.digits)


def _number(x) -> bool:
    try:
        return not isinstance(x, (bool, str)) and x is not None and math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def _value_of(m: Metric, result, pinned: bool = False):
    if not callable(m.value):
        return m.value
    if not pinned:
        return m.value(result)
    try:                                  # a pinned run of other settings may lack what this one has
        return m.value(result)
    except Exception:
        return None


def metrics(result, specs: list[Metric], tr: Translator | None = None) -> None:
    """The headline numbers in one row of ``st.metric``; with pins, each number that has a ``better``
    direction shows its difference from the first pin. Recorded for the table and the report."""
    if not specs:                       # nothing to show (a race with every optimizer switched off)
        return
    reg = record()
    tr = tr or reg.get("tr") or Translator(st.session_state.get("lang", "en"))
    entry = next((c for c in reg["calls"].values() if c["result"] is result), None) if result is not None else None
    pinned = [r for _, r in entry["pinned"]] if entry else []
    for col, m in zip(st.columns(len(specs)), specs):
        cur = _value_of(m, result)
        values = [cur] + [(_value_of(m, r, pinned=True) if r is not None else None) for r in pinned]
        delta = None
        if m.better in ("lower", "higher", "neither") and len(values) > 1 and _number(cur) and _number(values[1]):
            d = float(cur) - float(values[1])
            delta = m.show(d)
            delta = delta if delta.startswith(("-", "+", "−")) else "+" + delta
        if delta is None and m.note and not pinned:
            col.metric(m.label, m.show(cur), delta=m.note, delta_color="off", help=m.help)
            reg["metrics"].append({"label": m.label, "text": m.show(cur), "delta": None,
                                   "values": [float(cur)] if _number(cur) else None})
            continue
        same = delta is not None and float(cur) == float(values[1])
        col.metric(m.label, m.show(cur), delta=delta, help=m.help,
                   delta_color="off" if same else {"lower": "inverse", "neither": "off"}.get(m.better, "normal"),
                   delta_arrow="off" if same else "auto",
                   delta_description=tr("pin_vs_first") if delta is not None else None)
        reg["metrics"].append({"label": m.label, "text": m.show(cur), "delta": delta,
                               "values": [float(v) if _number(v) else None for v in values] if callable(m.value) else None})



# ---- the end of the page: the table and the report ----------------------------------------------------

def comparison_table(tr: Translator, reg: dict | None = None) -> pd.DataFrame | None:
    """One row per run (this one, then each pin): the settings that differ anywhere, then the final
    figures of the headline numbers."""
    reg = reg or record()
    ps = pins()
    if not ps or not reg["calls"]:
        return None
    names: list[str] = []
    for pin in ps:
        for n, _ in differences(pin, reg):
            if n not in names:
                names.append(n)
    current = {n: v for n, (_, v, _) in reg["fields"].items()}
    current["seed"] = run_seed(reg)
    rows = []
    for i, (label, values) in enumerate([(tr("run_current"), current)] +
                                        [(pin_label(p, tr, reg), {**p["fields"], "seed": p["seed"]}) for p in ps]):
        row = {tr("col_run"): label}
        for n in names:
            head, text = setting_text(n, values.get(n), reg, tr, short=False)
            row[head] = text
        for m in reg["metrics"]:
            if m["values"] is not None:
                row[m["label"]] = m["values"][i] if i < len(m["values"]) else None
        rows.append(row)
    return pd.DataFrame(rows)


def finish(tr: Translator, link: str) -> None:
    """Fill the comparison table under the Pin bar, and offer the report of this run."""
    from pages._ui._layout import csv_download         # (here: _layout imports this module)
    reg = record()
    table = comparison_table(tr, reg)
    if table is not None and reg.get("table") is not None:
        with reg["table"].container():
            with st.expander(tr("pin_table"), icon=":material/compare_arrows:"):
                numbers = [m["label"] for m in reg["metrics"] if m["values"] is not None and m["label"] in table]
                st.dataframe(table.assign(**{c: table[c].map(fmt) for c in numbers}), hide_index=True)
                csv_download(table, tr, f"{reg['page'] or 'lesson'}_runs", key="_pins_csv")
    settings = [(setting_text(n, v, reg, tr, short=False)) for n, (_, v, _) in reg["fields"].items()]
    settings.append((tr("seed"), str(current_seed())))
    if current_threads() is not None:
        settings.append((tr("threads"), str(current_threads())))
    spec = {
        "lang": tr.lang, "title": reg["title"] or tr("app_title"), "summary": reg["summary"], "link": link,
        "settings": settings, "pins": [pin_label(p, tr, reg) for p in pins()] if reg["calls"] else [],
        "metrics": [(m["label"], m["text"], m["delta"]) for m in reg["metrics"]],
        "figures": list(reg["figures"]), "texts": list(reg["texts"]), "table": table,
        "strings": {k: tr(k) for k in ("settings", "report_pins", "report_metrics", "report_charts", "explain",
                                       "report_link", "report_value", "report_delta", "pin_table", "app_title")},
        "made": tr("report_made", date="{date}"),
    }
    st.session_state[_REPORT] = spec
    st.download_button(tr("report"), data=lambda: render(spec).encode("utf-8"),
                       file_name=f"{reg['page'] or 'deepdive'}_report.html", mime="text/html", key="_report_download",
                       on_click="ignore", icon=":material/description:", help=tr("report_help"))
    # the results of this run are no longer needed once the page is drawn (the pins keep settings only)
    for call in reg["calls"].values():
        call["result"], call["pinned"] = None, [(i, None) for i, _ in call["pinned"]]
