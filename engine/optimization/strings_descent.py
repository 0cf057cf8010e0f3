"""English and 中文 text of the page "Gradient descent and the learning rate" and of its charts."""
from engine.optimization.strings import COMMON

STRINGS = {
    **COMMON,
    "title": {"en": "Gradient descent and the learning rate", "zh": "梯度下降与学习率"},
    "summary": {"en": "x ← x − η f′(x) on x², on a non-convex x·cos(cx) and on x₁² + 2x₂²: too small, about right, too large, and why — each eigen-direction converges only if |1 − ηλ| < 1 (⟦gd⟧).",
                "zh": "在 x²、非凸的 x·cos(cx) 和 x₁² + 2x₂² 上做 x ← x − η f′(x)：学习率太小、合适、太大，以及原因——每个特征方向只有在 |1 − ηλ| < 1 时才收敛（⟦gd⟧）。"},
    "one_d_header": {"en": "One dimension", "zh": "一维"},
    "two_d_header": {"en": "Two dimensions: x₁² + 2x₂²", "zh": "二维：x₁² + 2x₂²"},
    "fn": {"en": "Function", "zh": "函数"},
    "fn.square": {"en": "f(x) = x² (convex)", "zh": "f(x) = x²（凸）"},
    "fn.xcos": {"en": "f(x) = x·cos(cx) (non-convex)", "zh": "f(x) = x·cos(cx)（非凸）"},
    "c_over_pi": {"en": "c / π in x·cos(cx)", "zh": "x·cos(cx) 中的 c / π"},
    "c_over_pi_help": {"en": "The book uses c = 0.15π.", "zh": "书中取 c = 0.15π。"},
    "x0": {"en": "Start x₀", "zh": "起点 x₀"},
    "lr_help": {"en": "The book: 0.2 (about right), 0.05 (too small), 1.1 (too large) on x²; 2 on x·cos(cx).",
                "zh": "书中：在 x² 上取 0.2（合适）、0.05（太小）、1.1（太大）；在 x·cos(cx) 上取 2。"},
    "lr_2d": {"en": "Learning rate η (2-D)", "zh": "学习率 η（二维）"},
    "lr_2d_help": {"en": "The book: 0.1. Above 0.5 the x₂ direction (curvature 4) diverges.",
                   "zh": "书中取 0.1。超过 0.5 时 x₂ 方向（曲率 4）发散。"},
    "steps_2d": {"en": "Steps (2-D)", "zh": "步数（二维）"},
    "metric_x_end": {"en": "x after {t} steps", "zh": "{t} 步后的 x"},
    "metric_f_end": {"en": "f(x) there", "zh": "该处 f(x)"},
    "metric_factor": {"en": "Factor per step 1 − ηf″", "zh": "每步缩放因子 1 − ηf″"},
    "metric_limit": {"en": "Largest stable η = 2/f″", "zh": "最大稳定学习率 2/f″"},
    "metric_end_2d": {"en": "(x₁, x₂) after {t} steps", "zh": "{t} 步后的 (x₁, x₂)"},
    "metric_q1": {"en": "x₁ factor |1 − 2η|", "zh": "x₁ 方向因子 |1 − 2η|"},
    "metric_q2": {"en": "x₂ factor |1 − 4η|", "zh": "x₂ 方向因子 |1 − 4η|"},
    "diverged_1d": {"en": "**The 1-D run diverged.** x became {kind} at step {step} (the last finite |x| was {last}). On x² each step multiplies x by 1 − 2η = {q}; with |1 − 2η| > 1 the error grows geometrically until it leaves the float range. Use η < 1.",
                    "zh": "**一维训练发散了。** x 在第 {step} 步变为 {kind}（最后一个有限的 |x| 为 {last}）。在 x² 上每一步把 x 乘以 1 − 2η = {q}；当 |1 − 2η| > 1 时误差按几何级数增长，直到超出浮点数范围。请取 η < 1。"},
    "growing_1d": {"en": "**This η is too large: x grows.** Each step multiplies x by 1 − 2η = {q}, |{q}| > 1: after {t} steps x = {x}. Gradient descent on x² converges only for 0 < η < 1.",
                   "zh": "**学习率过大：x 在增长。** 每一步把 x 乘以 1 − 2η = {q}，|{q}| > 1：{t} 步后 x = {x}。x² 上的梯度下降只在 0 < η < 1 时收敛。"},
    "diverged_2d": {"en": "**The 2-D run diverges along x₂.** Along x₂ the curvature is λ₂ = 4, so each step multiplies x₂ by 1 − 4η = {q}, and |{q}| > 1. {escape}After {t} steps (x₁, x₂) = {point}. x₁ (λ₁ = 2, factor {q1}) is fine: one learning rate must suit the steepest direction. Use η < 2/λmax = 0.5.",
                    "zh": "**二维训练沿 x₂ 发散。** x₂ 方向的曲率为 λ₂ = 4，每一步把 x₂ 乘以 1 − 4η = {q}，而 |{q}| > 1。{escape}{t} 步后 (x₁, x₂) = {point}。x₁ 方向（λ₁ = 2，因子 {q1}）没有问题：同一个学习率必须适合最陡的方向。请取 η < 2/λmax = 0.5。"},
    "escape_note": {"en": "At step {step} |x{i}| passed 1,000 ({value}). ", "zh": "第 {step} 步 |x{i}| 超过 1000（{value}）。"},
    "inf_note": {"en": "At step {step} it became {kind}. ", "zh": "第 {step} 步变为 {kind}。"},
    "explain_md": {
        "en": """**The update.** x ← x − η f′(x). Near a point, f(x − ηf′) ≈ f(x) − η f′(x)², so a small enough step always goes downhill; how small is set by the curvature.

**One direction at a time.** On a quadratic with curvature λ (f = ½λx², f′ = λx) one step gives x ← (1 − ηλ)x, so after t steps x_t = (1 − ηλ)ᵗ x₀. It shrinks iff |1 − ηλ| < 1, i.e. 0 < η < 2/λ. For x² (λ = 2) with η = {lr}: factor 1 − 2η = {q}, so x₁₀ = 10·({q})¹⁰ = {x10}. The book's η = 0.05 gives 0.9 per step (too slow, 3.486784 after 10 steps), η = 1.1 gives −1.2 (each step overshoots further, 61.917364).

**Two dimensions.** x₁² + 2x₂² has Hessian diag(2, 4): two independent 1-D problems, x₁ with factor 1 − 2η = {q1} and x₂ with 1 − 4η = {q2} at η = {lr2}. The slower one sets the speed, the steeper one sets the limit: η < 2/4 = 0.5. That tension — the condition number λmax/λmin — is what momentum and the adaptive methods (next pages) address.

**Non-convex.** On x·cos(cx) the curvature changes sign; where f″ < 0 gradient descent is pushed away, and a large η can jump into another valley. The condition |1 − ηf″| < 1 only holds locally: here f″ at the end point is {curv}, so steps there are stable for η < {limit}.""",
        "zh": """**更新。** x ← x − η f′(x)。在一点附近 f(x − ηf′) ≈ f(x) − η f′(x)²，所以足够小的一步总是下坡的；多小才够由曲率决定。

**一次一个方向。** 在曲率为 λ 的二次函数上（f = ½λx²，f′ = λx），一步得到 x ← (1 − ηλ)x，t 步后 x_t = (1 − ηλ)ᵗ x₀。它收缩当且仅当 |1 − ηλ| < 1，即 0 < η < 2/λ。对 x²（λ = 2），η = {lr} 时因子 1 − 2η = {q}，所以 x₁₀ = 10·({q})¹⁰ = {x10}。书中 η = 0.05 每步乘 0.9（太慢，10 步后 3.486784），η = 1.1 每步乘 −1.2（每步越过得更远，61.917364）。

**二维。** x₁² + 2x₂² 的黑塞矩阵为 diag(2, 4)：两个独立的一维问题，η = {lr2} 时 x₁ 的因子为 1 − 2η = {q1}，x₂ 的因子为 1 − 4η = {q2}。慢的方向决定速度，陡的方向决定上限：η < 2/4 = 0.5。这种矛盾——条件数 λmax/λmin——正是动量法和自适应方法（后面几页）要解决的。

**非凸。** 在 x·cos(cx) 上曲率会变号；f″ < 0 的地方梯度下降被推开，而较大的 η 可能跳进另一个山谷。条件 |1 − ηf″| < 1 只在局部成立：这里终点处 f″ = {curv}，所以在那里 η < {limit} 时是稳定的。"""},
    # charts
    "iterates": {"en": "iterates xₜ", "zh": "迭代点 xₜ"},
    "path_1d_title": {"en": "Gradient descent on f, η = {lr}", "zh": "f 上的梯度下降，η = {lr}"},
    "compare_title": {"en": "The book's three η (too small, right, too large) and yours", "zh": "书中的三个 η（太小、合适、太大）与你的 η"},
    "yours": {"en": "yours", "zh": "你的"},
    "abs_x_axis": {"en": "|xₜ| (log scale)", "zh": "|xₜ|（对数坐标）"},
    "contour_2d_title": {"en": "x₁² + 2x₂² from (−5, −2), η = {lr}", "zh": "x₁² + 2x₂²，从 (−5, −2) 出发，η = {lr}"},
    "components_title": {"en": "Each direction on its own: |xᵢ(t)| and |1 − ηλᵢ|ᵗ", "zh": "每个方向各自收敛：|xᵢ(t)| 与 |1 − ηλᵢ|ᵗ"},
    "component": {"en": "|x{i}(t)|, λ = {lam}", "zh": "|x{i}(t)|，λ = {lam}"},
    "theory_factor": {"en": "theory: factor {q} per step", "zh": "理论：每步因子 {q}"},
    "abs_component_axis": {"en": "|component| (log scale)", "zh": "|分量|（对数坐标）"},
}
