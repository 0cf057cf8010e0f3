"""The attention playground and the seq2seq page through AppTest: masks and scaling reach the
numbers, edited values are used and kept, typed input is validated, a link reproduces the page."""

import numpy as np

import engine.attention.playground as P
import engine.attention.translation as T
from tests.charts import chart_text
from tests.app import helpers
from tests.app.helpers import metrics

PLAY = "pages/attention/attention_playground.py"
S2S = "pages/attention/seq2seq_attention.py"


def problems(at):
    return helpers.problems(at, divergence_too=True)


def test_playground_default_matches_the_engine(app_at):
    at = app_at({"seed": "5"})
    at.switch_page(PLAY).run()
    assert not problems(at) and not at.warning
    p = P.attend(P.Settings(), seed=5)
    m = metrics(at)
    assert m["Mean max weight"] == f"{p.max_weight.mean():.3g}"
    assert m["Row sums"] == "1.000, 1.000, 1.000"
    # Nadaraya–Watson first (fit, 2 weight maps, training), then Q, K, V, 2 × (scores, weights, output), saturation
    assert len(at.get("plotly_chart")) == 14
    spec = chart_text(at.get("plotly_chart")[8])       # dot-product weights: each row label carries its sum
    assert "q1 (Σ=1.000)" in spec


def test_playground_starts_with_nadaraya_watson(app_at):
    import engine.attention.nadaraya_watson as NW
    from engine.numerics import fmt
    at = app_at({"seed": "3"})
    at.switch_page(PLAY).run()
    assert not problems(at) and not at.warning
    r = NW.run(NW.Settings(), seed=3)
    m = metrics(at)
    assert m["Error vs truth (MSE)"] == fmt(r.mse(r.y_hat), 3)
    assert m["Learned σ = 1/|w|"] == fmt(r.learned_width, 3) and r.learned_width < 1
    assert m["Weight rows sum to"] == "1.0000 … 1.0000"
    charts = at.get("plotly_chart")
    assert "Attention weights α(x, xᵢ): Gaussian, σ = 1" in chart_text(charts[1])
    assert chart_text(charts[1]).count('"heatmap"') == 1
    text = " ".join(x.value for x in at.markdown)
    assert "d2l §11.2" in text and "d2l-zh §10.2.4" in text and "average pooling" in text
    # a narrow boxcar leaves test inputs with no training input in the window: said, not a crash
    at.sidebar.selectbox(key="engine.attention.nadaraya_watson.kernel").set_value("boxcar").run()
    at.sidebar.select_slider(key="engine.attention.nadaraya_watson.width").set_value(0.05).run()
    assert not problems(at)
    assert any("no training input within the boxcar window" in w.value for w in at.warning)
    assert at.query_params["kernel"] == "boxcar" and at.query_params["width"] == "0.05"
    at.sidebar.selectbox(key="lang").set_value("zh").run()
    assert not problems(at)
    text = " ".join(x.value for x in at.markdown)
    assert "注意力汇聚" in text and "d2l 10.2 节" in text and "带参数注意力汇聚" in text
    assert "核回归" in chart_text(at.get("plotly_chart")[0])


def test_playground_masks_and_scaling(app_at):
    at = app_at({"n_queries": "4", "n_keys": "6", "valid_len": "3", "causal": "1", "scale": "0", "d": "64"})
    at.switch_page(PLAY).run()
    assert not problems(at)
    p = P.attend(P.Settings(n_queries=4, n_keys=6, valid_len=3, causal=True, scale=False, d=64), seed=0)
    assert (p.weights[:, 3:] == 0).all() and p.weights[0, 0] == 1
    assert metrics(at)["Mean max weight"] == f"{p.max_weight.mean():.3g}"
    assert any("Without the 1/√d scaling at d = 64" in i.value for i in at.info)      # saturation explained
    assert "causal mask" in at.markdown[-1].value or any("causal mask" in x.value for x in at.markdown)
    # the same inputs with scaling on: a flatter softmax
    at.sidebar.toggle(key="engine.attention.playground.scale").set_value(True).run()
    scaled = P.attend(P.Settings(n_queries=4, n_keys=6, valid_len=3, causal=True, scale=True, d=64), seed=0)
    assert scaled.entropy.mean() > p.entropy.mean()
    assert metrics(at)["Mean max weight"] == f"{scaled.max_weight.mean():.3g}"
    assert not at.info or not any("Without the 1/√d" in i.value for i in at.info)


