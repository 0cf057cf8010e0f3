"""English and 中文 text of the page "K-fold cross-validation" and of its charts."""
from engine.generalization.strings import COMMON

STRINGS = {
    **COMMON,
    "title": {"en": "K-fold cross-validation", "zh": "K折交叉验证"},
    "summary": {"en": "Choose λ for the book's Kaggle house-price model, or the polynomial's degree, from the training data alone: K from 2 to 10 drawn as folds, every fold's training and validation error with mean ± spread, then one look at the test set (⟦model_selection, cross_validation, kaggle_house⟧; Ng course 2).",
                "zh": "只用训练数据为书中的 Kaggle 房价模型选择 λ，或为多项式选择阶数：K 从 2 到 10，画出每一折；每折的训练误差与验证误差及其均值 ± 离散程度；最后只看一次测试集（⟦model_selection, cross_validation, kaggle_house⟧；吴恩达课程 2）。"},
    "select": {"en": "Choose", "zh": "选择"},
    "select.weight_decay": {"en": "λ (house prices)", "zh": "λ（房价）"},
    "select.degree": {"en": "degree (polynomial)", "zh": "阶数（多项式）"},
    "k": {"en": "Folds K", "zh": "折数 K"},
    "test_share": {"en": "Held-out test share (λ only)", "zh": "留出的测试集比例（仅 λ）"},
    "test_share_help": {"en": "Set aside before any fold is made. 0 is the book's run: 5 folds over all 1,460 houses, no test set.",
                        "zh": "在划分任何一折之前先留出。0 即书中的运行：在全部 1,460 套房屋上做 5 折，没有测试集。"},
    "lr": {"en": "Adam's learning rate (λ only)", "zh": "Adam 学习率（仅 λ）"},
    "batch_size": {"en": "Batch size (λ only)", "zh": "批量大小（仅 λ）"},
    "num_epochs": {"en": "Epochs per fold (λ only)", "zh": "每折迭代周期数（仅 λ）"},
    "num_epochs_help": {"en": "The degree uses the polynomial lesson's settings (η 0.01, batch 10, 400 epochs).",
                        "zh": "选择阶数时使用多项式一课的设置（η 0.01，批量 10，400 个迭代周期）。"},
    "dataset.kaggle_house": {"en": "Kaggle house prices (the book's)", "zh": "Kaggle 房价（书中数据）"},
    "dataset.diabetes": {"en": "scikit-learn's diabetes data", "zh": "scikit-learn 的糖尿病数据"},
    "dataset.polynomial": {"en": "the book's polynomial", "zh": "书中的多项式数据"},
    "fallback": {"en": "The Kaggle house-price files are not available here, so this page uses scikit-learn's diabetes data, which ships inside the package: 442 patients, 10 standardised features, a positive target (disease progression after one year), so the book's model and its log-RMSE apply unchanged; its errors are not the book's ≈ 0.17. Reason: {reason}",
                 "zh": "此处无法获得 Kaggle 房价文件，本页改用 scikit-learn 自带的糖尿病数据：442 位患者、10 个标准化特征、一个正的目标值（一年后的病情进展），因此书中的模型和对数均方根误差可以原样使用；其误差与书中的 ≈ 0.17 不可比。原因（系统的英文报告）：{reason}"},
    "using": {"en": "**Data:** {name} — {pool} examples split into {k} folds of about {fold}, {test} held out as the test set.",
              "zh": "**数据：** {name}——{pool} 个样本分为 {k} 折，每折约 {fold} 个，另留出 {test} 个作为测试集。"},
    "metric_chosen": {"en": "Chosen by cross-validation", "zh": "交叉验证选出的"},
    "metric_valid": {"en": "Mean validation error (± std)", "zh": "平均验证误差（± 标准差）"},
    "metric_test": {"en": "Test error, one look", "zh": "测试误差（只看一次）"},
    "metric_test_none": {"en": "no test set", "zh": "无测试集"},
    "book_note": {"en": "The book's run (k = 5, 100 epochs, lr 5, batch 64, λ = 0, all 1,460 houses; set the held-out share to 0): the book reports an average validation log-RMSE of about 0.17. Here, λ = 0: {ours}.",
                  "zh": "书中的运行（k = 5，100 个迭代周期，学习率 5，批量 64，λ = 0，全部 1,460 套房屋；把留出比例设为 0）：书中报告的平均验证对数均方根误差约为 0.17。本页 λ = 0：{ours}。"},
    "partial": {"en": "The work budget ended the run after {done} of {k} folds: the mean is over those folds only, and the test set was not looked at.",
                "zh": "工作量上限在 {k} 折中的 {done} 折之后结束了运行：均值只基于这些折，并且没有查看测试集。"},
    "round": {"en": "round {i}", "zh": "第 {i} 轮"},
    "role.train": {"en": "training folds", "zh": "训练折"},
    "role.valid": {"en": "validation fold", "zh": "验证折"},
    "role.test": {"en": "test set (held out)", "zh": "测试集（留出）"},
    "fold_hover": {"en": "fold {fold}: examples {start}–{stop}", "zh": "第 {fold} 折：样本 {start}–{stop}"},
    "fold_n": {"en": "fold {i}", "zh": "第 {i} 折"},
    "folds_title": {"en": "{k} folds: each example validates exactly once", "zh": "{k} 折：每个样本恰好验证一次"},
    "examples_axis": {"en": "examples", "zh": "样本"},
    "cv_title": {"en": "{k}-fold cross-validation: error per candidate", "zh": "{k} 折交叉验证：每个候选的误差"},
    "train_mean": {"en": "training (mean over folds)", "zh": "训练（各折均值）"},
    "valid_mean": {"en": "validation (mean ± std)", "zh": "验证（均值 ± 标准差）"},
    "valid_fold": {"en": "validation, each fold", "zh": "验证（每一折）"},
    "chosen": {"en": "chosen", "zh": "选中"},
    "candidate_axis.weight_decay": {"en": "weight decay λ", "zh": "权重衰减 λ"},
    "candidate_axis.degree": {"en": "degree of the polynomial", "zh": "多项式阶数"},
    "error_axis.weight_decay": {"en": "log-RMSE (log scale)", "zh": "对数均方根误差（对数刻度）"},
    "error_axis.degree": {"en": "mean squared error (log scale)", "zh": "均方误差（对数刻度）"},
    "curves_title": {"en": "The chosen {c}: every fold's training and validation error", "zh": "选中的 {c}：每一折的训练误差与验证误差"},
    "explain_md": {
        "en": """**Why not the test set.** Choosing a setting by its test error makes the test error an optimistic estimate: the test set has then been fitted too, through the choice (⟦model_selection⟧). The test set must be looked at once, after the choice. The training data must still tell us which setting generalizes; when it is too small to spare a validation set, K-fold cross-validation reuses it (⟦cross_validation⟧).

**K-fold.** The {pool} examples are cut into K = {k} folds. Round i trains every candidate on the other K − 1 folds and measures it on fold i, which it never saw; every example is validated exactly once. The mean over the K rounds estimates each candidate's generalization error, and the spread (± one standard deviation over folds) says how much to trust a difference: two candidates whose bars overlap are not clearly different. Larger K trains on more data per round (less pessimistic) at K times the cost.

**The choice and the one look.** The candidate with the lowest mean validation error ({chosen}) is retrained on all {pool} examples and meets the {test} held-out examples once: test error {test_error}. Compare it with the mean validation error {valid}: close, as it should be when nothing was tuned on the test set.

**The book's model** (⟦kaggle_kfold⟧): one `nn.Linear`, Adam with `weight_decay = λ` (which decays the bias too), `nn.MSELoss` on the raw target, judged by the log-RMSE √mean((log ŷ − log y)²), predictions below 1 set to 1. The book's `get_k_fold_data` uses folds of ⌊n/K⌋ examples and leaves the last n mod K out; here the K folds cover every example (tested). Every candidate trains at once as a column of one weight matrix, on the same minibatches.""",
        "zh": """**为什么不能用测试集。** 按测试误差选择设置，测试误差就成了过于乐观的估计：通过这次选择，测试集也被拟合了（⟦model_selection⟧）。测试集只能在选择之后看一次。但训练数据仍需告诉我们哪个设置泛化得好；当数据少到无法单独留出验证集时，K折交叉验证可以重复利用它（⟦cross_validation⟧）。

**K折。** 把 {pool} 个样本分成 K = {k} 折。第 i 轮用其余 K − 1 折训练每个候选，并在它从未见过的第 i 折上评估；每个样本恰好被验证一次。K 轮的均值估计每个候选的泛化误差，离散程度（各折的 ± 一个标准差）说明差异是否可信：误差棒重叠的两个候选并没有明显差别。K 越大，每轮训练的数据越多（估计越不悲观），代价是 K 倍的计算。

**选择与唯一一次查看。** 平均验证误差最低的候选（{chosen}）在全部 {pool} 个样本上重新训练，然后在留出的 {test} 个样本上只评估一次：测试误差 {test_error}。与平均验证误差 {valid} 相比：两者接近，这正是没有在测试集上调参时应有的结果。

**书中的模型**（⟦kaggle_kfold⟧）：一个 `nn.Linear`，带 `weight_decay = λ` 的 Adam（偏置也会衰减），在原始目标值上的 `nn.MSELoss`，用对数均方根误差 √mean((log ŷ − log y)²) 评估，小于 1 的预测值设为 1。书中的 `get_k_fold_data` 每折取 ⌊n/K⌋ 个样本，最后 n mod K 个样本不参与；本页的 K 折覆盖每一个样本（已测试）。所有候选作为同一权重矩阵的各列同时训练，使用相同的小批量。"""},
}
