"""Exponentially weighted averages (Ng course 2; d2l §12.6.1.1): a seeded noisy year, β, the window,
the weights, bias correction, and the link to momentum and Adam."""
import math

import streamlit as st

from engine.numerics import fmt
from engine.optimization import averages as A, figures as F
from engine.optimization.strings_averages import STRINGS
from pages import _ui as ui

tr = ui.translator(STRINGS)
st.sidebar.subheader(tr("data_header"))
ui.settings_form(A.Settings, tr, ["num_days", "noise"])
st.sidebar.subheader(tr("avg_header"))
s = ui.settings_form(A.Settings, tr, ["beta", "bias_correction", "compare"])
ui.header(tr)

r = ui.run_cached(A.run, s, tr, seed=ui.current_seed(), device=ui.current_device())
ui.metrics(r, [ui.Metric(tr("metric_window"), tr("days_unit", n=fmt(A.window(s.beta), 3))),
               ui.Metric(tr("metric_mass"), f"{A.window_mass(s.beta):.1%}"),
               ui.Metric(tr("metric_lag"), tr("days_unit", n=fmt(A.lag(s.beta), 3))),
               ui.Metric(tr("metric_noise"), lambda r: r.measured_noise_ratio, "lower", digits=3,
                         note=fmt(A.noise_ratio(s.beta), 3)),
               ui.Metric(tr("metric_first"), lambda r: r.early_gap, digits=3)])
ui.budget_notice(r.stop_reason, tr, A.MAX_UNITS)

ui.plot(F.fig_ewa, r, tr, compare=True)
left, right = st.columns(2)
with left:
    ui.plot(F.fig_ewa, r, tr, days=min(s.num_days, max(20, math.ceil(3 * A.window(s.beta)))))
with right:
    ui.plot(F.fig_weights, r, tr)

with st.expander(tr("explain"), expanded=True, icon=":material/school:"):
    ui.explanation(tr("explain_md", w0=fmt(1 - s.beta), beta=fmt(s.beta), window=fmt(A.window(s.beta), 3),
                   mass=f"{A.window_mass(s.beta):.0%}", lag=fmt(A.lag(s.beta), 3), ratio=fmt(A.noise_ratio(s.beta), 3),
                   measured=fmt(r.measured_noise_ratio, 3), first=fmt(1 - s.beta, 3)))
ui.code_from_engine(tr, A.ewa, A.weights)
ui.csv_download(r.series, tr, "weighted_averages")
ui.share_link(tr)
