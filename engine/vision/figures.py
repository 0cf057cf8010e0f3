"""Figures of the Vision pages, in the shared template: grids of numbers as heatmaps (with the
numbers written in when they are few), the window an output cell reads as a rectangle, feature maps
as small multiples (CNN Explainer), curves per step or epoch."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from engine.i18n import Translator
from engine.numerics import fmt
from engine.plotting import (DIVERGING, PALETTE, SEQUENTIAL, finite_or_none, mark_divergence, style, wrap,
                             wrap_panel_titles)

MODEL_COLOURS = {"book": PALETTE[0], "modern": PALETTE[1], "mlp": PALETTE[7], "alexnet": PALETTE[2], "nin": PALETTE[3]}


def _signed(a: np.ndarray) -> bool:
    return bool(np.nanmin(a) < 0)


def fig_grid(a: np.ndarray, title: str, box=None, box2=None, offset: int = 0, height: int = 330,
             colour: str | None = None, share: float = 0.5) -> go.Figure:
    """A 2-D array as a heatmap; ``box``/``box2`` = (r0, r1, c0, c1) in the array's own coordinates
    minus ``offset`` (so a window in unpadded input coordinates lands right on a padded array).
    ``share``: the part of the page's width the chart is shown in (its title is wrapped to fit)."""
    a = np.asarray(a, dtype=float)
    signed = _signed(a)
    m = float(np.nanmax(np.abs(a))) if a.size else 1.0
    fig = px.imshow(a, color_continuous_scale=colour or (DIVERGING if signed else SEQUENTIAL),
                    zmin=-m if signed else None, zmax=m if signed else None, aspect="equal",
                    text_auto=".3g" if a.size <= 100 else False)
    for b, c, w in ((box, PALETTE[3], 3), (box2, PALETTE[1], 2)):
        if b is not None:
            r0, r1, c0, c1 = b
            fig.add_shape(type="rect", x0=c0 + offset - 0.5, x1=c1 + offset + 0.5, y0=r0 + offset - 0.5,
                          y1=r1 + offset + 0.5, line=dict(color=c, width=w))
    fig.update_layout(margin=dict(l=10, r=10, t=50, b=10), coloraxis_showscale=a.size > 100)
    # the cells' indices: whole numbers only (Plotly's own ticks fall on halves for a grid of a few cells)
    fig.update_xaxes(showgrid=False, title_text=None, tick0=0, dtick=_index_step(a.shape[1]))
    fig.update_yaxes(showgrid=False, title_text=None, tick0=0, dtick=_index_step(a.shape[0]))
    return style(fig, title, height=height, share=share)


def _index_step(n: int) -> int:
    """A whole-number tick step showing at most about 8 indices of n."""
    return max(1, math.ceil(n / 8))


def fig_input(r, tr: Translator, share: float = 0.5) -> go.Figure:
    """Channel 0 of the input, with the padding, and the window of the chosen output cell."""
    p = r.settings.padding
    X = np.pad(r.X[0], p)
    return fig_grid(X, tr("fig_input", h=r.X.shape[1], w=r.X.shape[2], p=p), box=r.cell_window, offset=p,
                    share=share)


def fig_kernel(K: np.ndarray, title: str, share: float = 0.5) -> go.Figure:
    return fig_grid(K, title, height=260, share=share)


def fig_output(Y: np.ndarray, cell, title: str, share: float = 0.5) -> go.Figure:
    i, j = cell
    return fig_grid(Y, title, box=(i, i, j, j), share=share)


def _runs(lines) -> list[tuple[int, int]]:
    """Consecutive runs of sorted indices: (0, 1, 4, 5) → [(0, 1), (4, 5)]."""
    runs: list[tuple[int, int]] = []
    for v in lines:
        if runs and v == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], v)
        else:
            runs.append((v, v))
    return runs


def fig_field2(r, tr: Translator, share: float = 0.5) -> go.Figure:
    """The input (channel 0, padded) with what a cell of the second layer reads through the first
    layer: one rectangle per block of input cells (blocks are apart when the stride exceeds the
    kernel). A cell whose window lies in the first layer's padding reads no input at all, and one
    whose field lies in the input's padding reads only zeros: the chart says so."""
    p = r.settings.padding
    X = np.pad(r.X[0], p)
    fig = fig_grid(X, tr("fig_field2", i=r.cell2[0], j=r.cell2[1]), share=share)
    for r0, r1 in _runs(r.field2_rows or ()):
        for c0, c1 in _runs(r.field2_cols or ()):
            fig.add_shape(type="rect", x0=c0 + p - 0.5, x1=c1 + p + 0.5, y0=r0 + p - 0.5, y1=r1 + p + 0.5,
                          line=dict(color=PALETTE[3], width=3))
    if r.field2_note:
        fig.add_annotation(text=wrap(tr("field2_" + r.field2_note), 34), xref="paper", yref="paper", x=0.5, y=0.5,
                           showarrow=False, bgcolor="rgba(255,255,255,0.85)", bordercolor=PALETTE[3],
                           font=dict(color=PALETTE[3]))
    return fig


