"""Minibatch SGD (d2l §12.4–12.5; Ng 1.3): batch GD, SGD and minibatches on the same data and start,
against epochs, examples and seconds; the noise of the updates; vectorisation measured live."""
import math

import streamlit as st

from engine.numerics import fmt
from engine.optimization import figures_training as F, minibatch as MB
from engine.optimization.strings_minibatch import STRINGS
from pages import _ui as ui

tr = ui.translator(STRINGS)
st.sidebar.subheader(tr("data_header"))
ui.settings_form(MB.Settings, tr, ["dataset", "num_examples"])
st.sidebar.subheader(tr("gd_header"))
ui.settings_form(MB.Settings, tr, ["lr_gd", "gd_epochs"])
st.sidebar.subheader(tr("sgd_header"))
s = ui.settings_form(MB.Settings, tr, ["lr_sgd", "lr_mini", "batch_mini", "num_epochs"])
ui.header(tr)

r = ui.run_cached(MB.run, s, tr, seed=ui.current_seed(), device=ui.current_device(),
                  namespace=MB.namespace(s.dataset))
if r.fallback_reason:
    st.info(tr("fallback", reason=f"`{r.fallback_reason}`"), icon="📦")
st.markdown(tr("using", name=tr(f"dataset.{r.dataset}"), n=f"{s.num_examples:,}", opt=fmt(r.optimum_loss)))
ui.metrics(r, [ui.Metric(tr("metric_final", method=tr(f"method.{m}")), lambda r, m=m: r.final(m), "lower",
                         note=tr("metric_updates", n=f"{r.updates(m):,}", s=fmt(r.seconds(m), 2)))
               for m in MB.METHODS])
for method, d in r.divergence.items():
    if d is not None:
        st.error(tr("diverged", method=tr(f"method.{method}"), kind=d.kind, step=d.step, epoch=d.epoch,
                    last=fmt(d.last_finite)), icon="💥")
ui.budget_notice(r.stop_reason, tr, MB.MAX_UNITS)
for m, field in zip(MB.METHODS, ("lr_gd", "lr_sgd", "lr_mini")):
    ui.verdict(list(r.records.loc[r.records["method"] == m, "loss"]), baseline=r.baseline_loss, floor=r.optimum_loss,
               diverged_at=getattr(r.divergence.get(m), "step", None), settings=s, lr_field=field, floor_kind="best_fit",
               label=f"**{tr(f'method.{m}')}**")

c = st.columns(3)
for col, x in zip(c, ("epoch", "seen", "seconds")):
    with col:
        ui.plot(F.fig_minibatch_curves, r.records, tr, x=x, compare=True)
st.caption(tr("time_note"))
left, right = st.columns(2)
with left:
    ui.plot(F.fig_minibatch_paths, r.records, r.optimum_w, tr)
with right:
    st.subheader(tr("vec_header"))
    v = r.vectorisation.set_index("how")
    st.markdown(tr("vec_md", n=f"{s.num_examples:,}", err=fmt(float(v["max_error"].max()), 2),
                   batches=math.ceil(s.num_examples / s.batch_mini), b=s.batch_mini,
                   ratio=fmt(float(v.loc["loop", "seconds"] / v.loc["matrix", "seconds"]), 3)))
    ui.plot(F.fig_vectorisation, r.vectorisation, tr)

with st.expander(tr("explain"), expanded=True, icon=":material/school:"):
    ui.explanation(tr("explain_md", n=f"{s.num_examples:,}", b=s.batch_mini,
                   steps_mini=math.ceil(s.num_examples / s.batch_mini), lr_sgd=fmt(s.lr_sgd)))
ui.code_from_engine(tr, MB.train_ch11, MB.gradient_loop, MB.gradient_vectorised)
ui.csv_download(r.records, tr, "minibatch_sgd")
ui.share_link(tr)
