"""The three gradient pages through AppTest: the numbers on the page are the engine's, inf/NaN are
explained (💥) and marked on the charts with the step or layer, a link reproduces the page, the
bug switch is caught and located, dropout and float32 are explained, 中文 reaches the charts."""
import dataclasses

from engine.gradients import bptt as BP, clipping as CL, deep_nets as DN, grad_check as GC, scalar_chain as SC
from engine.numerics import fmt
from tests.charts import chart_text

EXPLODING = "pages/training/exploding_gradients.py"
CLIPPING = "pages/training/gradient_clipping.py"
CHECKING = "pages/training/gradient_checking.py"


def metrics(at):
    return {m.label: m.value for m in at.metric}


def charts(at) -> str:
    # divergence labels are wrapped short (engine.plotting.mark_divergence): read them as one line
    return " ".join(chart_text(c).replace("<br>", " ") for c in at.get("plotly_chart"))


def booms(at):
    return [e.value for e in at.error if e.icon == "💥"]


def open_page(app_at, page, query=None):
    at = app_at(query)
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_settings_on_one_page_never_share_a_url_key():
    names = [f.name for cls in (SC.Settings, DN.Settings, BP.Settings) for f in dataclasses.fields(cls)]
    assert len(names) == len(set(names))


# ---- exploding gradients ------------------------------------------------------------------------

def test_exploding_defaults_show_the_books_numbers(app_at):
    at = open_page(app_at, EXPLODING)
    m = metrics(at)
    assert m["w^T, exact"] == "2.07516×10⁴" and m["float64"] == fmt(1.01 ** 999, 6)
    assert not booms(at)
    tables = " ".join(str(t.value) for t in at.table)
    assert "1.073741824×10⁻²¹" in tables and "9.31322574615478515625×10²⁰" in tables and "4.36073206168×10⁻⁵" in tables
    r = DN.run(DN.Settings(), seed=0)
    assert m["Activations: last ÷ first layer"] == fmt(r.act_ratio)
    assert len(at.get("plotly_chart")) == 6
    # today's book: 100 Gaussian 4×4 matrices, with the theory's rate beside the measured one
    from engine.gradients import matrix_chain as MC
    rm = MC.run(seed=0)
    text = " ".join(md.value for md in at.markdown)
    assert f"×{rm.growth_per_factor:.3f} per factor" in text and "×1.747" in text and "d2l §5.4.1" in text
    assert "动手学深度学习 (1st ed.) §3.15" in text and "d2l §4.8" not in text
    assert "‖M_k‖" in charts(at)


def test_overflow_is_explained_and_marked_with_its_step_and_layer(app_at):
    query = {"w": "5", "T": "1000", "activation": "identity", "init": "normal", "sigma": "10", "num_layers": "50",
             "width": "256", "sigma_max": "5", "num_steps": "200", "matrix": "orthogonal"}
    at = open_page(app_at, EXPLODING, query)
    errors = booms(at)
    assert any("float32" in e and "t = 56" in e for e in errors) and any("float64" in e and "t = 442" in e for e in errors)
    deep = DN.run(DN.Settings(activation="identity", init="normal", sigma=10.0, num_layers=50, width=256))
    assert any(f"layer {deep.act_bad[0]}" in e for e in errors)
    bptt = BP.run(BP.Settings(sigma_max=5.0, num_steps=200, matrix="orthogonal"))
    assert any(f"after {bptt.bad['linear'][0]} steps back" in e for e in errors)
    spec = charts(at)
    assert "float32: inf at step 56" in spec and "float64: inf at step 442" in spec
    assert f"activations: {deep.act_bad[1]} at layer {deep.act_bad[0]}" in spec
    assert f"× Whᵀ: {bptt.bad['linear'][1]} at step {bptt.bad['linear'][0]}" in spec
    assert "every value here is inf or NaN" in spec         # the weight-gradient chart is all NaN, and says so
    assert metrics(at)["w^T, exact"] == "9.33264×10⁶⁹⁸" and metrics(at)["float64"] == "+inf"


def test_designed_initialisation_gives_a_factor_of_one(app_at):
    at = open_page(app_at, EXPLODING)
    at.selectbox(key="engine.gradients.deep_nets.activation").set_value("relu")
    at.selectbox(key="engine.gradients.deep_nets.init").set_value("he").run()
    assert not at.exception
    assert metrics(at)["Factor per layer n·Var(W)·c"] == "1"
    assert at.query_params["init"] == "he" and at.query_params["activation"] == "relu"


