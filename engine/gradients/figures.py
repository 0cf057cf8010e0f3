"""Figures of the three gradient pages, in the shared template. Values that left the float
range (inf, NaN, or 0 on a log axis) are not drawn; a dashed line marks where they first
appeared, labelled with what they became."""
from __future__ import annotations

import math
import unicodedata

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from engine.i18n import Translator
from engine.plotting import PALETTE, SEQUENTIAL, mark_divergence, style
from engine.gradients.grad_check import THRESHOLDS


def positive_or_none(values):
    """For log axes: inf, NaN and 0 become gaps (None)."""
    return [float(v) if (v is not None and math.isfinite(v) and v > 0) else None for v in values]


def _mark_at(fig, x: float, label: str, x_max: float, colour: str | None = None, flip: bool = False):
    """``mark_divergence``, with its label turned to the side that has room (it writes leftwards,
    which falls off the chart for an early step); ``flip`` turns it the other way (a second label
    at the same x)."""
    mark_divergence(fig, x, label)
    # near the left edge there is no room to turn a label leftwards: both go right, stacked
    if (x < x_max / 2) != flip or x < x_max / 4:
        fig.layout.annotations[-1].xanchor = "left"
    lines = 1 + max((str(a.text).count("<br>") for a in fig.layout.annotations), default=0)
    fig.layout.annotations[-1].yshift = -17 * lines * (len(fig.layout.shapes) - 1)   # stacked, never on top of each other
    if colour is not None:
        fig.layout.shapes[-1].line.color = colour
        fig.layout.annotations[-1].font.color = colour


def _mark(fig, bad, tr: Translator, what: str, unit_key: str, x_max: float):
    at, kind = bad
    if at is not None:
        _mark_at(fig, at, tr("became_at", what=what, kind=kind, unit=tr(unit_key), at=at), x_max)


def _log_y(fig, **kw):
    fig.update_yaxes(type="log", exponentformat="power", **kw)


def _finish(fig, title: str, x: str | None, y: str | None, height: int = 400, legend: bool = True) -> go.Figure:
    """The shared style (its legend sits under the x-axis title), with margins that grow with the
    tick labels (10⁻³⁰⁰ is wide); ``legend=False`` for a chart whose twin beside it has the legend."""
    style(fig, title, x, y, height=height)
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    if not legend:
        fig.update_layout(showlegend=False)
    return fig


def _note_log_y(fig, y: float, text: str, colour: str, x: float = 0.01, xanchor: str = "left"):
    """An annotation at height y on a log y axis: annotations take log₁₀(y) there, shapes take y
    (plotly.py #2580), so ``add_hline(annotation_text=…)`` would put the text far off the chart."""
    fig.add_annotation(x=x, xref="paper", y=math.log10(y), yref="y", text=text, showarrow=False,
                       xanchor=xanchor, yanchor="bottom", font=dict(color=colour, size=11))


# ---- exploding_gradients page ---------------------------------------------------------------

def fig_chain(result, tr: Translator) -> go.Figure:
    """w^t for t = 0…T in float64 and float32, with the book's 1.01^t and 0.99^t for scale."""
    d, w = result.steps, result.settings.w_text
    fig = go.Figure()
    for w_ref, colour in (("1.01", PALETTE[5]), ("0.99", PALETTE[4])):
        if w_ref != w:
            fig.add_trace(go.Scatter(x=d["t"], y=positive_or_none(d[f"ref_{w_ref}"]), mode="lines",
                                     name=f"{w_ref}ᵗ", line=dict(width=1, dash="dot", color=colour)))
    fig.add_trace(go.Scatter(x=d["t"], y=positive_or_none(d["float64"]), mode="lines", name=f"{w}ᵗ · float64",
                             line=dict(width=3, color=PALETTE[0])))
    fig.add_trace(go.Scatter(x=d["t"], y=positive_or_none(d["float32"]), mode="lines", name=f"{w}ᵗ · float32",
                             line=dict(width=2, dash="dash", color=PALETTE[1])))
    _log_y(fig)
    _mark(fig, result.overflow64, tr, "float64", "unit_step", result.settings.T)
    _mark(fig, result.overflow32, tr, "float32", "unit_step", result.settings.T)
    return _finish(fig, tr("chain_title", w=w), tr("t_axis"), tr("power_axis"))


