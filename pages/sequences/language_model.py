"""Recurrent language model (d2l §8.3–9.3): corpus → RNN/GRU/LSTM → live perplexity → generated text."""
import dataclasses

import math

import streamlit as st

import engine.language_model as L
from engine.language_model.figures import fig_perplexity
from engine.numerics import fmt
from pages import _ui as ui
from pages._ui._corpus import corpus_picker, corpus_preview
from pages._ui._state import url_text_input

tr = ui.translator(L.STRINGS)
corpus = corpus_picker(tr)
st.sidebar.subheader(tr("model_header"))
ui.settings_form(L.Settings, tr, ["model", "impl", "num_layers", "num_hiddens", "dropout", "embedding", "tie_weights"])
st.sidebar.subheader(tr("train_header"))
s = ui.settings_form(L.Settings, tr, ["token", "partition", "batch_size", "num_steps", "lr", "theta", "num_epochs"])
st.sidebar.subheader(tr("gen_header"))
g = ui.settings_form(L.Sampling, tr)
s = dataclasses.replace(s, text_corpus=corpus)
ui.header(tr)
corpus_preview(corpus, tr)

r = ui.run_cached(L.run, s, tr, seed=ui.current_seed(), device=ui.current_device(),
                  live=lambda ev: fig_perplexity(*L.live_frames(ev), tr))

c = st.columns(5)
c[0].metric(tr("metric_heldout"), fmt(r.final_heldout_ppl))
c[1].metric(tr("metric_train"), fmt(r.final_train_ppl))
c[2].metric(tr("metric_speed"), f"{r.tokens_per_s:,.0f}" if r.tokens_per_s == r.tokens_per_s else "—")
c[3].metric(tr("metric_vocab"), f"{r.vocab_size:,}")
c[4].metric(tr("metric_params"), f"{L.num_params(r.net):,}")
for note in r.notes:
    st.info(tr(note, batch=r.batch_size, steps=r.num_steps), icon="ℹ️")
if r.divergence:
    d = r.divergence
    st.error(tr("diverged", kind=d.kind, step=d.step, epoch=d.epoch, last=fmt(d.last_finite), lr=fmt(s.lr),
                theta=fmt(s.theta), move=fmt(s.lr * s.theta)), icon="💥")
elif r.final_heldout_ppl > r.vocab_size and r.final_train_ppl > r.vocab_size:
    # finite, but worse than guessing uniformly: the updates overshoot (divergence without inf/NaN)
    st.error(tr("worse_than_uniform", ppl=fmt(r.final_heldout_ppl), V=r.vocab_size, lr=fmt(s.lr), theta=fmt(s.theta),
                move=fmt(s.lr * s.theta)), icon="💥")
if r.stop_reason == "units":
    st.warning(tr("budget_work", work=fmt(L.MAX_WORK, 2), epochs=fmt(float(r.epochs["epoch"].iloc[-1]), 3)), icon="⏱️")
else:
    ui.budget_notice(r.stop_reason, tr, L.MAX_WORK)
ui.verdict(list(r.epochs["train_ppl"].map(math.log)), list(r.epochs["heldout_ppl"].map(math.log)),
           chance=math.log(r.vocab_size), settings=s)
ui.plot(fig_perplexity, r.batches, r.epochs, tr, r.vocab_size, r.divergence)

st.subheader(tr("samples_header"))
st.caption(tr("samples_caption", prefix=repr(L.join_tokens(r.sample_prefix, s.token, r.lang))))
st.dataframe(r.samples.rename(columns={"epoch": tr("col_epoch"), "text": tr("col_text")}), hide_index=True)

st.subheader(tr("generate_header"))
typed, cut = url_text_input("prefix", tr("prefix"), "lm_prefix", max_chars=L.MAX_TEXT_CHARS,
                            help=tr("prefix_help", max=L.MAX_TEXT_CHARS),
                            placeholder=L.join_tokens(r.sample_prefix, s.token, r.lang))
if cut:
    st.warning(tr("prefix_truncated", max=L.MAX_TEXT_CHARS), icon="✂️")
out = ui.shared_call(L.generate, r, typed, g, seed=ui.current_seed())
if out.used_default:
    st.caption(tr("prefix_default" if not (typed or "").strip() else "prefix_empty_tokens"))
if out.prefix.truncated:
    st.warning(tr("prefix_cut_tokens", max=L.MAX_TEXT_TOKENS), icon="✂️")
if out.prefix.unknown:
    st.info(tr("prefix_unknown", tokens=", ".join(repr(t) for t in out.prefix.unknown[:20])), icon="🔤")
st.code(out.text, language=None, wrap_lines=True)

with st.expander(tr("explain"), expanded=True, icon=":material/school:"):
    first = float(r.epochs["heldout_ppl"].iloc[0])
    st.markdown(tr("explain_md", vocab=r.vocab_size, first=fmt(first), last=fmt(r.final_heldout_ppl),
                   steps=r.num_steps, batch=r.batch_size, lr=fmt(s.lr), theta=fmt(s.theta), move=fmt(s.lr * s.theta),
                   speed=f"{r.tokens_per_s:,.0f}", flops=f"{r.flops_per_token:,.0f}"))
    if s.model == "gru":
        st.info(tr("gru_note"))
cell = {"rnn": L.rnn_cell, "gru": L.gru_cell, "lstm": L.lstm_cell}[s.model]
ui.code_from_engine(tr, *((cell,) if s.impl == "scratch" else (L.RNNModel,)),
                    L.grad_clipping, L.train_epoch_ch8, L.predict_ch8)
ui.csv_download(r.epochs, tr, "language_model_epochs")
ui.share_link(tr)
