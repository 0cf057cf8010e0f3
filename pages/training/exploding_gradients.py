"""Vanishing and exploding gradients (d2l §5.4, §9.7; DLFS2 §6.1): a scalar chain, deep networks
with four initialisations, BPTT and the LSTM cell. Three Settings, one sidebar section each."""
import streamlit as st

from engine.gradients import bptt as BP, deep_nets as DN, figures as F, matrix_chain as MC, scalar_chain as SC
from engine.gradients.strings_exploding import STRINGS
from engine.numerics import fmt
from pages import _ui as ui


tr = ui.translator(STRINGS)
seed, device = ui.current_seed(), str(ui.current_device())
st.sidebar.subheader(tr("chain_header"))
sc = ui.settings_form(SC.Settings, tr)
st.sidebar.subheader(tr("deep_header"))
dn = ui.settings_form(DN.Settings, tr)
st.sidebar.subheader(tr("bptt_header"))
bp = ui.settings_form(BP.Settings, tr)
ui.header(tr)

# ---- 1 · the scalar chain -----------------------------------------------------------------
# one pass each, no training loop (quick): computed once for everyone, pinned runs beside them
r1 = ui.run_cached(SC.run, sc, tr, seed=seed, device=device, key="chain", quick=True)
st.header(tr("chain_header"))
exact = SC.exact_text(r1.exact)[0]
ui.metrics(r1, [ui.Metric(tr("metric_exact"), lambda r: SC.pretty(r.exact, 6), help=exact),
                ui.Metric(tr("metric_f64"), lambda r: r.float64, digits=6),
                ui.Metric(tr("metric_f32"), lambda r: r.float32, digits=6),
                ui.Metric(tr("metric_log"), lambda r: r.exact_log10, text="{:.6f}".format)])
for dtype, (t, kind) in (("float32", r1.overflow32), ("float64", r1.overflow64)):
    if t is not None:
        if kind == "inf":
            st.error(tr("chain_bad", dtype=dtype, kind=tr("kind_inf"), t=t), icon="💥")
        else:
            st.info(tr("chain_bad", dtype=dtype, kind=tr(f"kind_{kind}"), t=t), icon="🕳️")
ui.plot(F.fig_chain, r1, tr, compare=True)
with st.expander(tr("exact_all", w=sc.w_text, T=sc.T, n=SC.significant_digits(r1.exact))):
    st.code(SC.exact_digits(r1.exact), language=None, wrap_lines=True)
st.caption(tr("book_caption"))
st.table(SC.book_table().rename(columns={"exact": tr("col_exact")}).set_index("w"))
with st.expander(tr("explain"), expanded=True, icon=":material/school:"):
    ui.explanation(tr("chain_explain", w=sc.w_text, T=sc.T, exact=exact, logw=f"{r1.log10_w:.6f}",
                   log=f"{r1.exact_log10:.4f}", f32=fmt(r1.float32, 8), f64=fmt(r1.float64, 12)))

# the book's product of 100 Gaussian 4×4 matrices
st.subheader(tr("matrix_header"))
rm = ui.shared_call(MC.run, seed=seed)
left, right = st.columns([3, 2])
with left:
    ui.plot(MC.fig_matrix_chain, rm, tr)
with right:
    for caption, M in ((tr("matrix_first"), rm.first), (tr("matrix_last", n=MC.NUM_MATRICES), rm.last)):
        st.caption(caption)
        st.dataframe(MC.matrix_frame(M), hide_index=True)
st.markdown(tr("matrix_explain", n=MC.NUM_MATRICES, measured=f"{rm.growth_per_factor:.3f}", last_norm=fmt(float(rm.norms["norm"].iloc[-1]), 3),
               lam=f"{MC.lyapunov_exponent():.4f}", rate=f"{MC.growth_rate():.3f}",
               rate_scaled=f"{MC.growth_rate(var=1 / MC.SIZE):.3f}"))

