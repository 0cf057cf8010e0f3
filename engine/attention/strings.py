"""Strings of the attention pages: the chart words both share, and each page's full table under its usual
name (the pages' own text is in strings_playground.py and strings_seq2seq.py)."""
from engine.attention.strings_playground import NW_STRINGS, PLAYGROUND_OWN
from engine.attention.strings_seq2seq import SEQ2SEQ_OWN

_CHARTS = {
    "axis_key": {"en": "key k_j", "zh": "键 k_j"},
    "axis_query": {"en": "query q_i", "zh": "查询 q_i"},
    "axis_feature": {"en": "feature (column)", "zh": "特征（列）"},
    "axis_row": {"en": "row", "zh": "行"},
    "score": {"en": "score", "zh": "评分"},
    "weight": {"en": "weight α", "zh": "权重 α"},
}

PLAYGROUND_STRINGS = {**_CHARTS, **PLAYGROUND_OWN}
SEQ2SEQ_STRINGS = {**_CHARTS, **SEQ2SEQ_OWN}

__all__ = ["NW_STRINGS", "PLAYGROUND_STRINGS", "SEQ2SEQ_STRINGS"]
