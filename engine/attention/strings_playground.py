"""English and 中文 text of the page "Attention playground" (pages/attention/attention_playground.py):
its own keys (strings.py adds the chart words and exports PLAYGROUND_STRINGS) and its Nadaraya–Watson part."""

PLAYGROUND_OWN = {
    "title": {"en": "Attention playground", "zh": "注意力实验场"},
    "summary": {"en": "Attention pooling as the book first shows it, Nadaraya–Watson kernel regression (kernel, width, the weights "
                      "over the training inputs, the learned width); then queries, keys and values you can edit: scores, softmax weights and output of scaled dot-product "
                      "and additive attention, with masks, temperature and the 1/√d scaling (⟦queries_keys_values..attention_scoring⟧).",
                "zh": "先看书中最初的注意力汇聚：Nadaraya-Watson 核回归（核函数、核宽度、对训练输入的注意力权重、学得的核宽度）；再看可编辑的查询、键和值：缩放点积注意力与加性注意力的评分、softmax 权重和输出，含掩蔽、温度与 1/√d 缩放（⟦queries_keys_values..attention_scoring⟧）。"},
    "inputs_header": {"en": "Q, K, V", "zh": "Q、K、V"},
    "scoring_header": {"en": "Scoring and masks", "zh": "评分与掩蔽"},
    "source": {"en": "Q, K, V", "zh": "Q、K、V 来源"},
    "source.random": {"en": "random (seed)", "zh": "随机（种子）"},
    "source.edited": {"en": "edit them", "zh": "手动编辑"},
    "source_help": {"en": "Random: drawn from the seed, so a link reproduces them. Edit: start from the random draw and change any cell.",
                    "zh": "随机：由种子生成，链接可复现。编辑：从随机值出发，修改任意单元格。"},
    "n_queries": {"en": "Queries (rows of Q)", "zh": "查询数（Q 的行数）"},
    "n_keys": {"en": "Keys and values (rows of K, V)", "zh": "键值对数（K、V 的行数）"},
    "d": {"en": "Query / key size d", "zh": "查询 / 键的维度 d"},
    "d_v": {"en": "Value size", "zh": "值的维度"},
    "std": {"en": "Std of random entries", "zh": "随机元素的标准差"},
    "scale": {"en": "Scale scores by 1/√d", "zh": "评分除以 √d"},
    "scale_help": {"en": "Without it, qᵀk grows like √d and the softmax saturates (see the curve below).",
                   "zh": "不缩放时 qᵀk 的量级随 √d 增长，softmax 趋于饱和（见下方曲线）。"},
    "temperature": {"en": "Temperature T", "zh": "温度 T"},
    "temperature_help": {"en": "softmax(scores / T): T > 1 flattens the weights, T < 1 sharpens them.",
                         "zh": "softmax(评分 / T)：T > 1 使权重更平，T < 1 使其更尖。"},
    "valid_len": {"en": "Valid length (keys after it are padding)", "zh": "有效长度（其后的键为填充）"},
    "valid_len_help": {"en": "The padding mask of masked_softmax: keys beyond it get weight exactly 0.",
                       "zh": "masked_softmax 的填充掩蔽：超出部分的键权重恰好为 0。"},
    "causal": {"en": "Causal mask (no peeking ahead)", "zh": "因果掩蔽（不看未来）"},
    "causal_help": {"en": "Query i only sees keys j ≤ i, as in a decoder.", "zh": "查询 i 只能看到键 j ≤ i，如解码器中。"},
    "num_hiddens": {"en": "Additive attention hidden size", "zh": "加性注意力隐藏层大小"},
    "editor_caption": {"en": "Edit any cell (numbers only). Your values stay while you change other settings, but they are not in the shared link.",
                       "zh": "可修改任意单元格（仅限数字）。修改其他设置时数值会保留，但不会包含在分享链接中。"},
    "redraw": {"en": "Reset to the random draw (seed)", "zh": "重置为随机值（种子）"},
    "bad_cells": {"en": "Some cells of {name} were not usable numbers and were replaced:", "zh": "{name} 中部分单元格不是可用的数字，已替换："},
    "cell_empty": {"en": "row {row}, column {col}: empty → 0", "zh": "第 {row} 行第 {col} 列：为空 → 0"},
    "cell_not_number": {"en": "row {row}, column {col}: `{given}` is not a number → 0", "zh": "第 {row} 行第 {col} 列：`{given}` 不是数字 → 0"},
    "cell_clipped": {"en": "row {row}, column {col}: `{given}` is too large → clipped to ±{max}", "zh": "第 {row} 行第 {col} 列：`{given}` 过大 → 截断为 ±{max}"},
    "dot_title": {"en": "Scaled dot-product attention", "zh": "缩放点积注意力"},
    "dot_title_unscaled": {"en": "Dot-product attention (no 1/√d)", "zh": "点积注意力（未除以 √d）"},
    "additive_title": {"en": "Additive (Bahdanau) attention, same Q, K, V", "zh": "加性（Bahdanau）注意力，相同的 Q、K、V"},
    "scores_title": {"en": "Scores a(q_i, k_j)", "zh": "评分 a(q_i, k_j)"},
    "weights_title": {"en": "Weights α = softmax (each row sums to 1)", "zh": "权重 α = softmax（每行之和为 1）"},
    "output_title": {"en": "Output = α V", "zh": "输出 = α V"},
    "inputs_title": {"en": "The inputs", "zh": "输入"},
    "metric_max": {"en": "Mean max weight", "zh": "平均最大权重"},
    "metric_entropy": {"en": "Mean entropy (nats)", "zh": "平均熵（奈特）"},
    "metric_uniform": {"en": "Entropy if uniform", "zh": "均匀分布时的熵"},
    "metric_uniform_help": {"en": "Mean over the queries of ln(keys it may see): the valid length, and with the causal mask only keys j ≤ i for query i.",
                            "zh": "各查询 ln(可见键数) 的平均：有效长度内的键；有因果掩蔽时查询 i 只能看到 j ≤ i 的键。"},
    "metric_rows": {"en": "Row sums", "zh": "行和"},
    "sat_title": {"en": "Why 1/√d: the softmax saturates as d grows ({n} keys, random N(0, 1) entries)",
                  "zh": "为什么除以 √d：d 增大时 softmax 饱和（{n} 个键，元素服从 N(0, 1)）"},
    "sat_max": {"en": "mean max weight", "zh": "平均最大权重"},
    "sat_entropy": {"en": "mean entropy", "zh": "平均熵"},
    "scaled_on": {"en": "qᵀk / √d", "zh": "qᵀk / √d"},
    "scaled_off": {"en": "qᵀk (no scaling)", "zh": "qᵀk（不缩放）"},
    "uniform": {"en": "uniform", "zh": "均匀"},
    "axis_d": {"en": "d (log scale; green line: your d = {d})", "zh": "d（对数坐标；绿线：当前 d = {d}）"},
    "axis_max_weight": {"en": "max weight", "zh": "最大权重"},
    "axis_entropy": {"en": "entropy (nats)", "zh": "熵（奈特）"},
    "saturated": {"en": "Without the 1/√d scaling at d = {d}, the largest weight averages {max} and the softmax is close to one-hot. "
                        "Then its Jacobian diag(α) − ααᵀ is close to 0: its norm averages {jac} here, against {jac_uniform} for uniform weights over the same keys. "
                        "That Jacobian carries the gradient to every score, the winning key's included, so W_q and W_k barely learn. Switch the scaling on to compare.",
                  "zh": "d = {d} 且不缩放时，最大权重平均为 {max}，softmax 接近 one-hot。"
                        "此时它的雅可比矩阵 diag(α) − ααᵀ 接近 0：这里其范数平均为 {jac}，而同样这些键上的均匀权重为 {jac_uniform}。"
                        "传到每个评分（包括得分最高的键）的梯度都要经过这个雅可比矩阵，所以 W_q 和 W_k 几乎学不动。打开缩放对比。"},
    "explain_md": {
        "en": r"""**Scores.** Scaled dot product: $a(\mathbf q_i, \mathbf k_j) = \mathbf q_i^\top \mathbf k_j / (\sqrt{{d}}\,T)$ with $d = {d}$, $\sqrt d = {sqrt_d}$, $T = {T}${noscale}. For query 1: scores $= [{s1}]$.

**Masks.** {masks}

**Weights.** $\alpha_{{ij}} = \exp(a_{{ij}}) / \sum_{{j'}} \exp(a_{{ij'}})$ over the visible keys. For query 1: $\alpha_{{1\cdot}} = [{w1}]$, sum $= {sum1}$.

**Output.** $\mathbf o_i = \sum_j \alpha_{{ij}} \mathbf v_j$: a weighted average of the values. For query 1: $[{o1}]$.

**Additive attention.** $a(\mathbf q, \mathbf k) = \mathbf w_v^\top \tanh(\mathbf W_q \mathbf q + \mathbf W_k \mathbf k)$ with a hidden layer of {h} units (random weights from the seed): it needs no equal sizes for $\mathbf q$ and $\mathbf k$ and learns its own similarity; the dot product has no parameters.

**Why $\sqrt d$.** If the entries of $\mathbf q, \mathbf k$ have mean 0 and variance 1, $\mathbf q^\top\mathbf k$ has variance $d$. Dividing by $\sqrt d$ keeps the scores at variance 1 whatever $d$ is, so the softmax neither saturates nor flattens as the model grows.""",
        "zh": r"""**评分。** 缩放点积：$a(\mathbf q_i, \mathbf k_j) = \mathbf q_i^\top \mathbf k_j / (\sqrt{{d}}\,T)$，其中 $d = {d}$，$\sqrt d = {sqrt_d}$，$T = {T}${noscale}。查询 1 的评分 $= [{s1}]$。

**掩蔽。** {masks}

**权重。** $\alpha_{{ij}} = \exp(a_{{ij}}) / \sum_{{j'}} \exp(a_{{ij'}})$，只在可见的键上求和。查询 1：$\alpha_{{1\cdot}} = [{w1}]$，和 $= {sum1}$。

**输出。** $\mathbf o_i = \sum_j \alpha_{{ij}} \mathbf v_j$：值的加权平均。查询 1：$[{o1}]$。

**加性注意力。** $a(\mathbf q, \mathbf k) = \mathbf w_v^\top \tanh(\mathbf W_q \mathbf q + \mathbf W_k \mathbf k)$，隐藏层 {h} 个单元（权重由种子随机生成）：$\mathbf q$ 与 $\mathbf k$ 维度可以不同，相似度由模型自己学习；点积则没有参数。

**为什么除以 $\sqrt d$。** 若 $\mathbf q, \mathbf k$ 的元素均值为 0、方差为 1，则 $\mathbf q^\top\mathbf k$ 的方差为 $d$。除以 $\sqrt d$ 使评分方差保持为 1，无论 $d$ 多大，softmax 都不会饱和或过平。"""},
    "noscale_note": {"en": " — scaling is **off**, so here the score is $\\mathbf q_i^\\top \\mathbf k_j / T$",
                     "zh": " —— 缩放已**关闭**，此处评分为 $\\mathbf q_i^\\top \\mathbf k_j / T$"},
    "mask_pad": {"en": "Keys $j > {valid}$ are padding{causal}: a masked score becomes $-\\infty$ before the softmax, so its weight is exactly $0$.",
                 "zh": "键 $j > {valid}$ 为填充{causal}：被掩蔽的评分在 softmax 之前设为 $-\\infty$，因此权重恰好为 $0$。"},
    "mask_nopad": {"en": "The valid length covers all {valid} keys, so nothing is padding{causal}.",
                   "zh": "有效长度覆盖全部 {valid} 个键，没有填充{causal}。"},
    "mask_nopad_causal": {"en": " — but the causal mask still hides every key $j > i$ from query $i$: a masked score becomes $-\\infty$, its weight exactly $0$",
                          "zh": " —— 但因果掩蔽仍对查询 $i$ 隐藏所有 $j > i$ 的键：被掩蔽的评分为 $-\\infty$，权重恰好为 $0$"},
    "causal_note": {"en": ", and the causal mask hides every key $j > i$ from query $i$",
                    "zh": "，且因果掩蔽对查询 $i$ 隐藏所有 $j > i$ 的键"},
}

