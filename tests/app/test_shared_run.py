"""The shared cache behind ui.run_cached: bounded, expiring, one computation per key."""
import threading
import time

import pytest

from pages._ui._run import SharedCache, TrainingSlots, approx_bytes


def test_lru_bound_and_ttl():
    c = SharedCache(max_entries=3, ttl=60)
    for k in range(5):
        c.put(k, k * 10)
    assert len(c) == 3 and c.get(0) is None and c.get(4) == 40
    c.get(2)                     # touch: 2 becomes the most recent
    c.put(5, 50)
    assert c.get(3) is None and c.get(2) == 20
    c.ttl = 0.0
    time.sleep(0.01)
    assert c.get(2) is None


def test_same_key_is_computed_once_under_concurrency():
    c, computed = SharedCache(), []

    def student():
        with c.key_lock("k"):
            if c.get("k") is None:
                time.sleep(0.05)
                computed.append(1)
                c.put("k", "result")

    threads = [threading.Thread(target=student) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert computed == [1] and c.get("k") == "result"


def test_training_slots_bound_concurrent_runs_and_queue_the_rest():
    slots, running, peak, waits, lock = TrainingSlots(2), [0], [0], [], threading.Lock()

    def student():
        slots.acquire(lambda: None, waits.append)
        try:
            with lock:
                running[0] += 1
                peak[0] = max(peak[0], running[0])
            time.sleep(0.3)
            with lock:
                running[0] -= 1
        finally:
            slots.release()

    threads = [threading.Thread(target=student) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak[0] == 2                      # never more than the slots, and both were used
    assert waits and max(waits) <= 4 and slots.waiting == 0
    assert slots._free == 2 and not slots._queue                                        # all given back


def test_a_two_thread_training_takes_two_slots_and_keeps_its_place_in_the_queue():
    """A training with k threads takes k slots (threads never outnumber the slots), and one-slot trainings
    that come after it do not overtake it."""
    slots, order = TrainingSlots(2), []
    assert slots.acquire(lambda: None, lambda n: None)              # one training runs (1 of 2 slots)

    def run(name: str, k: int):
        assert slots.acquire(lambda: None, lambda n: None, k=k)
        order.append(name)
        time.sleep(0.1)
        slots.release(k)

    two = threading.Thread(target=run, args=("two threads", 2))
    two.start()
    time.sleep(0.3)
    assert order == [] and slots.waiting == 1                      # one slot is free, but it needs two
    one = threading.Thread(target=run, args=("one thread, later", 1))
    one.start()
    time.sleep(0.3)
    assert order == []                                             # the free slot waits for the first in line
    slots.release()
    two.join(5)
    one.join(5)
    assert order == ["two threads", "one thread, later"]
    assert slots._free == 2 and slots.waiting == 0 and not slots._queue
    assert TrainingSlots(1).acquire(lambda: None, lambda n: None, k=4)     # never more than the slots there are


def test_a_queued_student_who_leaves_gives_up_the_queue_place():
    slots = TrainingSlots(1)
    slots.acquire(lambda: None, lambda n: None)          # someone is training

    class Left(Exception):
        pass

    def poll():
        raise Left                                       # Streamlit's stop/rerun exception, say

    with pytest.raises(Left):
        slots.acquire(poll, lambda n: None)
    assert slots.waiting == 0
    assert slots.acquire(lambda: None, lambda n: None, max_wait=0.3) is False   # bounded wait: go ahead
    assert slots.waiting == 0
    slots.release()
    assert slots.acquire(lambda: None, lambda n: None)   # the slot is free again
    slots.release()


def test_cache_is_bounded_by_bytes_too():
    import torch
    mb = lambda n: torch.zeros(n * 2**18)              # n MB of float32
    c = SharedCache(max_entries=100, max_bytes=10 * 2**20)
    for k in range(6):
        c.put(k, {"w": mb(3)})
    assert c.bytes <= 10 * 2**20 and len(c) == 3       # the oldest went first
    assert c.get(0) is None and c.get(5) is not None
    c.put("huge", mb(20))                              # larger than the bound: kept alone, not refused
    assert len(c) == 1 and c.get("huge") is not None
    c.put("huge", mb(1))                               # replacing an entry corrects the count
    assert c.bytes == 2**20
    c.clear()
    assert len(c) == 0 and c.bytes == 0


def test_approx_bytes_finds_tensors_modules_frames_in_results():
    import dataclasses

    import numpy as np
    import pandas as pd
    import torch

    @dataclasses.dataclass(frozen=True)
    class Result:
        net: torch.nn.Module
        frame: pd.DataFrame
        extra: dict

    r = Result(torch.nn.Linear(100, 10), pd.DataFrame({"a": np.zeros(1000)}),
               {"x": [np.zeros(50, dtype=np.float64)], "t": "abcd"})
    expected = (100 * 10 + 10) * 4 + 1000 * 8 + 50 * 8 + 4
    assert expected <= approx_bytes(r) <= expected + 1000     # + the frame's index


def test_the_progress_bar_total_is_the_work_the_budget_allows():
    """A run the work budget ends at step ~450 of 1,920 shows 224/450, not 224/1920 (the bar
    used to stop a quarter of the way with no word why)."""
    from engine.budget import Budget
    from pages._ui._run import budget_total
    b = Budget(max_units=900)
    b.spend(448)                                   # 2 units per step, 224 steps done
    assert budget_total(224, 1920, b) == 450
    assert budget_total(224, 300, b) == 300        # the budget is not reached: the settings' total
    assert budget_total(0, 1920, b) == 1920
    assert budget_total(224, 1920, Budget()) == 1920


def test_a_session_alone_gets_the_free_cores_and_a_class_one_thread_each():
    slots = TrainingSlots(4)
    assert slots.free_threads("a") == 4                      # alone: every core
    with slots.hold(4, "a"):
        assert slots.free_threads("a") == 1                  # its own next run: what is left (none: 1)
        assert slots.free_threads("b") == 1                  # another session while it trains: one thread
    assert slots.threads_in_use == 0
    assert slots.free_threads("a") == 4                      # only itself trained lately
    assert slots.free_threads("b") == 1                      # a classmate trained in the last minute
    busy = TrainingSlots(4, foreign=lambda: 2.6)             # other processes keep ≈3 cores busy
    assert busy.free_threads("a") == 1
    assert TrainingSlots(8, foreign=lambda: 0.4).free_threads() == 8
    assert TrainingSlots(8, fixed_threads=1).free_threads() == 1       # DEEPDIVE_TRAINING_THREADS=1
    assert TrainingSlots(2, fixed_threads=2).free_threads() == 2


def test_the_class_window_forgets_sessions_after_a_minute():
    slots = TrainingSlots(2)
    with slots.hold(1, "classmate"):
        pass
    assert slots.others_active("me") and not slots.others_active("classmate")
    t = slots._recent["classmate"]
    assert slots.others_active("me", now=t + slots.ALONE_WINDOW - 1)
    assert not slots.others_active("me", now=t + slots.ALONE_WINDOW + 1)
    assert slots._recent == {}                               # forgotten: no memory that grows per session
    assert slots.free_threads("me") == 2
    slots.seen("classmate")                                  # a classmate's run came from the cache: a class too
    assert slots.free_threads("me") == 1 and slots.free_threads("classmate") == 2


def test_foreign_load_is_measured_without_our_own_cpu(monkeypatch):
    import os
    from pages._ui._run import cpu_sample, foreign_busy_cores
    monkeypatch.setattr(os, "getloadavg", lambda: (3.2, 2.0, 1.0))
    samples = iter([(0.0, 100.0, 10.0), (0.1, 100.0, 10.0), (2.0, 105.0, 12.0), (2.1, 200.0, 12.0),
                    (4.0, 106.0, 15.0)])
    busy = foreign_busy_cores(lambda: next(samples))
    assert busy() == 3.2            # no look of 0.5 s yet: the load average stands in
    assert busy() == 1.5            # 5 busy CPU-seconds in 2 s, 2 of them ours: 1.5 cores elsewhere
    assert busy() == 1.5            # 0.1 s later: too short a look, the last answer
    assert busy() == 0.0            # never below zero
    now, machine, mine = cpu_sample()
    assert machine >= 0 and mine > 0


def test_cache_keys_per_thread_count():
    from pages._ui._run import key_of

    def fn():
        pass
    one, two = key_of(fn, "s", 0, "cpu"), key_of(fn, "s", 0, "cpu", threads=2)
    assert one != two and two[:len(one)] == one and key_of(fn, "s", 0, "cpu", threads=1) == one


def test_a_queued_student_is_told_at_once():
    """The queue notice is the first thing a student who moved a slider sees while every slot is busy:
    it must not wait for the first 0.2 s poll."""
    slots, told = TrainingSlots(1), []
    slots.acquire(lambda: None, lambda n: None)
    t0 = time.perf_counter()
    assert slots.acquire(lambda: None, lambda n: told.append((time.perf_counter() - t0, n)), max_wait=0.5) is False
    assert told[0][1] == 1 and told[0][0] < 0.1
    slots.release()
