"""Transformer on toy tasks (d2l §11.5–11.7): a tiny decoder-only model learns copy / reverse / sort
live; or the book's encoder–decoder learns dates in words → ISO dates, with encoder self-attention, masked
decoder self-attention and cross-attention shown apart; per-layer, per-head attention for an input the
student types; positional encoding; the block diagrams."""
import pandas as pd
import math

import streamlit as st

import engine.attention as A
import engine.attention.translation as S2S
import engine.transformer as TF
from engine.numerics import fmt
from engine.transformer import encdec, toy
from pages import _ui as ui
from pages._ui._state import url_text_input

EXAMPLE_DATE = "the twenty-first of march nineteen ninety-nine"
tr = ui.translator(TF.STRINGS)
arch = ui.settings_form(encdec.Architecture, ui.translator(TF.ED_STRINGS, TF.STRINGS))


def training_summary(r, s, tr, max_units: float, chance: float) -> None:
    """Metrics, divergence, budget and the curves: the same for both architectures."""
    ui.metrics(r, [ui.Metric(tr("metric_acc"), lambda r: r.epochs.iloc[-1]["valid_acc"], "higher", text="{:.0%}".format),
                   ui.Metric(tr("metric_train_acc"), lambda r: r.epochs.iloc[-1]["train_acc"], "higher", text="{:.0%}".format),
                   ui.Metric(tr("metric_loss"), lambda r: r.epochs.iloc[-1]["loss"], "lower"),
                   ui.Metric(tr("metric_params"), lambda r: r.num_params, text="{:,}".format)])
    if r.divergence:
        d = r.divergence
        st.error(tr("diverged", kind=d.kind, step=d.step, epoch=d.epoch, last=fmt(d.last_finite), lr=fmt(s.lr)), icon="💥")
    ui.budget_notice(r.stop_reason, tr, f"{max_units:.0e}")
    ui.verdict(list(r.epochs["loss"]), chance=chance, settings=s)     # ln of the outputs: stuck at chance
    ui.plot(TF.fig_toy_curves, r.epochs, tr, r.divergence, compare=True)


def encoder_decoder() -> None:
    """The book's encoder–decoder on the dates task (d2l §11.7)."""
    tr = ui.translator(TF.ED_STRINGS, TF.STRINGS, A.SEQ2SEQ_STRINGS)
    st.sidebar.subheader(tr("ed_task_header"))
    ui.settings_form(encdec.Settings, tr, ["num_train"])
    st.sidebar.subheader(tr("model_header"))
    ui.settings_form(encdec.Settings, tr, ["num_hiddens", "num_heads", "num_layers"])
    st.sidebar.subheader(tr("train_header"))
    s = ui.settings_form(encdec.Settings, tr, ["lr", "batch_size", "num_epochs"])
    ui.header(tr)
    r = ui.run_cached(encdec.run, s, tr, seed=ui.current_seed(), device=ui.current_device(),
                      live=lambda ev: TF.fig_toy_curves(encdec.epochs_frame(ev["epochs"]), tr))
    training_summary(r, s, tr, encdec.MAX_UNITS, math.log(len(r.tgt_vocab)))

    st.subheader(tr("ed_try_header"))
    text, _ = url_text_input("date", tr("ed_input_label"), "transformer_toy_date", default=EXAMPLE_DATE,
                             limit=4 * S2S.MAX_INPUT_CHARS, help=tr("ed_input_help"))
    parsed = ui.shared_call(S2S.parse_input, text, r.src_vocab)
    if parsed.bad_chars:
        st.warning(tr("bad_chars", chars=" ".join(repr(ch) for ch in parsed.bad_chars[:20])), icon="✏️")
    if parsed.truncated:
        st.warning(tr("truncated", chars=S2S.MAX_INPUT_CHARS, tokens=S2S.MAX_INPUT_TOKENS), icon="✂️")
    if parsed.empty:
        st.info(tr("empty_input"), icon="⌨️")
        parsed = ui.shared_call(S2S.parse_input, EXAMPLE_DATE, r.src_vocab)
    if parsed.unknown:
        st.warning(tr("unknown_words", words=", ".join(repr(w) for w in parsed.unknown[:10])), icon="❓")
    view = ui.shared_call(encdec.attention_for, r, parsed)
    st.dataframe(pd.DataFrame({tr("col_input"): [" ".join(parsed.tokens)], tr("col_output"): [view.output],
                               tr("col_target"): [view.expected or "—"]}), hide_index=True)
    if view.expected is not None:
        right = view.output == view.expected
        wrong = sum(a != b for a, b in zip(view.output.ljust(10), view.expected)) if not right else 0
        (st.success if right else st.info)(tr("right") if right else tr("wrong", n=wrong, k=len(view.expected)))
    n = len(view.source_tokens)
    st.caption(tr("ed_padding" if view.valid_len < n else "ed_no_padding", n=n, valid=view.valid_len))
    rows = [f"{a} → {b}" for a, b in zip(view.decoder_inputs, view.output_tokens)]
    ui.plot(TF.fig_attention, view.encoder, view.source_tokens, view.source_tokens, tr, tr("ed_enc_title"), key="ed_enc")
    ui.plot(TF.fig_attention, view.decoder, view.decoder_inputs, rows, tr, tr("ed_dec_title"), key="ed_dec")
    ui.plot(TF.fig_attention, view.cross, view.source_tokens, rows, tr, tr("ed_cross_title"), key="ed_cross")

    st.subheader(tr("structure_header"))
    ui.plot(TF.fig_encoder_decoder_diagram, tr, s.num_layers, s.num_heads)
    with st.expander(tr("explain"), expanded=True, icon=":material/school:"):
        ui.explanation(tr("ed_explain_md", layers=s.num_layers, h=s.num_heads, dh=s.num_hiddens // s.num_heads,
                       q=len(view.output_tokens), params=f"{r.num_params:,}"))
    ui.code_from_engine(tr, TF.EncoderBlock, TF.TransformerDecoderBlock, encdec.train_step, encdec.greedy_decode)
    ui.csv_download(r.epochs, tr, "transformer_dates_epochs")


def decoder_only() -> None:
    st.sidebar.subheader(tr("task_header"))
    ui.settings_form(toy.Settings, tr, ["task", "seq_len", "alphabet_size"])
    st.sidebar.subheader(tr("model_header"))
    ui.settings_form(toy.Settings, tr, ["num_hiddens", "num_heads", "num_layers", "pos_encoding"])
    st.sidebar.subheader(tr("train_header"))
    s = ui.settings_form(toy.Settings, tr, ["lr", "batch_size", "num_examples", "num_epochs"])
    ui.header(tr)

    r = ui.run_cached(toy.run, s, tr, seed=ui.current_seed(), device=ui.current_device(),
                      live=lambda ev: TF.fig_toy_curves(toy.epochs_frame(ev["epochs"]), tr))
    training_summary(r, s, tr, toy.MAX_UNITS, math.log(s.alphabet_size))

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
        ui.explanation(tr("explain_md", example=" ".join(view.tokens + [view.prediction[-1]]), k=s.seq_len, d=s.num_hiddens,
                       h=s.num_heads, dh=s.num_hiddens // s.num_heads, layers=s.num_layers, params=f"{r.num_params:,}"))
    ui.code_from_engine(tr, TF.scaled_dot_product_attention, TF.MultiHeadAttention, TF.DecoderBlock, toy.train_step)
    ui.csv_download(r.epochs, tr, f"transformer_{s.task}_epochs")


if arch.architecture == "encoder_decoder":
    encoder_decoder()
else:
    decoder_only()
ui.share_link(tr)
