"""Text and vocabularies (d2l §9.2–9.3): corpus → tokens → vocabulary → n-gram counts and Zipf's law."""
import math

import streamlit as st

import engine.text as T
from pages import _ui as ui
from pages._ui._corpus import corpus_picker, corpus_preview

tr = ui.translator(T.STRINGS)
corpus = corpus_picker(tr)
s = ui.settings_form(T.Settings, tr)
ui.header(tr)


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

ui.code_from_engine(tr, T.tokenize, T.Vocab, T.corpus_ids)
ui.csv_download(vocab_df, tr, f"vocab_{s.token}")
ui.share_link(tr)
