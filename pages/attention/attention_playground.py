"""Attention playground (d2l §11.1–11.3): Nadaraya–Watson kernel regression first, as the book enters
attention (kernel, width, weights over the training inputs, the learned width); then Q, K, V (random or
edited) → scores → weights → output."""
import numpy as np
import pandas as pd
import streamlit as st

import engine.attention as A
import engine.attention.nadaraya_watson as NW
import engine.attention.playground as P
from engine.numerics import fmt
from pages import _ui as ui

tr = ui.translator(P.STRINGS, A.NW_STRINGS)
st.sidebar.subheader(tr("nw_sidebar"))
nw = ui.settings_form(NW.Settings, tr)
st.sidebar.subheader(tr("inputs_header"))
ui.settings_form(P.Settings, tr, ["source", "n_queries", "n_keys", "d", "d_v", "std"])
st.sidebar.subheader(tr("scoring_header"))
s = ui.settings_form(P.Settings, tr, ["scale", "temperature", "causal", "valid_len", "num_hiddens"])
ui.header(tr)
seed = ui.current_seed()

# ---- Nadaraya–Watson kernel regression: where the book starts (d2l-en §11.2, d2l-zh 10.2) ----
st.subheader(tr("nw_header"))
st.markdown(tr("nw_intro"))
r = ui.shared_call(NW.run, nw, seed)
kernel_name, width = tr(f"kernel.{nw.kernel}"), f"{nw.width:g}"
c = st.columns(4)
c[0].metric(tr("nw_metric_mse"), fmt(r.mse(r.y_hat), 3))
c[1].metric(tr("nw_metric_learned_mse"), fmt(r.mse(r.learned_y_hat), 3))
c[2].metric(tr("nw_metric_sigma"), fmt(r.learned_width, 3))
covered = r.weights.sum(axis=1)
c[3].metric(tr("nw_metric_rows"), f"{covered[covered > 0].min():.4f} … {covered.max():.4f}" if (covered > 0).any() else "0")
if r.uncovered:
    st.warning(tr("nw_uncovered", n=r.uncovered, total=len(r.x_test), kernel=kernel_name, width=width), icon="🕳️")
if r.divergence:
    d = r.divergence
    st.error(tr("nw_diverged", kind=d.kind, epoch=d.epoch, last=fmt(d.last_finite), lr=fmt(nw.lr)), icon="💥")
ui.plot(A.fig_nw_fit, r, tr, key="nw_fit")
left, right = st.columns(2)
with left:
    ui.plot(A.fig_nw_weights, r.weights, r.x_train, r.x_test, tr("nw_weights_title", kernel=kernel_name, width=width),
            tr, key="nw_weights")
with right:
    ui.plot(A.fig_nw_weights, r.learned_weights, r.x_train, r.x_test,
            tr("nw_learned_weights_title", width=fmt(r.learned_width, 3)), tr, key="nw_learned_weights")
ui.plot(A.fig_nw_training, r.history, tr, r.divergence, key="nw_training")
with st.expander(tr("explain"), expanded=True, icon=":material/school:"):
    verdict = tr("nw_verdict_narrower" if r.learned_width < nw.width else "nw_verdict_wider", width=width)
    st.markdown(tr("nw_explain", width=width, mse=fmt(r.mse(r.y_hat), 3), n=nw.n_train, lr=fmt(nw.lr),
                   epochs=nw.num_epochs, w0=fmt(r.w0, 3), w=fmt(r.w, 3), sigma=fmt(r.learned_width, 3), verdict=verdict))
ui.code_from_engine(tr, NW.nadaraya_watson, NW.NWKernelRegression, NW.train_width)
ui.csv_download(NW.curves_frame(r), tr, "nadaraya_watson", key="csv_nw")
st.divider()
drawn = ui.shared_call(P.random_qkv, s, seed)


def edited_matrix(name: str) -> np.ndarray:
    """A data editor fed with the last edited values (kept in session_state, also across pages);
    a new shape keeps the overlapping cells, the button or a new seed goes back to the draw."""
    shape, last, version = s.shapes[name], f"att_last_{name}", f"att_version_{name}"
    if st.button(tr("redraw"), key=f"att_redraw_{name}") or st.session_state.get(f"att_seed_{name}") != seed:
        st.session_state[last], st.session_state[f"att_seed_{name}"] = None, seed
        st.session_state[version] = st.session_state.get(version, 0) + 1       # a fresh editor, no old edits
    base = P.resize(st.session_state.get(last), shape, drawn[name])
    row, col = {"Q": ("q", "d"), "K": ("k", "d"), "V": ("k", "v")}[name]
    frame = pd.DataFrame(base, columns=[f"{col}{j + 1}" for j in range(shape[1])],
                         index=[f"{row}{i + 1}" for i in range(shape[0])])
    table = st.data_editor(frame, num_rows="fixed",
                           key=f"att_editor_{name}_{st.session_state[version]}")
    M, problems = P.validate_matrix(table, shape)
    if problems:
        lines = [tr(f"cell_{c.kind}", row=c.row, col=c.col, given=c.given.replace("`", "'"), max=fmt(P.MAX_ABS))
                 for c in problems[:8]]
        st.warning(tr("bad_cells", name=name) + "\n\n" + "\n".join(f"- {line}" for line in lines), icon="✏️")
    st.session_state[last] = M
    return M


