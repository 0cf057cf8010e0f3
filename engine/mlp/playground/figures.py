"""Figures of the playground: the decision boundary over the points (live, and replayable
frame by frame) and the train/test loss curves."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from engine.i18n import Translator
from engine.plotting import PALETTE, finite_or_none, mark_divergence, style

CLASS_COLOURS = (PALETTE[1], PALETTE[0])          # class 0 orange, class 1 blue (Okabe–Ito)
PROB_SCALE = [[0.0, PALETTE[1]], [0.5, "#ffffff"], [1.0, PALETTE[0]]]


def _heatmap(gx, gy, probs, tr: Translator) -> go.Heatmap:
    return go.Heatmap(x=gx, y=gy, z=probs, zmin=0, zmax=1, colorscale=PROB_SCALE, opacity=0.75, showlegend=False,
                      colorbar=dict(title=tr("prob_axis")), hovertemplate="x₁=%{x:.2f}<br>x₂=%{y:.2f}<br>P(y=1)=%{z:.2f}<extra></extra>")


def _levels(probs) -> np.ndarray:
    """P(y=1) in 255ths as bytes, for the contour only (it draws the 0.5 line and shows no values):
    a quarter of float32's bytes, and the line moves by at most 1/510 of P between grid points,
    less than a pixel where it crosses."""
    return np.rint(np.clip(np.nan_to_num(np.asarray(probs, dtype=np.float32), nan=0.5), 0, 1) * 255).astype(np.uint8)


def _contour(gx, gy, probs) -> go.Contour:
    return go.Contour(x=gx, y=gy, z=_levels(probs), contours=dict(start=127.5, end=127.5, size=1, coloring="none"),
                      line=dict(color=PALETTE[7], width=2), showscale=False, showlegend=False, hoverinfo="skip")


def _points(X, y, tr: Translator, test: bool) -> list[go.Scatter]:
    out = []
    for c in (0, 1):
        pts = X[y == c]
        name = tr("test_class" if test else "train_class", c=c)
        # both in the class's colour (white test rings buried the classes when most points were
        # held out); the shape and the outline tell train from test
        marker = dict(color=CLASS_COLOURS[c], size=7 if test else 6, symbol="diamond" if test else "circle",
                      line=dict(color="#333" if test else "white", width=0.8 if test else 0.6))
        out.append(go.Scatter(x=pts[:, 0], y=pts[:, 1], mode="markers", name=name, marker=marker))
    return out


def _finish(fig: go.Figure, gx, gy, title: str, tr: Translator) -> go.Figure:
    fig.update_xaxes(range=[float(gx[0]), float(gx[-1])], constrain="domain")
    fig.update_yaxes(range=[float(gy[0]), float(gy[-1])], scaleanchor="x", constrain="domain")
    return style(fig, title, "x₁", "x₂", height=540)


def fig_boundary_live(event: dict, tr: Translator) -> go.Figure:
    """The boundary at the latest snapshot, drawn while the network trains."""
    step, probs = event["frame"]
    gx, gy = event["grid_x"], event["grid_y"]
    fig = go.Figure([_heatmap(gx, gy, probs, tr), _contour(gx, gy, probs),
                     *_points(event["X_train"], event["y_train"], tr, test=False)])
    return _finish(fig, gx, gy, tr("boundary_live_title", step=step), tr)


def fig_boundary(result, tr: Translator) -> go.Figure:
    """The final boundary over train and test points, with a slider that replays every
    recorded snapshot (a diverged run's NaN snapshots are left out)."""
    frames = [(step, p) for step, p in result.frames if np.isfinite(p).all()]
    gx, gy = result.grid_x, result.grid_y
    step, probs = frames[-1]
    fig = go.Figure([_heatmap(gx, gy, probs, tr), _contour(gx, gy, probs),
                     *_points(result.X_train, result.y_train, tr, test=False),
                     *_points(result.X_test, result.y_test, tr, test=True)])
    # a frame carries only what changes (the two z grids): Plotly's animate merges it into the traces,
    # which keep their axes, colours and hover text (half the page's bytes; see benchmarks/app.py)
    fig.frames = [go.Frame(data=[go.Heatmap(z=p), go.Contour(z=_levels(p))], traces=[0, 1], name=str(k))
                  for k, p in frames]
    fig.update_layout(sliders=[dict(
        active=len(frames) - 1, currentvalue=dict(prefix=tr("step_prefix")), pad=dict(t=40),
        steps=[dict(method="animate", label=str(k),
                    args=[[str(k)], dict(mode="immediate", frame=dict(duration=0, redraw=True), transition=dict(duration=0))])
               for k, _ in frames])])
    return _finish(fig, gx, gy, tr("boundary_title", step=step), tr)


def fig_losses(curve: pd.DataFrame, tr: Translator, divergence=None) -> go.Figure:
    """Train and test loss (whole sets, evaluation mode) at each snapshot, log scale."""
    fig = go.Figure()
    for col, name, colour in (("train_loss", tr("train"), PALETTE[0]), ("test_loss", tr("test"), PALETTE[3])):
        fig.add_trace(go.Scatter(x=curve["epoch"], y=finite_or_none(curve[col]), mode="lines+markers",
                                 name=name, line=dict(color=colour, width=2.5), marker=dict(size=4)))
    fig.update_yaxes(type="log", exponentformat="power")
    if divergence is not None:
        mark_divergence(fig, float(curve["epoch"].iloc[-1]), tr("diverged_at", kind=divergence.kind, step=divergence.step))
    return style(fig, tr("loss_title"), tr("epoch_axis"), tr("loss_axis"))


def fig_accuracy(curve: pd.DataFrame, tr: Translator) -> go.Figure:
    fig = go.Figure()
    for col, name, colour in (("train_acc", tr("train"), PALETTE[0]), ("test_acc", tr("test"), PALETTE[3])):
        fig.add_trace(go.Scatter(x=curve["epoch"], y=curve[col], mode="lines+markers", name=name,
                                 line=dict(color=colour, width=2.5), marker=dict(size=4)))
    fig.update_yaxes(range=[0, 1.02])
    return style(fig, tr("acc_title"), tr("epoch_axis"), tr("acc_axis"))
