"""Convolution playground (d2l §7.2–7.4): input, kernel, padding, stride, channels; the window of a
cell (one and two layers), cross-correlation beside true convolution, the output-size formula, 1×1."""
import dataclasses

import numpy as np
import pandas as pd
import streamlit as st

from engine.numerics import fmt
from engine.vision import conv as C, figures as F
from engine.vision.strings_conv import STRINGS
from pages import _ui as ui
from pages._ui._data import image_data
from pages._ui._state import url_text_input

tr = ui.translator(STRINGS)
st.sidebar.subheader(tr("input_header"))
ui.settings_form(C.Settings, tr, ["source", "dataset", "image_index", "shape"])
st.sidebar.subheader(tr("kernel_header"))
ui.settings_form(C.Settings, tr, ["kernel", "padding", "stride", "in_channels", "out_channels"])
st.sidebar.subheader(tr("cell_header"))
s = ui.settings_form(C.Settings, tr, ["row", "col"])
with st.sidebar:
    grid, _ = url_text_input("grid", tr("grid_label"), "conv_grid", default=C.BOOK_X, max_chars=800) if s.source == "grid" else (C.BOOK_X, False)
    kern, _ = url_text_input("k", tr("kernel_label"), "conv_kernel", default=C.BOOK_K, max_chars=400) if s.kernel == "custom" else (C.BOOK_K, False)
s = dataclasses.replace(s, grid_text=grid, kernel_text=kern)
ui.header(tr)
if s.source == "image":
    image_data(s.dataset)

r = ui.run_cached(C.run, s, tr, seed=ui.current_seed(), device="cpu", quick=True)
if r.problem:
    st.warning(tr("grid_problem" if r.problem_where == "grid" else "kernel_problem", problem=r.problem), icon="✏️")
c_o, c_i, k_h, k_w = r.K.shape
ui.metrics(r, [ui.Metric(tr("metric_shape"), lambda r: "×".join(map(str, r.out_shape))),
               ui.Metric(tr("metric_cell"), lambda r: r.cell_value),
               ui.Metric(tr("metric_book"), lambda r: r.book_max_diff, "lower"),
               ui.Metric(tr("metric_params"), lambda r: int(np.prod(r.K.shape)) + r.K.shape[0], text="{:,}".format)])
st.markdown(tr("formula_md", **r.formula))
i, j = r.cell
r0, r1, c0, c1 = r.cell_window
st.markdown(tr("cell_md", i=i, j=j, r0=r0, r1=r1, c0=c0, c1=c1, c=c_i, value=fmt(r.cell_value)))

a, b, c = st.columns([2, 1, 2])        # the charts' titles are wrapped to their columns' share of the page
with a:
    ui.plot(F.fig_input, r, tr, share=2 / 5)
with b:
    ui.plot(F.fig_kernel, r.K[0, 0], tr("fig_kernel"), share=1 / 5)
    ui.plot(F.fig_grid, r.cell_terms[0], tr("fig_terms"), height=260, share=1 / 5)
with c:
    ui.plot(F.fig_output, r.Y[0], r.cell, tr("fig_output", o=0), share=2 / 5)
for o in range(1, c_o):
    ui.plot(F.fig_output, r.Y[o], r.cell, tr("fig_output", o=o), share=1)
a, b, c = st.columns([1, 2, 2])
with a:
    ui.plot(F.fig_kernel, r.K[0, 0, ::-1, ::-1].copy(), tr("fig_flipped"), share=1 / 5)
with b:
    ui.plot(F.fig_output, r.Y_true[0], r.cell, tr("fig_true"), share=2 / 5)
with c:
    if r.cell2 is not None:
        ui.plot(F.fig_field2, r, tr, share=2 / 5)
        if r.field2_note:
            st.caption(tr("field2_" + r.field2_note))
left, right = st.columns(2)
with left:
    ui.plot(F.fig_size_curve, *ui.shared_call(C.size_curve, s, (k_h, k_w)), r, tr, compare=True)
with right:
    ui.plot(F.fig_one_by_one, r.one_by_one, tr)

with st.expander(tr("explain"), expanded=True, icon=":material/school:"):
    n_h, n_w = r.formula["n_h"], r.formula["n_w"]
    ui.explanation(tr("explain_md", k_h=k_h, k_w=k_w, c_o=c_o, c_i=c_i, n_h=n_h, n_w=n_w, dense=(n_h * n_w) ** 2,
                      kparams=k_h * k_w))
ui.code_from_engine(tr, C.corr2d, C.conv2d_true, C.corr2d_multi_in, C.corr2d_multi_in_out, C.corr2d_multi_in_out_1x1,
                    C.output_size)
ui.csv_download(pd.DataFrame(r.Y[0]), tr, "convolution_output")
ui.share_link(tr)
