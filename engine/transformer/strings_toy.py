"""English and 中文 text of the page "Transformer on toy tasks" (pages/attention/transformer_toy.py): its own
keys (TOY_STRINGS; strings.py adds SHARED and exports STRINGS) and its encoder–decoder mode (ED_STRINGS)."""

TOY_STRINGS = {
    "title": {"en": "Transformer on toy tasks", "zh": "Transformer：玩具任务"},
    "summary": {"en": "A tiny decoder-only Transformer learns to copy, reverse or sort a string while you watch, or the book's encoder–decoder learns to translate dates; then see, layer by layer and head by head, where it looks — encoder self-attention, masked decoder self-attention and cross-attention apart (⟦multihead..transformer⟧).",
                "zh": "一个小型仅解码器 Transformer 现场学习复制、反转或排序字符串，或书中的编码器-解码器学习翻译日期；然后逐层、逐头查看它在看哪里——编码器自注意力、掩蔽的解码器自注意力和编码器-解码器注意力分开显示（⟦multihead..transformer⟧）。"},
    "task_header": {"en": "Task", "zh": "任务"},
    "task": {"en": "Task", "zh": "任务"},
    "task_help": {"en": "The output for input x: x itself, x reversed, or x's symbols in alphabetical order.",
                  "zh": "输入 x 的输出：x 本身、x 反转，或按字母顺序排列的 x。"},
    "task.copy": {"en": "Copy", "zh": "复制"},
    "task.reverse": {"en": "Reverse", "zh": "反转"},
    "task.sort": {"en": "Sort", "zh": "排序"},
    "seq_len": {"en": "Input length k", "zh": "输入长度 k"},
    "alphabet_size": {"en": "Alphabet size (a, b, c, …)", "zh": "字母表大小（a, b, c, …）"},
    "pos_encoding": {"en": "Positional encoding", "zh": "位置编码"},
    "pos_encoding_help": {"en": "Off: attention sees a bag of tokens, not a sequence. Copy and reverse then mostly fail; sort suffers less, since the input's order does not matter to it.",
                          "zh": "关闭时，注意力看到的是一袋词元而不是序列。复制和反转基本学不会；排序受影响较小，因为输入的顺序对它无关紧要。"},
    "num_examples": {"en": "Training sequences", "zh": "训练序列数"},
    "num_examples_help": {"en": "Generated once from the seed. The accuracy is measured on fresh sequences too.",
                          "zh": "由随机种子一次性生成。准确率也会在新生成的序列上测量。"},
    "loss_series": {"en": "training loss (output tokens)", "zh": "训练损失（输出词元）"},
    "train_acc_series": {"en": "exact match, training sequences", "zh": "完全匹配率（训练序列）"},
    "valid_acc_series": {"en": "exact match, fresh sequences", "zh": "完全匹配率（新序列）"},
    "acc_axis": {"en": "exact-match accuracy", "zh": "完全匹配准确率"},
    "loss_axis": {"en": "cross-entropy (log scale)", "zh": "交叉熵（对数坐标）"},
    "curves_title": {"en": "Loss and exact-match accuracy", "zh": "损失与完全匹配准确率"},
    "metric_acc": {"en": "Exact match (fresh sequences)", "zh": "完全匹配（新序列）"},
    "metric_train_acc": {"en": "Exact match (training)", "zh": "完全匹配（训练集）"},
    "metric_loss": {"en": "Final loss", "zh": "最终损失"},
    "metric_steps": {"en": "Steps trained", "zh": "已训练步数"},
    "try_header": {"en": "Try an input", "zh": "输入一个字符串试试"},
    "input_label": {"en": "Input ({k} symbols from {alphabet})", "zh": "输入（{k} 个取自 {alphabet} 的符号）"},
    "input_help": {"en": "Spaces are ignored and capitals read as small letters.", "zh": "空格会被忽略，大写字母按小写读取。"},
    "input_empty": {"en": "Type {k} symbols from {alphabet} — showing the example drawn from the seed instead.",
                    "zh": "请输入 {k} 个取自 {alphabet} 的符号 —— 现在显示由随机种子生成的示例。"},
    "input_chars": {"en": "The model only knows the symbols {alphabet}; it never saw the ones below. Showing the example drawn from the seed instead.",
                    "zh": "模型只认识符号 {alphabet}，从未见过下面这些。现在显示由随机种子生成的示例。"},
    "input_length": {"en": "Your input has {n} symbols; the model was trained on exactly k = {k}. Type {k} (or change “Input length k”). Showing the example drawn from the seed instead.",
                     "zh": "你的输入有 {n} 个符号，而模型只在长度恰为 k = {k} 的输入上训练过。请输入 {k} 个（或修改“输入长度 k”）。现在显示由随机种子生成的示例。"},
    "col_input": {"en": "input", "zh": "输入"},
    "col_output": {"en": "model output", "zh": "模型输出"},
    "col_target": {"en": "right answer", "zh": "正确答案"},
    "right": {"en": "✅ The model's answer is right.", "zh": "✅ 模型的回答正确。"},
    "wrong": {"en": "❌ The model's answer is wrong at {n} of {k} positions.", "zh": "❌ 模型的回答有 {n}/{k} 个位置错误。"},
    "attention_title": {"en": "Attention while writing the output: one row per output token (read → written)",
                        "zh": "生成输出时的注意力：每个输出词元一行（读入 → 写出）"},
    "explain_md": {
        "en": r"""**The sequence.** The model reads one string: the input, the separator `>`, then its own output so far — here `{example}`. At every position it predicts the next token; the loss counts the {k} output tokens only. An answer counts as right only if all {k} tokens are (*exact match*).

**Scaled dot-product attention (⟦scaled_dot_product⟧).** $\mathrm{{softmax}}\big(\mathbf{{Q}}\mathbf{{K}}^\top/\sqrt{{d_h}} + \text{{mask}}\big)\mathbf{{V}}$ with $d_h = d/h = {d}/{h} = {dh}$ per head; the mask puts $-\infty$ on every future position, so its weight is exactly 0.

**Multi-head attention (⟦multihead⟧).** $h = {h}$ heads, each with its own $\mathbf{{W}}_q^{{(i)}}, \mathbf{{W}}_k^{{(i)}}, \mathbf{{W}}_v^{{(i)}}$ ($d \times d_h$), concatenated and mixed by $\mathbf{{W}}_o$; {layers} blocks, {params} parameters in all.

**What to look for.** In the rows that write the output, *copy* puts its weight on the input symbol at the same place (a diagonal), *reverse* on the mirror place (an anti-diagonal), *sort* on the symbols by value, wherever they are. Usually one head of one layer does the job, the others help or idle. Switch the positional encoding off and copy/reverse fail: without it $\mathbf{{q}}_i^\top\mathbf{{k}}_j$ cannot depend on where $j$ is (only the causal mask leaks a little order: a position can count how many came before it).""",
        "zh": r"""**序列。** 模型读入一个字符串：输入、分隔符 `>`，然后是它自己已经写出的输出 —— 例如 `{example}`。它在每个位置预测下一个词元；损失只计算 {k} 个输出词元。只有 {k} 个词元全部正确才算答对（*完全匹配*）。

**缩放点积注意力（⟦scaled_dot_product⟧）。** $\mathrm{{softmax}}\big(\mathbf{{Q}}\mathbf{{K}}^\top/\sqrt{{d_h}} + \text{{掩蔽}}\big)\mathbf{{V}}$，每个头 $d_h = d/h = {d}/{h} = {dh}$；掩蔽在每个未来位置加上 $-\infty$，使其权重恰好为 0。

**多头注意力（⟦multihead⟧）。** $h = {h}$ 个头，各有自己的 $\mathbf{{W}}_q^{{(i)}}, \mathbf{{W}}_k^{{(i)}}, \mathbf{{W}}_v^{{(i)}}$（$d \times d_h$），拼接后由 $\mathbf{{W}}_o$ 混合；共 {layers} 个块，{params} 个参数。

**看什么。** 在写出输出的各行中，*复制*把权重放在同一位置的输入符号上（对角线），*反转*放在镜像位置（反对角线），*排序*则按符号的大小去找，不论它在哪里。通常某一层的某一个头完成主要工作，其他头辅助或闲置。关闭位置编码后复制和反转会失败：没有它，$\mathbf{{q}}_i^\top\mathbf{{k}}_j$ 无法依赖 $j$ 的位置（只有因果掩蔽泄露一点顺序信息：一个位置可以数出它前面有多少个词元）。"""},
}

