"""One chart style for every lesson: a Plotly template with a colour-blind-safe palette
(Okabe & Ito), labelled axes, and helpers that mark divergence on a chart."""
from __future__ import annotations

import math
import re
import unicodedata

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
        # Minimum margins only: every axis pushes its side's margin to fit its tick labels and its
        # title (automargin), so a wide label (10⁻³⁰⁰, 0.5×10²⁰, a Chinese title) is neither cut nor
        # drawn over by the axis title, at any setting.
        margin=dict(l=10, r=20, t=50, b=10, autoexpand=True),
        # Just above the plot area, pushing the top margin to fit (plotly cuts a title of several
        # lines anchored to the top of the figure); ``finish`` lifts it over panel titles.
        title=dict(x=0.01, xanchor="left", yref="paper", y=1, yanchor="bottom", pad=dict(b=12),
                   automargin=True, font=dict(size=16)),
        xaxis=dict(showgrid=True, gridcolor="#e5e5e5", zeroline=False, linecolor="#888", ticks="outside",
                   automargin=True, title=dict(standoff=8)),
        yaxis=dict(showgrid=True, gridcolor="#e5e5e5", zeroline=False, linecolor="#888", ticks="outside",
                   automargin=True, title=dict(standoff=8)),
        # Below everything, in the figure's own (container) coordinates: plotly reserves that much of
        # the bottom margin for it, on top of what the x axis pushes, so however many rows the legend
        # wraps into at a narrow width it never covers the axis title nor leaves the figure. Figures
        # keep this placement.
        legend=dict(orientation="h", xref="paper", yref="container", yanchor="bottom", y=0.0,
                    xanchor="left", x=0, title=dict(text="")),
        coloraxis=dict(colorscale=SEQUENTIAL),
        hovermode="closest",
    )
)


_SUP = re.compile(r"</?sup>")
TITLE_WIDTH = 48        # display columns (a Chinese character is two) that fit a half-width chart
PAGE_WIDTH = 800        # px across the page's main area (a laptop's browser, the sidebar open): share 1


def columns(share: float, font_size: float = 16) -> int:
    """Display columns of text at ``font_size`` px that fit across a chart shown in ``share`` of the
    page's width (the middle of ``st.columns([2, 1, 2])`` is 1/5; a panel of a subplot grid is its
    domain's part of that). A column is half a Chinese character, about half the font size wide;
    ``columns(0.5) == TITLE_WIDTH``."""
    return max(8, int((share * PAGE_WIDTH - 16) / (font_size / 2)))


