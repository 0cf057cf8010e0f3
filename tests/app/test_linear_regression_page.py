"""The linear regression page through AppTest: a link reproduces the numbers, divergence is
explained on the page, the shared cache serves a second student, Chinese everywhere."""

import engine.linear_regression as L
from engine.numerics import fmt
from pages._ui._run import shared_cache
from tests.charts import chart_text
from tests.app.helpers import metrics

PAGE = "pages/basics/linear_regression.py"


def test_link_reproduces_the_experiment(app_at):
    query = {"lr": "0.1", "batch_size": "20", "num_epochs": "5", "seed": "7", "noise": "0.1", "impl": "concise"}
    first = app_at(query)
    first.switch_page(PAGE).run()
    assert not first.exception and not first.warning
    link = dict(first.query_params)
    assert {k: link[k] for k in query} == query
    second = app_at(link)                     # another browser opening the shared link
    second.switch_page(PAGE).run()
    assert metrics(first) == metrics(second)
    expected = L.run(L.Settings(lr=0.1, batch_size=20, num_epochs=5, noise=0.1, impl="concise"), seed=7)
    assert metrics(first)["Final loss"] == fmt(expected.final_loss)


def share_box_link(at) -> str:
    return next(c.value for c in at.code if "lesson=" in c.value)


def test_share_box_link_opens_the_lesson_with_its_settings(app_at):
    """The share box gives /?lesson=<page>&<settings> (the app's root, which a freshly started
    server never answers with "Page not found"); opening it lands on the lesson, same numbers."""
    from urllib.parse import parse_qsl, urlsplit

    query = {"lr": "0.1", "batch_size": "20", "num_epochs": "5", "seed": "7", "lang": "zh"}
    first = app_at(query)
    first.switch_page(PAGE).run()
    link = urlsplit(share_box_link(first))
    assert link.path == "/"
    params = dict(parse_qsl(link.query))
    assert params["lesson"] == "linear_regression" and {k: params[k] for k in query} == query
    second = app_at(params)                   # another browser opening it: no page given, only the root
    second.run()
    assert not second.exception and second.title[0].value == L.STRINGS["title"]["zh"]
    assert metrics(second) == metrics(first)
    assert "lesson" not in second.query_params and second.query_params["lr"] == "0.1"


def test_share_box_link_keeps_link_notices(app_at):
    at = app_at({"lesson": "linear_regression", "lr": ["0.1", "0.05"], "num_epochs": "9999"})
    at.run()
    assert at.title[0].value == L.STRINGS["title"]["en"]
    notice = " ".join(w.value for w in at.warning)
    assert "num_epochs" in notice and "lr" in notice            # clamped, and repeated
    assert at.query_params["lr"] == "0.05"


def test_link_to_an_unknown_lesson_says_so_on_home(app_at):
    at = app_at({"lesson": "no_such<b>lesson"})
    at.run()
    assert not at.exception
    assert any("no_such<b>lesson" in w.value and "does not have" in w.value for w in at.warning)


def test_divergence_is_explained_not_raised(app_at):
    at = app_at({"lr": "10"})
    at.switch_page(PAGE).run()
    assert not at.exception
    assert len(at.error) == 1 and "diverged" in at.error[0].value and "2/λmax" in at.error[0].value
    assert metrics(at)["Final loss"] in ("+inf", "NaN")


def test_settings_survive_a_visit_to_another_page(app_at):
    at = app_at({"lr": "0.1"})
    at.switch_page(PAGE).run()
    at.switch_page("pages/home/home.py").run()
    at.switch_page(PAGE).run()
    assert at.query_params["lr"] == "0.1"
    assert at.select_slider(key="engine.linear_regression.core.lr").value == 0.1


def test_second_student_gets_the_shared_cached_result(app_at):
    at = app_at({"seed": "12345"})
    at.switch_page(PAGE).run()
    n = len(shared_cache())
    other = app_at({"seed": "12345"})
    other.switch_page(PAGE).run()
    assert len(shared_cache()) == n and metrics(other) == metrics(at)


def test_chinese_reaches_the_explanation_and_charts(app_at):
    at = app_at({"lang": "zh"})
    at.switch_page(PAGE).run()
    assert at.title[0].value == "线性回归"
    assert any("小批量" in m.value for m in at.markdown)
    figs = [chart_text(c) for c in at.get("plotly_chart")]
    assert any("训练损失" in spec for spec in figs)


