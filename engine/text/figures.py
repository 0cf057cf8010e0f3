"""Figures of the text-and-vocabulary lesson, in the shared template (d2l §8.3.2's log–log plot)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from engine.i18n import Translator
from engine.plotting import PALETTE, style
from engine.text.analysis import Analysis, ngram_frame, zipf_frame


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
