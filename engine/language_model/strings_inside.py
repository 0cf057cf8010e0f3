"""English and 中文 text of the inside-the-LSTM lesson (page and charts). The page also reads the
language-model table (``engine.language_model.strings``) for the model settings and the perplexity chart."""

STRINGS = {
    "title": {"en": "Inside the LSTM", "zh": "LSTM 内部"},
    "summary": {"en": "Watch the input, forget and output gates, the candidate, the memory cell and the hidden state of a trained LSTM read your sentence; see how far back the gradient reaches and how far back RNN, GRU and LSTM remember (⟦lstm, bptt⟧).",
                "zh": "观察训练好的 LSTM 读你的句子时，输入门、遗忘门、输出门、候选记忆、记忆元与隐状态如何变化；看梯度能回传多远，RNN、GRU 与 LSTM 各能记住多远（⟦lstm, bptt⟧）。"},
    "lstm_header": {"en": "The LSTM", "zh": "LSTM 模型"},
    "recall_header": {"en": "Long-range memory", "zh": "长程记忆"},
    # quantities
    "q.i": {"en": "input gate I", "zh": "输入门 I"},
    "q.f": {"en": "forget gate F", "zh": "遗忘门 F"},
    "q.o": {"en": "output gate O", "zh": "输出门 O"},
    "q.g": {"en": "candidate C̃ (g)", "zh": "候选记忆元 C̃（g）"},
    "q.c": {"en": "memory cell C", "zh": "记忆元 C"},
    "q.h": {"en": "hidden state H", "zh": "隐状态 H"},
    # inputs
    "sentence": {"en": "Your sentence", "zh": "你的句子"},
    "sentence_help": {"en": "The LSTM reads it one token at a time from a zero state. Up to {max} tokens.",
                      "zh": "LSTM 从零状态开始逐个词元读入。最多 {max} 个词元。"},
    "sentence_default": {"en": "Empty: the start of the held-out text is used.", "zh": "为空：使用留出文本的开头。"},
    "sentence_short": {"en": "Type at least {min} tokens; the start of the held-out text is shown meanwhile.",
                       "zh": "请至少输入 {min} 个词元；暂时显示留出文本的开头。"},
    "sentence_cut_chars": {"en": "The text was cut to its first {max} characters.", "zh": "文本被截取为前 {max} 个字符。"},
    "sentence_truncated": {"en": "Only the first {max} tokens are shown.", "zh": "只显示前 {max} 个词元。"},
    "sentence_unknown": {"en": "Not in the vocabulary of this corpus, read as <unk>: {tokens}", "zh": "不在此语料的词表中，按 <unk> 读入：{tokens}"},
    "unit": {"en": "Follow unit", "zh": "跟踪单元"},
    "unit_help": {"en": "Starts at the unit whose memory cell changes the most on this text.", "zh": "初始为记忆元在这段文本上变化最大的单元。"},
    "unit_busiest": {"en": "the busiest unit", "zh": "变化最大的单元"},
    "colour_by": {"en": "Colour the text by", "zh": "文本着色依据"},
    # long-range settings
    "recall_train": {"en": "Train RNN, GRU and LSTM on the recall task", "zh": "在回忆任务上训练 RNN、GRU 与 LSTM"},
    "recall_train_help": {"en": "Three small models, trained one after the other (about 10 s). Off: the gradient flow at initialisation only.",
                          "zh": "依次训练三个小模型（约 10 秒）。关闭时只显示初始化时的梯度流。"},
    "recall_hiddens": {"en": "Hidden units", "zh": "隐藏单元数"},
    "recall_distance": {"en": "Longest distance in training", "zh": "训练中的最长距离"},
    "recall_distance_help": {"en": "Training examples carry the value over 5 … this many steps (log-uniform). Accuracy is measured up to twice as far.",
                             "zh": "训练样本需要把值记住 5 到该步数（对数均匀抽取）。准确率测到两倍距离。"},
    "recall_updates": {"en": "Updates per model (Adam)", "zh": "每个模型的更新次数（Adam）"},
    "recall_batch": {"en": "Examples per update", "zh": "每次更新的样本数"},
    "recall_lr": {"en": "Learning rate (Adam)", "zh": "学习率（Adam）"},
    # charts
    "step_axis": {"en": "time step", "zh": "时间步"},
    "token_axis": {"en": "token read at that step", "zh": "该时间步读入的词元"},
    "unit_axis": {"en": "hidden unit", "zh": "隐藏单元"},
    "value_axis": {"en": "value", "zh": "取值"},
    "unit_title": {"en": "Unit {unit} along the text", "zh": "单元 {unit} 沿文本的变化"},
    "unit_text_title": {"en": "The text coloured by unit {unit}'s {q}", "zh": "按单元 {unit} 的{q}着色的文本"},
    "flow_title": {"en": "Gradient reaching the token read T − t steps back: ‖∂ℓ/∂x_t‖, relative to the last step",
                   "zh": "传回 T − t 步之前读入的词元的梯度：‖∂ℓ/∂x_t‖（相对最后一步）"},
    "steps_back_axis": {"en": "steps before the prediction (T − 1 − t)", "zh": "距预测的步数（T − 1 − t）"},
    "grad_axis": {"en": "relative gradient norm (log scale)", "zh": "相对梯度范数（对数坐标）"},
    "stage.init": {"en": "at initialisation", "zh": "初始化时"},
    "stage.trained": {"en": "trained", "zh": "训练后"},
    "long_title": {"en": "Recall accuracy against the distance to remember", "zh": "回忆准确率与需要记住的距离"},
    "distance_axis": {"en": "distance between the value and the question (steps)", "zh": "值与提问之间的距离（步）"},
    "accuracy_axis": {"en": "accuracy on fresh examples", "zh": "新样本上的准确率"},
    "chance": {"en": "chance (1 in 10)", "zh": "随机猜测（1/10）"},
    "trained_up_to": {"en": "longest in training", "zh": "训练中的最长距离"},
    "recall_loss_title": {"en": "Training on the recall task", "zh": "在回忆任务上训练"},
    "update_axis": {"en": "update", "zh": "更新次数"},
    "loss_axis": {"en": "cross-entropy", "zh": "交叉熵"},
    # page text
    "gates_header": {"en": "The gates while it reads", "zh": "读入时的各个门"},
    "gates_caption": {"en": "LSTM with {hiddens} units trained on “{corpus}” ({epochs} epochs, held-out perplexity {ppl}). Rows: units; columns: the tokens of your text. Gates run from 0 (closed) to 1 (open); C̃, C and H are centred on 0.",
                      "zh": "在“{corpus}”上训练的 {hiddens} 单元 LSTM（{epochs} 轮，留出困惑度 {ppl}）。行：单元；列：你的文本中的词元。门的取值从 0（关闭）到 1（打开）；C̃、C、H 以 0 为中心。"},
    "unit_header": {"en": "Follow one unit", "zh": "跟踪一个单元"},
    "flow_header": {"en": "How far back the gradient reaches", "zh": "梯度能回传多远"},
    "flow_caption": {"en": "The same {n} recall examples for all three models: the value sits {back} steps before the last input, the answer ℓ is scored after it. Dotted: at initialisation; solid: after training (when switched on).",
                     "zh": "三个模型使用相同的 {n} 个回忆样本：值位于最后一个输入之前 {back} 步，读完后对答案计算损失 ℓ。虚线：初始化时；实线：训练后（打开训练时）。"},
    "flow_explain": {"en": "At initialisation the signal from the answer shrinks by a roughly constant factor per step: {back} steps back the RNN keeps {rnn} of it, the GRU {gru}, the LSTM {lstm} (its forget gate starts near σ(1) ≈ 0.73). This is the product of Jacobians of ⟦bptt⟧: it vanishes geometrically, and a model cannot learn to use what its gradient never reaches. After training, look at step {back}: the models that solved the task depend on that token again.",
                     "zh": "初始化时，来自答案的信号每一步大致按固定比例缩小：{back} 步之前，RNN 保留 {rnn}，GRU 保留 {gru}，LSTM 保留 {lstm}（其遗忘门初始约为 σ(1) ≈ 0.73）。这就是 ⟦bptt⟧ 中雅可比矩阵的连乘：它按几何级数消失，而梯度到达不了的信息，模型就学不会使用。训练后请看第 {back} 步：解决了任务的模型重新依赖那个词元。"},
    "long_header": {"en": "How far back each model remembers", "zh": "各模型能记住多远"},
    "long_off": {"en": "Switch on “Train RNN, GRU and LSTM on the recall task” in the sidebar to train the three models (about 10 s) and measure their memory.",
                 "zh": "在侧边栏打开“在回忆任务上训练 RNN、GRU 与 LSTM”，训练三个模型（约 10 秒）并测量它们的记忆。"},
    "long_example": {"en": "One example at distance {d} (the answer is {y}):", "zh": "距离为 {d} 的一个样本（答案是 {y}）："},
    "metric_acc": {"en": "{model} at distance {d}", "zh": "{model}，距离 {d}"},
    "budget_work": {"en": "The training reached the work budget and stopped; the models trained so far are shown.",
                    "zh": "训练达到工作量上限后停止；图中为已训练的模型。"},
    "explain_md": {
        "en": r"""**The LSTM cell** (⟦lstm, dlfs2_lstm⟧), at each step $t$:

$\mathbf I_t = \sigma(\mathbf X_t\mathbf W_{{xi}} + \mathbf H_{{t-1}}\mathbf W_{{hi}} + \mathbf b_i)$, $\mathbf F_t = \sigma(\cdots)$, $\mathbf O_t = \sigma(\cdots)$, $\tilde{{\mathbf C}}_t = \tanh(\mathbf X_t\mathbf W_{{xc}} + \mathbf H_{{t-1}}\mathbf W_{{hc}} + \mathbf b_c)$

$\mathbf C_t = \mathbf F_t \odot \mathbf C_{{t-1}} + \mathbf I_t \odot \tilde{{\mathbf C}}_t, \qquad \mathbf H_t = \mathbf O_t \odot \tanh(\mathbf C_t)$

The cell is updated by *addition*, scaled by the forget gate: along the cell, $\partial \mathbf C_t / \partial \mathbf C_{{t-1}} = \mathbf F_t$. A unit whose forget gate stays near 1 passes its memory — and the gradient — across many steps. A plain RNN, $\mathbf H_t = \tanh(\mathbf X_t\mathbf W_{{xh}} + \mathbf H_{{t-1}}\mathbf W_{{hh}} + \mathbf b_h)$, multiplies the gradient (a row, like $\mathbf H_t$) by $\mathrm{{diag}}(1-\mathbf H_t^2)\,\mathbf W_{{hh}}^\top$ at every step instead, so the gradient {d} steps back is a product of {d} such matrices.

On your text: the mean forget gate is {f_mean} (so on average a unit keeps $F^{{10}} ≈$ {f10} of its cell after 10 steps); the most-changing unit, {unit}, has its cell between {c_min} and {c_max}.""",
        "zh": r"""**LSTM 单元**（⟦lstm, dlfs2_lstm⟧），在每个时间步 $t$：

$\mathbf I_t = \sigma(\mathbf X_t\mathbf W_{{xi}} + \mathbf H_{{t-1}}\mathbf W_{{hi}} + \mathbf b_i)$，$\mathbf F_t = \sigma(\cdots)$，$\mathbf O_t = \sigma(\cdots)$，$\tilde{{\mathbf C}}_t = \tanh(\mathbf X_t\mathbf W_{{xc}} + \mathbf H_{{t-1}}\mathbf W_{{hc}} + \mathbf b_c)$

$\mathbf C_t = \mathbf F_t \odot \mathbf C_{{t-1}} + \mathbf I_t \odot \tilde{{\mathbf C}}_t, \qquad \mathbf H_t = \mathbf O_t \odot \tanh(\mathbf C_t)$

记忆元通过*加法*更新，并由遗忘门缩放：沿记忆元有 $\partial \mathbf C_t / \partial \mathbf C_{{t-1}} = \mathbf F_t$。遗忘门接近 1 的单元能把记忆（以及梯度）传过很多步。普通 RNN $\mathbf H_t = \tanh(\mathbf X_t\mathbf W_{{xh}} + \mathbf H_{{t-1}}\mathbf W_{{hh}} + \mathbf b_h)$ 则在每一步把梯度（与 $\mathbf H_t$ 一样是行向量）乘以 $\mathrm{{diag}}(1-\mathbf H_t^2)\,\mathbf W_{{hh}}^\top$，因此 {d} 步之前的梯度是 {d} 个这样的矩阵之积。

在你的文本上：遗忘门均值为 {f_mean}（即平均而言 10 步后单元保留 $F^{{10}} ≈$ {f10} 的记忆）；变化最大的单元 {unit}，其记忆元取值在 {c_min} 到 {c_max} 之间。"""},
    "long_explain": {"en": "Each example hides one digit (the value of a key) and asks for it {d} steps later; the filler in between carries no information. Chance is 10 %. Within {updates} updates, the models whose state is updated additively through gates (GRU, LSTM) learn to hold the digit; the plain RNN's gradient from the answer fades by a factor at every step (see the chart above), so it learns short distances at best. The LSTM's forget-gate bias starts at 1, a common choice (Gers et al., 2000).",
                     "zh": "每个样本藏有一个数字（某个键的值），并在 {d} 步之后提问；中间的填充字符不含信息。随机猜测的准确率为 10%。在 {updates} 次更新内，状态经由门做加法更新的模型（GRU、LSTM）学会保存这个数字；普通 RNN 从答案传回的梯度每一步都按一定比例衰减（见上图），因此最多只能学会较短的距离。LSTM 遗忘门的偏置初始为 1，这是常见做法（Gers 等，2000）。"},
}
