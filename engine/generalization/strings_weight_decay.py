"""English and 中文 text of the page "Weight decay" and of its charts."""
from engine.generalization.strings import COMMON

STRINGS = {
    **COMMON,
    "title": {"en": "Weight decay", "zh": "权重衰减"},
    "summary": {"en": "The book's high-dimensional linear regression (200 inputs, 20 training examples): λ from 0 up, training and test loss, ‖w‖ against λ; the L2 penalty in the loss (from scratch) and weight_decay in the optimizer (concise), equal on the same seed (⟦weight_decay⟧).",
                "zh": "书中的高维线性回归（200 个输入，20 个训练样本）：λ 从 0 开始增大，训练损失和测试损失，‖w‖ 与 λ 的关系；损失中的 L2 惩罚（从零开始实现）与优化器中的 weight_decay（简洁实现），相同种子下结果相同（⟦weight_decay⟧）。"},
    "lambd": {"en": "Weight decay λ", "zh": "权重衰减 λ"},
    "lambd_help": {"en": "The penalty λ/2·‖w‖² added to the loss. The book trains λ = 0, then λ = 3.",
                   "zh": "加到损失上的惩罚项 λ/2·‖w‖²。书中先训练 λ = 0，再训练 λ = 3。"},
    "impl": {"en": "Implementation", "zh": "实现方式"},
    "impl.scratch": {"en": "from scratch", "zh": "从零开始"},
    "impl.concise": {"en": "concise", "zh": "简洁实现"},
    "impl_help": {"en": "From scratch: loss + λ·l2_penalty(w). Concise: torch.optim.SGD with weight_decay = λ on the weight, not on the bias.",
                  "zh": "从零开始：损失 + λ·l2_penalty(w)。简洁实现：torch.optim.SGD 中对权重（不对偏置）设 weight_decay = λ。"},
    "num_inputs": {"en": "Inputs d", "zh": "输入维数 d"},
    "n_train": {"en": "Training examples", "zh": "训练样本数"},
    "sweep": {"en": "Sweep λ (0 to 30)", "zh": "扫描 λ（0 到 30）"},
    "metric_train": {"en": "Training loss (λ = {lam})", "zh": "训练损失（λ = {lam}）"},
    "metric_test": {"en": "Test loss (λ = {lam})", "zh": "测试损失（λ = {lam}）"},
    "metric_norm": {"en": "‖w‖ (λ = {lam})", "zh": "‖w‖（λ = {lam}）"},
    "metric_norm0": {"en": "‖w‖ without decay", "zh": "不衰减时的 ‖w‖"},
    "curves_title": {"en": "Training and test loss, λ = {lam} and λ = 0", "zh": "训练损失和测试损失，λ = {lam} 与 λ = 0"},
    "lambda_title": {"en": "After the last epoch, against λ", "zh": "最后一个迭代周期后，随 λ 的变化"},
    "lambda_axis": {"en": "λ", "zh": "λ"},
    "norm_axis": {"en": "‖w‖ (log scale)", "zh": "‖w‖（对数刻度）"},
    "norm_panel": {"en": "‖w‖", "zh": "‖w‖"},
    "loss_panel": {"en": "loss", "zh": "损失"},
    "no_decay": {"en": "λ = 0", "zh": "λ = 0"},
    "explain_md": {
        "en": """**The set-up** (⟦high_dim_linreg⟧): y = 0.05 + Σᵢ 0.01·xᵢ + ε with d = {d} inputs but only {n} training examples. With more weights than examples, the training loss can reach zero in many ways, nearly all of them wrong on new data: without decay the training loss falls to {train0} while the test loss stays at {test0} and ‖w‖ grows to {norm0}.

**Weight decay** adds λ/2·‖w‖² to the loss, so the update becomes w ← (1 − ηλ)·w − η·∇(data loss): every step first shrinks w by the factor 1 − ηλ = {shrink} (hence the name), then follows the data. With λ = {lam}, ‖w‖ ends at {norm} and the test loss at {test}. The right chart shows the trade-off: as λ grows, ‖w‖ falls, the training loss rises a little, and the test loss falls — until a λ so large that the model cannot follow the data either.

**From scratch and concise.** From scratch, the penalty is part of the loss (the book's `l2_penalty`). Concisely, `torch.optim.SGD(weight_decay=λ)` adds λ·w to the gradient of the weight — the same step; the bias is in its own parameter group and is not decayed, as in the book. The book's concise loss `nn.MSELoss` has no ½ and so takes steps twice as long on the data term; this page uses ½·MSE in both, and the two give the same numbers on the same seed (tested).""",
        "zh": """**问题设定**（⟦high_dim_linreg⟧）：y = 0.05 + Σᵢ 0.01·xᵢ + ε，输入维数 d = {d}，但只有 {n} 个训练样本。权重比样本多，训练损失可以有许多种方式降到零，而其中几乎每一种在新数据上都是错的：不使用权重衰减时，训练损失降到 {train0}，测试损失却停在 {test0}，‖w‖ 增大到 {norm0}。

**权重衰减**在损失上加 λ/2·‖w‖²，于是更新变为 w ← (1 − ηλ)·w − η·∇（数据损失）：每一步先把 w 乘以 1 − ηλ = {shrink}（“衰减”之名由此而来），再沿数据的梯度走。λ = {lam} 时，‖w‖ 最终为 {norm}，测试损失为 {test}。右图展示其中的权衡：λ 增大，‖w‖ 下降，训练损失略升，测试损失下降——直到 λ 大到模型也无法拟合数据。

**从零开始与简洁实现。** 从零开始实现时，惩罚项是损失的一部分（书中的 `l2_penalty`）。简洁实现中，`torch.optim.SGD(weight_decay=λ)` 在权重的梯度上加 λ·w——步长相同；偏置在单独的参数组中，不衰减，与书中一致。书中简洁实现用的 `nn.MSELoss` 没有 ½，数据项的步长因此加倍；本页两种实现都使用 ½·MSE，相同种子下结果相同（已测试）。"""},
}
