"""Momentum, AdaGrad, RMSprop, Adam (d2l §12.6–12.10; Ng 1.5–1.6; Distill): five optimizers raced from
one start on the book's quadratic and on surfaces the student picks, with the eigen-direction view."""
import streamlit as st

from engine.numerics import fmt
from engine.optimization import figures as F, paths as P, rules as R, surfaces as SF
from engine.optimization.strings_surfaces import STRINGS
from pages import _ui as ui

tr = ui.translator(STRINGS)
st.sidebar.subheader(tr("surface_header"))
if ui.settings_form(SF.Settings, tr, ["surface", "kappa", "angle", "num_steps", "custom_start"]).custom_start:
    ui.settings_form(SF.Settings, tr, ["x1_start", "x2_start"])
st.sidebar.subheader(tr("race_header"))
ui.settings_form(SF.Settings, tr, [f"use_{n}" for n in R.NAMES])
st.sidebar.subheader(tr("gd_header"))
ui.settings_form(SF.Settings, tr, ["lr_gd", "lr_momentum", "beta"])
st.sidebar.subheader(tr("adaptive_header"))
s = ui.settings_form(SF.Settings, tr, ["lr_adagrad", "lr_rmsprop", "gamma", "lr_adam", "beta1", "beta2"])
ui.header(tr)

r = ui.run_cached(SF.run, s, tr, seed=0, device=ui.current_device())     # deterministic: one seed
if not s.chosen():
    st.info(tr("none_chosen"), icon="👈")
ui.metrics(r, [ui.Metric(tr("metric_gap", opt=tr(f"opt.{n}")),    # none before the first step (a Stop)
                         lambda r, n=n: float(g.iloc[-1]) if len(g := r.run_of(n)["gap"]) else None, "lower")
               for n in r.raced()])
st.dataframe(F.race_table(r, tr), hide_index=True)
for name in r.raced():
    if r.divergences.get(name) or r.escapes.get(name):
        bad = SF.diverging_direction(r, name)
        why = tr("why_quadratic", i=bad[0], lam=fmt(bad[1], 3), rate=fmt(bad[2], 3)) if bad else tr("why_other")
        st.error(tr("diverged", opt=tr(f"opt.{name}"), status=F.status(r, name, tr), t=s.num_steps,
                    point=P.fmt_point(r.end(name)), why=why), icon="💥")
ui.budget_notice(r.stop_reason, tr, SF.MAX_UNITS)

left, right = st.columns([5, 4])
with left:
    ui.plot(F.fig_race_paths, r, ui.shared_call(SF.surface_grid, r), tr)
with right:
    ui.plot(F.fig_race_gap, r, tr, compare=True)
    if "momentum" in r.raced():
        ui.plot(F.fig_momentum_average, r, tr)
ui.plot(F.fig_race_lr, r, tr)

if r.eigen is not None:
    st.subheader(tr("eigen_header"))
    lam = r.eigen["lam"].tolist()
    eta_gd, best_gd = SF.best_gd(*lam)
    eta_m, beta_m, best_m = SF.best_momentum(*lam)
    g, m = r.eigen["gd_rate"].tolist(), r.eigen["momentum_rate"].tolist()
    st.markdown(tr("eigen_md", l1=fmt(lam[0], 3), l2=fmt(lam[1], 3), kappa=fmt(s.kappa), lr_gd=fmt(s.lr_gd),
                   g1=fmt(g[0], 3), g2=fmt(g[1], 3), lr_m=fmt(s.lr_momentum), beta=fmt(s.beta), m1=fmt(m[0], 3),
                   m2=fmt(m[1], 3), eta_gd=fmt(eta_gd, 3), best_gd=fmt(best_gd, 3), eta_m=fmt(eta_m, 3),
                   beta_m=fmt(beta_m, 3), best_m=fmt(best_m, 3)))
    left, right = st.columns(2)
    with left:
        ui.plot(F.fig_rates, r, tr)
    with right:
        ui.plot(F.fig_components, r, tr)

with st.expander(tr("explain"), expanded=True, icon=":material/school:"):
    k = s.kappa
    ui.explanation(tr("explain_md", kappa=fmt(k), best_gd=fmt((k - 1) / (k + 1), 3),
                   best_m=fmt((k ** 0.5 - 1) / (k ** 0.5 + 1), 3)))
ui.code_from_engine(tr, R.momentum_rule, R.adagrad_rule, R.rmsprop_rule, R.adam_rule, P.descend)
ui.csv_download(r.runs, tr, "optimizer_paths")
ui.share_link(tr)
