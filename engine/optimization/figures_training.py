"""Figures of the two training pages (minibatch SGD on regression data; optimizers on the MLP)."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from engine.i18n import Translator
from engine.optimization.figures import COLOURS, positive_or_none
from engine.plotting import PALETTE, decimate, finite_or_none, mark_divergence, style


# ---- optimizers on the MLP --------------------------------------------------------------------------

def fig_network_curves(history: pd.DataFrame, tr: Translator, divergence: dict | None = None,
                       num_epochs: int | None = None) -> go.Figure:
    """Training loss (log) and test accuracy per epoch, one colour per optimizer, side by side."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=(tr("train_loss_panel"), tr("test_acc_panel")))
    for name, h in history.groupby("optimizer", sort=False):
        kw = dict(mode="lines+markers", legendgroup=name, line=dict(color=COLOURS[name], width=2), marker=dict(size=5))
        fig.add_trace(go.Scatter(x=h["epoch"], y=positive_or_none(h["train_loss"]), name=tr(f"opt.{name}"), **kw), row=1, col=1)
        fig.add_trace(go.Scatter(x=h["epoch"], y=finite_or_none(h["test_acc"]), name=tr(f"opt.{name}"), showlegend=False, **kw), row=1, col=2)
    fig.update_yaxes(type="log", exponentformat="power", title_text=tr("loss_axis"), row=1, col=1)
    fig.update_yaxes(title_text=tr("acc_axis"), row=1, col=2)
    fig.update_xaxes(title_text=tr("epoch_axis"))
    if num_epochs:
        fig.update_xaxes(range=[0, num_epochs + 0.2])
    for name, d in (divergence or {}).items():
        if d is not None:
            mark_divergence(fig, float(d.epoch), tr("became_opt", opt=tr(f"opt.{name}"), kind=d.kind, step=d.step), row=1, col=1)
    return style(fig, tr("curves_title"), height=420)


def fig_network_updates(updates: pd.DataFrame, tr: Translator) -> go.Figure:
    """The minibatch loss at every update (noisy) and the learning rate each optimizer used."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=(tr("update_loss_panel"), tr("lr_panel")))
    for name, u in updates.groupby("optimizer", sort=False):
        x, loss = decimate(u["update"], u["loss"])        # a long run's curves thinned, spikes kept
        fig.add_trace(go.Scatter(x=x, y=positive_or_none(loss), mode="lines", name=tr(f"opt.{name}"),
                                 legendgroup=name, line=dict(color=COLOURS[name], width=1)), row=1, col=1)
        x, lr = decimate(u["update"], u["lr"])
        fig.add_trace(go.Scatter(x=x, y=positive_or_none(lr), mode="lines", name=tr(f"opt.{name}"),
                                 legendgroup=name, showlegend=False, line=dict(color=COLOURS[name], width=2)), row=1, col=2)
    fig.update_yaxes(type="log", exponentformat="power")
    fig.update_yaxes(title_text=tr("loss_axis"), row=1, col=1)
    fig.update_yaxes(title_text=tr("lr_axis"), row=1, col=2)
    fig.update_xaxes(title_text=tr("update_axis"))
    return style(fig, tr("updates_title"), height=400)


def network_table(result, tr: Translator) -> pd.DataFrame:
    from engine.numerics import fmt
    rows = []
    for name in result.settings.chosen():
        d = result.divergence.get(name)
        rows.append({tr("table_opt"): tr(f"opt.{name}"), tr("table_train_loss"): fmt(result.last(name, "train_loss")),
                     tr("table_test_acc"): fmt(result.last(name, "test_acc"), 3),
                     tr("table_status"): tr("status_inf", kind=d.kind, step=d.step) if d else tr("status_ok")})
    return pd.DataFrame(rows)


# ---- minibatch SGD on regression data --------------------------------------------------------------

def fig_minibatch_curves(records: pd.DataFrame, tr: Translator, x: str = "epoch") -> go.Figure:
    """Loss over the whole data set against epochs, examples seen or seconds of training."""
    fig = go.Figure()
    for i, (name, g) in enumerate(records.groupby("method", sort=False)):
        fig.add_trace(go.Scatter(x=g[x], y=positive_or_none(g["loss"]), mode="lines+markers", name=tr(f"method.{name}"),
                                 marker=dict(size=4), line=dict(width=2, color=PALETTE[i % len(PALETTE)])))
    fig.update_yaxes(type="log", exponentformat="power")
    if x == "seen":
        fig.update_xaxes(type="log", exponentformat="power")
    # a third of the page wide, its legend three rows: the height leaves the y title room under the title
    return style(fig, tr(f"curve_title.{x}"), tr(f"axis.{x}"), tr("mb_loss_axis"), height=430)


def fig_minibatch_paths(records: pd.DataFrame, optimum, tr: Translator) -> go.Figure:
    """(w₁, w₂) after each record: batch GD walks straight, SGD jitters around its way."""
    fig = go.Figure()
    for i, (name, g) in enumerate(records.groupby("method", sort=False)):
        fig.add_trace(go.Scatter(x=g["w1"], y=g["w2"], mode="lines+markers", name=tr(f"method.{name}"),
                                 marker=dict(size=3), line=dict(width=1.5, color=PALETTE[i % len(PALETTE)])))
    fig.add_trace(go.Scatter(x=[optimum[0]], y=[optimum[1]], mode="markers", name=tr("least_squares"),
                             marker=dict(symbol="star", size=14, color=PALETTE[6], line=dict(color="black", width=1))))
    return style(fig, tr("mb_paths_title"), "w₁", "w₂", height=420)


def fig_vectorisation(timing: pd.DataFrame, tr: Translator) -> go.Figure:
    fig = go.Figure(go.Bar(x=[tr(f"how.{h}") for h in timing["how"]], y=timing["seconds"] * 1e3,
                           marker_color=[PALETTE[i % len(PALETTE)] for i in range(len(timing))],
                           text=[f"{v * 1e3:.3g} ms" for v in timing["seconds"]], textposition="outside"))
    fig.update_yaxes(type="log", exponentformat="power")
    return style(fig, tr("vec_title"), None, tr("ms_axis"))
