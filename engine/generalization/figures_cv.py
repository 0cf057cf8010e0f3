"""Figures of the K-fold cross-validation lesson (and the dropout lesson's mask), in the shared template."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from engine.i18n import Translator
from engine.numerics import fmt
from engine.plotting import PALETTE, finite_or_none, style

TRAIN, VALID, TEST = PALETTE[0], PALETTE[1], PALETTE[7]


def candidate_text(c: float, select: str) -> str:
    return str(int(c)) if select == "degree" else fmt(float(c))


def fig_folds(folds: pd.DataFrame, n_test: int, tr: Translator) -> go.Figure:
    """One row per round: the K folds side by side, the validation fold of the round in orange, the
    held-out test set grey at the end (never used until the one look)."""
    fig = go.Figure()
    k = len(folds)
    shown = set()
    for i in range(1, k + 1):
        for _, f in folds.iterrows():
            role = "valid" if f["fold"] == i else "train"
            fig.add_trace(go.Bar(y=[tr("round", i=i)], x=[f["stop"] - f["start"]], orientation="h",
                                 marker=dict(color=VALID if role == "valid" else TRAIN, line=dict(color="white", width=1)),
                                 name=tr(f"role.{role}"), legendgroup=role, showlegend=role not in shown,
                                 hovertemplate=tr("fold_hover", fold=int(f["fold"]), start=int(f["start"]),
                                                  stop=int(f["stop"]) - 1) + "<extra></extra>"))
            shown.add(role)
        if n_test:
            fig.add_trace(go.Bar(y=[tr("round", i=i)], x=[n_test], orientation="h", marker=dict(color=TEST),
                                 name=tr("role.test"), legendgroup="test", showlegend="test" not in shown,
                                 hovertemplate=tr("role.test") + "<extra></extra>"))
            shown.add("test")
    fig.update_layout(barmode="stack", yaxis=dict(autorange="reversed"))
    return style(fig, tr("folds_title", k=k), tr("examples_axis"), None, height=120 + 34 * k)


def fig_cv(cv: pd.DataFrame, select: str, chosen: float, tr: Translator, error: str) -> go.Figure:
    """Per candidate: each fold's validation error (dots), their mean ± one std (the bar), the mean training
    error (line); the chosen candidate marked."""
    g = cv.groupby("candidate", sort=True)
    mean, std, train = g["valid"].mean(), g["valid"].std(ddof=0), g["train"].mean()
    x = [candidate_text(c, select) for c in mean.index]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=x, y=finite_or_none(train.values), mode="lines+markers", name=tr("train_mean"),
                             line=dict(color=TRAIN, width=2)))
    fig.add_trace(go.Scatter(x=x, y=finite_or_none(mean.values), mode="lines+markers", name=tr("valid_mean"),
                             line=dict(color=VALID, width=2.5),
                             error_y=dict(type="data", array=finite_or_none(std.values), visible=True)))
    pts = cv.assign(x=[candidate_text(c, select) for c in cv["candidate"]])
    fig.add_trace(go.Scatter(x=pts["x"], y=finite_or_none(pts["valid"]), mode="markers", name=tr("valid_fold"),
                             marker=dict(color=VALID, size=5, opacity=0.45), text=[tr("fold_n", i=f) for f in pts["fold"]]))
    if np.isfinite(chosen):
        fig.add_vline(x=x.index(candidate_text(chosen, select)) if candidate_text(chosen, select) in x else 0,
                      line=dict(color=PALETTE[2], width=2), annotation_text=tr("chosen"), annotation_position="top")
    fig.update_xaxes(type="category")
    fig.update_yaxes(type="log", exponentformat="power")
    return style(fig, tr("cv_title", k=int(cv["fold"].max()) if len(cv) else 0),
                 tr(f"candidate_axis.{select}"), error, height=420)


def fig_cv_of(result, tr: Translator) -> go.Figure:
    return fig_cv(result.cv, result.settings.select, result.chosen, tr, tr(f"error_axis.{result.settings.select}"))


def fig_fold_curves(curves: pd.DataFrame, chosen: float, select: str, tr: Translator) -> go.Figure:
    """The book's chart: training and validation error of the chosen candidate against epochs, every fold."""
    h = curves[curves["candidate"] == chosen]
    fig = go.Figure()
    for fold, f in h.groupby("fold"):
        first = fold == 1
        fig.add_trace(go.Scatter(x=f["epoch"], y=finite_or_none(f["train"]), mode="lines", legendgroup="train",
                                 name=tr("train"), showlegend=bool(first), line=dict(color=TRAIN, width=1.5)))
        fig.add_trace(go.Scatter(x=f["epoch"], y=finite_or_none(f["valid"]), mode="lines", legendgroup="valid",
                                 name=tr("valid"), showlegend=bool(first), line=dict(color=VALID, width=1.5, dash="dot")))
    fig.update_yaxes(type="log", exponentformat="power")
    return style(fig, tr("curves_title", c=candidate_text(chosen, select) if np.isfinite(chosen) else "—"),
                 tr("epoch_axis"), tr(f"error_axis.{select}"))


