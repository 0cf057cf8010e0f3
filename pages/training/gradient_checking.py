"""Gradient checking (Ng, course 2 week 1): two-sided differences against a hand-written
backward pass, per parameter; a switch plants a bug, dropout shows why the check needs it off."""
import streamlit as st

from engine.gradients import figures as F, grad_check as GC
from engine.gradients.strings_checking import STRINGS
from engine.numerics import fmt
from pages import _ui as ui

tr = ui.translator(STRINGS)
st.sidebar.subheader(tr("net_header"))
ui.settings_form(GC.Settings, tr, ["num_hiddens", "batch_size", "bug", "dropout"])
st.sidebar.subheader(tr("check_header"))
s = ui.settings_form(GC.Settings, tr, ["eps", "dtype"])
ui.header(tr)

r = ui.run_cached(GC.run, s, tr, seed=ui.current_seed(), device=ui.current_device())
p = r.params.set_index("param")
d = GC.diagnose(r)
ui.metrics(r, [ui.Metric(tr("metric_overall"), lambda r: r.overall, "lower", text="{:.2e}".format),
               ui.Metric(tr("metric_verdict"), lambda r: tr(f"verdict.{GC.verdict(r.overall)}")),
               ui.Metric(tr("metric_located"), lambda r: ", ".join(GC.located(GC.diagnose(r))) or tr("nothing")),
               ui.Metric(tr("metric_evals"), lambda r: r.evaluations, text="{:,}".format)])

rels = lambda names: ", ".join(f"{p.loc[k, 'rel_error']:.1e}" for k in names)
worst = float(r.params["rel_error"].max())
fields = dict(two_eps=fmt(2 * s.eps), eps=fmt(s.eps), params=", ".join(d.params), rel=rels(d.params),
              others=", ".join(d.others), all_rel=rels(GC.PARAM_NAMES), rest=f"{d.rest_max:.1e}", gap=f"{d.gap:,.0f}",
              hint=tr(f"hint.{s.bug}", batch=s.batch_size) if s.bug != "none" else "",
              rel_off=", ".join(f"{r.rel_no_dropout[k]:.1e}" for k in d.params) if r.rel_no_dropout else "",
              float64_note=tr("float64_same", rel64=", ".join(f"{v:.1e}" for v in r.rel_float64.values()))
              if r.rel_float64 else "",
              worst=f"{worst:.1e}", verdict=tr(f"verdict.{GC.verdict(worst)}"), dtype=s.dtype)
show, icon = {"dropout_fail": (st.warning, "🎲"), "float32_fail": (st.warning, "🔢"), "float32_unclear": (st.warning, "🔢"),
              "eps_fail": (st.warning, "📏"), "eps_large": (st.warning, "📏"),
              "dropout_fail_bug": (st.error, "🐞"), "dropout_fail_bug_unseen": (st.warning, "🎲"), "bug_found": (st.warning, "🐞"), "bug_found_float32": (st.warning, "🐞"),
              "bug_hidden": (st.info, "🙈"), "passed": (st.success, "✅"), "passed_loose": (st.info, "🔎")}[d.key]
show(tr(d.key, **fields), icon=icon)
if s.dropout == "fixed_mask":
    st.info(tr("fixed_mask_note"), icon="📌")
ui.budget_notice(r.stop_reason, tr, GC.MAX_EVALS)

left, right = st.columns(2)
with left:
    ui.plot(F.fig_rel_errors, r, tr)
with right:
    ui.plot(F.fig_entries, r, tr)
st.dataframe(F.params_table(r, tr), hide_index=True)
ui.plot(F.fig_sweep, r, tr, compare=True)

with st.expander(tr("explain"), expanded=True, icon=":material/school:"):
    ui.explanation(tr("explain_md", eps=fmt(s.eps), evals=f"{r.evaluations:,}", P=r.num_params, batch=s.batch_size, dtype=s.dtype))
ui.code_from_engine(tr, GC.LinearFunction, GC.TanhFunction, GC.numerical_gradient, GC.relative_error)
ui.csv_download(r.entries, tr, "gradient_check_entries")
ui.share_link(tr)
