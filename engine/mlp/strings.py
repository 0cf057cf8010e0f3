"""English and 中文 text of the MLP-on-images lesson (page and charts)."""
from engine.datasets.images import STRINGS as IMAGE_STRINGS

_ACT = {"relu": "ReLU", "sigmoid": "sigmoid", "tanh": "tanh", "gelu": "GELU", "leaky_relu": "leaky ReLU"}

STRINGS = {
    **IMAGE_STRINGS,            # data set and class names in both languages
    "title": {"en": "Multilayer perceptron", "zh": "多层感知机"},
    "summary": {"en": "Hidden layers, activations, dropout and weight decay on images, against softmax regression on the same chart (⟦mlp_scratch, mlp_concise, weight_decay, dropout⟧).",
                "zh": "在图像上训练带隐藏层、激活函数、暂退法与权重衰减的多层感知机，并与 softmax 回归画在同一张图上对比（⟦mlp_scratch, mlp_concise, weight_decay, dropout⟧）。"},
    "data_header": {"en": "Data", "zh": "数据"},
    "net_header": {"en": "Network", "zh": "网络"},
    "reg_header": {"en": "Regularisation", "zh": "正则化"},
    "train_header": {"en": "Training", "zh": "训练"},
    "dataset": {"en": "Data set", "zh": "数据集"},
    "dataset_help": {"en": "Fashion-MNIST is downloaded once (about 30 MB, checksum-verified) and cached. Without a network the page uses scikit-learn's 8×8 digits and says so.",
                     "zh": "Fashion-MNIST 只下载一次（约 30 MB，校验后缓存）。没有网络时本页改用 scikit-learn 自带的 8×8 手写数字，并会说明。"},
    "num_train": {"en": "Training examples used", "zh": "使用的训练样本数"},
    "num_train_help": {"en": "The first n training images (at most what the data set has: 60,000 or 1,438).",
                       "zh": "前 n 张训练图像（不超过数据集大小：60,000 或 1,438）。"},
    "num_layers": {"en": "Hidden layers", "zh": "隐藏层数"},
    "num_layers_help": {"en": "0 hidden layers is softmax regression: one linear layer.", "zh": "0 个隐藏层即 softmax 回归：只有一个线性层。"},
    "num_hiddens": {"en": "Units per hidden layer (num_hiddens)", "zh": "每个隐藏层的单元数（num_hiddens）"},
    "activation": {"en": "Activation", "zh": "激活函数"},
    **{f"activation.{k}": {"en": v, "zh": v} for k, v in _ACT.items()},
    "init": {"en": "Initial weights", "zh": "权重初始化"},
    "init_help": {"en": "The book draws every weight from N(0, 0.01²) (⟦mlp_scratch⟧). On the 8×8 digits (64 inputs) such small weights give a hidden signal so weak that learning starts slowly; Xavier (⟦xavier⟧) scales them to the layer's size.",
                  "zh": "书中每个权重都取自 N(0, 0.01²)（⟦mlp_scratch⟧）。在 8×8 手写数字（64 个输入）上，这么小的权重使隐藏层信号极弱，学习起步很慢；Xavier 初始化（⟦xavier⟧）按层的大小缩放权重。"},
    "init.xavier": {"en": "Xavier (⟦xavier⟧)", "zh": "Xavier（⟦xavier⟧）"},
    "init.normal": {"en": "book: N(0, 0.01²)", "zh": "书中：N(0, 0.01²)"},
    "dropout": {"en": "Dropout p", "zh": "暂退概率 p"},
    "dropout_help": {"en": "In training, each hidden unit is zeroed with probability p and the rest are scaled by 1/(1−p). In evaluation nothing is dropped.",
                     "zh": "训练时每个隐藏单元以概率 p 置零，其余乘以 1/(1−p)。评估时不丢弃任何单元。"},
    "weight_decay": {"en": "Weight decay λ", "zh": "权重衰减 λ"},
    "weight_decay_help": {"en": "Adds (λ/2)‖w‖² to the loss for every weight matrix (not the biases), i.e. λ·w to each weight's gradient.",
                          "zh": "对每个权重矩阵（不含偏置）在损失中加上 (λ/2)‖w‖²，即每个权重的梯度加上 λ·w。"},
    "lr": {"en": "Learning rate η", "zh": "学习率 η"},
    "lr_help": {"en": "The book uses 0.1. Very large values make the loss blow up to inf or NaN.",
                "zh": "书中取 0.1。过大时损失会爆炸为 inf 或 NaN。"},
    "batch_size": {"en": "Batch size", "zh": "批量大小"},
    "num_epochs": {"en": "Epochs", "zh": "迭代轮数"},
    "compare": {"en": "Also train softmax regression", "zh": "同时训练 softmax 回归"},
    "compare_help": {"en": "The book's softmax regression (⟦softmax_concise⟧) on the same data with the same η, batch size and epochs, drawn on the same chart.",
                     "zh": "在相同数据上、以相同的 η、批量大小和轮数训练书中的 softmax 回归（⟦softmax_concise⟧），画在同一张图上。"},
    # charts
    "compare_title": {"en": "MLP and softmax regression, epoch by epoch", "zh": "多层感知机与 softmax 回归，逐轮对比"},
    "mlp_title": {"en": "MLP, epoch by epoch", "zh": "多层感知机，逐轮训练"},
    "loss_panel": {"en": "Cross-entropy loss", "zh": "交叉熵损失"},
    "acc_panel": {"en": "Accuracy", "zh": "准确率"},
    "loss_axis": {"en": "loss (nats per example)", "zh": "损失（每样本，nat）"},
    "acc_axis": {"en": "accuracy (fraction correct)", "zh": "准确率（正确比例）"},
    "epoch_axis": {"en": "epoch", "zh": "轮次（epoch）"},
    "train_loss": {"en": "train loss", "zh": "训练损失"},
    "test_loss": {"en": "test loss", "zh": "测试损失"},
    "train_acc": {"en": "train acc", "zh": "训练准确率"},
    "test_acc": {"en": "test acc", "zh": "测试准确率"},
    "model.mlp": {"en": "MLP", "zh": "多层感知机"},
    "model.softmax": {"en": "softmax regression", "zh": "softmax 回归"},
    "diverged_at": {"en": "{model}: {kind} at step {step}", "zh": "{model}：第 {step} 步出现 {kind}"},
    # page text
    "metric_mlp_acc": {"en": "MLP test accuracy", "zh": "多层感知机测试准确率"},
    "metric_softmax_acc": {"en": "Softmax regression test accuracy", "zh": "softmax 回归测试准确率"},
    "metric_delta": {"en": "{d} (MLP − softmax)", "zh": "{d}（多层感知机 − softmax 回归）"},
    "metric_params": {"en": "MLP parameters", "zh": "多层感知机参数个数"},
    "metric_weight_norm": {"en": "½‖w‖² of the MLP's weights", "zh": "多层感知机权重的 ½‖w‖²"},
    "diverged": {"en": "**{model} diverged.** Its loss became {kind} at step {step} (epoch {epoch}); the last finite loss was {last}. "
                       "With η = {lr} each update overshoots so far that the weights grow instead of settling, until the logits overflow float32. "
                       "Its curve stops there; lower the learning rate.",
                 "zh": "**{model} 发散了。** 其损失在第 {step} 步（第 {epoch} 轮）变为 {kind}；最后一个有限损失是 {last}。"
                       "η = {lr} 时每次更新都越过太远，权重不断增大而不是收敛，直到 logits 超出 float32 的范围。"
                       "它的曲线在此中止；请降低学习率。"},
    "budget_capped": {"en": "This run reached the work budget ({units} multiply-adds, about 3 s of one core) and stopped at epoch {epoch}, so the shared server stays fast for the class. Fewer epochs, examples, layers or units give a complete run.",
                      "zh": "本次训练达到工作量上限（{units} 次乘加，约单核 3 秒），在第 {epoch} 轮停止，以保证共享服务器对全班保持流畅。减少轮数、样本数、层数或单元数可完整运行。"},
    "worse_than_chance": {"en": "**The MLP ended worse than guessing:** its training loss {loss} is above ln {q} = {chance}, the loss of giving every class probability 1/{q}. "
                                "With η = {lr} the first updates throw the weights so far that most units end up saturated (sigmoid, tanh) or dead (a ReLU whose input stays negative passes no gradient), and the network cannot recover. Lower the learning rate.",
                          "zh": "**多层感知机最终比随机猜还差：** 其训练损失 {loss} 高于 ln {q} = {chance}，即给每个类别 1/{q} 概率时的损失。"
                                "η = {lr} 时最初几次更新就把权重推得太远，多数单元饱和（sigmoid、tanh）或“死亡”（输入始终为负的 ReLU 不再传回梯度），网络无法恢复。请降低学习率。"},
    "not_yet_better_than_chance": {"en": "**The MLP has not beaten guessing yet:** its training loss {loss} is still above ln {q} = {chance}, the loss of giving every class probability 1/{q}, though it fell from {initial} and was still falling. "
                                         "With η = {lr} and {epochs} epoch(s) the updates are too small or too few: raise the learning rate or train for more epochs.",
                                   "zh": "**多层感知机还没有超过随机猜：** 其训练损失 {loss} 仍高于 ln {q} = {chance}（给每个类别 1/{q} 概率时的损失），不过已从 {initial} 开始下降，并且仍在下降。"
                                         "η = {lr}、{epochs} 轮时更新太小或太少：请提高学习率或增加训练轮数。"},
    "explain_md": {
        "en": r"""**Network.** {arch}: each image is flattened to $\mathbf{{x}}\in\mathbb R^{{{d}}}$, then {hidden}and the output layer gives $q = {q}$ logits $\mathbf{{o}}$ — {params} parameters (softmax regression has {params_softmax}).

**Loss.** $\mathrm{{softmax}}$ and cross-entropy, as in softmax regression: $l = -\log \hat y_{{y}}$ with $\hat{{\mathbf{{y}}}} = \mathrm{{softmax}}(\mathbf{{o}})${penalty}.

**Dropout** (⟦dropout⟧). {dropout}

**Update.** $\mathbf{{w}} \leftarrow \mathbf{{w}} - \eta\,\big(\partial_{{\mathbf{{w}}}} \bar l + \lambda\mathbf{{w}}\big)$ with $\eta = {lr}$, $\lambda = {wd}$, on minibatches of {batch}: {steps} updates.""",
        "zh": r"""**网络。** {arch}：每张图像展平为 $\mathbf{{x}}\in\mathbb R^{{{d}}}$，然后{hidden}输出层给出 $q = {q}$ 个 logits $\mathbf{{o}}$ ——共 {params} 个参数（softmax 回归为 {params_softmax} 个）。

**损失。** 与 softmax 回归相同的 $\mathrm{{softmax}}$ 与交叉熵：$l = -\log \hat y_{{y}}$，$\hat{{\mathbf{{y}}}} = \mathrm{{softmax}}(\mathbf{{o}})${penalty}。

**暂退法**（⟦dropout⟧）。{dropout}

**更新。** $\mathbf{{w}} \leftarrow \mathbf{{w}} - \eta\,\big(\partial_{{\mathbf{{w}}}} \bar l + \lambda\mathbf{{w}}\big)$，$\eta = {lr}$，$\lambda = {wd}$，小批量大小 {batch}：共 {steps} 次更新。"""},
    "hidden_md": {"en": r"{L} hidden layer(s) $\mathbf{{h}}_\ell = {act}(\mathbf{{W}}_\ell\mathbf{{h}}_{{\ell-1}} + \mathbf{{b}}_\ell) \in \mathbb R^{{{h}}}$ ($\mathbf{{h}}_0 = \mathbf{{x}}$), ",
                  "zh": r"经过 {L} 个隐藏层 $\mathbf{{h}}_\ell = {act}(\mathbf{{W}}_\ell\mathbf{{h}}_{{\ell-1}} + \mathbf{{b}}_\ell) \in \mathbb R^{{{h}}}$（$\mathbf{{h}}_0 = \mathbf{{x}}$），"},
    "no_hidden_md": {"en": "with no hidden layer (this is softmax regression) ", "zh": "没有隐藏层（这就是 softmax 回归），"},
    "penalty_md": {"en": r", plus $\frac{{\lambda}}{{2}}\sum_\ell\|\mathbf{{W}}_\ell\|^2$ with $\lambda = {wd}$ (⟦weight_decay⟧; biases are not decayed)",
                   "zh": r"，再加上 $\frac{{\lambda}}{{2}}\sum_\ell\|\mathbf{{W}}_\ell\|^2$，$\lambda = {wd}$（⟦weight_decay⟧；偏置不衰减）"},
    "dropout_on_md": {"en": r"In training each hidden unit becomes $h' = 0$ with probability $p = {p}$ and $h' = h/(1-p) = {scale}\,h$ otherwise, so $E[h'] = h$; in evaluation (test accuracy) nothing is dropped.",
                      "zh": r"训练时每个隐藏单元以概率 $p = {p}$ 变为 $h' = 0$，否则 $h' = h/(1-p) = {scale}\,h$，故 $E[h'] = h$；评估（测试准确率）时不丢弃。"},
    "dropout_off_md": {"en": "Off ($p = 0$): move the slider to see the gap between train and test accuracy shrink.",
                       "zh": "未开启（$p = 0$）：拖动滑块，观察训练与测试准确率之间的差距缩小。"},
}