# ---- 2 · deep networks --------------------------------------------------------------------
st.header(tr("deep_header"))
r2 = ui.run_cached(DN.run, dn, tr, seed=seed, device=device, key="deep", quick=True)
ui.metrics(r2, [ui.Metric(tr("metric_gain"), lambda r: r.gain, help=None if r2.gain is not None else tr("no_closed_form")),
                ui.Metric(tr("metric_var"), lambda r: r.weight_var, help=tr("var_drawn", v=fmt(r2.weight_var_sample))),
                ui.Metric(tr("metric_act_ratio"), lambda r: r.act_ratio),
                ui.Metric(tr("metric_grad_ratio"), lambda r: r.grad_ratio)])
for (layer, kind), what in ((r2.act_bad, tr("act_short")), (r2.grad_bad, tr("grad_short"))):
    if kind in ("inf", "NaN"):
        st.error(tr("deep_bad", what=what, kind=tr(f"kind_{kind}"), layer=layer, L=dn.num_layers,
                    gain=fmt(r2.gain) if r2.gain else "?"), icon="💥")
    elif kind == "0":
        st.info(tr("deep_vanished", what=what, kind=tr("kind_0"), layer=layer), icon="🕳️")
left, right = st.columns([3, 2])
with left:
    ui.plot(F.fig_layer_norms, r2, tr, compare=True)
with right:
    ui.plot(F.fig_weight_grads, r2, tr)
ui.plot(F.fig_histograms, r2, tr)
formula = tr(f"formula.{dn.init}", sigma=fmt(dn.sigma))
explain_args = dict(n=dn.width, var=fmt(r2.weight_var), formula=formula, act=tr(f"activation.{dn.activation}"),
                    L=dn.num_layers, nvar=fmt(dn.width * r2.weight_var))
explain = st.expander(tr("explain"), expanded=True, icon=":material/school:")
if r2.gain is not None:
    with explain:
        ui.explanation(tr("deep_explain_known", c=fmt(DN.GAIN_C[dn.activation]), gain=fmt(r2.gain),
                   total=fmt(r2.total_factor),
                   **explain_args))
else:
    with explain:
        ui.explanation(tr("deep_explain_unknown", **explain_args))

# ---- 3 · BPTT and the LSTM cell -------------------------------------------------------------
st.header(tr("bptt_header"))
r3 = ui.run_cached(BP.run, bp, tr, seed=seed, device=device, key="bptt", quick=True)
ui.metrics(r3, [ui.Metric(tr("metric_sigma"), lambda r: float(r.singular_values[0])),
                ui.Metric(tr("metric_rho"), lambda r: r.spectral_radius),
                ui.Metric(tr("metric_dh_linear"), lambda r: r.steps.iloc[-1]["linear"]),
                ui.Metric(tr("metric_dh_tanh"), lambda r: r.steps.iloc[-1]["tanh"]),
                ui.Metric(tr("metric_cell"), lambda r: r.steps.iloc[-1]["lstm_cell"])])
for key, short in (("linear", "bptt_linear_short"), ("tanh", "bptt_tanh_short"), ("lstm_cell", "bptt_lstm_short")):
    step, kind = r3.bad[key]
    if kind in ("inf", "NaN"):
        st.error(tr("bptt_bad", what=tr(short), kind=tr(f"kind_{kind}"), step=step, s=fmt(bp.sigma_max)), icon="💥")
ui.plot(F.fig_bptt, r3, tr, compare=True)
with st.expander(tr("explain"), expanded=True, icon=":material/school:"):
    ui.explanation(tr("bptt_explain", s=fmt(bp.sigma_max), rho=fmt(r3.spectral_radius, 3),
                   tanh_d=fmt(r3.mean_tanh_derivative, 3), fb=fmt(bp.forget_bias), f=fmt(r3.mean_forget_gate, 3),
                   T=bp.num_steps, cell=fmt(r3.cell_ratio, 3)))

ui.code_from_engine(tr, SC.chain, DN.xavier_uniform, DN.he_normal, DN.forward_backward, BP.recurrent_matrix,
                    BP.bptt_norms, BP.cell_path_norms)
for col, (frame, name) in zip(st.columns(3), ((r1.steps, "scalar_chain"), (r2.layers, "deep_network_layers"),
                                              (r3.steps, "bptt_norms"))):
    with col:
        st.caption(tr(f"csv_{name}"))
        ui.csv_download(frame, tr, name)
ui.share_link(tr)
