"""Every string of the two Transformer pages and their charts, in English and 中文.
``SHARED`` is used by both; ``TOY_STRINGS`` and ``LM_STRINGS`` by one page each."""

SHARED = {
    # model settings (both pages)
    "model_header": {"en": "Model", "zh": "模型"},
    "train_header": {"en": "Training", "zh": "训练"},
    "num_hiddens": {"en": "Model width d (num_hiddens)", "zh": "模型宽度 d（num_hiddens）"},
    "num_hiddens_help": {"en": "Features per token. Each head works in d/h of them.",
                         "zh": "每个词元的特征数。每个头使用其中的 d/h 个。"},
    "num_heads": {"en": "Heads h per layer", "zh": "每层的头数 h"},
    "num_heads_help": {"en": "Heads attend in parallel, each with its own W_q, W_k, W_v, so each can look for something else (⟦multihead⟧).",
                       "zh": "多个头并行计算注意力，各有自己的 W_q、W_k、W_v，因此可以关注不同的东西（⟦multihead⟧）。"},
    "num_layers": {"en": "Decoder blocks (layers)", "zh": "解码器块（层数）"},
    "lr": {"en": "Learning rate η (Adam)", "zh": "学习率 η（Adam）"},
    "lr_help": {"en": "The starting value; it decays to 0 along a cosine over the run. Too large: the loss jumps or becomes NaN.",
                "zh": "初始值；训练过程中按余弦曲线衰减到 0。过大时损失会跳动甚至变为 NaN。"},
    "batch_size": {"en": "Batch size", "zh": "批量大小"},
    "num_epochs": {"en": "Epochs", "zh": "迭代轮数"},
    # attention heatmaps
    "panel": {"en": "layer {layer} · head {head}", "zh": "第 {layer} 层 · 第 {head} 头"},
    "keys_axis": {"en": "key (position looked at)", "zh": "键（被关注的位置）"},
    "queries_axis": {"en": "query (position looking)", "zh": "查询（发出关注的位置）"},
    "weight_axis": {"en": "weight", "zh": "权重"},
    "attention_hover": {"en": "query %{y} → key %{x}<br>weight %{z:.3f}<extra></extra>",
                        "zh": "查询 %{y} → 键 %{x}<br>权重 %{z:.3f}<extra></extra>"},
    # positional encoding
    "pe_title": {"en": "Positional encoding P", "zh": "位置编码 P"},
    "pe_used": {"en": "positions this model uses: 0…{last}", "zh": "本模型使用的位置：0…{last}"},
    "pe_dim_axis": {"en": "encoding dimension j", "zh": "编码维度 j"},
    "pe_pos_axis": {"en": "position i", "zh": "位置 i"},
    "pe_col": {"en": "column {j}", "zh": "第 {j} 列"},
    "pe_cols_title": {"en": "Columns of P: lower columns oscillate faster", "zh": "P 的各列：列号越小，振荡越快"},
    "pe_caption": {"en": "Even columns hold sin(i / 10000^(j/d)), odd ones the matching cos: every position gets its own pattern, and P[i+δ] is a fixed rotation of P[i] — attention can find “δ places back” with one linear map.",
                   "zh": "偶数列为 sin(i / 10000^(j/d))，奇数列为对应的 cos：每个位置都有独特的模式，且 P[i+δ] 是 P[i] 的固定旋转 —— 注意力用一个线性映射即可找到“往前 δ 个位置”。"},
    # block diagram
    "diag_title": {"en": "The decoder-only Transformer, bottom to top", "zh": "仅解码器 Transformer（自下而上）"},
    "diag_input": {"en": "tokens in (indices)", "zh": "输入词元（索引）"},
    "diag_embedding": {"en": "Embedding × √d", "zh": "嵌入 × √d"},
    "diag_pe": {"en": "+ positional encoding", "zh": "+ 位置编码"},
    "diag_masked_attention": {"en": "Masked multi-head self-attention (h = {h})", "zh": "掩蔽多头自注意力（h = {h}）"},
    "diag_attention": {"en": "Multi-head self-attention (h = {h})", "zh": "多头自注意力（h = {h}）"},
    "diag_addnorm": {"en": "Add & norm", "zh": "残差连接与层规范化"},
    "diag_ffn": {"en": "Position-wise feed-forward", "zh": "基于位置的前馈网络"},
    "diag_residual": {"en": "residual", "zh": "残差"},
    "diag_dense": {"en": "Dense → softmax over the vocabulary", "zh": "全连接层 → 词表上的 softmax"},
    "diag_output": {"en": "probability of the next token", "zh": "下一个词元的概率"},
    "diag_ed_title": {"en": "The encoder–decoder Transformer, bottom to top (the book's figure)", "zh": "编码器-解码器 Transformer（自下而上，同书中的图）"},
    "diag_src_input": {"en": "source tokens (the date in words, padded)", "zh": "源序列词元（英文日期，含填充）"},
    "diag_tgt_input": {"en": "target tokens so far (<bos>, ŷ₁, …)", "zh": "已生成的目标词元（<bos>、ŷ₁、…）"},
    "diag_cross_attention": {"en": "Multi-head encoder–decoder attention (h = {h})", "zh": "多头编码器-解码器注意力（h = {h}）"},
    "diag_enc_title": {"en": "encoder", "zh": "编码器"},
    "diag_dec_title": {"en": "decoder", "zh": "解码器"},
    "diag_kv": {"en": "keys and values", "zh": "键和值"},
    # curves
    "epoch_axis": {"en": "epoch", "zh": "轮次（epoch）"},
    "diverged_at": {"en": "{kind} at step {step}", "zh": "第 {step} 步出现 {kind}"},
    "metric_params": {"en": "Parameters", "zh": "参数量"},
    "budget_units": {"en": "This run reached the work budget ({units} token·parameters) and stopped early, so the shared server stays fast for the class. What was trained so far is shown. Lower epochs, data or model size for a complete run.",
                     "zh": "本次训练达到工作量上限（{units} 词元·参数），已提前停止，以保证共享服务器对全班保持流畅。下方显示已训练的结果。减少轮数、数据量或模型规模可完整运行。"},
    "diverged": {"en": "**The training diverged.** The loss became {kind} at step {step} (epoch {epoch}); the last finite loss was {last}. "
                       "Adam moves every weight by up to about the learning rate per step, and {lr} is too much for this model: the weights, and the attention scores with them, grow until they leave float32's range. "
                       "(The softmax itself does not overflow — torch subtracts the largest score first; large scores *saturate* it: the weights go one-hot and their gradient vanishes.) Lower the learning rate.",
                 "zh": "**训练发散了。** 损失在第 {step} 步（第 {epoch} 轮）变为 {kind}；最后一个有限损失是 {last}。"
                       "Adam 每步让每个权重最多移动约一个学习率，而 {lr} 对这个模型太大了：权重以及随之而来的注意力分数不断增大，直到超出 float32 的范围。"
                       "（softmax 本身不会溢出——torch 先减去最大的分数；大分数会让它*饱和*：权重趋于 one-hot，梯度消失。）请降低学习率。"},
    "attention_explain": {"en": "Each row is one query and sums to 1: how much of each earlier position's value goes into this position's output. "
                                "Positions to the right of the diagonal are the future; the causal mask gives them weight exactly 0.",
                          "zh": "每一行是一个查询，和为 1：表示各个此前位置的值在该位置的输出中占多少。"
                                "对角线右侧是“未来”的位置，因果掩蔽使其权重恰好为 0。"},
    "structure_header": {"en": "Inside the model", "zh": "模型内部"},
}

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

