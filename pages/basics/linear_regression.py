"""Linear regression (d2l §3.4–3.5): widgets → Settings → cached run → charts."""
import streamlit as st

import engine.linear_regression as L
from engine.numerics import fmt, fmt_tex
from pages import _ui as ui

tr = ui.translator(L.STRINGS)
st.sidebar.subheader(tr("data_header"))
data = ui.settings_form(L.Settings, tr, ["num_examples", "noise", "true_w1", "true_w2", "true_b"])
st.sidebar.subheader(tr("train_header"))
s = ui.settings_form(L.Settings, tr, ["impl", "lr", "batch_size", "num_epochs"])
ui.header(tr)

r = ui.run_cached(L.run, s, tr, seed=ui.current_seed(), device=ui.current_device(),
                  live=lambda ev: L.fig_loss(L.batches_frame(ev["batches"]), None, tr))

ui.metrics(r, [ui.Metric(tr("metric_loss"), lambda r: r.final_loss, "lower"),
               ui.Metric(tr("metric_w1_err"), lambda r: r.w_error[0], digits=2),
               ui.Metric(tr("metric_w2_err"), lambda r: r.w_error[1], digits=2),
               ui.Metric(tr("metric_b_err"), lambda r: r.b_error, digits=2),
               ui.Metric(tr("metric_lr_crit"), lambda r: r.lr_critical, digits=3,
                         help=tr("metric_lr_crit_help", every=fmt(r.lr_every_batch, 3)))])
if r.divergence:
    d = r.divergence
    st.error(tr(f"diverged.{r.divergence_reason}", kind=d.kind, step=d.step, epoch=d.epoch, last=fmt(d.last_finite),
                crit=fmt(r.lr_critical, 3), lr=fmt(s.lr), batch=s.batch_size, two_over_lr=fmt(2 / s.lr, 3),
                every=fmt(r.lr_every_batch, 3)), icon="💥")
ui.budget_notice(r.stop_reason, tr, L.MAX_STEPS)
# stuck near the baseline (predicting the mean of y), still improving, or at the noise floor σ²/2
ui.verdict(list(r.epochs["loss"]), baseline=r.baseline_loss, floor=r.noise_floor,
           diverged_at=r.divergence.step if r.divergence else None, settings=s)

ui.plot(L.fig_loss, r.batches, r.epochs, tr, r.divergence, compare=True)
left, right = st.columns(2)
with left:
    ui.plot(L.fig_contour(r, tr, L.loss_surface(r)))
with right:
    ui.plot(L.fig_fit, r, tr)
ui.plot(L.fig_params, r, tr)
ui.table(L.params_table(r, tr))

with st.expander(tr("explain"), expanded=True, icon=":material/school:"):
    batch = min(s.batch_size, s.num_examples)       # a minibatch cannot hold more than the data
    ui.explanation(tr("explain_md", noise=fmt(s.noise), lr=fmt_tex(s.lr), batch=batch,
                   step=fmt_tex(s.lr / batch), steps=s.total_steps))
    if s.impl == "concise":
        st.info(tr("half_note"))
ui.code_from_engine(tr, *((L.linreg, L.squared_loss, L.sgd, L.step_scratch) if s.impl == "scratch"
                          else (L.HalfMSELoss, L.step_concise)))
ui.csv_download(r.batches, tr, "linear_regression_steps")
ui.share_link(tr)
