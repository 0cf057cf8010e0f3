"""The Vision pages through AppTest: the book's numbers on the page, typed grids and kernels from a link
(bad ones explained, not crashing), a link reproducing a trained LeNet, 中文 in the charts."""
from engine.datasets.images import load_image_data
from engine.numerics import fmt
from engine.vision import lenet as L
from tests.charts import chart_figure, chart_text, charts_with_share, overflowing_titles
from tests.app.helpers import metrics

CONV = "pages/vision/conv_playground.py"
KERNEL = "pages/vision/learn_kernel.py"
POOL = "pages/vision/pooling.py"
LENET = "pages/vision/lenet.py"
MODERN = "pages/vision/alexnet_nin.py"


def text_of(at):
    return " ".join(m.value for m in at.markdown)


def test_playground_default_is_the_books_figure(app_at):
    at = app_at()
    at.switch_page(CONV).run()
    assert not at.exception and not at.error and not at.warning
    m = metrics(at)
    assert m["Output shape"] == "1×2×2" and m["Cell value"] == "19" and m["Book's corr2d − F.conv2d"] == "0"
    assert "⌊(3 − 2 + 0 + 1)/1⌋ = **2**" in text_of(at)
    assert "The products that add up to the cell" in chart_text(at.get("plotly_chart")[2]).replace("<br>", " ")


def test_playground_typed_grid_and_kernel_from_a_link(app_at):
    at = app_at({"grid": "1 2 3 4; 5 6 7 8; 9 10 11 12; 13 14 15 16", "k": "1 0; 0 -1", "padding": "1", "stride": "2",
                 "row": "1", "col": "2"})
    at.switch_page(CONV).run()
    assert not at.exception and not at.error and not at.warning
    m = metrics(at)
    assert m["Output shape"] == "1×3×3"
    # cell (1, 2) reads rows 1..2, columns 3..4 of the padded input: 8·1 + 0·(−1) (the padding) = 8
    assert m["Cell value"] == "8"
    assert "⌊(4 − 2 + 2 + 2)/2⌋ = **3**" in text_of(at)
    bad = app_at({"k": "1 2; 3"})
    bad.switch_page(CONV).run()
    assert not bad.exception and not bad.error
    assert any("different lengths" in w.value for w in bad.warning)


def test_learning_the_books_edge_kernel_on_the_page(app_at):
    at = app_at()
    at.switch_page(KERNEL).run()
    assert not at.exception and not at.error
    k = metrics(at)["Learned kernel"]
    a, b = (float(v) for v in k.strip("[]").split(","))
    assert abs(a - 1) < 0.1 and abs(b + 1) < 0.1
    diverged = app_at({"target": "sobel_x", "kernel_shape": "3x3", "image": "image", "dataset": "digits", "lr": "0.05",
                       "num_steps": "200"})
    diverged.switch_page(KERNEL).run()
    assert not diverged.exception and any(e.icon == "💥" for e in diverged.error)


def test_pooling_page_shows_the_books_example_in_chinese(app_at):
    at = app_at({"lang": "zh"})
    at.switch_page(POOL).run()
    assert not at.exception and not at.error
    charts = at.get("plotly_chart")
    m = metrics(at)
    assert m["输出形状"] == "2×2" and m["书中 pool2d − torch"] == "0"
    assert "最大汇聚，2×2" in chart_text(charts[1]) and "平均汇聚，2×2" in chart_text(charts[2])
    assert "汇聚" in at.title[0].value and "平移" in " ".join(chart_text(c) for c in charts)


def test_pooling_page_explanation_follows_the_translation_numbers(app_at):
    """Default: the book's edges moved a pixel, 57 % of the detector's cells change and only 33 % after
    pooling, as the explanation says. The 3×3 ramp moved instead: pooling changes more cells (100 %
    against 50 %), and the page says it does not show the effect here, with the book's case beside it."""
    at = app_at()
    at.switch_page(POOL).run()
    assert not at.exception and not at.error
    m = metrics(at)
    assert (m["Changed, convolution"], m["Changed, pooled"]) == ("57%", "33%")
    explained = text_of(at)
    assert "57% of its cells change" in explained and "only 33% do" in explained
    ramp = app_at({"shift_image": "input"})
    ramp.switch_page(POOL).run()
    assert not ramp.exception and not ramp.error
    m = metrics(ramp)
    assert (m["Changed, convolution"], m["Changed, pooled"]) == ("50%", "100%")
    text = text_of(ramp)
    assert "only 100%" not in text and "does not show it" in text
    assert "changes 50% of the edge detector's cells and 100% of the pooled ones" in text
    assert "57% of the detector's cells change, only 33% after pooling" in text
    assert any("does not make the output steadier" in c.value for c in ramp.caption)
    zh = app_at({"shift_image": "input", "lang": "zh"})
    zh.switch_page(POOL).run()
    assert not zh.exception and "本页看不到这一点" in text_of(zh) and "只有 100%" not in text_of(zh)


def test_lenet_link_reproduces_the_run_and_the_book_button(app_at):
    query = {"dataset": "digits", "num_train": "1024", "num_test": "500", "model": "both", "num_epochs": "2", "seed": "2"}
    first = app_at(query)
    first.switch_page(LENET).run()
    assert not first.exception and not first.error
    second = app_at(dict(first.query_params))
    second.switch_page(LENET).run()
    assert metrics(first) == metrics(second)
    s = L.Settings(dataset="digits", num_train=1024, num_test=500, model="both", num_epochs=2)
    expected = L.run(s, seed=2, data=load_image_data("digits"))
    assert metrics(first)["Test accuracy, LeNet (ReLU, max pool)"] == fmt(expected.last("modern"), 3)
    assert "Conv2d" in " ".join(str(df.value) for df in first.dataframe)
    # the default run's note counts the images the data in use has (the digits: 1,438, not the default 5,120)
    assert "modern LeNet on 1,438 images" in " ".join(c.value for c in first.caption)
    first.sidebar.button[0].click().run()                 # "The book's run"
    q = dict(first.query_params)
    assert (q["model"], q["lr"], q["batch_size"], q["num_epochs"], q["num_train"]) == ("book", "0.9", "256", "10", "60000")
    assert not first.exception


