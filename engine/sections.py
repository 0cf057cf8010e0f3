"""Every section of a book that the lessons cite, in one table, one edition per language:
English cites the current *Dive into Deep Learning* (d2l-en, d2l.ai), 中文 cites 《动手学深度学习》
第二版 (d2l-zh 2.0, zh.d2l.ai). The two number the same topic differently (BPTT is §9.7 in
d2l-en, 8.7 节 in d2l-zh; gradient clipping §9.5.3 / 8.5.5 节), so a string never writes a
number itself: it names a topic, ``⟦bptt⟧``, and ``engine.i18n.Translator`` fills in the
citation for the page's language (``fill``):

    ⟦bptt⟧                      en: d2l §9.7           zh: d2l 8.7 节
    ⟦seq2seq, bahdanau⟧         en: d2l §10.7, §11.4   zh: d2l 9.7、10.4 节
    ⟦linreg_scratch..linreg_concise⟧   a range: en d2l §3.4–3.5, zh d2l 3.2–3.3 节

Numbers and titles were read from the books' sources (the ``toc`` of each chapter's
index.md and the headings of its files): d2l-ai/d2l-en at 23d7a5a (2024-03) and
d2l-ai/d2l-zh at e6b18cc (2023-08). Other books (Deep Learning from Scratch 1 and 2, the first
edition of 动手学深度学习) are cited the same way, with their own names.
"""
from __future__ import annotations

import re
from typing import NamedTuple


class Ref(NamedTuple):
    number: str        # "9.7", "8.5.5"
    title: str         # the heading in that edition
    book: str = "d2l"  # a key of BOOKS


# How a book is named in each language. "d2l" is d2l-en in English and d2l-zh in 中文;
# "d2l_en" is for a section only d2l-en has (cited from a 中文 page).
BOOKS = {
    "d2l": {"en": "d2l", "zh": "d2l"},
    "d2l_en": {"en": "d2l", "zh": "d2l 英文版"},
    "d2l_zh": {"en": "d2l-zh", "zh": "d2l"},          # a section only d2l-zh has (cited from an English page)
    "d2l_v1": {"en": "动手学深度学习 (1st ed.)", "zh": "《动手学深度学习》第一版"},
    # d2l-en 0.17 (classic.d2l.ai, branch r0.17), the edition d2l-zh 2.0 was translated from: the same
    # numbers and the same runs as d2l-zh (``train_ch8``, 500 epochs), which d2l-en's current edition replaced
    "d2l_017": {"en": "d2l 0.17", "zh": "d2l 英文版 0.17"},
    "dlfs": {"en": "DLFS", "zh": "《深度学习入门》"},
    "dlfs2": {"en": "DLFS2", "zh": "《深度学习进阶》"},
}

D2L_EN = "https://d2l.ai"
D2L_ZH = "https://zh.d2l.ai"

