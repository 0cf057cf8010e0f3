"""Weight decay (d2l-zh 4.5; d2l §3.7): the book's high-dimensional linear regression, λ from 0 up, from
scratch and concise."""
import streamlit as st

from engine.generalization import figures as F, weight_decay as W
from engine.generalization.strings_weight_decay import STRINGS
from engine.numerics import fmt
from pages import _ui as ui

tr = ui.translator(STRINGS)
st.sidebar.subheader(tr("model_header"))
ui.settings_form(W.Settings, tr, ["lambd", "impl"])
st.sidebar.subheader(tr("data_header"))
ui.settings_form(W.Settings, tr, ["num_inputs", "n_train"])
st.sidebar.subheader(tr("train_header"))
s = ui.settings_form(W.Settings, tr, ["lr", "batch_size", "num_epochs", "sweep"])
ui.header(tr)

r = ui.run_cached(W.run, s, tr, seed=ui.current_seed(), device=ui.current_device(),
                  live=lambda ev: F.fig_decay_curves(W.history_frame(ev["rows"]), s.lambd, tr))
lam = fmt(s.lambd)
has_zero = bool((r.history["lambd"] == 0).any())
ui.metrics(r, [ui.Metric(tr("metric_train", lam=lam), lambda r: r.final("train_loss"), "lower"),
               ui.Metric(tr("metric_test", lam=lam), lambda r: r.final("test_loss"), "lower"),
               ui.Metric(tr("metric_norm", lam=lam), lambda r: r.final("w_norm")),
               ui.Metric(tr("metric_norm0"), lambda r: r.final("w_norm", 0.0) if (r.history["lambd"] == 0).any() else None)])
for lambd, d in sorted(r.divergence.items())[:1]:
    st.error(tr("diverged", what=f"λ = {fmt(lambd)}", kind=d.kind, epoch=d.epoch, last=fmt(d.last_finite)), icon="💥")
ui.budget_notice(r.stop_reason, tr, f"{W.MAX_UNITS:.2g}")
ui.verdict(list(r.run_of()["train_loss"]), list(r.run_of()["test_loss"]), baseline=r.baseline_loss, floor=r.noise_floor,
           diverged_at=getattr(r.divergence.get(s.lambd), "step", None), settings=s, regularization=r.shrinkage)

left, right = st.columns(2)
with left:
    ui.plot(F.fig_decay_curves, r.history, s.lambd, tr, compare=True)
with right:
    ui.plot(F.fig_decay_lambda, r.by_lambda, s.lambd, tr)

zero = (lambda c: fmt(r.final(c, 0.0))) if has_zero else (lambda c: "—")
with st.expander(tr("explain"), expanded=True, icon=":material/school:"):
    ui.explanation(tr("explain_md", d=s.num_inputs, n=s.n_train, train0=zero("train_loss"), test0=zero("test_loss"),
                      norm0=zero("w_norm"), lam=lam, norm=fmt(r.final("w_norm")), test=fmt(r.final("test_loss")),
                      shrink=fmt(1 - s.lr * s.lambd, 6)))
ui.code_from_engine(tr, W.l2_penalty, W.train_scratch, W.train_concise)
ui.csv_download(r.history, tr, "weight_decay")
ui.share_link(tr)
