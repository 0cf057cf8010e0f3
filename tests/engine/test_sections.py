"""Section references (engine/sections.py): one table, each language its own edition (English:
d2l-en, 中文: d2l-zh 2.0). Every citation in every string goes through the table."""
import re
from pathlib import Path

import pytest

import streamlit_app
from engine import sections as SEC
from engine.i18n import Translator
from tests.engine.string_tables import string_tables, strings

ROOT = Path(__file__).resolve().parents[2]
NUMBER = re.compile(r"^\d+(\.\d+)*$")


def test_every_entry_has_both_editions():
    assert len(SEC.SECTIONS) > 30
    for key, entry in SEC.SECTIONS.items():
        assert set(entry) == {"en", "zh"}, key
        for lang, ref in entry.items():
            assert NUMBER.match(ref.number) and ref.title and ref.book in SEC.BOOKS, (key, lang)


def test_the_editions_differ_where_the_books_do():
    """The issue's examples: one topic, two numbers, each in its own book."""
    en, zh = (lambda k: SEC.cite(k, "en")), (lambda k: SEC.cite(k, "zh"))
    assert (en("bptt"), zh("bptt")) == ("d2l §9.7", "d2l 8.7 节")
    assert (en("grad_clipping"), zh("grad_clipping")) == ("d2l §9.5.3", "d2l 8.5.5 节")
    assert (en("zipf"), zh("zipf")) == ("d2l §9.2.5", "d2l 8.3.3 节")
    assert (en("masked_softmax"), zh("masked_softmax")) == ("d2l §11.3.2.1", "d2l 10.3.1 节")
    assert (en("additive_attention"), zh("additive_attention")) == ("d2l §11.3.4", "d2l 10.3.2 节")
    assert (en("seq2seq"), zh("seq2seq")) == ("d2l §10.7", "d2l 9.7 节")
    assert (en("numerical_stability"), zh("numerical_stability")) == ("d2l §5.4", "d2l 4.8 节")


def test_optimization_chapter_is_12_in_d2l_en_and_11_in_d2l_zh():
    """The same sections in the same order (read from both books' chapter_optimization)."""
    en, zh = (lambda k: SEC.cite(k, "en")), (lambda k: SEC.cite(k, "zh"))
    assert (en("gd"), zh("gd")) == ("d2l §12.3", "d2l 11.3 节")
    assert (en("leaky_averages"), zh("leaky_averages")) == ("d2l §12.6.1.1", "d2l 11.6.1.1 节")
    assert (en("airfoil"), zh("airfoil")) == ("d2l §12.5.3", "d2l 11.5.3 节")
    assert (en("adam"), zh("adam")) == ("d2l §12.10", "d2l 11.10 节")
    assert (en("sgd..lr_scheduler"), zh("sgd..lr_scheduler")) == ("d2l §12.4–12.11", "d2l 11.4–11.11 节")
    chapter = [k for k, e in SEC.SECTIONS.items() if e["en"].number.startswith("12.") and e["en"].number.count(".") == 1]
    assert [SEC.ref(k, "en").number for k in chapter] == [f"12.{i}" for i in range(1, 12)]
    assert [SEC.ref(k, "zh").number for k in chapter] == [f"11.{i}" for i in range(1, 12)]


def test_the_book_run_of_the_language_model_cites_the_edition_that_has_it():
    """d2l-zh's 500-epoch ``train_ch8`` runs; in English, d2l-en 0.17 (same run, same numbers), not the
    current d2l-en, whose §9.6 and §10.1–10.2 train other settings."""
    import engine.language_model as L
    cites = {m: (SEC.cite(k, "en"), SEC.cite(k, "zh")) for m, k in L.BOOK_SECTION.items()}
    assert cites == {"rnn": ("d2l 0.17 §8.6", "d2l 8.6 节"), "gru": ("d2l 0.17 §9.1", "d2l 9.1 节"),
                     "lstm": ("d2l 0.17 §9.2", "d2l 9.2 节")}
    done = Translator("en", L.STRINGS)("book_done", section=cites["lstm"][0], model="LSTM", train=1, epochs=500,
                                       held=2, book=1.0)
    assert done.startswith("**The book's run (d2l 0.17 §9.2, LSTM)**")


