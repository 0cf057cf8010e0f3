"""Optimizers on a real network (d2l §12.4–12.11): the MLP lesson's network and data trained with SGD,
momentum, AdaGrad, RMSprop and Adam from the same weights on the same minibatches; LR schedules."""
import math

import streamlit as st

import engine.mlp as M
from engine.numerics import fmt
from engine.optimization import figures_training as F, network as N, rules as R
from engine.optimization.strings_network import STRINGS
from pages import _ui as ui
from pages._ui._data import data_in_use, image_data, images_namespace

tr = ui.translator(STRINGS)
st.sidebar.subheader(tr("data_header"))
ui.settings_form(N.Settings, tr, ["dataset", "num_train", "num_hiddens", "batch_size", "num_epochs"])
st.sidebar.subheader(tr("race_header"))
ui.settings_form(N.Settings, tr, [f"use_{n}" for n in R.NAMES])
st.sidebar.subheader(tr("lr_header"))
ui.settings_form(N.Settings, tr, ["lr_gd", "lr_momentum", "beta", "lr_adagrad", "lr_rmsprop", "gamma", "lr_adam"])
st.sidebar.subheader(tr("schedule_header"))
s = ui.settings_form(N.Settings, tr, ["schedule", "step_epochs", "step_factor", "warmup_epochs"])
ui.header(tr)

data = image_data(s.dataset)
r = ui.run_cached(N.run, s, tr, seed=ui.current_seed(), device=ui.current_device(),
                  namespace=images_namespace("optimizers_network", data.name),
                  live=lambda ev: F.fig_network_curves(N.history_frame(ev["history"]), tr, num_epochs=s.num_epochs))
data_in_use(data, r)
if not s.chosen():
    st.info(tr("none_chosen"), icon="👈")
else:
    def best_acc(r):
        best = r.best()
        return r.last(best, "test_acc") if best else None
    best = r.best()
    ui.metrics(r, [ui.Metric(tr("metric_best"), best_acc, "higher", digits=3,
                             note=tr(f"opt.{best}") if best else None),
                   ui.Metric(tr("metric_initial"), lambda r: r.initial_loss),
                   ui.Metric(tr("metric_updates"), f"{len(r.updates) // max(1, len(s.chosen())):,}")])
for name, d in r.divergence.items():
    if d is not None:
        st.error(tr("diverged", opt=tr(f"opt.{name}"), kind=d.kind, step=d.step, epoch=d.epoch,
                    last=fmt(d.last_finite), lr=fmt(s.hyper(name)["lr"])), icon="💥")
if r.stop_reason == "units":
    st.warning(tr("budget_capped", units=f"{N.MAX_UNITS:.2g}", epoch=fmt(r.history["epoch"].max(), 3)), icon="⏱️")
else:
    ui.budget_notice(r.stop_reason, tr, N.MAX_UNITS)
for name in s.chosen():
    h = r.history[r.history["optimizer"] == name]
    ui.verdict([r.initial_loss, *h["train_loss"]], list(h["test_loss"]), chance=math.log(data.num_classes),
               diverged_at=getattr(r.divergence.get(name), "step", None), settings=s, lr_field=f"lr_{name}",
               label=f"**{tr(f'opt.{name}')}**")

ui.plot(F.fig_network_curves, r.history, tr, r.divergence, num_epochs=s.num_epochs, compare=True)
ui.plot(F.fig_network_updates, r.updates, tr)
st.dataframe(F.network_table(r, tr), hide_index=True)

with st.expander(tr("explain"), expanded=True, icon=":material/school:"):
    d_in = data.num_inputs
    ui.explanation(tr("explain_md", arch=f"{d_in} → {s.num_hiddens} → {data.num_classes}", initial=fmt(r.initial_loss),
                   updates=f"{len(r.updates) // max(1, len(s.chosen())):,}",
                   params=f"{d_in * s.num_hiddens + s.num_hiddens + s.num_hiddens * data.num_classes + data.num_classes:,}",
                   lr_gd=fmt(s.lr_gd), mult=fmt(1 / (1 - s.beta), 3), factor=fmt(s.step_factor), k=s.step_epochs,
                   warm=s.warmup_epochs))
ui.code_from_engine(tr, R.Scratch, R.CosineScheduler, N.Racer.epoch, M.train_epoch)
ui.csv_download(r.history, tr, "optimizers_network")
ui.share_link(tr)
