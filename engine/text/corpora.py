"""Corpora the project writes itself, so the sequence lessons work offline (d2l §9.2, DLFS2 ch. 6).

Each is deterministic from the seed. Two have long-range structure that a plain RNN struggles
to carry and an LSTM can (d2l §10.1): ``recall`` (a key's value must be remembered across a
stretch of filler) and ``brackets`` (every closing bracket must match the one opened long before).
``english`` and ``chinese`` are small original texts from a tiny grammar (no copyrighted books).
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from engine import settings as S
from engine.text.store import id_from_link
from engine.text.vocab import Corpus, Vocab

GENERATED = ("recall", "brackets", "english", "chinese")   # names, in the order the picker offers them
DEFAULT_CHARS = 20_000

# --- key–value recall ----------------------------------------------------------------------
RECALL_KEYS = "abcdefgh"
RECALL_VALUES = "0123456789"
RECALL_FILLER = "."
RECALL_NUM_PAIRS = 2
RECALL_MAX_DISTANCE = 40          # the training corpus mixes distances up to this
RECALL_ALPHABET = RECALL_KEYS + RECALL_VALUES + "=? " + RECALL_FILLER + "\n"


def recall_min_distance(num_pairs: int = RECALL_NUM_PAIRS) -> int:
    """The shortest distance the layout allows (the first pair asked, no filler): 4·num_pairs + 1."""
    return 4 * num_pairs + 1


def _recall_example(rng: random.Random, distance: int, num_pairs: int) -> tuple[str, str]:
    """``"a=3 c=7 " + filler + "?c="`` → ``"7"``. The pairs come first, in an order that does not depend
    on which one is asked; the filler then makes the distance from the asked value to the answer exact."""
    keys = rng.sample(RECALL_KEYS, num_pairs)
    values = [rng.choice(RECALL_VALUES) for _ in keys]
    j = rng.randrange(num_pairs)                         # the pair that will be asked for
    block = "".join(f"{k}={v} " for k, v in zip(keys, values))
    filler = distance - 3 - len(block) + (4 * j + 2)     # answer index - value index == distance
    return block + RECALL_FILLER * filler + f"?{keys[j]}=", values[j]


def recall_task(num_examples: int, distance: int, seed: int = 0,
                num_pairs: int = RECALL_NUM_PAIRS) -> tuple[list[str], list[str]]:
    """Examples of the key–value recall task at one distance, to measure memory against distance.

    ``inputs[i]`` is a string such as ``"..a=3 c=7 .......?a="`` and ``targets[i]`` the character that
    must come next (``"3"``). The asked value is exactly ``distance`` tokens before that next position:
    ``inputs[i][-distance] == targets[i]``. All inputs of one call have the same length
    (``distance + 4·num_pairs - 2``: leading filler pads them, as in the training text, where the
    lead is random), so they batch into one tensor. Feed them one character per time step with a
    vocabulary covering ``RECALL_ALPHABET`` (e.g. ``recall_vocab()``, or the one of
    ``corpus_ids(generate("recall"))``) and score the prediction after the last step: chance is 1/10.
    ``distance`` must be at least ``recall_min_distance(num_pairs)``; train on ``generate("recall")``
    (distances up to ``RECALL_MAX_DISTANCE``, random leads) rather than on ``recall_task``, whose padding
    reveals which pair is asked."""
    if not 1 <= num_pairs <= len(RECALL_KEYS):
        raise ValueError(f"num_pairs must be in 1..{len(RECALL_KEYS)}")
    if distance < recall_min_distance(num_pairs):
        raise ValueError(f"distance must be at least {recall_min_distance(num_pairs)} with {num_pairs} pairs")
    rng = random.Random(f"recall-{seed}-{distance}-{num_pairs}")
    length = distance + 4 * num_pairs - 2
    inputs, targets = [], []
    for _ in range(num_examples):
        text, target = _recall_example(rng, distance, num_pairs)
        inputs.append(RECALL_FILLER * (length - len(text)) + text)
        targets.append(target)
    return inputs, targets


def recall_vocab() -> Vocab:
    """A vocabulary holding every character of the recall task, in a fixed order."""
    return Vocab(list(RECALL_ALPHABET))


def recall_text(seed: int, num_chars: int = DEFAULT_CHARS, max_distance: int = RECALL_MAX_DISTANCE,
                num_pairs: int = RECALL_NUM_PAIRS) -> str:
    """One example per line (a random lead of filler, the prompt, then the answer), distances drawn
    uniformly from ``recall_min_distance`` to ``max_distance``."""
    rng = random.Random(f"recall-text-{seed}")
    lo = recall_min_distance(num_pairs)
    lines, size = [], 0
    while size < num_chars:
        text, target = _recall_example(rng, rng.randint(lo, max(lo, max_distance)), num_pairs)
        lines.append(RECALL_FILLER * rng.randint(0, 4 * (num_pairs - 1)) + text + target)
        size += len(lines[-1]) + 1
    return "\n".join(lines)


# --- nested brackets (a Dyck language) ------------------------------------------------------
BRACKETS = ("()", "[]", "{}", "<>")


def brackets_text(seed: int, num_chars: int = DEFAULT_CHARS, max_depth: int = 8) -> str:
    """Lines of well-nested brackets of four kinds with a few letters inside, e.g. ``"( [ab{ } ]c)"``.
    Which bracket closes next depends on what was opened, possibly many tokens before."""
    rng = random.Random(f"brackets-{seed}")
    lines, size = [], 0
    while size < num_chars:
        target_len = rng.randint(20, 80)
        out, stack = [], []
        while len(out) < target_len or stack:
            closing_only = len(out) >= target_len
            r = rng.random()
            if stack and (closing_only or r < 0.35 or len(stack) >= max_depth):
                out.append(stack.pop())
            elif r < 0.55 and not closing_only:
                out.append(rng.choice("abc"))
            else:
                pair = rng.choice(BRACKETS)
                out.append(pair[0])
                stack.append(pair[1])
        lines.append("".join(out))
        size += len(lines[-1]) + 1
    return "\n".join(lines)


def max_nesting(line: str) -> int:
    """The deepest nesting of a bracket line (0 if it has no brackets)."""
    depth = best = 0
    for c in line:
        if any(c == p[0] for p in BRACKETS):
            depth += 1
            best = max(best, depth)
        elif any(c == p[1] for p in BRACKETS):
            depth -= 1
    return best


# --- small original texts ------------------------------------------------------------------
_EN = {
    "S": [["the", "N", "V", "the", "N", "P", "the", "PL"], ["the", "A", "N", "V", "the", "N"],
          ["a", "N", "V", "ADV"], ["the", "N", "and", "the", "N", "V", "P", "the", "PL"],
          ["every", "morning", "the", "N", "V", "the", "A", "N"], ["the", "N", "was", "A", "and", "A"]],
    "N": ["cat", "dog", "bird", "child", "teacher", "farmer", "river", "boat", "lamp", "garden", "baker",
          "robot", "letter", "fox", "horse", "painter"],
    "V": ["saw", "found", "followed", "carried", "painted", "watched", "greeted", "helped", "liked", "counted"],
    "A": ["small", "old", "quiet", "bright", "green", "tired", "happy", "curious", "heavy", "gentle"],
    "ADV": ["slowly", "quickly", "again", "yesterday", "at night", "in the rain", "with care"],
    "P": ["near", "behind", "across", "inside", "beside", "under"],
    "PL": ["hill", "bridge", "market", "window", "forest", "station", "kitchen", "harbour"],
}
_ZH = {
    "S": [["N", "在", "PL", "V", "N", "。"], ["A", "的", "N", "V", "了", "N", "。"],
          ["今天", "N", "和", "N", "一起", "去", "PL", "。"], ["N", "ADV", "V", "着", "A", "的", "N", "。"],
          ["每天", "早上", "，", "N", "都", "在", "PL", "V", "N", "。"], ["N", "觉得", "PL", "很", "A", "。"]],
    "N": ["小猫", "小狗", "老师", "学生", "农民", "画家", "孩子", "小鸟", "机器人", "朋友", "奶奶", "渔夫"],
    "V": ["看见", "找到", "画", "帮助", "喜欢", "等待", "记得", "带来", "照顾", "读"],
    "A": ["安静", "明亮", "高兴", "好奇", "温暖", "古老", "美丽", "认真", "勇敢", "干净"],
    "ADV": ["慢慢地", "高兴地", "静静地", "认真地", "悄悄地"],
    "PL": ["花园", "河边", "学校", "市场", "山上", "厨房", "图书馆", "车站", "公园", "村子"],
}


def _grammar_text(grammar: dict, seed: int, num_chars: int, sep: str, tag: str) -> str:
    rng = random.Random(f"{tag}-{seed}")
    lines, line, size = [], [], 0
    while size < num_chars:
        words = [rng.choice(grammar[w]) if w in grammar else w for w in rng.choice(grammar["S"])]
        sentence = sep.join(words)
        if sep:
            sentence = sentence[0].upper() + sentence[1:] + "."
        line.append(sentence)
        size += len(sentence)                   # the separators only add to it
        if rng.random() < 0.25:                 # a paragraph of a few sentences per line
            lines.append(sep.join(line))
            line = []
    lines.append(sep.join(line))
    return "\n".join(l for l in lines if l)


def english_text(seed: int, num_chars: int = DEFAULT_CHARS) -> str:
    """Short English sentences from a small grammar: a corpus with a vocabulary of about 80 words."""
    return _grammar_text(_EN, seed, num_chars, " ", "english")


def chinese_text(seed: int, num_chars: int = DEFAULT_CHARS) -> str:
    """短句中文语料（小型语法生成）: character tokens by default, words with jieba."""
    return _grammar_text(_ZH, seed, num_chars, "", "chinese")


_MAKERS = {"recall": recall_text, "brackets": brackets_text, "english": english_text, "chinese": chinese_text}


def generate(name: str, seed: int = 0, num_chars: int = DEFAULT_CHARS) -> Corpus:
    """The generated corpus called ``name`` (one of ``GENERATED``), the same for the same seed."""
    if name not in _MAKERS:
        raise ValueError(f"unknown generated corpus {name!r}; choose one of {GENERATED}")
    text = _MAKERS[name](seed, num_chars)
    return Corpus(name=name, text=text, lang="zh" if name == "chinese" else "en", source="generated",
                  note=f"seed={seed}")


SOURCES = GENERATED + ("upload", "time_machine")


@dataclass(frozen=True)
class SourceBound(S.Bound):
    """The corpus choice, which a link may also give as ``upload:<16 hex digits>`` (an upload kept in
    ``engine.text.store``): that reads as the choice ``"upload"``; the picker looks the text up."""

    def adjust(self, value):
        if id_from_link(value) is not None:
            return "upload", None
        return super().adjust(value)


@dataclass(frozen=True)
class CorpusSettings:
    """Which corpus a sequence lesson reads (the shared corpus picker). Its one field, ``corpus``,
    is in the URL; a page's own Settings must not have a field of that name."""
    corpus: str = field(default="english", metadata={"bound": SourceBound("choice", options=SOURCES),
                                                      "doc": "a generated corpus, an upload, or The Time Machine"})

    def __post_init__(self):
        S.check(self)