def width(text: str) -> int:
    """Display columns of ``text``: East Asian wide characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap(text: str, columns: int = TITLE_WIDTH) -> str:
    """Break a title into lines of at most ``columns`` display columns (plotly never wraps: a long
    title ran off the right edge of a half-width chart). Breaks at spaces, or anywhere in Chinese."""
    if "<br>" in text or width(text) <= columns:
        return text
    lines, line = [], ""
    for token in re.findall(r"\S+\s*|\s+", text):
        pieces = [token] if width(token) <= columns else list(token)
        for piece in pieces:
            if line and width(line + piece.rstrip()) > columns:
                lines.append(line.rstrip())
                line = piece.lstrip()
            else:
                line += piece
    lines.append(line.rstrip())
    return "<br>".join(l for l in lines if l)


def style(fig: go.Figure, title: str, x: str | None = None, y: str | None = None,
          height: int = 380, share: float = 0.5) -> go.Figure:
    """Apply the shared template, a title (wrapped to a chart shown in ``share`` of the page's width)
    and axis labels (with units)."""
    main, _, sub = title.partition("<br>")
    fig.update_layout(template=TEMPLATE, height=height,
                      title=dict(text=wrap(main, columns(share)), x=0.01, subtitle=dict(text=_SUP.sub("", sub))))
    if x is not None:
        fig.update_xaxes(title_text=x)
    if y is not None:
        fig.update_yaxes(title_text=y)
    return fig


def _panel_title(ann) -> bool:
    """A title ``make_subplots`` put over a panel: centred on the panel, standing on its top edge."""
    return (ann.xref == "paper" and ann.yref == "paper" and ann.xanchor == "center" and ann.yanchor == "bottom"
            and not ann.showarrow and ann.textangle in (None, 0) and bool(ann.text))


def wrap_panel_titles(fig: go.Figure, share: float = 1.0) -> go.Figure:
    """Wrap the panel titles of ``make_subplots`` to their panel's width, for a figure shown in
    ``share`` of the page's width: plotly centres a panel title over its panel and never wraps it, so
    a long one (a Chinese one, a narrow panel) ran over its neighbour's or out of the figure."""
    domains = [tuple(ax.domain) for ax in fig.select_xaxes() if ax.domain is not None]
    for ann in fig.layout.annotations:
        if not _panel_title(ann) or ann.x is None:
            continue
        panel = min((hi - lo for lo, hi in domains if lo - 1e-9 <= ann.x <= hi + 1e-9), default=1.0)
        ann.text = wrap(str(ann.text), columns(share * panel, ann.font.size or 16))
    return fig


def mark_divergence(fig: go.Figure, x: float, label: str, row=None, col=None) -> go.Figure:
    """A vertical line where the first inf/NaN appeared (inf and NaN do not plot by themselves);
    its label wrapped short, so it fits beside the line in a half-width chart."""
    kw = {} if row is None else dict(row=row, col=col)
    fig.add_vline(x=x, line=dict(color=PALETTE[3], dash="dash", width=2),
                  annotation_text=wrap(label, 26), annotation_position=_label_side(fig, x),
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


# ---- comparing runs: the current run in colour, pinned runs muted (TensorBoard / W&B style) ----------
PIN_DASHES = ("dash", "dot", "dashdot")
_LINE_TYPES = ("scatter", "scattergl")


def _rgb(colour: str) -> tuple[int, int, int] | None:
    """'#0072B2', '#07b' or 'rgb(0, 114, 178)' / 'rgba(…)' → (r, g, b); None for what we cannot read."""
    c = colour.strip().lower()
    if c.startswith("#") and len(c) in (4, 7):
        h = c[1:] if len(c) == 7 else "".join(ch * 2 for ch in c[1:])
        try:
            return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)
        except ValueError:
            return None
    if c.startswith("rgb"):
        parts = c[c.find("(") + 1:c.rfind(")")].split(",")
        try:
            return tuple(int(float(p)) for p in parts[:3])      # type: ignore[return-value]
        except ValueError:
            return None
    return None


def muted(colour: str | None, amount: float = 0.55) -> str:
    """The colour mixed with white by ``amount`` (a light tint of the same hue); grey when unreadable."""
    rgb = _rgb(colour) if isinstance(colour, str) else None
    if rgb is None:
        return "#a6a6a6"
    r, g, b = (round(v + (255 - v) * amount) for v in rgb)
    return f"#{r:02x}{g:02x}{b:02x}"


def _trace_colour(trace, index: int, colorway) -> str:
    for attr in ("line", "marker"):
        part = getattr(trace, attr, None)
        c = getattr(part, "color", None) if part is not None else None
        if isinstance(c, str):
            return c
    return colorway[index % len(colorway)]


def overlay(current: go.Figure, pinned, current_label: str | None = None) -> go.Figure:
    """A new figure: ``current`` as it is, plus the line and marker traces of each pinned run's figure
    (``pinned``: (figure, label) pairs, built by the same builder), drawn underneath in a light tint
    of the same series' colour and dashed (one dash pattern per pin), named ``"<series> · <label>"``.
    Neither input is changed (both may be shared by every session). Every line trace gets its colour
    written out, so the pinned traces do not shift the colours the palette gives the current ones.
    Fixed axis ranges (an x axis fixed to the number of epochs) widen to cover the pinned runs."""
    colorway = list(current.layout.colorway or PALETTE)
    fig = go.Figure(layout=current.layout)
    mine = []
    for i, t in enumerate(current.data):
        t = t.to_plotly_json()
        if t.get("type", "scatter") in _LINE_TYPES:
            colour = _trace_colour(current.data[i], i, colorway)
            t.setdefault("line", {}).setdefault("color", colour)
            t.setdefault("marker", {}).setdefault("color", colour)
            if current_label and not t.get("name"):
                t["name"] = current_label
        mine.append(t)
    theirs = []
    for k, (pfig, label) in enumerate(pinned):
        for i, t in enumerate(pfig.data):
            if t.type not in _LINE_TYPES:
                continue                              # heatmaps, bars: not overlaid
            colour = muted(_trace_colour(t, i, colorway))
            t = t.to_plotly_json()
            t["line"] = {**t.get("line", {}), "color": colour, "dash": PIN_DASHES[k % len(PIN_DASHES)]}
            t["marker"] = {**{m: v for m, v in t.get("marker", {}).items() if m != "colorscale"}, "color": colour}
            t["name"] = f"{t['name']} · {label}" if t.get("name") else label
            t.update(showlegend=True, legendgroup=f"pin{k}", fill=None, hoverlabel={"namelength": -1})
            theirs.append(t)
        for ax in {"xaxis", "yaxis", *(k for k in current.layout.to_plotly_json() if k[:5] in ("xaxis", "yaxis"))}:
            a, b = _range(fig.layout, ax), _range(pfig.layout, ax)
            if a and b:
                lo, hi = min(a[0], b[0]), max(a[1], b[1])
                fig.layout[ax].range = [lo, hi]
    first_fill = str(mine[0].get("fill") or "") if mine else ""
    # pinned traces go under the current ones, unless the first current trace fills to the one before it
    fig.add_traces(mine + theirs if first_fill.startswith("tonext") else theirs + mine)
    if theirs:
        fig.update_layout(showlegend=True)          # the pinned runs are told apart by their legend
    return fig


def _range(layout, ax: str):
    try:
        r = layout[ax].range
    except (KeyError, ValueError, AttributeError):
        return None
    if r is not None and len(r) == 2 and all(isinstance(v, (int, float)) for v in r):
        return float(r[0]), float(r[1])
    return None


def _axis_values(fig: go.Figure, axis) -> list[float]:
    """The positive, finite values the traces plot against ``axis`` (a layout x- or y-axis), and the
    lines drawn at a value of it (``add_hline``: the noise floor far below the losses widens the
    axis's range as much as a trace would)."""
    letter = axis.plotly_name[0]                                   # 'x' or 'y'
    ref = letter + axis.plotly_name[5:]                            # 'yaxis2' -> 'y2'
    columns = [getattr(trace, letter, None) for trace in fig.data
               if (getattr(trace, f"{letter}axis", None) or letter) == ref]
    columns += [(shape[f"{letter}0"], shape[f"{letter}1"]) for shape in fig.layout.shapes
                if shape[f"{letter}ref"] == ref]
    out: list[float] = []
    for values in columns:
        for v in (() if values is None else values):
            try:
                f = float(v)
            except (TypeError, ValueError):
                continue
            if math.isfinite(f) and f > 0:
                out.append(f)
    return out


def decade_ticks(fig: go.Figure, most: int = 8) -> go.Figure:
    """Label a log axis at powers of ten only (10⁻⁴, 10⁻², 1, …), at most ``most`` of them.

    Left to itself, plotly labels a log axis spanning one to a few decades at 2, 3, 5 between
    the decades with the bare digit ('2' above '1000' meant 2000; the same '3' stood for 30 and
    for 3). An axis spanning less than a decade keeps plotly's full-number labels."""
    for axis in (*fig.select_xaxes(), *fig.select_yaxes()):
        if axis.type != "log" or axis.dtick is not None:
            continue
        given = axis.range
        if given is not None and len(given) == 2 and all(isinstance(v, (int, float)) for v in given):
            lo, hi = sorted(given)
        else:
            values = _axis_values(fig, axis)
            if not values:
                continue
            lo, hi = math.log10(min(values)), math.log10(max(values))
            if hi == lo:
                # one value (every optimizer at the same η, every run at the same examples seen):
                # plotly's autorange shows a decade either side of it, which it labels 10, 2, 5, 100, …
                lo, hi = lo - 1, hi + 1
        span = hi - lo
        if span >= 0.9:
            axis.update(dtick=max(1, math.ceil(span / most)), exponentformat="power", showexponent="all",
                        minor=dict(ticks="outside", ticklen=3, showgrid=False))
        elif axis.tickvals is None:
            # less than a decade: plotly's own choice can be its "D1/D2" labels (a bare '2', '5'); write
            # the numbers out in full at round values inside the range instead
            vals = _round_values(10 ** lo, 10 ** hi)
            if len(vals) >= 2:
                axis.update(tickvals=vals, ticktext=[f"{v:g}" for v in vals])
    return fig


def _round_values(lo: float, hi: float, most: int = 6) -> list[float]:
    """Round numbers (1, 2, 5, then every digit, then halves) between ``lo`` and ``hi`` (> 0), at most
    ``most`` of them, for the ticks of a log axis that spans less than a decade."""
    for mantissas in ((1, 2, 5), (1, 2, 3, 4, 5, 6, 7, 8, 9), tuple(x / 2 for x in range(2, 20))):
        vals = sorted({float(f"{m * 10 ** e:.6g}") for e in range(math.floor(math.log10(lo)) - 1, math.ceil(math.log10(hi)) + 1)
                       for m in mantissas if lo <= m * 10 ** e <= hi})
        if len(vals) >= 3 or mantissas[-1] == 9.5:
            step = max(1, math.ceil(len(vals) / most))
            return vals[::step]
    return []


def _on_top_edge(fig: go.Figure, ann) -> bool:
    """Whether ``ann`` sits on the top edge of the plot area, where the title also sits: a panel title
    of ``make_subplots`` (paper y = 1), or a line's label placed "top" (``add_vline``: y = 1 of the
    domain of an axis that reaches the top)."""
    if ann.y is None or ann.y < 0.98 or ann.yanchor != "bottom" or ann.showarrow or not ann.text:
        return False
    ref = str(ann.yref)
    if ref == "paper":
        return True
    m = re.fullmatch(r"y(\d*) domain", ref)
    if not m:
        return False
    domain = fig.layout["yaxis" + m.group(1)].domain
    return domain is None or domain[1] >= 0.98


def title_over_panels(fig: go.Figure) -> go.Figure:
    """Lift the chart's title above the panel titles of ``make_subplots`` and the labels of lines
    marked at the top (annotations sitting on the top edge of the plot area: a 'chosen' label at the
    left of the x range covered a left-aligned title), by the height of the tallest; the title's
    automargin then pushes the top margin, so neither is cut nor drawn over the other."""
    tallest = 0.0
    for ann in fig.layout.annotations:
        if _on_top_edge(fig, ann):
            lines = str(ann.text).count("<br>") + 1
            tallest = max(tallest, lines * 1.3 * (ann.font.size or 16) + 4)
    if tallest:
        sub = fig.layout.title.subtitle.text
        below = 0.0 if not sub else (str(sub).count("<br>") + 1) * 1.3 * (fig.layout.title.subtitle.font.size or 12) + 4
        fig.update_layout(title_pad_b=12 + tallest + below)     # the subtitle hangs below the pad
    return _multiline_title_pushes(fig)


def _multiline_title_pushes(fig: go.Figure) -> go.Figure:
    """A title of several lines, anchored at its bottom, has its lines lifted above the plot by plotly
    only when it pushes the top margin: under a builder's roomier top margin (``t=90``) its second
    line hung down over the panel titles. The top margin is kept below one line of title plus its
    pad, so the title always pushes it (to exactly what it needs)."""
    text = str(fig.layout.title.text or "")
    if "<br>" not in text:
        return fig
    one_line = (fig.layout.title.font.size or 16) + (fig.layout.title.pad.b or 0)
    if fig.layout.margin.t is None or fig.layout.margin.t > one_line:
        fig.update_layout(margin_t=one_line)
    return fig


def finish(fig: go.Figure) -> go.Figure:
    """What only the finished figure can decide (it depends on the data): called once on every
    figure a page shows (``ui.plot`` and the live chart), after its builder."""
    return title_over_panels(decade_ticks(fig))


def finished(builder, *args, **kwargs) -> go.Figure:
    """``finish(builder(*args, **kwargs))``: one cacheable call for ``ui.plot``."""
    return finish(builder(*args, **kwargs))


CURVE_POINTS = 2000    # the most points a long per-minibatch curve sends (``decimate``): ≈ 2 per pixel column


def decimate(x, y, max_points: int = CURVE_POINTS):
    """A long curve thinned to at most ``max_points`` points without changing what a chart of it
    shows: x is cut into ``max_points // 2`` equal buckets of consecutive points, and each bucket
    keeps its lowest and highest y in their original order (min/max decimation), so every spike,
    the first and the last point stay. A chart a few hundred pixels wide draws no more than two
    points per pixel column anyway. NaN/inf points are kept where they are (a divergence stays on
    the chart). Returns numpy arrays ``(x, y)``; a curve already short enough comes back whole."""
    import numpy as np
    x, y = np.asarray(x), np.asarray(y, dtype=float)
    n = len(y)
    if n <= max_points or max_points < 4:
        return x, y
    finite = np.isfinite(y)
    per_bucket = 2 if finite.all() else 3                            # min, max (and a first inf/NaN)
    buckets = max(1, (max_points - 2) // per_bucket)
    edges = np.linspace(1, n - 1, buckets + 1).astype(int)          # the first and last point apart
    keep = [0]
    for lo, hi in zip(edges[:-1], edges[1:]):
        if hi <= lo:
            continue
        seg = y[lo:hi]
        bad = np.flatnonzero(~finite[lo:hi])
        if len(bad):
            keep.append(lo + int(bad[0]))                            # the first non-finite point of the bucket
        if len(bad) < len(seg):
            vals = np.where(finite[lo:hi], seg, np.nan)
            keep.extend(sorted({lo + int(np.nanargmin(vals)), lo + int(np.nanargmax(vals))}))
    keep.append(n - 1)
    idx = np.unique(np.asarray(keep))
    return x[idx], y[idx]
