"""English and 中文 text of the attention lessons (pages and charts)."""

_CHARTS = {
    "axis_key": {"en": "key k_j", "zh": "键 k_j"},
    "axis_query": {"en": "query q_i", "zh": "查询 q_i"},
    "axis_feature": {"en": "feature (column)", "zh": "特征（列）"},
    "axis_row": {"en": "row", "zh": "行"},
    "score": {"en": "score", "zh": "评分"},
    "weight": {"en": "weight α", "zh": "权重 α"},
}

PLAYGROUND_STRINGS = {
    **_CHARTS,
    "title": {"en": "Attention playground", "zh": "注意力实验场"},
    "summary": {"en": "Queries, keys and values you can edit: scores, softmax weights and output of scaled dot-product "
                      "and additive attention, with masks, temperature and the 1/√d scaling (d2l §11.1–11.3).",
                "zh": "可编辑的查询、键和值：缩放点积注意力与加性注意力的评分、softmax 权重和输出，含掩码、温度与 1/√d 缩放（d2l 11.1–11.3 节）。"},
    "inputs_header": {"en": "Q, K, V", "zh": "Q、K、V"},
    "scoring_header": {"en": "Scoring and masks", "zh": "评分与掩码"},
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
                       "zh": "masked_softmax 的填充掩码：超出部分的键权重恰好为 0。"},
    "causal": {"en": "Causal mask (no peeking ahead)", "zh": "因果掩码（不看未来）"},
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
    "saturated": {"en": "Without the 1/√d scaling at d = {d}, the largest weight averages {max} and the softmax is close to one-hot: "
                        "almost all gradient goes to one key and learning stalls. Switch the scaling on to compare.",
                  "zh": "d = {d} 且不缩放时，最大权重平均为 {max}，softmax 接近 one-hot：梯度几乎只流向一个键，学习停滞。打开缩放对比。"},
    "explain_md": {
        "en": r"""**Scores.** Scaled dot product: $a(\mathbf q_i, \mathbf k_j) = \mathbf q_i^\top \mathbf k_j / (\sqrt{{d}}\,T)$ with $d = {d}$, $\sqrt d = {sqrt_d}$, $T = {T}${noscale}. For query 1: scores $= [{s1}]$.

**Masks.** {masks}

**Weights.** $\alpha_{{ij}} = \exp(a_{{ij}}) / \sum_{{j'}} \exp(a_{{ij'}})$ over the visible keys. For query 1: $\alpha_{{1\cdot}} = [{w1}]$, sum $= {sum1}$.

**Output.** $\mathbf o_i = \sum_j \alpha_{{ij}} \mathbf v_j$: a weighted average of the values. For query 1: $[{o1}]$.

**Additive attention.** $a(\mathbf q, \mathbf k) = \mathbf w_v^\top \tanh(\mathbf W_q \mathbf q + \mathbf W_k \mathbf k)$ with a hidden layer of {h} units (random weights from the seed): it needs no equal sizes for $\mathbf q$ and $\mathbf k$ and learns its own similarity; the dot product has no parameters.

**Why $\sqrt d$.** If the entries of $\mathbf q, \mathbf k$ have mean 0 and variance 1, $\mathbf q^\top\mathbf k$ has variance $d$. Dividing by $\sqrt d$ keeps the scores at variance 1 whatever $d$ is, so the softmax neither saturates nor flattens as the model grows.""",
        "zh": r"""**评分。** 缩放点积：$a(\mathbf q_i, \mathbf k_j) = \mathbf q_i^\top \mathbf k_j / (\sqrt{{d}}\,T)$，其中 $d = {d}$，$\sqrt d = {sqrt_d}$，$T = {T}${noscale}。查询 1 的评分 $= [{s1}]$。

**掩码。** {masks}

**权重。** $\alpha_{{ij}} = \exp(a_{{ij}}) / \sum_{{j'}} \exp(a_{{ij'}})$，只在可见的键上求和。查询 1：$\alpha_{{1\cdot}} = [{w1}]$，和 $= {sum1}$。

**输出。** $\mathbf o_i = \sum_j \alpha_{{ij}} \mathbf v_j$：值的加权平均。查询 1：$[{o1}]$。

**加性注意力。** $a(\mathbf q, \mathbf k) = \mathbf w_v^\top \tanh(\mathbf W_q \mathbf q + \mathbf W_k \mathbf k)$，隐藏层 {h} 个单元（权重由种子随机生成）：$\mathbf q$ 与 $\mathbf k$ 维度可以不同，相似度由模型自己学习；点积则没有参数。

**为什么除以 $\sqrt d$。** 若 $\mathbf q, \mathbf k$ 的元素均值为 0、方差为 1，则 $\mathbf q^\top\mathbf k$ 的方差为 $d$。除以 $\sqrt d$ 使评分方差保持为 1，无论 $d$ 多大，softmax 都不会饱和或过平。"""},
    "noscale_note": {"en": " — scaling is **off**, so here the score is $\\mathbf q_i^\\top \\mathbf k_j / T$",
                     "zh": " —— 缩放已**关闭**，此处评分为 $\\mathbf q_i^\\top \\mathbf k_j / T$"},
    "mask_pad": {"en": "Keys $j > {valid}$ are padding{causal}: a masked score becomes $-\\infty$ before the softmax, so its weight is exactly $0$.",
                 "zh": "键 $j > {valid}$ 为填充{causal}：被掩码的评分在 softmax 之前设为 $-\\infty$，因此权重恰好为 $0$。"},
    "mask_nopad": {"en": "The valid length covers all {valid} keys, so nothing is padding{causal}.",
                   "zh": "有效长度覆盖全部 {valid} 个键，没有填充{causal}。"},
    "mask_nopad_causal": {"en": " — but the causal mask still hides every key $j > i$ from query $i$: a masked score becomes $-\\infty$, its weight exactly $0$",
                          "zh": " —— 但因果掩码仍对查询 $i$ 隐藏所有 $j > i$ 的键：被掩码的评分为 $-\\infty$，权重恰好为 $0$"},
    "causal_note": {"en": ", and the causal mask hides every key $j > i$ from query $i$",
                    "zh": "，且因果掩码对查询 $i$ 隐藏所有 $j > i$ 的键"},
}