def fig_size_curve(ns, sizes, r, tr: Translator) -> go.Figure:
    fig = go.Figure(go.Scatter(x=ns, y=sizes, mode="lines+markers", line_shape="hv", name=tr("out_size"),
                               line=dict(color=PALETTE[0])))
    n = r.formula["n_h"]
    if n <= max(ns):
        fig.add_trace(go.Scatter(x=[n], y=[r.formula["o_h"]], mode="markers", name=tr("this_input"),
                                 marker=dict(size=12, color=PALETTE[3], symbol="x")))
    return style(fig, tr("fig_size_curve", k=r.formula["k_h"], p=r.formula["p_h"], s=r.formula["s_h"]),
                 tr("input_size"), tr("out_size"), height=330)


def _short(a: np.ndarray) -> list[list[str]]:
    """A grid's numbers as short text (3 significant digits, inf/NaN named) to write in its cells."""
    return [[fmt(float(v), 3) for v in row] for row in np.asarray(a, dtype=float)]


def fig_one_by_one(d: dict, tr: Translator) -> go.Figure:
    """W (c_out × c_in) applied to the channels of one pixel = the 1×1 convolution's output there."""
    fig = make_subplots(rows=1, cols=3, subplot_titles=(tr("w_1x1"), tr("pixel_vec", i=d["at"][0], j=d["at"][1]),
                                                        tr("dense_out")), column_widths=[0.5, 0.2, 0.3])
    W = d["W"]
    # the numbers written as text: float32 rounded to 2 places still prints 1.5399999618530273
    fig.add_trace(go.Heatmap(z=W, colorscale=DIVERGING, zmid=0, showscale=False, text=_short(W), texttemplate="%{text}"), 1, 1)
    fig.add_trace(go.Heatmap(z=d["pixel"][:, None], colorscale=SEQUENTIAL, showscale=False,
                             text=_short(d["pixel"][:, None]), texttemplate="%{text}"), 1, 2)
    fig.add_trace(go.Heatmap(z=d["dense"][:, None], colorscale=DIVERGING, zmid=0, showscale=False,
                             text=_short(d["dense"][:, None]), texttemplate="%{text}"), 1, 3)
    for c in (1, 2, 3):
        fig.update_yaxes(autorange="reversed", showgrid=False, row=1, col=c)
        fig.update_xaxes(showgrid=False, showticklabels=False, row=1, col=c)
    fig.update_layout(margin=dict(l=40, r=10, t=70, b=20))
    return style(wrap_panel_titles(fig, 0.5), tr("fig_1x1"), height=300)


# ---- learning a kernel ----------------------------------------------------------------------------

def fig_kernel_loss(history: pd.DataFrame, divergence, tr: Translator) -> go.Figure:
    fig = go.Figure(go.Scatter(x=history["step"], y=[v if (math.isfinite(v) and v > 0) else None for v in history["loss"]],
                               mode="lines+markers", name=tr("loss"), line=dict(color=PALETTE[0])))
    if history["distance"].notna().any():
        fig.add_trace(go.Scatter(x=history["step"], y=finite_or_none(history["distance"]), mode="lines+markers",
                                 name=tr("distance"), line=dict(color=PALETTE[1])))
    fig.update_yaxes(type="log", exponentformat="power")
    if divergence is not None:
        mark_divergence(fig, divergence.step, tr("diverged_mark", kind=divergence.kind))
    return style(fig, tr("fig_kernel_loss"), tr("step"), tr("loss_axis"))


# ---- pooling ---------------------------------------------------------------------------------------

def fig_translation(df: pd.DataFrame, shift_by: int, tr: Translator) -> go.Figure:
    fig = go.Figure()
    for layer, colour in (("conv", PALETTE[0]), ("pooled", PALETTE[1])):
        d = df[df["layer"] == layer]
        fig.add_trace(go.Scatter(x=d["shift"], y=d["changed"], mode="lines+markers", name=tr(f"layer.{layer}"),
                                 line=dict(color=colour)))
    fig.add_vline(x=shift_by, line=dict(color="#888", dash="dot"))
    fig.update_yaxes(range=[-0.02, 1.02], tickformat=".0%")
    fig.update_xaxes(tick0=0, dtick=1)                  # whole pixels
    return style(fig, tr("fig_translation"), tr("shift_px"), tr("changed_cells"))


# ---- training curves (LeNet, AlexNet, NiN) ---------------------------------------------------------

def fig_history(history: pd.DataFrame, tr: Translator, divergence: dict | None = None, num_epochs: int | None = None) -> go.Figure:
    fig = make_subplots(rows=1, cols=2, subplot_titles=(tr("test_acc"), tr("train_loss")))
    for model, h in history.groupby("model", sort=False):
        c = MODEL_COLOURS.get(model, PALETTE[5])
        name = tr(f"model.{model}")
        fig.add_trace(go.Scatter(x=h["epoch"], y=finite_or_none(h["test_acc"]), mode="lines+markers", name=name,
                                 line=dict(color=c), legendgroup=model), 1, 1)
        fig.add_trace(go.Scatter(x=h["epoch"], y=finite_or_none(h["train_loss"]), mode="lines+markers", name=name,
                                 line=dict(color=c), legendgroup=model, showlegend=False), 1, 2)
    for model, d in (divergence or {}).items():
        if d is not None:
            mark_divergence(fig, d.epoch, tr("diverged_mark", kind=d.kind), row=1, col=2)
    fig.update_yaxes(range=[0, 1], row=1, col=1)
    if num_epochs:
        fig.update_xaxes(range=[0, num_epochs + 0.2])
    fig.update_xaxes(title_text=tr("epoch"))
    return style(wrap_panel_titles(fig), tr("fig_history"), height=380, share=1)