# The Nadaraya–Watson part of the attention playground (d2l-en §11.2, d2l-zh 10.2): drawn first, as the book does.
NW_STRINGS = {
    "nw_sidebar": {"en": "Kernel regression (Nadaraya–Watson)", "zh": "核回归（Nadaraya-Watson）"},
    "nw_header": {"en": "First: attention pooling as kernel regression", "zh": "首先：作为核回归的注意力汇聚"},
    "nw_intro": {"en": "The book enters attention here (⟦nadaraya_watson⟧), before queries, keys and values are learned. Each test input x is a **query**, the training inputs xᵢ are the **keys**, their outputs yᵢ the **values**. The estimate is a weighted average of the values, f(x) = Σᵢ α(x, xᵢ) yᵢ, and the weights α(x, xᵢ) = K((x − xᵢ)/σ) / Σⱼ K((x − xⱼ)/σ) are the **attention weights**: large for keys close to the query, summing to 1.",
                 "zh": "书中从这里引入注意力（⟦nadaraya_watson⟧），早于学习查询、键和值。每个测试输入 x 是**查询**，训练输入 xᵢ 是**键**，其输出 yᵢ 是**值**。估计值是值的加权平均 f(x) = Σᵢ α(x, xᵢ) yᵢ，权重 α(x, xᵢ) = K((x − xᵢ)/σ) / Σⱼ K((x − xⱼ)/σ) 就是**注意力权重**：离查询越近的键权重越大，且和为 1。"},
    "kernel": {"en": "Kernel K(u)", "zh": "核函数 K(u)"},
    "kernel_help": {"en": "d2l-en's four kernels (⟦nw_kernels⟧): Gaussian exp(−u²/2), boxcar 1[|u| < 1], constant 1 (average pooling), Epanechnikov max(1 − |u|, 0).",
                    "zh": "d2l 英文版的四种核（⟦nw_kernels⟧）：高斯 exp(−u²/2)、矩形 1[|u| < 1]、常数 1（平均汇聚）、Epanechnikov max(1 − |u|, 0)。"},
    "kernel.gaussian": {"en": "Gaussian", "zh": "高斯核"},
    "kernel.boxcar": {"en": "boxcar", "zh": "矩形核（boxcar）"},
    "kernel.constant": {"en": "constant (average pooling)", "zh": "常数核（平均汇聚）"},
    "kernel.epanechikov": {"en": "Epanechnikov", "zh": "Epanechnikov 核"},
    "width": {"en": "Kernel width σ", "zh": "核宽度 σ"},
    "width_help": {"en": "u = (x − xᵢ)/σ. Narrow: each estimate averages few neighbours (wiggly, follows the noise); wide: many (smooth, biased). The book's values: 0.1, 0.2, 0.5, 1 (⟦nw_width⟧).",
                   "zh": "u = (x − xᵢ)/σ。窄：每个估计只平均少数近邻（曲线抖动，跟随噪声）；宽：平均很多点（平滑但有偏）。书中取 0.1、0.2、0.5、1（⟦nw_width⟧）。"},
    "n_train": {"en": "Training pairs n_train", "zh": "训练样本数 n_train"},
    "noise": {"en": "Noise std on y", "zh": "y 的噪声标准差"},
    "lr": {"en": "Learned width: SGD learning rate", "zh": "学习核宽度：SGD 学习率"},
    "num_epochs": {"en": "Learned width: epochs", "zh": "学习核宽度：迭代轮数"},
    "num_epochs_help": {"en": "Full-batch SGD steps on w, as the book (lr 0.5, 5 epochs).", "zh": "对 w 做全批量 SGD，书中为学习率 0.5、5 轮。"},
    "nw_train_points": {"en": "training pairs (xᵢ, yᵢ)", "zh": "训练样本 (xᵢ, yᵢ)"},
    "nw_truth": {"en": "truth f(x) = 2 sin x + x^0.8", "zh": "真实函数 f(x) = 2 sin x + x^0.8"},
    "nw_average": {"en": "average pooling (mean of yᵢ)", "zh": "平均汇聚（yᵢ 的均值）"},
    "nw_estimate": {"en": "Nadaraya–Watson, {kernel}, σ = {width}", "zh": "Nadaraya-Watson，{kernel}，σ = {width}"},
    "nw_learned": {"en": "learned width (σ = 1/|w| = {width})", "zh": "学得的核宽度（σ = 1/|w| = {width}）"},
    "nw_fit_title": {"en": "Kernel regression: the estimate against the truth", "zh": "核回归：估计值与真实函数"},
    "nw_weights_title": {"en": "Attention weights α(x, xᵢ): {kernel}, σ = {width}", "zh": "注意力权重 α(x, xᵢ)：{kernel}，σ = {width}"},
    "nw_learned_weights_title": {"en": "Attention weights of the learned width (σ = {width})", "zh": "学得核宽度的注意力权重（σ = {width}）"},
    "nw_keys_axis": {"en": "keys: sorted training inputs xᵢ", "zh": "键：排序后的训练输入 xᵢ"},
    "nw_queries_axis": {"en": "queries: test inputs x", "zh": "查询：测试输入 x"},
    "nw_training_title": {"en": "Learning the width: d2l-zh's parametric attention pooling", "zh": "学习核宽度：带参数注意力汇聚"},
    "nw_loss": {"en": "loss Σ (f(xᵢ) − yᵢ)², leave-one-out", "zh": "损失 Σ (f(xᵢ) − yᵢ)²（留一法）"},
    "nw_w": {"en": "w (σ = 1/|w|)", "zh": "w（σ = 1/|w|）"},
    "nw_epoch_axis": {"en": "epoch", "zh": "轮次（epoch）"},
    "nw_diverged_at": {"en": "{kind} at epoch {epoch}", "zh": "第 {epoch} 轮出现 {kind}"},
    "nw_diverged": {"en": "Learning the width diverged: the loss or w became {kind} at epoch {epoch} (last finite loss {last}). The learning rate {lr} is too large for this loss surface; the curve and weights of the learned width are not meaningful.",
                    "zh": "学习核宽度发散了：第 {epoch} 轮时损失或 w 变为 {kind}（最后一个有限损失 {last}）。学习率 {lr} 对这个损失曲面过大，学得宽度的曲线和权重没有意义。"},
    "nw_uncovered": {"en": "{n} of the {total} test inputs have no training input within the {kernel} window of width σ = {width}: every weight is 0, the average is 0/0, so the estimate is undefined there (gaps in the curve, empty rows in the heatmap). Widen the kernel or add training pairs.",
                     "zh": "{total} 个测试输入中有 {n} 个在宽度 σ = {width} 的{kernel}窗口内没有任何训练输入：所有权重都是 0，平均值为 0/0，那里的估计没有定义（曲线中断、热图中为空行）。请加宽核或增加训练样本。"},
    "nw_metric_mse": {"en": "Error vs truth (MSE)", "zh": "与真实函数的误差（均方误差）"},
    "nw_metric_learned_mse": {"en": "Learned width: MSE", "zh": "学得核宽度：均方误差"},
    "nw_metric_sigma": {"en": "Learned σ = 1/|w|", "zh": "学得的 σ = 1/|w|"},
    "nw_metric_rows": {"en": "Weight rows sum to", "zh": "权重每行之和"},
    "nw_explain": {"en": "**Non-parametric attention pooling** (⟦nw_width⟧). With the Gaussian kernel, α(x, xᵢ) = softmax(−(x − xᵢ)²/(2σ²)): a softmax over scores, the same operation as the attention below, but the score is fixed by hand. The constant kernel gives every key the same weight 1/n: *average pooling*, the flat line, which ignores the query. Here σ = {width} gives an error of {mse} against the truth.\n\n"
                          "**Parametric attention pooling** (⟦nw_parametric⟧). The book makes the score learnable: α(x, xᵢ) = softmax(−((x − xᵢ)·w)²/2), so σ = 1/|w|. Trained as the book does (squared loss summed over the {n} training points, SGD with lr {lr}, {epochs} epochs), each training input attends to all the *other* pairs — with itself among its keys, the loss would be smallest for an infinitely narrow kernel that copies each yᵢ. w went from {w0} to {w}, σ = {sigma}: {verdict}\n\n"
                          "**Next.** Instead of one width for a scalar x, attention learns what to compare: queries and keys become learned vectors, and the score a(q, k) a dot product or a small network (below).",
                    "zh": "**非参数注意力汇聚**（⟦nw_width⟧）。使用高斯核时，α(x, xᵢ) = softmax(−(x − xᵢ)²/(2σ²))：对评分做 softmax，与下面的注意力是同一个运算，只是评分由人手工确定。常数核给每个键相同的权重 1/n：即*平均汇聚*，那条水平线，它完全不看查询。这里 σ = {width}，与真实函数的误差为 {mse}。\n\n"
                          "**带参数注意力汇聚**（⟦nw_parametric⟧）。书中让评分可学习：α(x, xᵢ) = softmax(−((x − xᵢ)·w)²/2)，即 σ = 1/|w|。按书中方式训练（对 {n} 个训练点的平方损失求和，SGD 学习率 {lr}，{epochs} 轮），每个训练输入只对*其他*样本做注意力——若自己也在键中，核越窄损失越小，最终只会复制各自的 yᵢ。w 从 {w0} 变为 {w}，σ = {sigma}：{verdict}\n\n"
                          "**下一步。** 注意力不再只为标量 x 学一个宽度，而是学习比较什么：查询和键变成可学习的向量，评分 a(q, k) 变成点积或一个小网络（见下文）。"},
    "nw_verdict_narrower": {"en": "narrower than your σ = {width}, so the learned curve is less smooth where the weights concentrate, as the book observes: it follows the noise more closely.",
                            "zh": "比你选的 σ = {width} 更窄，所以在注意力权重集中的区域曲线更不平滑，与书中的观察一致：它更贴近噪声。"},
    "nw_verdict_wider": {"en": "wider than your σ = {width}, so the learned curve is smoother than yours.",
                         "zh": "比你选的 σ = {width} 更宽，所以学得的曲线比你的更平滑。"},
}
