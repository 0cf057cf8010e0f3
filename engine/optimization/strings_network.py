"""English and 中文 text of the page "Optimizers on a real network" and of its charts."""
from engine.datasets.images import STRINGS as IMAGE_STRINGS
from engine.optimization.strings import COMMON
from engine.optimization.strings_surfaces import STRINGS as SURFACE_STRINGS

_SHARED = ("use_gd", "use_momentum", "use_adagrad", "use_rmsprop", "use_adam", "lr_gd", "lr_momentum", "beta",
           "lr_adagrad", "lr_rmsprop", "gamma", "lr_adam", "race_header", "table_opt", "table_status",
           "status_ok", "status_inf")

STRINGS = {
    **IMAGE_STRINGS,
    **COMMON,
    **{k: SURFACE_STRINGS[k] for k in _SHARED},
    "title": {"en": "Optimizers on a real network", "zh": "真实网络上的优化算法"},
    "summary": {"en": "The MLP of the MLP lesson trained five times — SGD, momentum, AdaGrad, RMSprop, Adam — from the same initial weights on the same minibatches, with learning-rate schedules (⟦sgd..lr_scheduler⟧).",
                "zh": "把多层感知机一课中的网络训练五次——SGD、动量法、AdaGrad、RMSProp、Adam——从相同的初始权重出发，使用相同的小批量，并可选学习率调度（⟦sgd..lr_scheduler⟧）。"},
    "data_header": {"en": "Data and network", "zh": "数据与网络"},
    "lr_header": {"en": "Learning rates", "zh": "学习率"},
    "schedule_header": {"en": "Schedule (⟦lr_scheduler⟧)", "zh": "学习率调度（⟦lr_scheduler⟧）"},
    "dataset": {"en": "Data set", "zh": "数据集"},
    "dataset_help": {"en": "The MLP lesson's data: Fashion-MNIST when it can be downloaded (checksum-verified, cached), otherwise scikit-learn's 8×8 digits.",
                     "zh": "与多层感知机一课相同的数据：能下载时用 Fashion-MNIST（校验后缓存），否则用 scikit-learn 自带的 8×8 手写数字。"},
    "num_train": {"en": "Training examples used", "zh": "使用的训练样本数"},
    "num_hiddens": {"en": "Hidden units (one ReLU layer)", "zh": "隐藏单元数（一个 ReLU 层）"},
    "schedule": {"en": "Schedule", "zh": "调度方式"},
    "schedule.constant": {"en": "constant η", "zh": "固定 η"},
    "schedule.step": {"en": "step: ×factor every k epochs", "zh": "分段：每 k 轮乘以因子"},
    "schedule.cosine": {"en": "cosine to 0", "zh": "余弦降到 0"},
    "schedule.warmup_cosine": {"en": "warm-up, then cosine", "zh": "预热后余弦"},
    "step_epochs": {"en": "Step every k epochs", "zh": "每 k 轮一次"},
    "step_factor": {"en": "Step factor", "zh": "衰减因子"},
    "warmup_epochs": {"en": "Warm-up epochs", "zh": "预热轮数"},
    "none_chosen": {"en": "Switch on at least one optimizer in the sidebar.", "zh": "请在侧边栏至少选择一种优化算法。"},
    "metric_best": {"en": "Best test accuracy", "zh": "最高测试准确率"},
    "metric_initial": {"en": "Loss before training (same for all)", "zh": "训练前的损失（所有算法相同）"},
    "metric_updates": {"en": "Updates per optimizer", "zh": "每种算法的更新次数"},
    "table_train_loss": {"en": "final training loss", "zh": "最终训练损失"},
    "table_test_acc": {"en": "final test accuracy", "zh": "最终测试准确率"},
    "diverged": {"en": "**{opt} diverged:** the loss became {kind} at update {step} (epoch {epoch}; last finite {last}). Its η = {lr} is too large for this network; the others go on.",
                 "zh": "**{opt} 发散了：** 损失在第 {step} 次更新（第 {epoch} 轮）变为 {kind}（最后一个有限值 {last}）。它的 η = {lr} 对这个网络太大；其他算法继续训练。"},
    "budget_capped": {"en": "This race reached the work budget ({units} multiply-adds) at epoch {epoch} and stopped early, so the shared server stays fast for the class. Fewer examples, units or epochs give a complete run.",
                      "zh": "本次比赛在第 {epoch} 轮达到工作量上限（{units} 次乘加）并提前停止，以保证共享服务器对全班保持流畅。减少样本数、单元数或轮数可完整运行。"},
    "explain_md": {
        "en": """**Same start, same minibatches.** Every optimizer gets its own copy of the network {arch}, initialised from the same generator (identical weights: the loss before training is {initial} for all) and its own identically seeded minibatch order, so each of the {updates} updates sees the same examples. Only the update rule differs — the from-scratch rules of the previous page, applied to {params} weights.

**What to look for.** Plain SGD needs a large η (here {lr_gd}); momentum reaches the same speed with a smaller η because v grows to about g/(1 − β) = {mult}× the gradient along consistent directions. AdaGrad starts fast and then slows as Σg² grows. RMSprop and Adam normalise each weight's step by a running RMS of its gradient, so their η is a step *size* (about η per update for every weight), which is why 0.001 works.

**Schedules (⟦lr_scheduler⟧).** Per update t of T: *step* multiplies η by {factor} every {k} epochs; *cosine* follows η·(1 + cos(πt/T))/2 (d2l's `CosineScheduler`, = `torch.optim.lr_scheduler.CosineAnnealingLR`); *warm-up* rises linearly from 0 over {warm} epochs first, which keeps the large early gradients of a fresh network from throwing it off. The right panel of the second chart shows each optimizer's η.""",
        "zh": """**相同起点，相同小批量。** 每种算法都有自己的一份网络 {arch}，由同一个生成器初始化（权重完全相同：训练前的损失都是 {initial}），小批量的顺序也使用相同的种子，所以 {updates} 次更新中的每一次看到的样本都相同。唯一不同的是更新规则——上一页的从零实现，作用在 {params} 个权重上。

**看什么。** 普通 SGD 需要较大的 η（这里是 {lr_gd}）；动量法用更小的 η 就能达到同样的速度，因为沿一致的方向 v 会增长到约 g/(1 − β)，即梯度的 {mult} 倍。AdaGrad 起步快，随着 Σg² 增大而变慢。RMSProp 和 Adam 用各权重梯度的滑动均方根来归一化步长，所以它们的 η 是一个步长*大小*（每次更新每个权重约移动 η），这就是 0.001 可行的原因。

**学习率调度（⟦lr_scheduler⟧）。** 对第 t 次更新（共 T 次）：*分段* 每 {k} 轮把 η 乘以 {factor}；*余弦* 按 η·(1 + cos(πt/T))/2 变化（d2l 的 `CosineScheduler`，等于 `torch.optim.lr_scheduler.CosineAnnealingLR`）；*预热* 先在 {warm} 轮内从 0 线性增加，避免新网络早期的大梯度把训练带偏。第二张图的右侧显示各算法使用的 η。"""},
    # charts
    "curves_title": {"en": "Five optimizers, one network, the same minibatches", "zh": "五种优化算法、同一个网络、相同的小批量"},
    "train_loss_panel": {"en": "training loss", "zh": "训练损失"},
    "test_acc_panel": {"en": "test accuracy", "zh": "测试准确率"},
    "loss_axis": {"en": "cross-entropy (log scale)", "zh": "交叉熵（对数坐标）"},
    "acc_axis": {"en": "accuracy", "zh": "准确率"},
    "epoch_axis": {"en": "epoch", "zh": "轮次（epoch）"},
    "updates_title": {"en": "Every update: minibatch loss and the learning rate used", "zh": "每次更新：小批量损失与所用学习率"},
    "update_loss_panel": {"en": "minibatch loss", "zh": "小批量损失"},
    "lr_panel": {"en": "learning rate η", "zh": "学习率 η"},
    "lr_axis": {"en": "η (log scale)", "zh": "η（对数坐标）"},
    "update_axis": {"en": "update", "zh": "更新次数"},
}
