"""Recurrent language model (d2l §9.3–10.3): corpus → RNN/GRU/LSTM → live perplexity → generated text."""
import dataclasses

import math

import streamlit as st

import engine.language_model as L
from engine.language_model.figures import fig_perplexity
from engine.numerics import fmt
from engine.sections import cite
from engine.text import CorpusSettings
from pages import _ui as ui
from pages._ui._corpus import corpus_choice, corpus_label, corpus_picker, corpus_preview, substitute_instead
from pages._ui._slices import continue_button, run_slices, slices_follow
from pages._ui._state import adapted, url_text_input
from engine.language_model import fit as F


def book_preset() -> None:
    """The book's run for the chosen cell, one click: its settings and The Time Machine, widgets and URL."""
    ui.apply_settings(L.Settings, L.BOOK_RUN)
    ui.apply_settings(CorpusSettings, {"corpus": "time_machine"})


def fast_preset() -> None:
    """Fast to the book's quality: the book's run with Adam (η = 0.01), 60 epochs; The Time Machine."""
    ui.apply_settings(L.Settings, L.FAST_RUN)
    ui.apply_settings(CorpusSettings, {"corpus": "time_machine"})


tr = ui.translator(L.STRINGS)
corpus = corpus_picker(tr)
stats = ui.shared_call(F.corpus_stats, corpus, L.Settings().max_tokens)
suggested = F.suggest(stats)              # defaults that fit this corpus, for the fields nobody set
st.sidebar.subheader(tr("model_header"))
ui.settings_form(L.Settings, tr, ["model", "impl", "num_layers", "num_hiddens", "dropout", "embedding", "tie_weights"],
                 suggested=suggested)
st.sidebar.subheader(tr("train_header"))
s = ui.settings_form(L.Settings, tr, ["token", "max_tokens", "partition", "batch_size", "num_steps", "optimizer", "lr", "theta",
                                    "num_epochs"],
                     suggested=suggested)
st.sidebar.subheader(tr("gen_header"))
g = ui.settings_form(L.Sampling, tr)
s = slices_follow(dataclasses.replace(s, text_corpus=corpus))
words_refused = s.token == "word" and F.words_refused(stats)
if words_refused:
    s = dataclasses.replace(s, token="char")
book = dict(model=tr(f"model.{s.model}"), section=cite(L.BOOK_SECTION[s.model], tr.lang), book=f"{L.BOOK_PERPLEXITY[s.model]:.1f}")
is_book = L.is_book_run(s)
is_fast = L.is_fast_run(s)
if (is_book or is_fast) and corpus_choice() == "time_machine" and corpus.source != "time_machine":
    # one notice at the top, in place of the generic "trained on … instead": which text, what it means, what to do
    substitute_instead(tr("book_offline", corpus=corpus_label(corpus, tr), **book), icon="📡")
ui.header(tr)
if words_refused:
    st.warning(tr("words_refused", words=f"{stats.num_words:,}", distinct=f"{stats.distinct_words:,}",
                  repeats=fmt(stats.num_words / max(1, stats.distinct_words), 2), min_repeats=F.MIN_WORD_REPEATS,
                  min_words=f"{F.MIN_WORDS:,}"), icon="🔤")
changes = adapted(L.Settings, suggested)
ui.action_button(tr("book_button", **book), book_preset, key="book_preset", icon=":material/menu_book:",
                 help=tr("book_button_help"))
ui.action_button(tr("fast_button", model=book["model"]), fast_preset, key="fast_preset", icon=":material/speed:",
                 help=tr("fast_button_help"))
corpus_preview(corpus, tr)

r = run_slices(L.run, s, tr, seed=ui.current_seed(), device=ui.current_device(),
               live=lambda ev: fig_perplexity(*L.live_frames(ev), tr))
eps = F.epochs_per_slice(r.num_train_tokens, r.work_per_batch, r.batch_size, r.num_steps, L.MAX_WORK) if r.work_per_batch else 0.0
if changes:
    st.info(tr("adapted", chars=f"{stats.num_chars:,}", distinct=f"{stats.distinct_chars:,}", hiddens=s.num_hiddens,
               eps=fmt(eps, 2), changes=", ".join(tr(f"adapted.{k}", v=v) for k, v in changes.items())), icon="🎯")

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
if is_fast and corpus.source == "time_machine" and r.stop_reason in (None, "units"):
    at = L.first_epoch_at(r.epochs)
    done = dict(model=book["model"], target=fmt(L.FAST_TARGET), train=fmt(r.final_train_ppl), book=book["book"])
    if at is None:
        st.info(tr("fast_todo", epochs=epochs_done, **done), icon="🚀")
    else:
        upto = r.epochs[r.epochs["epoch"] <= at]
        st.success(tr("fast_done", at=fmt(at, 3), slice=F.slice_of(at, r.batches_per_epoch, r.work_per_batch, L.MAX_WORK),
                      seconds=fmt(float(upto["seconds"].sum()), 2), held=fmt(r.final_heldout_ppl),
                      book_epochs=L.BOOK_EPOCHS_TO_TARGET.get(s.model, "—"), **done), icon="🚀")
    st.markdown(tr("fast_why"))
elif is_book and corpus.source == "time_machine" and r.stop_reason in (None, "units"):
    done = dict(epochs=epochs_done, train=fmt(r.final_train_ppl), held=fmt(r.final_heldout_ppl), **book)
    if r.stop_reason == "units":
        st.warning(tr("book_budget", seconds=L.BOOK_CPU_SECONDS[s.model], **done), icon="📖")
    else:
        st.success(tr("book_done", **done), icon="📖")
