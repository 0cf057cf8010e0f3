"""Figures of the attention lessons: heatmaps (px.imshow) of scores, weights and outputs, the
saturation curve, the alignment of a translation, and training curves with / without attention."""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from engine.i18n import Translator
from engine.plotting import DIVERGING, PALETTE, SEQUENTIAL, style


CELL_FONT = 13         # px of the numbers in the cells
MAX_TEXT_COLS = 10     # wider matrices show their numbers on hover only
COLORBAR_PX = 12
ROW_PX = 40


def _heatmap(M: np.ndarray, rows: Sequence[str], cols: Sequence[str], *, scale: str, zmin=None, zmax=None,
             text: np.ndarray | None = None, colorbar: str = "", hover: str = "value", decimals: int = 1) -> go.Figure:
    """px.imshow on positions, with the labels as tick text: repeated tokens ('9', '9') stay
    separate cells instead of being merged into one category. The numbers in the cells are readable
    (``CELL_FONT`` px, ``decimals`` decimals — the hover has four digits) and left out when the cells
    are too narrow for them (more than ``MAX_TEXT_COLS`` columns); the colour bar is thin, so it
    does not squeeze a heatmap that has a third of the page."""
    M = np.asarray(M, dtype=float)
    if scale == DIVERGING and zmin is None:
        m = float(np.nanmax(np.abs(M))) if np.isfinite(M).any() else 1.0
        zmin, zmax = -(m or 1.0), (m or 1.0)
    fig = px.imshow(M, color_continuous_scale=scale, zmin=zmin, zmax=zmax, aspect="auto")
    if text is None:
        text = np.vectorize(lambda v: "" if not math.isfinite(v) or M.shape[1] > MAX_TEXT_COLS
                            else f"{v:.{decimals}f}".replace("-", "−"))(M)
    fig.update_traces(text=text, texttemplate="%{text}", textfont=dict(size=CELL_FONT),
                      hovertemplate=f"%{{y}} · %{{x}}<br>{hover} = %{{z:.4g}}<extra></extra>",
                      x=list(range(M.shape[1])), y=list(range(M.shape[0])))
    every = max(1, math.ceil(M.shape[1] / 16))          # at most 16 column labels
    fig.update_xaxes(tickvals=list(range(0, M.shape[1], every)), ticktext=list(cols)[::every], showgrid=False)
    fig.update_yaxes(tickvals=list(range(M.shape[0])), ticktext=list(rows), showgrid=False, autorange="reversed",
                     automargin=True)
    fig.update_layout(coloraxis_colorbar=dict(title=dict(text=colorbar, side="right"), thickness=COLORBAR_PX,
                                              len=1.0, lenmode="fraction", tickfont=dict(size=10)))
    return fig


def _two_panels(fig: go.Figure) -> go.Figure:
    """Two panels side by side (``plotting.finish`` lifts the title above their titles)."""
    return fig


def _labels(prefix: str, n: int) -> list[str]:
    return [f"{prefix}{i + 1}" for i in range(n)]


def _height(n_rows: int) -> int:
    """Figure height from its rows: each row ``ROW_PX`` tall, so the numbers and the colour bar have room."""
    return max(260, 110 + ROW_PX * n_rows)


def fig_matrix(M: np.ndarray, title: str, row_prefix: str, col_prefix: str, tr: Translator) -> go.Figure:
    """A small input or output matrix (Q, K, V, attention output), signed values."""
    fig = _heatmap(M, _labels(row_prefix, M.shape[0]), _labels(col_prefix, M.shape[1]), scale=DIVERGING)
    return style(fig, title, tr("axis_feature"), tr("axis_row"), height=_height(M.shape[0]))


def fig_scores(scores: np.ndarray, mask: np.ndarray, title: str, tr: Translator) -> go.Figure:
    """Scores before the softmax; masked positions are shown as −∞ (they get weight 0)."""
    shown = np.where(mask, scores, np.nan)
    text = np.where(mask, np.vectorize(lambda v: f"{v:.1f}".replace("-", "−"))(scores), "−∞")
    if scores.shape[1] > MAX_TEXT_COLS:
        text = np.where(mask, "", "−∞")
    fig = _heatmap(shown, _labels("q", scores.shape[0]), _labels("k", scores.shape[1]), scale=DIVERGING,
                   text=text, colorbar=tr("score"), hover=tr("score"))
    return style(fig, title, tr("axis_key"), tr("axis_query"), height=_height(scores.shape[0]))


