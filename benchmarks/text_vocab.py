"""Text and vocabularies: speed of the analysis on The Time Machine (next to the book's own
tokenize/Vocab loop), upload decoding speed, and how often the encoding is detected right on
short samples, ours against charset-normalizer alone."""
from __future__ import annotations

import collections
import re
from pathlib import Path

import engine.text as T
from benchmarks.timing import best_of

TM = Path(__file__).resolve().parents[1] / "../shared/data/timemachine.txt"

SAMPLES = {   # short texts a student might upload, each saved in the encodings its script uses
    "zh": ["你好，世界", "深度学习", "今天天气很好", "我们去公园散步吧。", "循环神经网络可以处理序列数据。",
           "长短期记忆网络有遗忘门、输入门和输出门。", "语言模型预测下一个词元。", "小猫在花园里玩。"],
    "tw": ["今天天氣很好，我們去公園散步吧。", "長短期記憶網路有遺忘門。", "語言模型預測下一個詞。"],
    "fr": ["Le café était très bon.", "Ça va très bien, merci !", "Noël à la plage, idée naïve.",
           "Où est la bibliothèque ?"],
    "de": ["Grüße aus München!", "Die Straße ist schön.", "Über den Wolken muß die Freiheit wohl grenzenlos sein."],
}
CODECS = {"zh": ("gbk", "gb18030", "utf-8", "utf-16"), "tw": ("big5", "utf-8"), "fr": ("latin-1", "cp1252", "utf-8"),
          "de": ("latin-1", "utf-8")}


class BookVocab:
    """d2l §8.2.3's ``Vocab``, as printed (only what ``load_corpus_time_machine`` uses)."""
    def __init__(self, tokens):
        counter = collections.Counter([token for line in tokens for token in line])
        self._token_freqs = sorted(counter.items(), key=lambda x: x[1], reverse=True)
        self.idx_to_token = ["<unk>"]
        self.token_to_idx = {"<unk>": 0}
        for token, freq in self._token_freqs:
            if token not in self.token_to_idx:
                self.idx_to_token.append(token)
                self.token_to_idx[token] = len(self.idx_to_token) - 1

    def __getitem__(self, tokens):
        if not isinstance(tokens, (list, tuple)):
            return self.token_to_idx.get(tokens, 0)
        return [self.__getitem__(token) for token in tokens]


def book_loop(lines):
    """The book's ``load_corpus_time_machine`` (d2l §8.2.4): clean, tokenize by character, Vocab, indices."""
    lines = [re.sub("[^A-Za-z]+", " ", line).strip().lower() for line in lines]
    tokens = [list(line) for line in lines]
    vocab = BookVocab(tokens)
    return [vocab[token] for line in tokens for token in line]


def run():
    if TM.exists():
        raw = TM.read_text()
        ref_s, ref = best_of(lambda: book_loop(raw.splitlines()), repeat=3)
        ours_s, (ids, vocab) = best_of(lambda: T.corpus_ids(T.time_machine_corpus(raw), "char"), repeat=3)
        yield {"name": "text_vocab.time_machine.corpus_ids_char", "seconds": round(ours_s, 4), "tokens": len(ids),
               "vocab": len(vocab), "book_loop_seconds": round(ref_s, 4), "ratio": round(ref_s / ours_s, 2),
               "same_ids": ids == ref}
        corpus = T.time_machine_corpus(raw)
        for token in ("char", "word"):
            s, a = best_of(lambda: T.analyse(corpus, T.Settings(token=token)), repeat=3)
            yield {"name": f"text_vocab.time_machine.analyse_{token}", "seconds": round(s, 4),
                   "tokens": a.num_tokens, "vocab": len(a.vocab), "zipf_alpha_unigrams": round(a.alphas[1], 3),
                   "tokens_per_second": round(a.num_tokens / s)}
        for codec in ("utf-8", "gbk", "latin-1", "utf-16"):
            text = {"gbk": T.chinese_text(0, 200_000), "latin-1": (" ".join(sum(SAMPLES.values(), [])[11:]) + "\n") * 3000}.get(codec, raw)
            data = text.encode(codec)
            s, u = best_of(lambda: T.decode_upload_info(data), repeat=2)
            yield {"name": f"text_vocab.decode_upload.{codec}", "seconds": round(s, 4), "mb": round(len(data) / 1e6, 2),
                   "mb_per_second": round(len(data) / 1e6 / s, 1), "detected": u.encoding}
    from charset_normalizer import from_bytes
    ours = theirs = total = 0
    for script, texts in SAMPLES.items():
        for text in texts:
            for codec in CODECS[script]:
                data = text.encode(codec)
                total += 1
                codec_ours, _ = T.detect_encoding(data)
                ours += data.decode(codec_ours).lstrip("\ufeff") == text
                best = from_bytes(data).best()
                theirs += best is not None and str(best).lstrip("\ufeff") == text
    yield {"name": "text_vocab.detect_short_samples", "samples": total, "ours_correct": ours,
           "charset_normalizer_alone_correct": theirs}
