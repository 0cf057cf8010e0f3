"""Figures of the language-model and inside-the-LSTM lessons, in the shared template."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from engine.i18n import Translator
from engine.plotting import DIVERGING, PALETTE, SEQUENTIAL, decimate, finite_or_none, mark_divergence, style

MODEL_COLOURS = {"rnn": PALETTE[3], "gru": PALETTE[2], "lstm": PALETTE[0]}
MODEL_DASH = {"rnn": "solid", "gru": "dash", "lstm": "solid"}
MODEL_SYMBOL = {"rnn": "circle", "gru": "diamond-open", "lstm": "square"}
GATES_01 = ("i", "f", "o", "z", "r")          # sigmoid gates: in (0, 1)


def show_token(token: str) -> str:
    """Spaces and line breaks made visible on an axis."""
    return str(token).replace(" ", "␣").replace("\n", "↵").replace("\t", "⇥")


def fig_perplexity(batches: pd.DataFrame, epochs: pd.DataFrame | None, tr: Translator, vocab_size: int | None = None,
                   divergence=None) -> go.Figure:
    """Perplexity per minibatch (thin), epoch means and held-out perplexity (markers), log y. A long run's
    per-minibatch curve is thinned to ``CURVE_POINTS`` (min/max per bucket: every spike, the ends and a
    divergence stay), so the page and its live chart send kilobytes, not megabytes."""
    fig = go.Figure()
    if len(batches):
        x, loss = decimate(batches["epoch"], batches["loss"])
        fig.add_trace(go.Scatter(x=x, y=finite_or_none(np.exp(np.minimum(loss, 700))),
                                 mode="lines", name=tr("per_batch"), line=dict(width=1, color=PALETTE[5])))
    if epochs is not None and len(epochs):
        e = epochs[epochs["epoch"] > 0]
        fig.add_trace(go.Scatter(x=e["epoch"], y=finite_or_none(e["train_ppl"]), mode="lines+markers",
                                 name=tr("train_epoch"), line=dict(width=2.5, color=PALETTE[0])))
        fig.add_trace(go.Scatter(x=epochs["epoch"], y=finite_or_none(epochs["heldout_ppl"]), mode="lines+markers",
                                 name=tr("heldout"), line=dict(width=2.5, color=PALETTE[1], dash="dash")))
    if vocab_size:      # a trace, not add_hline: on a log axis an annotation's y is read as log10(y)
        x_max = max([1.0] + ([float(batches["epoch"].max())] if len(batches) else []))
        fig.add_trace(go.Scatter(x=[0, x_max], y=[vocab_size, vocab_size], mode="lines", name=tr("uniform"),
                                 line=dict(color=PALETTE[7], dash="dot", width=1), hoverinfo="skip"))
    fig.update_yaxes(type="log")
    if divergence is not None and len(batches):
        x = float(batches.loc[batches["step"] == divergence.step, "epoch"].iloc[0])
        mark_divergence(fig, x, tr("diverged_at", kind=divergence.kind, step=divergence.step))
    return style(fig, tr("ppl_title"), tr("epoch_axis"), tr("ppl_axis"))


def _token_axis(fig: go.Figure, tokens) -> None:
    """Tokens as tick labels, as many as fit: up to 60 characters, fewer (and slanted) for words."""
    labels = [show_token(t) for t in tokens]
    n = len(labels)
    width = sum(len(t) for t in labels) / n + 1 if n else 2       # characters per label, with a gap
    every = max(1, math.ceil(n / min(60, max(8, int(150 / width)))))
    fig.update_xaxes(tickmode="array", tickvals=list(range(0, n, every)), ticktext=labels[::every],
                     tickangle=0 if width <= 2.5 else -45)


def fig_gate_heatmap(matrix: np.ndarray, quantity: str, tokens, tr: Translator, height: int = 300) -> go.Figure:
    """units × time steps of one gate or state (px.imshow): gates on 0…1, the rest centred on 0."""
    if quantity in GATES_01:
        kw = dict(color_continuous_scale=SEQUENTIAL, zmin=0.0, zmax=1.0)
    else:
        m = float(np.nanmax(np.abs(matrix))) if matrix.size else 1.0
        m = m if np.isfinite(m) and m > 0 else 1.0
        kw = dict(color_continuous_scale=DIVERGING, zmin=-m, zmax=m)
    fig = px.imshow(matrix, aspect="auto", origin="lower", labels=dict(x=tr("step_axis"), y=tr("unit_axis"), color=quantity), **kw)
    _token_axis(fig, tokens)
    fig.update_layout(coloraxis_colorbar=dict(thickness=12, len=0.9))
    return style(fig, tr(f"q.{quantity}"), tr("token_axis"), tr("unit_axis"), height=height)


def fig_unit(traces: pd.DataFrame, unit: int, tokens, tr: Translator, layer: int = 0) -> go.Figure:
    """One unit followed along the text: every gate and state of that unit, step by step."""
    t = traces[(traces["unit"] == unit) & (traces["layer"] == layer)]
    fig = go.Figure()
    for k, (q, part) in enumerate(t.groupby("quantity", sort=False)):
        fig.add_trace(go.Scatter(x=part["step"], y=part["value"], mode="lines+markers", name=tr(f"q.{q}"),
                                 marker=dict(size=4), line=dict(color=PALETTE[k % len(PALETTE)],
                                                                width=3 if q in ("c", "h") else 1.5)))
    _token_axis(fig, tokens)
    return style(fig, tr("unit_title", unit=unit), tr("token_axis"), tr("value_axis"), height=360)


def fig_unit_text(traces: pd.DataFrame, unit: int, quantity: str, tokens, tr: Translator, layer: int = 0,
                  width: int = 40) -> go.Figure:
    """The text itself, each token coloured by the unit's value (rows of ``width`` tokens)."""
    t = traces[(traces["unit"] == unit) & (traces["layer"] == layer) & (traces["quantity"] == quantity)]
    values = t.sort_values("step")["value"].to_numpy()
    n = len(values)
    rows = max(1, -(-n // width))
    grid = np.full((rows, width), np.nan)
    text = np.full((rows, width), "", dtype=object)
    grid.flat[:n] = values
    text.flat[:n] = [show_token(x) for x in tokens[:n]]
    if quantity in GATES_01:
        kw = dict(color_continuous_scale=SEQUENTIAL, zmin=0.0, zmax=1.0)
    else:
        m = float(np.nanmax(np.abs(values))) if n else 1.0
        m = m if np.isfinite(m) and m > 0 else 1.0
        kw = dict(color_continuous_scale=DIVERGING, zmin=-m, zmax=m)
    fig = px.imshow(grid, aspect="auto", **kw)
    fig.update_traces(text=text, texttemplate="%{text}", hovertemplate="%{text}: %{z:.3f}<extra></extra>",
                      xgap=1, ygap=1)
    fig.update_coloraxes(showscale=False)
    fig.update_yaxes(showticklabels=False, showgrid=False, ticks="")
    fig.update_xaxes(showticklabels=False, showgrid=False, ticks="")
    fig = style(fig, tr("unit_text_title", unit=unit, q=tr(f"q.{quantity}")), height=ROW_TOP + ROW_PX * rows)
    # no axes and no legend here: the template's bottom margin (room for a legend) would squeeze
    # the rows of text to a few pixels
    return fig.update_layout(margin=dict(l=10, r=10, t=ROW_TOP - 10, b=10))


ROW_PX, ROW_TOP = 34, 60       # a row of text (px) and the room for the title above


def fig_grad_flow(grad_flow: pd.DataFrame, tr: Translator) -> go.Figure:
    """‖∂ℓ/∂H_t‖ / ‖∂ℓ/∂H_T‖ against how many steps before the loss t is: RNN, GRU, LSTM; before and after training."""
    fig = go.Figure()
    for (model, stage), part in grad_flow.groupby(["model", "stage"], sort=False):
        part = part.sort_values("steps_back")
        fig.add_trace(go.Scatter(x=part["steps_back"], y=finite_or_none(part["relative"].clip(lower=1e-30)),
                                 mode="lines", name=f"{model.upper()} · {tr(f'stage.{stage}')}",
                                 line=dict(color=MODEL_COLOURS[model], width=2.5 if stage == "trained" else 1.5,
                                           dash="solid" if stage == "trained" else "dot")))
    fig.update_yaxes(type="log", exponentformat="power")
    return style(fig, tr("flow_title"), tr("steps_back_axis"), tr("grad_axis"))


def fig_long_range(accuracy: pd.DataFrame, max_distance: int, tr: Translator) -> go.Figure:
    """Accuracy on the recall task against the distance to remember; chance = 1/10."""
    fig = go.Figure()
    for model, part in accuracy.groupby("model", sort=False):      # dashes and markers: overlapping lines stay visible
        fig.add_trace(go.Scatter(x=part["distance"], y=part["accuracy"], mode="lines+markers", name=model.upper(),
                                 line=dict(color=MODEL_COLOURS[model], width=2.5, dash=MODEL_DASH[model]),
                                 marker=dict(symbol=MODEL_SYMBOL[model], size=8)))
    fig.add_hline(y=0.1, line=dict(color=PALETTE[7], dash="dot", width=1), annotation_text=tr("chance"),
                  annotation_position="bottom right")
    fig.add_vline(x=max_distance, line=dict(color=PALETTE[7], dash="dash", width=1),
                  annotation_text=tr("trained_up_to"), annotation_position="bottom left")
    fig.update_yaxes(range=[0, 1.05], tickformat=".0%")
    return style(fig, tr("long_title"), tr("distance_axis"), tr("accuracy_axis"))


def fig_recall_loss(losses: pd.DataFrame, tr: Translator) -> go.Figure:
    """Training loss of the three models on the recall task (the live chart)."""
    fig = go.Figure()
    for model, part in losses.groupby("model", sort=False):
        fig.add_trace(go.Scatter(x=part["update"], y=part["loss"], mode="lines", name=model.upper(),
                                 line=dict(color=MODEL_COLOURS[model], width=1.5)))
    return style(fig, tr("recall_loss_title"), tr("update_axis"), tr("loss_axis"))
