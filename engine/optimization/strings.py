"""Strings shared by the five optimization pages (each page's own table is in strings_<page>.py and
starts from this one): the optimizers' names and the words every chart uses."""

COMMON = {
    "opt.gd": {"en": "GD / SGD", "zh": "梯度下降（SGD）"},
    "opt.momentum": {"en": "Momentum", "zh": "动量法"},
    "opt.adagrad": {"en": "AdaGrad", "zh": "AdaGrad"},
    "opt.rmsprop": {"en": "RMSprop", "zh": "RMSProp"},
    "opt.adam": {"en": "Adam", "zh": "Adam"},
    "start": {"en": "start", "zh": "起点"},
    "end": {"en": "end", "zh": "终点"},
    "minimum": {"en": "minimum", "zh": "最小值"},
    "path": {"en": "path", "zh": "路径"},
    "step_axis": {"en": "step t (updates)", "zh": "步数 t（更新次数）"},
    "became": {"en": "{kind} at step {step}", "zh": "第 {step} 步变为 {kind}"},
    "became_opt": {"en": "{opt}: {kind} at step {step}", "zh": "{opt}：第 {step} 步变为 {kind}"},
    "lr": {"en": "Learning rate η", "zh": "学习率 η"},
    "num_steps": {"en": "Steps", "zh": "步数"},
    "batch_size": {"en": "Batch size", "zh": "批量大小"},
    "num_epochs": {"en": "Epochs", "zh": "迭代轮数"},
}
