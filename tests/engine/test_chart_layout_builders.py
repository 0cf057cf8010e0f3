"""The layout faults the browser check (tests/e2e/test_chart_layout.py) found in the optimization and
generalization lessons, pinned on the figures their builders hand to the page (after ``finish``,
as ``ui.plot`` and the live chart do): no log axis left to plotly's bare-digit labels, no label on
the plot's top edge under the title, no wrapped title hanging over the panel titles."""
import pandas as pd
import pytest

from engine.i18n import Translator
from engine.plotting import finish


def _decades(axis):
    """Labelled at powers of ten only: what ``decade_ticks`` writes for an axis of a decade or more."""
    return axis.dtick == 1 and axis.exponentformat == "power" and axis.showexponent == "all"


def test_minibatch_seen_axis_with_one_value_is_labelled_at_decades():
    """At the smallest settings (100 examples, one epoch) every run has seen 100 examples at its only
    record: one x value, which plotly pads to a decade either side and labelled 10, 2, 5, 100, 2, 5."""
    from engine.optimization import figures_training as F
    from engine.optimization.strings_minibatch import STRINGS
    records = pd.DataFrame([(m, e, seen, 0.01 * seen, loss, 0.0, 0.0)
                            for m in ("gd", "sgd", "minibatch")
                            for e, seen, loss in ((0.0, 0, 2.0), (1.0, 100, 0.5))],
                           columns=["method", "epoch", "seen", "seconds", "loss", "w1", "w2"])
    fig = finish(F.fig_minibatch_curves(records, Translator("en", STRINGS), x="seen"))
    assert fig.layout.xaxis.type == "log" and _decades(fig.layout.xaxis)


def test_network_lr_axis_with_one_value_is_labelled_at_decades():
    """At the largest settings every optimizer runs at η = 100 without a schedule: the learning-rate
    panel's log axis (y2) holds one value."""
    from engine.optimization import figures_training as F
    from engine.optimization.strings_network import STRINGS
    updates = pd.DataFrame([(name, u, 2.3 / (u + 1), 100.0) for name in ("gd", "adam") for u in range(1, 20)],
                           columns=["optimizer", "update", "loss", "lr"])
    fig = finish(F.fig_network_updates(updates, Translator("zh", STRINGS)))
    assert fig.layout.yaxis2.type == "log" and _decades(fig.layout.yaxis2)
    assert _decades(fig.layout.yaxis)                     # the loss panel: two decades of its own


def _top_labels(fig):
    return [a for a in fig.layout.annotations if a.y == 1 and a.yanchor == "bottom" and a.yref == "y domain"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_chosen_degree_label_does_not_sit_under_the_title(lang):
    """Degree 0 (the smallest setting): the 'chosen' label on the plot's top edge, at the left, where
    the left-aligned title sat too; the title is lifted over it."""
    from engine.generalization import figures as F
    from engine.generalization.strings_polynomial import STRINGS
    final = pd.DataFrame({"degree": range(20), "train_loss": [1 / (d + 1) for d in range(20)],
                          "test_loss": [0.1 + abs(d - 3) / 10 for d in range(20)]})
    fig = finish(F.fig_u(final, 0, Translator(lang, STRINGS), 400, 0.1))
    assert _top_labels(fig)
    assert fig.layout.title.pad.b >= 12 + 16                   # the pad below the title clears one line
    true_degree = [a for a in fig.layout.annotations if a.x == 3]
    assert [(a.y, a.yanchor) for a in true_degree] == [(0, "bottom")]   # inside the plot, not on the x ticks


def test_the_noise_floor_far_below_the_losses_gets_decade_labels():
    """The smallest settings: degree 0 stays at a loss of 8 to 30 while the noise floor σ² is 10⁻⁴; the
    floor's line stretches the axis over five decades, labelled at each (not 9, 10, 20, 30 crammed
    into its top)."""
    from engine.generalization import figures as F
    from engine.generalization.strings_polynomial import STRINGS
    history = pd.DataFrame({"degree": 0, "epoch": range(1, 11), "train_loss": 8.5, "test_loss": 30.0})
    fig = finish(F.fig_poly_curves(history, 0, Translator("en", STRINGS), noise=0.01))
    assert fig.layout.yaxis.dtick == 1 and fig.layout.yaxis.tickvals is None
    # the floor's label beside its line: plotly reads an annotation's y on a log axis as its log
    (label,) = fig.layout.annotations
    assert (label.yref, label.y, label.yanchor) == ("y", pytest.approx(-4), "bottom")


@pytest.mark.parametrize("select", ["degree", "weight_decay"])
def test_the_chosen_candidate_label_does_not_sit_under_the_title(select):
    from engine.generalization import figures_cv as F
    from engine.generalization.strings_kfold import STRINGS
    tr = Translator("en", STRINGS)
    cands = [1.0, 2.0, 3.0] if select == "degree" else [0.0, 0.1, 1.0]
    cv = pd.DataFrame([(c, f, 0.2 + i / 10, 0.1) for i, c in enumerate(cands) for f in (1, 2)],
                      columns=["candidate", "fold", "valid", "train"])
    fig = finish(F.fig_cv(cv, select, cands[0], tr, tr(f"error_axis.{select}")))
    assert _top_labels(fig) and fig.layout.title.pad.b >= 12 + 16


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_dropout_title_keeps_its_words_and_does_not_hang_over_the_panels(lang):
    """The English title wraps into two lines (the browser check read it as '…andtest': the DOM's text
    of two lines has no space between them; the words themselves are whole). A two-line title is lifted
    above the plot by plotly only when it pushes the top margin: the builder's own t=90 kept it from
    pushing, and its second line hung over the panel title 'loss'."""
    from engine.generalization import figures_cv as F
    from engine.generalization.strings_dropout import STRINGS
    tr = Translator(lang, STRINGS)
    history = pd.DataFrame([(m, e, 1 / e, 1.2 / e, 0.5 + e / 30, 0.5 + e / 40) for m in ("dropout", "plain")
                            for e in range(1, 11)],
                           columns=["model", "epoch", "train_loss", "test_loss", "train_acc", "test_acc"])
    fig = finish(F.fig_dropout_curves(history, tr, 10))
    text = str(fig.layout.title.text)
    sep = " " if lang == "en" else ""
    assert text.replace("<br>", sep) == tr("curves_title")
    if "<br>" in text:
        title = fig.layout.title
        assert fig.layout.margin.t is not None and fig.layout.margin.t <= (title.font.size or 16) + title.pad.b
    assert fig.layout.title.pad.b >= 12 + 16                   # lifted over the panel titles
