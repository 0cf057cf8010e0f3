"""English and 中文 text of the page "Gradient checking" and of its charts."""
from engine.gradients.strings import COMMON

STRINGS = {
    **COMMON,
    "title": {"en": "Gradient checking", "zh": "梯度检验"},
    "summary": {"en": "Two-sided differences against a hand-written backward pass, entry by entry: plant a bug and watch the check catch it and point at the parameter (Ng, course 2 week 1).",
                "zh": "逐个元素用双边差分检验手写的反向传播：植入一个错误，看检验如何发现它并指出是哪个参数（吴恩达，第二门课第一周）。"},
    "net_header": {"en": "Network", "zh": "网络"},
    "check_header": {"en": "Check", "zh": "检验"},
    "num_hiddens_help": {"en": "Inputs = hidden units, so W1 is square (a transposed gradient then has the right shape and nothing complains).",
                         "zh": "输入数 = 隐藏单元数，W1 是方阵（于是转置了的梯度形状也对，不会报错）。"},
    "eps": {"en": "ε of the two-sided difference", "zh": "双边差分的 ε"},
    "eps_help": {"en": "Too large: the difference sees the curvature (error ~ε²). Too small: rounding (error ~1e-16/ε in float64).",
                 "zh": "太大：差分受曲率影响（误差 ~ε²）。太小：舍入误差（float64 中约为 1e-16/ε）。"},
    "dtype": {"en": "Precision", "zh": "精度"},
    "dtype.float64": {"en": "float64", "zh": "float64"},
    "dtype.float32": {"en": "float32", "zh": "float32"},
    "bug": {"en": "Plant a bug in the backward pass", "zh": "在反向传播中植入错误"},
    "bug_help": {"en": "The forward pass (and so J) stays right; only the hand-written backward changes.",
                 "zh": "前向传播（因此 J）保持正确；只改变手写的反向传播。"},
    "bug.none": {"en": "no bug", "zh": "没有错误"},
    "bug.W1_transposed": {"en": "layer 1: ∂J/∂W returned transposed (Xᵀ·G)", "zh": "第 1 层：∂J/∂W 被转置（Xᵀ·G）"},
    "bug.tanh_derivative": {"en": "tanh′ written as 1 − tanh z", "zh": "tanh′ 写成了 1 − tanh z"},
    "bug.b2_mean": {"en": "layer 2: ∂J/∂b averaged, not summed", "zh": "第 2 层：∂J/∂b 求平均而不是求和"},
    "dropout": {"en": "Dropout after the hidden layer (p = 0.5)", "zh": "隐藏层之后的暂退法（p = 0.5）"},
    "dropout_help": {"en": "Fresh mask: what training does. Fixed mask: the same mask at every call of J.",
                     "zh": "每次新掩码：训练时的做法。固定掩码：每次计算 J 都用同一个掩码。"},
    "dropout.off": {"en": "off", "zh": "关闭"},
    "dropout.fresh_mask": {"en": "on, fresh mask", "zh": "开启，每次新掩码"},
    "dropout.fixed_mask": {"en": "on, fixed mask", "zh": "开启，固定掩码"},
    "metric_overall": {"en": "Relative error, all parameters", "zh": "相对误差（全部参数）"},
    "metric_verdict": {"en": "Verdict", "zh": "结论"},
    "metric_located": {"en": "Wrong gradient in", "zh": "梯度有误的参数"},
    "metric_evals": {"en": "Evaluations of J", "zh": "J 的计算次数"},
    "nothing": {"en": "—", "zh": "—"},
    "passed": {"en": "Every parameter's gradient checks out: the largest relative error is {worst}, below 1e-7.",
               "zh": "每个参数的梯度都通过了检验：最大相对误差为 {worst}，低于 1e-7。"},
    "passed_loose": {"en": "No gradient is clearly wrong (every relative error is below 1e-3), but the largest is {worst}: {verdict}. A correct backward pass checked in float64 with ε ≈ 1e-7 lands near 1e-7 or below; with ε = {eps} in {dtype} the difference quotient itself is off. The last chart shows the error against ε.",
                     "zh": "没有明显错误的梯度（所有相对误差都低于 1e-3），但最大的为 {worst}：{verdict}。正确的反向传播在 float64 下用 ε ≈ 1e-7 检验，误差约为 1e-7 或更低；ε = {eps}、{dtype} 时差商本身就不准。最后一张图给出了误差随 ε 的变化。"},
    "eps_fail": {"en": "**The check fails, and no bug is planted.** With ε = {eps} the two-sided difference itself is off: it errs by O(ε²) when ε is large, and by rounding (about 10⁻¹⁶ / ε in float64) when ε is tiny. Here ∂J/∂{params} reach {rel}. Use ε ≈ 1e-7; the last chart shows the error against ε.",
                 "zh": "**检验失败了，但并没有植入错误。** ε = {eps} 时两侧差分本身就不准：ε 大时误差为 O(ε²)，ε 极小时舍入误差（float64 下约 10⁻¹⁶ / ε）占主导。这里 ∂J/∂{params} 的相对误差达到 {rel}。请用 ε ≈ 1e-7；最后一张图给出了误差随 ε 的变化。"},
    "bug_found": {"en": "**The check caught a bug** in ∂J/∂{params}: relative error {rel}, above 1e-3. {others} check out: look for the mistake on the path from J to {params} that the others do not share. {hint}",
                  "zh": "**检验发现了错误**，位于 ∂J/∂{params}：相对误差 {rel}，高于 1e-3。{others} 都通过了检验：错误在从 J 到 {params}、而其他参数不经过的那段路径上。{hint}"},
    "hint.W1_transposed": {"en": "Here: `LinearFunction.backward` of layer 1 returns Xᵀ·G — the (in, out) layout of a book that writes X·W — instead of Gᵀ·X. W1 is square, so the shape fits and nothing complains.",
                           "zh": "这里：第 1 层的 `LinearFunction.backward` 返回了 Xᵀ·G——按 X·W 写法的 (in, out) 布局——而不是 Gᵀ·X。W1 是方阵，形状对得上，所以不会报错。"},
    "hint.tanh_derivative": {"en": "Both W1 and b1 are wrong, W2 and b2 right: the error enters between the two layers, in the activation's backward pass. `TanhFunction.backward` uses 1 − tanh z instead of 1 − tanh² z.",
                             "zh": "W1 与 b1 都错了，W2 与 b2 正确：错误出现在两层之间，即激活函数的反向传播。`TanhFunction.backward` 用了 1 − tanh z 而不是 1 − tanh² z。"},
    "hint.b2_mean": {"en": "Only b2, smaller by the batch size ({batch}×): the bias gradient was averaged over the batch although the loss already averages.",
                     "zh": "只有 b2 错了，小了批量大小（{batch} 倍）：损失已经求过平均，偏置梯度却又在批量上求了一次平均。"},
    "bug_hidden": {"en": "The planted bug is there, but this check cannot see it: averaging the bias gradient over a batch of one changes nothing. A check is only as good as its test case — use a batch of at least 2.",
                   "zh": "植入的错误还在，但这次检验看不到它：对只有一个样本的批量求平均什么也没改变。检验的好坏取决于测试用例——批量至少要有 2 个样本。"},
    "dropout_fail": {"en": "**The check fails, and it is not the backward pass's fault.** With dropout, J draws a new mask at every call: J(θ + ε) and J(θ − ε) differ by which units were dropped, not by the slope, and dividing that by 2ε = {two_eps} blows it up. Check with dropout off (keep_prob = 1), then switch it on for training — or draw the same mask every time (the third option).",
                     "zh": "**检验失败了，但这不是反向传播的错。** 使用暂退法时，J 每次计算都会抽一个新掩码：J(θ + ε) 与 J(θ − ε) 的差别来自丢弃了哪些单元，而不是斜率，再除以 2ε = {two_eps} 就被放大了。请关闭暂退法（keep_prob = 1）做检验，训练时再打开——或者每次都抽同一个掩码（第三个选项）。"},
    "fixed_mask_note": {"en": "With the same mask at every call, J is one fixed function again and the check works — for the network with this mask.",
                        "zh": "每次都用同一个掩码时，J 又是一个确定的函数，检验就能进行——检验的是带这个掩码的网络。"},
    "float32_fail": {"en": "**In float32 the check fails without any bug.** J is stored to about 7 significant digits, and J(θ + ε) − J(θ − ε) with ε = {eps} keeps almost none of them. Check in float64, as the course does; the last chart shows the error against ε for this precision.",
                     "zh": "**在 float32 下，没有错误检验也会失败。** J 只有约 7 位有效数字，ε = {eps} 时 J(θ + ε) − J(θ − ε) 几乎一位也不剩。请像课程中那样用 float64 检验；最后一张图给出了该精度下误差随 ε 的变化。"},
    "explain_md": {
        "en": """**The check.** For every entry θᵢ of every parameter, g_num,i = (J(θ + ε·eᵢ) − J(θ − ε·eᵢ)) / 2ε with ε = {eps}: {evals} evaluations of J for {P} parameters — too slow for training, fine for a test. The two-sided difference is off by O(ε²); the one-sided (J(θ + ε) − J(θ))/ε by O(ε).

**The comparison.** ‖g_num − g‖ / (‖g_num‖ + ‖g‖), per parameter and over all of them. The course's scale: about 1e-7 is right, 1e-5 deserves a second look, 1e-3 is a bug. Computing it per parameter is what tells you where to look.

**The network.** J = cross-entropy(softmax(tanh(X W1ᵀ + b1) W2ᵀ + b2), y) on a batch of {batch}, in {dtype}. Its backward pass is written by hand as two `torch.autograd.Function`s, so a bug can be planted in it; the numerical side only ever calls the forward pass.

**Not with dropout** — nor anything else random in J: the differences would measure the noise. And not with ReLU exactly at a kink, where the two sides see different slopes.""",
        "zh": """**检验方法。** 对每个参数的每个元素 θᵢ，计算 g_num,i = (J(θ + ε·eᵢ) − J(θ − ε·eᵢ)) / 2ε，ε = {eps}：{P} 个参数需要计算 {evals} 次 J——用于训练太慢，用于测试正好。双边差分的误差为 O(ε²)；单边差分 (J(θ + ε) − J(θ))/ε 的误差为 O(ε)。

**比较方式。** ‖g_num − g‖ / (‖g_num‖ + ‖g‖)，按参数分别计算，也对全部参数一起计算。课程给出的尺度：约 1e-7 是对的，1e-5 需要再看看，1e-3 就是错误。按参数分别计算，才能知道该去哪里找错误。

**网络。** J = cross-entropy(softmax(tanh(X W1ᵀ + b1) W2ᵀ + b2), y)，批量大小 {batch}，精度 {dtype}。它的反向传播以两个 `torch.autograd.Function` 手写，因此可以在其中植入错误；数值一侧只调用前向传播。

**不要开暂退法**——J 中也不能有其他随机性：差分测到的会是噪声。也不要恰好落在 ReLU 的拐点上，那里两侧的斜率不同。"""},
    # table and charts
    "col_param": {"en": "parameter", "zh": "参数"},
    "col_shape": {"en": "shape", "zh": "形状"},
    "col_rel": {"en": "relative error", "zh": "相对误差"},
    "col_verdict": {"en": "verdict", "zh": "结论"},
    "col_worst": {"en": "worst entry", "zh": "最差元素"},
    "col_backward": {"en": "backward pass there", "zh": "该处的反向传播值"},
    "col_numeric": {"en": "two-sided difference there", "zh": "该处的双边差分值"},
    "verdict.fine": {"en": "fine", "zh": "正确"},
    "verdict.acceptable": {"en": "acceptable", "zh": "可接受"},
    "verdict.suspicious": {"en": "suspicious", "zh": "可疑"},
    "verdict.bug": {"en": "bug", "zh": "有错误"},
    "rel_error": {"en": "relative error", "zh": "相对误差"},
    "rel_title": {"en": "Relative error per parameter", "zh": "每个参数的相对误差"},
    "param_axis": {"en": "parameter", "zh": "参数"},
    "rel_axis": {"en": "relative error (log scale)", "zh": "相对误差（对数坐标）"},
    "entries_title": {"en": "Every entry: g against g_num", "zh": "每个元素：g 与 g_num"},
    "numeric_axis": {"en": "two-sided difference g_num", "zh": "双边差分 g_num"},
    "backward_axis": {"en": "hand-written backward pass g", "zh": "手写反向传播 g"},
    "diagonal": {"en": "g = g_num", "zh": "g = g_num"},
    "sweep_title": {"en": "Relative error against ε (correct network, no dropout)", "zh": "相对误差随 ε 的变化（正确的网络，无暂退法）"},
    "sweep_series": {"en": "{dtype}", "zh": "{dtype}"},
    "your_eps": {"en": "your ε = {eps}", "zh": "你的 ε = {eps}"},
    "eps_axis": {"en": "ε (log scale, smaller to the right)", "zh": "ε（对数坐标，越往右越小）"},
}
