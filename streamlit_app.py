"""DeepDive Lab: navigation and the shared sidebar. Lessons live in pages/ (UI) and engine/ (maths).

To add a lesson, add one line to LESSONS (see README, "Adding a lesson")."""
from __future__ import annotations

import importlib
from typing import NamedTuple


class Lesson(NamedTuple):
    path: str        # the page file
    engine: str      # the engine module whose STRINGS hold the title and summary
    icon: str        # a Material icon (renders without emoji fonts)

    @property
    def url_path(self) -> str:
        """The lesson's address, /<url_path>: the page file's name. pages/<url_path>.py must exist
        too, for a link to it as a fresh server's first request (see ENTRY STUBS, at LESSONS)."""
        return self.path.rsplit("/", 1)[-1].removesuffix(".py")


# The one list of lessons, by group. The app tests open every page listed here.
#
# ENTRY STUBS. pages/<url_path>.py, one per lesson, a few lines each, all alike. Streamlit treats an
# app with a pages/ folder beside its main script as a folder-based (legacy, "v1") multipage app
# until some session has called st.navigation (documented: "As soon as any session of your app
# executes the st.navigation command, your app will ignore the pages/ directory"). So the first
# run of a freshly started server (a hosted app woken by a student's link) looks the requested
# /<page> up among the files at the top of pages/ and, finding none, answers "Page not found"
# before any code of ours runs. With a stub of that name it runs the stub, which hands over to
# main() below; main()'s st.navigation leaves the v1 mode for good and opens the real lesson with
# the link's settings. From then on Streamlit ignores pages/, so the stubs are never pages of the
# app. tests/app/test_entry_stubs.py fails if a lesson has no stub; tests/e2e/test_first_link.py
# opens every lesson's link, in both forms, as a fresh server's first request.
LESSONS: dict[str, list[Lesson]] = {
    "group_basics": [
        Lesson("pages/basics/linear_regression.py", "engine.linear_regression", ":material/show_chart:"),
        Lesson("pages/basics/softmax_regression.py", "engine.softmax_regression", ":material/category:"),
        Lesson("pages/basics/activations.py", "engine.mlp.activations", ":material/function:"),
        Lesson("pages/basics/mlp.py", "engine.mlp", ":material/hub:"),
        Lesson("pages/basics/playground.py", "engine.mlp.playground", ":material/scatter_plot:"),
    ],
    "group_training": [
        Lesson("pages/training/exploding_gradients.py", "engine.gradients.strings_exploding", ":material/trending_up:"),
        Lesson("pages/training/gradient_clipping.py", "engine.gradients.strings_clipping", ":material/content_cut:"),
        Lesson("pages/training/gradient_checking.py", "engine.gradients.strings_checking", ":material/fact_check:"),
        Lesson("pages/training/gradient_descent.py", "engine.optimization.strings_descent", ":material/south_east:"),
        Lesson("pages/training/minibatch_sgd.py", "engine.optimization.strings_minibatch", ":material/stacked_line_chart:"),
        Lesson("pages/training/weighted_averages.py", "engine.optimization.strings_averages", ":material/ssid_chart:"),
        Lesson("pages/training/optimizers_2d.py", "engine.optimization.strings_surfaces", ":material/route:"),
        Lesson("pages/training/optimizers_network.py", "engine.optimization.strings_network", ":material/model_training:"),
        Lesson("pages/training/under_overfitting.py", "engine.generalization.strings_polynomial", ":material/show_chart:"),
        Lesson("pages/training/weight_decay.py", "engine.generalization.strings_weight_decay", ":material/compress:"),
        Lesson("pages/training/dropout.py", "engine.generalization.strings_dropout", ":material/grain:"),
        Lesson("pages/training/kfold.py", "engine.generalization.strings_kfold", ":material/view_week:"),
    ],
    "group_sequences": [
        Lesson("pages/sequences/text_vocab.py", "engine.text", ":material/text_fields:"),
        Lesson("pages/sequences/language_model.py", "engine.language_model", ":material/edit_note:"),
        Lesson("pages/sequences/lstm_internals.py", "engine.language_model.strings_inside", ":material/memory:"),
    ],
    "group_attention": [
        Lesson("pages/attention/attention_playground.py", "engine.attention.playground", ":material/grid_on:"),
        Lesson("pages/attention/seq2seq_attention.py", "engine.attention.translation", ":material/translate:"),
        Lesson("pages/attention/transformer_toy.py", "engine.transformer", ":material/view_module:"),
        Lesson("pages/attention/transformer_corpus.py", "engine.transformer.char_lm", ":material/auto_stories:"),
    ],
    "group_vision": [
        Lesson("pages/vision/conv_playground.py", "engine.vision.strings_conv", ":material/filter:"),
        Lesson("pages/vision/learn_kernel.py", "engine.vision.strings_kernel", ":material/school:"),
        Lesson("pages/vision/pooling.py", "engine.vision.strings_pooling", ":material/grid_4x4:"),
        Lesson("pages/vision/lenet.py", "engine.vision.strings_lenet", ":material/image_search:"),
        Lesson("pages/vision/alexnet_nin.py", "engine.vision.strings_modern", ":material/layers:"),
    ],
}