def fig_weights(weights: np.ndarray, title: str, tr: Translator) -> go.Figure:
    """Softmax weights in [0, 1]; each row's label shows its sum (1 unless every key is masked)."""
    rows = [f"q{i + 1} (Σ={s:.3f})" for i, s in enumerate(weights.sum(axis=1))]
    fig = _heatmap(weights, rows, _labels("k", weights.shape[1]), scale=SEQUENTIAL, zmin=0.0, zmax=1.0,
                   colorbar=tr("weight"), hover=tr("weight"), decimals=2)
    return style(fig, title, tr("axis_key"), tr("axis_query"), height=_height(weights.shape[0]))


def fig_saturation(curve: pd.DataFrame, n_keys: int, d: int, tr: Translator) -> go.Figure:
    """Mean max weight and entropy of the softmax against d, with and without 1/√d."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=(tr("sat_max"), tr("sat_entropy")), horizontal_spacing=0.12)
    for scaled, colour, dash in ((True, PALETTE[0], "solid"), (False, PALETTE[3], "dash")):
        c = curve[curve["scaled"] == scaled]
        name = tr("scaled_on") if scaled else tr("scaled_off")
        for col, y in ((1, "max_weight"), (2, "entropy")):
            fig.add_trace(go.Scatter(x=c["d"], y=c[y], mode="lines+markers", name=name, legendgroup=name,
                                     showlegend=col == 1, line=dict(color=colour, dash=dash)), row=1, col=col)
    fig.add_hline(y=1 / n_keys, line=dict(color=PALETTE[7], dash="dot", width=1), row=1, col=1,
                  annotation_text=tr("uniform"), annotation_position="bottom right")
    fig.add_hline(y=math.log(n_keys), line=dict(color=PALETTE[7], dash="dot", width=1), row=1, col=2,
                  annotation_text=tr("uniform"), annotation_position="bottom right")
    for col in (1, 2):              # the current d (a shape: on a log axis, shapes take data values)
        fig.add_vline(x=d, line=dict(color=PALETTE[2], width=1.5), row=1, col=col)
    lo, hi = min(curve["d"]), max(curve["d"])
    fig.update_xaxes(type="log", range=[math.log10(lo) - 0.08, math.log10(hi) + 0.08], dtick=math.log10(2),
                     tickformat="d", title_text=tr("axis_d", d=d))
    fig.update_yaxes(title_text=tr("axis_max_weight"), range=[0, 1.02], row=1, col=1)
    fig.update_yaxes(title_text=tr("axis_entropy"), rangemode="tozero", row=1, col=2)
    return _two_panels(style(fig, tr("sat_title", n=n_keys), height=440))


def fig_alignment(alignment: np.ndarray, input_tokens: Sequence[str], output_tokens: Sequence[str],
                  tr: Translator) -> go.Figure:
    """Where the decoder looked: rows are output tokens, columns input words, rows sum to 1."""
    fig = _heatmap(alignment, list(output_tokens), list(input_tokens), scale=SEQUENTIAL, zmin=0.0, zmax=1.0, decimals=2,
                   colorbar=tr("weight"), hover=tr("weight"))
    fig.update_xaxes(tickangle=-35)
    return style(fig, tr("alignment_title"), tr("axis_input"), tr("axis_output"),
                 height=max(320, 120 + 30 * len(output_tokens)))


def fig_curves(history: pd.DataFrame, tr: Translator) -> go.Figure:
    """Training loss (log) and test exact-match accuracy per epoch, both models on one chart."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=(tr("curve_loss"), tr("curve_accuracy")),
                        horizontal_spacing=0.12)
    for model, colour, dash in (("attention", PALETTE[0], "solid"), ("no_attention", PALETTE[1], "dash")):
        h = history[history["model"] == model]
        if not len(h):
            continue
        name = tr(f"model.{model}")
        trained = h[h["epoch"] > 0]
        fig.add_trace(go.Scatter(x=trained["epoch"], y=trained["train_loss"], mode="lines+markers", name=name,
                                 legendgroup=model, line=dict(color=colour, dash=dash)), row=1, col=1)
        fig.add_trace(go.Scatter(x=h["epoch"], y=h["test_accuracy"] * 100, mode="lines+markers", name=name,
                                 legendgroup=model, showlegend=False, line=dict(color=colour, dash=dash)),
                      row=1, col=2)
    fig.update_yaxes(type="log", exponentformat="power", title_text=tr("axis_loss"), row=1, col=1)
    fig.update_yaxes(range=[-2, 102], title_text=tr("axis_accuracy"), row=1, col=2)
    fig.update_xaxes(title_text=tr("axis_epoch"))
    return _two_panels(style(fig, tr("curves_title"), height=420))