LM_STRINGS = {
    "title": {"en": "Character-level Transformer", "zh": "字符级 Transformer"},
    "summary": {"en": "A decoder-only Transformer learns your corpus one character at a time: perplexity per epoch, generated text, and the causal attention of every head over a prompt you type (⟦transformer, large_pretraining⟧).",
                "zh": "一个仅解码器 Transformer 逐字符学习你的语料：每轮的困惑度、生成的文本，以及对你输入的提示每个头的因果注意力（⟦transformer, large_pretraining⟧）。"},
    "num_steps": {"en": "Context length (num_steps)", "zh": "上下文长度（num_steps）"},
    "num_steps_help": {"en": "Characters the model sees at once. Longer contexts cost more per step (attention is quadratic in it).",
                       "zh": "模型一次看到的字符数。上下文越长，每步开销越大（注意力的开销与其平方成正比）。"},
    "max_tokens": {"en": "Characters of the corpus used", "zh": "使用的语料字符数"},
    "max_tokens_help": {"en": "The last 10% of them (at most 4,000) are held out to measure perplexity on text the model never trained on.",
                        "zh": "其中最后 10%（最多 4,000 个）留出，用于在模型从未训练过的文本上测量困惑度。"},
    "sampling_header": {"en": "Generating text", "zh": "生成文本"},
    "temperature": {"en": "Temperature", "zh": "温度"},
    "temperature_help": {"en": "0: always the most likely next character (the book's predict). Higher: sample from softmax(logits / T) — more varied, more mistakes.",
                         "zh": "0：总是取最可能的下一个字符（书中的 predict）。更高：从 softmax(logits / T) 中采样 —— 更多样，也更多错误。"},
    "num_preds": {"en": "Characters to generate", "zh": "生成的字符数"},
    # Continue, settings that fit the corpus, output worth reading (issue 16; the shared words: engine.language_model.strings.FIT_STRINGS)
    "top_k": {"en": "Top-k (sampled text)", "zh": "Top-k（采样文本）"},
    "top_k_help": {"en": "The sampled text draws each character among the k most likely ones only (0 = among all): fewer unlikely characters, less nonsense.",
                   "zh": "采样文本的每个字符只从最可能的 k 个中抽取（0 = 全部）：更少出现不太可能的字符，更少胡言乱语。"},
    "greedy_header": {"en": "Most likely character each step (temperature 0)", "zh": "每步取最可能的字符（温度 0）"},
    "adapted": {"en": "**Settings adapted to your corpus** ({chars} characters, {distinct} distinct): {changes}. The page's 20,000 characters suit a few dozen letters, each seen hundreds of times; with {distinct} distinct characters most of them would be seen a handful of times, and the held-out end would be full of characters the model never trained on. About {repeats} characters of text per distinct character fit it; one slice trains ≈ {eps} epochs of it, and Continue trains more. The width stays d = {d}: the embedding gives every character {d} numbers already, and a wider model trains fewer steps per slice. Set any of them yourself and your choice stays.",
                "zh": "**设置已按你的语料调整**（{chars} 个字符，{distinct} 个不同字符）：{changes}。本页默认的 20,000 个字符适合几十个字母（每个出现数百次）；有 {distinct} 个不同字符时，大多数字符只出现寥寥几次，留出的语料末尾也满是模型从未训练过的字符。每个不同字符约配 {repeats} 个字符的文本才合适；一片约训练其中 {eps} 轮，点“继续”可以训练更多。宽度保持 d = {d}：嵌入层已给每个字符 {d} 个数，更宽的模型每片能训练的步数更少。你亲自设定的任何一项都会保留。"},
    "adapted.max_tokens": {"en": "{v:,} characters of the corpus used", "zh": "使用语料的 {v:,} 个字符"},
    "advice_larger": {"en": "more of the corpus for this vocabulary (characters of the corpus used: {tokens:,} fit it) and a width d of at least 64.",
                      "zh": "为这个词表使用更多语料（使用的语料字符数：{tokens:,} 合适），宽度 d 至少 64。"},
    "budget_slice": {"en": "One slice of the work budget ({units} token·parameters) ended this run before its {epochs} epochs, so the shared server stays fast for the class.",
                     "zh": "一份工作量（{units} 词元·参数）在 {epochs} 轮完成之前结束了本次训练，以保证共享服务器对全班保持流畅。"},
    "ppl_title": {"en": "Perplexity per epoch", "zh": "每轮的困惑度"},
    "ppl_axis": {"en": "perplexity exp(loss) (log scale)", "zh": "困惑度 exp(损失)（对数坐标）"},
    "ppl_train_series": {"en": "training text", "zh": "训练文本"},
    "ppl_valid_series": {"en": "held-out end of the corpus", "zh": "语料末尾（留出）"},
    "metric_ppl": {"en": "Perplexity (training)", "zh": "困惑度（训练）"},
    "metric_valid_ppl": {"en": "Perplexity (held out)", "zh": "困惑度（留出）"},
    "metric_tokens_s": {"en": "Tokens per second", "zh": "每秒词元数"},
    "metric_vocab": {"en": "Vocabulary (characters)", "zh": "词表大小（字符）"},
    "prompt_label": {"en": "Prompt", "zh": "提示"},
    "prompt_help": {"en": "Up to {n} characters are read (the context length); longer prompts keep their end.",
                    "zh": "最多读取 {n} 个字符（上下文长度）；更长的提示只保留末尾。"},
    "prompt_empty": {"en": "The prompt is empty: generation starts from a space, and there is no attention to show. Type a few characters.",
                     "zh": "提示为空：生成从一个空格开始，也没有注意力可显示。请输入几个字符。"},
    "prompt_unknown": {"en": "These characters are not in this corpus's vocabulary; the model reads each as `<unk>`:",
                       "zh": "以下字符不在本语料的词表中，模型把它们都读作 `<unk>`："},
    "prompt_truncated": {"en": "The prompt is longer than the context ({n} characters): only its last {n} characters are read.",
                         "zh": "提示超过上下文长度（{n} 个字符）：只读取最后 {n} 个字符。"},
    "generated_header": {"en": "Generated text", "zh": "生成的文本"},
    "generated_caption": {"en": "Prompt, then {n} generated characters: first always the most likely one, then sampled at temperature {t} among the {k} most likely.",
                          "zh": "提示，然后是生成的 {n} 个字符：先是每步取最可能的字符，再是以温度 {t} 在最可能的 {k} 个中采样。"},
    "attention_title": {"en": "Causal self-attention over the prompt", "zh": "提示上的因果自注意力"},
    "explain_md": {
        "en": r"""**Training.** The corpus's first {tokens:,} characters become indices ({vocab} distinct, index 0 = `<unk>`): the model trains on {train:,} of them, the last {heldout:,} are held out. Minibatches are {batch} random subsequences of {steps} characters (⟦random_sampling⟧); the model predicts character $t+1$ from characters $1…t$ at *every* position at once — the causal mask makes that honest.

**Perplexity.** $\exp\big(-\frac1n\sum_t \log P(x_t \mid x_{{<t}})\big)$ = {ppl}: as uncertain as a fair choice among {ppl} characters (1 is perfect, {vocab} is a uniform guess). On the held-out end of the corpus: {vppl}.

**Cost.** Self-attention compares every pair of positions: $O(n^2 d)$ per layer with $n = {steps}$, against $O(n d^2)$ for the dense layers ($d = {d}$). The model has {params} parameters and trained at {tps} tokens per second here.""",
        "zh": r"""**训练。** 语料的前 {tokens:,} 个字符变为索引（{vocab} 个不同字符，索引 0 = `<unk>`）：模型在其中 {train:,} 个上训练，最后 {heldout:,} 个留出。每个小批量是 {batch} 个长度为 {steps} 的随机子序列（⟦random_sampling⟧）；模型在*每个*位置同时根据第 $1…t$ 个字符预测第 $t+1$ 个 —— 因果掩蔽保证它没有偷看。

**困惑度。** $\exp\big(-\frac1n\sum_t \log P(x_t \mid x_{{<t}})\big)$ = {ppl}：相当于在 {ppl} 个字符中等概率选择时的不确定性（1 为完美，{vocab} 为均匀瞎猜）。在留出的语料末尾上：{vppl}。

**开销。** 自注意力比较每一对位置：每层 $O(n^2 d)$，其中 $n = {steps}$；全连接层为 $O(n d^2)$（$d = {d}$）。模型有 {params} 个参数，在此处的训练速度为每秒 {tps} 个词元。"""},
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

STRINGS = {**SHARED, **TOY_STRINGS}
CHAR_LM_STRINGS = {**SHARED, **LM_STRINGS}
