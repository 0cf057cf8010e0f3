"""English and 中文 text shared by every page that trains a language model on the student's text in slices
(Continue, corpus-fitted defaults, "is the generated text worth reading?"): the recurrent language model and
the character-level Transformer."""

# Continue and "is the generated text worth reading?" (issue 16): the same words on every page that trains a
# language model in slices (the recurrent one, the character-level Transformer); a page overrides a key in its own table.
FIT_STRINGS = {
    "slices": {"en": "Slices trained", "zh": "已训练的片数"},
    "continue_button": {"en": "Continue: train slice {next} of at most {max}", "zh": "继续：训练第 {next} 片（最多 {max} 片）"},
    "continue_overfit": {"en": "The verdict says overfitting: another slice fits the training text more closely and the held-out text worse. Continue to watch it happen; for a model that does better on text it has not seen, use more text or a smaller model (fewer hidden units or layers).",
                         "zh": "上面的判断是过拟合：再训练一片会更贴合训练文本，而在留出文本上更差。可以继续训练来观察这一现象；要让模型在没见过的文本上更好，请使用更多文本或更小的模型（更少的隐藏单元或层数）。"},
    "continue_help": {"en": "Trains the same model further by one more work budget, from where it stopped: the curves carry on, the text updates. The link then asks for {next} slices and reproduces exactly this model.",
                      "zh": "从停下的地方再用一份工作量继续训练同一个模型：曲线接着画，文本随之更新。链接随后包含 {next} 片，能精确复现这个模型。"},
    "slices_status": {"en": "Slice {k} of at most {max}: {epochs} epochs trained in all. Each slice is one work budget (≈ {eps} epochs of this corpus with these settings).",
                      "zh": "第 {k} 片（最多 {max} 片）：共训练了 {epochs} 轮。每片是一份工作量（在此语料和设置下约 {eps} 轮）。"},
    "slices_max": {"en": "This run used the {max} slices a link may ask for. A smaller model (or fewer tokens) trains more epochs per slice.",
                   "zh": "本次运行已用完一个链接最多可要求的 {max} 片。更小的模型（或更少的词元）每片能训练更多轮。"},
    "slices_chain": {"en": "This link asks for {k} slices; slice {j} is not in the shared cache yet, so it is trained first (each slice is bounded, and kept for the class).",
                     "zh": "此链接要求 {k} 片；第 {j} 片尚未在共享缓存中，因此先训练它（每片都有上限，并为全班保存）。"},
    "sampled_header": {"en": "Sampled (temperature {t}, top-k {k})", "zh": "采样（温度 {t}，top-k {k}）"},
    "repetition": {"en": "most frequent token {token} = {share} of the text · {distinct} distinct tokens per 100{cycle}",
                   "zh": "最常见词元 {token} 占 {share} · 每 100 个词元中有 {distinct} 个不同{cycle}"},
    "repetition_cycle": {"en": " · ends in a loop of {n} tokens", "zh": " · 结尾陷入 {n} 个词元的循环"},
    "degenerate": {"en": "**The {which} text is degenerate** ({what}): a model that has learned little puts most of its probability on the same few tokens, and always taking the most likely one repeats them. What would help:",
                   "zh": "**{which}文本退化了**（{what}）：学到的东西还少的模型把大部分概率放在少数几个词元上，总取最可能的就会不断重复它们。可以这样改善："},
    "degenerate.greedy": {"en": "most-likely", "zh": "取最可能词元的"},
    "degenerate.sampled": {"en": "sampled", "zh": "采样的"},
    "degenerate.both": {"en": "most-likely and the sampled", "zh": "取最可能词元的与采样的"},
    "degenerate_share": {"en": "{token} is {share} of it", "zh": "{token} 占 {share}"},
    "degenerate_cycle": {"en": "only {n} distinct tokens per 100: it loops over a few", "zh": "每 100 个词元中只有 {n} 个不同：在少数几个之间循环"},
    "advice_sample": {"en": "read the sampled text: drawing each token from the model's probabilities (temperature 0.7–1, top-k 10) shows what the model knows without the loop.",
                      "zh": "看采样的文本：按模型的概率抽取每个词元（温度 0.7–1，top-k 10），能看出模型学到了什么而不陷入循环。"},
    "advice_continue": {"en": "**Continue**: the work budget, not the epochs, ended this run; another slice trains the same model further.",
                        "zh": "**继续**：结束本次运行的是工作量上限而不是轮数；再训练一片会让同一个模型继续学习。"},
    "advice_epochs": {"en": "more epochs (then Continue): all {epochs} epochs have run.",
                      "zh": "更多轮数（再点继续）：{epochs} 轮已全部训练完。"},
}
