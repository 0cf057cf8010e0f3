"""Budget, numerics, i18n tables, device choice and the download cache."""
import hashlib
import importlib
import io
import math

import pytest
import torch

import streamlit_app
from engine import device
from engine.budget import Budget
from engine.datasets.download import DownloadError, fetch
from engine.i18n import CORE, LANGS, Translator, missing
from engine.numerics import first_nonfinite, fmt


def test_budget_units_are_deterministic():
    b = Budget(max_units=5)
    steps = 0
    while b.spend(1):
        steps += 1
    assert steps == 5 and b.reason == "units" and b.deterministic


def test_budget_stop_and_seconds():
    b = Budget(stop=lambda: True)
    assert not b.spend(1) and b.reason == "stopped" and not b.deterministic
    b = Budget(max_seconds=0.0)
    assert not b.spend(1) and b.reason == "seconds"
    assert Budget(max_units=100).capped(10).max_units == 10


def test_numerics():
    assert first_nonfinite([1.0, 2.0, float("inf"), float("nan")]) == 2
    assert first_nonfinite([1.0]) is None
    assert fmt(float("nan")) == "NaN" and fmt(float("inf")) == "+inf" and fmt(-math.inf) == "-inf"
    assert fmt(1.5e-5) == "1.500e-05"


def test_every_string_table_is_complete_in_both_languages():
    assert missing(CORE) == []
    for items in streamlit_app.LESSONS.values():
        for lesson in items:
            strings = importlib.import_module(lesson.engine).STRINGS
            assert missing(strings) == [], lesson
            assert "title" in strings and "summary" in strings
    for group in streamlit_app.LESSONS:
        assert group in CORE


def test_translator_falls_back():
    tr = Translator("zh", {"only_en": {"en": "E"}})
    assert tr("only_en") == "E" and tr("no_such_key") == "no_such_key"
    assert Translator("xx").lang == "en" and set(LANGS) == {"en", "zh"}


def test_device_choice():
    assert device.get_device("cpu").type == "cpu"
    assert device.get_device("no-such-device").type in device.available()
    assert device.get_device().type == ("cuda" if torch.cuda.is_available() else "cpu")


class FakeResponse(io.BytesIO):
    headers = {}

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()


def test_fetch_verifies_caches_and_rejects_broken(tmp_path):
    payload = b"hello " * 1000
    good = hashlib.sha1(payload).hexdigest()
    calls = []
    opener = lambda url, timeout: (calls.append(url), FakeResponse(payload))[1]
    p = fetch("http://x/data.txt", good, cache_dir=tmp_path, opener=opener)
    assert p.read_bytes() == payload
    fetch("http://x/data.txt", good, cache_dir=tmp_path, opener=opener)
    assert len(calls) == 1, "a verified cached file is not downloaded again"
    with pytest.raises(DownloadError, match="broken or incomplete"):
        fetch("http://x/other.txt", good, cache_dir=tmp_path,
              opener=lambda url, timeout: FakeResponse(payload[:-10]))
    assert not (tmp_path / "other.txt").exists() and not (tmp_path / "other.txt.part").exists()

    def offline(url, timeout):
        raise OSError("network unreachable")
    with pytest.raises(DownloadError, match="Could not download"):
        fetch("http://x/third.txt", good, cache_dir=tmp_path, opener=offline)
