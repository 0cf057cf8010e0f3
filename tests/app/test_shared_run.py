"""The shared cache behind ui.run_cached: bounded, expiring, one computation per key."""
import threading
import time

from pages._ui._run import SharedCache


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
