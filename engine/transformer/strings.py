"""Strings of the two Transformer pages: ``SHARED`` (both pages), and each page's full table under its usual
name (the pages' own text is in strings_toy.py and strings_char_lm.py)."""
from engine.transformer.strings_char_lm import LM_STRINGS
from engine.transformer.strings_toy import ED_STRINGS, TOY_STRINGS

SHARED = {
    # model settings (both pages)
    "model_header": {"en": "Model", "zh": "模型"},
    "train_header": {"en": "Training", "zh": "训练"},
    "num_hiddens": {"en": "Model width d (num_hiddens)", "zh": "模型宽度 d（num_hiddens）"},
    "num_hiddens_help": {"en": "Features per token. Each head works in d/h of them.",
                         "zh": "每个词元的特征数。每个头使用其中的 d/h 个。"},
    "num_heads": {"en": "Heads h per layer", "zh": "每层的头数 h"},
    "num_heads_help": {"en": "Heads attend in parallel, each with its own W_q, W_k, W_v, so each can look for something else (⟦multihead⟧).",
                       "zh": "多个头并行计算注意力，各有自己的 W_q、W_k、W_v，因此可以关注不同的东西（⟦multihead⟧）。"},
    "num_layers": {"en": "Decoder blocks (layers)", "zh": "解码器块（层数）"},
    "lr": {"en": "Learning rate η (Adam)", "zh": "学习率 η（Adam）"},
    "lr_help": {"en": "The starting value; it decays to 0 along a cosine over the run. Too large: the loss jumps or becomes NaN.",
                "zh": "初始值；训练过程中按余弦曲线衰减到 0。过大时损失会跳动甚至变为 NaN。"},
    "batch_size": {"en": "Batch size", "zh": "批量大小"},
    "num_epochs": {"en": "Epochs", "zh": "迭代轮数"},
    # attention heatmaps
    "panel": {"en": "layer {layer} · head {head}", "zh": "第 {layer} 层 · 第 {head} 头"},
    "keys_axis": {"en": "key (position looked at)", "zh": "键（被关注的位置）"},
    "queries_axis": {"en": "query (position looking)", "zh": "查询（发出关注的位置）"},
    "weight_axis": {"en": "weight", "zh": "权重"},
    "attention_hover": {"en": "query %{y} → key %{x}<br>weight %{z:.3f}<extra></extra>",
                        "zh": "查询 %{y} → 键 %{x}<br>权重 %{z:.3f}<extra></extra>"},
    # positional encoding
    "pe_title": {"en": "Positional encoding P", "zh": "位置编码 P"},
    "pe_used": {"en": "positions this model uses: 0…{last}", "zh": "本模型使用的位置：0…{last}"},
    "pe_dim_axis": {"en": "encoding dimension j", "zh": "编码维度 j"},
    "pe_pos_axis": {"en": "position i", "zh": "位置 i"},
    "pe_col": {"en": "column {j}", "zh": "第 {j} 列"},
    "pe_cols_title": {"en": "Columns of P: lower columns oscillate faster", "zh": "P 的各列：列号越小，振荡越快"},
    "pe_caption": {"en": "Even columns hold sin(i / 10000^(j/d)), odd ones the matching cos: every position gets its own pattern, and P[i+δ] is a fixed rotation of P[i] — attention can find “δ places back” with one linear map.",
                   "zh": "偶数列为 sin(i / 10000^(j/d))，奇数列为对应的 cos：每个位置都有独特的模式，且 P[i+δ] 是 P[i] 的固定旋转 —— 注意力用一个线性映射即可找到“往前 δ 个位置”。"},
    # block diagram
    "diag_title": {"en": "The decoder-only Transformer, bottom to top", "zh": "仅解码器 Transformer（自下而上）"},
    "diag_input": {"en": "tokens in (indices)", "zh": "输入词元（索引）"},
    "diag_embedding": {"en": "Embedding × √d", "zh": "嵌入 × √d"},
    "diag_pe": {"en": "+ positional encoding", "zh": "+ 位置编码"},
    "diag_masked_attention": {"en": "Masked multi-head self-attention (h = {h})", "zh": "掩蔽多头自注意力（h = {h}）"},
    "diag_attention": {"en": "Multi-head self-attention (h = {h})", "zh": "多头自注意力（h = {h}）"},
    "diag_addnorm": {"en": "Add & norm", "zh": "残差连接与层规范化"},
    "diag_ffn": {"en": "Position-wise feed-forward", "zh": "基于位置的前馈网络"},
    "diag_residual": {"en": "residual", "zh": "残差"},
    "diag_dense": {"en": "Dense → softmax over the vocabulary", "zh": "全连接层 → 词表上的 softmax"},
    "diag_output": {"en": "probability of the next token", "zh": "下一个词元的概率"},
    "diag_ed_title": {"en": "The encoder–decoder Transformer, bottom to top (the book's figure)", "zh": "编码器-解码器 Transformer（自下而上，同书中的图）"},
    "diag_src_input": {"en": "source tokens (the date in words, padded)", "zh": "源序列词元（英文日期，含填充）"},
    "diag_tgt_input": {"en": "target tokens so far (<bos>, ŷ₁, …)", "zh": "已生成的目标词元（<bos>、ŷ₁、…）"},
    "diag_cross_attention": {"en": "Multi-head encoder–decoder attention (h = {h})", "zh": "多头编码器-解码器注意力（h = {h}）"},
    "diag_enc_title": {"en": "encoder", "zh": "编码器"},
    "diag_dec_title": {"en": "decoder", "zh": "解码器"},
    "diag_kv": {"en": "keys and values", "zh": "键和值"},
    # curves
    "epoch_axis": {"en": "epoch", "zh": "轮次（epoch）"},
    "diverged_at": {"en": "{kind} at step {step}", "zh": "第 {step} 步出现 {kind}"},
    "metric_params": {"en": "Parameters", "zh": "参数量"},
    "budget_units": {"en": "This run reached the work budget ({units} token·parameters) and stopped early, so the shared server stays fast for the class. What was trained so far is shown. Lower epochs, data or model size for a complete run.",
                     "zh": "本次训练达到工作量上限（{units} 词元·参数），已提前停止，以保证共享服务器对全班保持流畅。下方显示已训练的结果。减少轮数、数据量或模型规模可完整运行。"},
    "diverged": {"en": "**The training diverged.** The loss became {kind} at step {step} (epoch {epoch}); the last finite loss was {last}. "
                       "Adam moves every weight by up to about the learning rate per step, and {lr} is too much for this model: the weights, and the attention scores with them, grow until they leave float32's range. "
                       "(The softmax itself does not overflow — torch subtracts the largest score first; large scores *saturate* it: the weights go one-hot and their gradient vanishes.) Lower the learning rate.",
                 "zh": "**训练发散了。** 损失在第 {step} 步（第 {epoch} 轮）变为 {kind}；最后一个有限损失是 {last}。"
                       "Adam 每步让每个权重最多移动约一个学习率，而 {lr} 对这个模型太大了：权重以及随之而来的注意力分数不断增大，直到超出 float32 的范围。"
                       "（softmax 本身不会溢出——torch 先减去最大的分数；大分数会让它*饱和*：权重趋于 one-hot，梯度消失。）请降低学习率。"},
    "attention_explain": {"en": "Each row is one query and sums to 1: how much of each earlier position's value goes into this position's output. "
                                "Positions to the right of the diagonal are the future; the causal mask gives them weight exactly 0.",
                          "zh": "每一行是一个查询，和为 1：表示各个此前位置的值在该位置的输出中占多少。"
                                "对角线右侧是“未来”的位置，因果掩蔽使其权重恰好为 0。"},
    "structure_header": {"en": "Inside the model", "zh": "模型内部"},
}

STRINGS = {**SHARED, **TOY_STRINGS}
CHAR_LM_STRINGS = {**SHARED, **LM_STRINGS}

__all__ = ["CHAR_LM_STRINGS", "ED_STRINGS", "LM_STRINGS", "SHARED", "STRINGS", "TOY_STRINGS"]
