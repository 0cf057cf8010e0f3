"""Multilayer perceptron on images (d2l §5.2, §3.7, §5.6), against softmax regression on one chart."""
import streamlit as st

import engine.mlp as M
from engine.numerics import fmt
from pages import _ui as ui
from pages._ui._data import data_in_use, image_data, images_namespace

tr = ui.translator(M.STRINGS)
st.sidebar.subheader(tr("data_header"))
ui.settings_form(M.Settings, tr, ["dataset", "num_train"])
st.sidebar.subheader(tr("net_header"))
ui.settings_form(M.Settings, tr, ["num_layers", "num_hiddens", "activation", "init"])
st.sidebar.subheader(tr("reg_header"))
ui.settings_form(M.Settings, tr, ["dropout", "weight_decay"])
st.sidebar.subheader(tr("train_header"))
s = ui.settings_form(M.Settings, tr, ["lr", "batch_size", "num_epochs", "compare"])
ui.header(tr)

data = image_data(s.dataset)
r = ui.run_cached(M.run, s, tr, seed=ui.current_seed(), device=ui.current_device(),
                  namespace=images_namespace("mlp", data.name),
                  live=lambda ev: M.fig_compare(M.history_frame(ev["history"]), tr, num_epochs=s.num_epochs))
data_in_use(data, r)

softmax = [ui.Metric(tr("metric_softmax_acc"), lambda r: r.last("softmax", "test_acc"), "higher", digits=3,
                     note=tr("metric_delta", d=fmt(r.last("mlp", "test_acc") - r.last("softmax", "test_acc"), 2)))]
ui.metrics(r, [ui.Metric(tr("metric_mlp_acc"), lambda r: r.last("mlp", "test_acc"), "higher", digits=3),
               *(softmax if s.compare else []),
               ui.Metric(tr("metric_params"), lambda r: r.num_params["mlp"], text="{:,}".format),
               ui.Metric(tr("metric_weight_norm"), lambda r: r.weight_norm["mlp"])])
for model, d in r.divergence.items():
    if d is not None:
        st.error(tr("diverged", model=tr(f"model.{model}"), kind=d.kind, step=d.step, epoch=d.epoch,
                    last=fmt(d.last_finite), lr=fmt(s.lr)), icon="💥")
mlp_h = r.history[r.history["model"] == "mlp"]
ui.verdict([r.initial_loss.get("mlp", float("nan")), *mlp_h["train_loss"]], list(mlp_h["test_loss"]),
           chance=r.chance_loss, diverged_at=getattr(r.divergence.get("mlp"), "step", None), settings=s,
           regularization=s.dropout if s.num_layers else 0.0)
if r.stop_reason == "units":
    st.warning(tr("budget_capped", units=f"{M.MAX_UNITS:.2g}", epoch=fmt(r.history["epoch"].max(), 3)), icon="⏱️")
else:
    ui.budget_notice(r.stop_reason, tr, M.MAX_UNITS)

ui.plot(M.fig_compare, r.history, tr, r.divergence, num_epochs=s.num_epochs, compare=True)

with st.expander(tr("explain"), expanded=True, icon=":material/school:"):
    hidden = (tr("hidden_md", L=s.num_layers, act=r"\mathrm{" + tr(f"activation.{s.activation}") + "}", h=s.num_hiddens)
              if s.num_layers else tr("no_hidden_md"))
    ui.explanation(tr("explain_md", arch=" → ".join(map(str, r.layer_sizes)), d=r.layer_sizes[0], hidden=hidden,
                   q=r.layer_sizes[-1], params=f"{r.num_params['mlp']:,}",
                   params_softmax=f"{r.layer_sizes[0] * r.layer_sizes[-1] + r.layer_sizes[-1]:,}",
                   penalty=tr("penalty_md", wd=fmt(s.weight_decay)) if s.weight_decay else "",
                   dropout=(tr("dropout_on_md", p=fmt(s.dropout), scale=fmt(1 / (1 - s.dropout), 3))
                            if s.dropout and s.num_layers else tr("dropout_off_md")),
                   lr=fmt(s.lr), wd=fmt(s.weight_decay), batch=s.batch_size, steps=f"{r.steps['mlp']:,}"))
ui.code_from_engine(tr, M.build_net, M.mlp, M.Dropout, M.sgd_with_weight_decay, M.train_epoch)
ui.csv_download(r.history, tr, "mlp_vs_softmax")
ui.share_link(tr)
