"""Run an engine function once per distinct settings for the whole class: a shared,
bounded cache; live progress and a Stop button while it trains; a work budget."""
from __future__ import annotations

import contextlib
import dataclasses
import itertools
import math
import os
import threading
import time
from collections import OrderedDict
from typing import Any, Callable, Hashable

import numpy as np
import pandas as pd
import streamlit as st
import torch
from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException
from streamlit.runtime.scriptrunner_utils.script_run_context import get_run_yield_check, get_script_run_ctx

from engine import plotting
from engine import device as dev
from engine.budget import Budget
from engine.cores import usable_cores
from pages._ui._state import url_flush

MAX_SECONDS = 30.0       # wall-clock safety net per run; lessons cap their work in units first
LIVE_EVERY = 0.3         # seconds between live chart redraws
MAX_QUEUE_SECONDS = 10.0 # longest wait for a training slot; then the run shares the cores (slower, never stuck)
STOP_POLL = 0.1          # seconds between checks for a Stop click inside the training loop


def approx_bytes(obj: Any, depth: int = 0) -> int:
    """A result's memory, roughly: its tensors, modules, arrays, DataFrames and text, found through
    dataclass fields, dicts, lists and tuples (a few levels deep; what is shared is counted twice)."""
    if depth > 4 or obj is None:
        return 0
    if isinstance(obj, torch.Tensor):
        return obj.numel() * obj.element_size()
    if isinstance(obj, torch.nn.Module):
        return sum(t.numel() * t.element_size() for t in (*obj.parameters(), *obj.buffers()))
    if isinstance(obj, np.ndarray):
        return obj.nbytes
    if isinstance(obj, pd.DataFrame):
        return int(obj.memory_usage(index=True, deep=False).sum())
    if isinstance(obj, (str, bytes)):
        return len(obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return sum(approx_bytes(getattr(obj, f.name), depth + 1) for f in dataclasses.fields(obj))
    if isinstance(obj, dict):
        return sum(approx_bytes(v, depth + 1) for v in list(obj.values())[:1000])
    if isinstance(obj, (list, tuple)):
        return sum(approx_bytes(v, depth + 1) for v in obj[:1000])
    return 0


class SharedCache:
    """An LRU dict with a time-to-live, shared by every session of the server process, bounded
    by entries and by (approximate) bytes: a class that explores many settings of a heavy lesson
    cannot make the server's memory grow without limit. One lock per key makes 30 students who
    open the same link wait for one computation."""

    def __init__(self, max_entries: int = 96, ttl: float = 3 * 3600, max_bytes: float = float("inf")):
        self.max_entries, self.ttl, self.max_bytes = max_entries, ttl, max_bytes
        self._data: OrderedDict[Hashable, tuple[float, Any, int]] = OrderedDict()
        self._lock = threading.Lock()
        self._key_locks: dict[Hashable, threading.Lock] = {}
        self.bytes = 0

    def get(self, key):
        with self._lock:
            item = self._data.get(key)
            if item is None:
                return None
            if time.monotonic() - item[0] > self.ttl:
                self._drop(key)
                return None
            self._data.move_to_end(key)
            return item[1]

    def put(self, key, value) -> None:
        size = approx_bytes(value)
        with self._lock:
            if key in self._data:
                self._drop(key)
            self._data[key] = (time.monotonic(), value, size)
            self.bytes += size
            while len(self._data) > 1 and (len(self._data) > self.max_entries or self.bytes > self.max_bytes):
                self._drop(next(iter(self._data)))          # the least recently used

    def _drop(self, key) -> None:
        self.bytes -= self._data.pop(key)[2]

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self.bytes = 0

    def key_lock(self, key) -> threading.Lock:
        with self._lock:
            if len(self._key_locks) > 4 * self.max_entries:     # forget idle locks
                self._key_locks = {k: l for k, l in self._key_locks.items() if l.locked()}
            return self._key_locks.setdefault(key, threading.Lock())

    def __len__(self):
        return len(self._data)


@st.cache_resource(show_spinner=False)
def shared_cache() -> SharedCache:
    return SharedCache(max_bytes=float(os.environ.get("DEEPDIVE_CACHE_MB", "400")) * 2**20)


@st.cache_resource(show_spinner=False)
def stopped_runs() -> SharedCache:
    """Each session's last stopped (or time-capped) run, kept on the server rather than in
    st.session_state: a Stop click preempts the script, and writes made after the click would
    not survive into the rerun. Bounded like every cache here."""
    return SharedCache(max_entries=128, ttl=3600)


_run_ids = itertools.count()
PIN_KEY = "deepdive_progress"
# pointer-events: none: the box only shows; a click there reaches what lies under it (the Stop button)
PIN_CSS = """<style>
[class*="st-key-deepdive_progress"] { position: fixed; bottom: 1rem; right: 1.5rem; z-index: 1000;
  width: min(34rem, 80vw); padding: 0.5rem 0.9rem; background: var(--background-color, white);
  border: 1px solid rgba(49, 51, 63, 0.2); border-radius: 0.5rem; box-shadow: 0 2px 10px rgba(0, 0, 0, 0.15);
  pointer-events: none; opacity: 0.95; }
</style>"""


@st.cache_resource(show_spinner=False)
def progress_of() -> SharedCache:
    """How far each budget-capped run got (done, total, planned), by cache key: the page says so
    also to a student who gets the run from the cache."""
    return SharedCache(max_entries=256, ttl=3 * 3600)


def max_seconds() -> float:
    """The wall-clock cap of one run: ``MAX_SECONDS``, or less where ``DEEPDIVE_MAX_SECONDS`` says so
    (a test server that needs the pages and their charts, not trained models; never more)."""
    try:
        cap = float(os.environ.get("DEEPDIVE_MAX_SECONDS", MAX_SECONDS))
    except ValueError:
        return MAX_SECONDS
    return min(MAX_SECONDS, cap) if cap > 0 else MAX_SECONDS


def budget_total(done: int, planned: int, budget: Budget) -> int:
    """The steps this run will really do: ``planned``, unless the work budget ends it sooner —
    then the step where it will, projected from the work spent per step so far (the bar then
    reaches its end when the run does, not stays at 224/1920)."""
    if done <= 0 or budget.used_units <= 0 or not math.isfinite(budget.max_units):
        return planned
    projected = math.ceil(done * budget.max_units / budget.used_units)
    return max(done, min(planned, projected))


def _remember(progress) -> None:
    """Kept on the server, by session, not in st.session_state: a write to st.session_state while a
    run trains made the Stop click's rerun wait for the run's end (the browser test of Stop)."""
    progress_of().put(("session", _session_id()), progress)


def last_progress() -> tuple[int, int, int] | None:
    """(done, total, planned) of the last budget-capped run this session's page showed, if any."""
    return progress_of().get(("session", _session_id()))


def key_of(fn: Callable, settings, seed: int, device, namespace: str | None = None, threads: int = 1) -> tuple:
    """The shared cache's key for one computation (also used by the start-up warm-up). A run trained
    with more than one intra-op thread has a key of its own: some kernels sum in an order that
    depends on the thread count, so its numbers may differ from the one-thread run's in the last
    bits (the Transformer's perplexity 9.049 vs 9.040 after an epoch), and the cache never passes
    one off as the other."""
    fn = getattr(fn, "func", fn)        # a functools.partial: the function it calls
    key = (namespace or f"{fn.__module__}.{fn.__qualname__}", settings, int(seed), str(device))
    return key if threads == 1 else (*key, f"threads={int(threads)}")


def cpu_sample() -> tuple[float, float, float]:
    """(now, CPU seconds the whole machine has been busy, CPU seconds of this process)."""
    import psutil
    t, mine = psutil.cpu_times(), psutil.Process().cpu_times()
    idle = t.idle + getattr(t, "iowait", 0.0) + getattr(t, "guest", 0.0) + getattr(t, "guest_nice", 0.0)
    return time.monotonic(), sum(t) - idle, mine.user + mine.system


def foreign_busy_cores(sample: Callable[[], tuple[float, float, float]] = cpu_sample) -> Callable[[], float]:
    """A function returning the cores that *other processes* kept busy (a browser, another app,
    another replica) since its previous call: the machine's CPU time minus this process's, over
    the wall time between calls (looks closer than 0.5 s apart repeat the last answer; before the
    first such look, the 1-minute load average stands in, which counts this process too)."""
    try:
        first = os.getloadavg()[0]
    except (AttributeError, OSError):          # Windows has no load average
        first = 0.0
    last, busy = [sample()], [first]

    def busy_cores() -> float:
        now = sample()
        dt = now[0] - last[0][0]
        if dt >= 0.5:
            busy[0] = max(0.0, ((now[1] - last[0][1]) - (now[2] - last[0][2])) / dt)
            last[0] = now
        return busy[0]
    return busy_cores


class TrainingSlots:
    """At most ``n`` trainings at once in the whole server (one per core by default). Thirty
    students who each start a new run would otherwise share two cores thirty ways: every run
    slower, wall-clock caps cutting runs short (and a cut run is not cached, so it is paid for
    again). Queued runs start as slots free up, and their clock starts then.

    ``free_threads`` says how many intra-op threads a session that decides its count now gets (see
    ``pages/_ui/_threads.run_threads``): the cores that no training holds and no other process keeps busy — all of them
    for a student alone on a laptop — but one whenever another session asked for a run (trained, or
    found in the cache) in the last ``ALONE_WINDOW`` seconds. "Alone" must mean more than no training
    running at this instant: a training that took every core because it started a moment before its
    classmates' shared them with them afterwards (measured under the class load: p95 1.27 s against
    0.99 s with one thread each; with a window on trainings 1.135 s against 1.145 s, four rounds). And
    a class that opens the lessons' defaults trains nothing (the start-up warm-up computed them, with
    one thread): counting only trainings, every student then decided two threads and missed the warm
    cache (p95 1.42 s against 0.98 s). ``fixed_threads``
    (``DEEPDIVE_TRAINING_THREADS``) gives every new session that count instead. A training holds its
    threads (``hold``) while it runs, so that trainings that decide later see what is left."""

    ALONE_WINDOW = 60.0

    def __init__(self, n: int, foreign: Callable[[], float] | None = None, fixed_threads: int = 0,
                 cores: int | None = None):
        self._recent: dict[str, float] = {}     # session -> when it last asked for a run (monotonic)
        self.n = n
        self._free = n                          # slots not taken
        self._cond = threading.Condition()      # guards _free and _queue; notified when slots are released
        self._queue: list[object] = []          # tickets of the trainings waiting, first come first
        self._lock = threading.Lock()
        self.waiting = 0
        self.threads_in_use = 0
        self.foreign = foreign or (lambda: 0.0)
        self.fixed_threads = fixed_threads
        self.cores = cores or n

    def others_active(self, session: str | None, now: float | None = None) -> bool:
        """Whether a session other than ``session`` asked for a run or started a training in the last
        ``ALONE_WINDOW`` seconds (forgetting the sessions seen before that)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            for sid, t in list(self._recent.items()):
                if now - t > self.ALONE_WINDOW:
                    del self._recent[sid]
            return any(sid != session for sid in self._recent)

    def free_threads(self, session: str | None = None) -> int:
        """Threads a session deciding its count now would get (at least 1, at most ``n``)."""
        if self.fixed_threads > 0:
            return self.fixed_threads
        if self.others_active(session):
            return 1
        free = min(self.n, self.cores - int(self.foreign() + 0.5)) - self.threads_in_use
        return max(1, free)

    def seen(self, session: str | None) -> None:
        """``session`` asked for a run just now (``others_active`` counts it for a minute)."""
        if session is not None:
            with self._lock:
                self._recent[session] = time.monotonic()

    @contextlib.contextmanager
    def hold(self, k: int, session: str | None = None):
        """A training of ``session`` runs with ``k`` threads until the block ends."""
        with self._lock:
            if session is not None:
                self._recent[session] = time.monotonic()
            self.threads_in_use += k
        try:
            yield k
        finally:
            with self._lock:
                self.threads_in_use -= k

    def _take(self, k: int, ticket: object | None) -> bool:
        """Take ``k`` slots if they are free and nobody queued before ``ticket`` (first come, first served:
        a two-thread training waiting for both slots is not overtaken by one-slot trainings forever)."""
        with self._cond:
            first = not self._queue or self._queue[0] is ticket
            if first and self._free >= k:
                self._free -= k
                return True
            return False

    def acquire(self, poll: Callable[[], None], on_wait: Callable[[int], None],
                max_wait: float = float("inf"), k: int = 1) -> bool:
        """Take ``k`` slots (a training with k threads takes k, so that the threads of all trainings never
        outnumber the slots: a parallel op whose second thread waits for a busy core waits at every
        barrier); when they are not free, ``on_wait(number waiting)`` runs at once (the notice shows before
        the first poll), then ``poll()`` (which raises when the student stops, changes a setting or leaves)
        and ``on_wait`` every 0.2 s. The queue is first come, first served. After ``max_wait`` seconds give
        up and return False: the run goes ahead without a slot (slower, never stuck)."""
        k = max(1, min(int(k), self.n))
        if self._take(k, None):
            return True
        ticket = object()
        with self._cond:
            self._queue.append(ticket)
        with self._lock:
            self.waiting += 1
        try:
            on_wait(self.waiting)            # say so at once: the student sees the queue before its first poll
            deadline = time.monotonic() + max_wait
            while True:
                with self._cond:
                    self._cond.wait(0.2)
                if self._take(k, ticket):
                    return True
                if time.monotonic() > deadline:
                    return False
                poll()
                on_wait(self.waiting)
        finally:
            with self._cond:
                self._queue.remove(ticket)
                self._cond.notify_all()      # the next in the queue may go now
            with self._lock:
                self.waiting -= 1

    def release(self, k: int = 1) -> None:
        with self._cond:
            self._free = min(self.n, self._free + max(1, min(int(k), self.n)))
            self._cond.notify_all()


@st.cache_resource(show_spinner=False)
def training_slots() -> TrainingSlots:
    """``DEEPDIVE_TRAINING_SLOTS``: trainings at once (default: one per core).
    ``DEEPDIVE_TRAINING_THREADS``: the intra-op thread count every new session gets (default: the free
    cores when it first trains a network that can use more than one; a link's own count still applies)."""
    n = int(os.environ.get("DEEPDIVE_TRAINING_SLOTS", "0") or 0)
    fixed = int(os.environ.get("DEEPDIVE_TRAINING_THREADS", "0") or 0)
    cores = usable_cores()
    return TrainingSlots(n if n > 0 else cores, foreign=foreign_busy_cores(), fixed_threads=fixed, cores=cores)


def _session_id() -> str:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else ""


def run_cached(fn: Callable, settings, tr, *, seed: int, device, live: Callable[[dict], Any] | None = None,
               namespace: str | None = None, key: str = "", quick: bool = False) -> Any:
    """``fn(settings, seed=, device=, on_step=, budget=) -> result``, computed once per
    (function, settings, seed, device) for everyone. While it runs: a progress bar, a live
    chart (``live(event) -> figure``) and a Stop button. A stopped or time-capped run is
    shown to this student only (it would not reproduce) and never cached. ``key``: a suffix for the
    widget keys and the kept partial result, for a page that calls ``run_cached`` more than once.
    ``quick``: a computation without a training loop (a fraction of a second): no progress bar,
    no Stop, the shared call cache (``shared_call``) instead of the result cache.

    The lesson's pinned runs (``pages/_ui/_compare.py``) are computed beside it the same way, from
    the cache when someone computed them before; the first call of a page shows the Pin bar."""
    from pages._ui._compare import with_pins
    from pages._ui._memo import shared_call

    # ``fn`` may be a partial that resumes the current run (pages/_ui/_slices.py): a pinned run has other
    # settings, so it is computed by the plain function (which trains all its slices itself)
    base = getattr(fn, "func", fn)

    def compute(s, sd: int, tag: str):
        if quick:
            return shared_call(fn, s, seed=sd, device=str(device))
        return _run_once(base if tag else fn, s, tr, seed=sd, device=device, live=None if tag else live,
                         namespace=namespace, key=key + tag)
    return with_pins(compute, settings, tr, seed=seed, key=f"{base.__module__}.{base.__qualname__}{key}")


def _run_once(fn: Callable, settings, tr, *, seed: int, device, live: Callable[[dict], Any] | None,
              namespace: str | None, key: str) -> Any:
    from pages._ui._threads import run_threads
    n_threads = run_threads(fn, settings)
    cache_key = key_of(fn, settings, seed, device, namespace, threads=n_threads)
    cache, slots = shared_cache(), training_slots()
    _remember(progress_of().get(cache_key))
    hit = cache.get(cache_key)
    if hit is not None:
        return hit

    url_flush()                     # the link shows these settings while they train
    partials, me = stopped_runs(), (_session_id(), key)
    notice = st.empty()
    lock = cache.key_lock(cache_key)
    held = lock.acquire(blocking=False)
    if not held:
        # Someone is training exactly this right now: a classmate (wait for their result), or this
        # student's own run that a Stop click is ending (Streamlit's fast reruns start the new run
        # before the old one has returned; it keeps what it trained just before it lets go).
        notice.info(tr("waiting_for_other"), icon="⏳")
        held = lock.acquire(timeout=MAX_SECONDS + 10)
    took_slot = False
    try:
        notice.empty()
        hit = cache.get(cache_key)        # someone may have computed it while we waited
        if hit is not None:
            return hit
        mine = partials.get(me)
        if mine is not None and mine[0] == cache_key:
            # one key per kept run: a Retrain click that a Stop interrupted is replayed by Streamlit
            # into the next run, and must not press the Retrain of the run that Stop kept
            if not notice.button(tr("retrain"), key=f"_retrain{key}_{mine[2]}"):
                return mine[1]
            partials.put(me, None)
        yield_check = get_run_yield_check() or (lambda: None)
        shown = [-1, None]     # queue length shown; last progress (done, total, planned)

        def queued(waiting: int) -> None:
            if waiting != shown[0]:
                shown[0] = waiting
                notice.info(tr("queued", busy=slots.n, waiting=waiting), icon="⏳")

        took_slot = slots.acquire(yield_check, queued, max_wait=MAX_QUEUE_SECONDS, k=n_threads)
        # Stop takes Retrain's place: the browser keeps the focus on the clicked Retrain button, and
        # a focused button that vanishes makes Chromium drop the next click (the Stop click)
        stop_clicked = notice.button(tr("stop"), key=f"_stop{key}", icon=":material/stop_circle:")
        slot = st.empty()                       # cleared as a whole when training ends
        with slot.container(border=True):
            st.html(PIN_CSS)
            # pinned to the bottom of the window: the run may start far below where the student looks
            with st.container(key=f"{PIN_KEY}{key}"):
                bar = st.progress(0.0, text=tr("training"))
            chart = st.empty()
        pending: list[BaseException] = []
        last = [0.0, 0, 0.0]

        def stop_requested() -> bool:
            """Polled by the training loop at every unit of work: has the student pressed Stop
            (or changed a widget, or left)? Streamlit answers by raising its control exception,
            which we hold until the run has returned what it trained."""
            now = time.perf_counter()
            if not pending and now - last[2] > STOP_POLL:
                last[2] = now
                try:
                    yield_check()
                except ScriptControlException as e:
                    pending.append(e)
            return bool(pending)

        budget = Budget(max_seconds=max_seconds(), stop=stop_requested)

        def on_step(event: dict) -> None:
            if pending:
                return
            now = time.perf_counter()
            done, planned = event.get("done", 0), max(1, event.get("total", 1))
            total = budget_total(done, planned, budget)
            shown[1] = (done, total, planned)
            if now - last[0] < LIVE_EVERY and done < total:
                return
            last[0] = now
            try:
                text = (f"{tr('training')} {done:,}/{total:,}" if total == planned
                        else tr("training_capped", done=done, total=total, planned=planned))
                bar.progress(min(1.0, done / total), text=text)
                if live is not None:
                    fig = live(event)
                    if fig is not None:
                        plotting.finish(fig)
                        last[1] += 1
                        chart.plotly_chart(fig, key=f"_live{key}{last[1]}", width="stretch", theme=None)
            except ScriptControlException as e:    # the student pressed Stop (or changed a widget)
                pending.append(e)

        with slots.hold(n_threads, _session_id()), dev.threads(n_threads):
            result = fn(settings, seed=seed, device=device, on_step=on_step, budget=budget)
        if shown[1] is not None and budget.reason == "units":
            progress_of().put(cache_key, shown[1])
        _remember(shown[1] if budget.reason == "units" else None)
        # keep the result before touching the page again: a Stop that arrives now raises there
        if budget.deterministic and not pending:
            cache.put(cache_key, result)
        else:
            partials.put(me, (cache_key, result, next(_run_ids)))
        try:
            notice.empty()
            slot.empty()
        except ScriptControlException as e:
            pending.append(e)              # whatever was trained is kept above; let the rerun happen
        if pending:
            raise pending[0]
        del stop_clicked
        return result
    finally:
        if took_slot:
            slots.release(n_threads)
        if held:
            lock.release()
