"""Gradient descent and the learning rate (d2l §12.3): 1-D paths on x² and x·cos(cx), the book's
three learning rates, x₁² + 2x₂² on its contours, and the per-eigen-direction condition."""
import streamlit as st

from engine.numerics import fmt
from engine.optimization import descent as D, figures as F, paths as P, rules as R
from engine.optimization.strings_descent import STRINGS
from pages import _ui as ui

tr = ui.translator(STRINGS)
st.sidebar.subheader(tr("one_d_header"))
ui.settings_form(D.Settings, tr, ["fn", "c_over_pi", "x0", "lr", "num_steps"])
st.sidebar.subheader(tr("two_d_header"))
s = ui.settings_form(D.Settings, tr, ["lr_2d", "steps_2d"])
ui.header(tr)

r = ui.run_cached(D.run, s, tr, seed=0, device=ui.current_device())     # deterministic: one seed
t1, t2 = len(r.path_1d) - 1, len(r.path_2d) - 1
ui.metrics(r, [ui.Metric(tr("metric_x_end", t=t1), lambda r: r.end_1d, text="{:.6f}".format),
               ui.Metric(tr("metric_f_end"), lambda r: float(r.path_1d["f"].iloc[-1]), "lower"),
               ui.Metric(tr("metric_factor"), fmt(1 - s.lr * r.curvature_end, 4)),
               ui.Metric(tr("metric_limit"), lambda r: r.lr_limit_1d, digits=4)])
if r.divergence_1d:
    d = r.divergence_1d
    st.error(tr("diverged_1d", kind=d.kind, step=d.step, last=fmt(d.last_finite), q=fmt(1 - 2 * s.lr)), icon="💥")
elif s.fn == "square" and abs(1 - 2 * s.lr) > 1:
    st.error(tr("growing_1d", q=fmt(1 - 2 * s.lr), t=t1, x=fmt(r.end_1d)), icon="💥")

left, right = st.columns(2)
with left:
    ui.plot(F.fig_1d_path, r, ui.shared_call(D.curve, s, r.path_1d), tr)
with right:
    ui.plot(F.fig_1d_compare, r, tr, compare=True)

ui.metrics(r, [ui.Metric(tr("metric_end_2d", t=t2), lambda r: P.fmt_point(r.end_2d)),
               ui.Metric(tr("metric_q1"), lambda r: abs(r.factors_2d[0]), "lower", digits=4),
               ui.Metric(tr("metric_q2"), lambda r: abs(r.factors_2d[1]), "lower", digits=4)])
if r.diverging_dirs:
    e, dv = r.escape_2d, r.divergence_2d
    note = tr("escape_note", step=e.step, i=e.coord + 1, value=fmt(e.value)) if e else ""
    note += tr("inf_note", step=dv.step, kind=dv.kind) if dv else ""
    st.error(tr("diverged_2d", q=fmt(r.factors_2d[1]), q1=fmt(r.factors_2d[0]), escape=note, t=t2,
                point=P.fmt_point(r.end_2d)), icon="💥")
ui.budget_notice(r.stop_reason, tr, D.MAX_UNITS)
left, right = st.columns(2)
with left:
    ui.plot(F.fig_2d_contour, r, ui.shared_call(D.surface_2d, r.path_2d), tr)
with right:
    ui.plot(F.fig_2d_components, r, tr, compare=True)

with st.expander(tr("explain"), expanded=True, icon=":material/school:"):
    q = 1 - 2 * s.lr
    ui.explanation(tr("explain_md", lr=fmt(s.lr), q=fmt(q), x10=fmt(10 * q ** 10, 6), lr2=fmt(s.lr_2d),
                   q1=fmt(r.factors_2d[0]), q2=fmt(r.factors_2d[1]), curv=fmt(r.curvature_end, 3),
                   limit=fmt(r.lr_limit_1d, 3)))
ui.code_from_engine(tr, D.gd, R.gd_rule, P.descend)
ui.csv_download(r.path_2d, tr, "gradient_descent_2d")
ui.share_link(tr)
