"""Figures of the gradient-descent, weighted-average and 2-D optimizer pages, in the shared template.
Values that left the float range are not drawn (gaps); a dashed line marks the step where a run
became inf/NaN."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from engine.i18n import Translator
from engine.optimization import surfaces as SF
from engine.optimization.paths import finite_rows
from engine.plotting import PALETTE, SEQUENTIAL, finite_or_none, mark_divergence, style

COLOURS = {"gd": PALETTE[0], "momentum": PALETTE[1], "adagrad": PALETTE[2], "rmsprop": PALETTE[3], "adam": PALETTE[4]}


def positive_or_none(values):
    """For log axes: inf, NaN and values ≤ 0 become gaps."""
    return [float(v) if (v is not None and math.isfinite(v) and v > 0) else None for v in values]


def _log_y(fig, **kw):
    fig.update_yaxes(type="log", exponentformat="power", **kw)


def _marks(fig, start, end=None, minimum=None, tr=None):
    for name, p, symbol, colour in ((tr("start"), start, "circle", PALETTE[2]), (tr("end"), end, "x", PALETTE[3]),
                                    (tr("minimum"), minimum, "star", PALETTE[6])):
        if p is not None and all(math.isfinite(v) for v in p):
            fig.add_trace(go.Scatter(x=[p[0]], y=[p[1]], mode="markers", name=name,
                                     marker=dict(symbol=symbol, size=13, color=colour, line=dict(color="black", width=1))))


# ---- gradient descent and the learning rate ---------------------------------------------------------

def fig_1d_path(result, curve, tr: Translator) -> go.Figure:
    """d2l's ``show_trace``: f and the iterates on it."""
    grid, fx = curve
    p = result.path_1d
    p = p[np.isfinite(p["x"]) & (np.abs(p["x"]) <= np.abs(grid).max())]
    fig = go.Figure(go.Scatter(x=grid, y=finite_or_none(fx), mode="lines", name="f(x)", line=dict(color=PALETTE[7], width=1.5)))
    fig.add_trace(go.Scatter(x=p["x"], y=p["f"], mode="lines+markers", name=tr("iterates"),
                             line=dict(color=PALETTE[1], width=1.5), marker=dict(size=7, color=PALETTE[1]),
                             text=[f"t = {t}" for t in p["step"]], hovertemplate="%{text}<br>x = %{x:.6g}<br>f = %{y:.6g}<extra></extra>"))
    if len(p):
        _marks(fig, (p["x"].iloc[0], p["f"].iloc[0]), (p["x"].iloc[-1], p["f"].iloc[-1]), tr=tr)
    return style(fig, tr("path_1d_title", lr=result.settings.lr), "x", "f(x)")


def fig_1d_compare(result, tr: Translator) -> go.Figure:
    """x_t for the book's three η and the chosen one: |x_t| on a log axis for x², f(x_t) for x·cos(cx)."""
    square = result.settings.fn == "square"
    fig = go.Figure()
    for i, (lr, g) in enumerate(result.compare_1d.groupby("lr", sort=True)):
        chosen = bool(g["chosen"].iloc[0])
        y = positive_or_none(g["x"].abs()) if square else finite_or_none(g["f"])
        fig.add_trace(go.Scatter(x=g["step"], y=y, mode="lines+markers", name=f"η = {lr:g}" + (f" ({tr('yours')})" if chosen else ""),
                                 line=dict(width=3 if chosen else 1.5, color=PALETTE[7] if chosen else PALETTE[[0, 2, 3, 4][i % 4]],
                                           dash=None if chosen else "dot"), marker=dict(size=4)))
    if square:
        _log_y(fig)
    d = result.divergence_1d
    if d is not None:
        mark_divergence(fig, d.step, tr("became", kind=d.kind, step=d.step))
    return style(fig, tr("compare_title"), tr("step_axis"), tr("abs_x_axis") if square else "f(xₜ)")