if s.source == "edited":
    st.caption(tr("editor_caption"))
    tabs = st.tabs(["Q", "K", "V"])
    QKV = {}
    for tab, name in zip(tabs, "QKV"):
        with tab:
            QKV[name] = edited_matrix(name)
else:
    QKV = drawn
p = ui.shared_call(P.attend, s, seed, QKV["Q"], QKV["K"], QKV["V"])

ui.metrics(None, [ui.Metric(tr("metric_max"), fmt(float(p.max_weight.mean()), 3)),
                  ui.Metric(tr("metric_entropy"), fmt(float(p.entropy.mean()), 3)),
                  ui.Metric(tr("metric_uniform"), fmt(float(p.uniform_entropy.mean()), 3), help=tr("metric_uniform_help")),
                  ui.Metric(tr("metric_rows"), ", ".join(f"{x:.3f}" for x in p.row_sums[:4]) + (" …" if len(p.row_sums) > 4 else ""))])

with st.expander(tr("inputs_title"), expanded=s.source == "random"):
    cols = st.columns(3)
    for col, name, (rp, cp) in zip(cols, "QKV", (("q", "d"), ("k", "d"), ("k", "v"))):
        with col:
            ui.plot(A.fig_matrix, getattr(p, name), name, rp, cp, tr, key=f"att_in_{name}")

st.subheader(tr("dot_title") if s.scale else tr("dot_title_unscaled"))
left, mid, right = st.columns([4, 4, 3])
with left:
    ui.plot(A.fig_scores, p.scores, p.mask, tr("scores_title"), tr, key="att_dot_scores")
with mid:
    ui.plot(A.fig_weights, p.weights, tr("weights_title"), tr, key="att_dot_weights")
with right:
    ui.plot(A.fig_matrix, p.output, tr("output_title"), "o", "v", tr, key="att_dot_out")

st.subheader(tr("additive_title"))
left, mid, right = st.columns([4, 4, 3])
with left:
    ui.plot(A.fig_scores, p.additive_scores, p.mask, tr("scores_title"), tr, key="att_add_scores")
with mid:
    ui.plot(A.fig_weights, p.additive_weights, tr("weights_title"), tr, key="att_add_weights")
with right:
    ui.plot(A.fig_matrix, p.additive_output, tr("output_title"), "o", "v", tr, key="att_add_out")


curve = ui.shared_call(P.saturation_curve, s.n_keys, seed, s.temperature)
ui.plot(A.fig_saturation, curve, s.n_keys, s.d, tr, key="att_saturation")
if not s.scale and s.d >= 16:
    st.info(tr("saturated", d=s.d, max=fmt(float(p.max_weight.mean()), 3), jac=fmt(float(p.softmax_jacobian_norm.mean()), 3),
               jac_uniform=fmt(float(p.uniform_jacobian_norm.mean()), 3)), icon="🌡️")

with st.expander(tr("explain"), expanded=True, icon=":material/school:"):
    vec = lambda a: ", ".join(f"{x:.2f}" if np.isfinite(x) else "-\\infty" for x in a)
    s1 = np.where(p.mask[0], p.scores[0], -np.inf)
    if s.effective_valid_len < s.n_keys:
        masks = tr("mask_pad", valid=s.effective_valid_len, causal=tr("causal_note") if s.causal else "")
    else:
        masks = tr("mask_nopad", valid=s.n_keys, causal=tr("mask_nopad_causal") if s.causal else "")
    ui.explanation(tr("explain_md", d=s.d, sqrt_d=fmt(float(np.sqrt(s.d)), 3), T=fmt(s.temperature),
                   noscale="" if s.scale else tr("noscale_note"), s1=vec(s1), masks=masks, w1=vec(p.weights[0]), sum1=f"{p.row_sums[0]:.4f}",
                   o1=vec(p.output[0]), h=s.num_hiddens))
ui.code_from_engine(tr, A.masked_softmax, A.DotProductAttention, A.AdditiveAttention)
ui.csv_download(P.weights_table(p), tr, "attention_weights")
ui.share_link(tr)
