"""engine.text: the book's tokenize/Vocab on The Time Machine, uploads in many encodings and the
refusals, the generated corpora, the checksum-verified download, and the n-gram/Zipf analysis."""
from __future__ import annotations

import codecs
import io
import urllib.error
from pathlib import Path

import pytest

import engine.text as T
from engine.datasets.download import DownloadError

DATA = Path(__file__).resolve().parents[2] / "../shared/data"
TM_PATH = DATA / "timemachine.txt"


@pytest.fixture(scope="module")
def tm_bytes() -> bytes:
    if not TM_PATH.exists():
        pytest.skip("../shared/data/timemachine.txt is not here")
    return TM_PATH.read_bytes()


@pytest.fixture(scope="module")
def tm(tm_bytes) -> T.Corpus:
    return T.time_machine_corpus(tm_bytes.decode("utf-8"))


# --- the book (d2l §8.2–8.3) ------------------------------------------------------------------
def test_time_machine_char_and_word_vocab_as_the_book(tm):
    ids, vocab = T.corpus_ids(tm, "char")
    assert (len(ids), len(vocab)) == (170580, 28)                  # the book prints (170580, 28)
    assert vocab.idx_to_token[:4] == ["<unk>", " ", "e", "t"]
    tokens = T.tokenize(tm.lines, "word")
    assert tokens[0] == ["the", "time", "machine", "by", "h", "g", "wells"]
    vocab = T.Vocab(tokens)
    assert list(vocab.token_to_idx.items())[:10] == [("<unk>", 0), ("the", 1), ("i", 2), ("and", 3), ("of", 4),
                                                     ("a", 5), ("to", 6), ("was", 7), ("in", 8), ("that", 9)]
    assert len(vocab) == 4580
    assert vocab.token_freqs[:3] == [("the", 2261), ("i", 1267), ("and", 1245)]
    ids, _ = T.corpus_ids(tm, "word", max_tokens=100)
    assert len(ids) == 100 and ids[:3] == [1, 19, 50]


def test_ngrams_as_the_book(tm):
    a = T.analyse(tm, T.Settings(token="word"))
    assert a.ngram_counts[2][:3] == [(("of", "the"), 309), (("in", "the"), 169), (("i", "had"), 130)]
    assert a.ngram_counts[3][0] == (("the", "time", "traveller"), 59)
    # Zipf: unigram exponent near 1 for English words, and the higher n-grams decay more slowly (d2l §8.3.2)
    assert 0.8 < a.alphas[1] < 1.3 and a.alphas[1] > a.alphas[2] > a.alphas[3]


def test_vocab_min_freq_unk_and_reserved():
    tokens = [["a", "b", "a", "c"], ["a", "b", "d"]]
    vocab = T.Vocab(tokens, min_freq=2, reserved_tokens=["<pad>"])
    assert vocab.idx_to_token == ["<unk>", "<pad>", "a", "b"]
    assert vocab["a"] == 2 and vocab["zzz"] == vocab.unk == 0 and vocab[["b", "c"]] == [3, 0]
    assert vocab.to_tokens([2, 3, 0]) == ["a", "b", "<unk>"] and vocab.to_tokens(1) == "<pad>"
    assert vocab.token_freqs == [("a", 3), ("b", 2), ("c", 1), ("d", 1)]
    assert T.count_corpus(["x", "y", "x"]) == {"x": 2, "y": 1}
    a = T.analyse(T.Corpus("t", "aab\nabc", "en"), T.Settings(token="char", min_freq=2))
    assert a.unk_share == pytest.approx(1 / 6)                      # only "c" is rarer than 2
    assert T.vocab_frame(a)["count"].tolist() == [1, 3, 2]          # <unk> counts what it replaces


def test_english_words_cut_punctuation_and_chars_keep_spaces():
    assert T.tokenize(["The cat's mat, here."], "word") == [["The", "cat's", "mat", ",", "here", "."]]
    assert T.tokenize(["ab c"], "char") == [["a", "b", " ", "c"]]
    with pytest.raises(ValueError):
        T.tokenize(["x"], "byte")


