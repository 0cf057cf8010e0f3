"""The loss cliff and gradient clipping (d2l §9.5.3; Pascanu et al. 2013): a one-unit RNN trained
twice on the same minibatches, without and with clipping; the loss surface with both paths."""
import streamlit as st

from engine.gradients import clipping as CL, figures as F
from engine.gradients.strings_clipping import STRINGS
from engine.numerics import fmt
from pages import _ui as ui


tr = ui.translator(STRINGS)
st.sidebar.subheader(tr("task_header"))
ui.settings_form(CL.Settings, tr, ["num_steps", "true_w"])
st.sidebar.subheader(tr("train_header"))
s = ui.settings_form(CL.Settings, tr, ["lr", "theta", "num_iters", "batch_size"])
ui.header(tr)

r = ui.run_cached(CL.run, s, tr, seed=ui.current_seed(), device=ui.current_device())
plain, clipped = r.plain, r.clipped
ui.metrics(r, [ui.Metric(tr("metric_plain_loss"), lambda r: r.plain["loss"].iloc[-1], "lower"),
               ui.Metric(tr("metric_clip_loss"), lambda r: r.clipped["loss"].iloc[-1], "lower"),
               ui.Metric(tr("metric_max_norm"), lambda r: r.steepest_plain[1]),
               ui.Metric(tr("metric_clipped_share"), lambda r: r.clipped_share, text="{:.0%}".format)])
if r.divergence_plain:
    d = r.divergence_plain
    cliff, g = r.steepest_plain
    st.error(tr("plain_diverged", step=d.step, kind=d.kind, last=fmt(d.last_finite), cliff=cliff, g=fmt(g),
                g0=fmt(plain["grad_norm"].iloc[1]), move=fmt(r.largest_step_plain), clip_move=fmt(s.lr * s.theta)), icon="💥")
if r.divergence_clipped:
    d = r.divergence_clipped
    st.error(tr("clipped_diverged", step=d.step, kind=d.kind, move=fmt(s.lr * s.theta)), icon="💥")
ui.budget_notice(r.stop_reason, tr, CL.MAX_UNITS)
# each run against predicting the mean of y (0) and the floor 0 (a noiseless teacher of the same form)
for frame, d, name in ((plain, r.divergence_plain, "run_plain"), (clipped, r.divergence_clipped, "run_clipped")):
    ui.verdict(list(frame["loss"]), baseline=r.baseline_loss, floor=r.noise_floor,
               diverged_at=d.step if d else None, settings=s, label=f"**{tr(name)}**")

left, right = st.columns([5, 4])
with left:
    ui.plot(F.fig_surface, r, ui.shared_call(CL.loss_surface, s.true_w, s.num_steps), tr)
with right:
    ui.plot(F.fig_clip_loss, r, tr, compare=True)
    ui.plot(F.fig_clip_norms, r, tr, compare=True)

with st.expander(tr("explain"), expanded=True, icon=":material/school:"):
    ui.explanation(tr("explain_md", T=s.num_steps, w_star=fmt(s.true_w), L105=fmt(r.loss_at(1.05)),
                   L_start=fmt(r.loss_at_start), gap=fmt(1 - s.true_w), step_max=fmt(s.lr * s.theta),
                   share=f"{r.clipped_share:.0%}"))
ui.code_from_engine(tr, CL.ScalarRNN, CL.grad_clipping, CL.train)
ui.csv_download(r.runs(), tr, "gradient_clipping_runs")
ui.share_link(tr)
