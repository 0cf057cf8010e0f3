"""Dropout (d2l-zh 4.6; d2l §5.6): the book's dropout_layer and its MLP with and without dropout, on the MLP
lesson's images; the train/test gap; one minibatch's masks; why gradient checking turns it off."""
import math

import streamlit as st

from engine.generalization import dropout as D, figures_cv as F
from engine.generalization.strings_dropout import STRINGS
from engine.numerics import fmt
from pages import _ui as ui
from pages._ui._data import data_in_use, image_data, images_namespace

tr = ui.translator(STRINGS)
st.sidebar.subheader(tr("data_header"))
ui.settings_form(D.Settings, tr, ["dataset", "num_train"])
st.sidebar.subheader(tr("reg_header"))
ui.settings_form(D.Settings, tr, ["dropout1", "dropout2", "num_hiddens"])
st.sidebar.subheader(tr("train_header"))
s = ui.settings_form(D.Settings, tr, ["lr", "batch_size", "num_epochs", "compare"])
ui.header(tr)

data = image_data(s.dataset)
r = ui.run_cached(D.run, s, tr, seed=ui.current_seed(), device=ui.current_device(),
                  namespace=images_namespace("dropout", data.name),
                  live=lambda ev: F.fig_dropout_curves(D.history_frame(ev["history"]), tr, s.num_epochs))
data_in_use(data, r)
gap = lambda r, m: r.last(m, "test_loss") - r.last(m, "train_loss")
specs = [ui.Metric(tr("metric_test_acc", model=tr("model.dropout")), lambda r: r.last("dropout", "test_acc"), "higher", digits=3),
         ui.Metric(tr("metric_gap", model=tr("model.dropout")), lambda r: gap(r, "dropout"), "lower", digits=3)]
if s.compare:
    specs += [ui.Metric(tr("metric_test_acc", model=tr("model.plain")), lambda r: r.last("plain", "test_acc"), "higher", digits=3),
              ui.Metric(tr("metric_gap", model=tr("model.plain")), lambda r: gap(r, "plain"), "lower", digits=3)]
ui.metrics(r, specs)
for model, d in r.divergence.items():
    if d is not None:
        st.error(tr("diverged", what=tr(f"model.{model}"), kind=d.kind, epoch=d.epoch, last=fmt(d.last_finite)), icon="💥")
ui.budget_notice(r.stop_reason, tr, f"{D.M.MAX_UNITS:.2g}")
for model, p in (("dropout", max(s.dropout1, s.dropout2)), *((("plain", 0.0),) if s.compare else ())):
    h = r.history[r.history["model"] == model]          # ln q: stuck at chance; the test loss: overfitting
    ui.verdict(list(h["train_loss"]), list(h["test_loss"]), chance=math.log(len(data.class_names)), settings=s,
               diverged_at=getattr(r.divergence.get(model), "step", None), regularization=p,
               label=f"**{tr(f'model.{model}')}**")

ui.plot(F.fig_dropout_curves, r.history, tr, s.num_epochs, compare=True)
left, right = st.columns([3, 2])
with left:
    if r.masks:
        ui.plot(F.fig_masks, r.masks, (s.dropout1, s.dropout2), tr)
    else:                   # the run stopped before a minibatch went through the trained network
        st.caption(tr("mask_none"))
with right:
    table, err = ui.shared_call(D.book_demo, ui.current_seed())
    st.markdown(tr("layer_demo", draws=10_000, err=fmt(err, 2)))
    st.dataframe(table, hide_index=True)
    st.page_link("pages/training/gradient_checking.py", label=tr("gc_link"), icon=":material/fact_check:")

with st.expander(tr("explain"), expanded=True, icon=":material/school:"):
    ui.explanation(tr("explain_md", arch=f"{data.num_inputs} → {s.num_hiddens} → {s.num_hiddens} → {len(data.class_names)}",
                      p1=fmt(s.dropout1), p2=fmt(s.dropout2), lr=fmt(s.lr), batch=s.batch_size,
                      gap_d=fmt(gap(r, "dropout"), 3), gap_p=fmt(gap(r, "plain"), 3) if s.compare else "—"))
ui.code_from_engine(tr, D.dropout_layer, D.Dropout, D.M.mlp, D.run)
ui.csv_download(r.history, tr, "dropout")
ui.share_link(tr)
