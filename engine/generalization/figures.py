"""Figures of the under-/overfitting and weight-decay lessons, in the shared template."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from engine.generalization import polynomial as P
from engine.i18n import Translator
from engine.numerics import fmt
from engine.plotting import PALETTE, finite_or_none, style

TRAIN, TEST = PALETTE[0], PALETTE[3]


def _loss_lines(fig, h: pd.DataFrame, x: str, tr: Translator, suffix: str = "", faint: bool = False, **where):
    for col, colour, dash in (("train_loss", TRAIN, "solid"), ("test_loss", TEST, "dot")):
        fig.add_trace(go.Scatter(x=h[x], y=finite_or_none(h[col]), mode="lines", name=tr(col) + suffix,
                                 line=dict(color=colour, dash=dash, width=1.5 if faint else 2.5),
                                 opacity=0.45 if faint else 1.0), **where)


# ---- under- and overfitting -------------------------------------------------------------------------

def fig_poly_curves(history: pd.DataFrame, degree: int, tr: Translator, noise: float | None = None) -> go.Figure:
    """The book's chart: training and test loss of one degree against epochs, log y."""
    fig = go.Figure()
    _loss_lines(fig, history[(history["degree"] == degree) & (history["epoch"] > 0)], "epoch", tr)
    if noise:
        # plotly places an annotation on a log axis at the log of its y (a label at y = 10⁻⁴ was drawn at 1);
        # at the left, where the falling curves are still far above the floor
        fig.add_hline(y=noise ** 2, line=dict(color=PALETTE[7], dash="dash", width=1),
                      annotation_text=tr("floor"), annotation_position="top left", annotation_y=math.log10(noise ** 2))
    fig.update_yaxes(type="log", exponentformat="power")
    return style(fig, tr("curves_title", d=degree), tr("epoch_axis"), tr("loss_axis"))


def fig_u(final: pd.DataFrame, degree: int, tr: Translator, epoch: int, noise: float | None = None) -> go.Figure:
    """Final training and test loss of every degree: the U (test) over the falling training loss."""
    fig = go.Figure()
    _loss_lines(fig, final, "degree", tr)
    fig.update_traces(mode="lines+markers", marker=dict(size=6))
    fig.add_vline(x=degree, line=dict(color=PALETTE[2], width=2), annotation_text=tr("chosen"),
                  annotation_position="top")
    fig.add_vline(x=3, line=dict(color=PALETTE[7], dash="dot", width=1), annotation_text=tr("true_degree"),
                  annotation_position="bottom right")      # inside the plot: below it, it covered the ticks
    if noise:
        fig.add_hline(y=noise ** 2, line=dict(color=PALETTE[7], dash="dash", width=1))
    fig.update_yaxes(type="log", exponentformat="power")
    fig.update_xaxes(range=[-0.5, P.MAX_DEGREE - 0.5], dtick=1)
    return style(fig, tr("u_title", epoch=epoch), tr("degree_axis"), tr("loss_axis"))


def fig_u_of(result, tr: Translator) -> go.Figure:
    return fig_u(result.final_by_degree, result.settings.degree, tr, int(result.history["epoch"].max()),
                 result.settings.noise)


def fig_live(rows, degree: int, tr: Translator, noise: float) -> go.Figure:
    """While training: the U after the latest epoch (it forms as you watch)."""
    return fig_u(P.history_frame(rows[-1:]), degree, tr, rows[-1][0], noise)


def fig_fit(result, tr: Translator) -> go.Figure:
    """The training and test points, the true cubic and the fitted polynomial."""
    d, data = result.settings.degree, result.data
    fig = go.Figure()
    for split, colour, symbol in (("train", TRAIN, "circle"), ("test", TEST, "x")):
        pts = data[data["split"] == split]
        fig.add_trace(go.Scatter(x=pts["x"], y=pts["y"], mode="markers", name=tr(split),
                                 marker=dict(color=colour, symbol=symbol, size=6, opacity=0.7)))
    lo, hi = float(data["x"].min()) - 0.2, float(data["x"].max()) + 0.2
    xs, fitted, true = P.curve_points(result.weights, d, lo, hi)
    fig.add_trace(go.Scatter(x=xs, y=true, mode="lines", name=tr("true_fn"), line=dict(color=PALETTE[7], dash="dash")))
    fig.add_trace(go.Scatter(x=xs, y=finite_or_none(fitted), mode="lines", name=tr("fitted"),
                             line=dict(color=PALETTE[2], width=3)))
    pad = (data["y"].max() - data["y"].min()) * 0.25
    fig.update_yaxes(range=[data["y"].min() - pad, data["y"].max() + pad])
    return style(fig, tr("fit_title", d=d), "x", "y")


