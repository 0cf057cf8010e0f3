"""Strings shared by the four generalization pages (each page's own table is in strings_<page>.py)."""

COMMON = {
    "train": {"en": "train", "zh": "训练"},
    "test": {"en": "test", "zh": "测试"},
    "valid": {"en": "validation", "zh": "验证"},
    "train_loss": {"en": "training loss", "zh": "训练损失"},
    "test_loss": {"en": "test loss", "zh": "测试损失"},
    "epoch_axis": {"en": "epoch", "zh": "迭代周期"},
    "loss_axis": {"en": "loss (mean squared error, log scale)", "zh": "损失（均方误差，对数刻度）"},
    "data_header": {"en": "Data", "zh": "数据"},
    "model_header": {"en": "Model", "zh": "模型"},
    "train_header": {"en": "Training", "zh": "训练"},
    "lr": {"en": "Learning rate η", "zh": "学习率 η"},
    "batch_size": {"en": "Batch size", "zh": "批量大小"},
    "num_epochs": {"en": "Epochs", "zh": "迭代周期数"},
    "diverged": {"en": "**{what} diverged:** the training loss became {kind} in epoch {epoch} (last finite {last}). Lower η.",
                 "zh": "**{what} 发散了：** 训练损失在第 {epoch} 个迭代周期变为 {kind}（最后一个有限值 {last}）。请降低 η。"},
    "short.degree": {"en": "degree", "zh": "阶数"},
    "short.n_train": {"en": "n", "zh": "样本数"},
    "short.lambd": {"en": "λ", "zh": "λ"},
    "short.k": {"en": "K", "zh": "K"},
}
