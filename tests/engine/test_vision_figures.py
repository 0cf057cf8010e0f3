"""The Vision figures fit where the pages show them (issue 15): a chart's title, and every panel title
of a subplot grid, wrapped to the width of the column the chart is drawn in (plotly never wraps; a
title wider than its chart is cut at the figure's edge), in English and in 中文, at the longest values
the settings allow."""
from types import SimpleNamespace

import numpy as np
import pytest

from engine.i18n import Translator
from engine.plotting import TITLE_WIDTH, columns, wrap_panel_titles
from engine.vision import figures as F
from engine.vision.strings_conv import STRINGS as CONV
from engine.vision.strings_lenet import STRINGS as LENET
from engine.vision.strings_pooling import STRINGS as POOL
from tests.charts import fits, overflowing_titles

LANGS = ("en", "zh")


def panel_titles(fig):
    return [a for a in fig.layout.annotations if a.yanchor == "bottom" and a.xanchor == "center" and not a.textangle]


def test_columns_match_the_half_width_title_and_shrink_with_the_share():
    assert columns(0.5) == TITLE_WIDTH
    assert columns(1 / 5) < columns(1 / 4) < columns(1 / 3) < columns(0.5) < columns(1)
    assert columns(1 / 5, font_size=10) > columns(1 / 5)
    for share in (1 / 5, 1 / 4, 0.3, 0.5, 1):
        assert fits("x" * columns(share), share) and not fits("x" * (columns(share) + 2), share)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key, share", [("fig_kernel", 1 / 5), ("fig_terms", 1 / 5), ("fig_flipped", 1 / 5),
                                        ("fig_output", 2 / 5), ("fig_true", 2 / 5), ("fig_field2", 2 / 5)])
def test_playground_grid_titles_fit_their_column(lang, key, share):
    """conv_playground draws its kernel and products in the middle of st.columns([2, 1, 2]): a fifth of
    the page ('Kernel K (input 0 → output 0)' ran past its chart)."""
    title = Translator(lang, CONV)(key, o=7, i=15, j=15)
    fig = F.fig_grid(np.arange(49.0).reshape(7, 7) - 20, title, share=share)
    assert fits(fig.layout.title.text, share), fig.layout.title.text
    assert fig.layout.title.text.replace("<br>", "").replace(" ", "") == title.replace(" ", "")


@pytest.mark.parametrize("lang", LANGS)
def test_playground_input_title_fits_at_the_largest_input(lang):
    r = SimpleNamespace(settings=SimpleNamespace(padding=3), X=np.zeros((1, 28, 28)), cell_window=(0, 6, 0, 6))
    fig = F.fig_input(r, Translator(lang, CONV), share=2 / 5)
    assert fits(fig.layout.title.text, 2 / 5), fig.layout.title.text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", ["fig_conv", "fig_conv_shifted", "fig_pooled", "fig_pooled_shifted"])
def test_pooling_translation_grids_fit_a_quarter_of_the_page(lang, key):
    """pooling draws the shifted image's maps four to a row ('Edge detector [1, −1] on the image' was cut)."""
    title = Translator(lang, POOL)(key, d=8)
    fig = F.fig_grid(np.eye(6), title, height=280, share=1 / 4)
    assert fits(fig.layout.title.text, 1 / 4), fig.layout.title.text


def inspection(layer_type: str, unit=(5, 13, 13)):
    return SimpleNamespace(image=np.zeros((28, 28)), unit=unit, fields=[(0, 27, 0, 27)],
                           maps=[(str(k), layer_type, np.zeros((16, 14, 14))) for k in range(6)])


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("layer_type", ["Conv2d", "AvgPool2d", "MaxPool2d"])
def test_lenet_unit_panel_titles_fit_their_panels(lang, layer_type):
    """fig_unit is drawn in 3/5 of the page, two panels side by side: '{layer} 的第 0 个特征映射，单元 (13, 13)'
    is wider than its panel, and plotly centres it over the panel, so its end left the figure."""
    fig = F.fig_unit(inspection(layer_type), Translator(lang, LENET), share=3 / 5)
    titles = panel_titles(fig)
    assert len(titles) == 2
    for ann, axis in zip(titles, (fig.layout.xaxis, fig.layout.xaxis2)):
        panel = axis.domain[1] - axis.domain[0]
        assert fits(ann.text, 3 / 5 * panel, ann.font.size or 16), ann.text
        # centred on its panel, so a title that fits its panel stays inside the figure
        assert 0 <= ann.x - panel / 2 + 1e-9 and ann.x + panel / 2 <= 1 + 1e-9
    assert fits(fig.layout.title.text, 3 / 5)
    assert overflowing_titles(fig.to_plotly_json(), 3 / 5) == []
    assert overflowing_titles(fig.to_plotly_json(), 1 / 5) != []          # the check can fail


@pytest.mark.parametrize("lang", LANGS)
def test_lenet_first_kernels_title_fits_two_fifths(lang):
    fig = F.fig_first_kernels(np.zeros((6, 5, 5)), Translator(lang, LENET), share=2 / 5)
    assert fits(fig.layout.title.text, 2 / 5)


def test_wrap_panel_titles_wraps_each_to_its_own_panel():
    from plotly.subplots import make_subplots
    long = "一个很长的中文面板标题，比它所在的窄面板宽得多"
    fig = make_subplots(rows=1, cols=2, column_widths=[0.8, 0.2], subplot_titles=[long, long])
    wrap_panel_titles(fig, 1)
    wide, narrow = (a.text for a in fig.layout.annotations)
    assert wide == long and "<br>" in narrow and narrow.replace("<br>", "") == long
    narrow_share = 1 * (fig.layout.xaxis2.domain[1] - fig.layout.xaxis2.domain[0])
    assert fits(narrow, narrow_share)
    rows = make_subplots(rows=2, cols=1, subplot_titles=["a", "b"], row_titles=[long, long])
    wrap_panel_titles(rows, 0.2)
    assert [a.text for a in rows.layout.annotations if a.textangle] == [long, long]     # row titles: not panel titles


@pytest.mark.parametrize("lang", LANGS)
def test_one_by_one_panels_fit_and_write_short_numbers(lang):
    """The 1×1 figure (half the page, three panels): its panel titles fit their panels ('W · pixel =
    output' was cut at the figure's right edge), and its cells read 1.54, not float32's 1.5399999618530273."""
    from engine.vision import conv as C
    r = C.run(C.Settings(in_channels=3, out_channels=3, row=40, col=40))
    fig = F.fig_one_by_one(r.one_by_one, Translator(lang, CONV))
    assert overflowing_titles(fig.to_plotly_json(), 1 / 2) == []
    cells = [t for trace in fig.data for row in trace.text for t in row]
    assert len(cells) == 9 + 3 + 3 and all(len(t) <= 6 for t in cells), cells
    W = r.one_by_one["W"]
    assert [float(t) for t in fig.data[0].text[0]] == pytest.approx(W[0], rel=5e-3)


@pytest.mark.parametrize("shape", [(2, 3), (3, 3), (8, 8), (28, 32)])
def test_grid_ticks_are_whole_cell_indices(shape):
    """A grid's axes tick whole indices (Plotly's own ticks fell on −0.5, 0, 0.5, … for a 3×3 grid)."""
    fig = F.fig_grid(np.ones(shape), "grid")
    for axis, n in ((fig.layout.xaxis, shape[1]), (fig.layout.yaxis, shape[0])):
        assert axis.tick0 == 0 and isinstance(axis.dtick, int) and axis.dtick >= 1
        assert len(range(0, n, axis.dtick)) <= 8
