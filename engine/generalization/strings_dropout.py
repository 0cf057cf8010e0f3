"""English and 中文 text of the page "Dropout" and of its charts."""
from engine.datasets.images import STRINGS as IMAGES
from engine.generalization.strings import COMMON

STRINGS = {
    **IMAGES,
    **COMMON,
    "title": {"en": "Dropout", "zh": "暂退法（Dropout）"},
    "summary": {"en": "The book's dropout_layer (kept units scaled by 1/(1 − p), so the expectation is unchanged) and its MLP (256-256, dropout 0.2 and 0.5, lr 0.5, batch 256, 10 epochs) on the MLP lesson's images, beside the same network without dropout; the train/test gap; which units a minibatch drops (⟦dropout, dropout_scratch⟧).",
                "zh": "书中的 dropout_layer（保留的单元乘以 1/(1 − p)，期望不变）和书中的多层感知机（256-256，暂退概率 0.2 和 0.5，学习率 0.5，批量 256，10 个迭代周期），在多层感知机一课的图像上与不使用暂退法的同一网络对比；训练与测试的差距；一个小批量丢弃了哪些单元（⟦dropout, dropout_scratch⟧）。"},
    "dataset": {"en": "Data set", "zh": "数据集"},
    "num_train": {"en": "Training images used", "zh": "使用的训练图像数"},
    "dropout1": {"en": "Dropout p after hidden layer 1", "zh": "第 1 个隐藏层后的暂退概率 p"},
    "dropout2": {"en": "Dropout p after hidden layer 2", "zh": "第 2 个隐藏层后的暂退概率 p"},
    "num_hiddens": {"en": "Units per hidden layer", "zh": "每个隐藏层的单元数"},
    "compare": {"en": "Also train without dropout", "zh": "同时训练不使用暂退法的网络"},
    "reg_header": {"en": "Dropout", "zh": "暂退法"},
    "model.dropout": {"en": "with dropout", "zh": "使用暂退法"},
    "model.plain": {"en": "without dropout", "zh": "不使用暂退法"},
    "metric_test_acc": {"en": "Test accuracy, {model}", "zh": "测试精度（{model}）"},
    "metric_gap": {"en": "Test − training loss, {model}", "zh": "测试损失 − 训练损失（{model}）"},
    "loss_panel": {"en": "loss", "zh": "损失"},
    "acc_panel": {"en": "accuracy", "zh": "精度"},
    "xent_axis": {"en": "cross-entropy", "zh": "交叉熵"},
    "acc_axis": {"en": "accuracy", "zh": "精度"},
    "train_acc": {"en": "training accuracy", "zh": "训练精度"},
    "test_acc": {"en": "test accuracy", "zh": "测试精度"},
    "curves_title": {"en": "With and without dropout: training (solid) and test (dotted)", "zh": "使用与不使用暂退法：训练（实线）与测试（虚线）"},
    "mask_title": {"en": "One minibatch through the trained network: kept, dropped, already zero", "zh": "一个小批量通过训练好的网络：保留、丢弃、本来为零"},
    "mask_none": {"en": "No minibatch has gone through the trained network yet (the run stopped before its first step), so there are no dropout masks to show.",
                  "zh": "还没有小批量通过训练好的网络（训练在第一步之前就停止了），所以没有可显示的暂退掩码。"},
    "mask_panel": {"en": "after layer {layer}: p = {p}, {dropped} dropped", "zh": "第 {layer} 层之后：p = {p}，丢弃 {dropped}"},
    "mask_hover": {"en": "example %{y}, unit %{x}: %{z} (1 kept, 0 dropped, 0.5 zero from the ReLU)",
                   "zh": "样本 %{y}，单元 %{x}：%{z}（1 保留，0 丢弃，0.5 为 ReLU 输出的零）"},
    "unit_axis": {"en": "hidden unit", "zh": "隐藏单元"},
    "example_axis": {"en": "example", "zh": "样本"},
    "layer_demo": {"en": "**`dropout_layer` on the book's X** (two rows of 0 … 15): p = 0 keeps X; p = 0.5 zeroes about half and doubles the rest; p = 1 zeroes all. The mean of {draws:,} draws at p = 0.5 is within {err} of X — the expectation is unchanged.",
                   "zh": "**书中的 X 上的 `dropout_layer`**（两行 0 … 15）：p = 0 时保持 X 不变；p = 0.5 时约一半被置零，其余乘以 2；p = 1 时全部置零。p = 0.5 时 {draws:,} 次抽样的均值与 X 相差不超过 {err}——期望不变。"},
    "demo_p": {"en": "p = {p}", "zh": "p = {p}"},
    "gc_link": {"en": "Gradient checking: why dropout must be off", "zh": "梯度检验：为什么必须关闭暂退法"},
    "explain_md": {
        "en": """**Dropout** (⟦dropout⟧) zeroes each hidden unit with probability p during training and scales the kept ones by 1/(1 − p): E[h′] = (1 − p)·h/(1 − p) = h, so the next layer sees on average what it would see without dropout, while no unit can rely on a particular other unit being there. In evaluation the layer is the identity (`net.eval()`), which is why the test curves here are measured with it off.

**The book's network** (⟦dropout_scratch⟧): {arch}, ReLU, dropout {p1} after the first hidden layer and {p2} after the second (the book puts the lower p near the input), SGD with η = {lr}, batch {batch}. The network, data and loop are the MLP lesson's; the weights start Xavier-uniform, the scale of the book's from-scratch `nn.Linear` layers (its concise N(0, 0.01²) start barely moves in the 60 updates that 10 epochs of the 8×8 digits give). The training loss is the one the book plots, measured during the epoch with dropout on, so the network with dropout shows a *higher* training loss — what matters is the test loss and how far it sits above the training loss: {gap_d} with dropout, {gap_p} without.

**The masks.** The heatmap shows, for the first examples of one minibatch, which units each Dropout layer kept (blue) and dropped (orange); grey units were zero already (the ReLU's output), so dropping them changes nothing. A new minibatch draws a new mask: every step trains a different thinned network, and the trained network behaves like their average.

**Gradient checking** compares the back-propagated gradient with (J(θ + ε) − J(θ − ε))/2ε; with dropout on, each evaluation of J draws a new mask, so the two sides measure different functions and the check fails for no bug. Turn dropout off to check, then on to train.""",
        "zh": """**暂退法**（⟦dropout⟧）在训练时以概率 p 把每个隐藏单元置零，并把保留的单元乘以 1/(1 − p)：E[h′] = (1 − p)·h/(1 − p) = h，于是下一层平均看到的与不使用暂退法时相同，而任何单元都不能依赖某个其他单元一定存在。评估时该层是恒等映射（`net.eval()`），所以这里的测试曲线是在关闭暂退法时测得的。

**书中的网络**（⟦dropout_scratch⟧）：{arch}，ReLU，第一个隐藏层后暂退概率 {p1}，第二个隐藏层后 {p2}（书中把较小的 p 放在靠近输入的层），随机梯度下降，η = {lr}，批量 {batch}。网络、数据和训练循环都来自多层感知机一课；权重以 Xavier 均匀分布初始化，与书中从零开始实现的 `nn.Linear` 尺度相同（书中简洁实现的 N(0, 0.01²) 初始化在 8×8 手写数字 10 个迭代周期仅有的 60 次更新中几乎不动）。训练损失是书中所画的那种，在迭代周期中开启暂退法时测得，所以使用暂退法的网络训练损失*更高*——关键是测试损失以及它比训练损失高出多少：使用暂退法 {gap_d}，不使用 {gap_p}。

**掩码。** 热图显示一个小批量的前几个样本中，每个暂退层保留了哪些单元（蓝色）、丢弃了哪些（橙色）；灰色单元本来就是零（ReLU 的输出），丢弃它们不改变任何东西。每个新的小批量抽取新的掩码：每一步训练的是一个不同的“变薄”网络，训练好的网络表现得像它们的平均。

**梯度检验**把反向传播的梯度与 (J(θ + ε) − J(θ − ε))/2ε 比较；开启暂退法时，每次计算 J 都会抽取新的掩码，两边度量的是不同的函数，即使没有错误检验也会失败。检验时关闭暂退法，训练时再打开。"""},
}
