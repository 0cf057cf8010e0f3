"""LeNet trained live (d2l §7.6): the book's and a modern LeNet on the image data, every layer's shape,
feature maps and receptive fields (CNN Explainer), the first layer's kernels, against the MLP."""
import math

import streamlit as st

from engine.numerics import fmt
from engine.vision import figures as F, lenet as L
from engine.vision.strings_lenet import STRINGS
from pages import _ui as ui
from pages._ui._data import data_in_use, image_data, images_namespace

tr = ui.translator(STRINGS)
ui.action_button(tr("book_run"), ui.apply_settings, (L.Settings, L.BOOK), key="book_run", container=st.sidebar,
                 help=tr("book_run_help"), icon=":material/menu_book:")
st.sidebar.subheader(tr("data_header"))
ui.settings_form(L.Settings, tr, ["dataset", "num_train", "num_test"])
st.sidebar.subheader(tr("net_header"))
s = ui.settings_form(L.Settings, tr, ["model", "lr", "batch_size", "num_epochs", "compare_mlp"])
st.sidebar.subheader(tr("view_header"))
view = ui.settings_form(L.View, tr)
ui.header(tr)
data = image_data(s.dataset)
st.caption(tr("default_note", n=min(L.Settings().num_train, len(data.X_train)), e=L.Settings().num_epochs))

r = ui.run_cached(L.run, s, tr, seed=ui.current_seed(), device=ui.current_device(),
                  namespace=images_namespace("lenet", data.name),
                  live=lambda ev: F.fig_history(L.history_frame(ev["history"]), tr, num_epochs=s.num_epochs))
data_in_use(data, r)
if r.dataset == "digits":
    st.caption(tr("upsampled_note"))
models = r.cnn_models
mlp = [ui.Metric(tr("metric_mlp"), lambda r: r.last("mlp"), "higher", digits=3)] if s.compare_mlp else []
ui.metrics(r, [*[ui.Metric(tr("metric_acc", model=tr(f"model.{m}")), lambda r, m=m: r.last(m), "higher", digits=3) for m in models],
               *mlp, ui.Metric(tr("metric_params"), lambda r: int(r.tables[r.cnn_models[0]]["params"].sum()), text="{:,}".format),
               ui.Metric(tr("metric_steps"), lambda r: max(r.steps.values()), text="{:,}".format)])
for m, d in r.divergence.items():
    if d is not None:
        st.error(tr("diverged", model=tr(f"model.{m}"), kind=d.kind, step=d.step, epoch=d.epoch), icon="💥")
verdicts = {}
for m in models:                     # ln q: stuck at chance (the book's sigmoid LeNet starts slowly)
    verdicts[m] = ui.verdict(list(r.history.loc[r.history["model"] == m, "train_loss"]), chance=math.log(len(r.class_names)),
                             diverged_at=getattr(r.divergence.get(m), "step", None), settings=s,
                             label=f"**{tr(f'model.{m}')}**")
vs = L.versus_mlp(r)
if vs is not None:
    falling = vs["case"] != "ahead" and verdicts[vs["model"]].kind == "improving"
    vs_text = dict(vs, model=tr(f"model.{vs['model']}"), acc=fmt(vs["acc"], 3), mlp=fmt(vs["mlp"], 3))
    st.markdown(tr(f"vs_mlp.{vs['case']}", **vs_text) + (tr("vs_mlp.falling", **vs_text) if falling else ""))
if r.stop_reason == "units":
    st.warning(tr("budget_capped", units=L.MAX_UNITS, epoch=fmt(r.history["epoch"].max(), 3)), icon="⏱️")
else:
    ui.budget_notice(r.stop_reason, tr, L.MAX_UNITS)

ui.plot(F.fig_history, r.history, tr, r.divergence, num_epochs=s.num_epochs, compare=True)
st.subheader(tr("table_title"))
table = L.params_per_layer(r)
st.dataframe(table.rename(columns=lambda c: tr(f"col.{c}")), hide_index=True)
ui.plot(F.fig_params, r.tables, tr)

model = models[-1]
ins = ui.shared_call(L.inspect, r, model, view)
name = lambda c: tr(f"class.{r.class_names[c]}")
st.markdown(tr("predicted", k=min(view.test_image, r.num_test - 1), label=name(ins.label), pred=name(ins.predicted),
               p=fmt(float(ins.probs[ins.predicted]), 3)))
ui.plot(F.fig_feature_maps, ins.maps, tr)
layer, i, j = ins.unit
r0, r1, c0, c1 = ins.fields[-1]
st.markdown(tr("field_md", layer=layer, type=ins.maps[layer][1], i=i, j=j, r0=r0, r1=r1, c0=c0, c1=c1, h=r1 - r0 + 1, w=c1 - c0 + 1))
a, b = st.columns([3, 2])
with a:
    ui.plot(F.fig_unit, ins, tr, share=3 / 5)
with b:
    ui.plot(F.fig_first_kernels, ins.kernels, tr, share=2 / 5)

with st.expander(tr("explain"), expanded=True, icon=":material/school:"):
    t = r.tables[model]
    conv = t[t["type"] == "Conv2d"]
    ui.explanation(tr("explain_md", params=int(t["params"].sum()), mlp_params=L.MLP_PARAMS,
                      conv_params=int(conv["params"].sum()), conv_share=f"{conv['macs'].sum() / t['macs'].sum():.0%}"))
ui.code_from_engine(tr, L.lenet, L.init_ch6, L.train_epoch)
ui.csv_download(r.history, tr, "lenet")
ui.share_link(tr)
