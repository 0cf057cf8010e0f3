"""One object for everyone: ``shared_call(fn, *args)`` computes ``fn(*args)`` once per distinct
arguments for every session of the server, and hands back the *same* object each time.

Streamlit reruns a page from the top for every click of every student. Most of a cached page's
cost is then rebuilding what it already built: a Plotly figure costs 0.1–0.5 s of the server's one
Python core, showing a built one a few ms. Figures (``ui.plot(builder, *args)``) and the small,
cheap computations that feed them go through here, so thirty students on one lesson pay once.

Arguments are matched by value where that is cheap and exact (numbers, text, tuples of them,
translators, hashable frozen settings) and otherwise by identity: a cached result, its tables and
arrays never change, and a weak reference proves that the object found at an id is still the one
that was there. A new object (recomputed each run) simply misses. Bounded like every cache here.
"""
from __future__ import annotations

import dataclasses
import weakref
from collections.abc import Hashable
from typing import Any, Callable

import streamlit as st

from engine.i18n import Translator

_VALUES = (bool, int, float, complex, str, bytes, type(None))


def _token(obj: Any, refs: list) -> Hashable | None:
    """A hashable stand-in for one argument; None when it cannot be matched safely."""
    if isinstance(obj, _VALUES):
        return type(obj).__name__, obj
    if isinstance(obj, Translator):
        return "tr", obj.lang, tuple(id(t) for t in obj.tables)
    if isinstance(obj, (tuple, list)) and len(obj) <= 256:
        inner = tuple(_token(o, refs) for o in obj)
        return None if any(t is None for t in inner) else (type(obj).__name__, inner)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type) and obj.__dataclass_params__.frozen:
        try:
            hash(obj)
            return "value", type(obj).__qualname__, obj
        except TypeError:
            pass                                   # holds arrays or tables: by identity below
    try:
        refs.append(weakref.ref(obj))
    except TypeError:
        return None
    return "id", id(obj)


def key_of_call(fn: Callable, args: tuple, kwargs: dict) -> tuple[Hashable | None, list]:
    refs: list = []
    tokens = (_token(fn, refs), _token(args, refs), _token(tuple(sorted(kwargs.items())), refs))
    return (None if any(t is None for t in tokens) else tokens), refs


@st.cache_resource(show_spinner=False)
def call_cache():
    from pages._ui._run import SharedCache
    return SharedCache(max_entries=384, ttl=3 * 3600, max_bytes=64 * 2**20)


def shared_call(fn: Callable, *args, **kwargs):
    """``fn(*args, **kwargs)``, computed once for every session asking with the same arguments
    (see the module text); ``fn`` must be pure and its result must not be changed by the caller."""
    key, refs = key_of_call(fn, args, kwargs)
    if key is None:
        return fn(*args, **kwargs)
    cache = call_cache()

    def alive(hit) -> bool:                # every object matched by identity is still the same one
        return hit is not None and all(r() is not None for r in hit[1])
    if alive(hit := cache.get(key)):
        return hit[0]
    with cache.key_lock(key):              # a class arriving at once: one builds, the others wait
        if alive(hit := cache.get(key)):
            return hit[0]
        value = fn(*args, **kwargs)
        cache.put(key, (value, refs))
        return value