def test_chinese_chars_by_default_and_words_with_jieba():
    line = "我们 爱 自然语言处理和深度学习。"
    chars = T.tokenize([line], lang="zh")[0]
    assert chars == [c for c in line if c != " "]                  # no spaces between Chinese characters
    words = T.tokenize([line], "word", "zh")[0]
    assert "".join(words) == line.replace(" ", "")                  # jieba cuts, loses nothing
    assert len(words) < len(chars) and any(len(w) >= 2 for w in words) and "学习" in "".join(words)
    ids, vocab = T.corpus_ids(T.generate("chinese"), "word")
    assert len(vocab) < 200 and len(ids) > 5000 and vocab.idx_to_token[1] == "。"


# --- uploads: encodings ------------------------------------------------------------------------
EN = "It was a bright cold day in April, and the clocks were striking thirteen.\n" * 5
FR = "Le café était très bon; nous avons parlé de l'été à Noël, une idée naïve. Ça va.\n" * 5
ZH = "今天天气很好，我们去公园散步吧。小猫在花园里玩，孩子们在河边读书。学习深度学习需要耐心。\n" * 8
TW = "今天天氣很好，我們去公園散步吧。小貓在花園裡玩，孩子們在河邊讀書。學習需要耐心。\n" * 8


@pytest.mark.parametrize("text, codec, shown", [
    (EN, "ascii", "ASCII"),
    (FR, "utf-8", "UTF-8"),
    (ZH, "utf-8", "UTF-8"),
    (ZH, "utf-8-sig", "UTF-8 (BOM)"),
    (ZH, "utf-16", "UTF-16 LE"),                       # Python writes a BOM, little-endian here
    (FR, "utf-16-be", "UTF-16 BE"),                    # no BOM: found by its NUL bytes
    (ZH, "utf-16-le", "UTF-16 LE"),                    # no BOM and no NUL: charset-normalizer finds it
    (codecs.BOM_UTF16_BE.decode("utf-16-be") + ZH, "utf-16-be", "UTF-16 BE"),
    (ZH, "gbk", "GBK"),
    (ZH + "𠀀㐀\n", "gb18030", "GB18030"),               # characters only GB18030 has
    (TW, "big5", "Big5"),
    (FR, "latin-1", "Latin-1 (ISO-8859-1)"),
    ("“Curly quotes” cost €5 — twice.\n" * 10, "cp1252", "Windows-1252"),
], ids=["ascii", "utf8-fr", "utf8-zh", "utf8-bom", "utf16-bom", "utf16be-nobom", "utf16le-nobom", "utf16be-bom",
        "gbk", "gb18030", "big5", "latin1", "cp1252"])
def test_upload_encodings_round_trip(text, codec, shown):
    u = T.decode_upload_info(text.encode(codec), name="f.txt")
    assert u.encoding == shown
    assert u.corpus.text == text.lstrip("\ufeff")
    assert u.corpus.lang == ("zh" if "天" in text else "en")
    assert u.corpus.source == "upload" and shown in u.corpus.note and not u.truncated


@pytest.mark.parametrize("text, codec", [
    ("你好，世界", "gbk"), ("深度学习", "gbk"), ("今天天气很好", "gbk"), ("我们去公园散步吧。", "gbk"),
    ("Ça va très bien, merci !", "latin-1"), ("Grüße aus München!", "latin-1"), ("Noël à la plage.", "cp1252"),
    ("Привет, как дела? Это проверка кодировки.", "cp1251"),
])
def test_short_samples_are_read_right(text, codec):
    # charset-normalizer alone reads the Chinese ones as Big5/CP949 mojibake, and "Grüße" as UTF-16
    data = text.encode(codec)
    found, _ = T.detect_encoding(data)
    assert data.decode(found) == text


def test_line_endings_are_normalised():
    body = EN.replace("\n", "\r\n")
    u = T.decode_upload_info(body.encode())
    assert "\r" not in u.corpus.text and u.corpus.text == EN and u.line_endings == "\r\n"
    u = T.decode_upload_info(EN.replace("\n", "\r").encode("utf-16"))
    assert u.corpus.text == EN and u.line_endings == "\r"


