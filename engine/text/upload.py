"""Uploaded .txt files: detect the encoding, normalise line endings, refuse what cannot be learned from.

The order of evidence: a byte-order mark, then strict UTF-8 (the most common case, and one that
almost never decodes by accident), then Western text in Latin-1/Windows-1252 (accented letters alone
in ASCII words), then Chinese double-byte encodings scored by how many of the characters are common
ones (detectors confuse short GBK text with Big5), then charset-normalizer for the rest.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache

from engine.text.vocab import Corpus

DEFAULT_MAX_CHARS = 300_000      # what a lesson keeps of an upload (The Time Machine is ~180,000 characters)
MIN_CHARS = 200                  # fewer non-space characters are too few to train on
MIN_DISTINCT = 5                 # fewer distinct characters are not a language
DETECT_BYTES = 1 << 18           # charset detection looks at the first 256 KiB
MAX_CONTROL_SHARE = 0.01         # more control characters than this: not text

_BOMS = (  # longest first: a UTF-32 LE mark begins with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32 LE"), (codecs.BOM_UTF32_BE, "utf-32", "UTF-32 BE"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 (BOM)"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16 LE"), (codecs.BOM_UTF16_BE, "utf-16", "UTF-16 BE"),
)
# charset-normalizer often names a neighbouring Western code page for Latin-1 text
_WESTERN = {"latin_1", "iso8859_1", "cp1252", "cp1250", "cp1257", "cp775", "cp850", "cp852", "cp437",
            "iso8859_2", "iso8859_4", "iso8859_9", "iso8859_13", "iso8859_15", "mac_roman", "mac_latin2",
            "cp1254", "cp858", "cp863", "cp865"}


class UploadError(ValueError):
    """An upload that cannot be used. ``key`` names the bilingual message in ``engine.text.STRINGS``,
    ``details`` fills it in."""

    def __init__(self, key: str, **details):
        self.key, self.details = key, details
        super().__init__(f"{key}: {details}")


@dataclass(frozen=True)
class Upload:
    """A decoded upload and what was found on the way."""
    corpus: Corpus
    encoding: str            # shown to the student, e.g. "UTF-8 (BOM)", "GBK", "Latin-1"
    codec: str               # the Python codec used
    num_bytes: int           # size of the file
    num_chars: int           # characters kept
    truncated: bool          # True if the file was longer than the budget
    line_endings: str        # "\n", "\r\n", "\r", "mixed" or "" (a single line)
    script: str = ""         # "ja" when kana show the text is Japanese (read as corpus.lang "zh")


@lru_cache(maxsize=1)
def _common_chinese() -> tuple[frozenset, frozenset]:
    """GB2312 level 1 (3,755 most used simplified characters) and Big5's frequently used block
    (5,401 traditional characters), each with their encoding's punctuation rows."""
    def block(codec, leads, trails):
        out = set()
        for lead in leads:
            for trail in trails:
                try:
                    out.add(bytes([lead, trail]).decode(codec))
                except UnicodeDecodeError:
                    pass
        return frozenset(out)
    gb = block("gb2312", [*range(0xA1, 0xA4), *range(0xB0, 0xD8)], range(0xA1, 0xFF))
    big5 = block("big5", range(0xA1, 0xC7), [*range(0x40, 0x7F), *range(0xA1, 0xFF)])
    return gb, big5


def _strict(raw: bytes, codec: str) -> str | None:
    """Decode, allowing only a character cut in half at the very end (the file may have been cut)."""
    try:
        return codecs.getincrementaldecoder(codec)("strict").decode(raw, final=False)
    except (UnicodeDecodeError, LookupError):
        return None


def _common_share(text: str, common: frozenset) -> tuple[float, int]:
    wide = [c for c in text[:100_000] if ord(c) > 0x7F]
    return (sum(c in common for c in wide) / len(wide) if wide else 0.0), len(wide)


def _plausible(text: str | None) -> float:
    """Share of characters that ordinary text is made of: printable ASCII, white space, Latin-1
    letters, and common Chinese characters (a wrong UTF-16 byte order gives rare code points)."""
    if not text:
        return 0.0
    gb, big5 = _common_chinese()
    sample = text[:20_000]
    ok = sum((" " <= c <= "~") or c in "\n\r\t" or ("\u00c0" <= c <= "\u00ff") or c in gb or c in big5
             for c in sample)
    return ok / len(sample)


