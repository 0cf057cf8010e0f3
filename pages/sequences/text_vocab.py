"""Text and vocabularies (d2l §9.2–9.3): corpus → tokens → vocabulary → n-gram counts and Zipf's law, the long
tail, Laplace smoothing, and how a long text is read in minibatches (random sampling, sequential partitioning)."""
import math

import streamlit as st

import engine.text as T
from pages import _ui as ui
from pages._ui._corpus import corpus_label, corpus_picker, corpus_preview

tr = ui.translator(T.STRINGS)
# The book's corpus by default where this server has it (no network needed); else the generated text, said below
tm_cached = T.time_machine_cached()
corpus = corpus_picker(tr, default="time_machine" if tm_cached else "english")
s = ui.settings_form(T.Settings, tr)
st.sidebar.subheader(tr("smooth_sidebar"))
sm = ui.settings_form(T.Smoothing, tr)
st.sidebar.subheader(tr("part_sidebar"))
part = ui.settings_form(T.Partition, tr)
ui.header(tr)
if corpus.source == "generated" and not tm_cached:
    st.info(tr("tm_not_cached", name=corpus_label(corpus, tr)), icon="📚")


@st.cache_resource(max_entries=8, show_spinner=False)      # no copy on every rerun; the result is never mutated
def analysed(corpus: T.Corpus, settings: T.Settings) -> T.Analysis:
    return T.analyse(corpus, settings)


a = ui.compared(lambda settings, _seed: analysed(corpus, settings), s, tr, seed=ui.current_seed(), key="vocab")
corpus_preview(corpus, tr)
st.subheader(tr("corpus_stats"))
ui.metrics(a, [ui.Metric(tr("num_chars"), lambda a: a.num_chars, "neither", text="{:,}".format),
               ui.Metric(tr("num_tokens"), lambda a: a.num_tokens, "neither", text="{:,}".format),
               ui.Metric(tr("num_distinct"), lambda a: a.num_distinct, "neither", text="{:,}".format),
               ui.Metric(tr("vocab_size"), lambda a: len(a.vocab), "neither", text="{:,}".format),
               ui.Metric(tr("unk_share"), lambda a: a.unk_share, "neither", text="{:.1%}".format)])
if not a.tokens:
    st.warning(tr("no_tokens"))

st.subheader(tr("vocab_header"))
vocab_df = T.vocab_frame(a)
left, right = st.columns([2, 3])
with left:
    shown = vocab_df.head(200).rename(columns={"token": tr("col_token"), "index": tr("col_index"), "count": tr("col_count")})
    st.dataframe(shown, hide_index=True, height=320)
    st.caption(tr("vocab_caption", shown=len(shown), total=len(vocab_df)))
with right:
    dropped = a.num_distinct - (len(a.vocab) - 1)
    st.markdown(tr("explain_unk" if dropped else "explain_unk_none", min_freq=s.min_freq, dropped=dropped,
                   distinct=a.num_distinct, unk=a.unk_share, kept=len(a.vocab) - 1, size=len(a.vocab)))
    st.caption(tr("explain_ids"))
    first = a.tokens[:12]
    st.code(f"tokens = {[T.show_token(t) for t in first]}\nvocab[tokens] = {a.vocab[first]}", language=None, wrap_lines=True)

st.subheader(tr("ngram_header"))
ui.plot(T.fig_zipf, a, tr, compare=True)
alpha, _, lo, hi = a.fit
if math.isfinite(alpha):
    counts = [c for _, c in a.ngram_counts[1]]
    with st.expander(tr("explain"), expanded=True, icon=":material/school:"):
        cmp = T.compare_exponents(a.alphas)
        ui.explanation(tr("explain_zipf", lo=lo, hi=hi, alpha=alpha, ratio=counts[0] / counts[hi - 1],
                       alpha2=a.alphas[2], alpha3=a.alphas[3], n1=len(a.ngram_counts[1]),
                       n2=len(a.ngram_counts[2]), n3=len(a.ngram_counts[3]),
                       rel2=tr(f"zipf_rel.{cmp[2]}"), rel3=tr(f"zipf_rel.{cmp[3]}"),
                       verdict=tr("zipf_as_book" if cmp["as_book"] else "zipf_not_as_book", lo=lo, hi=hi)))
cols = st.columns(3)
for n, col in zip((1, 2, 3), cols):
    with col:
        st.markdown(f"**{tr(f'ngram.{n}')}**")
        df = T.ngram_frame(a, n, s.top_k)
        st.dataframe(df.rename(columns={"token": tr("col_token"), "count": tr("col_count"), "share": tr("col_share")}),
                     hide_index=True, column_config={tr("col_share"): st.column_config.NumberColumn(format="percent")})
