"""One chart style for every lesson: a Plotly template with a colour-blind-safe palette
(Okabe & Ito), labelled axes, and helpers that mark divergence on a chart."""
from __future__ import annotations

import math

import plotly.graph_objects as go
import plotly.io as pio

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
SEQUENTIAL = "cividis"          # perceptually uniform, readable with colour blindness
DIVERGING = "RdBu_r"            # for signed values (weights, gates − 0.5); centre at 0
TEMPLATE = "deepdive"

pio.templates[TEMPLATE] = go.layout.Template(
    layout=go.Layout(
        colorway=PALETTE,
        font=dict(family="Inter, 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif", size=13),
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin=dict(l=60, r=20, t=50, b=95),
        xaxis=dict(showgrid=True, gridcolor="#e5e5e5", zeroline=False, linecolor="#888", ticks="outside"),
        yaxis=dict(showgrid=True, gridcolor="#e5e5e5", zeroline=False, linecolor="#888", ticks="outside"),
        # below the plot: a long legend never covers the title
        # at the very bottom of the figure (container coordinates), under the x-axis title
        legend=dict(orientation="h", yref="container", yanchor="bottom", y=0.0, xanchor="left", x=0),
        coloraxis=dict(colorscale=SEQUENTIAL),
        hovermode="closest",
    )
)


def style(fig: go.Figure, title: str, x: str | None = None, y: str | None = None,
          height: int = 380) -> go.Figure:
    """Apply the shared template, a title and axis labels (with units)."""
    fig.update_layout(template=TEMPLATE, title=dict(text=title, x=0.01), height=height)
    if x is not None:
        fig.update_xaxes(title_text=x)
    if y is not None:
        fig.update_yaxes(title_text=y)
    return fig


def mark_divergence(fig: go.Figure, x: float, label: str, row=None, col=None) -> go.Figure:
    """A vertical line where the first inf/NaN appeared (inf and NaN do not plot by themselves)."""
    kw = {} if row is None else dict(row=row, col=col)
    fig.add_vline(x=x, line=dict(color=PALETTE[3], dash="dash", width=2),
                  annotation_text=label, annotation_position=_label_side(fig, x),
                  annotation_font_color=PALETTE[3], **kw)
    return fig


def _label_side(fig: go.Figure, x: float) -> str:
    """The divergence label on the side of the line with room: to the left, unless the line is in
    the first third of the curves' x range (a run that broke at step 2 would push it into the axis)."""
    given = fig.layout.xaxis.range
    if given is not None and len(given) == 2 and all(isinstance(v, (int, float)) for v in given) and given[1] > given[0]:
        return "top right" if (x - given[0]) < (given[1] - given[0]) / 3 else "top left"
    xs = []
    for trace in fig.data:
        values = getattr(trace, "x", None)
        for v in (() if values is None else values):
            try:
                f = float(v)
            except (TypeError, ValueError):     # categories, dates: no numeric range to judge by
                continue
            if math.isfinite(f):
                xs.append(f)
    if not xs or max(xs) <= min(xs):
        return "top right" if xs and x <= min(xs) else "top left"
    return "top right" if (x - min(xs)) < (max(xs) - min(xs)) / 3 else "top left"


def finite_or_none(values):
    """Plotly draws None as a gap; inf/NaN would break the log axis silently."""
    return [v if (v is not None and math.isfinite(v)) else None for v in values]
