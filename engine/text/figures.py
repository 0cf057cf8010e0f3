"""Figures of the text-and-vocabulary lesson, in the shared template (d2l §9.2.5's log–log plot)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from engine.i18n import Translator
from engine.plotting import PALETTE, style
from engine.text.analysis import Analysis, ngram_frame, show_token, zipf_frame


def fig_zipf(a: Analysis, tr: Translator) -> go.Figure:
    """Count against rank of unigrams, bigrams and trigrams on log–log axes, with the unigram fit."""
    df = zipf_frame(a)
    df["series"] = df["n"].map(lambda n: tr(f"ngram.{n}"))
    fig = px.line(df, x="rank", y="count", color="series", markers=True, log_x=True, log_y=True,
                  color_discrete_sequence=PALETTE, labels={"series": tr("series")})
    fig.update_traces(marker=dict(size=4), line=dict(width=2))
    alpha, c, lo, hi = a.fit
    if np.isfinite(alpha):
        ranks = np.geomspace(lo, hi, 30)
        fig.add_trace(go.Scatter(x=ranks, y=np.exp(c) * ranks ** -alpha, mode="lines", name=tr("fit", alpha=alpha),
                                 line=dict(color=PALETTE[7], dash="dash", width=1.5)))
    # start at rank 1 and count 1: no stray minor labels (0.8, 0.9) left of the first point; the ticks
    # are the template's (``plotting.finish``: powers of ten only, no bare '2' and '5' between them)
    fig.update_xaxes(exponentformat="power", range=[-0.05, np.log10(max(2, df["rank"].max())) + 0.05])
    fig.update_yaxes(exponentformat="power", range=[-0.05, np.log10(max(2, df["count"].max())) + 0.1])
    fig = style(fig, tr("zipf_title"), tr("rank_axis"), tr("freq_axis"), height=440)
    return fig


def fig_top(a: Analysis, tr: Translator, top_k: int) -> go.Figure:
    """Bars of the most frequent unigrams, bigrams and trigrams, one panel each."""
    frames = []
    for n in (1, 2, 3):
        df = ngram_frame(a, n, top_k)
        df["series"] = tr(f"ngram.{n}")
        frames.append(df)
    df = pd.concat(frames, ignore_index=True)
    fig = px.bar(df, x="count", y="token", color="series", facet_col="series", orientation="h", facet_col_spacing=0.1,
                 color_discrete_sequence=PALETTE, labels={"series": tr("series"), "token": "", "count": tr("count_axis")})
    fig.update_yaxes(matches=None, showticklabels=True, autorange="reversed", type="category")
    fig.update_xaxes(matches=None)
    fig.for_each_annotation(lambda ann: ann.update(text=ann.text.split("=")[-1]))
    fig.update_layout(showlegend=False)
    return style(fig, tr("top_title", k=top_k), height=max(320, 22 * top_k + 120))


def fig_smoothing(sb, eps: float, tr: Translator, token: str, top_seen: int = 12, top_unseen: int = 6) -> go.Figure:
    """P(x' | x) for the most frequent successors x' of the context and for the most frequent tokens
    never seen after it: the count ratio (ε = 0) beside the Laplace estimate (d2l-en §9.3.1.3).
    Log y: the zeros of the count ratio cannot be drawn there, so each is marked "0" on the axis."""
    t = sb.table
    shown = pd.concat([t[t["seen"]].head(top_seen), t[~t["seen"]].head(top_unseen)])
    sep = "" if token == "char" else " "
    ctx = show_token(str(sb.context))
    labels = [show_token(str(x)) + ("" if seen else " ✗") for x, seen in zip(shown["token"], shown["seen"])]
    fig = go.Figure()
    for col, name, colour in (("p_count", tr("smooth_count", ctx=ctx, sep=sep), PALETTE[7]),
                              ("p_smoothed", tr("smooth_laplace", eps=f"{eps:g}"), PALETTE[0])):
        y = shown[col].to_numpy(dtype=float)
        fig.add_trace(go.Bar(x=labels, y=np.where(y > 0, y, np.nan), name=name, marker_color=colour,
                             hovertemplate="%{x}: %{y:.3g}<extra>" + name + "</extra>"))
    positive = shown[["p_count", "p_smoothed"]].to_numpy(dtype=float)
    positive = positive[positive > 0]
    lo = float(positive.min()) / 3 if positive.size else 1e-6
    zeros = [lab for lab, v in zip(labels, shown["p_count"]) if v == 0]
    if zeros:
        fig.add_trace(go.Scatter(x=zeros, y=[lo * 1.6] * len(zeros), mode="text", text=["0"] * len(zeros),
                                 textfont=dict(color=PALETTE[3], size=15), name=tr("smooth_zero"),
                                 hovertemplate="%{x}: 0<extra></extra>"))
    fig.update_yaxes(type="log", exponentformat="power", range=[np.log10(lo), 0.05])
    fig.update_layout(barmode="group", bargap=0.25)
    fig = style(fig, tr("smooth_title", ctx=ctx), tr("smooth_x_axis", ctx=ctx), tr("smooth_y_axis", ctx=ctx), height=440)
    fig.update_yaxes(automargin=True, title_standoff=12)
    return fig.update_layout(margin=dict(l=80))


def _tint(colour: str, white: float = 0.55) -> str:
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(v + (255 - v) * white):02x}" for v in (r, g, b))


def fig_partition(df: pd.DataFrame, num_tokens: int, tokens: list, tr: Translator) -> go.Figure:
    """Which minibatch reads each of the first positions: one row of the picture per (strategy, row of
    the minibatch), the colour the minibatch, the cell's text the token; blank: never read as input."""
    strategies = ("random", "sequential")
    B = int(df["row"].max()) if len(df) else 1
    Z = np.full((2 * B, num_tokens), np.nan)
    for (strategy, row), part in df.groupby(["strategy", "row"]):
        Z[strategies.index(strategy) * B + row - 1, part["position"].to_numpy()] = part["batch"].to_numpy()
    ylabels = [tr("part_row", strategy=tr(f"part.{s}"), row=r) for s in strategies for r in range(1, B + 1)]
    shown = [show_token(str(t)) for t in tokens[:num_tokens]] + [""] * (num_tokens - len(tokens))
    # one light tint per minibatch (dark text stays readable on every cell), stepped: minibatches are counted
    k = max(1, int(np.nanmax(Z)) if np.isfinite(Z).any() else 1)
    tints = [_tint(PALETTE[(i % (len(PALETTE) - 1))]) for i in range(k)]
    scale = [[i / k if j == 0 else (i + 1) / k, c] for i, c in enumerate(tints) for j in (0, 1)]
    fig = px.imshow(Z, color_continuous_scale=scale, zmin=0.5, zmax=k + 0.5, aspect="auto", x=list(range(num_tokens)),
                    y=list(range(2 * B)), labels=dict(color=tr("part_batch"), x=tr("part_pos_axis")))
    text = [[(shown[j] if num_tokens <= 60 else "") if np.isfinite(Z[i, j]) else "" for j in range(num_tokens)]
            for i in range(2 * B)]
    hover = [[tr("part_hover", pos=j, token=shown[j], batch=("—" if not np.isfinite(Z[i, j]) else int(Z[i, j])))
              for j in range(num_tokens)] for i in range(2 * B)]
    fig.update_traces(text=text, texttemplate="%{text}", customdata=hover, hovertemplate="%{customdata}<extra></extra>")
    fig.update_yaxes(tickvals=list(range(2 * B)), ticktext=ylabels, showgrid=False, automargin=True)
    fig.update_xaxes(showgrid=False)
    if B:
        fig.add_hline(y=B - 0.5, line=dict(color=PALETTE[7], width=2))
    fig.update_layout(coloraxis_colorbar=dict(title=tr("part_batch"), dtick=1))
    return style(fig, tr("part_title", n=num_tokens), tr("part_pos_axis"), None, height=140 + 34 * 2 * B)