ui.plot(T.fig_top, a, tr, s.top_k)

# ---- the long tail: n-grams seen once (d2l 8.3.3) ----
st.subheader(tr("tails_header"))
shares = {n: T.singletons(a.ngram_counts[n]) for n in (1, 2, 3)}
m = len(a.ngram_counts[1])
c = st.columns(4)
for n, col in zip((1, 2, 3), c):
    col.metric(tr("tail_metric", ngram=tr(f"ngram.{n}")), f"{shares[n][0]:.1%}",
               help=tr("tail_metric_help", ngram=tr(f"ngram.{n}"), occ=shares[n][1]))
seen_share = len(a.ngram_counts[2]) / m ** 2 if m else 0.0
c[3].metric(tr("possible_metric"), f"{seen_share:.2%}",
            help=tr("possible_metric_help", seen=len(a.ngram_counts[2]), possible=m * m, m=m))
if a.tokens:
    st.markdown(tr("tails_explain", s1=shares[1][0], s2=shares[2][0], s3=shares[3][0], seen=seen_share))

# ---- Laplace smoothing of the bigram estimate (d2l §9.3.1.3) ----
st.subheader(tr("smooth_header"))
context = T.pick_context(a.ngram_counts[1], sm.context_rank)
sep = "" if s.token == "char" else " "
if context is None or not a.ngram_counts[2]:
    st.info(tr("smooth_no_context"))
else:
    sb = ui.shared_call(T.smoothed_bigram, a.ngram_counts[1], a.ngram_counts[2], context, sm.eps)
    ctx = T.show_token(str(context))
    c = st.columns(3)
    c[0].metric(tr("smooth_metric_context", ctx=ctx), f"{sb.n_context:,}")
    c[1].metric(tr("smooth_metric_unseen"), f"{sb.vocab_size - sb.num_seen:,} / {sb.vocab_size:,}")
    c[2].metric(tr("smooth_metric_mass"), f"{sb.unseen_mass:.3%}")
    ui.plot(T.fig_smoothing, sb, sm.eps, tr, s.token, key="text_smoothing")
    if sb.example_unseen is None:
        st.markdown(tr("smooth_all_seen", ctx=ctx, n_x=sb.n_context, m=sb.vocab_size))
    else:
        p_ex = float(sb.table.loc[sb.table["token"] == sb.example_unseen, "p_smoothed"].iloc[0])
        st.markdown(tr("smooth_explain", m=sb.vocab_size, ctx=ctx, n_x=sb.n_context, seen=sb.num_seen,
                       unseen=sb.vocab_size - sb.num_seen, example=T.show_token(str(sb.example_unseen)), sep=sep,
                       eps=f"{sm.eps:g}", mass=sb.unseen_mass, p_example=p_ex))

# ---- reading long sequences: random sampling and sequential partitioning (d2l 8.3.4) ----
st.subheader(tr("part_header"))
n_shown = min(part.shown_tokens, len(a.tokens))
frame = ui.shared_call(T.partition_frame, part, ui.current_seed(), n_shown)
if frame.empty:
    st.info(tr("part_none", b=part.batch_size, t=part.num_steps, n=n_shown,
               need=part.batch_size * part.num_steps + part.num_steps + 1), icon="📏")
else:
    ui.plot(T.fig_partition, frame, n_shown, a.tokens[:n_shown], tr, key="text_partition")
counts = frame.groupby("strategy")["batch"].max() if not frame.empty else {}
st.markdown(tr("part_explain", b=part.batch_size, t=part.num_steps, n_random=int(counts.get("random", 0)),
               n_seq=int(counts.get("sequential", 0))))
if not frame.empty:
    st.caption(tr("part_print"))
    cols = st.columns(2)
    for col, strategy in zip(cols, ("random", "sequential")):
        batches = T.minibatches(strategy, n_shown, part.batch_size, part.num_steps, ui.current_seed())
        col.markdown(f"**{tr(f'part.{strategy}')}**")
        col.code(T.book_printout(batches, [T.show_token(str(t)) for t in a.tokens[:n_shown]], sep=sep),
                 language=None, wrap_lines=True)

ui.code_from_engine(tr, T.tokenize, T.Vocab, T.corpus_ids, T.laplace_bigram, *T.partition.iterators().values())
ui.csv_download(vocab_df, tr, f"vocab_{s.token}")
ui.share_link(tr)
