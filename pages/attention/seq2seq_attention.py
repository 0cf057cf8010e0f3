"""Seq2seq with attention (d2l §10.7, §11.4): dates in words → ISO dates, with and without attention."""
import pandas as pd
import math

import streamlit as st

import engine.attention as A
import engine.attention.seq2seq as Q
import engine.attention.translation as T
from engine.numerics import fmt
from pages import _ui as ui
from pages._ui._state import url_text_input

EXAMPLE = "the twenty-first of march nineteen ninety-nine"

tr = ui.translator(T.STRINGS)
st.sidebar.subheader(tr("data_header"))
ui.settings_form(T.Settings, tr, ["num_train", "num_test"])
st.sidebar.subheader(tr("model_header"))
ui.settings_form(T.Settings, tr, ["embed_size", "num_hiddens", "num_layers", "compare"])
st.sidebar.subheader(tr("train_header"))
s = ui.settings_form(T.Settings, tr, ["lr", "batch_size", "num_epochs"])
ui.header(tr)


def history(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["epoch", "model", "train_loss", "test_accuracy"])


r = ui.run_cached(T.run, s, tr, seed=ui.current_seed(), device=ui.current_device(),
                  live=lambda ev: A.fig_curves(history(ev["history"]), tr))
models = [m for m in T.MODELS if m in r.nets]
ui.metrics(r, [ui.Metric(tr("metric_acc", model=tr(f"model.{m}")), lambda r, m=m: r.accuracy(m), "higher",
                         text=lambda v: f"{100 * v:.1f} %", help=tr("metric_loss", model=tr(f"model.{m}")) + f": {fmt(r.loss(m))}")
               for m in models] + [ui.Metric(tr("metric_pairs"), f"{len(r.train)} / {len(r.test)}")])
ui.budget_notice(r.stop_reason, tr, r.steps)
for m in models:        # per model: stuck at chance (ln |target vocabulary|), still improving, …
    ui.verdict(list(r.history.loc[r.history["model"] == m, "train_loss"]), chance=math.log(len(r.tgt_vocab)), settings=s)
ui.plot(A.fig_curves, r.history, tr, key="s2s_curves", compare=True)

# ---- the student's own input, kept in the link like the settings ----
st.subheader(tr("try_header"))
text, _ = url_text_input("sentence", tr("sentence"), "s2s_sentence", default=EXAMPLE, limit=4 * T.MAX_INPUT_CHARS,
                         help=tr("sentence_help", chars=T.MAX_INPUT_CHARS, tokens=T.MAX_INPUT_TOKENS))
parsed = ui.shared_call(T.parse_input, text, r.src_vocab)
if parsed.bad_chars:
    st.warning(tr("bad_chars", chars=" ".join(repr(ch) for ch in parsed.bad_chars[:20])), icon="✏️")
if parsed.truncated:
    st.warning(tr("truncated", chars=T.MAX_INPUT_CHARS, tokens=T.MAX_INPUT_TOKENS), icon="✂️")
if parsed.empty:
    st.info(tr("empty_input"), icon="⌨️")
    parsed = ui.shared_call(T.parse_input, EXAMPLE, r.src_vocab)
if parsed.unknown:
    st.warning(tr("unknown_words", words=", ".join(repr(w) for w in parsed.unknown[:10])), icon="❓")
st.caption(tr("model_reads"))
st.code(" ".join(r.src_vocab.to_tokens(list(parsed.ids))), language=None)

results = {m: ui.shared_call(T.translate, r, m, parsed) for m in models}
c = st.columns(len(models) + 1)
expected = results["attention"].expected
for col, m in zip(c, models):
    out = results[m].output
    verdict = "" if expected is None else (" ✓ " + tr("right") if out == expected else " ✗ " + tr("wrong"))
    col.caption(tr("output_of", model=tr(f"model.{m}")) + verdict)
    col.code(out or "∅", language=None)
c[-1].caption(tr("expected"))
c[-1].code(expected or "—", language=None)
if expected is None:
    st.info(tr("not_a_date"), icon="ℹ️")
att = results["attention"]
ui.plot(A.fig_alignment, att.alignment, att.input_tokens, att.output_tokens, tr, key="s2s_alignment")
if "no_attention" in results:
    st.caption(tr("no_alignment"))

with st.expander(tr("examples_header"), icon=":material/table:"):
    table = pd.DataFrame({tr("col_source"): [e.source for e in r.test[:30]],
                          tr("col_target"): [e.target for e in r.test[:30]],
                          **{tr(f"model.{m}"): r.test_predictions[m][:30] for m in models}})
    st.dataframe(table, hide_index=True)

with st.expander(tr("explain"), expanded=True, icon=":material/school:"):
    ui.explanation(tr("explain_md", n_in=len(parsed.ids), h=s.num_hiddens, lr=fmt(s.lr), epochs=s.num_epochs,
                   n_train=s.num_train, batch=s.batch_size))
ui.code_from_engine(tr, A.AdditiveAttention, Q.Seq2SeqAttentionDecoder, Q.train_step)
ui.csv_download(r.history, tr, "seq2seq_attention_history")
ui.share_link(tr)
