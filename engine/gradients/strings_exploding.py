"""English and 中文 text of the page "Vanishing and exploding gradients" (scalar chain, deep
networks, BPTT) and of its charts."""
from engine.gradients.strings import COMMON

STRINGS = {
    **COMMON,
    "title": {"en": "Vanishing and exploding gradients", "zh": "梯度消失与梯度爆炸"},
    "summary": {"en": "A gradient is a product of one factor per layer or time step: w^T, deep networks with four initialisations, and BPTT through Whᵀ versus an LSTM's cell (⟦numerical_stability, bptt, dlfs2_rnn_problems⟧).",
                "zh": "梯度是每层或每个时间步一个因子的连乘：w^T、四种初始化下的深层网络、沿 Whᵀ 的 BPTT 与 LSTM 记忆元的对比（⟦numerical_stability, bptt, dlfs2_rnn_problems⟧）。"},
    "chain_header": {"en": "1 · A chain of T equal factors", "zh": "1 · T 个相同因子的连乘"},
    "deep_header": {"en": "2 · Deep networks and initialisation", "zh": "2 · 深层网络与初始化"},
    "bptt_header": {"en": "3 · Through time: BPTT and the LSTM cell", "zh": "3 · 沿时间反向传播：BPTT 与 LSTM 记忆元"},
    # widgets
    "w": {"en": "Factor w per step", "zh": "每步的因子 w"},
    "w_help": {"en": "Try 1.01 and 0.99 with T = 999, or 0.2 and 5 with T = 30 (⟦first_edition_decay⟧).",
               "zh": "试试 T = 999 时的 1.01 与 0.99，或 T = 30 时的 0.2 与 5（⟦first_edition_decay⟧）。"},
    "T": {"en": "Steps T", "zh": "步数 T"},
    "num_layers": {"en": "Layers L", "zh": "层数 L"},
    "width": {"en": "Units per layer n", "zh": "每层单元数 n"},
    "activation": {"en": "Activation φ", "zh": "激活函数 φ"},
    "activation.identity": {"en": "identity (linear)", "zh": "恒等（线性）"},
    "activation.tanh": {"en": "tanh", "zh": "tanh"},
    "activation.sigmoid": {"en": "sigmoid", "zh": "sigmoid"},
    "activation.relu": {"en": "ReLU", "zh": "ReLU"},
    "init": {"en": "Weight initialisation", "zh": "权重初始化"},
    "init_help": {"en": "Xavier is designed for identity/tanh, He for ReLU. N(0, σ²) uses the σ below.",
                  "zh": "Xavier 为恒等/tanh 设计，He 为 ReLU 设计。N(0, σ²) 使用下面的 σ。"},
    "init.normal": {"en": "N(0, σ²)", "zh": "N(0, σ²)"},
    "init.xavier_uniform": {"en": "Xavier uniform", "zh": "Xavier 均匀分布"},
    "init.xavier_normal": {"en": "Xavier normal", "zh": "Xavier 正态分布"},
    "init.he": {"en": "He (Kaiming) normal", "zh": "He（Kaiming）正态分布"},
    "sigma": {"en": "σ of N(0, σ²)", "zh": "N(0, σ²) 的 σ"},
    "sigma_help": {"en": "Used only by the N(0, σ²) initialisation.", "zh": "仅用于 N(0, σ²) 初始化。"},
    "sigma_max": {"en": "Largest singular value σ_max of Wh", "zh": "Wh 的最大奇异值 σ_max"},
    "matrix": {"en": "Wh", "zh": "Wh"},
    "matrix_help": {"en": "random: a Gaussian matrix rescaled so that its largest singular value is σ_max (the book's experiment). orthogonal: σ_max·Q, every singular value equal.",
                    "zh": "随机：高斯矩阵按比例缩放，使最大奇异值为 σ_max（书中的实验）。正交：σ_max·Q，所有奇异值相等。"},
    "matrix.random": {"en": "random, rescaled", "zh": "随机矩阵（缩放）"},
    "matrix.orthogonal": {"en": "σ·orthogonal", "zh": "σ·正交矩阵"},
    "forget_bias": {"en": "LSTM forget-gate bias", "zh": "LSTM 遗忘门偏置"},
    "forget_bias_help": {"en": "Larger bias → forget gates closer to 1 → the cell keeps its gradient longer.",
                         "zh": "偏置越大 → 遗忘门越接近 1 → 记忆元保留梯度越久。"},
    # section 1
    "metric_exact": {"en": "w^T, exact", "zh": "w^T（精确值）"},
    "metric_f64": {"en": "float64", "zh": "float64"},
    "metric_f32": {"en": "float32", "zh": "float32"},
    "metric_log": {"en": "log₁₀ w^T = T·log₁₀ w", "zh": "log₁₀ w^T = T·log₁₀ w"},
    "exact_all": {"en": "All {n} significant digits of {w}^{T}, exact (computed with fractions)",
                  "zh": "{w}^{T} 的全部 {n} 位有效数字，精确值（用分数计算）"},
    "col_exact": {"en": "exact", "zh": "精确值"},
    "book_caption": {"en": "The book's four numbers, exactly and in the two float formats:",
                     "zh": "书中的四个数，精确值及两种浮点格式下的值："},
    "chain_bad": {"en": "**{dtype} could not hold w^t:** it {kind} at t = {t} (float32 holds 1.2×10⁻³⁸ … 3.4×10³⁸, float64 2.2×10⁻³⁰⁸ … 1.8×10³⁰⁸, with subnormals a little lower). The exact value above is computed with fractions and never leaves its range; a network's gradient has no such luck.",
                  "zh": "**{dtype} 装不下 w^t：** 在 t = {t} 时{kind}（float32 范围约 1.2×10⁻³⁸ … 3.4×10³⁸，float64 约 2.2×10⁻³⁰⁸ … 1.8×10³⁰⁸，非规格化数可再小一些）。上面的精确值用分数计算，不会越界；网络里的梯度却没有这样的运气。"},
    "chain_explain": {
        "en": """**Why a product.** Backpropagation multiplies one local derivative per step. When every step has the same factor w, the gradient that reaches the start is ∂h_T/∂h_0 = w^T. Here w = {w} and T = {T}: w^T = {exact}, i.e. log₁₀ w^T = {T} × {logw} = {log}.

**1 % from 1 is not close.** After 999 steps, 1.01⁹⁹⁹ ≈ 2.08×10⁴ while 0.99⁹⁹⁹ ≈ 4.36×10⁻⁵: nine orders of magnitude apart. The first edition of the Chinese book (⟦first_edition_decay⟧) made the same point with 0.2³⁰ ≈ 1.07×10⁻²¹ and 5³⁰ ≈ 9.31×10²⁰; today's d2l (⟦exploding_gradients⟧) multiplies matrices instead — below.

**Floating point.** Beyond the largest float a product is inf; below the smallest it is 0, and a gradient that became 0 stays 0. Each multiplication also rounds: float32 gives {w}^{T} = {f32}, float64 {f64}.""",
        "zh": """**为什么是连乘。** 反向传播在每一步乘上一个局部导数。若每一步的因子都是 w，传回起点的梯度就是 ∂h_T/∂h_0 = w^T。此处 w = {w}，T = {T}：w^T = {exact}，即 log₁₀ w^T = {T} × {logw} = {log}。

**离 1 差 1% 并不算近。** 999 步之后，1.01⁹⁹⁹ ≈ 2.08×10⁴，而 0.99⁹⁹⁹ ≈ 4.36×10⁻⁵：相差九个数量级。⟦first_edition_decay⟧用 0.2³⁰ ≈ 1.07×10⁻²¹ 与 5³⁰ ≈ 9.31×10²⁰ 说明同一件事；现在的第二版（⟦exploding_gradients⟧）改为矩阵连乘，见下。

**浮点数。** 超过最大浮点数，乘积变为 inf；低于最小浮点数则变为 0，而梯度一旦变成 0 就再也回不来。每次乘法还会舍入：float32 给出 {w}^{T} = {f32}，float64 给出 {f64}。"""},
    # the book's product of 100 Gaussian matrices
    "matrix_header": {"en": "The book's example: 100 Gaussian 4×4 matrices", "zh": "书中的例子：100 个 4×4 高斯矩阵"},
    "matrix_title": {"en": "‖M_k‖ after k factors (log scale)", "zh": "乘以 k 个矩阵后的 ‖M_k‖（对数坐标）"},
    "matrix_series": {"en": "‖M_k‖ (Frobenius)", "zh": "‖M_k‖（Frobenius 范数）"},
    "matrix_theory": {"en": "theory: ×{rate} per factor", "zh": "理论：每乘一个 ×{rate}"},
    "matrix_k_axis": {"en": "factors multiplied k", "zh": "已乘的矩阵数 k"},
    "matrix_norm_axis": {"en": "‖M_k‖ (log scale)", "zh": "‖M_k‖（对数坐标）"},
    "matrix_first": {"en": "The first matrix M (from the seed)", "zh": "第一个矩阵 M（由种子生成）"},
    "matrix_last": {"en": "After multiplying {n} matrices", "zh": "乘以 {n} 个矩阵后"},
    "matrix_explain": {
        "en": """**The same with matrices (⟦exploding_gradients⟧).** A gradient through L layers is a product of L Jacobian matrices, not of equal numbers. The book draws M and then multiplies it by {n} more matrices with N(0, 1) entries: `M = M @ torch.normal(0, 1, size=(4, 4))`. No single factor is "the w", yet the product still grows geometrically — here ×{measured} per factor, to ‖M‖ = {last_norm}. For n×n Gaussian matrices the rate is known exactly: ln‖M_k‖ grows by λ₁ = ½(ln 2 + ψ(n/2)) = {lam} per factor (n = 4: ×{rate}; dotted). With variance 1 the entries are far too large for 4 inputs; with variance 1/n instead (Xavier's idea, section 2) the rate is ×{rate_scaled}: the product shrinks, slowly.""",
        "zh": """**换成矩阵也一样（⟦exploding_gradients⟧）。** 经过 L 层的梯度是 L 个雅可比矩阵之积，而不是 L 个相同的数之积。书中先生成 M，再乘以 {n} 个元素服从 N(0, 1) 的矩阵：`M = M @ torch.normal(0, 1, size=(4, 4))`。没有哪个因子是“那个 w”，乘积却仍按几何级数增长——这里每乘一个约 ×{measured}，最终 ‖M‖ = {last_norm}。对 n×n 高斯矩阵，增长率有精确结果：ln‖M_k‖ 每乘一个增加 λ₁ = ½(ln 2 + ψ(n/2)) = {lam}（n = 4 时 ×{rate}；点线）。方差为 1 的元素对 4 个输入来说太大了；若改用方差 1/n（Xavier 的思路，见第 2 部分），增长率为 ×{rate_scaled}：乘积缓慢变小。"""},
    # section 2
    "metric_gain": {"en": "Factor per layer n·Var(W)·c", "zh": "每层因子 n·Var(W)·c"},
    "metric_var": {"en": "Var(W) of the formula", "zh": "公式给出的 Var(W)"},
    "var_drawn": {"en": "Variance of the weights actually drawn: {v}", "zh": "实际抽到的权重的方差：{v}"},
    "csv_scalar_chain": {"en": "1 · wᵗ for every step", "zh": "1 · 每一步的 wᵗ"},
    "csv_deep_network_layers": {"en": "2 · norms per layer", "zh": "2 · 每层的范数"},
    "csv_bptt_norms": {"en": "3 · ‖dh‖ per step back", "zh": "3 · 每反向一步的 ‖dh‖"},
    "metric_act_ratio": {"en": "Activations: last ÷ first layer", "zh": "激活值：末层 ÷ 首层"},
    "metric_grad_ratio": {"en": "Gradients: first ÷ last layer", "zh": "梯度：首层 ÷ 末层"},
    "no_closed_form": {"en": "No closed form for tanh and sigmoid: the factor depends on how saturated the units are.",
                       "zh": "tanh 与 sigmoid 没有闭式解：这个因子取决于单元饱和的程度。"},
    "deep_bad": {"en": "**The signal left the float32 range.** {what}: {kind} at layer {layer}. Every layer multiplied the mean square by about {gain}; no number survives that for {L} layers. Choose the initialisation made for this activation (Xavier for identity/tanh, He for ReLU), or a smaller σ.",
                 "zh": "**信号超出了 float32 的范围。** {what}：在第 {layer} 层{kind}。每层把均方值乘以约 {gain}，没有数能撑过 {L} 层。请选择为该激活函数设计的初始化（恒等/tanh 用 Xavier，ReLU 用 He），或减小 σ。"},
    "deep_vanished": {"en": "{what} {kind} at layer {layer}: nothing is left to learn from below it.",
                      "zh": "{what}在第 {layer} 层{kind}：这一层以下已经没有可以学习的信号。"},
    "deep_explain_known": {
        "en": """**Forward.** hₗ = φ(hₗ₋₁ Wₗᵀ), with n = {n} units and Var(W) = {var} ({formula}). Each unit of the pre-activation is a sum of n products, so its variance is n·Var(W)·E[h²ₗ₋₁]; φ = {act} keeps the fraction c = {c} of it. Each layer multiplies the mean square by **n·Var(W)·c = {gain}**, so after L = {L} layers the RMS is multiplied by {gain}^(L/2) = {total} (dotted line).

**Backward.** ∂ℓ/∂hₗ₋₁ = (∂ℓ/∂hₗ ⊙ φ′) Wₗ: the same factor, from the top down. The read-out ℓ = Σ h_L ⊙ R / batch sends the same-sized gradient into the top every time, so what you see is the chain alone.

**Initialisation makes the factor 1:** Xavier sets Var(W) = 2/(n_in + n_out) (here 1/n) for identity and tanh, He sets 2/n_in for ReLU (the 2 makes up for the half that ReLU zeroes).""",
        "zh": """**前向。** hₗ = φ(hₗ₋₁ Wₗᵀ)，每层 n = {n} 个单元，Var(W) = {var}（{formula}）。预激活的每个单元是 n 个乘积之和，方差为 n·Var(W)·E[h²ₗ₋₁]；φ = {act} 保留其中比例 c = {c}。每层把均方值乘以 **n·Var(W)·c = {gain}**，L = {L} 层后 RMS 乘以 {gain}^(L/2) = {total}（点线）。

**反向。** ∂ℓ/∂hₗ₋₁ = (∂ℓ/∂hₗ ⊙ φ′) Wₗ：同一个因子，自顶向下。读出损失 ℓ = Σ h_L ⊙ R / batch 每次向顶层送入同样大小的梯度，所以图中看到的只是这条连乘链本身。

**初始化让这个因子等于 1：** Xavier 取 Var(W) = 2/(n_in + n_out)（此处即 1/n），适用于恒等与 tanh；He 取 2/n_in，适用于 ReLU（2 补回 ReLU 置零的那一半）。"""},
    "deep_explain_unknown": {
        "en": """**Forward.** hₗ = φ(hₗ₋₁ Wₗᵀ), with n = {n} units and Var(W) = {var} ({formula}), so the pre-activation's variance is n·Var(W)·E[h²ₗ₋₁] = {nvar}·E[h²ₗ₋₁].

For **{act}** there is no single factor c. **tanh** behaves like the identity near 0 (slope 1) and saturates at ±1 (slope 0), so Xavier (n·Var = 1) keeps it in its linear part, while a large σ pins the units at ±1 and the gradient dies in tanh′ ≈ 0. **sigmoid** has mean ½ and slope at most ¼: its gradients shrink at least 4× per layer unless the weights are large, and then the units saturate at 0 and 1 (⟦dlfs_weight_init⟧ draws these histograms).

**Backward.** ∂ℓ/∂hₗ₋₁ = (∂ℓ/∂hₗ ⊙ φ′) Wₗ; the read-out ℓ = Σ h_L ⊙ R / batch sends the same-sized gradient into the top every time.""",
        "zh": """**前向。** hₗ = φ(hₗ₋₁ Wₗᵀ)，每层 n = {n} 个单元，Var(W) = {var}（{formula}），预激活的方差为 n·Var(W)·E[h²ₗ₋₁] = {nvar}·E[h²ₗ₋₁]。

**{act}** 没有单一的因子 c。**tanh** 在 0 附近像恒等函数（斜率 1），在 ±1 处饱和（斜率 0），因此 Xavier（n·Var = 1）让它停留在线性区，而较大的 σ 会把单元钉在 ±1，梯度在 tanh′ ≈ 0 处消失。**sigmoid** 的均值为 ½、斜率至多 ¼：除非权重很大，梯度每层至少缩小 4 倍，而权重大了单元又会在 0 和 1 处饱和（⟦dlfs_weight_init⟧ 画的就是这些直方图）。

**反向。** ∂ℓ/∂hₗ₋₁ = (∂ℓ/∂hₗ ⊙ φ′) Wₗ；读出损失 ℓ = Σ h_L ⊙ R / batch 每次向顶层送入同样大小的梯度。"""},
    "formula.normal": {"en": "σ² = {sigma}²", "zh": "σ² = {sigma}²"},
    "formula.xavier_uniform": {"en": "Xavier: U(−a, a), a = √(6/(n_in + n_out))", "zh": "Xavier：U(−a, a)，a = √(6/(n_in + n_out))"},
    "formula.xavier_normal": {"en": "Xavier: 2/(n_in + n_out)", "zh": "Xavier：2/(n_in + n_out)"},
    "formula.he": {"en": "He: 2/n_in", "zh": "He：2/n_in"},
    # section 3
    "metric_sigma": {"en": "σ_max(Wh)", "zh": "σ_max(Wh)"},
    "metric_rho": {"en": "Spectral radius ρ(Wh)", "zh": "谱半径 ρ(Wh)"},
    "metric_dh_linear": {"en": "‖dh‖ after T steps: Whᵀ only", "zh": "T 步后 ‖dh‖：只乘 Whᵀ"},
    "metric_dh_tanh": {"en": "… with tanh′", "zh": "… 含 tanh′"},
    "metric_cell": {"en": "… LSTM cell", "zh": "… LSTM 记忆元"},
    "bptt_bad": {"en": "**‖dh‖ left the float32 range.** {what}: {kind} after {step} steps back. With σ_max = {s} the gradient can grow by up to {s}× per step; clipping (next page) bounds it.",
                 "zh": "**‖dh‖ 超出了 float32 的范围。** {what}：反向 {step} 步后{kind}。σ_max = {s} 时梯度每步最多可增大 {s} 倍；梯度裁剪（下一页）可以限制它。"},
    "bptt_explain": {
        "en": """**One step back.** hₜ = tanh(xₜ Wₓ + hₜ₋₁ Wₕ) gives dhₜ₋₁ = (dhₜ ⊙ (1 − hₜ²)) Wₕᵀ. The book's experiment leaves out tanh′ and multiplies dh by Wₕᵀ again and again (blue). After k steps its size is at most σ_max^k·‖dh_T‖ (dotted), σ_max = {s}.

**The bound is tight only for some matrices.** For σ·Q with Q orthogonal every direction is stretched by exactly σ, and ‖dh‖ = σ^k‖dh_T‖. A random matrix rescaled to σ_max = {s} has spectral radius ρ = {rho}: in the long run ‖dh‖ grows like ρ^k. So σ_max > 1 makes explosion possible, σ_max < 1 makes vanishing certain.

**tanh′ ≤ 1 only shrinks it** (red): the mean of 1 − hₜ² along this sequence was {tanh_d}.

**The LSTM cell** cₜ = fₜ ⊙ cₜ₋₁ + iₜ ⊙ g_t is updated by addition, so going back along it multiplies by the forget gates fₜ only — no matrix (green). With forget bias {fb} their mean was {f}; after {T} steps ‖dc‖ is {cell} of its start. The network can learn f ≈ 1 where it must remember; a plain RNN multiplies by Wₕᵀ at every step, whatever it learns.""",
        "zh": """**反向一步。** hₜ = tanh(xₜ Wₓ + hₜ₋₁ Wₕ) 给出 dhₜ₋₁ = (dhₜ ⊙ (1 − hₜ²)) Wₕᵀ。书中的实验略去 tanh′，让 dh 一次又一次地乘以 Wₕᵀ（蓝线）。k 步之后其大小至多为 σ_max^k·‖dh_T‖（点线），σ_max = {s}。

**这个上界只对部分矩阵是紧的。** 对 σ·Q（Q 正交），每个方向都恰好被拉伸 σ 倍，‖dh‖ = σ^k‖dh_T‖。缩放到 σ_max = {s} 的随机矩阵谱半径 ρ = {rho}：长期来看 ‖dh‖ 按 ρ^k 增长。所以 σ_max > 1 使爆炸成为可能，σ_max < 1 则必然消失。

**tanh′ ≤ 1 只会让它变小**（红线）：这条序列上 1 − hₜ² 的平均值为 {tanh_d}。

**LSTM 记忆元** cₜ = fₜ ⊙ cₜ₋₁ + iₜ ⊙ g_t 以加法更新，沿它反向只乘以遗忘门 fₜ，没有矩阵（绿线）。遗忘门偏置为 {fb} 时其均值为 {f}；{T} 步后 ‖dc‖ 剩下初始值的 {cell}。网络可以在需要记忆的地方学到 f ≈ 1；而普通 RNN 无论学到什么，每一步都要乘以 Wₕᵀ。"""},
    # charts
    "chain_title": {"en": "{w}ᵗ step by step (log scale)", "zh": "{w}ᵗ 逐步相乘（对数坐标）"},
    "t_axis": {"en": "step t", "zh": "步数 t"},
    "power_axis": {"en": "wᵗ (log scale)", "zh": "wᵗ（对数坐标）"},
    "norms_title": {"en": "RMS of activations and gradients, layer by layer", "zh": "逐层的激活值与梯度的均方根"},
    "act_series": {"en": "activations hₗ", "zh": "激活值 hₗ"},
    "grad_series": {"en": "gradients ∂ℓ/∂hₗ", "zh": "梯度 ∂ℓ/∂hₗ"},
    "act_theory": {"en": "activations, theory", "zh": "激活值（理论）"},
    "grad_theory": {"en": "gradients, theory", "zh": "梯度（理论）"},
    "act_short": {"en": "activations", "zh": "激活值"},
    "grad_short": {"en": "gradients", "zh": "梯度"},
    "layer_axis": {"en": "layer l", "zh": "层 l"},
    "rms_axis": {"en": "RMS (log scale)", "zh": "均方根 RMS（对数坐标）"},
    "wgrad_title": {"en": "Weight gradients ‖∂ℓ/∂Wₗ‖", "zh": "权重梯度 ‖∂ℓ/∂Wₗ‖"},
    "wgrad_series": {"en": "‖∂ℓ/∂Wₗ‖", "zh": "‖∂ℓ/∂Wₗ‖"},
    "wgrad_short": {"en": "weight gradients", "zh": "权重梯度"},
    "wgrad_axis": {"en": "Frobenius norm (log scale)", "zh": "Frobenius 范数（对数坐标）"},
    "hist_title": {"en": "Distributions: activations (top) and their gradients (bottom)", "zh": "分布：激活值（上）与其梯度（下）"},
    "hist_panel": {"en": "layer {layer}", "zh": "第 {layer} 层"},
    "fraction_axis": {"en": "fraction of values", "zh": "取值比例"},
    "bptt_title": {"en": "‖dh‖ going back through time (log scale)", "zh": "沿时间反向时的 ‖dh‖（对数坐标）"},
    "bptt_bound": {"en": "bound σ_maxᵏ‖dh_T‖ (σ_max = {s})", "zh": "上界 σ_maxᵏ‖dh_T‖（σ_max = {s}）"},
    "bptt_linear": {"en": "× Whᵀ only (the book's experiment)", "zh": "只乘 Whᵀ（书中的实验）"},
    "bptt_tanh": {"en": "tanh RNN: × tanh′, then Whᵀ", "zh": "tanh RNN：先乘 tanh′ 再乘 Whᵀ"},
    "bptt_lstm": {"en": "LSTM cell path, × fₜ", "zh": "LSTM 记忆元路径，× fₜ"},
    "bptt_linear_short": {"en": "× Whᵀ", "zh": "× Whᵀ"},
    "bptt_tanh_short": {"en": "tanh RNN", "zh": "tanh RNN"},
    "bptt_lstm_short": {"en": "LSTM cell", "zh": "LSTM 记忆元"},
    "k_axis": {"en": "steps back k", "zh": "反向步数 k"},
    "dh_axis": {"en": "‖dh‖ (Frobenius, log scale)", "zh": "‖dh‖（Frobenius 范数，对数坐标）"},
}
