"""Figures of the activation-function lesson, in the shared template."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from engine.i18n import Translator
from engine.plotting import PALETTE, style

COLOURS = {"relu": PALETTE[0], "sigmoid": PALETTE[1], "tanh": PALETTE[2], "gelu": PALETTE[3], "leaky_relu": PALETTE[4]}


def fig_activations(table: pd.DataFrame, tr: Translator, x0: float | None = None) -> go.Figure:
    """f (solid) and f′ (dotted, same colour) of every activation in ``table``, on one plot."""
    fig = go.Figure()
    for name, part in table.groupby("activation", sort=False):
        label = tr(f"show.{name}")
        fig.add_trace(go.Scatter(x=part["x"], y=part["f"], mode="lines", name=f"{label}: f(x)",
                                 legendgroup=name, line=dict(color=COLOURS[name], width=2.5)))
        fig.add_trace(go.Scatter(x=part["x"], y=part["df_autograd"], mode="lines", name=f"{label}: f′(x)",
                                 legendgroup=name, line=dict(color=COLOURS[name], width=2, dash="dot")))
    if x0 is not None and table["x"].min() <= x0 <= table["x"].max():
        fig.add_vline(x=x0, line=dict(color=PALETTE[7], width=1, dash="dash"),
                      annotation_text=f"x = {x0:g}", annotation_position="top right")
    return style(fig, tr("act_title"), "x", tr("act_axis"), height=440)


def fig_collapse(linear, other, tr: Translator) -> go.Figure:
    """The stack's output and the single affine map's, without and with a nonlinearity."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=linear.x, y=linear.stack, mode="lines", name=tr("stack_linear"),
                             line=dict(color=PALETTE[0], width=6)))
    fig.add_trace(go.Scatter(x=linear.x, y=linear.affine, mode="lines", name=tr("affine_map"),
                             line=dict(color=PALETTE[1], width=2, dash="dash")))
    if other is not None:
        fig.add_trace(go.Scatter(x=other.x, y=other.stack, mode="lines",
                                 name=tr("stack_with", act=tr(f"show.{other.between}")),
                                 line=dict(color=PALETTE[3], width=2.5)))
    return style(fig, tr("collapse_title"), "x", tr("output_axis"))