# ---- Nadaraya–Watson kernel regression (d2l-en §11.2, d2l-zh 10.2) ----------------------------

def fig_nw_fit(r, tr: Translator) -> go.Figure:
    """The book's plot_kernel_reg: truth, training points, the kernel's estimate, the learned one."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=r.x_train, y=r.y_train, mode="markers", name=tr("nw_train_points"),
                             marker=dict(color=PALETTE[7], size=6, opacity=0.45)))
    fig.add_trace(go.Scatter(x=r.x_test, y=r.y_truth, mode="lines", name=tr("nw_truth"),
                             line=dict(color=PALETTE[4], dash="dash", width=2)))
    fig.add_trace(go.Scatter(x=r.x_test, y=[r.y_average] * len(r.x_test), mode="lines", name=tr("nw_average"),
                             line=dict(color=PALETTE[7], dash="dot", width=1)))
    fig.add_trace(go.Scatter(x=r.x_test, y=[v if math.isfinite(v) else None for v in r.y_hat], mode="lines",
                             name=tr("nw_estimate", kernel=tr(f"kernel.{r.settings.kernel}"), width=f"{r.settings.width:g}"),
                             line=dict(color=PALETTE[0], width=2.5)))
    fig.add_trace(go.Scatter(x=r.x_test, y=[v if math.isfinite(v) else None for v in r.learned_y_hat],
                             mode="lines", name=tr("nw_learned", width=f"{r.learned_width:.3g}"),
                             line=dict(color=PALETTE[3], width=2)))
    fig = style(fig, tr("nw_fit_title"), "x", "y", height=420)
    return fig


def fig_nw_weights(weights: np.ndarray, x_train: np.ndarray, x_test: np.ndarray, title: str,
                   tr: Translator) -> go.Figure:
    """The attention weights: one row per test input (query), one column per sorted training input
    (key), each row summing to 1 (d2l's show_heatmaps of the book's attention_weights)."""
    fig = _heatmap(weights, [f"{x:.1f}" for x in x_test], [f"{x:.2f}" for x in x_train], scale=SEQUENTIAL,
                   zmin=0.0, zmax=float(max(1e-9, np.nanmax(weights))), colorbar=tr("weight"), hover=tr("weight"))
    every = max(1, math.ceil(len(x_test) / 10))
    fig.update_yaxes(tickvals=list(range(0, len(x_test), every)), ticktext=[f"{x:.1f}" for x in x_test][::every])
    return style(fig, title, tr("nw_keys_axis"), tr("nw_queries_axis"), height=400)


def fig_nw_training(history: pd.DataFrame, tr: Translator, divergence=None) -> go.Figure:
    """The learned width's training: the summed squared loss and w per epoch."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=(tr("nw_loss"), tr("nw_w")), horizontal_spacing=0.14)
    fig.add_trace(go.Scatter(x=history["epoch"], y=[v if math.isfinite(v) else None for v in history["loss"]],
                             mode="lines+markers", name=tr("nw_loss"), line=dict(color=PALETTE[3])), row=1, col=1)
    fig.add_trace(go.Scatter(x=history["epoch"], y=[v if math.isfinite(v) else None for v in history["w"]],
                             mode="lines+markers", name="w", line=dict(color=PALETTE[0])), row=1, col=2)
    if divergence is not None:
        from engine.plotting import mark_divergence
        mark_divergence(fig, divergence.epoch, tr("nw_diverged_at", kind=divergence.kind, epoch=divergence.epoch),
                        row=1, col=1)
    fig.update_xaxes(title_text=tr("nw_epoch_axis"))
    fig.update_layout(showlegend=False)
    return _two_panels(style(fig, tr("nw_training_title"), height=340))
