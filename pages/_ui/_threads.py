"""The session's intra-op thread count, part of its runs: decided at the session's first run of a network that
can use more than one thread (every free core for a student alone, one in a class), kept for the session, shown
in the sidebar, written into the link (``threads=k``) and read from it, so that whoever opens a link trains with
the count its sender used and sees the same numbers (README, "The thread count is part of the run")."""
from __future__ import annotations

from typing import Callable

import streamlit as st

from engine import device as dev
from engine import settings as S
from pages._ui._run import _session_id, key_of, training_slots
from pages._ui._state import _url_value, current_device, entered, url_set

THREADS = "threads"             # the session's count, in st.session_state and in the link
_READ = "_threads_read"         # the link's count was read once this session


def read_link() -> None:
    """On arriving at a page (and on the session's first run): the link's count, if it gives one."""
    if entered() or _READ not in st.session_state:
        _read(first=_READ not in st.session_state)


def threads_bound() -> S.Bound:
    """A link's thread count: 1 to the cores this server may use (``engine.cores.usable_cores``, counted once by
    the training slots; a count from a bigger machine is clamped, with a
    notice: the runs it trains here may then differ from the link's in the last digits)."""
    return S.Bound("int", 1, training_slots().cores)


def _read(first: bool) -> None:
    """The link's thread count, on arriving. A link without one that a session of this app made (it has a
    seed) was trained with one thread: made before links kept the count, or by a session whose runs could
    not use more. A bare address leaves the count to the session's first training that can use more."""
    given = _url_value(THREADS, threads_bound(), None, shown_default="auto")
    if given is not None:
        st.session_state[THREADS] = int(given)
    elif first and "seed" in st.query_params:
        st.session_state[THREADS] = 1
    st.session_state[_READ] = True


def current_threads() -> int | None:
    """The session's intra-op thread count, or None before it is decided (``run_threads``)."""
    k = st.session_state.get(THREADS)
    return None if k is None else int(k)


def decide_threads(k: int) -> int:
    """Fix the session's thread count (from now on in its link too, and at once in the sidebar) and return it."""
    k = max(1, min(int(k), threads_bound().hi))
    st.session_state[THREADS] = k
    url_set({THREADS: str(k)})
    _draw_device_line()
    return k


_DEVICE_LINE = "_device_line"   # (the sidebar's placeholder for the device line, its translator), this run's


def _draw_device_line() -> None:
    slot, tr = st.session_state.get(_DEVICE_LINE, (None, None))
    if slot is not None:
        text = dev.describe(current_device(), tr, threads=current_threads(), most=threads_bound().hi)
        slot.caption(f"{tr('device')}: {text}", help=tr("threads_help"))


def device_line(slot, tr) -> None:
    """Draw the sidebar's device line into ``slot`` (kept for this run: a count decided later in the run
    redraws it)."""
    st.session_state[_DEVICE_LINE] = (slot, tr)
    _draw_device_line()


def run_threads(fn: Callable, settings) -> int:
    """The intra-op threads this session trains ``fn(settings)`` with: what the training can use
    (``engine.device.threads_for``) of the session's count (``current_threads``, part of the link). A
    session without a count yet decides it at its first run of a network that could use more than one
    thread: the cores free at that moment (``TrainingSlots.free_threads``: every free core for a student
    alone, one while other sessions ask for runs). The count then stays for the session and its link, so
    every run and pin of it, and every reopening of the link, trains with the same count and shows the
    same numbers."""
    slots = training_slots()
    slots.seen(_session_id())
    k = current_threads()
    if k is None:
        if dev.threads_for(fn, settings, slots.cores) <= 1:
            return 1                    # this run could not use more: the count is decided later
        k = decide_threads(slots.free_threads(_session_id()))
    return dev.threads_for(fn, settings, k)


def run_key(fn: Callable, settings, seed: int, device, namespace: str | None = None) -> tuple:
    """``key_of`` with the thread count this session trains ``fn(settings)`` with (``run_threads``)."""
    return key_of(fn, settings, seed, device, namespace, threads=run_threads(fn, settings))