MODEL_COLOURS = {"dropout": PALETTE[2], "plain": PALETTE[4]}


def fig_dropout_curves(history: pd.DataFrame, tr: Translator, num_epochs: int | None = None) -> go.Figure:
    """Left: training loss (solid) and test loss (dotted); right: the same for accuracy; one colour per model."""
    from plotly.subplots import make_subplots
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.1, subplot_titles=(tr("loss_panel"), tr("acc_panel")))
    for model, h in history.groupby("model", sort=False):
        colour = MODEL_COLOURS.get(model, PALETTE[0])
        for col, c, dash in (("train_loss", 1, "solid"), ("test_loss", 1, "dot"), ("train_acc", 2, "solid"), ("test_acc", 2, "dot")):
            fig.add_trace(go.Scatter(x=h["epoch"], y=finite_or_none(h[col]), mode="lines+markers", legendgroup=model,
                                     name=f"{tr(f'model.{model}')}: {tr(col)}", marker=dict(size=5),
                                     line=dict(color=colour, dash=dash, width=2.5)), row=1, col=c)
    fig.update_yaxes(title_text=tr("xent_axis"), rangemode="tozero", row=1, col=1)
    fig.update_yaxes(title_text=tr("acc_axis"), range=[0, 1.02], row=1, col=2)
    fig.update_xaxes(title_text=tr("epoch_axis"))
    if num_epochs:
        fig.update_xaxes(range=[0, num_epochs + 0.5])
    return style(fig, tr("curves_title"), height=500)


def fig_masks(masks: list, ps: tuple, tr: Translator) -> go.Figure:
    """Each Dropout layer's mask for the first examples of one minibatch: kept (blue), dropped (orange),
    zero already from the ReLU (grey)."""
    from plotly.subplots import make_subplots
    fig = make_subplots(rows=1, cols=len(masks), horizontal_spacing=0.06,
                        subplot_titles=[tr("mask_panel", layer=i + 1, p=fmt(p), dropped=f"{(m == 0).sum() / max(1, (m != 0.5).sum()):.0%}")
                                        for i, (m, p) in enumerate(zip(masks, ps))])
    scale = [[0, PALETTE[3]], [0.33, PALETTE[3]], [0.34, "#DDDDDD"], [0.66, "#DDDDDD"], [0.67, PALETTE[0]], [1, PALETTE[0]]]
    for i, m in enumerate(masks):
        fig.add_trace(go.Heatmap(z=m, zmin=0, zmax=1, colorscale=scale, showscale=False, xgap=1, ygap=1,
                                 hovertemplate=tr("mask_hover") + "<extra></extra>"), row=1, col=i + 1)
        fig.update_yaxes(autorange="reversed", title_text=tr("example_axis") if i == 0 else None, row=1, col=i + 1)
        fig.update_xaxes(title_text=tr("unit_axis"), row=1, col=i + 1)
    return style(fig, tr("mask_title"), height=380)
