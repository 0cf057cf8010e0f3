"""English and 中文 text of the linear regression lesson (page and charts)."""

STRINGS = {
    "title": {"en": "Linear regression", "zh": "线性回归"},
    "log_loss": {"en": "log₁₀ loss", "zh": "log₁₀ 损失"},
    "summary": {"en": "Fit y = Xw + b with minibatch SGD, from scratch and with nn.Linear (⟦linreg_scratch..linreg_concise⟧).",
                "zh": "用小批量随机梯度下降拟合 y = Xw + b，从零实现与 nn.Linear 简洁实现（⟦linreg_scratch..linreg_concise⟧）。"},
    "data_header": {"en": "Data", "zh": "数据"},
    "train_header": {"en": "Training", "zh": "训练"},
    "num_examples": {"en": "Number of examples", "zh": "样本数"},
    "noise": {"en": "Noise σ of ε", "zh": "噪声 ε 的标准差 σ"},
    "true_w1": {"en": "True w₁", "zh": "真实 w₁"},
    "true_w2": {"en": "True w₂", "zh": "真实 w₂"},
    "true_b": {"en": "True b", "zh": "真实 b"},
    "impl": {"en": "Implementation", "zh": "实现方式"},
    "impl_help": {"en": "From scratch: linreg, squared_loss and sgd written out (⟦linreg_scratch⟧). Concise: nn.Linear, MSELoss and torch.optim.SGD (⟦linreg_concise⟧). Same seed, same numbers.",
                  "zh": "从零实现：手写 linreg、squared_loss 与 sgd（⟦linreg_scratch⟧）。简洁实现：nn.Linear、MSELoss 与 torch.optim.SGD（⟦linreg_concise⟧）。相同种子，结果相同。"},
    "impl.scratch": {"en": "From scratch", "zh": "从零实现"},
    "impl.concise": {"en": "Concise (nn.Linear)", "zh": "简洁实现（nn.Linear）"},
    "lr": {"en": "Learning rate η", "zh": "学习率 η"},
    "lr_help": {"en": "Too large and every step overshoots: the loss blows up to inf.",
                "zh": "过大时每一步都会越过最优点，损失爆炸到 inf。"},
    "batch_size": {"en": "Batch size |B|", "zh": "批量大小 |B|"},
    "num_epochs": {"en": "Epochs", "zh": "迭代轮数"},
    # charts
    "loss_title": {"en": "Training loss", "zh": "训练损失"},
    "loss_axis": {"en": "loss ½(ŷ−y)² (log scale)", "zh": "损失 ½(ŷ−y)²（对数坐标）"},
    "epoch_axis": {"en": "epoch", "zh": "轮次（epoch）"},
    "per_batch": {"en": "per minibatch", "zh": "每个小批量"},
    "per_epoch": {"en": "whole data set, end of epoch", "zh": "整个数据集（每轮结束）"},
    "diverged_at": {"en": "{kind} at step {step}", "zh": "第 {step} 步出现 {kind}"},
    "params_title": {"en": "Parameters: true, learned, least squares", "zh": "参数：真实值、学习值、最小二乘解"},
    "param_axis": {"en": "parameter", "zh": "参数"},
    "value_axis": {"en": "value", "zh": "取值"},
    "true": {"en": "true", "zh": "真实值"},
    "learned": {"en": "learned (SGD)", "zh": "学习值（SGD）"},
    "closed": {"en": "closed form (least squares)", "zh": "闭式解（最小二乘）"},
    "fit_title": {"en": "Data and the fitted plane", "zh": "数据与拟合平面"},
    "data": {"en": "data", "zh": "数据"},
    "plane": {"en": "fitted plane", "zh": "拟合平面"},
    "contour_title": {"en": "SGD path of (w₁, w₂) on the loss contours",
                      "zh": "(w₁, w₂) 在损失等高线上的 SGD 路径"},
    "path": {"en": "SGD path", "zh": "SGD 路径"},
    "start": {"en": "start", "zh": "起点"},
    "end": {"en": "end", "zh": "终点"},
    # page text
    "metric_loss": {"en": "Final loss", "zh": "最终损失"},
    "table_error": {"en": "true − learned", "zh": "真实 − 学习"},
    "metric_w1_err": {"en": "Error in w₁ (true − learned)", "zh": "w₁ 的误差（真实 − 学习）"},
    "metric_w2_err": {"en": "Error in w₂", "zh": "w₂ 的误差"},
    "metric_b_err": {"en": "Error in b", "zh": "b 的误差"},
    "metric_lr_crit": {"en": "Full-batch GD bound 2/λmax", "zh": "全批量梯度下降的上界 2/λmax"},
    "metric_lr_crit_help": {"en": "λmax: the largest eigenvalue of the loss's curvature AᵀA/n, A = [X 1] (the bias is a parameter too). Full-batch gradient descent is stable for η below this. Minibatch SGD is safe from overshooting only below 2/max ‖[xᵢ 1]‖² = {every}.",
                            "zh": "λmax：损失曲率 AᵀA/n 的最大特征值，A = [X 1]（偏置也是参数）。η 低于此值时全批量梯度下降稳定。小批量 SGD 只有在 η < 2/max ‖[xᵢ 1]‖² = {every} 时才保证每一步都不越过最优点。"},
    "diverged.gd_bound": {"en": "**The training diverged.** The loss became {kind} at step {step} (epoch {epoch}); the last finite loss was {last}. "
                                "Even full-batch gradient descent is stable only for η < 2/λmax = {crit}, where λmax is the largest eigenvalue of the loss's curvature AᵀA/n with A = [X 1]. "
                                "Your η = {lr} is above that bound: every step overshoots the minimum further, so the error grows geometrically. Lower the learning rate.",
                          "zh": "**训练发散了。** 损失在第 {step} 步（第 {epoch} 轮）变为 {kind}；最后一个有限损失是 {last}。"
                                "即使是全批量梯度下降，也只在 η < 2/λmax = {crit} 时稳定，λmax 是损失曲率 AᵀA/n 的最大特征值，A = [X 1]。"
                                "你的 η = {lr} 超过了这个上界：每一步都越过最优点更远，误差呈几何级数增长。请降低学习率。"},
    "diverged.minibatch": {"en": "**The training diverged.** The loss became {kind} at step {step} (epoch {epoch}); the last finite loss was {last}. "
                                 "Your η = {lr} is below 2/λmax = {crit} — but that bound is for full-batch gradient descent, which steps with the average curvature AᵀA/n (A = [X 1]). "
                                 "Minibatch SGD with |B| = {batch} steps with each minibatch's own curvature A_BᵀA_B/|B|, which varies from batch to batch and can be much larger: up to max ‖[xᵢ 1]‖² for a single example. "
                                 "A step on a batch whose curvature is above 2/η = {two_over_lr} overshoots, and enough of them make the error grow. "
                                 "Lower η (below 2/max ‖[xᵢ 1]‖² = {every} no minibatch can overshoot) or use larger minibatches.",
                           "zh": "**训练发散了。** 损失在第 {step} 步（第 {epoch} 轮）变为 {kind}；最后一个有限损失是 {last}。"
                                 "你的 η = {lr} 低于 2/λmax = {crit}——但这个上界属于全批量梯度下降，它按平均曲率 AᵀA/n（A = [X 1]）迈步。"
                                 "批量大小 |B| = {batch} 的小批量 SGD 按每个小批量自己的曲率 A_BᵀA_B/|B| 迈步，它随批量变化，可能大得多：单个样本可达 max ‖[xᵢ 1]‖²。"
                                 "在曲率高于 2/η = {two_over_lr} 的批量上，这一步就会越过最优点，这样的步数多了误差就会增长。"
                                 "请降低 η（η < 2/max ‖[xᵢ 1]‖² = {every} 时任何小批量都不会越过最优点）或增大批量。"},
    "explain_md": {
        "en": r"""**Model.** $\hat y = \mathbf{{X}}\mathbf{{w}} + b$, with data made as $y = \mathbf{{X}}\mathbf{{w}}^* + b^* + \epsilon$, $\epsilon\sim\mathcal N(0, {noise}^2)$.

**Loss.** $l^{{(i)}} = \tfrac12\big(\hat y^{{(i)}} - y^{{(i)}}\big)^2$, averaged over a minibatch $\mathcal B$.

**Update (minibatch SGD).** $(\mathbf{{w}}, b) \leftarrow (\mathbf{{w}}, b) - \frac{{\eta}}{{|\mathcal B|}} \sum_{{i\in\mathcal B}} \partial_{{(\mathbf{{w}}, b)}}\, l^{{(i)}}$ — here $\eta = {lr}$, $|\mathcal B| = {batch}$, so each step moves by ${step}\times$ the summed gradient, {steps} steps in all.

**Closed form.** Least squares has an exact answer, $\hat{{\boldsymbol\theta}} = (\mathbf{{A}}^\top\mathbf{{A}})^{{-1}}\mathbf{{A}}^\top\mathbf{{y}}$ with $\mathbf{{A}} = [\mathbf{{X}}\;\mathbf{{1}}]$: SGD should land next to it. Its distance from the true parameters comes from the noise alone.""",
        "zh": r"""**模型。** $\hat y = \mathbf{{X}}\mathbf{{w}} + b$，数据由 $y = \mathbf{{X}}\mathbf{{w}}^* + b^* + \epsilon$ 生成，$\epsilon\sim\mathcal N(0, {noise}^2)$。

**损失。** $l^{{(i)}} = \tfrac12\big(\hat y^{{(i)}} - y^{{(i)}}\big)^2$，在小批量 $\mathcal B$ 上取平均。

**更新（小批量 SGD）。** $(\mathbf{{w}}, b) \leftarrow (\mathbf{{w}}, b) - \frac{{\eta}}{{|\mathcal B|}} \sum_{{i\in\mathcal B}} \partial_{{(\mathbf{{w}}, b)}}\, l^{{(i)}}$ —— 此处 $\eta = {lr}$，$|\mathcal B| = {batch}$，每步沿梯度之和移动 ${step}$ 倍，共 {steps} 步。

**闭式解。** 最小二乘有精确解 $\hat{{\boldsymbol\theta}} = (\mathbf{{A}}^\top\mathbf{{A}})^{{-1}}\mathbf{{A}}^\top\mathbf{{y}}$，其中 $\mathbf{{A}} = [\mathbf{{X}}\;\mathbf{{1}}]$：SGD 应落在它附近。它与真实参数的差距只来自噪声。"""},
    "half_note": {"en": "Note: `nn.MSELoss` has no ½, so its gradient is twice the book's squared loss — the same as doubling η. The concise version halves it (`HalfMSELoss`) so both implementations take identical steps.",
                  "zh": "注意：`nn.MSELoss` 没有 ½，其梯度是书中平方损失的两倍，相当于学习率加倍。简洁实现将其减半（`HalfMSELoss`），使两种实现每一步完全相同。"},
    "table_param": {"en": "parameter", "zh": "参数"},
}
