"""Under- and overfitting (d2l-zh 4.4; d2l 0.17 §4.4.4): the book's polynomial, every degree at once; the U,
the fitted curve, the weights, the learning curve."""
import streamlit as st

from engine.generalization import figures as F, polynomial as P
from engine.generalization.strings_polynomial import STRINGS
from engine.numerics import fmt
from pages import _ui as ui

tr = ui.translator(STRINGS)
st.sidebar.subheader(tr("model_header"))
ui.settings_form(P.Settings, tr, ["degree"])
st.sidebar.subheader(tr("data_header"))
ui.settings_form(P.Settings, tr, ["n_train", "noise", "learning_curve"])
st.sidebar.subheader(tr("train_header"))
s = ui.settings_form(P.Settings, tr, ["lr", "batch_size", "num_epochs"])
ui.header(tr)

cols = st.columns([2, 3, 3, 3])
cols[0].markdown(tr("book_runs"))
for col, (name, (degree, epochs)) in zip(cols[1:], P.BOOK_RUNS.items()):
    ui.action_button(tr(f"book.{name}"), ui.apply_settings, (P.Settings, {"degree": degree, "num_epochs": epochs, "n_train": 100}),
                     key=f"book_{name}", container=col, icon=":material/menu_book:")

r = ui.run_cached(P.run, s, tr, seed=ui.current_seed(), device=ui.current_device(),
                  live=lambda ev: F.fig_live(ev["rows"], s.degree, tr, s.noise))
d, floor = s.degree, s.noise ** 2
ui.metrics(r, [ui.Metric(tr("metric_train", d=d), lambda r: r.final(r.settings.degree, "train_loss"), "lower"),
               ui.Metric(tr("metric_test", d=d), lambda r: r.final(r.settings.degree), "lower"),
               ui.Metric(tr("metric_gap"), lambda r: r.final(r.settings.degree) / r.final(r.settings.degree, "train_loss"), "lower", digits=3),
               ui.Metric(tr("metric_best"), lambda r: int(r.final_by_degree["test_loss"].idxmin()), text=str)])
train, test = r.final(d, "train_loss"), r.final(d)
verdict = r.verdict()
st.markdown(tr(f"verdict.{verdict}", train=fmt(train), test=fmt(test), floor=fmt(floor), d=d, n=s.n_train,
               ratio=fmt(test / train, 3) if train > 0 else "∞"))
for degree, dv in sorted(r.divergence.items())[:1]:
    st.error(tr("diverged", what=tr("metric_train", d=degree), kind=dv.kind, epoch=dv.epoch, last=fmt(dv.last_finite)), icon="💥")
ui.budget_notice(r.stop_reason, tr, P.MAX_STEPS)

left, right = st.columns(2)
with left:
    ui.plot(F.fig_poly_curves, r.history, d, tr, s.noise, compare=True)
    ui.plot(F.fig_fit, r, tr)
with right:
    ui.plot(F.fig_u_of, r, tr, compare=True)
    ui.plot(F.fig_weights, r, tr)
if len(r.learning_curve["n_train"].unique()) > 1:
    ui.plot(F.fig_learning_curve, r.learning_curve, d, tr, s.noise)

with st.expander(tr("explain"), expanded=True, icon=":material/school:"):
    ui.explanation(tr("explain_md", floor=fmt(floor), best=int(r.final_by_degree["test_loss"].idxmin())))
ui.code_from_engine(tr, P.make_data, P.sgd_step, P.train_book)
ui.csv_download(r.history, tr, "under_overfitting")
ui.share_link(tr)
