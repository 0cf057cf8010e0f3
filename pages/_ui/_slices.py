"""Continue: a run trained in slices of the work budget, one more slice per click, each slice computed
once for the class from the cached slice before it.

The lesson's Settings has a bounded ``slices`` field (in the URL like every setting, no widget of its own);
its ``run`` accepts ``resume=`` the result with one slice fewer and trains only the last slice. So one
request never costs more than one work budget, except for a link that asks for k slices nobody has
computed: then the slices before it are trained in order (each one bounded, with its own progress
and Stop), and cached on the way.
"""
from __future__ import annotations

import dataclasses
import functools

import streamlit as st

from pages._ui._run import run_cached, shared_cache
from pages._ui._threads import run_key
from pages._ui._state import action_button, apply_settings, entered, url_set

_LAST = "_slices_rest"      # {namespace: the settings with slices=1, as last run}: changed → start again


def slices_follow(settings, namespace: str | None = None, field: str = "slices"):
    """Back to one slice when any other setting changed since the last run (a new model starts from
    scratch); a link's own number of slices is kept on arrival."""
    ns = namespace or type(settings).__module__
    rest = dataclasses.replace(settings, **{field: 1})
    last = st.session_state.setdefault(_LAST, {})
    changed = ns in last and last[ns] != rest and not entered()
    last[ns] = rest
    if changed and getattr(settings, field) != 1:
        apply_settings(type(settings), {field: 1}, namespace=ns)
        url_set({field: "1"})
        return rest
    return settings


def continue_button(settings, label: str, help: str | None = None, namespace: str | None = None,
                    field: str = "slices", key: str = "_continue") -> None:
    """One more slice: the next run's settings ask for it (and so does the link)."""
    ns = namespace or type(settings).__module__
    action_button(label, apply_settings, (type(settings), {field: getattr(settings, field) + 1}, ns),
                  icon=":material/fast_forward:", help=help, type="primary", key=key)


def run_slices(fn, settings, tr, *, seed: int, device, live=None, field: str = "slices",
               chain_notice: str = "slices_chain"):
    """``fn(settings with slices=k, resume=result of k − 1)`` through the shared cache, slice by slice.
    A slice that does not reproduce (stopped, cut by the clock) or that ends the run (the epochs done,
    divergence) ends the chain: the page shows it. ``chain_notice``: a string key with {j} and {k}, shown
    while a slice before the asked one is being recomputed."""
    k = getattr(settings, field)
    namespace = f"{fn.__module__}.{fn.__qualname__}"
    cache, prev, r = shared_cache(), None, None
    for j in range(1, k + 1):
        sj = dataclasses.replace(settings, **{field: j})
        f = fn if prev is None else functools.partial(fn, resume=prev)
        notice = st.empty()
        if j < k and cache.get(run_key(fn, sj, seed, device, namespace)) is None:
            notice.info(tr(chain_notice, j=j, k=k), icon="⏩")
        r = run_cached(f, sj, tr, seed=seed, device=device, live=live, namespace=namespace,
                       key="" if j == k else f"_slice{j}")
        notice.empty()
        if j < k and getattr(r, "checkpoint", None) is None:
            # this slice ended the run (or was stopped): nothing to continue from
            if getattr(r, "stop_reason", "stopped") in (None, "units"):     # it reproduces: the link says j
                apply_settings(type(settings), {field: j})
                url_set({field: str(j)})
            break
        prev = r
    return r
