"""English and 中文 text of the page "Character-level Transformer" (pages/attention/transformer_corpus.py):
its own keys (strings.py adds SHARED and exports CHAR_LM_STRINGS)."""

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
