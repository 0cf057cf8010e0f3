"""中文 reaches the tables' column headers, the device line and the corpus name in captions
(found in a new-user pass: raw column names and internal keys showed through)."""
from __future__ import annotations

import re

import pytest

LATIN_WORD = re.compile(r"[A-Za-z_]{4,}")


def zh_page(app_at, page):
    at = app_at({"lang": "zh"})
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    return at


@pytest.mark.parametrize("page", ["pages/basics/activations.py", "pages/basics/linear_regression.py",
                                  "pages/training/exploding_gradients.py"])
def test_table_headers_are_translated(app_at, page):
    at = zh_page(app_at, page)
    headers = [str(c) for t in [*at.table, *at.dataframe] for c in t.value.columns]
    assert headers
    # symbols and format names (x, f, T, float32) may stay; English words may not
    assert not [h for h in headers if LATIN_WORD.search(h.replace("float", ""))], headers


def test_device_line_is_translated(app_at):
    at = zh_page(app_at, "pages/basics/linear_regression.py")
    device = [c.value for c in at.sidebar.caption if "CPU" in c.value or "CUDA" in c.value]
    assert device and "threads" not in device[0] and "thread" not in device[0], device


def test_lstm_caption_names_the_corpus_as_the_student_sees_it(app_at):
    at = zh_page(app_at, "pages/sequences/lstm_internals.py")
    caption = next(c.value for c in at.caption if "上训练的" in c.value)
    assert "简单英文" in caption and "“english”" not in caption, caption
