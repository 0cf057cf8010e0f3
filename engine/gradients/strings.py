"""Strings shared by the three gradient pages (each page's own table is in strings_<page>.py
and starts from this one), and the names of the choices that appear on more than one page."""

COMMON = {
    "became_at": {"en": "{what}: {kind} at {unit} {at}", "zh": "{what}：{unit} {at} 处变为 {kind}"},
    "unit_step": {"en": "step", "zh": "步"},
    "unit_layer": {"en": "layer", "zh": "层"},
    "kind_inf": {"en": "overflowed to inf", "zh": "上溢为 inf"},
    "kind_NaN": {"en": "became NaN", "zh": "变为 NaN"},
    "kind_0": {"en": "underflowed to 0", "zh": "下溢为 0"},
    "all_nonfinite": {"en": "every value here is inf or NaN", "zh": "这里的每个值都是 inf 或 NaN"},
    "batch_size": {"en": "Batch size", "zh": "批量大小"},
    "num_hiddens": {"en": "Hidden units", "zh": "隐藏单元数"},
    "num_steps": {"en": "Time steps T (num_steps)", "zh": "时间步数 T（num_steps）"},
    "lr": {"en": "Learning rate η", "zh": "学习率 η"},
}