def test_underflow_is_shown_as_vanishing_not_as_an_error(app_at):
    at = open_page(app_at, EXPLODING, {"w": "0.1", "T": "1000", "num_layers": "50", "width": "8",
                                       "activation": "identity", "sigma": "0.01"})
    assert not [e for e in at.error if e.icon != "💥"]
    assert any("underflowed to 0" in i.value for i in at.info)


def test_exploding_link_reproduces_the_page(app_at):
    first = open_page(app_at, EXPLODING, {"w": "0.99", "T": "500", "init": "xavier_normal", "seed": "3",
                                          "sigma_max": "1.2", "matrix": "orthogonal"})
    second = open_page(app_at, EXPLODING, dict(first.query_params))
    assert metrics(first) == metrics(second)
    assert metrics(first)["w^T, exact"] == SC.pretty(SC.exact_power("0.99", 500), 6)
    r = BP.run(BP.Settings(sigma_max=1.2, matrix="orthogonal"), seed=3)
    assert metrics(first)["‖dh‖ after T steps: Whᵀ only"] == fmt(r.steps["linear"].iloc[-1])


def test_exploding_in_chinese(app_at):
    at = open_page(app_at, EXPLODING, {"lang": "zh"})
    assert at.title[0].value == "梯度消失与梯度爆炸"
    spec = charts(at)
    assert "逐层的激活值与梯度的均方根" in spec and "沿时间反向时的" in spec
    assert any("为什么是连乘" in m.value for m in at.markdown)


# ---- clipping ------------------------------------------------------------------------------

def test_clipping_defaults_show_the_cliff_and_the_rescue(app_at):
    at = open_page(app_at, CLIPPING)
    r = CL.run(CL.Settings(), seed=0)
    m = metrics(at)
    assert m["Final loss, no clipping"] in ("+inf", "NaN")
    assert m["Final loss, clipped at θ"] == fmt(r.clipped["loss"].iloc[-1])
    assert m["Largest ‖g‖, no clipping"] == fmt(r.steepest_plain[1])
    (boom,) = booms(at)
    assert f"at update {r.divergence_plain.step}" in boom and "η·θ = 0.01" in boom
    spec = charts(at)
    assert f"no clipping: {r.divergence_plain.kind} at update {r.divergence_plain.step}" in spec
    assert "θ = 1" in spec and "wall" in spec


def test_small_steps_need_no_clipping_and_a_large_threshold_does_not_help(app_at):
    calm = open_page(app_at, CLIPPING, {"lr": "0.001", "num_iters": "100"})
    assert not booms(calm)
    wild = open_page(app_at, CLIPPING, {"lr": "0.1", "theta": "100"})
    assert any("Even with clipping" in e for e in booms(wild))


def test_clipping_threshold_slider_changes_the_run(app_at):
    at = open_page(app_at, CLIPPING)
    before = metrics(at)["Final loss, clipped at θ"]
    at.select_slider(key="engine.gradients.clipping.theta").set_value(0.5).run()
    assert not at.exception and at.query_params["theta"] == "0.5"
    assert metrics(at)["Final loss, clipped at θ"] == fmt(CL.run(CL.Settings(theta=0.5)).clipped["loss"].iloc[-1]) != before


def clip_verdicts(at) -> list[str]:
    """The shared verdicts (engine.diagnosis) under the clipping charts, one per run that did not diverge."""
    return [e.value for e in [*at.warning, *at.info, *at.success] if e.icon in ("📉", "📈", "🎯", "ℹ️")]


