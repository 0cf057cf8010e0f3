"""Transformer on toy tasks (d2l §11.5–11.7): a tiny decoder-only model learns copy / reverse / sort
live; per-layer, per-head attention for an input the student types; positional encoding; the block."""
import pandas as pd
import math

import streamlit as st

import engine.transformer as TF
from engine.numerics import fmt
from engine.transformer import toy
from pages import _ui as ui
from pages._ui._state import url_text_input

tr = ui.translator(TF.STRINGS)
st.sidebar.subheader(tr("task_header"))
ui.settings_form(toy.Settings, tr, ["task", "seq_len", "alphabet_size"])
st.sidebar.subheader(tr("model_header"))
ui.settings_form(toy.Settings, tr, ["num_hiddens", "num_heads", "num_layers", "pos_encoding"])
st.sidebar.subheader(tr("train_header"))
s = ui.settings_form(toy.Settings, tr, ["lr", "batch_size", "num_examples", "num_epochs"])
ui.header(tr)

r = ui.run_cached(toy.run, s, tr, seed=ui.current_seed(), device=ui.current_device(),
                  live=lambda ev: TF.fig_toy_curves(toy.epochs_frame(ev["epochs"]), tr))
last = r.epochs.iloc[-1]
c = st.columns(4)
c[0].metric(tr("metric_acc"), f"{last['valid_acc']:.0%}")
c[1].metric(tr("metric_train_acc"), f"{last['train_acc']:.0%}")
c[2].metric(tr("metric_loss"), fmt(last["loss"]))
c[3].metric(tr("metric_params"), f"{r.num_params:,}")
if r.divergence:
    d = r.divergence
    st.error(tr("diverged", kind=d.kind, step=d.step, epoch=d.epoch, last=fmt(d.last_finite), lr=fmt(s.lr)), icon="💥")
ui.budget_notice(r.stop_reason, tr, f"{toy.MAX_UNITS:.0e}")
ui.verdict(list(r.epochs["loss"]), chance=math.log(s.alphabet_size), settings=s)
ui.plot(TF.fig_toy_curves, r.epochs, tr, r.divergence)

st.subheader(tr("try_header"))
input_key = f"transformer_toy_input_{s.seq_len}_{s.alphabet_size}"
typed, _ = url_text_input("input", tr("input_label", k=s.seq_len, alphabet=s.alphabet), input_key, default=r.example,
                          max_chars=40, help=tr("input_help"))
check = ui.shared_call(toy.check_input, typed, s)
if check.problem is not None:
    st.warning(tr(f"input_{check.problem}", k=s.seq_len, alphabet=s.alphabet,
                  n=len(check.text)), icon="⌨️")
    if check.bad_chars:
        st.code(" ".join(check.bad_chars), language=None)
view = ui.shared_call(toy.attention_for, r, check.text if check.problem is None else r.example)
st.dataframe(pd.DataFrame({tr("col_input"): [view.text], tr("col_output"): [view.prediction],
                           tr("col_target"): [view.target]}), hide_index=True)
wrong = sum(a != b for a, b in zip(view.prediction, view.target))
(st.success if view.correct else st.info)(tr("right") if view.correct else tr("wrong", n=wrong, k=s.seq_len))
ui.plot(TF.fig_attention, view.weights, view.tokens, view.query_labels, tr, tr("attention_title"))
st.caption(tr("attention_explain"))

st.subheader(tr("structure_header"))
left, right = st.columns(2)
with left:
    ui.plot(TF.fig_block_diagram, tr, s.num_layers, s.num_heads)
with right:
    P = TF.positional_encoding(max(2 * s.seq_len, 32), s.num_hiddens).numpy()
    ui.plot(TF.fig_positional_encoding, P, tr, used=2 * s.seq_len)
    st.caption(tr("pe_caption"))
    ui.plot(TF.fig_positional_columns, P, tr)

with st.expander(tr("explain"), expanded=True, icon=":material/school:"):
    st.markdown(tr("explain_md", example=" ".join(view.tokens + [view.prediction[-1]]), k=s.seq_len, d=s.num_hiddens,
                   h=s.num_heads, dh=s.num_hiddens // s.num_heads, layers=s.num_layers, params=f"{r.num_params:,}"))
ui.code_from_engine(tr, TF.scaled_dot_product_attention, TF.MultiHeadAttention, TF.DecoderBlock, toy.train_step)
ui.csv_download(r.epochs, tr, f"transformer_{s.task}_epochs")
ui.share_link(tr)
