"""English and 中文 text of the language-model lesson (page and charts)."""

STRINGS = {
    "title": {"en": "Recurrent language model", "zh": "循环神经网络语言模型"},
    "summary": {"en": "RNN, GRU and LSTM, from scratch and with nn.RNN/nn.GRU/nn.LSTM, learn to predict the next token; perplexity, tokens per second and generated text as they train (d2l §8.3–9.3).",
                "zh": "RNN、GRU 与 LSTM（从零实现与 nn.RNN/nn.GRU/nn.LSTM 简洁实现）学习预测下一个词元；训练时实时显示困惑度、每秒词元数与生成的文本（d2l 8.3–9.3 节）。"},
    "model_header": {"en": "Model", "zh": "模型"},
    "train_header": {"en": "Training", "zh": "训练"},
    "gen_header": {"en": "Generation", "zh": "生成"},
    # settings
    "model": {"en": "Recurrent cell", "zh": "循环单元"},
    "model_help": {"en": "RNN: one tanh layer (d2l §8.4). GRU: reset and update gates (§9.1). LSTM: input, forget and output gates and a memory cell (§9.2).",
                   "zh": "RNN：一层 tanh（8.4 节）。GRU：重置门与更新门（9.1 节）。LSTM：输入门、遗忘门、输出门与记忆元（9.2 节）。"},
    "model.rnn": {"en": "RNN", "zh": "RNN"},
    "model.gru": {"en": "GRU", "zh": "GRU"},
    "model.lstm": {"en": "LSTM", "zh": "LSTM"},
    "impl": {"en": "Implementation", "zh": "实现方式"},
    "impl_help": {"en": "From scratch: the book's equations, one time step at a time in Python. Concise: torch's nn.RNN / nn.GRU / nn.LSTM (same maths, fused kernels). The tests check both give the same outputs on the same weights.",
                  "zh": "从零实现：书中的公式，在 Python 中逐个时间步计算。简洁实现：torch 的 nn.RNN / nn.GRU / nn.LSTM（数学相同，算子融合）。测试验证两者在相同权重下输出一致。"},
    "impl.scratch": {"en": "From scratch", "zh": "从零实现"},
    "impl.concise": {"en": "Concise (torch.nn)", "zh": "简洁实现（torch.nn）"},
    "token": {"en": "Tokens", "zh": "词元"},
    "token.char": {"en": "characters", "zh": "字符"},
    "token.word": {"en": "words", "zh": "词"},
    "token_help": {"en": "Characters: a small vocabulary, long sequences (the book). Words: Chinese words are cut with jieba.",
                   "zh": "字符：词表小、序列长（书中做法）。词：中文用 jieba 分词。"},
    "num_layers": {"en": "Layers", "zh": "层数"},
    "num_hiddens": {"en": "Hidden units per layer", "zh": "每层隐藏单元数"},
    "dropout": {"en": "Dropout between layers", "zh": "层间 dropout"},
    "dropout_help": {"en": "Applied to each layer's output before the next layer (never inside the recurrence). With one layer it does nothing.",
                     "zh": "作用于每层输出、送入下一层之前（不在循环内部）。只有一层时不起作用。"},
    "embedding": {"en": "Embedding input", "zh": "嵌入层输入"},
    "embedding_help": {"en": "A learned vector per token (nn.Embedding) instead of the book's one-hot vector.",
                       "zh": "每个词元一个可学习的向量（nn.Embedding），代替书中的独热向量。"},
    "tie_weights": {"en": "Tie embedding and output weights", "zh": "嵌入与输出层共享权重"},
    "tie_weights_help": {"en": "The output layer reuses the embedding matrix (Press & Wolf, 2017): fewer parameters, often a lower perplexity. Turns the embedding on.",
                         "zh": "输出层复用嵌入矩阵（Press & Wolf, 2017）：参数更少，困惑度常更低。会自动启用嵌入层。"},
    "partition": {"en": "Minibatches", "zh": "小批量划分"},
    "partition_help": {"en": "Sequential: row b of a minibatch continues row b of the previous one, so the state is carried over (detached). Random: subsequences in random order, the state restarts each minibatch (d2l §8.3.4).",
                       "zh": "顺序分区：每个小批量的第 b 行接着上一个小批量的第 b 行，状态被延续（并分离计算图）。随机抽样：子序列顺序随机，每个小批量重新初始化状态（8.3.4 节）。"},
    "partition.sequential": {"en": "sequential", "zh": "顺序分区"},
    "partition.random": {"en": "random", "zh": "随机抽样"},
    "theta": {"en": "Gradient clipping θ", "zh": "梯度裁剪阈值 θ"},
    "theta_help": {"en": "g ← min(1, θ/‖g‖)·g over all parameters together (d2l §8.5.5). Large θ = almost no clipping.",
                   "zh": "对全部参数一起：g ← min(1, θ/‖g‖)·g（8.5.5 节）。θ 很大相当于几乎不裁剪。"},
    "lr": {"en": "Learning rate (SGD)", "zh": "学习率（SGD）"},
    "num_epochs": {"en": "Epochs", "zh": "迭代轮数"},
    "batch_size": {"en": "Batch size", "zh": "批量大小"},
    "num_steps": {"en": "Time steps per subsequence", "zh": "每个子序列的时间步数"},
    "temperature": {"en": "Sampling temperature", "zh": "采样温度"},
    "temperature_help": {"en": "0: always the most likely token (the book's predict_ch8). 1: sample from the model's probabilities. Above 1: flatter, more surprising.",
                         "zh": "0：总取最可能的词元（书中 predict_ch8）。1：按模型概率采样。大于 1：分布更平，更随机。"},
    "num_preds": {"en": "Tokens to generate", "zh": "生成的词元数"},
    # metrics and notices
    "metric_heldout": {"en": "Held-out perplexity", "zh": "留出集困惑度"},
    "metric_train": {"en": "Training perplexity", "zh": "训练困惑度"},
    "metric_speed": {"en": "Tokens / second", "zh": "每秒词元数"},
    "metric_vocab": {"en": "Vocabulary", "zh": "词表大小"},
    "metric_params": {"en": "Parameters", "zh": "参数量"},
    "batch_shrunk": {"en": "The text is short for these settings: minibatches of {batch} × {steps} were used instead.",
                     "zh": "文本相对这些设置太短：实际使用 {batch} × {steps} 的小批量。"},
    "no_dropout_effect": {"en": "Dropout acts between layers: with one layer it changes nothing. Add a layer to see it.",
                          "zh": "dropout 作用在层与层之间：只有一层时不起作用。增加层数才能看到效果。"},
    "tie_needs_embedding": {"en": "Tied weights need an embedding input, so the embedding is on.",
                            "zh": "共享权重需要嵌入层输入，因此已启用嵌入层。"},
    "budget_work": {"en": "This run reached the work budget ({work} FLOPs of training) after {epochs} epochs and stopped, so the shared server stays fast for the class. What was trained is shown; use fewer epochs or a smaller model for a complete run.",
                    "zh": "本次训练达到工作量上限（{work} 次浮点运算），在第 {epochs} 轮停止，以保证共享服务器流畅。图中为已训练的结果；减少轮数或模型规模可完整运行。"},
    "worse_than_uniform": {"en": "**The training went wrong without overflowing.** The held-out perplexity is {ppl}, worse than guessing every token uniformly at random (perplexity = |V| = {V}). "
                                 "Each step moved the weights by lr × (clipped gradient), up to {move} in norm with lr = {lr} and θ = {theta}: the updates overshoot. Lower the learning rate or θ.",
                           "zh": "**训练出了问题，只是没有溢出。** 验证困惑度为 {ppl}，比对每个词元均匀随机猜测（困惑度 = |V| = {V}）还差。"
                                 "每一步把权重移动 lr × （裁剪后的梯度），在 lr = {lr}、θ = {theta} 时范数最多为 {move}：更新冲过了头。请降低学习率或 θ。"},
    "diverged": {"en": "**The training diverged.** The perplexity exp(loss) became {kind} at minibatch {step} (epoch {epoch}); the last finite perplexity was {last}. "
                       "Each step moved the weights by lr × (clipped gradient): with lr = {lr} and θ = {theta} that is up to {move} in norm, too far for this model. Lower the learning rate or θ.",
                 "zh": "**训练发散了。** 困惑度 exp(损失) 在第 {step} 个小批量（第 {epoch} 轮）变为 {kind}；最后一个有限困惑度为 {last}。"
                       "每一步权重移动 lr ×（裁剪后的梯度）：lr = {lr}、θ = {theta} 时范数最多为 {move}，对这个模型太大。请降低学习率或 θ。"},
    # charts
    "ppl_title": {"en": "Perplexity while training", "zh": "训练过程中的困惑度"},
    "ppl_axis": {"en": "perplexity (log scale)", "zh": "困惑度（对数坐标）"},
    "epoch_axis": {"en": "epoch", "zh": "轮次（epoch）"},
    "per_batch": {"en": "training, per minibatch", "zh": "训练（每个小批量）"},
    "train_epoch": {"en": "training, epoch mean", "zh": "训练（每轮平均）"},
    "heldout": {"en": "held-out text", "zh": "留出文本"},
    "uniform": {"en": "uniform guess = |V|", "zh": "均匀猜测 = |V|"},
    "diverged_at": {"en": "{kind} at minibatch {step}", "zh": "第 {step} 个小批量出现 {kind}"},
    # sections
    "samples_header": {"en": "What it writes as it learns", "zh": "学习过程中生成的文本"},
    "samples_caption": {"en": "The most likely continuation (temperature 0) of the start of the held-out text, {prefix}, after each marked epoch.",
                        "zh": "每隔若干轮，对留出文本开头 {prefix} 做最可能的续写（温度 0）。"},
    "col_epoch": {"en": "epoch", "zh": "轮次"},
    "col_text": {"en": "generated text", "zh": "生成的文本"},
    "generate_header": {"en": "Generate from your prefix", "zh": "从你的前缀生成"},
    "prefix": {"en": "Prefix", "zh": "前缀"},
    "prefix_help": {"en": "The model first reads the prefix (warm-up: only the hidden state is used), then writes. Up to {max} characters.",
                    "zh": "模型先读入前缀（预热：只更新隐状态），再开始生成。最多 {max} 个字符。"},
    "prefix_default": {"en": "Empty prefix: the start of the held-out text is used.", "zh": "前缀为空：使用留出文本的开头。"},
    "prefix_truncated": {"en": "The prefix was cut to its first {max} characters.", "zh": "前缀已截断为前 {max} 个字符。"},
    "prefix_cut_tokens": {"en": "Only the first {max} tokens of the prefix are read.", "zh": "只读入前缀的前 {max} 个词元。"},
    "prefix_unknown": {"en": "Not in the vocabulary of this corpus, read as <unk>: {tokens}", "zh": "不在此语料的词表中，按 <unk> 读入：{tokens}"},
    "prefix_empty_tokens": {"en": "The prefix has no tokens at this token level; the start of the held-out text is used.",
                            "zh": "按当前词元划分，前缀中没有词元；改用留出文本的开头。"},
    "explain_md": {
        "en": r"""**The model.** At each step the network reads token $x_t$ and its state $\mathbf H_{{t-1}}$, updates the state, and scores every token of the vocabulary: $\hat{{\mathbf y}}_t = \mathbf H_t \mathbf W_{{hq}} + \mathbf b_q$, a softmax over $|\mathcal V| = {vocab}$ tokens.

**Perplexity** is the exponential of the mean cross-entropy, $\exp\big(-\frac1n\sum_t \log P(x_t \mid x_{{t-1}},\dots)\big)$ (d2l §8.4.4): the number of equally likely tokens the model is hesitating between. A uniform guess scores exactly $|\mathcal V| = {vocab}$; a perfect model scores 1. Here: {first} before training → {last} on held-out text.

**Training** (d2l §8.5): truncated backpropagation through {steps} steps, minibatches of {batch} subsequences, SGD with $\eta = {lr}$, the gradient clipped to norm $\theta = {theta}$ so one step moves the weights by at most $\eta\theta = {move}$.

**Speed.** {speed} tokens/s; each token costs ≈ {flops} FLOPs forward (recurrent and output products), about 3× that with the backward pass.""",
        "zh": r"""**模型。** 每个时间步，网络读入词元 $x_t$ 与状态 $\mathbf H_{{t-1}}$，更新状态，并对词表中每个词元打分：$\hat{{\mathbf y}}_t = \mathbf H_t \mathbf W_{{hq}} + \mathbf b_q$，再对 $|\mathcal V| = {vocab}$ 个词元做 softmax。

**困惑度** 是平均交叉熵的指数 $\exp\big(-\frac1n\sum_t \log P(x_t \mid x_{{t-1}},\dots)\big)$（8.4.4 节）：模型在多少个等可能的词元之间犹豫。均匀猜测恰好得到 $|\mathcal V| = {vocab}$；完美模型得到 1。本次：训练前 {first} → 留出文本上 {last}。

**训练**（8.5 节）：截断的时间反向传播，每段 {steps} 步，每个小批量 {batch} 个子序列，SGD 学习率 $\eta = {lr}$，梯度裁剪到范数 $\theta = {theta}$，因此每步权重最多移动 $\eta\theta = {move}$。

**速度。** 每秒 {speed} 个词元；每个词元前向约 {flops} 次浮点运算（循环与输出层矩阵乘法），加上反向约 3 倍。"""},
    "gru_note": {"en": "The book's GRU resets the state before the product, (R ⊙ H) W_hh; torch's nn.GRU (like cuDNN) resets after it, R ⊙ (H W_hh + b_hh). The two are different functions: the scratch GRU here follows the book, and the tests compare torch's variant (reset_after) with nn.GRU weight for weight.",
                 "zh": "书中的 GRU 在矩阵乘法之前重置状态 (R ⊙ H) W_hh；torch 的 nn.GRU（与 cuDNN 相同）在之后重置 R ⊙ (H W_hh + b_hh)。两者是不同的函数：这里的从零实现遵循书中公式，测试则用 torch 的变体（reset_after）与 nn.GRU 逐权重对比。"},
}