def fig_layer_norms(result, tr: Translator) -> go.Figure:
    """RMS of the activations h_l and of their gradients ∂ℓ/∂h_l, layer by layer (log y)."""
    d = result.layers
    fig = go.Figure()
    series = [("act_rms", tr("act_series"), PALETTE[0], "solid"), ("grad_rms", tr("grad_series"), PALETTE[3], "solid")]
    if result.gain is not None:
        series += [("act_theory", tr("act_theory"), PALETTE[0], "dot"), ("grad_theory", tr("grad_theory"), PALETTE[3], "dot")]
    for col, name, colour, dash in series:
        fig.add_trace(go.Scatter(x=d["layer"], y=positive_or_none(d[col]), name=name,
                                 mode="lines" if dash == "dot" else "lines+markers",
                                 line=dict(color=colour, dash=dash, width=2 if dash == "solid" else 1.5)))
    _log_y(fig)
    L = result.settings.num_layers
    _mark(fig, result.act_bad, tr, tr("act_short"), "unit_layer", L)
    _mark(fig, result.grad_bad, tr, tr("grad_short"), "unit_layer", L)
    return _finish(fig, tr("norms_title"), tr("layer_axis"), tr("rms_axis"))


def _say_if_empty(fig, values, tr: Translator):
    """A chart whose every value is inf/NaN says so in its middle instead of staying blank."""
    if not any(positive_or_none(values)):
        fig.add_annotation(x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False, text=tr("all_nonfinite"),
                           font=dict(color=PALETTE[3], size=15))


def fig_weight_grads(result, tr: Translator) -> go.Figure:
    d = result.layers.iloc[1:]
    fig = go.Figure(go.Bar(x=d["layer"], y=positive_or_none(d["weight_grad_norm"]), marker_color=PALETTE[2],
                           name=tr("wgrad_series")))
    _say_if_empty(fig, d["weight_grad_norm"], tr)
    _log_y(fig)
    _mark(fig, result.weight_grad_bad, tr, tr("wgrad_short"), "unit_layer", result.settings.num_layers)
    return _finish(fig, tr("wgrad_title"), tr("layer_axis"), tr("wgrad_axis"), legend=False)


def fig_histograms(result, tr: Translator) -> go.Figure:
    """Distribution of the activations (top row) and their gradients (bottom row) in a few layers."""
    h = result.hists
    layers = sorted(h["layer"].unique())
    titles = []
    for quantity in ("activation", "gradient"):
        for l in layers:
            bad = h.loc[(h["quantity"] == quantity) & (h["layer"] == l), "nonfinite"].iloc[0]
            titles.append(tr("hist_panel", layer=l) + (f"<br>{bad:.0%} inf/NaN" if bad > 0 else ""))
    fig = make_subplots(rows=2, cols=len(layers), subplot_titles=titles, vertical_spacing=0.2, horizontal_spacing=0.05)
    for r, (quantity, colour) in enumerate((("activation", PALETTE[0]), ("gradient", PALETTE[3])), start=1):
        for c, l in enumerate(layers, start=1):
            d = h[(h["quantity"] == quantity) & (h["layer"] == l)]
            width = float(np.diff(d["x"]).min()) if len(d) > 1 else 1.0
            fig.add_trace(go.Bar(x=d["x"], y=d["fraction"], width=width, marker_color=colour, showlegend=False,
                                 name=tr("act_short" if quantity == "activation" else "grad_short")), row=r, col=c)
            fig.update_xaxes(exponentformat="power", nticks=3, row=r, col=c)
    fig.update_yaxes(title_text=tr("fraction_axis"), row=1, col=1)
    fig.update_yaxes(title_text=tr("fraction_axis"), row=2, col=1)
    fig.update_layout(bargap=0)
    return style(fig, tr("hist_title"), None, None, height=520)


def fig_bptt(result, tr: Translator) -> go.Figure:
    """‖dh‖ after k steps back: Whᵀ only, with tanh′, the σ_max^k bound, and the LSTM cell path."""
    d = result.steps
    fig = go.Figure()
    for col, name, colour, dash in (("theory", tr("bptt_bound", s=result.settings.sigma_max), PALETTE[7], "dot"),
                                    ("linear", tr("bptt_linear"), PALETTE[0], "solid"),
                                    ("tanh", tr("bptt_tanh"), PALETTE[3], "solid"),
                                    ("lstm_cell", tr("bptt_lstm"), PALETTE[2], "dash")):
        fig.add_trace(go.Scatter(x=d["k"], y=positive_or_none(d[col]), name=name, mode="lines",
                                 line=dict(color=colour, dash=dash, width=2.5 if dash == "solid" else 2)))
    _log_y(fig)
    for key, short in (("linear", "bptt_linear_short"), ("tanh", "bptt_tanh_short"), ("lstm_cell", "bptt_lstm_short")):
        _mark(fig, result.bad[key], tr, tr(short), "unit_step", result.settings.num_steps)
    return _finish(fig, tr("bptt_title"), tr("k_axis"), tr("dh_axis"), height=440)


