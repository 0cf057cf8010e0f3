"""Figures of the linear regression lesson, in the shared template."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from engine.i18n import Translator
from engine.plotting import PALETTE, SEQUENTIAL, decimate, finite_or_none, mark_divergence, style


def fig_loss(batches: pd.DataFrame, epochs: pd.DataFrame | None, tr: Translator,
             divergence=None) -> go.Figure:
    """Loss per minibatch (thin, a long curve thinned by ``decimate``) and over the whole data at each
    epoch's end (markers), log y."""
    fig = go.Figure()
    b = batches[batches["step"] > 0]
    x, loss = decimate(b["epoch"], b["loss"])
    fig.add_trace(go.Scatter(x=x, y=finite_or_none(loss), mode="lines",
                             name=tr("per_batch"), line=dict(width=1, color=PALETTE[5])))
    if epochs is not None and len(epochs):
        fig.add_trace(go.Scatter(x=epochs["epoch"], y=finite_or_none(epochs["loss"]), mode="lines+markers",
                                 name=tr("per_epoch"), line=dict(width=2.5, color=PALETTE[0])))
    fig.update_yaxes(type="log", exponentformat="power")
    if divergence is not None:
        x = float(batches.loc[batches["step"] == divergence.step, "epoch"].iloc[0])
        mark_divergence(fig, x, tr("diverged_at", kind=divergence.kind, step=divergence.step))
    return style(fig, tr("loss_title"), tr("epoch_axis"), tr("loss_axis"))


def fig_params(result, tr: Translator) -> go.Figure:
    names = ["w₁", "w₂", "b"]
    fig = go.Figure()
    for label, values, colour in (
        (tr("true"), [*result.true_w, result.settings.true_b], PALETTE[7]),
        (tr("learned"), [*result.w, result.b], PALETTE[0]),
        (tr("closed"), [*result.closed_form_w, result.closed_form_b], PALETTE[1]),
    ):
        fig.add_trace(go.Bar(x=names, y=finite_or_none(values), name=label, marker_color=colour,
                             text=[f"{v:.4g}" for v in values], textposition="outside"))
    fig.update_layout(barmode="group")
    return style(fig, tr("params_title"), tr("param_axis"), tr("value_axis"))


def fig_fit(result, tr: Translator, max_points: int = 600) -> go.Figure:
    """The data in 3-D and the fitted plane ŷ = w₁x₁ + w₂x₂ + b."""
    X, y = result.X[:max_points], result.y[:max_points]
    fig = go.Figure(go.Scatter3d(x=X[:, 0], y=X[:, 1], z=y, mode="markers", name=tr("data"),
                                 marker=dict(size=2.5, color=PALETTE[0], opacity=0.7)))
    w1, w2, b = (*result.w, result.b)
    if np.isfinite([w1, w2, b]).all():
        g1 = np.linspace(X[:, 0].min(), X[:, 0].max(), 12)
        g2 = np.linspace(X[:, 1].min(), X[:, 1].max(), 12)
        G1, G2 = np.meshgrid(g1, g2)
        fig.add_trace(go.Surface(x=g1, y=g2, z=w1 * G1 + w2 * G2 + b, name=tr("plane"), showscale=False,
                                 opacity=0.55, colorscale=[[0, PALETTE[1]], [1, PALETTE[1]]]))
    fig.update_layout(scene=dict(xaxis_title="x₁", yaxis_title="x₂", zaxis_title="y"),
                      margin=dict(l=0, r=0, t=50, b=0))
    return style(fig, tr("fit_title"), height=460)


def fig_contour(result, tr: Translator, surface) -> go.Figure:
    """Loss contours over (w₁, w₂) with the path SGD took, start to end."""
    g1, g2, L = surface
    path = result.batches[np.isfinite(result.batches[["w1", "w2"]]).all(axis=1)]
    fig = go.Figure(go.Contour(x=g1, y=g2, z=np.log10(L + 1e-12), colorscale=SEQUENTIAL, ncontours=25,
                               colorbar=dict(title=tr("log_loss")),
                               hovertemplate="w₁=%{x:.3f}<br>w₂=%{y:.3f}<br>" + tr("log_loss") + "=%{z:.2f}<extra></extra>"))
    fig.add_trace(go.Scatter(x=path["w1"], y=path["w2"], mode="lines+markers", name=tr("path"),
                             line=dict(color="white", width=2), marker=dict(size=3, color="white")))
    marks = [(tr("start"), path["w1"].iloc[0], path["w2"].iloc[0], "circle", PALETTE[2]),
             (tr("end"), path["w1"].iloc[-1], path["w2"].iloc[-1], "x", PALETTE[3]),
             (tr("true"), *result.true_w, "star", PALETTE[6]),
             (tr("closed"), *result.closed_form_w, "diamond", PALETTE[1])]
    for name, x, y, symbol, colour in marks:
        fig.add_trace(go.Scatter(x=[x], y=[y], mode="markers", name=name,
                                 marker=dict(symbol=symbol, size=13, color=colour, line=dict(color="black", width=1))))
    fig.update_xaxes(range=[g1[0], g1[-1]])
    fig.update_yaxes(range=[g2[0], g2[-1]], scaleanchor="x")
    return style(fig, tr("contour_title"), "w₁", "w₂", height=540)


def params_table(result, tr: Translator) -> pd.DataFrame:
    """True, learned and least-squares values with the errors, for the page and the CSV."""
    true = [*result.true_w, result.settings.true_b]
    learned = [*result.w, result.b]
    closed = [*result.closed_form_w, result.closed_form_b]
    return pd.DataFrame({
        tr("table_param"): ["w1", "w2", "b"],
        tr("true"): true, tr("learned"): learned, tr("closed"): closed,
        tr("table_error"): [t - l for t, l in zip(true, learned)],
    })