def test_chinese_link_translates_the_navigation_on_the_first_run(app_at):
    at = app_at({"lang": "zh"})
    at.run()
    assert "实验室" in at.title[0].value
    assert any("基础" in m.value for m in at.subheader)       # group names on Home


def test_bad_language_in_link_is_reported_on_home(app_at):
    at = app_at({"lang": "xx"})
    at.run()
    assert at.title[0].value == "DeepDive Lab"
    assert any("`lang`" in w.value for w in at.warning)


def test_a_repeated_parameter_uses_the_last_and_says_so(app_at):
    at = app_at({"lr": ["0.1", "0.05"]})
    at.switch_page(PAGE).run()
    assert not at.exception
    assert at.query_params["lr"] == "0.05"
    (notice,) = [w.value for w in at.warning if w.icon == "🔗"]
    assert "`lr` given 2 times" in notice and "0.05" in notice


def test_link_notice_stays_until_a_run_that_showed_it_ends(app_at):
    """The notice is shown by every run until one that showed it gets to its end (a Stop during the
    link's first training keeps it: tests/e2e); then the student's own changes carry no notice."""
    at = app_at({"num_epochs": "2.5", "lr": "9e9"})
    at.switch_page(PAGE).run()
    notice = " ".join(w.value for w in at.warning)
    assert "rounded to 3" in notice and "clamped" in notice
    at.run()
    assert not any("link" in w.value for w in at.warning)


def test_empty_or_home_lesson_in_a_link_is_just_home(app_at):
    for value in ("", "home"):
        at = app_at({"lesson": value})
        at.run()
        assert not at.exception and not at.warning


def test_sgd_divergence_below_the_gd_bound_names_the_minibatches(app_at):
    at = app_at({"lr": "1", "batch_size": "1"})
    at.switch_page(PAGE).run()
    assert not at.exception and len(at.error) == 1
    text = at.error[0].value
    assert "below 2/λmax" in text and "full-batch" in text and "|B| = 1" in text and "above that bound" not in text


# ---- the shared verdict (engine.diagnosis) against the baseline ½ Var y and the noise floor σ²/2 ----

VERDICT_ICONS = ("📉", "📈", "🎯", "ℹ️")


def verdicts(at) -> list[str]:
    return [e.value for e in [*at.warning, *at.info, *at.success] if e.icon in VERDICT_ICONS]


def test_defaults_reach_the_noise_floor_and_say_no_model_does_better(app_at):
    at = app_at()
    at.switch_page(PAGE).run()
    r = L.run(L.Settings(), seed=0)
    (v,) = verdicts(at)
    assert v.startswith("**Reached the noise floor:**") and "no model can do better" in v
    assert f"noise floor {fmt(r.noise_floor)}" in v and fmt(r.final_loss) in v and fmt(r.baseline_loss) in v
    assert at.success[0].icon == "🎯"
    zh = app_at({"lang": "zh"})
    zh.switch_page(PAGE).run()
    (v,) = verdicts(zh)
    assert v.startswith("**达到噪声下限：**") and "任何模型都无法做得更好" in v


def test_the_largest_learning_rate_diverges_and_gets_no_other_verdict(app_at):
    from engine.settings import bounds
    at = app_at({"lr": "1e308"})               # clamped to the slider's top
    assert bounds(L.Settings)["lr"].hi == 10.0
    at.switch_page(PAGE).run()
    assert not at.exception
    boom = [e.value for e in at.error if e.icon == "💥"]
    assert boom and "diverged" in boom[0]
    assert verdicts(at) == []          # not "stuck" nor "settled": the divergence is the verdict


def test_a_tiny_learning_rate_for_one_epoch_is_told_to_raise_it_or_train_longer(app_at):
    for lang, raise_it, mean in (("en", "raise the learning rate or train for longer", "predicting the mean"),
                                 ("zh", "请提高学习率或训练更久", "预测均值")):
        at = app_at({"lr": "0.001", "num_epochs": "1", "lang": lang})
        at.switch_page(PAGE).run()
        (v,) = verdicts(at)
        assert raise_it in v and mean in v, v
        assert "Lower the learning rate" not in v and "降低学习率" not in v
        assert any(e.icon == "📈" and e.value == v for e in at.info)