SEQ2SEQ_STRINGS = {
    **_CHARTS,
    "title": {"en": "Seq2seq with attention", "zh": "带注意力的序列到序列"},
    "summary": {"en": "An encoder–decoder GRU with Bahdanau attention learns to turn dates in words into ISO dates, "
                      "trained live next to the same model without attention; see where it looks (d2l §10.7, §11.4).",
                "zh": "带 Bahdanau 注意力的编码器–解码器 GRU 学习把英文日期转换为 ISO 日期，与无注意力的同一模型同步训练对比；看它在看哪里（d2l 10.7、11.4 节）。"},
    "data_header": {"en": "Task: dates in words → ISO", "zh": "任务：英文日期 → ISO 日期"},
    "model_header": {"en": "Model", "zh": "模型"},
    "train_header": {"en": "Training", "zh": "训练"},
    "num_train": {"en": "Training pairs", "zh": "训练样本对数"},
    "num_test": {"en": "Test pairs", "zh": "测试样本对数"},
    "embed_size": {"en": "Embedding size", "zh": "嵌入维度"},
    "num_hiddens": {"en": "Hidden size (GRU and attention)", "zh": "隐藏层大小（GRU 与注意力）"},
    "num_layers": {"en": "GRU layers", "zh": "GRU 层数"},
    "compare": {"en": "Also train it without attention", "zh": "同时训练无注意力模型"},
    "compare_help": {"en": "The same encoder and decoder sizes; the decoder gets only the encoder's last state (d2l §10.7).",
                     "zh": "编码器和解码器大小相同；解码器只得到编码器的最后状态（d2l 10.7 节）。"},
    "lr": {"en": "Learning rate (Adam)", "zh": "学习率（Adam）"},
    "batch_size": {"en": "Batch size", "zh": "批量大小"},
    "num_epochs": {"en": "Epochs", "zh": "迭代轮数"},
    "model.attention": {"en": "with attention", "zh": "带注意力"},
    "model.no_attention": {"en": "without attention", "zh": "无注意力"},
    "curves_title": {"en": "Training: with and without attention", "zh": "训练过程：有无注意力对比"},
    "curve_loss": {"en": "training loss", "zh": "训练损失"},
    "curve_accuracy": {"en": "exact-match accuracy on the test pairs", "zh": "测试集完全匹配准确率"},
    "axis_loss": {"en": "cross-entropy per token (log)", "zh": "每个词元的交叉熵（对数）"},
    "axis_accuracy": {"en": "exact match (%)", "zh": "完全匹配（%）"},
    "axis_epoch": {"en": "epoch", "zh": "轮次（epoch）"},
    "alignment_title": {"en": "Alignment: where the decoder looked for each output character",
                        "zh": "对齐：解码器输出每个字符时关注的输入词"},
    "axis_input": {"en": "input word", "zh": "输入词"},
    "axis_output": {"en": "output character", "zh": "输出字符"},
    "metric_acc": {"en": "Exact match, {model}", "zh": "完全匹配，{model}"},
    "metric_loss": {"en": "Final loss, {model}", "zh": "最终损失，{model}"},
    "metric_pairs": {"en": "Training / test pairs", "zh": "训练 / 测试样本对"},
    "try_header": {"en": "Try your own date", "zh": "试试你自己的日期"},
    "sentence": {"en": "A date in words", "zh": "英文日期"},
    "sentence_help": {"en": "For example: the fourth of july nineteen seventy-six · december twenty-fifth two thousand and eight. Letters, spaces, hyphens and commas; up to {chars} characters and {tokens} words.",
                      "zh": "例如：the fourth of july nineteen seventy-six · december twenty-fifth two thousand and eight。可用字母、空格、连字符和逗号；最多 {chars} 个字符、{tokens} 个词。"},
    "empty_input": {"en": "Type a date in words to translate it (the example is used meanwhile).",
                    "zh": "请输入一个英文日期（暂时使用示例）。"},
    "bad_chars": {"en": "These characters are not in this task's vocabulary (English letters, spaces, hyphens and commas) and were removed: {chars}",
                  "zh": "以下字符不在本任务的词表中（英文字母、空格、连字符和逗号），已删除：{chars}"},
    "unknown_words": {"en": "Words the model has never seen are read as <unk>: {words}. The model only knows the words the generator writes (numbers, ordinals, months, \"the\", \"of\", \"and\", \"oh\").",
                      "zh": "模型未见过的词按 <unk> 处理：{words}。模型只认识生成器会写的词（数字、序数词、月份、the、of、and、oh）。"},
    "truncated": {"en": "The input was too long and was cut to {chars} characters / {tokens} words.",
                  "zh": "输入过长，已截断为 {chars} 个字符 / {tokens} 个词。"},
    "model_reads": {"en": "The model reads", "zh": "模型读入"},
    "output_of": {"en": "Output {model}", "zh": "输出（{model}）"},
    "expected": {"en": "Correct answer", "zh": "正确答案"},
    "not_a_date": {"en": "Not a date the generator could write, so there is no correct answer to compare with — the model answers anyway.",
                   "zh": "这不是生成器能写出的日期，因此没有可对照的正确答案 —— 模型仍会给出输出。"},
    "right": {"en": "right", "zh": "正确"},
    "wrong": {"en": "wrong", "zh": "错误"},
    "no_alignment": {"en": "The model without attention has no alignment: its decoder sees one context vector, the encoder's last state, at every step.",
                     "zh": "无注意力模型没有对齐：解码器在每一步看到的都是同一个上下文向量，即编码器的最后状态。"},
    "examples_header": {"en": "Test pairs and predictions", "zh": "测试样本与预测"},
    "col_source": {"en": "source", "zh": "输入"},
    "col_target": {"en": "target", "zh": "目标"},
    "explain_md": {
        "en": r"""**Encoder.** A GRU reads the {n_in} source words and keeps every hidden state $\mathbf h_1,\dots,\mathbf h_T$ (size {h}).

**Without attention** (d2l §10.7) the decoder gets one context vector $\mathbf c = \mathbf h_T$ at every step: the whole date must squeeze through {h} numbers, and the year, said last, must come out first.

**With attention** (d2l §11.4) the context changes at every decoder step $t'$: $\mathbf c_{{t'}} = \sum_{{t=1}}^{{T}} \alpha(\mathbf s_{{t'-1}}, \mathbf h_t)\,\mathbf h_t$, where the query is the decoder's previous state $\mathbf s_{{t'-1}}$ and $\alpha$ is additive attention, $\mathbf w_v^\top\tanh(\mathbf W_q\mathbf s + \mathbf W_k\mathbf h)$, normalised by a softmax over the source words. Each row of the alignment heatmap is one $\alpha(\mathbf s_{{t'-1}}, \cdot)$ and sums to 1.

**Training.** Teacher forcing, cross-entropy per output character, Adam with learning rate {lr}, gradient clipping at 1; {epochs} epochs of {n_train} pairs in minibatches of {batch}. **Exact match** counts a test date right only if all 10 characters are right.""",
        "zh": r"""**编码器。** GRU 读入 {n_in} 个源词，并保留每个隐状态 $\mathbf h_1,\dots,\mathbf h_T$（维度 {h}）。

**无注意力**（d2l 10.7 节）：解码器每一步都得到同一个上下文向量 $\mathbf c = \mathbf h_T$：整个日期要挤进 {h} 个数字，而最后说出的年份必须最先输出。

**带注意力**（d2l 11.4 节）：上下文在解码器的每一步 $t'$ 都变化：$\mathbf c_{{t'}} = \sum_{{t=1}}^{{T}} \alpha(\mathbf s_{{t'-1}}, \mathbf h_t)\,\mathbf h_t$，查询是解码器上一步的状态 $\mathbf s_{{t'-1}}$，$\alpha$ 是加性注意力 $\mathbf w_v^\top\tanh(\mathbf W_q\mathbf s + \mathbf W_k\mathbf h)$ 在源词上做 softmax。对齐热力图的每一行就是一个 $\alpha(\mathbf s_{{t'-1}}, \cdot)$，和为 1。

**训练。** 强制教学（teacher forcing），每个输出字符的交叉熵，Adam 学习率 {lr}，梯度裁剪阈值 1；{epochs} 轮，每轮 {n_train} 对，批量 {batch}。**完全匹配**要求测试日期的 10 个字符全部正确。"""},
}
