"""Activation functions and the linear collapse (d2l §5.1.2): widgets → Settings → charts."""
import streamlit as st

import engine.mlp.activations as A
from engine.numerics import fmt
from pages import _ui as ui

tr = ui.translator(A.STRINGS)
st.sidebar.subheader(tr("plot_header"))
ui.settings_form(A.Settings, tr, ["show", "x_min", "x_max", "x0"])
st.sidebar.subheader(tr("collapse_header"))
s = ui.settings_form(A.Settings, tr, ["num_layers", "num_hiddens", "contrast"])
ui.header(tr)

names = A.NAMES if s.show == "all" else (s.show,)
table = ui.shared_call(A.activation_table, names, s.x_min, s.x_max)
ui.plot(A.fig_activations, table, tr, s.x0)
at_x0 = A.values_at(names, s.x0)
ui.metrics(None, [ui.Metric(tr("metric_max_diff"), fmt((table["df_autograd"] - table["df_closed_form"]).abs().max()))])
st.caption(tr("values_caption", x0=fmt(s.x0)))
st.dataframe(at_x0.assign(activation=[tr(f"show.{n}") for n in at_x0["activation"]])
             .rename(columns={"activation": tr("col_activation"), "df_autograd": tr("col_df_autograd"),
                              "df_closed_form": tr("col_df_closed_form"), "abs_difference": tr("col_abs_difference")}),
             hide_index=True)
with st.expander(tr("explain"), expanded=True, icon=":material/school:"):
    values = "; ".join(f"{tr(f'show.{r.activation}')}: $f={fmt(r.f)}$, $f'={fmt(r.df_closed_form)}$"
                       for r in at_x0.itertuples())
    ui.explanation(tr("explain_act_md", x0=fmt(s.x0), values=values))

st.subheader(tr("collapse_header"))
seed = ui.current_seed()
linear = ui.shared_call(A.collapse_demo, s.num_layers, s.num_hiddens, "linear", s.x_min, s.x_max, seed=seed)
other = ui.shared_call(A.collapse_demo, s.num_layers, s.num_hiddens, s.contrast, s.x_min, s.x_max, seed=seed)
act = tr(f"contrast.{s.contrast}")
ui.metrics(None, [ui.Metric(tr("metric_W"), fmt(linear.W)), ui.Metric(tr("metric_b"), fmt(linear.b)),
                  ui.Metric(tr("metric_linear_diff"), fmt(linear.max_abs_difference, 2)),
                  ui.Metric(tr("metric_act_diff", act=act), fmt(other.max_abs_difference, 3))])
ui.plot(A.fig_collapse, linear, other, tr)
with st.expander(tr("explain"), expanded=True, icon=":material/layers:"):
    shapes = ", ".join("×".join(map(str, shape)) for shape in linear.weight_shapes)
    ui.explanation(tr("explain_collapse_md", layers=s.num_layers, shapes=shapes, W=fmt(linear.W), b=fmt(linear.b),
                   diff=fmt(linear.max_abs_difference, 2), diff_act=fmt(other.max_abs_difference, 3)))

ui.code_from_engine(tr, A.derivative_closed_form, A.derivative_autograd, A.collapse_to_affine)
ui.csv_download(table, tr, "activations")
ui.share_link(tr)