def _latin_like(raw: bytes) -> bool:
    """Western text in a one-byte code page: its non-ASCII bytes, read as Windows-1252, are letters or
    signs standing alone or in pairs inside ASCII text ("très", "Grüße", "€5"). Chinese in GBK or Big5
    makes longer runs ("你好" is four bytes), and Cyrillic or Greek words too."""
    runs = re.findall(r"[^\x00-\x7f]+", raw[:DETECT_BYTES].decode("cp1252", errors="replace"))
    return bool(runs) and all(len(r) <= 2 and all(unicodedata.category(c)[0] in "LPS" and c != "\ufffd" for c in r)
                              for r in runs)


def detect_encoding(raw: bytes) -> tuple[str, str]:
    """``(codec, display name)`` for ``raw``; raises ``UploadError('upload_binary')`` when it is not text.
    ``raw`` may end in the middle of a character (a cut file)."""
    for bom, codec, name in _BOMS:
        if raw.startswith(bom):
            return codec, name
    sample = raw[:DETECT_BYTES]
    if b"\x00" in sample:                        # UTF-16 without a mark, or binary
        scores = {codec: _plausible(_strict(sample, codec)) for codec in ("utf-16-le", "utf-16-be")}
        codec = max(scores, key=scores.get)
        if scores[codec] >= 0.9:
            return codec, codec.upper().replace("-LE", " LE").replace("-BE", " BE")
        raise UploadError("upload_binary", reason="nul")
    if raw.isascii():
        return "ascii", "ASCII"
    if _strict(raw, "utf-8") is not None:       # the C decoders are fast: check all of it
        return "utf-8", "UTF-8"
    if _latin_like(raw):
        if not any(0x80 <= b <= 0x9F for b in raw):
            return "latin_1", "Latin-1 (ISO-8859-1)"
        if _strict(raw, "cp1252") is not None:
            return "cp1252", "Windows-1252"
    gb_common, big5_common = _common_chinese()
    gb, big5 = _strict(raw, "gb18030"), _strict(raw, "big5")
    gb_share, gb_wide = _common_share(gb, gb_common) if gb else (0.0, 0)
    big5_share, _ = _common_share(big5, big5_common) if big5 else (0.0, 0)
    if gb and gb_share >= 0.8 and gb_share >= big5_share:
        return ("gbk", "GBK") if _strict(raw, "gbk") is not None else ("gb18030", "GB18030")
    if big5 and big5_share >= 0.8:
        return "big5", "Big5"
    from charset_normalizer import from_bytes
    best = from_bytes(sample).best()
    if best is None:
        raise UploadError("upload_binary", reason="undecodable")
    codec = best.encoding
    if codec in _WESTERN:
        if not any(0x80 <= b <= 0x9F for b in raw):   # then Windows-1252 and Latin-1 read alike
            return "latin_1", "Latin-1 (ISO-8859-1)"
        if _strict(raw, "cp1252") is not None:
            return "cp1252", "Windows-1252"
    names = {"utf_16_le": "UTF-16 LE", "utf_16_be": "UTF-16 BE", "utf_32_le": "UTF-32 LE", "utf_32_be": "UTF-32 BE"}
    return codec, names.get(codec, codec.replace("_", "-").upper())


def _line_endings(text: str) -> str:
    crlf = text.count("\r\n")
    cr, lf = text.count("\r") - crlf, text.count("\n") - crlf
    kinds = [k for k, n in (("\r\n", crlf), ("\r", cr), ("\n", lf)) if n]
    return "mixed" if len(kinds) > 1 else (kinds[0] if kinds else "")


_LATIN_WORD = re.compile(r"[A-Za-zÀ-ÿ]+")


def _han(text: str) -> int:
    """CJK ideographs (the unified block and extension A)."""
    return sum("\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf" for c in text)


def is_japanese(text: str) -> bool:
    """True when kana (hiragana, katakana) make a tenth or more of the CJK characters: Japanese,
    which the lessons read like Chinese (characters; jieba for words, which knows no Japanese)."""
    head = text[:20_000]
    kana = sum("\u3040" <= c <= "\u30ff" for c in head)
    han = _han(head)
    return kana > 0 and kana >= 0.1 * (kana + han)


