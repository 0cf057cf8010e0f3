"""English and 中文 text of the page "Minibatch stochastic gradient descent" and of its charts."""
from engine.optimization.strings import COMMON

STRINGS = {
    **COMMON,
    "title": {"en": "Minibatch SGD", "zh": "小批量随机梯度下降"},
    "summary": {"en": "Batch gradient descent, SGD and minibatch SGD on the same regression data from the same start: loss against epochs, examples seen and seconds; the noise of the updates; vectorisation measured live (⟦sgd..minibatch_sgd⟧; Ng 1.3).",
                "zh": "在同一份回归数据上、从同一起点出发比较梯度下降、随机梯度下降和小批量随机梯度下降：损失随轮数、样本数和时间的变化；更新的噪声；现场测量矢量化的效果（⟦sgd..minibatch_sgd⟧；吴恩达 1.3）。"},
    "data_header": {"en": "Data", "zh": "数据"},
    "gd_header": {"en": "Batch gradient descent", "zh": "梯度下降（全批量）"},
    "sgd_header": {"en": "SGD and minibatches", "zh": "随机梯度下降与小批量"},
    "dataset": {"en": "Data set", "zh": "数据集"},
    "dataset.airfoil": {"en": "NASA airfoil self-noise (the book's)", "zh": "NASA 翼型自噪声（书中数据）"},
    "dataset.synthetic": {"en": "generated (same shape)", "zh": "生成数据（形状相同）"},
    "dataset_help": {"en": "The airfoil data (⟦airfoil⟧) is downloaded once, checked against its SHA-1 and cached. Offline the page generates data of the same shape instead and says so.",
                     "zh": "翼型数据（⟦airfoil⟧）只下载一次，经 SHA-1 校验后缓存。离线时本页改用生成的同形状数据，并会说明。"},
    "num_examples": {"en": "Examples used", "zh": "使用的样本数"},
    "lr_gd": {"en": "η of batch GD", "zh": "梯度下降的 η"},
    "gd_epochs": {"en": "Epochs of batch GD", "zh": "梯度下降的轮数"},
    "lr_sgd": {"en": "η of SGD (batch 1)", "zh": "随机梯度下降的 η（批量 1）"},
    "lr_mini": {"en": "η of minibatch SGD", "zh": "小批量随机梯度下降的 η"},
    "batch_mini": {"en": "Minibatch size", "zh": "小批量大小"},
    "num_epochs": {"en": "Epochs of SGD and minibatch", "zh": "随机梯度下降与小批量的轮数"},
    "fallback": {"en": "The airfoil data is not available here, so this page uses generated data: 1,503 examples of 5 mildly correlated features, where the best linear fit leaves half of the variance (as on the airfoil data, whose best loss is about 0.24). Reason: {reason}",
                 "zh": "此处无法获得翼型数据，本页改用生成数据：1,503 个样本、5 个轻度相关的特征，最佳线性拟合剩下一半方差（与翼型数据相近，其最佳损失约 0.24）。原因（系统的英文报告）：{reason}"},
    "using": {"en": "**Data:** {name}, {n} examples × 5 standardised features. Least-squares loss (the floor): {opt}.",
              "zh": "**数据：** {name}，{n} 个样本 × 5 个标准化特征。最小二乘损失（下限）：{opt}。"},
    "metric_final": {"en": "{method}: final loss", "zh": "{method}：最终损失"},
    "metric_updates": {"en": "{n} updates, {s} s", "zh": "{n} 次更新，{s} 秒"},
    "diverged": {"en": "**{method} diverged:** the loss became {kind} after update {step} (epoch {epoch}; last finite {last}). Lower its η.",
                 "zh": "**{method} 发散了：** 损失在第 {step} 次更新后（第 {epoch} 轮）变为 {kind}（最后一个有限值 {last}）。请降低其 η。"},
    "vec_header": {"en": "Why minibatches: vectorisation, measured now", "zh": "为什么用小批量：矢量化，现场测量"},
    "vec_md": {"en": "The gradient of the mean loss over all {n} examples, computed three ways on this server (fastest of 3; the results agree to {err}): one example at a time in a Python loop, {batches} minibatches of {b}, and one matrix product Xᵀ(Xw + b − y)/n. The matrix product is {ratio}× faster than the loop — the same arithmetic, done by one optimised kernel instead of {n} small ones. A minibatch keeps most of that speed while still giving many updates per epoch.",
               "zh": "对全部 {n} 个样本的平均损失求梯度，在本服务器上用三种方式计算（3 次取最快；结果一致到 {err}）：在 Python 循环中一次一个样本，{batches} 个大小为 {b} 的小批量，以及一次矩阵乘法 Xᵀ(Xw + b − y)/n。矩阵乘法比循环快 {ratio} 倍——算术完全相同，只是由一个优化过的内核完成，而不是 {n} 个小运算。小批量在每轮仍能做许多次更新的同时，保留了大部分速度。"},
    "time_note": {"en": "Seconds are measured on this server when the result was computed (training only, the evaluations excluded, as in the book); the losses are the same on every machine.",
                  "zh": "时间是在本服务器计算该结果时测得的（只计训练，不含评估，与书中相同）；损失在任何机器上都相同。"},
    "explain_md": {
        "en": """**Three ways to spend an epoch.** Batch GD computes the exact gradient over all {n} examples and takes one step per epoch; SGD takes {n} steps per epoch, each on a single example; a minibatch of {b} takes {steps_mini} steps, each on the mean gradient of {b} examples (⟦minibatches⟧).

**Noise.** A minibatch gradient is an unbiased estimate of the full one, with variance shrinking like 1/|B|: SGD's path (w₁, w₂) jitters around the way, batch GD's does not. Near the minimum the noise keeps SGD bouncing at a level set by η — which is why SGD needs a small η (here {lr_sgd}) or a decaying one.

**Per example vs per second.** Measured per example seen, SGD learns fastest — every example moves the weights. Measured per second, batch GD and large minibatches win each step back through vectorisation (below): the best trade-off is in between, which is why deep learning trains on minibatches.""",
        "zh": """**一轮的三种用法。** 梯度下降对全部 {n} 个样本计算精确梯度，每轮只走一步；随机梯度下降每轮走 {n} 步，每步只用一个样本；大小为 {b} 的小批量每轮走 {steps_mini} 步，每步用 {b} 个样本的平均梯度（⟦minibatches⟧）。

**噪声。** 小批量梯度是全梯度的无偏估计，方差按 1/|B| 缩小：随机梯度下降的 (w₁, w₂) 路径一路抖动，梯度下降则不会。在最小值附近，噪声让随机梯度下降在由 η 决定的水平上来回跳动——这就是它需要较小的 η（这里是 {lr_sgd}）或逐渐衰减的 η 的原因。

**按样本还是按秒。** 按看过的样本数衡量，随机梯度下降学得最快——每个样本都会移动权重。按秒衡量，梯度下降和大的小批量通过矢量化（见下）把每一步的代价赚回来：最佳折中在两者之间，这就是深度学习用小批量训练的原因。"""},
    # charts
    "method.gd": {"en": "batch GD", "zh": "梯度下降"},
    "method.sgd": {"en": "SGD (batch 1)", "zh": "随机梯度下降（批量 1）"},
    "method.minibatch": {"en": "minibatch SGD", "zh": "小批量随机梯度下降"},
    "curve_title.epoch": {"en": "Loss against epochs", "zh": "损失随轮数的变化"},
    "curve_title.seen": {"en": "Loss against examples seen", "zh": "损失随样本数的变化"},
    "curve_title.seconds": {"en": "Loss against training time", "zh": "损失随训练时间的变化"},
    "axis.epoch": {"en": "epoch", "zh": "轮次（epoch）"},
    "axis.seen": {"en": "examples seen (log scale)", "zh": "看过的样本数（对数坐标）"},
    "axis.seconds": {"en": "training time (s)", "zh": "训练时间（秒）"},
    "mb_loss_axis": {"en": "loss ½(ŷ − y)², all data (log)", "zh": "全部数据的损失 ½(ŷ − y)²（对数）"},
    "mb_paths_title": {"en": "Where (w₁, w₂) went: the noise of the updates", "zh": "(w₁, w₂) 的路径：更新的噪声"},
    "least_squares": {"en": "least squares", "zh": "最小二乘解"},
    "vec_title": {"en": "The same gradient, three ways", "zh": "同一个梯度，三种算法"},
    "how.loop": {"en": "loop over examples", "zh": "逐样本循环"},
    "how.batches": {"en": "minibatch products", "zh": "小批量矩阵乘法"},
    "how.matrix": {"en": "one matrix product", "zh": "一次矩阵乘法"},
    "ms_axis": {"en": "milliseconds (log scale)", "zh": "毫秒（对数坐标）"},
}
