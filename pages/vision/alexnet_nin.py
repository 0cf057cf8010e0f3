"""AlexNet and NiN (d2l §8.1, §8.3): the book's architectures at 224×224 layer by layer, and scaled-down
versions trained live (dropout in AlexNet's classifier, NiN's 1×1 blocks and global average pooling)."""
import math

import pandas as pd
import streamlit as st

from engine.numerics import fmt
from engine.vision import figures as F, modern as A
from engine.vision.strings_modern import STRINGS
from pages import _ui as ui
from pages._ui._data import data_in_use, image_data, images_namespace

tr = ui.translator(STRINGS)
for m in ("alexnet", "nin"):
    ui.action_button(tr(f"book_run.{m}"), ui.apply_settings, (A.Settings, A.BOOK[m]), key=f"book_run_{m}",
                     container=st.sidebar, help=tr("book_run_help", lr=A.BOOK[m]["lr"]), icon=":material/menu_book:")
st.sidebar.subheader(tr("data_header"))
ui.settings_form(A.Settings, tr, ["dataset", "num_train", "num_test"])
st.sidebar.subheader(tr("net_header"))
ui.settings_form(A.Settings, tr, ["model", "input_size", "width", "dense", "dropout", "init"])
st.sidebar.subheader(tr("train_header"))
s = ui.settings_form(A.Settings, tr, ["lr", "batch_size", "num_epochs"])
ui.header(tr)
d = A.Settings()
data = image_data(s.dataset)
n_default = min(d.num_train, len(data.X_train))         # the default run on the data in use (the digits have fewer)
st.caption(tr("default_note", width=d.width, size=d.input_size, n=n_default, batch=d.batch_size, epochs=d.num_epochs,
              lr=d.lr, steps=A.planned_steps(d, n_default)))

book = ui.shared_call(A.book_tables)
st.subheader(tr("book_tables"))
cols = st.columns(2)
for col, m in zip(cols, ("alexnet", "nin")):
    with col:
        t = book[m]
        st.markdown(tr("totals", model=tr(f"model.{m}"), params=int(t["params"].sum()), macs=int(t["macs"].sum())))
        st.dataframe(t.rename(columns=lambda c: tr(f"col.{c}")), hide_index=True, height=320)
ui.plot(F.fig_params, book, tr)

r = ui.run_cached(A.run, s, tr, seed=ui.current_seed(), device=ui.current_device(),
                  namespace=images_namespace("alexnet_nin", data.name),
                  live=lambda ev: F.fig_history(pd.DataFrame(ev["history"], columns=A.HISTORY_COLUMNS), tr, num_epochs=s.num_epochs))
data_in_use(data, r)
st.caption(tr("resized_note", size=s.input_size))
models = A.models_of(s)
ui.metrics(r, [*[ui.Metric(tr("metric_acc", model=tr(f"model.{m}")), lambda r, m=m: r.last(m), "higher", digits=3) for m in models],
               *[ui.Metric(tr("metric_params", model=tr(f"model.{m}")), lambda r, m=m: r.params.get(m), text="{:,}".format) for m in models]])
for m, d in r.divergence.items():
    if d is not None:
        st.error(tr("diverged", model=tr(f"model.{m}"), kind=d.kind, step=d.step, epoch=d.epoch), icon="💥")
    ui.verdict(list(r.history.loc[r.history["model"] == m, "train_loss"]), chance=math.log(data.num_classes),
               diverged_at=getattr(d, "step", None), settings=s, regularization=s.dropout if m == "alexnet" else 0.0,
               label=f"**{tr(f'model.{m}')}**")
if r.stop_reason == "units":
    st.warning(tr("budget_capped", units=A.MAX_UNITS, epoch=fmt(r.history["epoch"].max(), 3)), icon="⏱️")
else:
    ui.budget_notice(r.stop_reason, tr, A.MAX_UNITS)
ui.plot(F.fig_history, r.history, tr, r.divergence, num_epochs=s.num_epochs, compare=True)
st.subheader(tr("scaled_tables"))
cols = st.columns(len(r.tables))
for col, (m, t) in zip(cols, r.tables.items()):
    with col:
        st.markdown(tr("totals", model=tr(f"model.{m}"), params=int(t["params"].sum()), macs=int(t["macs"].sum())))
        st.dataframe(t.rename(columns=lambda c: tr(f"col.{c}")), hide_index=True, height=320)

with st.expander(tr("explain"), expanded=True, icon=":material/school:"):
    a, n = book["alexnet"], book["nin"]
    dense = a[a["type"] == "Linear"]["params"].sum() / a["params"].sum()
    conv_macs = a[a["type"] == "Conv2d"]["macs"].sum() / a["macs"].sum()
    scaled = ", ".join(tr("totals", model=tr(f"model.{m}"), params=int(t["params"].sum()), macs=int(t["macs"].sum()))
                       for m, t in r.tables.items())
    ui.explanation(tr("explain_md", alex_params=int(a["params"].sum()), alex_dense=f"{dense:.0%}", alex_conv_macs=f"{conv_macs:.0%}",
                      nin_params=int(n["params"].sum()), ratio=f"{a['params'].sum() / n['params'].sum():.0f}",
                      width=s.width, size=s.input_size, dense=s.dense, scaled=scaled))
ui.code_from_engine(tr, A.alexnet, A.nin_block, A.nin)
ui.csv_download(r.history, tr, "alexnet_nin")
ui.share_link(tr)
