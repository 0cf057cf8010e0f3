"""Neural network playground (d2l §5.1–5.2, after TensorFlow Playground): a small MLP learns a
2-D decision boundary, redrawn live while it trains."""
import math

import streamlit as st

import engine.mlp.playground as P
from engine.numerics import fmt
from pages import _ui as ui

tr = ui.translator(P.STRINGS)
st.sidebar.subheader(tr("data_header"))
ui.settings_form(P.Settings, tr, ["dataset", "noise", "num_examples", "test_ratio"])
st.sidebar.subheader(tr("net_header"))
ui.settings_form(P.Settings, tr, ["num_layers", "num_hiddens", "activation"])
st.sidebar.subheader(tr("train_header"))
s = ui.settings_form(P.Settings, tr, ["lr", "batch_size", "num_epochs"])
ui.header(tr)

r = ui.run_cached(P.run, s, tr, seed=ui.current_seed(), device=ui.current_device(),
                  live=lambda ev: P.fig_boundary_live(ev, tr))
final = r.final
ui.metrics(r, [ui.Metric(tr("metric_train_acc"), lambda r: r.final["train_acc"], "higher", digits=3),
               ui.Metric(tr("metric_test_acc"), lambda r: r.final["test_acc"], "higher", digits=3),
               ui.Metric(tr("metric_train_loss"), lambda r: r.final["train_loss"], "lower"),
               ui.Metric(tr("metric_test_loss"), lambda r: r.final["test_loss"], "lower"),
               ui.Metric(tr("metric_params"), lambda r: r.num_params, text="{:,}".format)])
if r.divergence:
    d = r.divergence
    st.error(tr("diverged", kind=d.kind, step=d.step, epoch=d.epoch, last=fmt(d.last_finite), lr=fmt(s.lr)), icon="💥")
elif r.worse_than_chance:
    st.warning(tr("not_yet_better_than_chance" if r.still_descending else "worse_than_chance",
                  loss=fmt(final["train_loss"]), lr=fmt(s.lr), initial=fmt(r.curve["train_loss"].iloc[0]),
                  epochs=s.num_epochs), icon="📉")
else:   # past chance: overfitting or still improving, with the advice that fits
    ui.verdict(list(r.curve["train_loss"]), list(r.curve["test_loss"]), chance=math.log(2), settings=s)
ui.budget_notice(r.stop_reason, tr, P.MAX_STEPS)

left, right = st.columns([3, 2])
with left:
    ui.plot(P.fig_boundary, r, tr)
with right:
    ui.plot(P.fig_losses, r.curve, tr, r.divergence, compare=True)
    ui.plot(P.fig_accuracy, r.curve, tr, compare=True)

with st.expander(tr("explain"), expanded=True, icon=":material/school:"):
    ui.explanation(tr("explain_md", arch=" → ".join(map(str, s.layer_sizes)), act=tr(f"activation.{s.activation}"),
                   act_sym=P.ACT_SYMBOLS[s.activation], params=f"{r.num_params:,}", batch=s.batch_size,
                   lr=fmt(s.lr), steps=int(final["step"]), train=s.num_train, test=s.num_test))
ui.code_from_engine(tr, P.mlp, P.train_step, P.sgd)
ui.csv_download(r.curve, tr, "playground_curve")
ui.share_link(tr)
