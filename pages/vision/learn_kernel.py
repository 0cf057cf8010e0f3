"""Learning a kernel (d2l §7.2.3–7.2.4): the book's edge detector learned by gradient descent, and
other targets learned by a 3×3 kernel."""
import numpy as np
import streamlit as st

from engine.numerics import fmt
from engine.vision import figures as F, learn_kernel as LK
from engine.vision.strings_kernel import STRINGS
from pages import _ui as ui
from pages._ui._data import image_data

tr = ui.translator(STRINGS)
st.sidebar.subheader(tr("target_header"))
ui.settings_form(LK.Settings, tr, ["target", "kernel_shape", "image", "dataset", "image_index"])
st.sidebar.subheader(tr("train_header"))
s = ui.settings_form(LK.Settings, tr, ["lr", "num_steps"])
ui.header(tr)
if s.image == "image":
    image_data(s.dataset)

r = ui.run_cached(LK.run, s, tr, seed=ui.current_seed(), device="cpu", quick=True)
show_k = lambda K: "[" + ", ".join("[" + ", ".join(fmt(float(v), 3) for v in row) + "]" for row in K) + "]"
ui.metrics(r, [ui.Metric(tr("metric_kernel"), lambda r: show_k(r.kernel)),
               ui.Metric(tr("metric_loss"), lambda r: r.final_loss, "lower"),
               ui.Metric(tr("metric_dist"), lambda r: float(r.history["distance"].iloc[-1]) if r.comparable and len(r.history) else None, "lower")])
if r.divergence is not None:
    d = r.divergence
    st.error(tr("diverged_kernel", kind=d.kind, step=d.step, last=fmt(d.last_finite), lr=fmt(s.lr), n=r.Y.size), icon="💥")
if not r.comparable:
    st.info(tr("shape_note", th=r.target.shape[0], tw=r.target.shape[1], kh=r.kernel.shape[0], kw=r.kernel.shape[1]), icon="📐")
ui.budget_notice(r.stop_reason, tr, s.num_steps)
ui.verdict(list(r.history["loss"]), baseline=r.baseline_loss, floor=r.noise_floor,
           diverged_at=r.divergence.step if r.divergence else None, settings=s, floor_kind="best_fit")

ui.plot(F.fig_kernel_loss, r.history, r.divergence, tr, compare=True)
a, b = st.columns(2)
with a:
    ui.plot(F.fig_kernel, r.target, tr("fig_target"))
with b:
    ui.plot(F.fig_kernel, np.nan_to_num(r.kernel, nan=0.0, posinf=0.0, neginf=0.0), tr("fig_learned"))
a, b, c = st.columns(3)
with a:
    ui.plot(F.fig_grid, r.X, tr("fig_X"))
with b:
    ui.plot(F.fig_grid, r.Y, tr("fig_Y"))
with c:
    ui.plot(F.fig_grid, np.nan_to_num(r.Y_hat, nan=0.0, posinf=0.0, neginf=0.0), tr("fig_Yhat"))

with st.expander(tr("explain"), expanded=True, icon=":material/school:"):
    ui.explanation(tr("explain_md", steps=len(r.history), lr=fmt(s.lr), kernel=show_k(r.kernel)))
ui.code_from_engine(tr, LK.train_kernel)
ui.csv_download(r.history, tr, "learned_kernel")
ui.share_link(tr)
