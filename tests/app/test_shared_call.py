"""ui.shared_call / ui.plot(builder, ...): one object for every session, never a stale one."""
import gc

import pandas as pd
import plotly.graph_objects as go
import pytest

import engine.softmax_regression as L
from engine.i18n import Translator
from pages._ui import _memo
from pages._ui._memo import call_cache, shared_call


@pytest.fixture(autouse=True)
def empty_cache():
    call_cache().clear()
    yield
    call_cache().clear()


class Thing:
    """An object matched by identity (weak-referenceable, not a value)."""


def counted():
    calls = []

    def fn(*args, **kwargs):
        calls.append(len(args))          # (not the arguments: that would keep them alive)
        return object()
    return fn, calls


def test_values_hit_and_differ():
    fn, calls = counted()
    a = shared_call(fn, 1, "x", (2.5, None), k=True)
    assert shared_call(fn, 1, "x", (2.5, None), k=True) is a and len(calls) == 1
    assert shared_call(fn, 1, "x", (2.5, None), k=False) is not a
    assert shared_call(fn, True, "x", (2.5, None), k=True) is not a       # True == 1, but not the same argument
    assert len(calls) == 3


def test_objects_match_by_identity_only():
    fn, calls = counted()
    df = pd.DataFrame({"a": [1, 2]})
    first = shared_call(fn, df)
    assert shared_call(fn, df) is first
    assert shared_call(fn, df.copy()) is not first                         # equal content, another object
    assert len(calls) == 2


def test_a_dead_object_never_answers_for_a_new_one(monkeypatch):
    """Ids are reused once an object dies: a weak reference proves the object is still the same."""
    monkeypatch.setattr(_memo, "id", lambda obj: 42, raising=False)       # every object at the same id
    fn, calls = counted()
    a = Thing()
    old = shared_call(fn, a)
    del a
    gc.collect()
    b = Thing()
    assert shared_call(fn, b) is not old and len(calls) == 2
    assert shared_call(fn, b) is shared_call(fn, b) and len(calls) == 2


def test_settings_by_value_translators_by_language():
    fn, calls = counted()
    s1, s2 = L.Settings(lr=0.1), L.Settings(lr=0.1)
    assert shared_call(fn, s1, Translator("en", L.STRINGS)) is shared_call(fn, s2, Translator("en", L.STRINGS))
    assert shared_call(fn, s1, Translator("zh", L.STRINGS)) is not shared_call(fn, s1, Translator("en", L.STRINGS))
    assert len(calls) == 2


def test_unmatchable_arguments_are_computed_every_time():
    fn, calls = counted()
    shared_call(fn, {"a": 1})
    shared_call(fn, {"a": 1})
    assert len(calls) == 2 and len(call_cache()) == 0


def test_a_figure_builder_runs_once_per_result_and_language():
    built = []

    def builder(frame, tr):
        built.append(tr.lang)
        return go.Figure(go.Scatter(x=frame["a"], y=frame["a"]), layout={"title": tr("title")})
    df = pd.DataFrame({"a": [1, 2, 3]})
    en, zh = Translator("en", L.STRINGS), Translator("zh", L.STRINGS)
    f1 = shared_call(builder, df, en)
    assert shared_call(builder, df, Translator("en", L.STRINGS)) is f1
    f2 = shared_call(builder, df, zh)
    assert f2.layout.title.text == zh("title") != f1.layout.title.text
    assert built == ["en", "zh"]


def test_a_class_arriving_at_once_builds_once():
    import threading
    import time
    calls = []

    def slow(x):
        calls.append(1)
        time.sleep(0.05)
        return object()
    out = []
    threads = [threading.Thread(target=lambda: out.append(shared_call(slow, 7))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and len({id(o) for o in out}) == 1