SECTIONS: dict[str, dict[str, Ref]] = {
    # linear networks
    "linreg_scratch": {"en": Ref("3.4", "Linear Regression Implementation from Scratch"), "zh": Ref("3.2", "线性回归的从零开始实现")},
    "linreg_concise": {"en": Ref("3.5", "Concise Implementation of Linear Regression"), "zh": Ref("3.3", "线性回归的简洁实现")},
    "weight_decay": {"en": Ref("3.7", "Weight Decay"), "zh": Ref("4.5", "权重衰减")},
    "softmax_regression": {"en": Ref("4.1", "Softmax Regression"), "zh": Ref("3.4", "softmax回归")},
    "softmax_loss": {"en": Ref("4.1.2", "Loss Function"), "zh": Ref("3.4.6", "损失函数")},
    "softmax_scratch": {"en": Ref("4.4", "Softmax Regression Implementation from Scratch"), "zh": Ref("3.6", "softmax回归的从零开始实现")},
    "softmax_concise": {"en": Ref("4.5", "Concise Implementation of Softmax Regression"), "zh": Ref("3.7", "softmax回归的简洁实现")},
    "softmax_revisited": {"en": Ref("4.5.2", "Softmax Revisited"), "zh": Ref("3.7.2", "重新审视Softmax的实现")},
    # generalization: d2l-en 3.6 (concepts) and 5.7 (Kaggle); d2l-zh 4.4 and 4.10. The book's polynomial
    # experiment is in d2l-zh 4.4.4 and d2l-en 0.17 §4.4.4; the current d2l-en only describes it (3.6.2.1)
    "generalization": {"en": Ref("3.6", "Generalization"), "zh": Ref("4.4", "模型选择、欠拟合和过拟合")},
    "underfit_overfit": {"en": Ref("3.6.2", "Underfitting or Overfitting?"), "zh": Ref("4.4.3", "欠拟合还是过拟合？")},
    "model_selection": {"en": Ref("3.6.3", "Model Selection"), "zh": Ref("4.4.2", "模型选择")},
    "cross_validation": {"en": Ref("3.6.3.1", "Cross-Validation"), "zh": Ref("4.4.2.2", "K折交叉验证")},
    "polynomial_regression": {"en": Ref("4.4.4", "Polynomial Regression", "d2l_017"), "zh": Ref("4.4.4", "多项式回归")},
    "high_dim_linreg": {"en": Ref("3.7.2", "High-Dimensional Linear Regression"), "zh": Ref("4.5.2", "高维线性回归")},
    "dropout_scratch": {"en": Ref("5.6.2", "Implementation from Scratch"), "zh": Ref("4.6.4", "从零开始实现")},
    "kaggle_house": {"en": Ref("5.7", "Predicting House Prices on Kaggle"), "zh": Ref("4.10", "实战Kaggle比赛：预测房价")},
    "kaggle_kfold": {"en": Ref("5.7.6", "K-Fold Cross-Validation"), "zh": Ref("4.10.6", "K折交叉验证")},
    # multilayer perceptrons
    "mlp": {"en": Ref("5.1", "Multilayer Perceptrons"), "zh": Ref("4.1", "多层感知机")},
    "activations": {"en": Ref("5.1.2", "Activation Functions"), "zh": Ref("4.1.2", "激活函数")},
    "mlp_scratch": {"en": Ref("5.2", "Implementation of Multilayer Perceptrons"), "zh": Ref("4.2", "多层感知机的从零开始实现")},
    "mlp_concise": {"en": Ref("5.2", "Implementation of Multilayer Perceptrons"), "zh": Ref("4.3", "多层感知机的简洁实现")},
    "numerical_stability": {"en": Ref("5.4", "Numerical Stability and Initialization"), "zh": Ref("4.8", "数值稳定性和模型初始化")},
    "exploding_gradients": {"en": Ref("5.4.1", "Vanishing and Exploding Gradients"), "zh": Ref("4.8.1", "梯度消失和梯度爆炸")},
    "xavier": {"en": Ref("5.4.2", "Parameter Initialization"), "zh": Ref("4.8.2", "参数初始化")},
    "dropout": {"en": Ref("5.6", "Dropout"), "zh": Ref("4.6", "暂退法（Dropout）")},
    # the first edition's example of 0.2³⁰ and 5³⁰ (3.15.1 衰减和爆炸)
    "first_edition_decay": {"en": Ref("3.15", "数值稳定性和模型初始化", "d2l_v1"), "zh": Ref("3.15", "数值稳定性和模型初始化", "d2l_v1")},
    # convolutional networks: d2l-en chapters 7–8, d2l-zh chapters 6–7, the same sections in the same order
    "why_conv": {"en": Ref("7.1", "From Fully Connected Layers to Convolutions"), "zh": Ref("6.1", "从全连接层到卷积")},
    "conv_layer": {"en": Ref("7.2", "Convolutions for Images"), "zh": Ref("6.2", "图像卷积")},
    "cross_correlation": {"en": Ref("7.2.1", "The Cross-Correlation Operation"), "zh": Ref("6.2.1", "互相关运算")},
    "edge_detection": {"en": Ref("7.2.3", "Object Edge Detection in Images"), "zh": Ref("6.2.3", "图像中目标的边缘检测")},
    "learning_kernel": {"en": Ref("7.2.4", "Learning a Kernel"), "zh": Ref("6.2.4", "学习卷积核")},
    "true_convolution": {"en": Ref("7.2.5", "Cross-Correlation and Convolution"), "zh": Ref("6.2.5", "互相关和卷积")},
    "receptive_field": {"en": Ref("7.2.6", "Feature Map and Receptive Field"), "zh": Ref("6.2.6", "特征映射和感受野")},
    "padding_stride": {"en": Ref("7.3", "Padding and Stride"), "zh": Ref("6.3", "填充和步幅")},
    "channels": {"en": Ref("7.4", "Multiple Input and Multiple Output Channels"), "zh": Ref("6.4", "多输入多输出通道")},
    "conv_1x1": {"en": Ref("7.4.3", "1×1 Convolutional Layer"), "zh": Ref("6.4.3", "1×1 卷积层")},
    "pooling": {"en": Ref("7.5", "Pooling"), "zh": Ref("6.5", "汇聚层")},
    "lenet": {"en": Ref("7.6", "Convolutional Neural Networks (LeNet)"), "zh": Ref("6.6", "卷积神经网络（LeNet）")},
    "lenet_training": {"en": Ref("7.6.2", "Training"), "zh": Ref("6.6.2", "模型训练")},
    "alexnet": {"en": Ref("8.1", "Deep Convolutional Neural Networks (AlexNet)"), "zh": Ref("7.1", "深度卷积神经网络（AlexNet）")},
    "nin": {"en": Ref("8.3", "Network in Network (NiN)"), "zh": Ref("7.3", "网络中的网络（NiN）")},
    # recurrent networks
    "text_preprocessing": {"en": Ref("9.2", "Converting Raw Text into Sequence Data"), "zh": Ref("8.2", "文本预处理")},
    "reading_text": {"en": Ref("9.2.1", "Reading the Dataset"), "zh": Ref("8.2.1", "读取数据集")},
    "language_models": {"en": Ref("9.3", "Language Models"), "zh": Ref("8.3", "语言模型和数据集")},
    "zipf": {"en": Ref("9.2.5", "Exploratory Language Statistics"), "zh": Ref("8.3.3", "自然语言统计")},
    "partitioning": {"en": Ref("9.3.3", "Partitioning Sequences"), "zh": Ref("8.3.4", "读取长序列数据")},
    "random_sampling": {"en": Ref("9.3.3", "Partitioning Sequences"), "zh": Ref("8.3.4.1", "随机采样")},
    "sequential_partitioning": {"en": Ref("9.3.3", "Partitioning Sequences"), "zh": Ref("8.3.4.2", "顺序分区")},
    "laplace_smoothing": {"en": Ref("9.3.1.3", "Laplace Smoothing"), "zh": Ref("8.3.1", "学习语言模型")},
    "perplexity": {"en": Ref("9.3.2", "Perplexity"), "zh": Ref("8.4.4", "困惑度（Perplexity）")},
    "rnn": {"en": Ref("9.4", "Recurrent Neural Networks"), "zh": Ref("8.4", "循环神经网络")},
    "rnn_scratch": {"en": Ref("9.5", "Recurrent Neural Network Implementation from Scratch"), "zh": Ref("8.5", "循环神经网络的从零开始实现")},
    "grad_clipping": {"en": Ref("9.5.3", "Gradient Clipping"), "zh": Ref("8.5.5", "梯度裁剪")},
    "bptt": {"en": Ref("9.7", "Backpropagation Through Time"), "zh": Ref("8.7", "通过时间反向传播")},
    "lstm": {"en": Ref("10.1", "Long Short-Term Memory (LSTM)"), "zh": Ref("9.2", "长短期记忆网络（LSTM）")},
    "gru": {"en": Ref("10.2", "Gated Recurrent Units (GRU)"), "zh": Ref("9.1", "门控循环单元（GRU）")},
    "deep_rnn": {"en": Ref("10.3", "Deep Recurrent Neural Networks"), "zh": Ref("9.3", "深度循环神经网络")},
    "seq2seq": {"en": Ref("10.7", "Sequence-to-Sequence Learning for Machine Translation"), "zh": Ref("9.7", "序列到序列学习（seq2seq）")},
    # the book's language-model runs (load_data_time_machine(32, 35), 500 epochs of train_ch8, lr 1): d2l-zh's,
    # and d2l-en 0.17's with the same numbers; the current d2l-en trains other settings
    "book_run_rnn": {"en": Ref("8.6", "Concise Implementation of Recurrent Neural Networks", "d2l_017"),
                     "zh": Ref("8.6", "循环神经网络的简洁实现")},
    "book_run_gru": {"en": Ref("9.1", "Gated Recurrent Units (GRU)", "d2l_017"), "zh": Ref("9.1", "门控循环单元（GRU）")},
    "book_run_lstm": {"en": Ref("9.2", "Long Short-Term Memory (LSTM)", "d2l_017"), "zh": Ref("9.2", "长短期记忆网络（LSTM）")},
    # attention
    "queries_keys_values": {"en": Ref("11.1", "Queries, Keys, and Values"), "zh": Ref("10.1", "注意力提示")},
    "nadaraya_watson": {"en": Ref("11.2", "Attention Pooling by Similarity"), "zh": Ref("10.2", "注意力汇聚：Nadaraya-Watson 核回归")},
    # the four kernels are d2l-en's (d2l-zh 2.0 uses the Gaussian only)
    "nw_kernels": {"en": Ref("11.2.1", "Kernels and Data"), "zh": Ref("11.2.1", "Kernels and Data", "d2l_en")},
    "nw_width": {"en": Ref("11.2.3", "Adapting Attention Pooling"), "zh": Ref("10.2.3", "非参数注意力汇聚")},
    # learning the width w by SGD (leave-one-out) is d2l-zh 2.0's; the current d2l-en only varies σ by hand
    "nw_parametric": {"en": Ref("10.2.4", "带参数注意力汇聚", "d2l_zh"), "zh": Ref("10.2.4", "带参数注意力汇聚")},
    "attention_scoring": {"en": Ref("11.3", "Attention Scoring Functions"), "zh": Ref("10.3", "注意力评分函数")},
    "masked_softmax": {"en": Ref("11.3.2.1", "Masked Softmax Operation"), "zh": Ref("10.3.1", "掩蔽softmax操作")},
    "additive_attention": {"en": Ref("11.3.4", "Additive Attention"), "zh": Ref("10.3.2", "加性注意力")},
    "scaled_dot_product": {"en": Ref("11.3.3", "Scaled Dot Product Attention"), "zh": Ref("10.3.3", "缩放点积注意力")},
    "bahdanau": {"en": Ref("11.4", "The Bahdanau Attention Mechanism"), "zh": Ref("10.4", "Bahdanau 注意力")},
    "multihead": {"en": Ref("11.5", "Multi-Head Attention"), "zh": Ref("10.5", "多头注意力")},
    "transformer": {"en": Ref("11.7", "The Transformer Architecture"), "zh": Ref("10.7", "Transformer")},
    "transformer_encoder": {"en": Ref("11.7.4", "Encoder"), "zh": Ref("10.7.4", "编码器")},
    "transformer_decoder": {"en": Ref("11.7.5", "Decoder"), "zh": Ref("10.7.5", "解码器")},
    # d2l-zh 2.0 has no chapter on large-scale pretraining: the 中文 page cites d2l-en's
    "large_pretraining": {"en": Ref("11.9", "Large-Scale Pretraining with Transformers"),
                          "zh": Ref("11.9", "Large-Scale Pretraining with Transformers", "d2l_en")},
    # optimization algorithms: d2l-en chapter 12, d2l-zh chapter 11, the same sections in the same order
    "optimization_intro": {"en": Ref("12.1", "Optimization and Deep Learning"), "zh": Ref("11.1", "优化和深度学习")},
    "convexity": {"en": Ref("12.2", "Convexity"), "zh": Ref("11.2", "凸性")},
    "gd": {"en": Ref("12.3", "Gradient Descent"), "zh": Ref("11.3", "梯度下降")},
    "gd_1d": {"en": Ref("12.3.1", "One-Dimensional Gradient Descent"), "zh": Ref("11.3.1", "一维梯度下降")},
    "gd_learning_rate": {"en": Ref("12.3.1.1", "Learning Rate"), "zh": Ref("11.3.1.1", "学习率")},
    "gd_local_minima": {"en": Ref("12.3.1.2", "Local Minima"), "zh": Ref("11.3.1.2", "局部最小值")},
    "gd_multivariate": {"en": Ref("12.3.2", "Multivariate Gradient Descent"), "zh": Ref("11.3.2", "多元梯度下降")},
    "sgd": {"en": Ref("12.4", "Stochastic Gradient Descent"), "zh": Ref("11.4", "随机梯度下降")},
    "minibatch_sgd": {"en": Ref("12.5", "Minibatch Stochastic Gradient Descent"), "zh": Ref("11.5", "小批量随机梯度下降")},
    "vectorization": {"en": Ref("12.5.1", "Vectorization and Caches"), "zh": Ref("11.5.1", "向量化和缓存")},
    "minibatches": {"en": Ref("12.5.2", "Minibatches"), "zh": Ref("11.5.2", "小批量")},
    "airfoil": {"en": Ref("12.5.3", "Reading the Dataset"), "zh": Ref("11.5.3", "读取数据集")},
    "momentum": {"en": Ref("12.6", "Momentum"), "zh": Ref("11.6", "动量法")},
    "leaky_averages": {"en": Ref("12.6.1.1", "Leaky Averages"), "zh": Ref("11.6.1.1", "泄漏平均值")},
    "adagrad": {"en": Ref("12.7", "Adagrad"), "zh": Ref("11.7", "AdaGrad算法")},
    "rmsprop": {"en": Ref("12.8", "RMSProp"), "zh": Ref("11.8", "RMSProp算法")},
    "adadelta": {"en": Ref("12.9", "Adadelta"), "zh": Ref("11.9", "Adadelta")},
    "adam": {"en": Ref("12.10", "Adam"), "zh": Ref("11.10", "Adam算法")},
    "lr_scheduler": {"en": Ref("12.11", "Learning Rate Scheduling"), "zh": Ref("11.11", "学习率调度器")},
    "lr_policies": {"en": Ref("12.11.3", "Policies"), "zh": Ref("11.11.3", "策略")},
    "cosine_scheduler": {"en": Ref("12.11.3.3", "Cosine Scheduler"), "zh": Ref("11.11.3.3", "余弦调度器")},
    "warmup": {"en": Ref("12.11.3.4", "Warmup"), "zh": Ref("11.11.3.4", "预热")},
    # Deep Learning from Scratch (斎藤康毅): DLFS 1 and 2, same numbering in every translation
    "dlfs_weight_init": {"en": Ref("6.2", "Weight initial values", "dlfs"), "zh": Ref("6.2", "权重的初始值", "dlfs")},
    "dlfs2_rnn_problems": {"en": Ref("6.1", "The problems of RNNs", "dlfs2"), "zh": Ref("6.1", "RNN的问题", "dlfs2")},
    "dlfs2_lstm": {"en": Ref("6.2", "Vanishing gradients and LSTM", "dlfs2"), "zh": Ref("6.2", "梯度消失和LSTM", "dlfs2")},
}

