"""Inside the LSTM (d2l §10.1, §9.7): the gates on your sentence, gradient flow, long-range memory."""
import dataclasses
import math

import numpy as np
import pandas as pd

import streamlit as st

import engine.language_model as L
from engine.language_model import figures as Fg
from engine.language_model import lstm_internals as I
from engine.language_model.strings_inside import STRINGS
from engine.numerics import fmt
from pages import _ui as ui
from pages._ui._corpus import corpus_label, corpus_picker
from pages._ui._state import sent_by_browser, url_text_input, url_widget_done, url_widget_value
from engine import settings as S

tr = ui.translator(STRINGS, L.STRINGS)
corpus = corpus_picker(tr)
st.sidebar.subheader(tr("lstm_header"))
s = ui.settings_form(L.Settings, tr, ["token", "num_hiddens", "num_layers", "num_epochs", "lr"], namespace="inside")
st.sidebar.subheader(tr("recall_header"))
lrs = ui.settings_form(I.LongRangeSettings, tr)
s = dataclasses.replace(s, model="lstm", text_corpus=corpus)      # the same cache entry as the LM page's LSTM
# the view's own widgets live in the URL too; their ranges depend on the settings (read before the header's notices)
QUANTITIES = ("c", "h", "i", "f", "o", "g")
unit_key, layer_key = f"inside_unit_{s.num_hiddens}", f"inside_layer_{s.num_layers}"
url_widget_value("unit", S.Bound("int", 0, s.num_hiddens - 1), unit_key, None, "inside_view", tr("unit_busiest"))
url_widget_value("colour", S.Bound("choice", options=QUANTITIES), "inside_colour", "c", "inside_view")
url_widget_value("layer", S.Bound("int", 0, s.num_layers - 1), layer_key, s.num_layers - 1, "inside_view")
ui.header(tr)

r = ui.run_cached(L.run, s, tr, seed=ui.current_seed(), device=ui.current_device(),
                  live=lambda ev: Fg.fig_perplexity(*L.live_frames(ev), tr))
if r.divergence:
    st.error(tr("diverged", kind=r.divergence.kind, step=r.divergence.step, epoch=r.divergence.epoch,
                last=fmt(r.divergence.last_finite), lr=fmt(s.lr), theta=fmt(s.theta), move=fmt(s.lr * s.theta)), icon="💥")
ui.verdict(list(r.epochs["train_ppl"].map(math.log)), list(r.epochs["heldout_ppl"].map(math.log)),
           chance=math.log(r.vocab_size), settings=s)     # gates of a model stuck at chance mean little

# ---- your sentence, gate by gate -------------------------------------------------------------
st.subheader(tr("gates_header"))
default_text = L.join_tokens(r.heldout_start, s.token, r.lang)
typed, cut = url_text_input("text", tr("sentence"), "inside_text", max_chars=L.MAX_TEXT_CHARS,
                            placeholder=default_text[:80], help=tr("sentence_help", max=L.MAX_TEXT_TOKENS))
if cut:
    st.warning(tr("sentence_cut_chars", max=L.MAX_TEXT_CHARS), icon="✂️")
p = ui.shared_call(L.prepare_text, typed, r.vocab, s.token, r.lang)
if p.too_short:
    if (typed or "").strip():
        st.warning(tr("sentence_short", min=2), icon="✏️")
    else:
        st.caption(tr("sentence_default"))
    p = ui.shared_call(L.prepare_text, default_text, r.vocab, s.token, r.lang)
if p.truncated:
    st.warning(tr("sentence_truncated", max=L.MAX_TEXT_TOKENS), icon="✂️")
if p.unknown:
    st.info(tr("sentence_unknown", tokens=", ".join(repr(t) for t in p.unknown[:20])), icon="🔤")
st.caption(tr("gates_caption", hiddens=s.num_hiddens, corpus=corpus_label(corpus, tr), epochs=fmt(float(r.epochs["epoch"].iloc[-1]), 3),
              ppl=fmt(r.final_heldout_ppl)))