def test_clipping_verdict_per_run_against_predicting_the_mean(app_at):
    """issue 15: each run gets the verdict that fits its squared loss: the baseline is predicting the
    mean of y (0), Σ (u*·w*^k)², and the floor is 0 (a noiseless teacher of the same form)."""
    at = open_page(app_at, CLIPPING)                  # no clipping diverges (💥, above); clipping still improving
    r = CL.run(CL.Settings(), seed=0)
    (v,) = clip_verdicts(at)
    assert v.startswith("**clipped at θ** — **Still improving:**") and fmt(r.clipped["loss"].iloc[-1]) in v
    # a large θ clips nothing: the run came down, then a step on the cliff threw it back up
    wild = open_page(app_at, CLIPPING, {"theta": "100"})
    (v,) = clip_verdicts(wild)
    assert "**Unstable:**" in v and "thrown back up" in v and "Lower the learning rate" in v
    # η at its minimum for 10 updates: both runs still near the baseline, told to raise η, not lower it
    slow = open_page(app_at, CLIPPING, {"lr": "0.001", "num_iters": "10"})
    both = clip_verdicts(slow)
    assert len(both) == 2 and all("No better than predicting the mean" in v and "Raise the learning rate" in v
                                  for v in both)
    assert fmt(r.baseline_loss) in both[0] and "Lower the learning rate" not in " ".join(both)
    zh = open_page(app_at, CLIPPING, {"lr": "0.001", "num_iters": "10", "lang": "zh"})
    assert [v.split(" — ")[0] for v in clip_verdicts(zh)] == ["**不裁剪**", "**裁剪到 θ**"]
    assert all("不比预测均值更好" in v and "请提高学习率" in v for v in clip_verdicts(zh))


# ---- gradient checking --------------------------------------------------------------------------

def test_checking_passes_by_default(app_at):
    at = open_page(app_at, CHECKING)
    r = GC.run(GC.Settings(), seed=0)
    assert metrics(at)["Relative error, all parameters"] == f"{r.overall:.2e}"
    assert metrics(at)["Verdict"] == "fine" and metrics(at)["Wrong gradient in"] == "—"
    assert at.success and not at.warning


def test_the_bug_switch_is_caught_and_located(app_at):
    at = open_page(app_at, CHECKING)
    at.selectbox(key="engine.gradients.grad_check.bug").set_value("tanh_derivative").run()
    assert not at.exception
    assert metrics(at)["Wrong gradient in"] == "W1, b1" and metrics(at)["Verdict"] == "bug"
    (warning,) = at.warning
    assert warning.icon == "🐞" and "TanhFunction.backward" in warning.value and "W2, b2 check out" in warning.value
    at.selectbox(key="engine.gradients.grad_check.bug").set_value("b2_mean").run()
    assert metrics(at)["Wrong gradient in"] == "b2"
    at.slider(key="engine.gradients.grad_check.batch_size").set_value(1).run()
    assert metrics(at)["Wrong gradient in"] == "—" and any("batch of one" in i.value for i in at.info)


def test_dropout_fails_the_check_and_a_fixed_mask_passes(app_at):
    at = open_page(app_at, CHECKING, {"dropout": "fresh_mask"})
    assert metrics(at)["Verdict"] == "bug" and at.warning[0].icon == "🎲"
    assert "not the backward pass's fault" in at.warning[0].value
    at.radio(key="engine.gradients.grad_check.dropout").set_value("fixed_mask").run()
    assert metrics(at)["Verdict"] == "fine" and at.success


def test_float32_is_explained(app_at):
    at = open_page(app_at, CHECKING, {"dtype": "float32"})
    assert at.warning[0].icon == "🔢" and "float64" in at.warning[0].value


def test_checking_in_chinese(app_at):
    at = open_page(app_at, CHECKING, {"lang": "zh", "bug": "W1_transposed"})
    assert at.title[0].value == "梯度检验"
    assert "检验发现了错误" in at.warning[0].value
    assert "每个参数的相对误差" in charts(at)


def test_a_large_or_tiny_eps_is_blamed_not_the_backward_pass(app_at):
    """No bug planted: a failing check at ε = 0.1 is the difference quotient's error, and a passing
    one whose worst error is above 1e-7 does not claim to be below it."""
    at = open_page(app_at, CHECKING, {"eps": "0.1"})
    assert metrics(at)["Wrong gradient in"] == "—"          # no gradient is wrong: the quotient is
    (warning,) = at.warning
    assert warning.icon == "📏" and "no bug is planted" in warning.value and "🐞" not in [w.icon for w in at.warning]
    assert "too large" in warning.value
    at = open_page(app_at, CHECKING, {"eps": "1e-10"})
    worst = GC.run(GC.Settings(eps=1e-10), seed=0).params["rel_error"].max()
    assert 1e-7 < worst < 1e-3
    assert not at.success and any(f"{worst:.1e}" in i.value and "1e-7" in i.value for i in at.info)