def fig_2d_contour(result, surface, tr: Translator) -> go.Figure:
    """d2l's ``show_trace_2d``: the contours of x₁² + 2x₂² and the path from (−5, −2)."""
    g1, g2, F = surface
    p = finite_rows(result.path_2d)
    p = p[(p["x1"].abs() <= 50) & (p["x2"].abs() <= 50)]
    fig = go.Figure(go.Contour(x=g1, y=g2, z=F, colorscale=SEQUENTIAL, ncontours=20, colorbar=dict(title="f"),
                               hovertemplate="x₁=%{x:.3f}<br>x₂=%{y:.3f}<br>f=%{z:.3g}<extra></extra>"))
    fig.add_trace(go.Scatter(x=p["x1"], y=p["x2"], mode="lines+markers", name=tr("path"),
                             line=dict(color="white", width=2), marker=dict(size=5, color=PALETTE[1])))
    _marks(fig, (-5.0, -2.0), (p["x1"].iloc[-1], p["x2"].iloc[-1]) if len(p) else None, (0.0, 0.0), tr)
    fig.update_xaxes(range=[g1[0], g1[-1]])
    fig.update_yaxes(range=[g2[0], g2[-1]], scaleanchor="x")
    return style(fig, tr("contour_2d_title", lr=result.settings.lr_2d), "x₁", "x₂", height=460)


def fig_2d_components(result, tr: Translator) -> go.Figure:
    """|xᵢ(t)| per eigen-direction, with the theory |xᵢ(0)|·|1 − ηλᵢ|ᵗ."""
    p = result.path_2d
    fig = go.Figure()
    for i, (lam, q) in enumerate(zip((2.0, 4.0), result.factors_2d)):
        col = f"x{i + 1}"
        fig.add_trace(go.Scatter(x=p["step"], y=positive_or_none(p[col].abs()), mode="markers",
                                 name=tr("component", i=i + 1, lam=f"{lam:g}"), marker=dict(size=6, color=PALETTE[i])))
        with np.errstate(all="ignore"):
            theory = abs(p[col].iloc[0]) * np.abs(q) ** p["step"].to_numpy(dtype=float)
        fig.add_trace(go.Scatter(x=p["step"], y=positive_or_none(theory), mode="lines",
                                 name=tr("theory_factor", q=f"{abs(q):.3g}"), line=dict(dash="dot", color=PALETTE[i])))
    _log_y(fig)
    return style(fig, tr("components_title"), tr("step_axis"), tr("abs_component_axis"))


# ---- exponentially weighted averages ------------------------------------------------------------------

def fig_ewa(result, tr: Translator, days: int | None = None) -> go.Figure:
    """The noisy series, the seasonal curve, and the averages (corrected and, for contrast, not)."""
    s, d = result.settings, result.series
    if days is not None:
        d = d[d["day"] <= days]
    fig = go.Figure(go.Scatter(x=d["day"], y=d["theta"], mode="markers", name=tr("data"),
                               marker=dict(size=4, color="#9a9a9a")))
    fig.add_trace(go.Scatter(x=d["day"], y=d["season"], mode="lines", name=tr("season"), line=dict(color=PALETTE[7], width=1, dash="dot")))
    if days is None and len(result.compare):
        for i, (b, g) in enumerate(result.compare.groupby("beta")):
            fig.add_trace(go.Scatter(x=g["day"], y=g["v"], mode="lines", name=f"β = {b:g}", opacity=0.7,
                                     line=dict(width=1.5, color=[PALETTE[6], PALETTE[3], PALETTE[2]][i % 3])))
    fig.add_trace(go.Scatter(x=d["day"], y=d["v"], mode="lines", name=tr("uncorrected", beta=f"{s.beta:g}"),
                             line=dict(width=2.5 if not s.bias_correction else 2, color=PALETTE[0],
                                       dash="dash" if s.bias_correction else None)))
    if s.bias_correction:
        fig.add_trace(go.Scatter(x=d["day"], y=d["v_hat"], mode="lines", name=tr("corrected", beta=f"{s.beta:g}"),
                                 line=dict(width=3, color=PALETTE[1])))
    title = tr("ewa_early_title", days=days) if days is not None else tr("ewa_title")
    return style(fig, title, tr("day_axis"), tr("temp_axis"), height=420)