traces = ui.shared_call(I.gate_traces, r.net, p.ids, p.tokens)
layer = st.radio(tr("num_layers"), list(range(s.num_layers)), horizontal=True, key=layer_key) if s.num_layers > 1 else 0
url_widget_done("layer", layer_key, "inside_view")
cols = st.columns(2)
for k, q in enumerate(("i", "f", "o", "g", "c", "h")):
    with cols[k % 2]:
        ui.plot(Fg.fig_gate_heatmap, ui.shared_call(I.gate_matrix, traces, q, layer), q, p.tokens, tr, key=f"heat_{q}")

# ---- one unit along the text -----------------------------------------------------------------
st.subheader(tr("unit_header"))
C = ui.shared_call(I.gate_matrix, traces, "c", layer)
busiest = int(np.argmax(C.std(axis=1))) if C.size else 0
if not sent_by_browser(unit_key):            # a reconnected browser's unit wins (pages/_ui/_state.py)
    st.session_state.setdefault(unit_key, busiest)
unit = st.slider(tr("unit"), 0, s.num_hiddens - 1, key=unit_key, help=tr("unit_help"))
colour = st.radio(tr("colour_by"), QUANTITIES, format_func=lambda q: tr(f"q.{q}"), horizontal=True, key="inside_colour")
url_widget_done("unit", unit_key, "inside_view")
url_widget_done("colour", "inside_colour", "inside_view")
ui.plot(Fg.fig_unit_text, traces, unit, colour, list(p.tokens), tr, layer)
ui.plot(Fg.fig_unit, traces, unit, p.tokens, tr, layer)

# ---- gradient flow and long-range memory -------------------------------------------------------
lr_r = ui.run_cached(I.run_long_range, lrs, tr, seed=ui.current_seed(), device=ui.current_device(),
                     live=lambda ev: Fg.fig_recall_loss(pd.DataFrame(ev["losses"], columns=["model", "update", "loss"]), tr),
                     key="_recall")
back = lr_r.probe_distance - 1
st.subheader(tr("flow_header"))
st.caption(tr("flow_caption", n=I.PROBE_EXAMPLES, back=back))
ui.plot(Fg.fig_grad_flow, lr_r.grad_flow, tr, compare=True)
init = lr_r.grad_flow[(lr_r.grad_flow["stage"] == "init") & (lr_r.grad_flow["steps_back"] == back)].set_index("model")["relative"]
st.markdown(tr("flow_explain", back=back, **{m: fmt(float(init.get(m, float("nan"))), 2) for m in I.MODELS}))

st.subheader(tr("long_header"))
if lrs.recall_train:
    if lr_r.stop_reason == "units":
        st.warning(tr("budget_work"), icon="⏱️")
    else:
        ui.budget_notice(lr_r.stop_reason, tr, I.LONG_RANGE_MAX_WORK)
    far = int(lr_r.accuracy["distance"].max()) if len(lr_r.accuracy) else lrs.recall_distance
    def recall_at(m):
        def value(res):
            a = res.accuracy[(res.accuracy["model"] == m) & (res.accuracy["distance"] == far)]["accuracy"]
            return float(a.iloc[0]) if len(a) else None
        return value
    ui.metrics(lr_r, [ui.Metric(tr("metric_acc", model=m.upper(), d=far), recall_at(m), "higher", text="{:.0%}".format)
                      for m in I.MODELS])
    ui.plot(Fg.fig_long_range, lr_r.accuracy, lrs.recall_distance, tr, compare=True)
    st.markdown(tr("long_explain", d=lrs.recall_distance, updates=lrs.recall_updates))
    ui.csv_download(lr_r.accuracy, tr, "recall_accuracy")
else:
    st.info(tr("long_off"), icon="🧠")
x, y = I.example(lrs.recall_distance)
st.caption(tr("long_example", d=lrs.recall_distance, y=y))
st.code(x + "  →  " + y, language=None)

with st.expander(tr("explain"), expanded=True, icon=":material/school:"):
    F = ui.shared_call(I.gate_matrix, traces, "f", layer)
    ui.explanation(tr("explain_md", d=back, f_mean=fmt(float(F.mean()), 3), f10=fmt(float(F.mean()) ** 10, 2), unit=busiest,
                   c_min=fmt(float(C[busiest].min()), 3), c_max=fmt(float(C[busiest].max()), 3)))
ui.code_from_engine(tr, L.lstm_cell, I.input_grad_norms)
ui.csv_download(traces, tr, "lstm_gates")
ui.share_link(tr)
