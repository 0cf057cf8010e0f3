"""English and 中文 text of the page "Momentum, AdaGrad, RMSprop, Adam" and of its charts."""
from engine.optimization.strings import COMMON

STRINGS = {
    **COMMON,
    "title": {"en": "Momentum, AdaGrad, RMSprop, Adam", "zh": "动量法、AdaGrad、RMSProp 与 Adam"},
    "summary": {"en": "Five optimizers from the same start on the book's 0.1x₁² + 2x₂² and on surfaces you pick: their paths, f against steps, each coordinate's step size, and — on the quadratic — the rate along each eigen-direction (⟦momentum..adam⟧; Ng 1.5–1.6; Distill, 'Why Momentum Really Works').",
                "zh": "五种优化算法从同一起点出发，在书中的 0.1x₁² + 2x₂² 以及你选择的曲面上比赛：路径、f 随步数的变化、每个坐标的有效步长，以及在二次函数上每个特征方向的收敛速率（⟦momentum..adam⟧；吴恩达 1.5–1.6；Distill《Why Momentum Really Works》）。"},
    "surface_header": {"en": "Surface", "zh": "曲面"},
    "race_header": {"en": "Who races", "zh": "参赛算法"},
    "gd_header": {"en": "GD and momentum", "zh": "梯度下降与动量法"},
    "adaptive_header": {"en": "AdaGrad, RMSprop, Adam", "zh": "AdaGrad、RMSProp、Adam"},
    "surface": {"en": "Surface", "zh": "曲面"},
    "surface.quadratic": {"en": "quadratic ½xᵀAx (book: 0.1x₁² + 2x₂²)", "zh": "二次函数 ½xᵀAx（书中：0.1x₁² + 2x₂²）"},
    "surface.rosenbrock": {"en": "Rosenbrock's valley (÷200)", "zh": "Rosenbrock 山谷（÷200）"},
    "surface.saddle": {"en": "a saddle", "zh": "鞍点"},
    "surface.local_minima": {"en": "a bowl with local minima", "zh": "有局部最小值的碗"},
    "kappa": {"en": "Condition number κ (quadratic)", "zh": "条件数 κ（二次函数）"},
    "kappa_help": {"en": "Eigenvalues 4/κ and 4. κ = 20 is the book's 0.1x₁² + 2x₂².",
                   "zh": "特征值为 4/κ 和 4。κ = 20 即书中的 0.1x₁² + 2x₂²。"},
    "angle": {"en": "Rotation of the eigen-directions (°)", "zh": "特征方向的旋转角（°）"},
    "angle_help": {"en": "Rotated, the stiff direction is no longer a coordinate: AdaGrad and RMSprop scale coordinates, not directions.",
                   "zh": "旋转后，陡峭方向不再是坐标轴：AdaGrad 和 RMSProp 缩放的是坐标，而不是方向。"},
    "custom_start": {"en": "Choose the start", "zh": "自选起点"},
    "custom_start_help": {"en": "Off: each surface's own start ((−5, −2) on the quadratic, as the book).",
                          "zh": "关闭时使用各曲面自己的起点（二次函数上为书中的 (−5, −2)）。"},
    "x1_start": {"en": "Start x₁", "zh": "起点 x₁"},
    "x2_start": {"en": "Start x₂", "zh": "起点 x₂"},
    "use_gd": {"en": "GD", "zh": "梯度下降"},
    "use_momentum": {"en": "Momentum", "zh": "动量法"},
    "use_adagrad": {"en": "AdaGrad", "zh": "AdaGrad"},
    "use_rmsprop": {"en": "RMSprop", "zh": "RMSProp"},
    "use_adam": {"en": "Adam", "zh": "Adam"},
    "lr_gd": {"en": "η of GD", "zh": "梯度下降的 η"},
    "lr_gd_help": {"en": "The book: 0.4 converges slowly in x₁; 0.6 diverges in x₂.", "zh": "书中：0.4 在 x₁ 方向收敛很慢；0.6 在 x₂ 方向发散。"},
    "lr_momentum": {"en": "η of momentum", "zh": "动量法的 η"},
    "beta": {"en": "β of momentum", "zh": "动量法的 β"},
    "lr_adagrad": {"en": "η of AdaGrad", "zh": "AdaGrad 的 η"},
    "lr_rmsprop": {"en": "η of RMSprop", "zh": "RMSProp 的 η"},
    "gamma": {"en": "γ of RMSprop", "zh": "RMSProp 的 γ"},
    "lr_adam": {"en": "η of Adam", "zh": "Adam 的 η"},
    "beta1": {"en": "β₁ of Adam", "zh": "Adam 的 β₁"},
    "beta2": {"en": "β₂ of Adam", "zh": "Adam 的 β₂"},
    "none_chosen": {"en": "Switch on at least one optimizer in the sidebar.", "zh": "请在侧边栏至少选择一种优化算法。"},
    "table_opt": {"en": "optimizer", "zh": "优化算法"},
    "table_end": {"en": "end (x₁, x₂)", "zh": "终点 (x₁, x₂)"},
    "table_gap": {"en": "f − f_min at the end", "zh": "终点处 f − f_min"},
    "metric_gap": {"en": "{opt}: f − f_min", "zh": "{opt}：f − f_min"},
    "table_status": {"en": "status", "zh": "状态"},
    "status_ok": {"en": "finite", "zh": "有限"},
    "status_escape": {"en": "left ±1000 at step {step} (x{i} = {value})", "zh": "第 {step} 步超出 ±1000（x{i} = {value}）"},
    "status_inf": {"en": "{kind} at step {step}", "zh": "第 {step} 步变为 {kind}"},
    "diverged": {"en": "**{opt} diverged.** {status}. After {t} steps it is at {point}. {why}",
                 "zh": "**{opt} 发散了。** {status}。{t} 步后位于 {point}。{why}"},
    "why_quadratic": {"en": "Along eigen-direction {i} (λ = {lam}) its factor per step is {rate} > 1 — see the rates below.",
                      "zh": "沿特征方向 {i}（λ = {lam}）每步的因子为 {rate} > 1——见下方的速率图。"},
    "why_other": {"en": "Its steps are too long for the curvature it met; lower its η.", "zh": "它的步长对所遇到的曲率来说太长；请降低其 η。"},
    "eigen_header": {"en": "The eigen-direction view (quadratic)", "zh": "特征方向视角（二次函数）"},
    "eigen_md": {"en": "Eigenvalues λ₁ = {l1}, λ₂ = {l2} (κ = {kappa}). GD at η = {lr_gd}: factors {g1} and {g2} per step. Momentum at η = {lr_m}, β = {beta}: {m1} and {m2}. The best GD (η = {eta_gd}) reaches {best_gd} per step in both directions; the best momentum (η = {eta_m}, β = {beta_m}) reaches {best_m} — √κ instead of κ sets the speed.",
                 "zh": "特征值 λ₁ = {l1}，λ₂ = {l2}（κ = {kappa}）。梯度下降在 η = {lr_gd} 时每步因子为 {g1} 和 {g2}。动量法在 η = {lr_m}、β = {beta} 时为 {m1} 和 {m2}。最优梯度下降（η = {eta_gd}）两个方向都是每步 {best_gd}；最优动量法（η = {eta_m}，β = {beta_m}）达到 {best_m}——决定速度的是 √κ 而不是 κ。"},
    "explain_md": {
        "en": """**The rules** (d2l's from-scratch versions; code below), for a gradient g at step t:
- GD: x ← x − ηg.
- Momentum (⟦momentum⟧): v ← βv + g, x ← x − ηv. v is a leaky sum of past gradients: along x₁ the gradient keeps its sign and v grows towards g/(1 − β); along a steep direction it flips sign and cancels (chart "momentum averages").
- AdaGrad (⟦adagrad⟧): s ← s + g², x ← x − ηg/√(s + ε). Each coordinate's step shrinks like 1/√t — fine for convex problems, often too early for deep nets.
- RMSprop (⟦rmsprop⟧): s ← γs + (1 − γ)g²: a leaky average instead of a sum, so the step size stops shrinking; it settles near η/RMS(g).
- Adam (⟦adam⟧): both averages, v of g (β₁) and s of g² (β₂), bias-corrected, x ← x − η v̂/(√ŝ + ε).

**Why κ matters.** GD's single η must respect the steepest direction (η < 2/λmax), so the flattest direction moves by only ηλmin per step: with κ = {kappa}, at best a factor (κ − 1)/(κ + 1) = {best_gd} per step. Momentum improves that to (√κ − 1)/(√κ + 1) = {best_m}; the adaptive methods rescale each coordinate (which helps only while the stiff directions are coordinates: rotate the quadratic to see).""",
        "zh": """**更新规则**（d2l 的从零实现，代码见下），在第 t 步、梯度为 g 时：
- 梯度下降：x ← x − ηg。
- 动量法（⟦momentum⟧）：v ← βv + g，x ← x − ηv。v 是过去梯度的泄漏和：沿 x₁ 梯度符号不变，v 增长到接近 g/(1 − β)；沿陡峭方向梯度来回变号而相互抵消（见“动量法的平均”图）。
- AdaGrad（⟦adagrad⟧）：s ← s + g²，x ← x − ηg/√(s + ε)。每个坐标的步长按 1/√t 缩小——对凸问题没问题，对深度网络往往缩小得太早。
- RMSProp（⟦rmsprop⟧）：s ← γs + (1 − γ)g²：用泄漏平均代替求和，步长不再一直缩小，而是稳定在 η/RMS(g) 附近。
- Adam（⟦adam⟧）：两个平均，g 的 v（β₁）和 g² 的 s（β₂），经过偏差修正，x ← x − η v̂/(√ŝ + ε)。

**为何条件数重要。** 梯度下降唯一的 η 必须照顾最陡的方向（η < 2/λmax），于是最平的方向每步只移动 ηλmin：κ = {kappa} 时，最好也只是每步乘 (κ − 1)/(κ + 1) = {best_gd}。动量法把它改进到 (√κ − 1)/(√κ + 1) = {best_m}；自适应方法对每个坐标分别缩放（只有当陡峭方向恰好是坐标轴时才有帮助：旋转二次函数试试）。"""},
    # charts
    "race_paths_title": {"en": "Paths from the same start: {surface}", "zh": "从同一起点出发的路径：{surface}"},
    "log_gap": {"en": "log₁₀(f − f_min)", "zh": "log₁₀(f − f_min)"},
    "gap_title": {"en": "f − f_min after each step", "zh": "每步之后的 f − f_min"},
    "gap_axis": {"en": "f − f_min (log scale)", "zh": "f − f_min（对数坐标）"},
    "lr_title": {"en": "Each coordinate's effective step size |Δxᵢ| / |gᵢ|", "zh": "每个坐标的有效步长 |Δxᵢ| / |gᵢ|"},
    "lr_axis": {"en": "effective η (log scale)", "zh": "有效 η（对数坐标）"},
    "coord": {"en": "coordinate x{i}", "zh": "坐标 x{i}"},
    "momentum_avg_title": {"en": "Momentum's v averages the gradients", "zh": "动量法的 v 是梯度的平均"},
    "gradient": {"en": "gradient g", "zh": "梯度 g"},
    "velocity_avg": {"en": "(1 − β)·v, β = {beta}", "zh": "(1 − β)·v，β = {beta}"},
    "grad_axis": {"en": "gradient component", "zh": "梯度分量"},
    "rates_title": {"en": "Factor per step along an eigen-direction of curvature λ", "zh": "沿曲率为 λ 的特征方向每步的因子"},
    "rate_gd": {"en": "GD |1 − ηλ|, η = {lr}", "zh": "梯度下降 |1 − ηλ|，η = {lr}"},
    "rate_momentum": {"en": "momentum ρ(R), η = {lr}, β = {beta}", "zh": "动量法 ρ(R)，η = {lr}，β = {beta}"},
    "diverges_above": {"en": "above 1: diverges", "zh": "大于 1：发散"},
    "lambda_axis": {"en": "curvature λ (eigenvalue of the Hessian)", "zh": "曲率 λ（黑塞矩阵的特征值）"},
    "rate_axis": {"en": "factor per step", "zh": "每步因子"},
    "eigen_components_title": {"en": "Each eigen-direction on its own: |cᵢ(t)| (dots: ρᵢᵗ)", "zh": "每个特征方向各自收敛：|cᵢ(t)|（点线：ρᵢᵗ）"},
    "comp_run": {"en": "{opt}, direction {i}", "zh": "{opt}，方向 {i}"},
    "abs_component_axis": {"en": "|component along uᵢ| (log scale)", "zh": "|沿 uᵢ 的分量|（对数坐标）"},
}