# ---- gradient_clipping page -----------------------------------------------------------------

def fig_surface(result, surface, tr: Translator) -> go.Figure:
    """log₁₀ of the expected loss over (w, u), the wall at |w| > 1, and both training paths."""
    gw, gu, L = surface
    with np.errstate(divide="ignore", invalid="ignore"):
        Z = np.log10(np.where(np.isfinite(L), L, np.nan) + 1e-12)
    fig = go.Figure(go.Contour(x=gw, y=gu, z=Z, colorscale=SEQUENTIAL, ncontours=30,
                               colorbar=dict(title=tr("log_loss")),
                               hovertemplate="w=%{x:.3f}<br>u=%{y:.3f}<br>log₁₀ L=%{z:.2f}<extra></extra>"))
    for frame, name, colour in ((result.plain, tr("run_plain"), PALETTE[1]), (result.clipped, tr("run_clipped"), "white")):
        ok = frame[np.isfinite(frame[["w", "u"]]).all(axis=1)]
        fig.add_trace(go.Scatter(x=ok["w"], y=ok["u"], mode="lines+markers", name=name,
                                 line=dict(color=colour, width=2),
                                 marker=dict(size=5, color=colour, line=dict(color="black", width=0.5))))
    s = result.settings
    fig.add_trace(go.Scatter(x=[s.true_w], y=[1.0], mode="markers", name=tr("teacher"),
                             marker=dict(symbol="star", size=16, color=PALETTE[6], line=dict(color="black", width=1))))
    fig.add_vline(x=1.0, line=dict(color=PALETTE[3], dash="dot"), annotation_text=tr("wall"),
                  annotation_position="top left", annotation_font_color="white")
    fig.update_xaxes(range=[gw[0], gw[-1]])
    fig.update_yaxes(range=[gu[0], gu[-1]])
    return _finish(fig, tr("surface_title", T=s.num_steps), "w", "u", height=560)


def _two_runs(result, column: str, tr: Translator) -> go.Figure:
    fig = go.Figure()
    for frame, d, name, colour in ((result.plain, result.divergence_plain, tr("run_plain"), PALETTE[1]),
                                   (result.clipped, result.divergence_clipped, tr("run_clipped"), PALETTE[0])):
        f = frame[frame["step"] > 0] if column == "grad_norm" else frame
        fig.add_trace(go.Scatter(x=f["step"], y=positive_or_none(f[column]), name=name, mode="lines",
                                 line=dict(color=colour, width=2)))
        if d is not None:
            same = d is result.divergence_clipped and result.divergence_plain is not None \
                and result.divergence_plain.step == d.step
            _mark_at(fig, d.step, tr("run_diverged", run=name, kind=d.kind, step=d.step), result.settings.num_iters,
                     colour, flip=same)
    _log_y(fig)
    fig.update_xaxes(range=[0, result.settings.num_iters])
    return fig


def fig_clip_loss(result, tr: Translator) -> go.Figure:
    return _finish(_two_runs(result, "loss", tr), tr("clip_loss_title"), tr("iter_axis"), tr("loss_axis"), height=340, legend=False)


def fig_clip_norms(result, tr: Translator) -> go.Figure:
    fig = _two_runs(result, "grad_norm", tr)
    theta = result.settings.theta
    fig.add_hline(y=theta, line=dict(color=PALETTE[7], dash="dash"))
    _note_log_y(fig, theta, tr("threshold_line", theta=f"{theta:g}"), PALETTE[7])
    return _finish(fig, tr("clip_norm_title"), tr("iter_axis"), tr("norm_axis"), height=360)


# ---- gradient_checking page -----------------------------------------------------------------

BAND_COLOURS = ("rgba(0,158,115,0.12)", "rgba(86,180,233,0.12)", "rgba(230,159,0,0.15)", "rgba(213,94,0,0.15)")


BAND_NAME_SIZE = 11                     # px: the font of the band names in the right margin


def _text_px(text: str, size: int = BAND_NAME_SIZE) -> float:
    """About how wide ``text`` is drawn: a CJK character is a full em, a Latin one about 0.6 em."""
    return sum(size if unicodedata.east_asian_width(c) in "WF" else 0.62 * size for c in text)


