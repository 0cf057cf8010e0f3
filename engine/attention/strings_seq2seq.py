"""English and 中文 text of the page "Seq2seq with attention" (pages/attention/seq2seq_attention.py):
its own keys (strings.py adds the chart words and exports SEQ2SEQ_STRINGS)."""

SEQ2SEQ_OWN = {
    "title": {"en": "Seq2seq with attention", "zh": "带注意力的序列到序列"},
    "summary": {"en": "An encoder–decoder GRU with Bahdanau attention learns to turn dates in words into ISO dates, "
                      "trained live next to the same model without attention; see where it looks (⟦seq2seq, bahdanau⟧).",
                "zh": "带 Bahdanau 注意力的编码器–解码器 GRU 学习把英文日期转换为 ISO 日期，与无注意力的同一模型同步训练对比；看它在看哪里（⟦seq2seq, bahdanau⟧）。"},
    "data_header": {"en": "Task: dates in words → ISO", "zh": "任务：英文日期 → ISO 日期"},
    "model_header": {"en": "Model", "zh": "模型"},
    "train_header": {"en": "Training", "zh": "训练"},
    "num_train": {"en": "Training pairs", "zh": "训练样本对数"},
    "num_test": {"en": "Test pairs", "zh": "测试样本对数"},
    "embed_size": {"en": "Embedding size", "zh": "嵌入维度"},
    "num_hiddens": {"en": "Hidden size (GRU and attention)", "zh": "隐藏层大小（GRU 与注意力）"},
    "num_layers": {"en": "GRU layers", "zh": "GRU 层数"},
    "compare": {"en": "Also train it without attention", "zh": "同时训练无注意力模型"},
    "compare_help": {"en": "The same encoder and decoder sizes; the decoder gets only the encoder's last state (⟦seq2seq⟧).",
                     "zh": "编码器和解码器大小相同；解码器只得到编码器的最后状态（⟦seq2seq⟧）。"},
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

**Without attention** (⟦seq2seq⟧) the decoder gets one context vector $\mathbf c = \mathbf h_T$ at every step: the whole date must squeeze through {h} numbers, and the year, said last, must come out first.

**With attention** (⟦bahdanau⟧) the context changes at every decoder step $t'$: $\mathbf c_{{t'}} = \sum_{{t=1}}^{{T}} \alpha(\mathbf s_{{t'-1}}, \mathbf h_t)\,\mathbf h_t$, where the query is the decoder's previous state $\mathbf s_{{t'-1}}$ and $\alpha$ is additive attention, $\mathbf w_v^\top\tanh(\mathbf W_q\mathbf s + \mathbf W_k\mathbf h)$, normalised by a softmax over the source words. Each row of the alignment heatmap is one $\alpha(\mathbf s_{{t'-1}}, \cdot)$ and sums to 1.

**Training.** Teacher forcing, cross-entropy per output character, Adam with learning rate {lr}, gradient clipping at 1; {epochs} epochs of {n_train} pairs in minibatches of {batch}. **Exact match** counts a test date right only if all 10 characters are right.""",
        "zh": r"""**编码器。** GRU 读入 {n_in} 个源词，并保留每个隐状态 $\mathbf h_1,\dots,\mathbf h_T$（维度 {h}）。

**无注意力**（⟦seq2seq⟧）：解码器每一步都得到同一个上下文向量 $\mathbf c = \mathbf h_T$：整个日期要挤进 {h} 个数字，而最后说出的年份必须最先输出。

**带注意力**（⟦bahdanau⟧）：上下文在解码器的每一步 $t'$ 都变化：$\mathbf c_{{t'}} = \sum_{{t=1}}^{{T}} \alpha(\mathbf s_{{t'-1}}, \mathbf h_t)\,\mathbf h_t$，查询是解码器上一步的状态 $\mathbf s_{{t'-1}}$，$\alpha$ 是加性注意力 $\mathbf w_v^\top\tanh(\mathbf W_q\mathbf s + \mathbf W_k\mathbf h)$ 在源词上做 softmax。对齐热力图的每一行就是一个 $\alpha(\mathbf s_{{t'-1}}, \cdot)$，和为 1。

**训练。** 强制教学（teacher forcing），每个输出字符的交叉熵，Adam 学习率 {lr}，梯度裁剪阈值 1；{epochs} 轮，每轮 {n_train} 对，批量 {batch}。**完全匹配**要求测试日期的 10 个字符全部正确。"""},
}