def test_float32_still_names_a_bug_that_stands_out(app_at):
    """float32, b2 averaged, ε = 1e-3: b2's error (0.78) stands ~1,800× above the others' rounding."""
    at = open_page(app_at, CHECKING, {"dtype": "float32", "bug": "b2_mean", "eps": "0.001"})
    assert not at.exception and metrics(at)["Wrong gradient in"] == "b2"
    (warning,) = at.warning
    assert warning.icon == "🐞" and "∂J/∂b2" in warning.value and "without any bug" not in warning.value
    # at ε = 1e-7 rounding swamps every parameter: nothing is named, and no bug-free claim is made
    at = open_page(app_at, CHECKING, {"dtype": "float32", "bug": "b2_mean"})
    assert metrics(at)["Wrong gradient in"] == "—"
    assert "cannot locate" in at.warning[0].value and "without any bug" not in at.warning[0].value


def test_float32_with_a_large_eps_blames_eps_as_float64_does(app_at):
    """issue 15: float32 at ε = 0.1 blamed float32 rounding, while float64 gives the same errors and
    says ε is too large. Both precisions now blame ε, and the float32 page quotes float64's errors."""
    r64 = GC.run(GC.Settings(eps=0.1), seed=0)
    texts = {}
    for dtype in ("float64", "float32"):
        at = open_page(app_at, CHECKING, {"eps": "0.1", "dtype": dtype})
        (warning,) = at.warning
        assert warning.icon == "📏" and "ε = 0.1 is too large" in warning.value
        assert "rounding" not in warning.value.split("Rounding")[0] and "without any bug" not in warning.value
        texts[dtype] = warning.value
    assert ", ".join(f"{v:.1e}" for v in r64.rel_errors.values()) in texts["float32"]
    # at ε = 1e-4 float32's error is rounding (float64 checks out there): rounding stays blamed
    at = open_page(app_at, CHECKING, {"eps": "0.0001", "dtype": "float32"})
    assert at.warning[0].icon == "🔢" and "without any bug" in at.warning[0].value


def test_dropout_with_a_planted_bug_says_both(app_at):
    """issue 15: tanh′ planted and dropout on said 'not the backward pass's fault'."""
    at = open_page(app_at, CHECKING, {"dropout": "fresh_mask", "bug": "tanh_derivative"})
    (msg,) = at.error
    assert msg.icon == "🐞" and "two reasons" in msg.value and "new mask" in msg.value
    assert "∂J/∂W1, b1" in msg.value and "TanhFunction.backward" in msg.value
    assert "not the backward pass's fault" not in msg.value
    assert metrics(at)["Wrong gradient in"] == "W1, b1"
    off = GC.run(GC.Settings(bug="tanh_derivative"), seed=0).rel_errors
    assert f"{off['W1']:.1e}, {off['b1']:.1e}" in msg.value          # the errors with dropout off
    at = open_page(app_at, CHECKING, {"dropout": "fresh_mask", "bug": "b2_mean", "batch_size": "1", "lang": "zh"})
    assert at.warning[0].icon == "🎲" and "也植入了错误" in at.warning[0].value


def test_exploding_link_with_a_long_w_snaps_and_shows_the_exact_power(app_at):
    # issue 13: this link showed "Exceeds the limit (4300 digits) for integer string conversion"
    at = app_at({"lesson": "exploding_gradients", "w": "2.560530468081178", "T": "1000"})
    at.run()
    assert not at.exception and not [e.value for e in at.error if e.icon != "💥"]
    assert any("rounded to 2.56" in w.value for w in at.warning), [w.value for w in at.warning]
    assert at.query_params["w"] == "2.56"
    assert metrics(at)["w^T, exact"] == SC.pretty(SC.exact_power("2.56", 1000), 6) == "1.73766×10⁴⁰⁸"
    for w, T in (("3.3", "1000"), ("2.56", "916")):
        at = open_page(app_at, EXPLODING, {"w": w, "T": T})
        assert not [e.value for e in at.error if e.icon != "💥"]
        assert metrics(at)["w^T, exact"] == SC.pretty(SC.exact_power(w, int(T)), 6)
