"""Character-level Transformer (d2l §11.7, §11.9): a decoder-only model on the student's corpus;
perplexity per epoch, generated text, causal attention of every head over a typed prompt.
Defaults that fit the corpus, Continue in slices, and whether the text is worth reading: as on the
recurrent language model's page (issue 16), with the same shared pieces."""
import dataclasses
import hashlib

import math

import streamlit as st

import engine.transformer as TF
from engine.language_model import fit as F
from engine.language_model.strings_fit import FIT_STRINGS
from engine.numerics import fmt
from engine.transformer import char_lm as C
from pages import _ui as ui
from pages._ui._corpus import corpus_picker, corpus_preview
from pages._ui._slices import continue_button, run_slices, slices_follow
from pages._ui._state import adapted, url_text_input

tr = ui.translator(TF.CHAR_LM_STRINGS, FIT_STRINGS)
corpus = corpus_picker(tr)
stats = ui.shared_call(F.corpus_stats, corpus)
suggested = C.suggest(stats)              # defaults that fit this corpus, for the fields nobody set
st.sidebar.subheader(tr("model_header"))
ui.settings_form(C.Settings, tr, ["num_steps", "num_hiddens", "num_heads", "num_layers"], suggested=suggested)
st.sidebar.subheader(tr("train_header"))
s = ui.settings_form(C.Settings, tr, ["lr", "batch_size", "max_tokens", "num_epochs"], suggested=suggested)
st.sidebar.subheader(tr("sampling_header"))
g = ui.settings_form(C.Sampling, tr, namespace=f"{C.__name__}.sampling")
s = slices_follow(dataclasses.replace(s, corpus=corpus))
ui.header(tr)
changes = adapted(C.Settings, suggested)
corpus_preview(corpus, tr)

r = run_slices(C.run, s, tr, seed=ui.current_seed(), device=ui.current_device(),
               live=lambda ev: TF.fig_lm_curves(C.epochs_frame(ev["epochs"]), tr))
if changes:
    st.info(tr("adapted", chars=f"{stats.num_chars:,}", distinct=f"{stats.distinct_chars:,}", repeats=C.MIN_CHAR_REPEATS,
               eps=fmt(r.epochs_per_slice, 2), d=s.num_hiddens,
               changes=", ".join(tr(f"adapted.{k}", v=v) for k, v in changes.items())), icon="🎯")
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
epochs_done = fmt(r.epochs_done, 3)
verdict = ui.verdict(list(r.epochs["perplexity"].map(math.log)), list(r.epochs["valid_perplexity"].map(math.log)),
                     chance=math.log(len(r.vocab)), settings=s)
if r.stop_reason == "units" and r.checkpoint is not None:
    st.caption(tr("budget_slice", units=f"{C.MAX_UNITS:.0e}", epochs=s.num_epochs) + " "
               + tr("slices_status", k=r.settings.slices, max=C.MAX_SLICES, epochs=epochs_done, eps=fmt(r.epochs_per_slice, 2)))
    if r.can_continue:
        if verdict.kind == "overfitting":
            st.caption(tr("continue_overfit"))
        continue_button(r.settings, tr("continue_button", next=r.settings.slices + 1, max=C.MAX_SLICES),
                        help=tr("continue_help", next=r.settings.slices + 1))
    else:
        st.caption(tr("slices_max", max=C.MAX_SLICES))
else:
    ui.budget_notice(r.stop_reason, tr, f"{C.MAX_UNITS:.0e}")
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
def generated(run_key, ids: tuple, num_preds: int, temperature: float, top_k: int, seed: int, _r) -> str:
    return C.generate(_r, list(ids), num_preds, temperature, seed, top_k)


run_key = (hash(s), ui.current_seed(), int(last["step"]), float(last["loss"]))
st.caption(tr("generated_caption", n=g.num_preds, t=fmt(g.temperature), k=g.top_k or "—"))
reps = {}
for name, t, title in (("greedy", 0.0, tr("greedy_header")),
                       ("sampled", g.temperature, tr("sampled_header", t=fmt(g.temperature), k=g.top_k or "—"))):
    text = generated(run_key, tuple(prompt.ids), g.num_preds, t, g.top_k, ui.current_seed(), r)
    rep = reps[name] = F.repetition(list(text))          # characters are the tokens
    st.markdown(f"**{title}**")
    st.code("".join(prompt.tokens) + text, language=None, wrap_lines=True)
    st.caption(tr("repetition", token=repr(rep.top_token), share=f"{rep.top_share:.0%}", distinct=fmt(rep.distinct_per_100, 3),
                  cycle=tr("repetition_cycle", n=rep.cycle) if rep.cycle else ""))
bad = [n for n in ("greedy", "sampled") if reps[n].degenerate]
todo = F.advice(reps["greedy"], reps["sampled"], can_continue=r.can_continue, small_model=C.small_for_vocab(s, stats),
                sampling_on=g.temperature > 0)
if todo:
    rep = reps[bad[0]]
    what = (tr("degenerate_share", token=repr(rep.top_token), share=f"{rep.top_share:.0%}") if rep.top_share > F.MAX_SHARE
            else tr("degenerate_cycle", n=fmt(rep.distinct_per_100, 3)))
    st.warning("\n".join([tr("degenerate", which=tr("degenerate." + ("both" if len(bad) == 2 else bad[0])), what=what)]
                         + [f"- {tr(k, epochs=s.num_epochs, tokens=suggested['max_tokens'])}" for k in todo]), icon="🔁")

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