def main() -> None:
    import streamlit as st
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    from pages import _ui as ui

    import torch
    # One intra-op thread for what a script run computes itself (figures, quick calls): a class's
    # sessions run in parallel threads, and measured here under load a small run took 20.6 s with
    # torch's default 2 threads and 0.12 s with 1 (the threads of different sessions wait on each
    # other's cores). A training gets its own count from the training slots in ui.run_cached:
    # every free core for a student alone, one each under a class load (torch keeps the count per thread).
    if torch.get_num_threads() != 1:
        torch.set_num_threads(1)

    st.set_page_config(page_title="DeepDive Lab", page_icon=":material/scuba_diving:", layout="wide")
    ui.init_language()
    ui.start_warmup()           # once per server: the lessons' default runs, into the shared cache
    tr = ui.translator()

    nav = {"": [st.Page("pages/home/home.py", title=tr("home"), icon=":material/home:", url_path="home", default=True)]}
    for group, items in LESSONS.items():
        nav[tr(group)] = [
            st.Page(l.path, title=ui.translator(importlib.import_module(l.engine).STRINGS)("title"),
                    icon=l.icon, url_path=l.url_path)
            for l in items
        ]
    page = st.navigation(nav)
    # The URL is read on the first run after arriving at a page (fresh link or navigation) — but not
    # after the browser's Back/Forward: Streamlit then sends the query string of the page being left,
    # whose settings would land on this page's fields of the same name. Back shows what the student
    # last had here (kept in the session), and writes this page's settings back into the URL (the
    # other page's keys stay in it, unused: clearing them here makes Streamlit undo the Back).
    ctx = get_script_run_ctx()
    history = bool(getattr(ctx, "is_history_navigation", False))
    # A shared link in the form the share box gives, /?lesson=<page>&<settings>: it opens the app's
    # main page first, then the lesson (the root is found whatever Streamlit's routing; /<page>
    # works as well, on a freshly started server thanks to the entry stubs). Not on Back, which
    # would otherwise bounce the student forward to the lesson again.
    target = st.query_params.get(ui.LESSON_PARAM)
    if target is not None and page.url_path == "" and not history:     # "" = the default page, Home
        lessons = {p.url_path: p for pages in nav.values() for p in pages if p.url_path}
        if target in lessons:
            rest = {k: st.query_params.get_all(k) for k in st.query_params if k != ui.LESSON_PARAM}
            st.switch_page(lessons[target], query_params=rest)
        if target.strip() and target != "home":            # ?lesson= or ?lesson=home: Home it is
            st.session_state["_unknown_lesson"] = target
    ui.begin_run(page.url_path, history)
    ui.sidebar()
    try:
        try:
            page.run()
        except Exception as exc:    # Streamlit's own control flow (rerun, Stop) is a BaseException and passes
            ui.show_error(exc, ui.translator())
        ui.url_notices_done()       # reached only by a run that got to its end
    finally:
        ui.url_flush()              # every setting of the run into the URL, as one change


if __name__ == "__main__":
    main()
