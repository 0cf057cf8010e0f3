"""Recurrent language model (d2l §9.3–10.3): corpus → RNN/GRU/LSTM → live perplexity → generated text."""
import dataclasses

import streamlit as st

import engine.language_model as L
from engine.language_model.figures import fig_perplexity
from engine.numerics import fmt
from engine.sections import cite
from engine.text import CorpusSettings
from pages import _ui as ui
from pages._ui._corpus import corpus_choice, corpus_label, corpus_picker, corpus_preview
from pages._ui._state import url_text_input


def book_preset() -> None:
    """The book's run for the chosen cell, one click: its settings and The Time Machine, widgets and URL."""
    ui.apply_settings(L.Settings, L.BOOK_RUN)
    ui.apply_settings(CorpusSettings, {"corpus": "time_machine"})


tr = ui.translator(L.STRINGS)
corpus = corpus_picker(tr)
st.sidebar.subheader(tr("model_header"))
ui.settings_form(L.Settings, tr, ["model", "impl", "num_layers", "num_hiddens", "dropout", "embedding", "tie_weights"])
st.sidebar.subheader(tr("train_header"))
s = ui.settings_form(L.Settings, tr, ["token", "max_tokens", "partition", "batch_size", "num_steps", "lr", "theta", "num_epochs"])
st.sidebar.subheader(tr("gen_header"))
g = ui.settings_form(L.Sampling, tr)
s = dataclasses.replace(s, text_corpus=corpus)
ui.header(tr)
book = dict(model=tr(f"model.{s.model}"), section=cite(L.BOOK_SECTION[s.model], tr.lang), book=f"{L.BOOK_PERPLEXITY[s.model]:.1f}")
st.button(tr("book_button", **book), on_click=book_preset, icon=":material/menu_book:", help=tr("book_button_help"))
corpus_preview(corpus, tr)

r = ui.run_cached(L.run, s, tr, seed=ui.current_seed(), device=ui.current_device(),
                  live=lambda ev: fig_perplexity(*L.live_frames(ev), tr))

ui.metrics(r, [ui.Metric(tr("metric_heldout"), lambda r: r.final_heldout_ppl, "lower"),
               ui.Metric(tr("metric_train"), lambda r: r.final_train_ppl, "lower"),
               ui.Metric(tr("metric_speed"), lambda r: r.tokens_per_s if r.tokens_per_s == r.tokens_per_s else None,
                         text="{:,.0f}".format),
               ui.Metric(tr("metric_vocab"), lambda r: r.vocab_size, text="{:,}".format),
               ui.Metric(tr("metric_params"), lambda r: L.num_params(r.net), text="{:,}".format)])
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
epochs_done = fmt(float(r.epochs["epoch"].iloc[-1]), 3)
is_book = L.is_book_run(s)
if is_book and corpus_choice() == "time_machine" and corpus.source != "time_machine":
    st.warning(tr("book_offline", corpus=corpus_label(corpus, tr), **book), icon="📡")
elif is_book and corpus.source == "time_machine" and r.stop_reason in (None, "units"):
    done = dict(epochs=epochs_done, train=fmt(r.final_train_ppl), held=fmt(r.final_heldout_ppl), **book)
    if r.stop_reason == "units":
        st.warning(tr("book_budget", seconds=L.BOOK_CPU_SECONDS[s.model], **done), icon="📖")
    else:
        st.success(tr("book_done", **done), icon="📖")
if r.stop_reason == "units" and not (is_book and corpus.source == "time_machine"):
    st.warning(tr("budget_work", work=fmt(L.MAX_WORK, 2), epochs=epochs_done), icon="⏱️")
elif r.stop_reason != "units":
    ui.budget_notice(r.stop_reason, tr, L.MAX_WORK)
ui.plot(fig_perplexity, r.batches, r.epochs, tr, r.vocab_size, r.divergence, compare=True)

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
    ui.explanation(tr("explain_md", vocab=r.vocab_size, first=fmt(first), last=fmt(r.final_heldout_ppl),
                   steps=r.num_steps, batch=r.batch_size, lr=fmt(s.lr), theta=fmt(s.theta), move=fmt(s.lr * s.theta),
                   speed=f"{r.tokens_per_s:,.0f}", flops=f"{r.flops_per_token:,.0f}"))
    if s.model == "gru":
        st.info(tr("gru_note"))
cell = {"rnn": L.rnn_cell, "gru": L.gru_cell, "lstm": L.lstm_cell}[s.model]
ui.code_from_engine(tr, *((cell,) if s.impl == "scratch" else (L.RNNModel,)),
                    L.grad_clipping, L.train_epoch_ch8, L.predict_ch8)
ui.csv_download(r.epochs, tr, "language_model_epochs")
ui.share_link(tr)