def fig_weights(result, tr: Translator) -> go.Figure:
    """(1 − β)βᵏ against k, with the window 1/(1 − β) shaded."""
    from engine.optimization.averages import window, window_days, window_mass
    b, w = result.settings.beta, result.weights
    n = window(b)
    inside = w["k"] < window_days(b)
    fig = go.Figure(go.Bar(x=w["k"], y=w["weight"], name=tr("weight"),
                           marker_color=[PALETTE[0] if i else "#b0b0b0" for i in inside]))
    fig.add_vline(x=n, line=dict(color=PALETTE[3], dash="dash"),
                  annotation_text=tr("window_note", n=f"{n:.3g}", mass=f"{window_mass(b):.0%}"),
                  annotation_position="top right", annotation_font_color=PALETTE[3])
    return style(fig, tr("weights_title", beta=f"{b:g}"), tr("days_back_axis"), tr("weight_axis"))


# ---- the 2-D race --------------------------------------------------------------------------------------

def fig_race_paths(result, grid, tr: Translator) -> go.Figure:
    g1, g2, gap = grid
    surf = SF.make_surface(result.settings)
    fig = go.Figure(go.Contour(x=g1, y=g2, z=np.log10(np.maximum(gap, 0) + 1e-3), colorscale=SEQUENTIAL, ncontours=30,
                               colorbar=dict(title=tr("log_gap")), showscale=True,
                               hovertemplate="x₁=%{x:.3f}<br>x₂=%{y:.3f}<br>" + tr("log_gap") + "=%{z:.2f}<extra></extra>"))
    for name in result.raced():
        r = finite_rows(result.run_of(name))
        r = r[(r["x1"].abs() <= 50) & (r["x2"].abs() <= 50)]
        fig.add_trace(go.Scatter(x=r["x1"], y=r["x2"], mode="lines+markers", name=tr(f"opt.{name}"),
                                 line=dict(color=COLOURS[name], width=2), marker=dict(size=4, color=COLOURS[name])))
    _marks(fig, result.start, None, surf.minimum, tr)
    fig.update_xaxes(range=[g1[0], g1[-1]])
    fig.update_yaxes(range=[g2[0], g2[-1]], scaleanchor="x")
    return style(fig, tr("race_paths_title", surface=tr(f"surface.{result.settings.surface}")), "x₁", "x₂", height=520)


def fig_race_gap(result, tr: Translator) -> go.Figure:
    fig = go.Figure()
    for name in result.raced():
        r = result.run_of(name)
        fig.add_trace(go.Scatter(x=r["step"], y=positive_or_none(r["gap"]), mode="lines", name=tr(f"opt.{name}"),
                                 line=dict(color=COLOURS[name], width=2)))
        d = result.divergences.get(name)
        if d is not None:
            mark_divergence(fig, d.step, tr("became_opt", opt=tr(f"opt.{name}"), kind=d.kind, step=d.step))
    _log_y(fig)
    return style(fig, tr("gap_title"), tr("step_axis"), tr("gap_axis"))


def fig_race_lr(result, tr: Translator) -> go.Figure:
    """Each coordinate's effective step size |Δxᵢ| / |gᵢ| over time (η for GD)."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=(tr("coord", i=1), tr("coord", i=2)), shared_yaxes=True)
    for name in result.raced():
        r = result.run_of(name)
        for i in (1, 2):
            fig.add_trace(go.Scatter(x=r["step"], y=positive_or_none(r[f"lr{i}"]), mode="lines", name=tr(f"opt.{name}"),
                                     showlegend=i == 1, legendgroup=name, line=dict(color=COLOURS[name], width=2)), row=1, col=i)
    _log_y(fig)
    fig.update_xaxes(title_text=tr("step_axis"))
    return style(fig, tr("lr_title"), None, tr("lr_axis"), height=400)


def fig_momentum_average(result, tr: Translator) -> go.Figure:
    """Momentum's velocity as an average of past gradients: gᵢ(t) against (1 − β)vᵢ(t), per coordinate."""
    r = result.run_of("momentum").iloc[1:]
    b = result.settings.beta
    fig = make_subplots(rows=1, cols=2, subplot_titles=(tr("coord", i=1), tr("coord", i=2)))
    for i in (1, 2):
        fig.add_trace(go.Scatter(x=r["step"], y=finite_or_none(r[f"g{i}"]), mode="lines+markers", name=tr("gradient"),
                                 showlegend=i == 1, line=dict(color="#9a9a9a", width=1), marker=dict(size=4)), row=1, col=i)
        fig.add_trace(go.Scatter(x=r["step"], y=finite_or_none((1 - b) * r[f"m{i}"]), mode="lines", name=tr("velocity_avg", beta=f"{b:g}"),
                                 showlegend=i == 1, line=dict(color=COLOURS["momentum"], width=2.5)), row=1, col=i)
    fig.update_xaxes(title_text=tr("step_axis"))
    return style(fig, tr("momentum_avg_title"), None, tr("grad_axis"), height=380)


