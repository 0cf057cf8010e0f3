"""中文 uses d2l-zh's terms: a small glossary (English → d2l-zh), checked against every 中文 string
of every string table. A listed wrong form anywhere fails the test."""
import re

import pytest

from tests.engine.string_tables import strings

# English term → (the d2l-zh term, forms that must not appear in 中文 text)
GLOSSARY = {
    "dropout": ("暂退法", [r"(?<![A-Za-z_.`（(])[Dd]ropout(?![A-Za-z_`）)])"]),     # bare English; 暂退法（Dropout） and `nn.Dropout` are fine
    "random sampling": ("随机采样", ["随机抽样"]),
    "memory cell": ("记忆元", ["记忆单元"]),
    "held-out": ("留出", ["留作验证", "验证困惑度", "验证文本", "保留集"]),
    "vocabulary": ("词表", ["词汇表"]),
    "token": ("词元", ["令牌"]),
    "hidden state": ("隐状态", ["隐藏状态"]),
    "gradient clipping": ("梯度裁剪", ["梯度截断"]),
    "minibatch": ("小批量", ["小批次", "迷你批"]),
    "Zipf's law": ("齐普夫定律", ["齐夫定律"]),
    "sequential partitioning": ("顺序分区", ["顺序划分", "顺序采样"]),
    "perplexity": ("困惑度", ["复杂度"]),
    "attention pooling": ("注意力汇聚", ["注意力池化"]),
    "encoder–decoder": ("编码器-解码器", ["编解码器"]),
    "kernel regression": ("核回归", ["内核回归"]),
    "masking (attention)": ("掩蔽", ["掩码注意力", "掩码softmax", "因果掩码", "填充掩码"]),
    "pooling": ("汇聚", ["池化"]),
    "cross-correlation": ("互相关", ["交叉相关"]),
    "feature map": ("特征映射", ["特征图谱"]),
}


def test_glossary_forms_are_not_the_right_terms():
    for en, (right, wrong) in GLOSSARY.items():
        assert not any(re.search(w, right) for w in wrong), en


def prose(text: str) -> str:
    """The words a reader sees: without section keys (⟦dropout⟧) and format fields ({dropout})."""
    return re.sub(r"⟦[^⟧]*⟧|\{[^{}]*\}", " ", text)


@pytest.mark.parametrize("term", list(GLOSSARY))
def test_no_chinese_string_uses_a_wrong_form(term):
    right, wrong = GLOSSARY[term]
    found = [(table, key, m.group(0)) for table, key, text in strings("zh")
             for pattern in wrong for m in [re.search(pattern, prose(text))] if m]
    assert found == [], f"use {right} for '{term}'"


def test_the_right_terms_are_used():
    """The glossary is about terms the app really uses."""
    text = " ".join(t for _, _, t in strings("zh"))
    for term in ("dropout", "random sampling", "memory cell", "held-out", "vocabulary", "token", "hidden state",
                 "gradient clipping", "minibatch", "Zipf's law", "perplexity", "attention pooling",
                 "encoder–decoder", "kernel regression", "sequential partitioning", "masking (attention)",
                 "pooling", "cross-correlation", "feature map"):
        assert GLOSSARY[term][0] in text, term


def test_the_check_can_fail():
    table = {"x": {"en": "dropout between layers", "zh": "层间 dropout"}}
    pattern = GLOSSARY["dropout"][1][0]
    assert re.search(pattern, prose(table["x"]["zh"])) and not re.search(pattern, prose("（⟦dropout⟧）{dropout}"))
    assert not re.search(pattern, "暂退法（Dropout）") and not re.search(pattern, "`nn.Dropout`")
