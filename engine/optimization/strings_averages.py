"""English and 中文 text of the page "Exponentially weighted averages" and of its charts."""
from engine.optimization.strings import COMMON

STRINGS = {
    **COMMON,
    "title": {"en": "Exponentially weighted averages", "zh": "指数加权移动平均"},
    "summary": {"en": "v_t = βv_{t−1} + (1 − β)θ_t on a noisy year of temperatures: the window ≈ 1/(1 − β), the weights β^k(1 − β), the early underestimate and its bias correction — the average inside momentum and Adam (Ng, course 2; ⟦leaky_averages⟧).",
                "zh": "在一年带噪声的气温上计算 v_t = βv_{t−1} + (1 − β)θ_t：窗口约为 1/(1 − β)，权重为 β^k(1 − β)，开头的低估与偏差修正——这正是动量法和 Adam 内部的平均（吴恩达课程二；⟦leaky_averages⟧）。"},
    "data_header": {"en": "Data", "zh": "数据"},
    "avg_header": {"en": "Average", "zh": "平均"},
    "num_days": {"en": "Days", "zh": "天数"},
    "noise": {"en": "Day-to-day noise σ (°C)", "zh": "每日噪声 σ（°C）"},
    "beta": {"en": "β", "zh": "β"},
    "beta_help": {"en": "Ng's examples: 0.9 (≈ 10 days), 0.98 (≈ 50 days), 0.5 (≈ 2 days).",
                  "zh": "吴恩达的例子：0.9（约 10 天）、0.98（约 50 天）、0.5（约 2 天）。"},
    "bias_correction": {"en": "Bias correction v_t / (1 − βᵗ)", "zh": "偏差修正 v_t / (1 − βᵗ)"},
    "compare": {"en": "Also draw β = 0.5, 0.9, 0.98", "zh": "同时画出 β = 0.5、0.9、0.98"},
    "metric_window": {"en": "Window 1/(1 − β)", "zh": "窗口 1/(1 − β)"},
    "metric_mass": {"en": "Weight inside the window", "zh": "窗口内的权重"},
    "metric_lag": {"en": "Lag β/(1 − β)", "zh": "滞后 β/(1 − β)"},
    "metric_noise": {"en": "Noise left: measured (theory)", "zh": "剩余噪声：实测（理论）"},
    "metric_first": {"en": "v₁ / θ₁ without correction", "zh": "未修正时 v₁ / θ₁"},
    "days_unit": {"en": "{n} days", "zh": "{n} 天"},
    "explain_md": {
        "en": """**The average.** v₀ = 0, v_t = β v_{{t−1}} + (1 − β) θ_t. Unrolled, v_t = Σ_k (1 − β) β^k θ_{{t−k}}: today's value gets weight 1 − β = {w0}, each day further back β = {beta} times less (chart on the right).

**The window.** The weights fall to 1/e after about 1/(1 − β) = {window} days, and the last ⌈1/(1 − β)⌉ days carry {mass} of the total — "averaging over the last {window} days". Their mean age is β/(1 − β) = {lag} days: a larger β is smoother *and* later (the curve lags the season). For white noise the average keeps √((1 − β)/(1 + β)) = {ratio} of its standard deviation; measured here: {measured}.

**Bias correction.** The weights of v_t add up to 1 − βᵗ, not 1, because v₀ = 0: the first values are far too low (v₁ = (1 − β)θ₁ = {first} of θ₁). Dividing by 1 − βᵗ makes the weights sum to 1; the correction matters for about the first {window} days and then fades (βᵗ → 0).

**Why optimizers use it.** Momentum (⟦momentum⟧) keeps v ← βv + g, the same average of past gradients without the factor 1 − β (so 1/(1 − β) times larger): gradients that keep their sign add up, gradients that flip sign cancel. RMSprop averages g² to scale each coordinate; Adam keeps both averages, with β₁ = 0.9 and β₂ = 0.999, and corrects both for the zero start — without it Adam's very first step would be (1 − β₁)/√(1 − β₂) ≈ 3.16 times too large.""",
        "zh": """**平均。** v₀ = 0，v_t = β v_{{t−1}} + (1 − β) θ_t。展开得 v_t = Σ_k (1 − β) β^k θ_{{t−k}}：当天的值权重为 1 − β = {w0}，每往前一天权重乘以 β = {beta}（见右图）。

**窗口。** 大约 1/(1 − β) = {window} 天后权重降到 1/e，最近 ⌈1/(1 − β)⌉ 天的权重合计 {mass}——即“对最近 {window} 天求平均”。权重的平均年龄为 β/(1 − β) = {lag} 天：β 越大越平滑，*也*越滞后（曲线落后于季节变化）。对白噪声，平均后标准差保留 √((1 − β)/(1 + β)) = {ratio}；本次实测：{measured}。

**偏差修正。** 因为 v₀ = 0，v_t 的权重之和是 1 − βᵗ 而不是 1：开头的值严重偏低（v₁ = (1 − β)θ₁，只有 θ₁ 的 {first}）。除以 1 − βᵗ 后权重之和为 1；修正大约只在前 {window} 天起作用，之后逐渐消失（βᵗ → 0）。

**优化算法为何使用它。** 动量法（⟦momentum⟧）维护 v ← βv + g，即过去梯度的同一种平均，只是没有因子 1 − β（因此大 1/(1 − β) 倍）：符号一致的梯度累加，符号来回变化的梯度相互抵消。RMSProp 对 g² 取平均来缩放每个坐标；Adam 同时维护两个平均（β₁ = 0.9，β₂ = 0.999），并对两者都做偏差修正——否则 Adam 的第一步会大 (1 − β₁)/√(1 − β₂) ≈ 3.16 倍。"""},
    # charts
    "data": {"en": "daily temperature θ_t", "zh": "每日气温 θ_t"},
    "season": {"en": "seasonal curve (no noise)", "zh": "季节曲线（无噪声）"},
    "uncorrected": {"en": "v_t, β = {beta}, no correction", "zh": "v_t，β = {beta}，未修正"},
    "corrected": {"en": "v_t / (1 − βᵗ), β = {beta}", "zh": "v_t / (1 − βᵗ)，β = {beta}"},
    "ewa_title": {"en": "A noisy year and its exponentially weighted averages", "zh": "带噪声的一年及其指数加权移动平均"},
    "ewa_early_title": {"en": "The first {days} days: the zero start and its correction", "zh": "前 {days} 天：从零开始与偏差修正"},
    "day_axis": {"en": "day t", "zh": "第 t 天"},
    "temp_axis": {"en": "temperature (°C)", "zh": "气温（°C）"},
    "weight": {"en": "weight (1 − β)βᵏ", "zh": "权重 (1 − β)βᵏ"},
    "weights_title": {"en": "Weight of the value k days back, β = {beta}", "zh": "k 天前的值所占权重，β = {beta}"},
    "window_note": {"en": "1/(1 − β) = {n} days: {mass} of the weight", "zh": "1/(1 − β) = {n} 天：占权重的 {mass}"},
    "days_back_axis": {"en": "k (days back)", "zh": "k（往前的天数）"},
    "weight_axis": {"en": "weight", "zh": "权重"},
}