def fig_rates(result, tr: Translator) -> go.Figure:
    """Distill's view: the factor per step along an eigen-direction of curvature λ, GD and momentum,
    with the quadratic's two eigenvalues marked."""
    s, e = result.settings, result.eigen
    lam = np.linspace(0, 1.25 * SF.LAMBDA_MAX, 300)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=lam, y=SF.gd_rate(s.lr_gd, lam), mode="lines", name=tr("rate_gd", lr=f"{s.lr_gd:g}"),
                             line=dict(color=COLOURS["gd"], width=2.5)))
    fig.add_trace(go.Scatter(x=lam, y=SF.momentum_rate(s.lr_momentum, s.beta, lam), mode="lines",
                             name=tr("rate_momentum", lr=f"{s.lr_momentum:g}", beta=f"{s.beta:g}"),
                             line=dict(color=COLOURS["momentum"], width=2.5)))
    fig.add_hline(y=1, line=dict(color=PALETTE[3], dash="dash"), annotation_text=tr("diverges_above"),
                  annotation_position="top left", annotation_font_color=PALETTE[3])
    for _, row in e.iterrows():
        fig.add_vline(x=row["lam"], line=dict(color="#888", dash="dot"),
                      annotation_text=f"λ{int(row['direction'])} = {row['lam']:.3g}", annotation_position="bottom right")
    fig.update_yaxes(range=[0, 2])
    return style(fig, tr("rates_title"), tr("lambda_axis"), tr("rate_axis"))


def fig_components(result, tr: Translator) -> go.Figure:
    """|cᵢ(t)|, each run's component along eigen-direction i, for GD and momentum, with ρᵢᵗ dotted."""
    fig = go.Figure()
    e = result.eigen
    for name, rate_col, dash in (("gd", "gd_rate", None), ("momentum", "momentum_rate", None)):
        if name not in result.raced():
            continue
        c = SF.components(result, name)
        for i in (1, 2):
            colour = COLOURS[name]
            rho = float(e.loc[e["direction"] == i, rate_col].iloc[0])
            fig.add_trace(go.Scatter(x=c["step"], y=positive_or_none(c[f"c{i}"].abs()), mode="lines+markers",
                                     name=tr("comp_run", opt=tr(f"opt.{name}"), i=i), marker=dict(size=4, symbol="circle" if i == 1 else "square"),
                                     line=dict(color=colour, width=2 if i == 2 else 1.2)))
            with np.errstate(all="ignore"):
                theory = abs(c[f"c{i}"].iloc[0]) * rho ** c["step"].to_numpy(dtype=float)
            fig.add_trace(go.Scatter(x=c["step"], y=positive_or_none(theory), mode="lines", showlegend=False,
                                     line=dict(color=colour, dash="dot", width=1), hoverinfo="skip"))
    _log_y(fig)
    return style(fig, tr("eigen_components_title"), tr("step_axis"), tr("abs_component_axis"))


def race_table(result, tr: Translator) -> pd.DataFrame:
    """One row per optimizer: where it ended, f − f_min there, and whether it blew up (when, where)."""
    from engine.numerics import fmt
    from engine.optimization.paths import fmt_point
    rows = []
    for name in result.raced():
        run = result.run_of(name)
        if run.empty:                      # stopped before this optimizer's first step
            continue
        r = run.iloc[-1]
        rows.append({tr("table_opt"): tr(f"opt.{name}"), tr("table_end"): fmt_point((r["x1"], r["x2"])),
                     tr("table_gap"): fmt(float(r["gap"])), tr("table_status"): status(result, name, tr)})
    return pd.DataFrame(rows)


def status(result, name: str, tr: Translator) -> str:
    from engine.numerics import fmt
    d, e = result.divergences.get(name), result.escapes.get(name)
    if d is not None:
        return tr("status_inf", kind=d.kind, step=d.step)
    if e is not None:
        return tr("status_escape", step=e.step, i=e.coord + 1, value=fmt(e.value))
    return tr("status_ok")
