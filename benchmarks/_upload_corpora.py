"""Corpora shaped like what students upload, built in code (nothing downloaded), for
``benchmarks/upload_corpus.py`` and the tests of adapted defaults.

``chinese_upload``: ≈ 60,000 characters with ≈ 2,500 distinct ones. Words of one to four characters
are drawn from a seeded inventory of CJK characters; the words come in categories (nouns, verbs,
adjectives, places, people, four-character set phrases) that sentence templates combine, every
choice Zipf-distributed, so frequent words and phrases repeat (there is something to learn) and
a long tail of rare characters makes the vocabulary as large as a real novel excerpt's.

``english_upload``: ≈ 60,000 words, a few thousand distinct: real function words, content words made of
syllables (Zipf-distributed within their category), the same kind of templates.
"""
from __future__ import annotations

import random

from engine.text import Corpus

# frequent real function characters/words, so the text looks like Chinese where it matters most
_ZH_FUNCTION = ["的", "了", "在", "是", "我", "他", "她", "我们", "他们", "这", "那", "一个", "不", "也", "就", "都",
                "和", "说", "有", "很", "着", "到", "要", "会", "里", "上", "去", "来", "又", "还"]
_ZH_TEMPLATES = [
    ["P", "在", "PL", "V", "了", "N", "。"],
    ["A", "的", "N", "在", "PL", "里", "V", "着", "。"],
    ["P", "说", "：", "“", "我们", "要", "V", "N", "。", "”"],
    ["那", "一个", "A", "的", "N", "，", "P", "很", "V", "。"],
    ["IDIOM", "，", "P", "和", "P", "都", "去", "了", "PL", "。"],
    ["P", "又", "V", "了", "一个", "N", "，", "IDIOM", "。"],
    ["他们", "在", "PL", "V", "N", "，", "也", "V", "N", "。"],
    ["P", "不", "会", "V", "A", "的", "N", "。"],
    ["这", "是", "P", "的", "N", "，", "A", "而", "A", "。"],
    ["到", "了", "PL", "，", "P", "就", "V", "N", "。"],
]
_ZH_SIZES = {"N": 2000, "V": 800, "A": 400, "PL": 300, "P": 220, "IDIOM": 180}
_ZH_LENGTHS = {"N": (1, 2, 2, 2, 3), "V": (1, 1, 2, 2), "A": (1, 2, 2), "PL": (2, 2, 3), "P": (2, 3), "IDIOM": (4,)}


def _zipf_index(rng: random.Random, n: int, s: float = 1.1) -> int:
    """An index in [0, n) with P(i) ∝ 1/(i+1)^s (inverse-CDF on a cached table)."""
    key = (n, s)
    cdf = _CDF.get(key)
    if cdf is None:
        w = [1.0 / (i + 1) ** s for i in range(n)]
        total, acc, cdf = sum(w), 0.0, []
        for x in w:
            acc += x / total
            cdf.append(acc)
        _CDF[key] = cdf
    import bisect
    return min(n - 1, bisect.bisect_left(cdf, rng.random()))


_CDF: dict = {}


def _grammar(rng: random.Random, templates, words: dict, sep: str, num_units: int, count) -> str:
    lines, line, size = [], [], 0
    while size < num_units:
        t = templates[_zipf_index(rng, len(templates), 0.6)]
        sentence = sep.join(words[w][_zipf_index(rng, len(words[w]), 1.0)] if w in words else w for w in t)
        line.append(sentence)
        size += count(sentence)
        if rng.random() < 0.2:
            lines.append(sep.join(line))
            line = []
    lines.append(sep.join(line))
    return "\n".join(l for l in lines if l)


def chinese_upload(seed: int = 0, num_chars: int = 60_000) -> Corpus:
    rng = random.Random(f"zh-upload-{seed}")
    inventory = rng.sample(range(0x4E00, 0x9FA6), 3200)
    chars = [chr(c) for c in inventory]
    words = {}
    for cat, n in _ZH_SIZES.items():
        ws = []
        while len(ws) < n:
            w = "".join(chars[_zipf_index(rng, len(chars), 0.4)] for _ in range(rng.choice(_ZH_LENGTHS[cat])))
            if w not in ws:
                ws.append(w)
        words[cat] = ws
    text = _grammar(rng, _ZH_TEMPLATES, words, "", num_chars, len)
    return Corpus(name="chinese_upload.txt", text=text, lang="zh", source="upload", note=f"generated, seed={seed}")


_EN_SYLLABLES = ["ka", "lo", "mi", "ter", "son", "ran", "bel", "dor", "fi", "gan", "hu", "jen", "kor", "lin", "mar",
                 "nel", "po", "qua", "ris", "sta", "tor", "un", "ver", "wil", "ax", "bro", "cle", "den", "es", "fro"]
_EN_TEMPLATES = [
    ["the", "N", "V", "the", "A", "N", "in", "the", "PL", "."],
    ["P", "said", "that", "the", "N", "was", "A", "."],
    ["every", "morning", "P", "V", "a", "N", "and", "a", "N", "."],
    ["the", "A", "N", "and", "the", "N", "V", "near", "the", "PL", "."],
    ["P", "and", "P", "V", "the", "N", "again", "."],
    ["it", "was", "A", "in", "the", "PL", ",", "and", "P", "V", "it", "."],
    ["when", "P", "V", "the", "N", ",", "the", "N", "was", "A", "."],
    ["there", "is", "a", "N", "in", "the", "PL", "that", "P", "V", "."],
]
_EN_SIZES = {"N": 2200, "V": 900, "A": 600, "PL": 400, "P": 300}


def english_upload(seed: int = 0, num_words: int = 60_000) -> Corpus:
    rng = random.Random(f"en-upload-{seed}")
    words = {}
    for cat, n in _EN_SIZES.items():
        ws = set()
        out = []
        while len(out) < n:
            w = "".join(rng.choice(_EN_SYLLABLES) for _ in range(rng.choice((1, 2, 2, 3))))
            w = w + {"V": "ed", "A": "y", "PL": "ton"}.get(cat, "")
            if w not in ws:
                ws.add(w)
                out.append(w.capitalize() if cat == "P" else w)
        words[cat] = out
    text = _grammar(rng, _EN_TEMPLATES, words, " ", num_words, lambda s: len(s.split()))
    text = text.replace(" .", ".").replace(" ,", ",")
    return Corpus(name="english_upload.txt", text=text, lang="en", source="upload", note=f"generated, seed={seed}")
