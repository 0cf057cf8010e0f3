"""Character-level Transformer (d2l §11.7, §11.9): a decoder-only model on the student's corpus;
perplexity per epoch, generated text, causal attention of every head over a typed prompt."""
import dataclasses
import hashlib

import math

import streamlit as st

import engine.transformer as TF
from engine.numerics import fmt
from engine.transformer import char_lm as C
from pages import _ui as ui
from pages._ui._state import url_text_input
from pages._ui._corpus import corpus_picker, corpus_preview

tr = ui.translator(TF.CHAR_LM_STRINGS)
corpus = corpus_picker(tr)
st.sidebar.subheader(tr("model_header"))
ui.settings_form(C.Settings, tr, ["num_steps", "num_hiddens", "num_heads", "num_layers"])
st.sidebar.subheader(tr("train_header"))
s = ui.settings_form(C.Settings, tr, ["lr", "batch_size", "max_tokens", "num_epochs"])
st.sidebar.subheader(tr("sampling_header"))
g = ui.settings_form(C.Sampling, tr, namespace=f"{C.__name__}.sampling")
ui.header(tr)
s = dataclasses.replace(s, corpus=corpus)
corpus_preview(corpus, tr)

r = ui.run_cached(C.run, s, tr, seed=ui.current_seed(), device=ui.current_device(),
                  live=lambda ev: TF.fig_lm_curves(C.epochs_frame(ev["epochs"]), tr))
if r.epochs.empty:                   # stopped before a single step: nothing to show yet
    ui.budget_notice(r.stop_reason, tr, f"{C.MAX_UNITS:.0e}")
    st.stop()
last = r.epochs.iloc[-1]
ui.metrics(r, [ui.Metric(tr("metric_ppl"), lambda r: r.epochs.iloc[-1]["perplexity"], "lower", digits=3),
               ui.Metric(tr("metric_valid_ppl"), lambda r: r.epochs.iloc[-1]["valid_perplexity"], "lower", digits=3),
               ui.Metric(tr("metric_tokens_s"), lambda r: r.epochs["tokens_per_s"].median(), text="{:,.0f}".format),
               ui.Metric(tr("metric_params"), lambda r: r.num_params, text="{:,}".format),
               ui.Metric(tr("metric_vocab"), lambda r: len(r.vocab), text="{}".format)])
if r.divergence:
    d = r.divergence
    st.error(tr("diverged", kind=d.kind, step=d.step, epoch=d.epoch, last=fmt(d.last_finite), lr=fmt(s.lr)), icon="💥")
ui.budget_notice(r.stop_reason, tr, f"{C.MAX_UNITS:.0e}")
ui.verdict(list(r.epochs["perplexity"].map(math.log)), list(r.epochs["valid_perplexity"].map(math.log)),
           chance=math.log(len(r.vocab)), settings=s)
ui.plot(TF.fig_lm_curves, r.epochs, tr, r.divergence, compare=True)

st.subheader(tr("generated_header"))
default_prompt = " ".join(corpus.text[:200].split())[: min(24, s.num_steps)]
prompt_key = "transformer_prompt_" + hashlib.sha1(corpus.name.encode()).hexdigest()[:8]
typed, _ = url_text_input("prompt", tr("prompt_label"), prompt_key, default=default_prompt, max_chars=C.MAX_PROMPT,
                          help=tr("prompt_help", n=s.num_steps))
prompt = ui.shared_call(C.read_prompt, r, typed)
if prompt.empty:
    st.info(tr("prompt_empty"), icon="⌨️")
if prompt.unknown:
    st.warning(tr("prompt_unknown"), icon="⌨️")
    st.code(" ".join(TF.show_char(ch) for ch in prompt.unknown), language=None)
if prompt.truncated:
    st.info(tr("prompt_truncated", n=s.num_steps), icon="✂️")


@st.cache_data(max_entries=64, show_spinner=False)
def generated(run_key, ids: tuple, num_preds: int, temperature: float, seed: int, _r) -> str:
    return C.generate(_r, list(ids), num_preds, temperature, seed)


run_key = (hash(s), ui.current_seed(), int(last["step"]), float(last["loss"]))
text = generated(run_key, tuple(prompt.ids), g.num_preds, g.temperature, ui.current_seed(), r)
st.caption(tr("generated_caption", n=g.num_preds, t=fmt(g.temperature)))
st.code("".join(prompt.tokens) + text, language=None, wrap_lines=True)

if not prompt.empty:
    labels = [tok if tok in r.vocab.token_to_idx else "<unk>" for tok in prompt.tokens]
    ui.plot(TF.fig_attention, ui.shared_call(C.prompt_attention, r, prompt), labels, labels, tr, tr("attention_title"))
    st.caption(tr("attention_explain"))

with st.expander(tr("structure_header"), icon=":material/account_tree:"):
    left, right = st.columns(2)
    with left:
        ui.plot(TF.fig_block_diagram, tr, s.num_layers, s.num_heads)
    with right:
        ui.plot(TF.fig_positional_encoding(TF.positional_encoding(s.num_steps, s.num_hiddens).numpy(), tr))
with st.expander(tr("explain"), expanded=True, icon=":material/school:"):
    ui.explanation(tr("explain_md", tokens=r.num_tokens, train=r.num_train_tokens, heldout=r.num_heldout_tokens, vocab=len(r.vocab),
                   batch=s.batch_size, steps=s.num_steps, ppl=fmt(last["perplexity"], 3),
                   vppl=fmt(last["valid_perplexity"], 3), d=s.num_hiddens, params=f"{r.num_params:,}",
                   tps=f"{r.epochs['tokens_per_s'].median():,.0f}"))
ui.code_from_engine(tr, C.seq_data_iter_random, C.predict, TF.DecoderOnlyTransformer)
ui.csv_download(r.epochs, tr, "transformer_char_lm_epochs")
ui.share_link(tr)
