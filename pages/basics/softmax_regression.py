"""Softmax regression (d2l §4.1–4.5): widgets → Settings → data → cached run → charts."""
import math

import streamlit as st

import engine.softmax_regression as L
from engine.numerics import fmt
from pages import _ui as ui
from pages._ui._data import data_in_use, image_data, images_namespace

tr = ui.translator(L.STRINGS)
st.sidebar.subheader(tr("data_header"))
ui.settings_form(L.Settings, tr, ["dataset", "num_train"])
st.sidebar.subheader(tr("train_header"))
s = ui.settings_form(L.Settings, tr, ["impl", "lr", "batch_size", "num_epochs"])
ui.header(tr)

data = image_data(s.dataset)
r = ui.run_cached(L.run, s, tr, seed=ui.current_seed(), device=ui.current_device(),
                  namespace=images_namespace("softmax_regression", data.name),
                  live=lambda ev: L.fig_curves(L.epochs_frame(ev["epochs"]), tr, num_epochs=s.num_epochs))
data_in_use(data, r)

ui.metrics(r, [ui.Metric(tr("metric_test_acc"), lambda r: r.test_acc, "higher", digits=3),
               ui.Metric(tr("metric_train_acc"), lambda r: r.last("train_acc"), "higher", digits=3),
               ui.Metric(tr("metric_train_loss"), lambda r: r.last("train_loss"), "lower"),
               ui.Metric(tr("metric_steps"), lambda r: r.steps, text="{:,}".format)])
if r.divergence:
    d = r.divergence
    st.error(tr("diverged", kind=d.kind, step=d.step, epoch=d.epoch, last=fmt(d.last_finite), lr=fmt(s.lr),
                steps=r.steps), icon="💥")
if r.stop_reason == "units":
    st.warning(tr("budget_capped", units=f"{L.MAX_UNITS:,}", step_cost=L.STEP_COST, epoch=fmt(r.last("epoch"), 3)), icon="⏱️")
else:
    ui.budget_notice(r.stop_reason, tr, L.MAX_UNITS)
ui.verdict(list(r.epochs["train_loss"]), chance=math.log(len(r.class_names)),
           diverged_at=getattr(r.divergence, "step", None), settings=s)
if r.dataset == "digits" and s.batch_size >= 128 and s.num_epochs <= 10 and r.divergence is None:
    st.caption(tr("digits_note", steps=r.steps))

ui.plot(L.fig_curves, r.epochs, tr, r.divergence, num_epochs=s.num_epochs, compare=True)
ui.plot(L.fig_weights, r, tr)
st.caption(tr("weights_explain"))
left, right = st.columns(2)
with left:
    ui.plot(L.fig_confusion, r, tr)
with right:
    ui.plot(L.fig_predictions, r, tr)

st.subheader(tr("stability_header"))
stab = ui.settings_form(L.StabilitySettings, tr, container=st.container(),
                        namespace="engine.softmax_regression.stability")
table = ui.shared_call(L.stability_table, stab.logit_scale)
ce = dict(scale=fmt(stab.logit_scale), limit=fmt(L.overflow_scale(), 3),
          ce_naive=fmt(float(table["ce_naive"][0])), ce_stable=fmt(float(table["ce_stable"][0])))
(st.warning if table["naive"].isna().any() else st.success)(
    tr("stability_nan" if table["naive"].isna().any() else "stability_ok", **ce))
ui.plot(L.fig_stability, table, tr, stab.logit_scale)
st.dataframe(L.stability_display(table, tr), hide_index=True)
st.caption(tr("stability_explain"))

with st.expander(tr("explain"), expanded=True, icon=":material/school:"):
    q, d_in = len(r.class_names), r.W.shape[0]
    ui.explanation(tr("explain_md", d=d_in, q=q, params=f"{d_in * q + q:,}", loss=fmt(r.last("train_loss")),
                   uniform=fmt(math.log(q), 3), lr=fmt(s.lr), batch=s.batch_size,
                   steps_per_epoch=-(-r.num_train_used // s.batch_size), steps=f"{r.steps:,}"))
ui.code_from_engine(tr, *((L.softmax, L.cross_entropy, L.sgd, L.step_scratch) if s.impl == "scratch"
                          else (L.concise_net, L.step_concise)), L.log_softmax)
ui.csv_download(r.epochs, tr, "softmax_regression_epochs")
ui.share_link(tr)
