"""Pooling (d2l §7.5): max and average, window, padding, stride; the book's 3×3 example; a shifted
image with and without pooling."""
import dataclasses

import streamlit as st

from engine.vision import figures as F, pooling as P
from engine.vision.strings_pooling import STRINGS
from pages import _ui as ui
from pages._ui._data import image_data
from pages._ui._state import url_text_input

tr = ui.translator(STRINGS)
st.sidebar.subheader(tr("input_header"))
ui.settings_form(P.Settings, tr, ["source", "dataset", "image_index", "shape"])
st.sidebar.subheader(tr("pool_header"))
s = ui.settings_form(P.Settings, tr, ["mode", "pool_size", "padding", "stride", "shift_image", "shift_by"])
if s.source == "grid":
    with st.sidebar:
        grid, _ = url_text_input("grid", tr("grid_label"), "pool_grid", default=P.BOOK_X, max_chars=800)
    s = dataclasses.replace(s, grid_text=grid)
ui.header(tr)
if s.source == "image":
    image_data(s.dataset)

r = ui.run_cached(P.run, s, tr, seed=ui.current_seed(), device="cpu", quick=True)
if r.problem:
    st.warning(tr("window_problem", problem=r.problem) if "window" in r.problem else tr("grid_problem", problem=r.problem), icon="✏️")
if r.notice:
    st.info(tr("padding_notice", p=r.padding_used), icon="ℹ️")
t = r.translation.set_index(["shift", "layer"])["changed"]
d = s.shift_by
pct = lambda x: f"{x:.0%}"
ui.metrics(r, [ui.Metric(tr("metric_shape"), lambda r: "×".join(map(str, r.Y.shape))),
               ui.Metric(tr("metric_conv_changed"), lambda r: float(r.translation.set_index(["shift", "layer"])["changed"][(d, "conv")]), text=pct),
               ui.Metric(tr("metric_pooled_changed"), lambda r: float(r.translation.set_index(["shift", "layer"])["changed"][(d, "pooled")]), "lower", text=pct),
               ui.Metric(tr("metric_book"), lambda r: r.book_max_diff, "lower")])
st.markdown(tr("formula_md", **r.formula))
mode = tr(f"mode.{s.mode}")
other = tr(f"mode.{'avg' if s.mode == 'max' else 'max'}")
k = r.formula["k"]
a, b, c = st.columns(3)
with a:
    ui.plot(F.fig_grid, r.X, tr("fig_X"), share=1 / 3)
with b:
    ui.plot(F.fig_grid, r.Y, tr("fig_Y", mode=mode, k=k), share=1 / 3)
with c:
    ui.plot(F.fig_grid, r.Y_other, tr("fig_Y", mode=other, k=k), share=1 / 3)
ui.plot(F.fig_translation, r.translation, d, tr, compare=True)
if r.effect == "not_steadier":
    st.caption(tr("not_steadier_note"))
cols = st.columns(4)
for col, (arr, key) in zip(cols, ((r.conv, "fig_conv"), (r.conv_shifted, "fig_conv_shifted"), (r.pooled, "fig_pooled"),
                                  (r.pooled_shifted, "fig_pooled_shifted"))):
    with col:
        ui.plot(F.fig_grid, arr, tr(key, d=d), height=280, share=1 / 4)

with st.expander(tr("explain"), expanded=True, icon=":material/school:"):
    bconv, bpooled = r.book_case
    ui.explanation(tr("explain_md") + " " + tr(f"why.{r.effect}", d=d, conv=pct(t[(d, "conv")]), pooled=pct(t[(d, "pooled")]),
                                                mode=mode, k=r.shift_window, image=tr(f"image.{s.shift_image}"), book=tr("book_case"),
                                                bconv=pct(bconv), bpooled=pct(bpooled)))
ui.code_from_engine(tr, P.pool2d, P.pool)
ui.csv_download(r.translation, tr, "pooling_translation")
ui.share_link(tr)