def test_playground_edited_values_are_used_and_validated(app_at):
    at = app_at({"source": "edited"})
    at.switch_page(PLAY).run()
    assert not problems(at)
    assert len(at.dataframe) >= 3                                         # the three editors
    # what the editor holds between runs: a zero query gives every key the same score
    at.session_state["att_last_Q"] = np.zeros((3, 8), dtype=np.float32)
    at.run()
    assert metrics(at)["Mean max weight"] == "0.2"                        # uniform over 5 keys
    # an emptied cell is reported and read as 0, never an exception
    K = P.random_qkv(P.Settings(), 0)["K"].copy()
    K[1, 2] = np.nan
    at.session_state["att_last_K"] = K
    at.run()
    assert not problems(at)
    assert any("row 2, column 3: empty → 0" in w.value for w in at.warning)
    # a new d keeps the edited overlap
    at.sidebar.slider(key="engine.attention.playground.d").set_value(4).run()
    assert metrics(at)["Mean max weight"] == "0.2"
    # back to the seed's draw
    at.button(key="att_redraw_Q").click().run()
    assert metrics(at)["Mean max weight"] != "0.2"


def test_seq2seq_default_trains_and_translates(app_at):
    at = app_at()
    at.switch_page(S2S).run()
    assert not problems(at) and not at.warning
    m = metrics(at)
    r = T.run(T.Settings(), seed=0)
    assert m["Exact match, with attention"] == f"{100 * r.accuracy('attention'):.1f} %"
    assert m["Exact match, without attention"] == f"{100 * r.accuracy('no_attention'):.1f} %"
    assert r.accuracy("attention") >= 0.9 > r.accuracy("no_attention") + 0.5
    assert len(at.get("plotly_chart")) == 2                               # curves and alignment
    codes = [c.value for c in at.code]
    assert "the twenty first of march nineteen ninety nine" in codes       # what the model reads
    assert "1999-03-21" in codes
    assert any("✓" in c.value for c in at.caption)
    assert at.query_params["sentence"] == "the twenty-first of march nineteen ninety-nine"


def test_seq2seq_typed_input_is_validated(app_at):
    at = app_at()
    at.switch_page(S2S).run()
    at.text_input(key="s2s_sentence").set_value("The 4th of Julyy, nineteen seventy-six!").run()
    assert not problems(at)
    warnings = " ".join(w.value for w in at.warning)
    assert "'!'" in warnings and "'4'" in warnings                          # characters removed
    assert "'julyy'" in warnings and "<unk>" in warnings                   # unknown word
    assert "the <unk> of <unk> nineteen seventy six" in [c.value for c in at.code]
    assert any("no correct answer" in i.value for i in at.info)
    at.text_input(key="s2s_sentence").set_value("").run()
    assert not problems(at) and any("Type a date" in i.value for i in at.info)
    at.text_input(key="s2s_sentence").set_value("nine " * 60).run()
    assert not problems(at) and any("too long" in w.value for w in at.warning)


def test_seq2seq_link_with_sentence_and_without_comparison(app_at):
    at = app_at({"sentence": "december twenty-fifth two thousand and eight", "compare": "0",
                 "num_epochs": "1", "lang": "zh"})
    at.switch_page(S2S).run()
    assert not problems(at)
    assert at.text_input(key="s2s_sentence").value == "december twenty-fifth two thousand and eight"
    labels = list(metrics(at))
    assert labels[0] == "完全匹配，带注意力" and not any("无注意力" in l for l in labels)
    assert "2008-12-25" in [c.value for c in at.code]                     # the correct answer is shown
    assert "对齐" in chart_text(at.get("plotly_chart")[1])