def test_lenet_page_says_who_is_ahead_of_the_mlp(app_at):
    """The default run on the digits: the MLP is ahead after 5 epochs and LeNet's loss still falls, so
    the page says so and advises more epochs (in both languages); it never calls LeNet ahead here."""
    at = app_at()
    at.switch_page(LENET).run()
    assert not at.exception and not at.error
    text = text_of(at)
    assert ("at equal epochs the MLP is ahead here (0.942 against 0.866 for LeNet (ReLU, max pool)), "
            "with 3.3× the parameters") in text
    assert "still falling at the last epoch: compare the two again after more epochs" in text
    zh = app_at({"lang": "zh"})
    zh.switch_page(LENET).run()
    assert "这里多层感知机领先（0.942 对LeNet（ReLU，最大汇聚）的 0.866）" in text_of(zh)


def test_alexnet_nin_page_tables(app_at):
    at = app_at({"dataset": "digits", "num_epochs": "1", "num_train": "256", "num_test": "500", "lang": "zh"})
    at.switch_page(MODERN).run()
    assert not at.exception and not at.error
    text = text_of(at)
    assert "46,764,746" in text and "1,992,166" in text
    tables = " ".join(str(df.value) for df in at.dataframe)
    assert "96×54×54" in tables and "6400" in tables and "10×1×1" in tables
    captions = " ".join(c.value for c in at.caption)
    assert "为什么默认设置与书中不同" in captions
    # the default run on the digits: 1,438 images (not the default 1,536), ⌈1,438 / 16⌉ · 10 = 900 steps
    assert "训练约 900 步（1,438 张图像" in captions
    at.sidebar.button[1].click().run()                    # "书中的 NiN 设置"
    q = dict(at.query_params)
    assert (q["model"], q["init"], q["lr"], q["batch_size"], q["num_epochs"]) == ("nin", "xavier", "0.1", "128", "10")
    assert not at.exception and not at.error


def test_every_vision_chart_title_fits_its_column(app_at):
    """Issue 15: a chart in a narrow column (the playground's kernel in a fifth of the page, pooling's
    maps four to a row) had its title cut at the figure's edge. In 中文, at the largest input, kernel,
    padding and channels (the longest titles), every chart's title and panel titles fit the column the
    page draws the chart in."""
    for page, query in ((CONV, {"lang": "zh", "source": "image", "dataset": "digits", "kernel": "sobel_x", "padding": "4",
                                "in_channels": "3", "out_channels": "3", "row": "40", "col": "40"}),
                        (CONV, {}),
                        (POOL, {"lang": "zh", "source": "image", "dataset": "digits", "pool_size": "5", "padding": "2",
                                "shift_by": "40"}),
                        (POOL, {"pool_size": "5"})):
        at = app_at(query)
        at.switch_page(page).run()
        assert not at.exception and not at.error
        charts = charts_with_share(at.main)
        assert len(charts) == len(at.get("plotly_chart")) and min(s for _, s in charts) <= 1 / 4 + 1e-9
        for chart, share in charts:
            assert overflowing_titles(chart_figure(chart), share) == [], (page, query, share)


def test_conv_two_layer_field_at_the_max_settings_link(app_at):
    """Issue 21: a link with every setting at 10³⁰⁸ (clamped to the maxima: padding 4, stride 4, cell
    (40, 40)), in 中文. The second layer's picked cell (2, 2) reads only the first layer's padding, so the
    chart draws no window (it used to draw one off the padded input) and says why; cell (1, 1) reads
    two blocks of the input, each drawn inside the padded input."""
    from engine import settings as S
    from engine.vision import conv as C
    from engine.vision.strings_conv import STRINGS

    def field_chart(at):
        charts = [chart_figure(c) for c in at.get("plotly_chart")]
        return next(f for f in charts if "两层" in f["layout"]["title"]["text"])

    query = {name: "1e308" for name in S.bounds(C.Settings)}
    at = app_at({**query, "lang": "zh"})
    at.switch_page(CONV).run()
    assert not at.exception and not at.error
    fig = field_chart(at)
    note = STRINGS["field2_layer_padding"]["zh"]
    assert fig["layout"].get("shapes", []) == []
    assert [a["text"].replace("<br>", "") for a in fig["layout"]["annotations"]] == [note]
    assert note in " ".join(c.value for c in at.caption)
    at = app_at({**query, "row": "1", "col": "1", "lang": "zh"})
    at.switch_page(CONV).run()
    assert not at.exception and not at.error
    fig = field_chart(at)
    z = fig["data"][0]["z"]                                # the padded input: 3 + 2·4 = 11 (maybe binary-packed)
    size = z["shape"].split(",")[0] if isinstance(z, dict) else len(z)
    size = int(size)
    boxes = [(s["y0"], s["y1"], s["x0"], s["x1"]) for s in fig["layout"]["shapes"]]
    assert size == 11 and len(boxes) == 4                  # rows −4…−3 and 0…1, the same columns
    assert all(-0.5 <= v <= size - 0.5 for b in boxes for v in b)
    assert not fig["layout"].get("annotations") and STRINGS["field2_layer_padding"]["zh"] not in " ".join(c.value for c in at.caption)
