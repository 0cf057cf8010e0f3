"""K-fold cross-validation and model selection (d2l-zh 4.4.2, 4.10.6; d2l §3.6.3, §5.7.6; Ng course 2): choose
λ or the degree from the training data alone, then one look at the test set."""
import streamlit as st

from engine.generalization import figures_cv as F, kfold as K
from engine.generalization.strings_kfold import STRINGS
from engine.numerics import fmt
from pages import _ui as ui

tr = ui.translator(STRINGS)
st.sidebar.subheader(tr("model_header"))
ui.settings_form(K.Settings, tr, ["select", "k", "test_share"])
st.sidebar.subheader(tr("train_header"))
s = ui.settings_form(K.Settings, tr, ["lr", "batch_size", "num_epochs"])
ui.header(tr)

r = ui.run_cached(K.run, s, tr, seed=ui.current_seed(), device=ui.current_device(), namespace=K.namespace(s),
                  live=lambda ev: F.fig_cv(K.cv_frame_of(ev["cv"]),
                                           s.select, float("nan"), tr, tr(f"error_axis.{s.select}")))
if r.fallback_reason:
    st.info(tr("fallback", reason=f"`{r.fallback_reason}`"), icon="📦")
st.markdown(tr("using", name=tr(f"dataset.{r.dataset}"), pool=f"{r.n_pool:,}", k=s.k, fold=r.n_pool // s.k, test=f"{r.n_test:,}"))
show = lambda c: F.candidate_text(c, r.settings.select) if c == c else "—"
ui.metrics(r, [ui.Metric(tr("metric_chosen"), lambda r: F.candidate_text(r.chosen, r.settings.select) if r.chosen == r.chosen else "—"),
               ui.Metric(tr("metric_valid"), lambda r: r.mean_valid(), "lower",
                         note="± " + fmt(float(r.summary.set_index("candidate")["valid_std"].get(r.chosen, float("nan"))), 3)),
               ui.Metric(tr("metric_test"), lambda r: r.test_error if r.test_error is not None else tr("metric_test_none"), "lower")])
if not r.complete:
    st.warning(tr("partial", done=int(r.cv["fold"].nunique()) if len(r.cv) else 0, k=s.k), icon="⏱️")
elif s.select == "weight_decay" and r.dataset == "kaggle_house":
    st.caption(tr("book_note", ours=fmt(r.mean_valid(0.0), 3)))
ui.budget_notice(r.stop_reason if r.stop_reason != "units" else None, tr, K.MAX_UNITS)
if len(c := r.chosen_curve()):
    ui.verdict(list(c["train"]), list(c["valid"]), baseline=r.baseline_loss, floor=r.noise_floor,
               settings=s if s.select == "weight_decay" else None)       # η is Adam's, for λ only

ui.plot(F.fig_folds, r.folds, r.n_test, tr)
left, right = st.columns(2)
with left:
    ui.plot(F.fig_cv_of, r, tr, compare=True)
with right:
    ui.plot(F.fig_fold_curves, r.curves, r.chosen, s.select, tr)

with st.expander(tr("explain"), expanded=True, icon=":material/school:"):
    ui.explanation(tr("explain_md", pool=f"{r.n_pool:,}", k=s.k, chosen=show(r.chosen), test=f"{r.n_test:,}",
                      test_error=fmt(r.test_error) if r.test_error is not None else "—", valid=fmt(r.mean_valid())))
ui.code_from_engine(tr, K.fold_indices, K.get_k_fold_data, K.log_rmse, K.train_adam)
ui.csv_download(r.cv, tr, "kfold")
ui.share_link(tr)