def _bands(fig, lo: float, hi: float, tr: Translator):
    """Shaded bands: fine < 1e-7 ≤ acceptable < 1e-5 ≤ suspicious < 1e-3 ≤ bug. Their names sit in
    the right margin, each beside the middle of its band, where no bar, point or bar label can be
    (inside the plot area the names collided with the bars' values); the margin is made as wide as
    the longest name."""
    edges = [lo, *THRESHOLDS, hi]
    names = []
    for (a, b), colour, key in zip(zip(edges, edges[1:]), BAND_COLOURS, ("fine", "acceptable", "suspicious", "bug")):
        fig.add_hrect(y0=a, y1=b, fillcolor=colour, line_width=0, layer="below")
        names.append(tr(f"verdict.{key}"))
        fig.add_annotation(x=1.0, xref="paper", xanchor="left", xshift=4, y=math.log10(math.sqrt(a * b)), yref="y",
                           yanchor="middle", text=names[-1], showarrow=False,
                           font=dict(color=PALETTE[7], size=BAND_NAME_SIZE))
    fig.update_layout(margin_r=math.ceil(12 + max(_text_px(n) for n in names)))


REL_TOP = 2.0         # log₁₀ of the top of the relative-error axis: 10², two decades above the largest
                      # possible error (1), so a bar's value written above it is never cut


def fig_rel_errors(result, tr: Translator) -> go.Figure:
    p = result.params
    y = [max(v, 1e-16) if math.isfinite(v) else None for v in p["rel_error"]]
    fig = go.Figure(go.Bar(x=p["param"], y=y, marker_color=PALETTE[0], text=[f"{v:.1e}" for v in p["rel_error"]],
                           textposition="outside", cliponaxis=False, name=tr("rel_error")))
    _bands(fig, 1e-16, 10.0 ** REL_TOP, tr)
    _log_y(fig, range=[-16, REL_TOP])
    return _finish(fig, tr("rel_title"), tr("param_axis"), tr("rel_axis"), legend=False)


def fig_entries(result, tr: Translator) -> go.Figure:
    """Every entry: the backward pass's value against the two-sided difference (right = on the diagonal)."""
    e = result.entries
    fig = go.Figure()
    for i, name in enumerate(e["param"].unique()):
        d = e[e["param"] == name]
        fig.add_trace(go.Scatter(x=d["numeric"], y=d["autograd"], mode="markers", name=name,
                                 marker=dict(size=8, color=PALETTE[i]), text=d["index"],
                                 hovertemplate=name + "%{text}<br>numeric %{x:.4g}<br>backward %{y:.4g}<extra></extra>"))
    finite = pd.concat([e["numeric"], e["autograd"]])
    finite = finite[np.isfinite(finite)]
    lo, hi = (float(finite.min()), float(finite.max())) if len(finite) else (-1.0, 1.0)
    fig.add_trace(go.Scatter(x=[lo, hi], y=[lo, hi], mode="lines", name=tr("diagonal"),
                             line=dict(color=PALETTE[7], dash="dot", width=1)))
    return _finish(fig, tr("entries_title"), tr("numeric_axis"), tr("backward_axis"))


def fig_sweep(result, tr: Translator) -> go.Figure:
    d = result.sweep
    fig = go.Figure(go.Scatter(x=d["eps"], y=[max(v, 1e-16) for v in d["rel_error"]], mode="lines+markers",
                               name=tr("sweep_series", dtype=result.settings.dtype), line=dict(color=PALETTE[0], width=2.5)))
    _bands(fig, 1e-16, 10.0, tr)
    eps = result.settings.eps
    fig.add_vline(x=eps, line=dict(color=PALETTE[3], dash="dash"))
    fig.add_annotation(x=math.log10(eps), y=1.0, yref="paper", text=tr("your_eps", eps=f"{eps:g}"), showarrow=False,
                       yanchor="bottom", font=dict(color=PALETTE[3], size=11))
    fig.update_xaxes(type="log", exponentformat="power", autorange="reversed")
    _log_y(fig, range=[-16, 1])
    return _finish(fig, tr("sweep_title"), tr("eps_axis"), tr("rel_axis"), legend=False)


def params_table(result, tr: Translator) -> pd.DataFrame:
    """The per-parameter verdicts with translated headers, for the page (the CSV keeps the raw names)."""
    p = result.params
    return pd.DataFrame({
        tr("col_param"): p["param"], tr("col_shape"): p["shape"],
        tr("col_rel"): [f"{v:.2e}" for v in p["rel_error"]],
        tr("col_verdict"): [tr(f"verdict.{v}") for v in p["verdict"]],
        tr("col_worst"): p["worst_index"], tr("col_backward"): p["autograd"], tr("col_numeric"): p["numeric"],
    })
