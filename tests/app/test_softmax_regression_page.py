"""The softmax regression page through AppTest, offline (an empty data cache and
DEEPDIVE_OFFLINE=1): it says which data it uses and why, a link reproduces the numbers,
divergence is explained, the stability slider shows the NaN, Chinese reaches the charts."""
import math

import pytest

import engine.softmax_regression as L
from engine.datasets import images
from engine.numerics import fmt
from tests.charts import chart_text
from tests.app.helpers import metrics

PAGE = "pages/basics/softmax_regression.py"
SCALE_KEY = "engine.softmax_regression.stability.logit_scale"


@pytest.fixture(autouse=True)
def offline(monkeypatch, tmp_path):
    monkeypatch.setenv("DEEPDIVE_OFFLINE", "1")
    monkeypatch.setattr(images, "CACHE_DIR", tmp_path)        # nothing cached: Fashion-MNIST is unavailable
    images.clear_cache()
    yield
    images.clear_cache()


def test_offline_page_uses_the_digits_and_says_why(app_at):
    at = app_at()
    at.switch_page(PAGE).run()
    assert not at.exception and not at.error
    assert any("8×8 handwritten digits" in i.value and "offline" in i.value for i in at.info)
    assert any("Handwritten digits (8×8" in m.value and "1,438 training images" in m.value for m in at.markdown)
    expected = L.run(L.Settings(dataset="digits"), seed=0)
    assert metrics(at)["Test accuracy"] == fmt(expected.test_acc, 3)
    assert metrics(at)["SGD updates"] == "60"
    assert len(at.get("plotly_chart")) >= 5
    assert at.query_params["dataset"] == "fashion_mnist"       # the choice is kept; the data used is shown


def test_link_reproduces_the_experiment(app_at):
    query = {"dataset": "digits", "lr": "0.3", "batch_size": "64", "num_epochs": "3", "impl": "concise",
             "num_train": "1000", "seed": "5"}
    first = app_at(query)
    first.switch_page(PAGE).run()
    assert not first.exception and not first.warning and [i.icon for i in first.info] == ["📈"]   # 3 epochs: still improving
    link = dict(first.query_params)
    assert {k: link[k] for k in query} == query
    second = app_at(link)
    second.switch_page(PAGE).run()
    assert metrics(first) == metrics(second)
    expected = L.run(L.Settings(dataset="digits", lr=0.3, batch_size=64, num_epochs=3, impl="concise",
                                num_train=1000), seed=5)
    assert metrics(first)["Test accuracy"] == fmt(expected.test_acc, 3)
    assert metrics(first)["SGD updates"] == f"{3 * 16}"


def test_divergence_is_explained_not_raised(app_at):
    at = app_at({"dataset": "digits", "lr": "100"})
    at.switch_page(PAGE).run()
    assert not at.exception
    assert len(at.error) == 1 and at.error[0].icon == "💥"
    assert "diverged" in at.error[0].value and "log-sum-exp" in at.error[0].value
    assert f"after {metrics(at)['SGD updates']} updates" in at.error[0].value     # why 'SGD updates' > step
    assert metrics(at)["Train loss"] in ("NaN", "+inf")
    at.radio(key="engine.softmax_regression.core.impl").set_value("concise").run()
    assert not at.error and metrics(at)["Train loss"] not in ("NaN", "+inf")


def test_stability_slider_shows_the_overflow(app_at):
    at = app_at({"dataset": "digits"})
    at.switch_page(PAGE).run()
    assert any("both agree" in s.value for s in at.success)
    at.select_slider(key=SCALE_KEY).set_value(100.0).run()
    assert not at.exception
    assert any("NaN" in w.value for w in at.warning)
    assert at.query_params["logit_scale"] == "100"
    table = at.dataframe[-1].value
    assert "NaN" in table.iloc[:, 3].tolist() and "+inf" in table.iloc[:, 2].tolist()


def test_chinese_reaches_the_explanation_and_charts(app_at):
    at = app_at({"lang": "zh", "dataset": "digits"})
    at.switch_page(PAGE).run()
    assert at.title[0].value == "softmax 回归"
    assert any("交叉熵" in m.value for m in at.markdown)
    specs = [chart_text(c) for c in at.get("plotly_chart")]
    assert any("测试准确率" in spec for spec in specs) and any("混淆矩阵" in spec for spec in specs)


def test_verdict_says_stuck_or_slow_at_chance_and_nothing_when_trained(app_at):
    """issue 15: the shared verdict under the curves: at η = 0.001 for one epoch the loss has barely
    left ln 10 (chance for ten classes), and the advice is to raise η; the book's settings learn."""
    at = app_at({"dataset": "digits", "lr": "0.001", "num_epochs": "2"})
    at.switch_page(PAGE).run()
    assert not at.exception
    r = L.run(L.Settings(dataset="digits", lr=0.001, num_epochs=2), seed=0)
    assert r.last("train_loss") > 0.97 * math.log(10)
    notes = [w.value for w in list(at.warning) + list(at.info) if "chance" in w.value]
    assert notes and "ln q = 2.3 " in notes[0] and ("Raise the learning rate" in notes[0] or "raise the learning rate" in notes[0])
    at = app_at({"dataset": "digits"})
    at.switch_page(PAGE).run()
    assert not [w.value for w in at.warning if "chance" in w.value]