if r.stop_reason == "units" and not (is_book and corpus.source == "time_machine") and not r.can_continue:
    st.warning(tr("budget_work", work=fmt(L.MAX_WORK, 2), epochs=epochs_done), icon="⏱️")
elif r.stop_reason != "units":
    ui.budget_notice(r.stop_reason, tr, L.MAX_WORK)
verdict = ui.verdict(list(r.epochs["train_ppl"].map(math.log)), list(r.epochs["heldout_ppl"].map(math.log)),
                     chance=math.log(r.vocab_size), settings=s)
if r.stop_reason == "units":
    st.caption(tr("slices_status", k=r.settings.slices, max=L.MAX_SLICES, epochs=epochs_done, eps=fmt(eps, 2)))
    if r.can_continue:
        if verdict.kind == "overfitting":
            st.caption(tr("continue_overfit"))
        continue_button(r.settings, tr("continue_button", next=r.settings.slices + 1, max=L.MAX_SLICES),
                        help=tr("continue_help", next=r.settings.slices + 1))
    else:
        st.caption(tr("slices_max", max=L.MAX_SLICES))
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
greedy = ui.shared_call(L.generate, r, typed, dataclasses.replace(g, temperature=0.0), seed=ui.current_seed())
if out.used_default:
    st.caption(tr("prefix_default" if not (typed or "").strip() else "prefix_empty_tokens"))
if out.prefix.truncated:
    st.warning(tr("prefix_cut_tokens", max=L.MAX_TEXT_TOKENS), icon="✂️")
if out.prefix.unknown:
    st.info(tr("prefix_unknown", tokens=", ".join(repr(t) for t in out.prefix.unknown[:20])), icon="🔤")
reps = {}
for name, gen, title in (("greedy", greedy, tr("greedy_header")),
                         ("sampled", out, tr("sampled_header", t=fmt(g.temperature), k=g.top_k or "—"))):
    rep = reps[name] = F.repetition(list(gen.continuation))
    st.markdown(f"**{title}**")
    st.code(gen.text, language=None, wrap_lines=True)
    st.caption(tr("repetition", token=repr(rep.top_token), share=f"{rep.top_share:.0%}", distinct=fmt(rep.distinct_per_100, 3),
                  cycle=tr("repetition_cycle", n=rep.cycle) if rep.cycle else ""))
bad = [n for n in ("greedy", "sampled") if reps[n].degenerate]
todo = F.advice(reps["greedy"], reps["sampled"], can_continue=r.can_continue,
                small_model=F.small_for_vocab(s.uses_embedding, s.num_hiddens, r.vocab_size), sampling_on=g.temperature > 0)
if todo:
    rep = reps[bad[0]]
    what = (tr("degenerate_share", token=repr(rep.top_token), share=f"{rep.top_share:.0%}") if rep.top_share > F.MAX_SHARE
            else tr("degenerate_cycle", n=fmt(rep.distinct_per_100, 3)))
    st.warning("\n".join([tr("degenerate", which=tr("degenerate." + ("both" if len(bad) == 2 else bad[0])), what=what)]
                         + [f"- {tr(k, epochs=s.num_epochs)}" for k in todo]), icon="🔁")

with st.expander(tr("explain"), expanded=True, icon=":material/school:"):
    first = float(r.epochs["heldout_ppl"].iloc[0])
    ui.explanation(tr("explain_md", vocab=r.vocab_size, first=fmt(first), last=fmt(r.final_heldout_ppl),
                   steps=r.num_steps, batch=r.batch_size, update=tr(f"update.{s.optimizer}", lr=fmt(s.lr),
                                                                    theta=fmt(s.theta), move=fmt(s.lr * s.theta)),
                   speed=f"{r.tokens_per_s:,.0f}", flops=f"{r.flops_per_token:,.0f}"))
    per_epoch = r.batches_per_epoch * r.work_per_batch
    st.markdown(tr("expect_md", chars=f"{stats.num_chars:,}", dchars=f"{stats.distinct_chars:,}",
                   words=f"{stats.num_words:,}", dwords=f"{stats.distinct_words:,}", train=f"{r.num_train_tokens:,}",
                   held=f"{r.num_heldout_tokens:,}", unit=tr(f"unit.{s.token}"), batches=f"{r.batches_per_epoch:,}",
                   share=f"{per_epoch / L.MAX_WORK:.0%}",
                   seconds=fmt(r.num_train_tokens / r.tokens_per_s, 2) if r.tokens_per_s == r.tokens_per_s else "—",
                   speed=f"{r.tokens_per_s:,.0f}" if r.tokens_per_s == r.tokens_per_s else "—", eps=fmt(eps, 2),
                   need=F.RECOGNISABLE_EPOCHS, slices=F.slices_needed(eps) if eps else "—", max=L.MAX_SLICES))
    if s.model == "gru":
        st.info(tr("gru_note"))
cell = {"rnn": L.rnn_cell, "gru": L.gru_cell, "lstm": L.lstm_cell}[s.model]
ui.code_from_engine(tr, *((cell,) if s.impl == "scratch" else (L.RNNModel,)),
                    L.grad_clipping, L.train_epoch_ch8, L.predict_ch8)
ui.csv_download(r.epochs, tr, "language_model_epochs")
ui.share_link(tr)