def fig_feature_maps(maps: list, tr: Translator, max_channels: int = 16) -> go.Figure:
    """Every layer with positions (C×H×W) as a row of small heatmaps, one per channel (CNN Explainer)."""
    layers = [(n, t, a) for n, t, a in maps if a.ndim == 3]
    cols = min(max_channels, max(a.shape[0] for _, _, a in layers))
    fig = make_subplots(rows=len(layers), cols=cols, horizontal_spacing=0.005, vertical_spacing=0.03,
                        row_titles=[f"{t} {'×'.join(map(str, a.shape))}" for _, t, a in layers])
    for i, (_, t, a) in enumerate(layers, 1):
        for c in range(min(cols, a.shape[0])):
            fig.add_trace(go.Heatmap(z=a[c], colorscale=SEQUENTIAL, showscale=False,
                                     hovertemplate=f"{t} ch {c}<br>(%{{y}}, %{{x}}) = %{{z:.3f}}<extra></extra>"), i, c + 1)
    fig.update_yaxes(autorange="reversed", showticklabels=False, showgrid=False, scaleanchor=None)
    fig.update_xaxes(showticklabels=False, showgrid=False)
    fig.update_annotations(font_size=10)
    fig.update_layout(margin=dict(l=10, r=150, t=50, b=10))
    return style(fig, tr("fig_maps"), height=110 * len(layers) + 60)


def fig_unit(inspection, tr: Translator, share: float = 0.6) -> go.Figure:
    """The input image with the window the chosen unit reads (its receptive field), beside the
    unit's own map with the unit marked; ``share``: the part of the page's width it is shown in."""
    layer, i, j = inspection.unit
    name, t, a = inspection.maps[layer]
    fig = make_subplots(rows=1, cols=2, subplot_titles=(tr("unit_field"), tr("unit_map", layer=t, i=i, j=j)))
    fig.add_trace(go.Heatmap(z=inspection.image, colorscale="gray_r", showscale=False), 1, 1)
    fig.add_trace(go.Heatmap(z=a[0], colorscale=SEQUENTIAL, showscale=False), 1, 2)
    if inspection.fields:
        r0, r1, c0, c1 = inspection.fields[-1]
        fig.add_shape(type="rect", x0=c0 - 0.5, x1=c1 + 0.5, y0=r0 - 0.5, y1=r1 + 0.5, line=dict(color=PALETTE[3], width=3), row=1, col=1)
    fig.add_shape(type="rect", x0=j - 0.5, x1=j + 0.5, y0=i - 0.5, y1=i + 0.5, line=dict(color=PALETTE[3], width=3), row=1, col=2)
    fig.update_yaxes(autorange="reversed", showgrid=False, scaleanchor="x")
    fig.update_yaxes(scaleanchor="x2", row=1, col=2)
    fig.update_xaxes(showgrid=False)
    return style(wrap_panel_titles(fig, share), tr("fig_unit"), height=360, share=share)


def fig_first_kernels(K: np.ndarray, tr: Translator, share: float = 0.5) -> go.Figure:
    m = float(np.abs(K).max()) or 1.0
    fig = make_subplots(rows=1, cols=len(K), subplot_titles=[f"{i}" for i in range(len(K))], horizontal_spacing=0.02)
    for i, k in enumerate(K):
        fig.add_trace(go.Heatmap(z=k, colorscale=DIVERGING, zmin=-m, zmax=m, showscale=i == len(K) - 1), 1, i + 1)
    fig.update_yaxes(autorange="reversed", showticklabels=False, showgrid=False)
    fig.update_xaxes(showticklabels=False, showgrid=False)
    return style(fig, tr("fig_kernels1"), height=230, share=share)


def fig_params(tables: dict, tr: Translator) -> go.Figure:
    """Parameters and multiply-adds per layer with weights (log scale), one bar per layer."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=(tr("params"), tr("macs")))
    for model, t in tables.items():
        t = t[t["params"] > 0]
        labels = [f"{row.layer} {row.type}" for row in t.itertuples()]
        c = MODEL_COLOURS.get(model, PALETTE[5])
        fig.add_trace(go.Bar(x=labels, y=t["params"], name=tr(f"model.{model}"), marker_color=c, legendgroup=model), 1, 1)
        fig.add_trace(go.Bar(x=labels, y=t["macs"], name=tr(f"model.{model}"), marker_color=c, legendgroup=model,
                             showlegend=False), 1, 2)
    fig.update_yaxes(type="log", exponentformat="power")
    return style(wrap_panel_titles(fig), tr("fig_params"), height=400, share=1)
