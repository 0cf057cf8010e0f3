"""The three MLP pages through AppTest: activations, the MLP on images, the playground.
A link reproduces the numbers, divergence and dead networks are explained, 中文 reaches the charts."""
import engine.mlp as M
import engine.mlp.playground as P
from engine.datasets.images import load_image_data
from engine.numerics import fmt
from tests.charts import chart_text
from tests.app.helpers import metrics

ACT = "pages/basics/activations.py"
MLP = "pages/basics/mlp.py"
PLAY = "pages/basics/playground.py"


def test_activations_page_shows_the_collapse(app_at):
    at = app_at({"num_layers": "4", "num_hiddens": "32", "contrast": "tanh", "show": "gelu"})
    at.switch_page(ACT).run()
    assert not at.exception and not at.error and not at.warning
    m = metrics(at)
    assert float(m["max |stack − W x − b|, nothing between"]) < 1e-4
    assert float(m["max |stack − W x − b|, tanh between"]) > 0.1
    assert float(m["Largest |autograd − formula| on the plot"]) < 1e-12
    charts = at.get("plotly_chart")
    assert len(charts) == 2
    assert '"GELU: f′(x)"' in chart_text(charts[0]) and "ReLU: f(x)" not in chart_text(charts[0])
    at.sidebar.selectbox(key="lang").set_value("zh").run()
    assert "激活函数" in at.title[0].value and "导数" in chart_text(at.get("plotly_chart")[0])


def test_mlp_link_reproduces_the_experiment(app_at):
    query = {"dataset": "digits", "num_layers": "2", "num_hiddens": "64", "dropout": "0.2", "weight_decay": "0.001",
             "lr": "0.3", "batch_size": "64", "num_epochs": "4", "seed": "3"}
    first = app_at(query)
    first.switch_page(MLP).run()
    assert not first.exception and not first.error and not first.warning
    link = dict(first.query_params)
    assert {k: link[k] for k in query} == query
    second = app_at(link)
    second.switch_page(MLP).run()
    assert metrics(first) == metrics(second)
    s = M.Settings(dataset="digits", num_layers=2, num_hiddens=64, dropout=0.2, weight_decay=0.001, lr=0.3,
                   batch_size=64, num_epochs=4)
    expected = M.run(s, seed=3, data=load_image_data("digits"))
    m = metrics(first)
    assert m["MLP test accuracy"] == fmt(expected.last("mlp", "test_acc"), 3)
    assert m["Softmax regression test accuracy"] == fmt(expected.last("softmax", "test_acc"), 3)
    assert m["MLP parameters"] == f"{64 * 64 + 64 + 64 * 64 + 64 + 64 * 10 + 10:,}"
    text = " ".join(x.value for x in first.markdown)
    assert "64 → 64 → 64 → 10" in text and "p = 0.2" in text


def test_mlp_without_comparison_and_in_chinese(app_at):
    at = app_at({"dataset": "digits", "compare": "0", "num_epochs": "2", "lang": "zh"})
    at.switch_page(MLP).run()
    assert not at.exception and not at.error
    labels = list(metrics(at))
    assert "多层感知机测试准确率" in labels and not any("softmax" in l for l in labels)
    spec = chart_text(at.get("plotly_chart")[0])
    assert "多层感知机" in spec and "softmax 回归" not in spec


def test_mlp_divergence_and_dead_units_are_explained(app_at):
    at = app_at({"dataset": "digits", "activation": "leaky_relu", "lr": "100", "num_epochs": "3"})
    at.switch_page(MLP).run()
    assert not at.exception
    assert len(at.error) == 1 and at.error[0].icon == "💥" and "diverged" in at.error[0].value
    assert at.get("plotly_chart")
    dead = app_at({"dataset": "digits", "lr": "20", "num_epochs": "2"})
    dead.switch_page(MLP).run()
    assert not dead.exception and not dead.error
    # η = 20: the loss reaches ~5e21 without overflowing: far above ln 10, a blow-up, not "stuck at chance"
    assert any("Blew up (without overflowing)" in w.value and "Lower the learning rate" in w.value for w in dead.warning)
    assert not any("Stuck at chance" in w.value for w in dead.warning)
    # the shared verdict (engine.diagnosis): η at its minimum, with heavy dropout too, is never told to lower η
    for query, advice in (({"lr": "0.001"}, "raise the learning rate"), ({"lr": "0.001", "dropout": "0.9"}, "lower the dropout")):
        slow = app_at({"dataset": "digits", "num_epochs": "3", **query})
        slow.switch_page(MLP).run()
        said = [m.value for m in (*slow.warning, *slow.info)]
        assert any(advice in m.lower() for m in said), (query, said)
        assert not any("Lower the learning rate" in m for m in said), (query, said)


def test_mlp_offline_fallback_is_said(app_at):
    at = app_at({"dataset": "fashion_mnist", "num_epochs": "1"})
    at.switch_page(MLP).run()
    assert not at.exception and not at.error
    data = load_image_data("fashion_mnist", allow_download=False)
    if data.name == "digits":
        assert any("8×8 handwritten digits" in i.value for i in at.info)
    else:
        assert not at.info


def test_playground_default_and_link(app_at):
    at = app_at({"seed": "0"})
    at.switch_page(PLAY).run()
    assert not at.exception and not at.error and not at.warning
    r = P.run(P.Settings(), seed=0)
    m = metrics(at)
    assert m["Train accuracy"] == fmt(r.final["train_acc"], 3) and float(m["Train accuracy"]) >= 0.95
    assert m["Parameters"] == f"{r.num_params:,}"
    charts = at.get("plotly_chart")
    assert len(charts) == 3 and '"frames"' in chart_text(charts[0])          # the replay slider
    at.sidebar.selectbox(key="engine.mlp.playground.core.dataset").set_value("spiral").run()
    assert not at.exception and not at.error
    assert at.query_params["dataset"] == "spiral"


def test_playground_divergence_and_dead_relus(app_at):
    at = app_at({"activation": "linear", "lr": "100"})
    at.switch_page(PLAY).run()
    assert not at.exception
    assert len(at.error) == 1 and at.error[0].icon == "💥" and "diverged" in at.error[0].value
    assert len(at.get("plotly_chart")) == 3
    dead = app_at({"activation": "relu", "lr": "100", "lang": "zh"})
    dead.switch_page(PLAY).run()
    assert not dead.exception and not dead.error
    assert any("随机猜" in w.value for w in dead.warning)