def test_lists_ranges_and_other_books():
    assert SEC.cite("seq2seq, bahdanau", "en") == "d2l §10.7, §11.4"
    assert SEC.cite("seq2seq, bahdanau", "zh") == "d2l 9.7、10.4 节"
    assert SEC.cite("linreg_scratch..linreg_concise", "en") == "d2l §3.4–3.5"
    assert SEC.cite("linreg_scratch..linreg_concise", "zh") == "d2l 3.2–3.3 节"
    assert SEC.cite("mlp_scratch, mlp_concise", "en") == "d2l §5.2"            # one section in d2l-en
    assert SEC.cite("numerical_stability, bptt, dlfs2_rnn_problems", "zh") == "d2l 4.8、8.7 节；《深度学习进阶》6.1 节"
    assert SEC.cite("large_pretraining", "zh") == "d2l 英文版 11.9 节"          # d2l-zh 2.0 has no such section
    with pytest.raises(ValueError):
        SEC.cite("bptt..dlfs2_lstm", "en")


def test_translator_fills_citations_for_its_language():
    table = {"k": {"en": "BPTT (⟦bptt⟧), η = {lr}", "zh": "通过时间反向传播（⟦bptt⟧），η = {lr}"}}
    assert Translator("en", table)("k", lr=0.1) == "BPTT (d2l §9.7), η = 0.1"
    assert Translator("zh", table)("k", lr=0.1) == "通过时间反向传播（d2l 8.7 节），η = 0.1"
    assert Translator("en", table)("k") == "BPTT (d2l §9.7), η = {lr}"            # unformatted strings too


def test_every_cited_key_exists_and_both_languages_cite_the_same():
    cited = set()
    for name, table in string_tables().items():
        for key, entry in table.items():
            en, zh = (set(SEC.keys_in(entry.get(lang, ""))) for lang in ("en", "zh"))
            assert en == zh, f"{name}[{key!r}] cites {sorted(en)} in English, {sorted(zh)} in 中文"
            assert en <= SEC.SECTIONS.keys(), f"{name}[{key!r}]: no section {sorted(en - SEC.SECTIONS.keys())}"
            cited |= en
            for lang in ("en", "zh"):
                SEC.fill(entry.get(lang, ""), lang)                              # every citation renders
    assert {"bptt", "grad_clipping", "zipf", "numerical_stability"} <= cited


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_section_number_is_written_outside_the_table(lang):
    """'§8.3.2' or '8.3.2 节' typed into a string would bypass the table (and its edition)."""
    hard = re.compile(r"§\s*\d|\d+(\.\d+)+(\s*[–-]\s*\d+(\.\d+)*)?\s*节|第\s*\d+(\.\d+)+\s*节")
    found = [(t, k, m.group(0)) for t, k, text in strings(lang) for m in [hard.search(text)] if m]
    assert found == []


def test_readme_lessons_table_cites_d2l_en():
    """Each README row cites what the lesson's English summary cites (d2l-en's numbers)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- lessons:start -->")[1].split("<!-- lessons:end -->")[0]
    rows = {cells[2].split(" (")[0].strip(): cells[2] for line in table.splitlines()
            if (cells := line.split("|")) and len(cells) > 3}
    numbers = lambda text: set(re.findall(r"§(\d+(?:\.\d+)*(?:–\d+(?:\.\d+)*)?)", text))
    import importlib
    checked = 0
    for items in streamlit_app.LESSONS.values():
        for lesson in items:
            tr = Translator("en", importlib.import_module(lesson.engine).STRINGS)
            row = rows[tr("title")]
            assert numbers(row) == numbers(tr("summary")), (tr("title"), row, tr("summary"))
            checked += bool(numbers(row))
    assert checked >= 10
