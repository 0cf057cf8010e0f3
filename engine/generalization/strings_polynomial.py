"""English and 中文 text of the page "Under- and overfitting" and of its charts."""
from engine.generalization.strings import COMMON

STRINGS = {
    **COMMON,
    "title": {"en": "Under- and overfitting", "zh": "欠拟合和过拟合"},
    "summary": {"en": "The book's polynomial y = 5 + 1.2x − 3.4x²/2! + 5.6x³/3! + ε fitted with any degree from 0 to 19 — every degree trained at once, so the U of test error against degree forms while you watch; the fitted curve, the learned weights against the true ones, and the learning curve (⟦generalization, polynomial_regression⟧).",
                "zh": "用书中的多项式 y = 5 + 1.2x − 3.4x²/2! + 5.6x³/3! + ε，以 0 到 19 的任意阶数拟合——所有阶数同时训练，你能看着测试误差随阶数变化的 U 形曲线逐渐形成；拟合曲线、学到的权重与真实权重、学习曲线（⟦generalization, polynomial_regression⟧）。"},
    "degree": {"en": "Degree of the fitted polynomial", "zh": "拟合多项式的阶数"},
    "degree_help": {"en": "Uses the first degree + 1 features 1, x, x²/2!, … The book's three runs: 3 (normal), 1 (underfitting), 19 (all 20 features, overfitting).",
                    "zh": "使用前 阶数 + 1 个特征 1, x, x²/2!, … 书中的三次运行：3（正常）、1（欠拟合）、19（全部 20 个特征，过拟合）。"},
    "n_train": {"en": "Training examples", "zh": "训练样本数"},
    "n_train_help": {"en": "The first n of the book's 100 training examples; the test set keeps its 100.",
                     "zh": "书中 100 个训练样本中的前 n 个；测试集始终是 100 个样本。"},
    "noise": {"en": "Noise σ of ε", "zh": "噪声 ε 的标准差 σ"},
    "learning_curve": {"en": "Learning curve (also train on 10–70 examples)", "zh": "学习曲线（另在 10–70 个样本上训练）"},
    "book_runs": {"en": "The book's runs:", "zh": "书中的运行："},
    "book.cubic": {"en": "cubic (normal)", "zh": "三阶（正常）"},
    "book.linear": {"en": "linear (underfitting)", "zh": "线性（欠拟合）"},
    "book.high": {"en": "all 20 features (overfitting)", "zh": "全部 20 个特征（过拟合）"},
    "metric_train": {"en": "Training loss (degree {d})", "zh": "训练损失（{d} 阶）"},
    "metric_test": {"en": "Test loss (degree {d})", "zh": "测试损失（{d} 阶）"},
    "metric_best": {"en": "Lowest test loss: degree", "zh": "测试损失最低的阶数"},
    "metric_gap": {"en": "Test ÷ training loss", "zh": "测试损失 ÷ 训练损失"},
    "verdict.under": {"en": "**Underfitting:** the training loss stays at {train}, far above the noise floor σ² = {floor} — a degree-{d} polynomial cannot follow a cubic.",
                      "zh": "**欠拟合：** 训练损失停在 {train}，远高于噪声下限 σ² = {floor}——{d} 阶多项式无法拟合三阶函数。"},
    "verdict.over": {"en": "**Overfitting:** the training loss ({train}) is {ratio}× below the test loss ({test}): the model learned the noise of its {n} examples.",
                     "zh": "**过拟合：** 训练损失（{train}）比测试损失（{test}）低 {ratio} 倍：模型学到了这 {n} 个样本中的噪声。"},
    "verdict.fine": {"en": "**A good fit:** training {train} and test {test} are both near the noise floor σ² = {floor}.",
                     "zh": "**拟合良好：** 训练损失 {train} 与测试损失 {test} 都接近噪声下限 σ² = {floor}。"},
    "verdict.slow": {"en": "**Not there yet:** training {train}, test {test}, both above the noise floor σ² = {floor}; the loss is still falling — more epochs (or a larger η) would take it further.",
                     "zh": "**尚未收敛：** 训练损失 {train}，测试损失 {test}，都高于噪声下限 σ² = {floor}；损失仍在下降——增加迭代周期（或增大 η）会继续改善。"},
    "curves_title": {"en": "Degree {d}: training and test loss", "zh": "{d} 阶：训练损失和测试损失"},
    "u_title": {"en": "Loss against degree after epoch {epoch} (the U)", "zh": "第 {epoch} 个迭代周期后的损失与阶数（U 形）"},
    "degree_axis": {"en": "degree of the polynomial", "zh": "多项式阶数"},
    "chosen": {"en": "chosen", "zh": "所选"},
    "true_degree": {"en": "true degree 3", "zh": "真实阶数 3"},
    "floor": {"en": "noise floor σ²", "zh": "噪声下限 σ²"},
    "fit_title": {"en": "The data and the degree-{d} fit", "zh": "数据与 {d} 阶拟合"},
    "fitted": {"en": "fitted", "zh": "拟合"},
    "true_fn": {"en": "true function", "zh": "真实函数"},
    "weights_title": {"en": "Learned weights of degree {d} against the true ones", "zh": "{d} 阶学到的权重与真实权重"},
    "weight_axis": {"en": "weight of xⁱ/i!", "zh": "xⁱ/i! 的权重"},
    "learned": {"en": "learned", "zh": "学到的"},
    "true": {"en": "true", "zh": "真实的"},
    "lc_title": {"en": "Learning curve: loss against training-set size", "zh": "学习曲线：损失与训练集大小"},
    "n_axis": {"en": "training examples", "zh": "训练样本数"},
    "explain_md": {
        "en": """**Generalization.** The training loss says how well the model fits the examples it was trained on; the test loss, on 100 examples it never saw, estimates the *generalization error* (⟦generalization⟧). With the noise ε ~ N(0, σ²) no model can go below σ² = {floor} on new data.

**Underfitting** (degree 0–2): the model is too simple for a cubic, so even the training loss stays high (⟦underfit_overfit⟧). **Overfitting** (many degrees, few examples): the training loss falls below the noise floor — the model fits the noise — while the test loss stays above it. With the book's 100 examples the high degrees overfit only mildly, because the features x¹⁹/19! are tiny and SGD hardly moves their weights in 1,500 epochs; set *training examples* to 10 and the gap opens.

**The U** is each degree's final loss: training loss falls with the degree, test loss falls, bottoms out near the true degree 3, and rises again where the model starts fitting noise. **The learning curve** shows the other axis: at a fixed degree, more examples bring training and test loss together. Here the lowest test loss is at degree {best}. To choose a degree you must *not* look at the test loss, as this chart does — see the K-fold cross-validation lesson, which chooses it from the training data alone.

**How it is computed.** The book trains one `nn.Linear(k, 1, bias=False)` per number of features k. This page trains all twenty at once as the columns of one 20 × 20 weight matrix, column k using only the first k features; each column's loss is its own and all see the same minibatches, so each column takes exactly the book's steps (the tests compare it with the book's loop) — and the whole U costs about as much as one run.""",
        "zh": """**泛化。** 训练损失说明模型对训练样本拟合得如何；在从未见过的 100 个测试样本上的测试损失，是对*泛化误差*的估计（⟦generalization⟧）。由于噪声 ε ~ N(0, σ²)，任何模型在新数据上的损失都不可能低于 σ² = {floor}。

**欠拟合**（0–2 阶）：模型对三阶函数来说太简单，连训练损失都居高不下（⟦underfit_overfit⟧）。**过拟合**（阶数高、样本少）：训练损失降到噪声下限以下——模型拟合了噪声——而测试损失仍高于下限。在书中 100 个样本上，高阶模型只是轻微过拟合，因为 x¹⁹/19! 这样的特征非常小，随机梯度下降在 1,500 个迭代周期内几乎不会改变它们的权重；把*训练样本数*设为 10，差距就会拉开。

**U 形曲线**是每个阶数的最终损失：训练损失随阶数下降；测试损失先下降，在真实阶数 3 附近最低，然后在模型开始拟合噪声时回升。**学习曲线**展示另一个维度：阶数固定时，样本越多，训练损失和测试损失越接近。这里测试损失最低的阶数是 {best}。选择阶数时*不能*像这张图这样看测试损失——请看 K 折交叉验证一课，它只用训练数据做选择。

**计算方法。** 书中对每个特征数 k 训练一个 `nn.Linear(k, 1, bias=False)`。本页把全部二十个模型作为一个 20 × 20 权重矩阵的列同时训练，第 k 列只使用前 k 个特征；每列有自己的损失，并且看到相同的小批量，因此每列走的正是书中的每一步（测试将其与书中的循环对比）——整条 U 形曲线的代价和一次运行差不多。"""},
}
