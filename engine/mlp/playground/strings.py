"""English and 中文 text of the playground lesson (page and charts)."""

_ACT = {"tanh": ("tanh", "tanh"), "relu": ("ReLU", "ReLU"), "sigmoid": ("sigmoid", "sigmoid"), "gelu": ("GELU", "GELU"),
        "leaky_relu": ("leaky ReLU", "leaky ReLU"), "linear": ("none (linear)", "无（线性）")}

# the symbol of each activation in the page's formulas
ACT_SYMBOLS = {"tanh": r"\tanh", "relu": r"\mathrm{ReLU}", "sigmoid": r"\sigma", "gelu": r"\mathrm{GELU}",
               "leaky_relu": r"\mathrm{LeakyReLU}", "linear": r"\mathrm{id}"}

STRINGS = {
    "title": {"en": "Neural network playground", "zh": "神经网络游乐场"},
    "summary": {"en": "A small MLP separates two classes in the plane — moons, circles, XOR, spirals — and you watch the decision boundary move as it trains (after TensorFlow Playground; ⟦mlp..mlp_concise⟧).",
                "zh": "一个小型多层感知机在平面上区分两类点——月牙、圆环、异或、螺旋——训练时可以看到决策边界如何移动（仿 TensorFlow Playground；⟦mlp..mlp_concise⟧）。"},
    "data_header": {"en": "Data", "zh": "数据"},
    "net_header": {"en": "Network", "zh": "网络"},
    "train_header": {"en": "Training", "zh": "训练"},
    "dataset": {"en": "Data set", "zh": "数据集"},
    "dataset.moons": {"en": "two moons", "zh": "双月牙"},
    "dataset.circles": {"en": "circles", "zh": "圆环"},
    "dataset.xor": {"en": "XOR (quadrants)", "zh": "异或（象限）"},
    "dataset.spiral": {"en": "two spirals", "zh": "双螺旋"},
    "noise": {"en": "Noise", "zh": "噪声"},
    "num_examples": {"en": "Number of points", "zh": "点的数量"},
    "test_ratio": {"en": "Share held out for testing", "zh": "测试集比例"},
    "num_layers": {"en": "Hidden layers", "zh": "隐藏层数"},
    "num_layers_help": {"en": "0 hidden layers is logistic regression: the boundary is a straight line.",
                        "zh": "0 个隐藏层即逻辑回归：决策边界是一条直线。"},
    "num_hiddens": {"en": "Units per hidden layer", "zh": "每个隐藏层的单元数"},
    "activation": {"en": "Activation", "zh": "激活函数"},
    "activation_help": {"en": "With none (linear), any number of layers still draws a straight boundary.",
                        "zh": "选“无（线性）”时，无论多少层，边界仍是一条直线。"},
    **{f"activation.{k}": {"en": en, "zh": zh} for k, (en, zh) in _ACT.items()},
    "lr": {"en": "Learning rate η", "zh": "学习率 η"},
    "lr_help": {"en": "Very large values break the training: with no activation (linear) the weights overflow to NaN (try 30); with ReLU the units die instead.",
                "zh": "过大的学习率会破坏训练：不用激活函数（线性）时权重溢出为 NaN（试试 30）；用 ReLU 时则是单元“死亡”。"},
    "batch_size": {"en": "Batch size", "zh": "批量大小"},
    "num_epochs": {"en": "Epochs", "zh": "迭代轮数"},
    # charts
    "prob_axis": {"en": "P(y=1)", "zh": "P(y=1)"},
    "train_class": {"en": "train, class {c}", "zh": "训练集，类别 {c}"},
    "test_class": {"en": "test, class {c}", "zh": "测试集，类别 {c}"},
    "boundary_live_title": {"en": "Decision boundary while training (step {step})", "zh": "训练中的决策边界（第 {step} 步）"},
    "boundary_title": {"en": "Decision boundary P(y=1) = 0.5 at step {step}<br><sup>drag the slider to replay</sup>",
                       "zh": "第 {step} 步的决策边界 P(y=1) = 0.5<br><sup>拖动滑块回放</sup>"},
    "step_prefix": {"en": "step ", "zh": "步数 "},
    "train": {"en": "train", "zh": "训练集"},
    "test": {"en": "test", "zh": "测试集"},
    "loss_title": {"en": "Cross-entropy loss", "zh": "交叉熵损失"},
    "loss_axis": {"en": "loss (log scale)", "zh": "损失（对数坐标）"},
    "acc_title": {"en": "Accuracy", "zh": "准确率"},
    "acc_axis": {"en": "accuracy", "zh": "准确率"},
    "epoch_axis": {"en": "epoch", "zh": "轮次（epoch）"},
    "diverged_at": {"en": "{kind} at step {step}", "zh": "第 {step} 步出现 {kind}"},
    # page text
    "metric_train_acc": {"en": "Train accuracy", "zh": "训练准确率"},
    "metric_test_acc": {"en": "Test accuracy", "zh": "测试准确率"},
    "metric_train_loss": {"en": "Train loss", "zh": "训练损失"},
    "metric_test_loss": {"en": "Test loss", "zh": "测试损失"},
    "metric_params": {"en": "Parameters", "zh": "参数个数"},
    "diverged": {"en": "**The training diverged.** The loss became {kind} at step {step} (epoch {epoch}); the last finite loss was {last}. "
                       "With η = {lr} each step multiplies the weights' error instead of shrinking it, until a number overflows float32. "
                       "The charts show the network as it was before it broke. Lower the learning rate.",
                 "zh": "**训练发散了。** 损失在第 {step} 步（第 {epoch} 轮）变为 {kind}；最后一个有限损失是 {last}。"
                       "η = {lr} 时每一步都放大而不是缩小权重的误差，直到某个数超出 float32 的范围。"
                       "图表显示的是崩溃之前的网络。请降低学习率。"},
    "worse_than_chance": {"en": "**The network ended no better than guessing:** its training loss {loss} is at or above ln 2 = 0.693, the loss of answering 50 % everywhere. "
                                "With η = {lr} the first updates throw the weights so far that the units saturate (sigmoid, tanh) or die (a ReLU whose input stays negative passes no gradient). Lower the learning rate.",
                          "zh": "**网络最终并不比随机猜更好：** 其训练损失 {loss} 不低于 ln 2 = 0.693，即处处回答 50% 时的损失。"
                                "η = {lr} 时最初几次更新就把权重推得太远，单元饱和（sigmoid、tanh）或“死亡”（输入始终为负的 ReLU 不再传回梯度）。请降低学习率。"},
    "not_yet_better_than_chance": {"en": "**The network has not beaten guessing yet:** its training loss {loss} is still at or above ln 2 = 0.693, the loss of answering 50 % everywhere, though it fell from {initial} and was still falling. "
                                         "With η = {lr} and {epochs} epoch(s) the updates are too small or too few: raise the learning rate or train for more epochs.",
                                   "zh": "**网络还没有超过随机猜：** 其训练损失 {loss} 仍不低于 ln 2 = 0.693（处处回答 50% 时的损失），不过已从 {initial} 开始下降，并且仍在下降。"
                                         "η = {lr}、{epochs} 轮时更新太小或太少：请提高学习率或增加训练轮数。"},
    "explain_md": {
        "en": r"""**Network.** {arch} with {act} after each hidden layer: $\mathbf{{h}}_\ell = {act_sym}(\mathbf{{W}}_\ell \mathbf{{h}}_{{\ell-1}} + \mathbf{{b}}_\ell)$, $\mathbf{{h}}_0 = \mathbf{{x}} \in \mathbb{{R}}^2$, and one output $o = \mathbf{{w}}^\top \mathbf{{h}}_L + b$ — {params} parameters.

**Prediction.** $P(y = 1 \mid \mathbf{{x}}) = \sigma(o) = 1/(1 + e^{{-o}})$: the colour of the background. The black line is $P = 0.5$, the decision boundary.

**Loss.** Binary cross-entropy $l = -y \log \sigma(o) - (1-y)\log(1-\sigma(o))$ — the softmax cross-entropy of ⟦softmax_loss⟧ with two classes — averaged over a minibatch of {batch}.

**Update.** $\mathbf{{w}} \leftarrow \mathbf{{w}} - \eta\, \partial_{{\mathbf{{w}}}} l$ with $\eta = {lr}$, {steps} steps ({train} training points, {test} test points).

Try: *none (linear)* as the activation — any depth, still a straight line (see the activation lesson); XOR with 0 hidden layers — it cannot be solved; the spiral — it needs more units, more epochs and a larger learning rate.""",
        "zh": r"""**网络。** {arch}，每个隐藏层之后接 {act}：$\mathbf{{h}}_\ell = {act_sym}(\mathbf{{W}}_\ell \mathbf{{h}}_{{\ell-1}} + \mathbf{{b}}_\ell)$，$\mathbf{{h}}_0 = \mathbf{{x}} \in \mathbb{{R}}^2$，一个输出 $o = \mathbf{{w}}^\top \mathbf{{h}}_L + b$ ——共 {params} 个参数。

**预测。** $P(y = 1 \mid \mathbf{{x}}) = \sigma(o) = 1/(1 + e^{{-o}})$：即背景颜色。黑线是 $P = 0.5$，即决策边界。

**损失。** 二元交叉熵 $l = -y \log \sigma(o) - (1-y)\log(1-\sigma(o))$——即 ⟦softmax_loss⟧ 两类时的 softmax 交叉熵——在大小为 {batch} 的小批量上取平均。

**更新。** $\mathbf{{w}} \leftarrow \mathbf{{w}} - \eta\, \partial_{{\mathbf{{w}}}} l$，$\eta = {lr}$，共 {steps} 步（{train} 个训练点，{test} 个测试点）。

试一试：激活函数选“无（线性）”——无论多深，边界仍是直线（见激活函数一课）；异或配 0 个隐藏层——无法解决；双螺旋——需要更多单元、更多轮数和更大的学习率。"""},
}