@pytest.mark.parametrize("raw, key", [
    (b"", "upload_empty"),
    (b"  \n\t \r\n", "upload_empty"),
    (codecs.BOM_UTF8, "upload_empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, "upload_binary"),
    (bytes(range(1, 32)) * 40, "upload_binary"),                    # control characters, no NUL
    (b"hello world", "upload_too_small"),
    (b"ab " * 400, "upload_too_few_tokens"),
])
def test_refusals_say_why(raw, key):
    with pytest.raises(T.UploadError) as e:
        T.decode_upload(raw)
    assert e.value.key == key
    assert key in T.CORPUS_STRINGS and all(T.CORPUS_STRINGS[key].values())
    T.CORPUS_STRINGS[key]["en"].format(**e.value.details)             # the details fill the message


def test_large_files_are_truncated_with_notice(tm_bytes):
    u = T.decode_upload_info(tm_bytes * 3, max_chars=100_000, name="big.txt")
    assert u.truncated and 80_000 <= u.num_chars <= 100_000 and u.num_bytes == 3 * len(tm_bytes)
    assert u.corpus.text.endswith("\n") is False and "truncated" in u.corpus.note
    # a multi-byte text cut in the middle of a character before decoding still decodes
    zh = (ZH.replace("\n", "") * 1000).encode("utf-8")
    u = T.decode_upload_info(zh + b"\xe4", max_chars=30_000)             # ends in half a character
    assert u.truncated and u.num_chars == 30_000 and u.corpus.text == zh.decode()[:30_000]
    whole = T.decode_upload_info(tm_bytes)
    assert not whole.truncated and whole.num_chars == len(tm_bytes.decode())


# --- generated corpora ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", T.GENERATED)
def test_generated_corpora_are_deterministic(name):
    a, b, c = T.generate(name, 0), T.generate(name, 0), T.generate(name, 1)
    assert a == b and a.text != c.text and len(a.text) >= T.DEFAULT_CHARS and a.source == "generated"
    assert a.lang == ("zh" if name == "chinese" else "en")
    ids, vocab = T.corpus_ids(a, "char")
    assert 10 < len(vocab) < 120 and vocab.unk not in ids


def test_brackets_are_well_nested():
    pairs = dict(T.corpora.BRACKETS)
    for line in T.generate("brackets", 3).lines:
        stack = []
        for ch in line:
            if ch in pairs:
                stack.append(pairs[ch])
            elif ch in pairs.values():
                assert stack.pop() == ch
        assert not stack and 1 <= T.max_nesting(line) <= 8


@pytest.mark.parametrize("distance, num_pairs", [(5, 1), (9, 2), (17, 2), (60, 3)])
def test_recall_task_targets_sit_at_the_distance(distance, num_pairs):
    inputs, targets = T.recall_task(200, distance, seed=0, num_pairs=num_pairs)
    assert len({len(x) for x in inputs}) == 1 and len(inputs[0]) == distance + 4 * num_pairs - 2
    for x, y in zip(inputs, targets):
        key = x[-2]
        assert x.endswith(f"?{key}=") and x[-distance] == y and x[-distance - 2:-distance] == f"{key}="
        assert x.count(f"{key}=") == 2                                 # asked once, given once
        assert set(x) <= set(T.RECALL_ALPHABET)
    assert len(set(targets)) == 10                                      # all ten values occur
    assert T.recall_task(200, distance, 0, num_pairs) == (inputs, targets)
    assert T.recall_task(200, distance, 1, num_pairs) != (inputs, targets)


def test_recall_task_bounds_and_text():
    with pytest.raises(ValueError):
        T.recall_task(3, T.recall_min_distance(2) - 1, num_pairs=2)
    vocab = T.recall_vocab()
    assert len(vocab) == len(T.RECALL_ALPHABET) + 1
    for line in T.generate("recall").lines:                            # every line answers its own question
        key, answer = line[-3], line[-1]
        assert line[-4] == "?" and f"{key}={answer} " in line


# --- The Time Machine download ---------------------------------------------------------------------
class FakeResponse(io.BytesIO):
    headers = {}

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()


def test_time_machine_download_verified_and_cached(tm_bytes, tmp_path):
    calls = []
    opener = lambda url, timeout: (calls.append(url), FakeResponse(tm_bytes))[1]
    c = T.load_time_machine(cache_dir=tmp_path, opener=opener)
    assert calls == [T.TIME_MACHINE_URL] and c.source == "time_machine"
    assert c.lines[0] == "the time machine by h g wells" and (tmp_path / "timemachine.txt").exists()

    def offline(url, timeout):
        raise urllib.error.URLError("no network")
    assert T.load_time_machine(cache_dir=tmp_path, opener=offline) == c      # cached: no network needed


def test_time_machine_checksum_failure_and_offline(tm_bytes, tmp_path):
    corrupted = tm_bytes.replace(b"Time Traveller", b"Time Travellor", 1)
    with pytest.raises(DownloadError, match="broken or incomplete"):
        T.load_time_machine(cache_dir=tmp_path, opener=lambda url, timeout: FakeResponse(corrupted))
    assert not list(tmp_path.iterdir())                                      # nothing broken is kept

    def offline(url, timeout):
        raise urllib.error.URLError("no network")
    with pytest.raises(DownloadError, match="network"):
        T.load_time_machine(cache_dir=tmp_path, opener=offline)


# --- analysis ---------------------------------------------------------------------------------------
def test_zipf_fit_recovers_an_exact_power_law():
    counts = [round(1e6 * i ** -1.5) for i in range(1, 200)]
    alpha, c, lo, hi = T.zipf_fit(counts)
    assert alpha == pytest.approx(1.5, abs=0.01) and lo == 2 and hi == 199


def test_ngram_frame_and_zipf_frame_shapes():
    a = T.analyse(T.generate("english"), T.Settings(token="word", top_k=5))
    df = T.ngram_frame(a, 2, 5)
    assert len(df) == 5 and (df["count"].diff().dropna() <= 0).all() and df["token"].str.contains(" ").all()
    z = T.zipf_frame(a)
    assert set(z["n"]) == {1, 2, 3} and (z.groupby("n")["count"].apply(lambda s: s.is_monotonic_decreasing)).all()
    empty = T.analyse(T.Corpus("e", "   ", "en"), T.Settings(token="word"))
    assert empty.num_tokens == 0 and len(empty.vocab) == 1 and T.zipf_frame(empty).empty


def test_mixed_chinese_and_english_is_chinese_and_cut_into_words():
    """A Chinese text full of English terms: fewer ideographs than letters, but most of its words are
    Chinese. It is read as Chinese, so word tokens cut 我们学习 with jieba (found in a new-user pass)."""
    from engine.text import decode_upload_info, is_chinese

    mixed = "我们学习 deep learning 和 PyTorch。The model 使用 attention 机制。\n" * 40
    assert is_chinese(mixed)
    info = decode_upload_info(mixed.encode("utf-8"), 100_000, "mixed.txt")
    assert info.corpus.lang == "zh"
    words = T.tokenize(info.corpus.lines[:1], "word", "zh")[0]
    assert "我们" in words and "学习" in words and "deep" in words
    english = ("It was a bright cold day in April, and the clocks were striking thirteen. 北京 " * 50)
    assert not is_chinese(english)


_ENGLISH_PARA = ("The Time Traveller was expounding a recondite matter to us. His grey eyes shone and "
                 "twinkled, and his usually pale face was flushed and animated.\n")


def test_mostly_english_upload_with_some_chinese_is_english_and_keeps_its_spaces():
    """issue 15: 3,000 Latin characters with 500 Chinese ones were called Chinese and cut into single
    letters with the spaces dropped. The share of the text decides; Latin runs keep their spaces
    (character tokens) and their white-space words (word tokens), Chinese runs go through jieba."""
    from engine.language_model.core import join_tokens
    from engine.text import decode_upload_info, is_chinese

    english = (_ENGLISH_PARA * 40)[:3000]
    chinese = ("我们在这一章学习循环神经网络和注意力机制，模型根据前面的词元预测下一个词元。\n" * 20)[:500]
    text = english + "\n" + chinese
    assert sum("\u4e00" <= c <= "\u9fff" for c in text) > 400
    assert not is_chinese(text)
    info = decode_upload_info(text.encode("utf-8"), 100_000, "mixed.txt")
    assert info.corpus.lang == "en"
    line = info.corpus.lines[0]
    for lang in ("en", "zh"):        # whichever the label, a Latin line keeps its spaces between words
        chars = T.tokenize([line], "char", lang)[0]
        assert "".join(chars) == line and chars.count(" ") == line.count(" ") > 10
        assert T.tokenize([line], "word", lang)[0][:4] == ["The", "Time", "Traveller", "was"]
    zh_line = next(li for li in info.corpus.lines if "循环" in li)
    words = T.tokenize([zh_line], "word", "en")[0]
    assert "循环" in words and ("神经网络" in words or "神经" in words)     # jieba, not one \w+ blob
    assert max(len(w) for w in words) <= 4
    # character tokens of a Chinese text with English terms keep one space between Latin words
    mixed = "我们用 deep  learning 训练模型， the model 学习 attention。"
    chars = T.tokenize([mixed], "char", "zh")[0]
    assert "".join(chars) == "我们用deep learning训练模型，the model学习attention。"
    w = T.tokenize([mixed], "word", "zh")[0]
    assert w[:4] == ["我们", "用", "deep", "learning"] and "attention" in w
    assert join_tokens(w, "word", "zh") == "我们用deep learning训练模型，the model学习attention。"


def test_mostly_chinese_upload_with_english_terms_is_chinese():
    from engine.text import decode_upload_info, is_chinese

    zh = ("深度学习（deep learning）使用反向传播（backpropagation）计算梯度，再用随机梯度下降更新参数。"
          "循环神经网络（RNN）和长短期记忆网络（LSTM）处理序列数据。\n") * 30
    zh += _ENGLISH_PARA * 3                     # a quoted English paragraph does not change that
    assert is_chinese(zh)
    info = decode_upload_info(zh.encode("utf-8"), 100_000, "zh_terms.txt")
    assert info.corpus.lang == "zh"
    chars = T.tokenize(info.corpus.lines[:1], "char", "zh")[0]
    assert "深" in chars and chars.count(" ") == 1 and "（deep learning）" in "".join(chars)   # the one Latin-Latin space
    words = T.tokenize(info.corpus.lines[:1], "word", "zh")[0]
    assert "deep" in words and "learning" in words and "backpropagation" in words and "深度" in words


def test_japanese_upload_is_named_japanese_and_read_like_chinese():
    from engine.text import decode_upload_info

    ja = "吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。\n" * 30
    info = decode_upload_info(ja.encode("shift_jis"), 100_000, "neko.txt")
    assert info.script == "ja" and info.corpus.lang == "zh"
    zh = decode_upload_info(("今天天气很好，我们去公园散步吧。\n" * 30).encode("gbk"), 100_000, "zh.txt")
    assert zh.script == "" and zh.corpus.lang == "zh"


def test_zipf_text_follows_the_fitted_exponents(tm):
    """The book reports smaller exponents for bigrams and trigrams (Time Machine words): true
    there; on the generated Chinese corpus (characters) α₂ and α₃ come out larger than α₁, and the
    page must say so instead of repeating the book."""
    from engine.i18n import Translator
    words = T.analyse(tm, T.Settings(token="word"))
    assert T.compare_exponents(words.alphas) == {2: "smaller", 3: "smaller", "as_book": True}
    zh = T.analyse(T.generate("chinese", 0), T.Settings(token="char"))
    assert [round(zh.alphas[n], 2) for n in (1, 2, 3)] == [0.61, 1.19, 0.89]
    cmp = T.compare_exponents(zh.alphas)
    assert cmp == {2: "larger", 3: "larger", "as_book": False}
    assert T.compare_exponents({1: 1.0, 2: 1.03, 3: 0.5})[2] == "close"
    assert T.compare_exponents({1: 1.0, 2: float("nan"), 3: 0.5}) == {2: "unknown", 3: "smaller", "as_book": False}
    for lang, larger, differs in (("en", "larger than", "not the book's pattern"), ("zh", "大于", "与书中的规律不同")):
        tr = Translator(lang, T.STRINGS)
        text = tr("explain_zipf", lo=2, hi=96, alpha=zh.alphas[1], ratio=10.0, alpha2=zh.alphas[2], alpha3=zh.alphas[3],
                  n1=96, n2=665, n3=2252, rel2=tr(f"zipf_rel.{cmp[2]}"), rel3=tr(f"zipf_rel.{cmp[3]}"),
                  verdict=tr("zipf_not_as_book", lo=2, hi=96))
        assert "1.19" in text and larger in text and differs in text