PLACEHOLDER = re.compile(r"⟦([^⟦⟧]+)⟧")


def ref(key: str, lang: str) -> Ref:
    """The section for ``key`` in the edition of ``lang`` (English for an unknown language)."""
    entry = SECTIONS[key]
    return entry.get(lang) or entry["en"]


def _join(name: str, numbers: str) -> str:
    return name + numbers if name.endswith("》") else f"{name} {numbers}"    # 《书名》6.1 节, d2l §9.7


def _numbers(nums: list[str], lang: str) -> str:
    if lang == "zh":
        return "、".join(nums) + " 节"
    return ", ".join(f"§{n}" for n in nums)


def cite(spec: str, lang: str) -> str:
    """The citation for one placeholder's content: ``key``, ``key, key, …`` or ``key..key``
    (a range, within one book). Same-book sections are grouped behind one book name;
    a section that two keys share is cited once."""
    spec = spec.strip()
    if ".." in spec:
        first, last = (ref(k.strip(), lang) for k in spec.split(".."))
        if first.book != last.book:
            raise ValueError(f"a range spans two books: {spec}")
        lang = lang if lang in ("en", "zh") else "en"
        nums = f"{first.number}–{last.number}"
        return _join(BOOKS[first.book][lang], f"§{nums}" if lang == "en" else f"{nums} 节")
    groups: list[tuple[str, list[str]]] = []
    for key in (k.strip() for k in spec.split(",")):
        r = ref(key, lang)
        if groups and groups[-1][0] == r.book:
            if r.number not in groups[-1][1]:
                groups[-1][1].append(r.number)
        else:
            groups.append((r.book, [r.number]))
    lang = lang if lang in ("en", "zh") else "en"
    parts = [_join(BOOKS[book][lang], _numbers(nums, lang)) for book, nums in groups]
    return ("；" if lang == "zh" else "; ").join(parts)


def keys_in(text: str) -> list[str]:
    """Every section key a string cites (for the tests)."""
    out = []
    for m in PLACEHOLDER.finditer(text):
        out += [k.strip() for part in m.group(1).split("..") for k in part.split(",")]
    return out


def fill(text: str, lang: str) -> str:
    """Replace every ``⟦…⟧`` in ``text`` by its citation in ``lang``."""
    if "⟦" not in text:
        return text
    return PLACEHOLDER.sub(lambda m: cite(m.group(1), lang), text)
