"""Figures of the softmax regression lesson, in the shared template.

``fig_curves`` is the book's ``Animator`` (train loss, train acc, test acc per epoch) as
Plotly; the rest show what the trained model holds: one weight image per class, the
confusion matrix, test images with their predictions, and the overflow demo."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from engine.i18n import Translator
from engine.numerics import fmt
from engine.plotting import DIVERGING, PALETTE, SEQUENTIAL, finite_or_none, mark_divergence, style


def class_label(tr: Translator, name: str) -> str:
    return tr(f"class.{name}")


def _legend_below(fig: go.Figure) -> go.Figure:
    """The template puts legends under the plot, below the x-axis title (kept for its callers)."""
    return fig


def _bare_images(fig: go.Figure) -> None:
    fig.update_xaxes(showticklabels=False, showgrid=False, ticks="", showline=False)
    fig.update_yaxes(showticklabels=False, showgrid=False, ticks="", showline=False)


def fig_curves(epochs: pd.DataFrame, tr: Translator, divergence=None, num_epochs: int | None = None) -> go.Figure:
    """Loss on the left axis, accuracies (0–1) on the right, one point per epoch."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(go.Scatter(x=epochs["epoch"], y=finite_or_none(epochs["train_loss"]), mode="lines+markers",
                             name=tr("train_loss"), line=dict(color=PALETTE[0], width=2.5)), secondary_y=False)
    for col, colour, dash in (("train_acc", PALETTE[1], "dash"), ("test_acc", PALETTE[2], "dot")):
        fig.add_trace(go.Scatter(x=epochs["epoch"], y=finite_or_none(epochs[col]), mode="lines+markers",
                                 name=tr(col), line=dict(color=colour, width=2.5, dash=dash)), secondary_y=True)
    fig.update_yaxes(rangemode="tozero", secondary_y=False)
    if num_epochs:
        fig.update_xaxes(range=[0.5, num_epochs + 0.5])
    if divergence is not None:
        mark_divergence(fig, float(epochs["epoch"].iloc[-1]) if len(epochs) else 1.0,
                        tr("diverged_at", kind=divergence.kind, step=divergence.step))
    style(fig, tr("curves_title"), tr("epoch_axis"), tr("loss_axis"))
    fig.update_yaxes(title_text=tr("acc_axis"), range=[0, 1.02], tickvals=[0, 0.2, 0.4, 0.6, 0.8, 1.0],
                     secondary_y=True, showgrid=False)           # after style(), which titles every y axis
    return _legend_below(fig)


def fig_weights(result, tr: Translator) -> go.Figure:
    """Column j of W reshaped to the image: red pixels raise class j's score, blue lower it."""
    H, Wd = result.image_shape
    C = len(result.class_names)
    images = result.W.T.reshape(C, H, Wd)
    finite = images[np.isfinite(images)]
    bound = float(np.abs(finite).max()) if finite.size else 1.0
    fig = px.imshow(np.nan_to_num(images, nan=0.0, posinf=bound, neginf=-bound), facet_col=0,
                    facet_col_wrap=5, color_continuous_scale=DIVERGING, zmin=-bound, zmax=bound,
                    facet_col_spacing=0.02, facet_row_spacing=0.08)
    for ann in fig.layout.annotations:                    # "facet_col=3" → the class name
        j = int(ann.text.split("=")[-1])
        ann.text = class_label(tr, result.class_names[j])
    _bare_images(fig)
    fig.update_layout(coloraxis_colorbar=dict(title=tr("weight")))
    title = tr("weights_title")
    if not finite.size:             # every weight overflowed: say so rather than show ten blank squares
        title += f"<br><sup><span style='color:{PALETTE[3]}'>{tr('weights_not_finite')}</span></sup>"
    return style(fig, title, height=430)


def fig_confusion(result, tr: Translator) -> go.Figure:
    names = [class_label(tr, c) for c in result.class_names]
    fig = px.imshow(result.confusion, x=names, y=names, text_auto=True, color_continuous_scale=SEQUENTIAL,
                    labels=dict(x=tr("pred_axis"), y=tr("true_axis"), color=tr("count")), aspect="auto")
    fig.update_xaxes(side="bottom", showgrid=False, tickangle=-35, type="category")   # digit names are text
    fig.update_yaxes(showgrid=False, type="category")
    return style(fig, tr("confusion_title", n=result.num_test), tr("pred_axis"), tr("true_axis"), height=480)


def fig_predictions(result, tr: Translator) -> go.Figure:
    """d2l §4.4.5 (d2l-zh 3.6.8's ``predict_ch3``): test images with true and predicted labels, mistakes first."""
    g = result.grid
    if not len(g):
        return style(go.Figure(), tr("grid_title"))
    rows = (len(g) + 5) // 6
    fig = px.imshow(result.grid_images, facet_col=0, facet_col_wrap=6, binary_string=False,
                    color_continuous_scale="gray_r", zmin=0, zmax=1,
                    facet_col_spacing=0.02, facet_row_spacing=min(0.5 / max(rows, 1), 0.16))
    for ann in fig.layout.annotations:
        i = int(ann.text.split("=")[-1])
        row = g.iloc[i]
        mark = "✓" if row["correct"] else "✗"
        prob = f"{row['prob']:.0%}" if np.isfinite(row["prob"]) else "NaN"
        ann.text = (f"{mark} {class_label(tr, result.class_names[row['pred']])} ({prob})"
                    f"<br>{tr('truth')}: {class_label(tr, result.class_names[row['true']])}")
        ann.font = dict(size=11, color=PALETTE[2] if row["correct"] else PALETTE[3])
    _bare_images(fig)
    fig.update_layout(coloraxis_showscale=False)
    return style(fig, tr("grid_title"), height=190 * rows + 90)


def fig_stability(table: pd.DataFrame, tr: Translator, logit_scale: float) -> go.Figure:
    """Bars of the naive and the log-sum-exp softmax; a NaN bar is drawn as a labelled gap."""
    fig = go.Figure()
    x = [f"{tr('class')} {k} (o = {fmt(float(o), 3)})" for k, o in zip(table["class"], table["logit"])]
    for col, colour in (("naive", PALETTE[3]), ("stable", PALETTE[0])):
        values = table[col].astype(float).tolist()
        fig.add_trace(go.Bar(x=x, y=finite_or_none(values), name=tr(f"{col}_softmax"), marker_color=colour,
                             text=[fmt(v, 3) for v in values], textposition="outside", cliponaxis=False))
    fig.update_layout(barmode="group")
    fig.update_yaxes(range=[0, 1.15])
    return _legend_below(style(fig, tr("stability_title", scale=fmt(logit_scale)), tr("class_axis"), tr("prob_axis")))


def stability_display(table: pd.DataFrame, tr: Translator) -> pd.DataFrame:
    """The table with inf and NaN spelled out (a dataframe would show them as blanks)."""
    cols = ["logit", "exp_logit", "naive", "shifted", "exp_shifted", "stable"]
    out = pd.DataFrame({tr("class"): table["class"]})
    for c in cols:
        out[tr(f"col_{c}")] = [fmt(float(v), 4) for v in table[c]]
    return out
