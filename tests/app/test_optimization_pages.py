"""The five optimization pages through AppTest: a link reproduces the book's numbers on the page,
divergence is explained (💥) with its step and value, 中文 reaches the charts, the data used is named."""
from engine.optimization import network as N
from tests.charts import chart_text

GD = "pages/training/gradient_descent.py"
MINIBATCH = "pages/training/minibatch_sgd.py"
AVERAGES = "pages/training/weighted_averages.py"
RACE_2D = "pages/training/optimizers_2d.py"
NETWORK = "pages/training/optimizers_network.py"


def open_page(app_at, page, query=None):
    at = app_at(query)
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at):
    return {m.label: m.value for m in at.metric}


def booms(at):
    return [e.value for e in at.error if e.icon == "💥"]


def test_gradient_descent_link_reproduces_the_books_numbers(app_at):
    at = open_page(app_at, GD, {"lr": "1.1"})
    m = metrics(at)
    assert m["x after 10 steps"] == "61.917364" and m["(x₁, x₂) after 20 steps"] == "(-0.057646, -0.000073)"
    assert any("1 − 2η = -1.2" in b for b in booms(at))
    at = open_page(app_at, GD, {"lr_2d": "0.6", "steps_2d": "20"})
    assert any("diverges along x₂" in b and "1 − 4η = -1.4" in b for b in booms(at))
    assert metrics(at)["x₂ factor |1 − 4η|"] == "1.4"


def test_race_2d_shows_the_books_divergence_and_numbers(app_at):
    at = open_page(app_at, RACE_2D, {"lr_gd": "0.6"})
    boom = " ".join(booms(at))
    assert "(-0.387814, -1673.365109)" in boom and "step 19" in boom and "1.4 > 1" in boom
    table = at.dataframe[0].value
    assert "(0.007188, 0.002553)" in table.iloc[:, 1].tolist()           # momentum, the book's numbers
    assert "(-2.382563, -0.158591)" in table.iloc[:, 1].tolist()         # AdaGrad
    assert len(at.get("plotly_chart")) == 6
    at.sidebar.selectbox(key="lang").set_value("zh").run()
    assert not at.exception
    text = " ".join(chart_text(c) for c in at.get("plotly_chart"))
    assert "动量法" in text and "每步因子" in text


def test_race_2d_other_surfaces_have_no_eigen_view(app_at):
    at = open_page(app_at, RACE_2D, {"surface": "rosenbrock", "num_steps": "500"})
    assert len(at.get("plotly_chart")) == 4
    assert "The eigen-direction view (quadratic)" not in [h.value for h in at.main.subheader]


def test_averages_page_numbers(app_at):
    at = open_page(app_at, AVERAGES, {"beta": "0.98", "bias_correction": "0"})
    m = metrics(at)
    assert m["Window 1/(1 − β)"] == "50 days" and m["Lag β/(1 − β)"] == "49 days"
    assert m["v₁ / θ₁ without correction"] == "0.02"


def test_network_page_names_its_data_and_flags_divergence(app_at):
    at = open_page(app_at, NETWORK, {"dataset": "digits", "num_train": "500", "num_hiddens": "32", "num_epochs": "2",
                                      "lr_momentum": "100", "beta": "0.99"})
    assert any("Handwritten digits" in m.value for m in at.markdown)
    assert any("Momentum diverged" in b for b in booms(at))
    assert metrics(at)["Updates per optimizer"] == f"{2 * 8:,}"


def test_minibatch_page_says_which_data_and_why(app_at):
    at = open_page(app_at, MINIBATCH, {"dataset": "synthetic"})
    assert any("generated (same shape)" in m.value for m in at.markdown)
    assert len(at.get("plotly_chart")) == 5
    assert set(N.NAMES) and metrics(at)
