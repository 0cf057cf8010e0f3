"""English and 中文 text of the activation-function lesson (page and charts)."""

STRINGS = {
    "title": {"en": "Activation functions", "zh": "激活函数"},
    "summary": {"en": "ReLU, sigmoid, tanh, GELU and their derivatives (autograd and closed form), and why a stack of linear layers without them is one affine map (⟦activations⟧).",
                "zh": "ReLU、sigmoid、tanh、GELU 及其导数（自动微分与解析式），以及为什么没有激活函数的多层线性网络只是一个仿射变换（⟦activations⟧）。"},
    "plot_header": {"en": "The functions", "zh": "函数"},
    "collapse_header": {"en": "Stacked linear layers", "zh": "堆叠线性层"},
    "show": {"en": "Activation", "zh": "激活函数"},
    "show.all": {"en": "all of them", "zh": "全部"},
    "show.relu": {"en": "ReLU", "zh": "ReLU"},
    "show.sigmoid": {"en": "sigmoid", "zh": "sigmoid"},
    "show.tanh": {"en": "tanh", "zh": "tanh"},
    "show.gelu": {"en": "GELU", "zh": "GELU"},
    "show.leaky_relu": {"en": "leaky ReLU", "zh": "leaky ReLU"},
    "x_min": {"en": "x from", "zh": "x 起点"},
    "x_max": {"en": "x to", "zh": "x 终点"},
    "x0": {"en": "Print the values at x =", "zh": "在 x = 处显示数值"},
    "num_layers": {"en": "Linear layers stacked", "zh": "堆叠的线性层数"},
    "num_hiddens": {"en": "Hidden units per layer", "zh": "每层隐藏单元数"},
    "contrast": {"en": "Nonlinearity to compare", "zh": "用于对比的非线性"},
    "contrast_help": {"en": "The same weights with this activation after every layer but the last: the stack no longer folds into one map.",
                      "zh": "相同的权重，在除最后一层外的每层之后加上这个激活函数：堆叠不再能折叠成一个变换。"},
    "contrast.relu": {"en": "ReLU", "zh": "ReLU"},
    "contrast.sigmoid": {"en": "sigmoid", "zh": "sigmoid"},
    "contrast.tanh": {"en": "tanh", "zh": "tanh"},
    "contrast.gelu": {"en": "GELU", "zh": "GELU"},
    "contrast.leaky_relu": {"en": "leaky ReLU", "zh": "leaky ReLU"},
    # charts
    "act_title": {"en": "Activation f(x) (solid) and its derivative f′(x) (dotted)",
                  "zh": "激活函数 f(x)（实线）与导数 f′(x)（点线）"},
    "act_axis": {"en": "f(x), f′(x)", "zh": "f(x)、f′(x)"},
    "collapse_title": {"en": "A random stack of linear layers and the one affine map its weights fold into",
                       "zh": "随机堆叠的线性层，以及其权重折叠成的单个仿射变换"},
    "output_axis": {"en": "network output", "zh": "网络输出"},
    "stack_linear": {"en": "stack, nothing between", "zh": "堆叠，层间无激活"},
    "affine_map": {"en": "single affine map W x + b", "zh": "单个仿射变换 W x + b"},
    "stack_with": {"en": "same weights, {act} between", "zh": "相同权重，层间加 {act}"},
    # page text
    "values_caption": {"en": "Values at x = {x0}: the derivative by autograd (`y.backward`) and by its formula.",
                       "zh": "x = {x0} 处的取值：导数分别由自动微分（`y.backward`）和公式计算。"},
    "col_activation": {"en": "activation", "zh": "激活函数"},
    "col_df_autograd": {"en": "f′(x) by autograd", "zh": "f′(x)（自动微分）"},
    "col_df_closed_form": {"en": "f′(x) closed form", "zh": "f′(x)（解析式）"},
    "col_abs_difference": {"en": "|difference|", "zh": "|差值|"},
    "metric_max_diff": {"en": "Largest |autograd − formula| on the plot", "zh": "图中 |自动微分 − 公式| 的最大值"},
    "metric_linear_diff": {"en": "max |stack − W x − b|, nothing between", "zh": "max |堆叠 − W x − b|，层间无激活"},
    "metric_act_diff": {"en": "max |stack − W x − b|, {act} between", "zh": "max |堆叠 − W x − b|，层间加 {act}"},
    "metric_W": {"en": "W = W_L ⋯ W_1", "zh": "W = W_L ⋯ W_1"},
    "metric_b": {"en": "b (folded)", "zh": "b（折叠后）"},
    "explain_act_md": {
        "en": r"""**ReLU** $=\max(x,0)$, derivative $1$ for $x>0$ and $0$ for $x<0$ (at $x=0$ we take $0$, as autograd does). An active unit passes the gradient through unchanged, however large its input — it never saturates on that side, unlike sigmoid and tanh; an inactive one passes nothing. Which units are active depends on the inputs and the weights.

**sigmoid** $\sigma(x)=\frac{{1}}{{1+e^{{-x}}}}$, $\sigma'(x)=\sigma(x)\,(1-\sigma(x))\le \tfrac14$. Going back through a layer, the gradient is multiplied by $\sigma'$ and by the weights, $(\mathbf g \odot \sigma')\,\mathbf W$: the activation's own factor is at most $0.25$ per layer ($0.25^{{10}}\approx 10^{{-6}}$ over 10 layers), and whether the gradient vanishes depends on the weights too — larger weights can make up for it, but they push the units into the flat tails where $\sigma' \approx 0$ (see "Vanishing and exploding gradients").

**tanh** $=\frac{{1-e^{{-2x}}}}{{1+e^{{-2x}}}}$, $\tanh'(x)=1-\tanh^2(x)\le 1$, centred at 0 but also flat for large $|x|$.

**GELU** $=x\,\Phi(x)$, $\mathrm{{GELU}}'(x)=\Phi(x)+x\,\varphi(x)$ with $\Phi, \varphi$ the standard normal CDF and density: a smooth ReLU, used by BERT and GPT.

At $x = {x0}$: {values}.""",
        "zh": r"""**ReLU** $=\max(x,0)$，当 $x>0$ 时导数为 $1$，$x<0$ 时为 $0$（在 $x=0$ 处取 $0$，与自动微分一致）。激活的单元把梯度原样传回，无论输入多大——这一侧不会饱和，不像 sigmoid 和 tanh；未激活的单元什么也不传。哪些单元激活取决于输入和权重。

**sigmoid** $\sigma(x)=\frac{{1}}{{1+e^{{-x}}}}$，$\sigma'(x)=\sigma(x)\,(1-\sigma(x))\le \tfrac14$。反向经过一层时，梯度要乘以 $\sigma'$ 和权重：$(\mathbf g \odot \sigma')\,\mathbf W$。激活函数自身的因子每层至多 $0.25$（10 层为 $0.25^{{10}}\approx 10^{{-6}}$），梯度是否消失还取决于权重——较大的权重可以弥补，但会把单元推到 $\sigma' \approx 0$ 的平坦区（见“梯度消失与梯度爆炸”）。

**tanh** $=\frac{{1-e^{{-2x}}}}{{1+e^{{-2x}}}}$，$\tanh'(x)=1-\tanh^2(x)\le 1$，以 0 为中心，但 $|x|$ 较大时同样平坦。

**GELU** $=x\,\Phi(x)$，$\mathrm{{GELU}}'(x)=\Phi(x)+x\,\varphi(x)$，$\Phi, \varphi$ 为标准正态分布的分布函数与密度：一个平滑的 ReLU，BERT 和 GPT 都用它。

在 $x = {x0}$ 处：{values}。"""},
    "explain_collapse_md": {
        "en": r"""With nothing between the layers, $\mathbf{{h}}_1 = \mathbf{{W}}_1 x + \mathbf{{b}}_1$, $\mathbf{{h}}_2 = \mathbf{{W}}_2 \mathbf{{h}}_1 + \mathbf{{b}}_2 = (\mathbf{{W}}_2\mathbf{{W}}_1)\,x + (\mathbf{{W}}_2\mathbf{{b}}_1 + \mathbf{{b}}_2)$, and so on: the {layers} layers (weight shapes {shapes}) are exactly one affine map $y = W x + b$ with $W = \mathbf{{W}}_{{{layers}}}\cdots\mathbf{{W}}_1 = {W}$ and $b = {b}$. The largest difference between the stack and that single map over the plotted range is ${diff}$ — float32 rounding, nothing more. Depth adds parameters but no expressive power. Put a nonlinearity between the layers and the difference becomes ${diff_act}$: the curve bends, and that is what lets an MLP fit what a linear model cannot.""",
        "zh": r"""层与层之间什么都没有时，$\mathbf{{h}}_1 = \mathbf{{W}}_1 x + \mathbf{{b}}_1$，$\mathbf{{h}}_2 = \mathbf{{W}}_2 \mathbf{{h}}_1 + \mathbf{{b}}_2 = (\mathbf{{W}}_2\mathbf{{W}}_1)\,x + (\mathbf{{W}}_2\mathbf{{b}}_1 + \mathbf{{b}}_2)$，依此类推：这 {layers} 层（权重形状 {shapes}）恰好等于一个仿射变换 $y = W x + b$，其中 $W = \mathbf{{W}}_{{{layers}}}\cdots\mathbf{{W}}_1 = {W}$，$b = {b}$。在所画范围内，堆叠网络与该单一变换的最大差为 ${diff}$——只是 float32 舍入误差。加深只增加了参数，没有增加表达能力。在层间加入非线性后，差变为 ${diff_act}$：曲线弯曲了，这正是多层感知机能拟合线性模型拟合不了的函数的原因。"""},
}