# The encoder–decoder mode of the toy-task page (d2l §11.7): dates in words → ISO dates.
ED_STRINGS = {
    "architecture": {"en": "Architecture", "zh": "架构"},
    "architecture_help": {"en": "Decoder-only: one stack reads input and output as one sequence (copy / reverse / sort). Encoder–decoder: the book's Transformer (⟦transformer⟧), an encoder for the source and a decoder that reads it through cross-attention, on a toy translation (dates).",
                          "zh": "仅解码器：一个堆叠把输入和输出当作一个序列读取（复制/反转/排序）。编码器-解码器：书中的 Transformer（⟦transformer⟧），编码器读取源序列，解码器通过编码器-解码器注意力读取它，任务是一个玩具翻译（日期）。"},
    "architecture.decoder_only": {"en": "decoder-only", "zh": "仅解码器"},
    "architecture.encoder_decoder": {"en": "encoder–decoder (dates)", "zh": "编码器-解码器（日期）"},
    "ed_task_header": {"en": "Task: dates in words → ISO dates", "zh": "任务：英文日期 → ISO 日期"},
    "num_train": {"en": "Training date pairs", "zh": "训练日期对数"},
    "num_train_help": {"en": "Generated from the seed, as in the seq2seq lesson; 300 other dates measure the exact match.",
                       "zh": "由随机种子生成，与序列到序列一课相同；另用 300 个日期测量完全匹配率。"},
    "num_layers": {"en": "Blocks: encoder and decoder (each)", "zh": "块数：编码器与解码器（各）"},
    "metric_acc": {"en": "Exact match (held-out dates)", "zh": "完全匹配（留出的日期）"},
    "ed_try_header": {"en": "Translate a date and see the three kinds of attention", "zh": "翻译一个日期，查看三种注意力"},
    "ed_input_label": {"en": "A date in words (1900–2099)", "zh": "英文日期（1900–2099 年）"},
    "ed_input_help": {"en": "Like “the twenty-first of march nineteen ninety-nine” or “march 3 …” in words; letters, spaces, hyphens and commas.",
                      "zh": "例如 “the twenty-first of march nineteen ninety-nine”；只用字母、空格、连字符和逗号。"},
    "ed_padding": {"en": "As in a minibatch, the input is padded with <pad> to the longest training source ({n} tokens); its valid length is {valid}. The padding mask (valid_lens) gives the padded keys weight exactly 0 in the encoder's self-attention and in the cross-attention: their columns are empty.",
                   "zh": "与小批量中一样，输入用 <pad> 填充到最长训练源序列的长度（{n} 个词元）；有效长度为 {valid}。填充掩蔽（valid_lens）使被填充的键在编码器自注意力和编码器-解码器注意力中的权重恰好为 0：这些列是空的。"},
    "ed_no_padding": {"en": "This input is as long as the longest training source ({n} tokens), so nothing is padded.",
                      "zh": "该输入与最长的训练源序列一样长（{n} 个词元），因此没有填充。"},
    "ed_enc_title": {"en": "Encoder self-attention: source word → source word (no mask but the padding)",
                     "zh": "编码器自注意力：源词 → 源词（只掩蔽填充）"},
    "ed_dec_title": {"en": "Decoder self-attention, masked: output step → the outputs so far (read → written)",
                     "zh": "解码器自注意力（掩蔽）：输出步 → 已生成的输出（读入 → 写出）"},
    "ed_cross_title": {"en": "Encoder–decoder (cross) attention: output step → source word (read → written)",
                       "zh": "编码器-解码器注意力：输出步 → 源词（读入 → 写出）"},
    "ed_explain_md": {
        "en": r"""**The book's Transformer (⟦transformer⟧).** An *encoder* of {layers} block(s) reads the whole source at once: multi-head **self-attention** (every word may look at every other real word; padding is masked by `valid_lens`), then the position-wise FFN, each wrapped in add & norm (⟦transformer_encoder⟧). A *decoder* of {layers} block(s) writes the target one token at a time (⟦transformer_decoder⟧): **masked self-attention** over the outputs so far (a causal mask, so training can score all {q} positions at once without peeking), then **encoder–decoder attention** — queries from the decoder, keys and values the encoder's outputs — then the FFN. $h = {h}$ heads of width $d/h = {dh}$ in each of the three attentions; {params} parameters in all.

**What to look for.** The cross-attention is the alignment of the seq2seq lesson: while writing the year's digits the decoder should read the year's words, which come *last* in the source; the month's digits, the month's word. The encoder's heads mix neighbouring words ("twenty" + "first"). The decoder's self-attention can only look left.""",
        "zh": r"""**书中的 Transformer（⟦transformer⟧）。** {layers} 个块组成的*编码器*一次读入整个源序列：多头**自注意力**（每个词可以看所有真实的词；填充由 `valid_lens` 掩蔽），然后是基于位置的前馈网络，每个子层都有残差连接与层规范化（⟦transformer_encoder⟧）。{layers} 个块组成的*解码器*逐个写出目标词元（⟦transformer_decoder⟧）：对已生成输出的**掩蔽自注意力**（因果掩蔽，训练时可一次计算全部 {q} 个位置而不偷看），然后是**编码器-解码器注意力**——查询来自解码器，键和值是编码器的输出——再接前馈网络。三种注意力各有 $h = {h}$ 个头，每个头宽 $d/h = {dh}$；共 {params} 个参数。

**看什么。** 编码器-解码器注意力就是序列到序列一课中的对齐：写年份的数字时，解码器应读取年份的词，它们在源序列的*最后*；写月份的数字时读取月份的词。编码器的头会把相邻的词组合起来（“twenty” + “first”）。解码器自注意力只能向左看。"""},
}