_SENTENCE = re.compile(r"[^\n.!?。！？；;]+[.!?。！？；;]*")


def _chinese_sentence(sentence: str) -> bool:
    """A sentence is Chinese when its ideographs make 30 % or more of its units of writing, counting
    each ideograph and each Latin-letter word as one unit: "我们学习 deep learning 和 PyTorch。" is a
    Chinese sentence with English terms (five ideographs, three words), though letters outnumber
    ideographs four to one."""
    han = _han(sentence)
    return han > 0 and han >= 0.3 * (han + len(_LATIN_WORD.findall(sentence)))


def is_chinese(text: str) -> bool:
    """True when Chinese sentences make at least half of the text, by characters. The share of the
    text decides, not the mere presence of Chinese: 3,000 characters of English with 500 of Chinese
    is English (its Chinese runs are still cut as Chinese, see ``engine.text.vocab.tokenize``), and a
    Chinese text with English terms in every sentence stays Chinese."""
    head = text[:20_000]
    chinese = total = 0
    for m in _SENTENCE.finditer(head):
        size = sum(not c.isspace() for c in m.group())
        total += size
        if _chinese_sentence(m.group()):
            chinese += size
    return chinese > 0 and chinese >= 0.5 * total


def _cut(text: str, max_chars: int) -> str:
    """At most ``max_chars``, ending at a line break (or a space) if one is near the end."""
    text = text[:max_chars]
    for sep in ("\n", " "):
        at = text.rfind(sep)
        if at >= 0.8 * max_chars:
            return text[:at]
    return text


def decode_upload_info(raw: bytes, max_chars: int = DEFAULT_MAX_CHARS, name: str = "upload.txt") -> Upload:
    """Decode an uploaded file, or raise ``UploadError`` saying why it cannot be used."""
    if not raw or not raw.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise UploadError("upload_empty")
    cut_bytes = len(raw) > 4 * max_chars + 4            # no encoding needs more than 4 bytes a character
    part = raw[:4 * max_chars + 4] if cut_bytes else raw
    codec, encoding = detect_encoding(part)
    try:
        # a cut file may end in half a character; a whole file must not
        text = codecs.getincrementaldecoder(codec)("strict").decode(part, final=not cut_bytes)
    except UnicodeDecodeError:
        raise UploadError("upload_binary", reason="undecodable", encoding=encoding) from None
    text = text.lstrip("\ufeff")
    endings = _line_endings(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    control = sum(unicodedata.category(c) == "Cc" and c not in "\n\t\f\v" for c in text[:100_000])
    if "\x00" in text or control > MAX_CONTROL_SHARE * min(len(text), 100_000):
        raise UploadError("upload_binary", reason="control", count=control)
    truncated = cut_bytes or len(text) > max_chars
    if len(text) > max_chars:
        text = _cut(text, max_chars)
    visible = [c for c in text if not c.isspace()]
    if not visible:
        raise UploadError("upload_empty")
    if len(visible) < MIN_CHARS:
        raise UploadError("upload_too_small", chars=len(visible), min_chars=MIN_CHARS)
    distinct = len(set(visible))
    if distinct < MIN_DISTINCT:
        raise UploadError("upload_too_few_tokens", distinct=distinct, min_distinct=MIN_DISTINCT)
    note = f"encoding: {encoding}" + (f"; truncated to {len(text):,} characters" if truncated else "")
    japanese = is_japanese(text)
    corpus = Corpus(name=name, text=text, lang="zh" if japanese or is_chinese(text) else "en", source="upload", note=note)
    return Upload(corpus, encoding, codec, len(raw), len(text), truncated, endings, "ja" if japanese else "")


def decode_upload(raw: bytes, max_chars: int = DEFAULT_MAX_CHARS, name: str = "upload.txt") -> Corpus:
    """The uploaded text as a ``Corpus`` (``note`` says the encoding and any truncation);
    raises ``UploadError(key, **details)`` for empty, binary, too small or too uniform files."""
    return decode_upload_info(raw, max_chars, name).corpus


def with_name(upload: Upload, name: str) -> Upload:
    return replace(upload, corpus=replace(upload.corpus, name=name))
