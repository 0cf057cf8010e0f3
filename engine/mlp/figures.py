"""Figures of the MLP-on-images lesson: the MLP and softmax regression on one chart."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from engine.i18n import Translator
from engine.plotting import PALETTE, finite_or_none, mark_divergence, style

COLOURS = {"mlp": PALETTE[0], "softmax": PALETTE[1]}


def fig_compare(history: pd.DataFrame, tr: Translator, divergence: dict | None = None,
                num_epochs: int | None = None) -> go.Figure:
    """Left: train loss (solid) and test loss (dotted); right: test accuracy (solid) and train
    accuracy (dotted); one colour per model, one point per epoch (the book's Animator)."""
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.1,
                        subplot_titles=(tr("loss_panel"), tr("acc_panel")))
    for model, h in history.groupby("model", sort=False):
        name, colour = tr(f"model.{model}"), COLOURS[model]
        for col, c, dash, label in (("train_loss", 1, "solid", "train_loss"), ("test_loss", 1, "dot", "test_loss"),
                                    ("test_acc", 2, "solid", "test_acc"), ("train_acc", 2, "dot", "train_acc")):
            fig.add_trace(go.Scatter(x=h["epoch"], y=finite_or_none(h[col]), mode="lines+markers",
                                     name=f"{name}: {tr(label)}", legendgroup=model,
                                     line=dict(color=colour, width=2.5, dash=dash), marker=dict(size=5)),
                          row=1, col=c)
    fig.update_yaxes(title_text=tr("loss_axis"), rangemode="tozero", row=1, col=1)
    fig.update_yaxes(title_text=tr("acc_axis"), range=[0, 1.02], row=1, col=2)
    fig.update_xaxes(title_text=tr("epoch_axis"))
    if num_epochs:
        fig.update_xaxes(range=[0, num_epochs + 0.5])
    for model, d in (divergence or {}).items():
        if d is not None:
            h = history[history["model"] == model]
            x = float(h["epoch"].iloc[-1]) if len(h) else 1.0
            label = tr("diverged_at", model=tr(f"model.{model}"), kind=d.kind, step=d.step)
            mark_divergence(fig, x, label, row=1, col=1)
    title = tr("compare_title") if history["model"].nunique() > 1 else tr("mlp_title")
    return style(fig, title, height=520)