def fig_weights(result, tr: Translator) -> go.Figure:
    """Learned against true weights of the chosen degree (the book prints them)."""
    d = result.settings.degree
    names = [f"w{i}" for i in range(d + 1)]
    true = [P.TRUE_W[i] if i < 4 else 0.0 for i in range(d + 1)]
    learned = result.learned()
    fig = go.Figure([go.Bar(x=names, y=true, name=tr("true"), marker_color=PALETTE[7]),
                     go.Bar(x=names, y=finite_or_none(learned), name=tr("learned"), marker_color=PALETTE[2],
                            text=[fmt(float(v), 3) for v in learned], textposition="outside")])
    fig.update_layout(barmode="group")
    return style(fig, tr("weights_title", d=d), None, tr("weight_axis"))


def fig_learning_curve(curve: pd.DataFrame, degree: int, tr: Translator, noise: float | None = None) -> go.Figure:
    """Final training and test loss against the number of training examples, at the chosen degree."""
    fig = go.Figure()
    _loss_lines(fig, curve[curve["degree"] == degree], "n_train", tr)
    fig.update_traces(mode="lines+markers", marker=dict(size=7))
    if noise:
        fig.add_hline(y=noise ** 2, line=dict(color=PALETTE[7], dash="dash", width=1))
    fig.update_yaxes(type="log", exponentformat="power")
    return style(fig, tr("lc_title"), tr("n_axis"), tr("loss_axis"))


# ---- weight decay ------------------------------------------------------------------------------------

def fig_decay_curves(history: pd.DataFrame, lambd: float, tr: Translator) -> go.Figure:
    """The book's two charts in one: training and test loss of the chosen λ, and of λ = 0 (faint)."""
    fig = go.Figure()
    if lambd != 0 and (history["lambd"] == 0).any():
        _loss_lines(fig, history[(history["lambd"] == 0) & (history["epoch"] > 0)], "epoch", tr,
                    suffix=f" ({tr('no_decay')})", faint=True)
    _loss_lines(fig, history[(history["lambd"] == lambd) & (history["epoch"] > 0)], "epoch", tr,
                suffix=f" (λ = {fmt(lambd)})")
    fig.update_yaxes(type="log", exponentformat="power")
    return style(fig, tr("curves_title", lam=fmt(lambd)), tr("epoch_axis"), tr("loss_axis"))


def fig_decay_lambda(by_lambda: pd.DataFrame, lambd: float, tr: Translator) -> go.Figure:
    """‖w‖ (left) and the final losses (right) against λ; λ on an even axis of its values (0 included)."""
    x = [fmt(v) for v in by_lambda["lambd"]]
    fig = make_subplots(rows=1, cols=2, subplot_titles=(tr("norm_panel"), tr("loss_panel")), horizontal_spacing=0.12)
    fig.add_trace(go.Scatter(x=x, y=finite_or_none(by_lambda["w_norm"]), mode="lines+markers", name="‖w‖",
                             line=dict(color=PALETTE[2], width=2.5)), row=1, col=1)
    for col, colour, dash in (("train_loss", TRAIN, "solid"), ("test_loss", TEST, "dot")):
        fig.add_trace(go.Scatter(x=x, y=finite_or_none(by_lambda[col]), mode="lines+markers", name=tr(col),
                                 line=dict(color=colour, dash=dash, width=2.5)), row=1, col=2)
    fig.update_yaxes(type="log", exponentformat="power")
    fig.update_yaxes(title_text=tr("norm_axis"), row=1, col=1)
    fig.update_yaxes(title_text=tr("loss_axis"), row=1, col=2)
    fig.update_xaxes(title_text=tr("lambda_axis"), type="category")
    if fmt(lambd) in x:
        for c in (1, 2):
            fig.add_vline(x=x.index(fmt(lambd)), line=dict(color=PALETTE[7], dash="dot"), row=1, col=c)
    return style(fig, tr("lambda_title"), height=400)
