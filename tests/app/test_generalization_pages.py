"""The generalization pages through AppTest: the book's runs in one click, the verdict the book gives,
the numbers on the page equal the engine's, 中文 reaches the charts."""
from engine.generalization import polynomial as P, weight_decay as W
from tests.charts import chart_text
from tests.app.helpers import metrics, open_page

POLY = "pages/training/under_overfitting.py"
DECAY = "pages/training/weight_decay.py"


def text(at):
    return " ".join(m.value for m in at.markdown)


def test_the_books_three_runs_in_one_click(app_at):
    at = open_page(app_at, POLY)
    assert "A good fit" in text(at)                                 # the default: cubic, 400 epochs
    at.button(key="book_linear").click().run()
    assert at.query_params["degree"] == "1" and "Underfitting" in text(at)
    assert metrics(at)["Training loss (degree 1)"] == "5.338"
    at.button(key="book_high").click().run()
    assert at.query_params["degree"] == "19" and at.query_params["num_epochs"] == "1500"
    r = P.run(P.Settings(degree=19, num_epochs=1500))
    assert metrics(at)["Test loss (degree 19)"] == f"{r.final(19):.4g}"
    assert len(at.get("plotly_chart")) == 5                         # curves, fit, U, weights, learning curve


def test_few_examples_overfit_on_the_page(app_at):
    at = open_page(app_at, POLY, {"degree": "19", "num_epochs": "1500", "n_train": "10"})
    assert "Overfitting" in text(at)


def test_polynomial_page_in_chinese(app_at):
    at = open_page(app_at, POLY, {"lang": "zh"})
    charts = " ".join(chart_text(c) for c in at.get("plotly_chart"))
    assert "阶数" in charts and "学习曲线" in charts and "拟合" in text(at)


def test_weight_decay_page_numbers_and_chinese(app_at):
    at = open_page(app_at, DECAY)
    r = W.run(W.Settings())
    m = metrics(at)
    assert m["‖w‖ (λ = 3)"] == f"{r.final('w_norm'):.4g}" and m["‖w‖ without decay"] == f"{r.final('w_norm', 0.0):.4g}"
    at.sidebar.radio(key="engine.generalization.weight_decay.impl").set_value("concise").run()
    assert metrics(at)["‖w‖ (λ = 3)"] == m["‖w‖ (λ = 3)"]            # scratch = concise
    at.sidebar.selectbox(key="lang").set_value("zh").run()
    assert not at.exception
    assert "‖w‖" in " ".join(chart_text(c) for c in at.get("plotly_chart")) and "权重衰减" in at.title[0].value


KFOLD = "pages/training/kfold.py"
DROPOUT = "pages/training/dropout.py"


def test_kfold_page_chooses_the_degree_then_one_test_look(app_at):
    from engine.generalization import kfold as K
    at = open_page(app_at, KFOLD, {"select": "degree", "k": "4"})
    r = K.run(K.Settings(select="degree", k=4))
    m = metrics(at)
    assert m["Chosen by cross-validation"] == "3" and m["Test error, one look"] == f"{r.test_error:.4g}"
    assert "4 folds" in " ".join(chart_text(c) for c in at.get("plotly_chart"))


def test_kfold_page_offline_says_which_data_and_why(app_at, monkeypatch):
    monkeypatch.setenv("DEEPDIVE_OFFLINE", "1")
    from engine.datasets import house
    house.clear_cache()
    at = open_page(app_at, KFOLD, {"lang": "zh"})
    assert any("糖尿病" in i.value for i in at.info)
    assert "折" in " ".join(chart_text(c) for c in at.get("plotly_chart"))
    house.clear_cache()


def test_dropout_page_links_gradient_checking_and_shows_masks(app_at):
    at = open_page(app_at, DROPOUT, {"dataset": "digits", "num_epochs": "3"})
    links = [p for p in at.get("page_link")]
    assert links, "no link to the gradient-checking lesson"
    assert len(at.get("plotly_chart")) == 2 and len(at.dataframe) >= 1
    m = metrics(at)
    assert "Test accuracy, with dropout" in m and "Test − training loss, without dropout" in m
