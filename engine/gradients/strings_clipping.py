"""English and 中文 text of the page "The loss cliff and gradient clipping" and of its charts."""
from engine.gradients.strings import COMMON

STRINGS = {
    **COMMON,
    "title": {"en": "The loss cliff and gradient clipping", "zh": "损失悬崖与梯度裁剪"},
    "summary": {"en": "A one-unit RNN whose loss has a wall next to its minimum: without clipping one step onto it throws the training away; clipping ‖g‖ to θ keeps every step small (⟦grad_clipping⟧; Pascanu et al. 2013).",
                "zh": "单个单元的 RNN，其损失在最小值旁边有一堵墙：不裁剪时踩上去的一步就会把训练甩飞；把 ‖g‖ 裁剪到 θ 让每一步都保持很小（⟦grad_clipping⟧；Pascanu 等，2013）。"},
    "task_header": {"en": "Task", "zh": "任务"},
    "train_header": {"en": "Training", "zh": "训练"},
    "true_w": {"en": "Teacher's w*", "zh": "教师模型的 w*"},
    "true_w_help": {"en": "How slowly the teacher forgets. The closer to 1, the closer the minimum sits to the wall at w = 1.",
                    "zh": "教师模型遗忘得多慢。越接近 1，最小值离 w = 1 处的墙就越近。"},
    "lr_help": {"en": "Both runs use the same η and see the same minibatches.", "zh": "两次训练使用相同的 η，看到相同的小批量。"},
    "theta": {"en": "Clipping threshold θ", "zh": "裁剪阈值 θ"},
    "theta_help": {"en": "g ← min(1, θ/‖g‖)·g: the direction is kept, the length is at most θ.",
                   "zh": "g ← min(1, θ/‖g‖)·g：方向不变，长度至多为 θ。"},
    "num_iters": {"en": "Updates", "zh": "更新次数"},
    "metric_plain_loss": {"en": "Final loss, no clipping", "zh": "最终损失（不裁剪）"},
    "metric_clip_loss": {"en": "Final loss, clipped at θ", "zh": "最终损失（裁剪到 θ）"},
    "metric_max_norm": {"en": "Largest ‖g‖, no clipping", "zh": "最大 ‖g‖（不裁剪）"},
    "metric_clipped_share": {"en": "Updates clipped", "zh": "被裁剪的更新"},
    "plain_diverged": {"en": "**Without clipping the run fell off the cliff.** At update {cliff} the gradient was ‖g‖ = {g} — the first update's was {g0} — so one step moved the parameters by η·‖g‖ = {move}, in a landscape where the minimum is about 1 away from the start. Far beyond w = 1, L grows like w^(2T): the loss became {kind} at update {step} (the last finite value was {last}). With clipping that step would have been at most η·θ = {clip_move}.",
                       "zh": "**不裁剪的训练跌下了悬崖。** 第 {cliff} 次更新时梯度 ‖g‖ = {g}——第一次更新时只有 {g0}——于是一步就把参数移动了 η·‖g‖ = {move}，而最小值离起点只有约 1 的距离。在远大于 1 的 w 处，L 按 w^(2T) 增长：损失在第 {step} 次更新时变为 {kind}（最后一个有限值是 {last}）。若裁剪，这一步至多为 η·θ = {clip_move}。"},
    "clipped_diverged": {"en": "**Even with clipping this run diverged** (update {step}, loss {kind}). Clipping bounds each step by η·θ = {move}; that is still too long here. Lower θ or η.",
                         "zh": "**即使裁剪了，这次训练也发散了**（第 {step} 次更新，损失 {kind}）。裁剪把每一步限制在 η·θ = {move} 以内，但在这里仍然太长。请降低 θ 或 η。"},
    "explain_md": {
        "en": """**The model.** One hidden unit, no nonlinearity: hₜ = w·hₜ₋₁ + u·xₜ, h₀ = 0, trained on sequences of T = {T} numbers xₜ ~ N(0, 1) to output the teacher's h_T (w\\* = {w_star}, u\\* = 1). The expected loss has a closed form, L(w, u) = Σ_(k<T) (u·w^k − w\\*^k)², drawn on the left.

**The cliff.** For |w| > 1 the terms grow like w^(2k): L(1.05, 1) = {L105}, against {L_start} at the start and 0 at the minimum, which lies only {gap} from the wall at w = 1. Near the minimum the gradient is moderate; one step that ends on the wall meets a gradient thousands of times larger.

**Clipping (⟦grad_clipping⟧).** g ← min(1, θ/‖g‖)·g over all parameters at once. The direction is kept, so the step still goes downhill; its length is at most η·θ = {step_max}. Here {share} of the updates were clipped — near the cliff the gradient is above θ almost all the time, and clipping turns gradient descent into steps of fixed length along −g.""",
        "zh": """**模型。** 一个隐藏单元、没有非线性：hₜ = w·hₜ₋₁ + u·xₜ，h₀ = 0，在长度 T = {T} 的序列（xₜ ~ N(0, 1)）上训练，目标是输出教师模型的 h_T（w\\* = {w_star}，u\\* = 1）。期望损失有闭式解 L(w, u) = Σ_(k<T) (u·w^k − w\\*^k)²，画在左图中。

**悬崖。** 当 |w| > 1 时各项按 w^(2k) 增长：L(1.05, 1) = {L105}，而起点处为 {L_start}，最小值处为 0——最小值离 w = 1 处的墙只有 {gap}。最小值附近梯度不大；但一步落到墙上，遇到的梯度会大上千倍。

**梯度裁剪（⟦grad_clipping⟧）。** 对全部参数一起做 g ← min(1, θ/‖g‖)·g。方向不变，所以仍然是下坡；步长至多为 η·θ = {step_max}。本次有 {share} 的更新被裁剪——在悬崖附近梯度几乎总是大于 θ，裁剪让梯度下降变成沿 −g 方向的定长步。"""},
    # charts
    "surface_title": {"en": "Expected loss L(w, u), T = {T}: the whole surface", "zh": "期望损失 L(w, u)，T = {T}：完整曲面"},
    "log_loss": {"en": "log₁₀ L", "zh": "log₁₀ L"},
    "run_plain": {"en": "no clipping", "zh": "不裁剪"},
    "run_clipped": {"en": "clipped at θ", "zh": "裁剪到 θ"},
    "teacher": {"en": "minimum (w*, u*)", "zh": "最小值 (w*, u*)"},
    "wall": {"en": "wall: L ~ w^(2T) beyond w = 1", "zh": "墙：w > 1 时 L ~ w^(2T)"},
    "run_diverged": {"en": "{run}: {kind} at update {step}", "zh": "{run}：第 {step} 次更新出现 {kind}"},
    "clip_loss_title": {"en": "L(w, u) after each update", "zh": "每次更新后的 L(w, u)"},
    "iter_axis": {"en": "update", "zh": "更新次数"},
    "loss_axis": {"en": "L (log scale)", "zh": "L（对数坐标）"},
    "clip_norm_title": {"en": "‖g‖ at each update, before clipping", "zh": "每次更新的 ‖g‖（裁剪前）"},
    "norm_axis": {"en": "‖g‖ (log scale)", "zh": "‖g‖（对数坐标）"},
    "threshold_line": {"en": "θ = {theta}", "zh": "θ = {theta}"},
}
