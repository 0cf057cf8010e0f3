"""English and 中文 text of the softmax regression lesson (page and charts)."""
from engine.datasets.images import STRINGS as IMAGE_STRINGS

STRINGS = {
    **IMAGE_STRINGS,            # data set and class names in both languages
    "title": {"en": "Softmax regression", "zh": "softmax 回归"},
    "summary": {"en": "Classify images with one linear layer, softmax and cross-entropy, from scratch and with nn.Linear (⟦softmax_regression..softmax_concise⟧).",
                "zh": "用一个线性层、softmax 与交叉熵对图像分类，从零实现与 nn.Linear 简洁实现（⟦softmax_regression..softmax_concise⟧）。"},
    "data_header": {"en": "Data", "zh": "数据"},
    "train_header": {"en": "Training", "zh": "训练"},
    "dataset": {"en": "Data set", "zh": "数据集"},
    "dataset_help": {"en": "Fashion-MNIST is downloaded once (about 30 MB, checksum-verified) and cached. Without a network the page uses scikit-learn's 8×8 digits and says so.",
                     "zh": "Fashion-MNIST 只下载一次（约 30 MB，校验后缓存）。没有网络时本页改用 scikit-learn 自带的 8×8 手写数字，并会说明。"},
    "num_train": {"en": "Training examples used", "zh": "使用的训练样本数"},
    "num_train_help": {"en": "The first n training images (at most what the data set has: 60,000 or 1,438).",
                       "zh": "前 n 张训练图像（不超过数据集大小：60,000 或 1,438）。"},
    "impl": {"en": "Implementation", "zh": "实现方式"},
    "impl_help": {"en": "From scratch: softmax, cross_entropy and sgd written out (⟦softmax_scratch⟧). Concise: nn.Flatten + nn.Linear, nn.CrossEntropyLoss and torch.optim.SGD (⟦softmax_concise⟧). Same seed, same start, same numbers — until the naive softmax overflows.",
                  "zh": "从零实现：手写 softmax、cross_entropy 与 sgd（⟦softmax_scratch⟧）。简洁实现：nn.Flatten + nn.Linear、nn.CrossEntropyLoss 与 torch.optim.SGD（⟦softmax_concise⟧）。相同种子、相同初始值，结果相同——直到朴素 softmax 溢出。"},
    "impl.scratch": {"en": "From scratch", "zh": "从零实现"},
    "impl.concise": {"en": "Concise (nn.Linear)", "zh": "简洁实现（nn.Linear）"},
    "lr": {"en": "Learning rate η", "zh": "学习率 η"},
    "lr_help": {"en": "The book uses 0.1. Very large values make the logits huge: the naive softmax then overflows to NaN.",
                "zh": "书中取 0.1。过大时 logits 变得极大，朴素 softmax 会溢出为 NaN。"},
    "batch_size": {"en": "Batch size |B|", "zh": "批量大小 |B|"},
    "num_epochs": {"en": "Epochs", "zh": "迭代轮数"},
    "logit_scale": {"en": "Logit scale", "zh": "logit 放大倍数"},
    "logit_scale_help": {"en": "Multiplies the logits o = (2, 1, 0.1). Past about 44, exp(2·scale) exceeds the largest float32 (≈3.4·10³⁸).",
                         "zh": "将 logits o = (2, 1, 0.1) 乘以该倍数。超过约 44 时，exp(2·倍数) 超出 float32 的最大值（≈3.4·10³⁸）。"},
    # charts
    "curves_title": {"en": "Training curves (the book's Animator)", "zh": "训练曲线（书中的 Animator）"},
    "train_loss": {"en": "train loss", "zh": "训练损失"},
    "train_acc": {"en": "train acc", "zh": "训练准确率"},
    "test_acc": {"en": "test acc", "zh": "测试准确率"},
    "acc_axis": {"en": "accuracy (fraction correct)", "zh": "准确率（正确比例）"},
    "loss_axis": {"en": "cross-entropy loss (nats per example)", "zh": "交叉熵损失（每样本，nat）"},
    "epoch_axis": {"en": "epoch", "zh": "轮次（epoch）"},
    "diverged_at": {"en": "{kind} at step {step}", "zh": "第 {step} 步出现 {kind}"},
    "weights_title": {"en": "What each class looks for: its column of W as an image", "zh": "每个类别在“找”什么：W 的对应列还原成图像"},
    "weight": {"en": "weight", "zh": "权重"},
    "confusion_title": {"en": "Confusion matrix on the {n} test images", "zh": "{n} 张测试图像上的混淆矩阵"},
    "pred_axis": {"en": "predicted class", "zh": "预测类别"},
    "true_axis": {"en": "true class", "zh": "真实类别"},
    "count": {"en": "images", "zh": "图像数"},
    "grid_title": {"en": "Test images, mistakes first<br><sup>predicted (probability), true</sup>", "zh": "测试图像（错误在前）<br><sup>预测（概率）与真实</sup>"},
    "weights_not_finite": {"en": "W is inf/NaN after the divergence: nothing left to draw", "zh": "发散之后 W 为 inf/NaN：无法绘制"},
    "truth": {"en": "true", "zh": "真实"},
    "stability_title": {"en": "softmax of o = (2, 1, 0.1) × {scale}, in float32", "zh": "o = (2, 1, 0.1) × {scale} 的 softmax（float32）"},
    "class": {"en": "class", "zh": "类别"},
    "class_axis": {"en": "class (logit o)", "zh": "类别（logit o）"},
    "prob_axis": {"en": "probability", "zh": "概率"},
    "naive_softmax": {"en": "naive exp(o) / Σ exp(o)", "zh": "朴素 exp(o) / Σ exp(o)"},
    "stable_softmax": {"en": "log-sum-exp (subtract max o first)", "zh": "log-sum-exp（先减去 max o）"},
    "col_logit": {"en": "o", "zh": "o"},
    "col_exp_logit": {"en": "exp(o)", "zh": "exp(o)"},
    "col_naive": {"en": "naive softmax", "zh": "朴素 softmax"},
    "col_shifted": {"en": "o − max o", "zh": "o − max o"},
    "col_exp_shifted": {"en": "exp(o − max o)", "zh": "exp(o − max o)"},
    "col_stable": {"en": "stable softmax", "zh": "稳定 softmax"},
    # page text
    "digits_note": {"en": "On the digits, 10 epochs of batch 256 are only {steps} updates (the book's Fashion-MNIST run makes 2,350). So that so few updates still learn, the model sees each pixel standardised (minus its mean over the training images, divided by its standard deviation), as scikit-learn advises for linear models; on plain [0, 1] pixels the same run stops near 0.87–0.89. The images are drawn unchanged.",
                    "zh": "在手写数字上，批量 256 训练 10 轮只有 {steps} 次更新（书中 Fashion-MNIST 的训练有 2,350 次）。为了让这么少的更新也能学好，模型看到的是逐像素标准化后的输入（减去训练图像上该像素的均值，再除以标准差），这也是 scikit-learn 对线性模型的建议；若直接用 [0, 1] 像素，同样的训练只到 0.87–0.89 左右。显示的图像保持原样。"},
    "budget_capped": {"en": "This run reached the work budget ({units} example-steps: each minibatch counts its size plus {step_cost}) and stopped at epoch {epoch}, so the shared server stays fast for the class. Fewer epochs or examples, or a larger batch, give a complete run.",
                      "zh": "本次训练达到工作量上限（{units} 个样本步：每个小批量计为其大小加 {step_cost}），在第 {epoch} 轮停止，以保证共享服务器对全班保持流畅。减少轮数或样本数，或增大批量，可完整运行。"},
    "metric_test_acc": {"en": "Test accuracy", "zh": "测试准确率"},
    "metric_train_acc": {"en": "Train accuracy", "zh": "训练准确率"},
    "metric_train_loss": {"en": "Train loss", "zh": "训练损失"},
    "metric_steps": {"en": "SGD updates", "zh": "SGD 更新次数"},
    "diverged": {"en": "**The training diverged.** The loss became {kind} at step {step} (epoch {epoch}); the last finite loss was {last}; the book's loop finishes the epoch, so the charts show the model after {steps} updates. "
                       "With η = {lr} the weights grow so fast that the logits o = XW + b exceed about 88, where exp(o) overflows float32 to inf; the book's naive softmax then computes inf/inf = NaN "
                       "(or a probability of exactly 0, whose −log is inf). The concise implementation uses the log-sum-exp form and does not overflow — switch to it, or lower the learning rate.",
                 "zh": "**训练发散了。** 损失在第 {step} 步（第 {epoch} 轮）变为 {kind}；最后一个有限损失是 {last}；书中的训练循环会跑完这一轮，所以图表显示的是 {steps} 次更新之后的模型。"
                       "η = {lr} 时权重增长太快，logits o = XW + b 超过约 88，exp(o) 在 float32 中溢出为 inf；书中的朴素 softmax 于是算出 inf/inf = NaN"
                       "（或概率恰为 0，其 −log 为 inf）。简洁实现使用 log-sum-exp 形式，不会溢出——可切换到简洁实现，或降低学习率。"},
    "explain_md": {
        "en": r"""**Model.** Each image is flattened to $\mathbf{{x}}\in\mathbb R^{{{d}}}$; the logits are $\mathbf{{o}} = \mathbf{{x}}\mathbf{{W}} + \mathbf{{b}}$ with $\mathbf{{W}}\in\mathbb R^{{{d}\times {q}}}$, $\mathbf{{b}}\in\mathbb R^{{{q}}}$ — {params} parameters.

**Softmax.** $\hat y_j = \dfrac{{\exp(o_j)}}{{\sum_k \exp(o_k)}}$: positive, summing to 1, in the order of the logits.

**Loss.** Cross-entropy $l(\mathbf y, \hat{{\mathbf y}}) = -\log \hat y_{{y}}$ (the probability given to the true class). Its gradient is $\partial_{{o_j}} l = \hat y_j - y_j$: the prediction minus the one-hot truth. Final train loss here: {loss} nats; a uniform guess gives $\log {q} = {uniform}$.

**Update.** $(\mathbf W, \mathbf b) \leftarrow (\mathbf W, \mathbf b) - \frac{{\eta}}{{|\mathcal B|}}\sum_{{i\in\mathcal B}}\partial\, l^{{(i)}}$ with $\eta = {lr}$, $|\mathcal B| = {batch}$: {steps_per_epoch} updates per epoch, {steps} in all.""",
        "zh": r"""**模型。** 每张图像展平为 $\mathbf{{x}}\in\mathbb R^{{{d}}}$；logits 为 $\mathbf{{o}} = \mathbf{{x}}\mathbf{{W}} + \mathbf{{b}}$，其中 $\mathbf{{W}}\in\mathbb R^{{{d}\times {q}}}$，$\mathbf{{b}}\in\mathbb R^{{{q}}}$——共 {params} 个参数。

**Softmax。** $\hat y_j = \dfrac{{\exp(o_j)}}{{\sum_k \exp(o_k)}}$：为正、和为 1，且保持 logits 的大小顺序。

**损失。** 交叉熵 $l(\mathbf y, \hat{{\mathbf y}}) = -\log \hat y_{{y}}$（赋给真实类别的概率）。其梯度为 $\partial_{{o_j}} l = \hat y_j - y_j$：预测减去独热标签。此处最终训练损失为 {loss} nat；均匀猜测为 $\log {q} = {uniform}$。

**更新。** $(\mathbf W, \mathbf b) \leftarrow (\mathbf W, \mathbf b) - \frac{{\eta}}{{|\mathcal B|}}\sum_{{i\in\mathcal B}}\partial\, l^{{(i)}}$，其中 $\eta = {lr}$，$|\mathcal B| = {batch}$：每轮 {steps_per_epoch} 次更新，共 {steps} 次。"""},
    "weights_explain": {"en": "Softmax regression scores class j by a weighted sum of pixels, so column j of W is a template: red pixels raise the score of that class, blue pixels lower it. On clothes the templates tend to look like blurred silhouettes of the garment; on digits, like a blurred digit with the strokes of its look-alikes in blue.",
                        "zh": "softmax 回归用像素的加权和为类别 j 打分，因此 W 的第 j 列就是一个模板：红色像素提高该类得分，蓝色像素降低得分。服装的模板往往像衣物的模糊轮廓；数字的模板像一个模糊的数字，相似数字的笔画呈蓝色。"},
    "stability_header": {"en": "Numerical stability: why the concise version never overflows", "zh": "数值稳定性：为什么简洁实现不会溢出"},
    "stability_explain": {"en": "exp(o) overflows float32 once o > ln(3.4·10³⁸) ≈ 88.7; then the naive softmax computes inf / inf = NaN. Subtracting the largest logit first changes nothing mathematically — softmax(o) = softmax(o − max o) — but every exponent is then ≤ 0, so nothing overflows; and the cross-entropy is taken as log-sum-exp directly, never as log(0). `nn.CrossEntropyLoss` does exactly this (⟦softmax_revisited⟧).",
                          "zh": "当 o > ln(3.4·10³⁸) ≈ 88.7 时，exp(o) 在 float32 中溢出，朴素 softmax 算出 inf / inf = NaN。先减去最大 logit 在数学上不改变结果——softmax(o) = softmax(o − max o)——但所有指数都 ≤ 0，不会溢出；交叉熵直接用 log-sum-exp 计算，不会出现 log(0)。`nn.CrossEntropyLoss` 正是这样做的（⟦softmax_revisited⟧）。"},
    "stability_nan": {"en": "At scale {scale} the naive softmax gives NaN (overflow starts at scale ≈ {limit}); its cross-entropy for class 0 is {ce_naive}, the log-sum-exp one is {ce_stable}.",
                      "zh": "倍数为 {scale} 时朴素 softmax 得到 NaN（溢出从倍数 ≈ {limit} 开始）；类别 0 的朴素交叉熵为 {ce_naive}，log-sum-exp 形式为 {ce_stable}。"},
    "stability_ok": {"en": "At scale {scale} both agree (cross-entropy for class 0: {ce_naive} vs {ce_stable}). Push the scale past ≈ {limit} to see the naive form break.",
                     "zh": "倍数为 {scale} 时两者一致（类别 0 的交叉熵：{ce_naive} 与 {ce_stable}）。把倍数推过 ≈ {limit} 看看朴素形式如何崩溃。"},
}
