"""The upload store (engine/text/store.py): content ids, limits in bytes and age, oldest out first,
atomic writes, hostile names."""
from __future__ import annotations

import hashlib
import os
import threading
import time

import pytest

from engine.text.store import (DAY, MB, StoreError, UploadStore, id_from_link, link_value, upload_id, valid_id)

TEXT = ("The Time Traveller (for so it will be convenient to speak of him) was expounding "
        "a recondite matter to us. ").encode() * 20


def test_id_is_sha256_prefix_and_link_round_trips(tmp_path):
    store = UploadStore(tmp_path)
    uid = store.put(TEXT)
    assert uid == hashlib.sha256(TEXT).hexdigest()[:16] == upload_id(TEXT)
    assert store.get(uid) == TEXT
    assert (tmp_path / uid).read_bytes() == TEXT
    assert link_value(uid) == f"upload:{uid}" and id_from_link(link_value(uid)) == uid
    assert store.put(TEXT) == uid                     # same content, same id, one file
    assert [p.name for p in tmp_path.iterdir()] == [uid]


def test_shared_folder_is_seen_by_another_store_like_another_replica(tmp_path):
    uid = UploadStore(tmp_path).put(TEXT)
    assert UploadStore(tmp_path).get(uid) == TEXT      # a new process (replica, restart) on the same folder


@pytest.mark.parametrize("name", [
    "../../etc/passwd", "/etc/passwd", "0123456789abcde", "0123456789abcdef0", "0123456789ABCDEF",
    "0123456789abcdeg", "", ".tmp-0123456789ab", "0123456789abcde\n", "０１２３４５６７８９ａｂｃｄｅｆ",
    "0123456789abcde/", None, 123, b"0123456789abcdef",
])
def test_hostile_names_never_reach_the_file_system(tmp_path, name):
    store = UploadStore(tmp_path / "store")
    (tmp_path / "passwd").write_text("secret")
    assert not valid_id(name)
    assert store.get(name) is None
    assert id_from_link(f"upload:{name}") is None
    with pytest.raises(ValueError):
        store.path(name)


def test_link_values_other_than_upload_id_are_not_ids():
    for v in ("upload", "upload:", "upload:0123456789abcdef ", " upload:0123456789abcdef", "UPLOAD:0123456789abcdef",
              "upload:0123456789abcdef&x=1", "english"):
        assert id_from_link(v) is None
    assert id_from_link("upload:0123456789abcdef") == "0123456789abcdef"


def test_size_cap_is_checked_before_anything_is_written(tmp_path):
    store = UploadStore(tmp_path, max_file_bytes=1000)
    with pytest.raises(StoreError) as e:
        store.put(b"x" * 1001)
    assert e.value.key == "store_too_big" and e.value.details["limit"] == 1000
    assert not tmp_path.exists() or list(tmp_path.iterdir()) == []
    assert store.get(upload_id(b"x" * 1000)) is None
    uid = store.put(b"x" * 1000)
    assert store.get(uid) == b"x" * 1000


def test_total_size_limit_removes_least_recently_used_first(tmp_path):
    store = UploadStore(tmp_path, max_bytes=3000, max_file_bytes=1000)
    texts = [bytes([65 + i]) * 1000 for i in range(4)]
    ids = [store.put(t, now=1000.0 + i) for i, t in enumerate(texts[:3])]
    assert store.get(ids[0], now=1010.0) == texts[0]  # opening A makes it the most recently used
    new = store.put(texts[3], now=1020.0)            # 4000 bytes > 3000: the oldest use (B) goes
    assert store.get(ids[1], now=1021.0) is None
    assert all(store.get(u, now=1021.0) is not None for u in (ids[0], ids[2], new))
    assert sum(s for _, s, _ in store.entries()) <= 3000


def test_age_limit_expires_texts_and_opening_keeps_them(tmp_path):
    store = UploadStore(tmp_path, max_age_s=2 * DAY)
    a, b = store.put(b"a" * 300, now=0.0), store.put(b"b" * 300, now=0.0)
    assert store.get(a, now=1.5 * DAY) is not None    # opened: two more days from now
    assert store.get(b, now=2.5 * DAY) is None        # expired, and removed from disk
    assert not (tmp_path / b).exists()
    assert store.get(a, now=3.4 * DAY) is not None
    store.prune(now=10 * DAY)
    assert store.entries() == []


def test_a_damaged_file_is_not_served_as_the_linked_text(tmp_path):
    store = UploadStore(tmp_path)
    uid = store.put(TEXT)
    (tmp_path / uid).write_bytes(b"something else entirely")
    assert store.get(uid) is None


def test_collision_of_sixteen_digits_is_refused_not_overwritten(tmp_path):
    store = UploadStore(tmp_path)
    uid = upload_id(TEXT)
    (tmp_path / uid).write_bytes(b"another text that claims the same id")
    with pytest.raises(StoreError) as e:
        store.put(TEXT)
    assert e.value.key == "store_collision"
    assert (tmp_path / uid).read_bytes() == b"another text that claims the same id"


def test_writes_are_atomic_a_failed_write_leaves_nothing(tmp_path, monkeypatch):
    store = UploadStore(tmp_path)

    def broken_fsync(fd):
        raise OSError("disk full")
    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        store.put(TEXT)
    assert list(tmp_path.iterdir()) == []             # neither the target nor a temporary file
    assert store.get(upload_id(TEXT)) is None


def test_readers_never_see_half_a_file_while_writers_race(tmp_path):
    """Writers of one 4 MB text and readers of its id at the same time: every read is None or the
    whole text (the rename is atomic; temporary files have names that are not ids)."""
    store = UploadStore(tmp_path)
    big = os.urandom(4 * MB)
    uid = upload_id(big)
    seen, stop = [], threading.Event()

    def read():
        while not stop.is_set():
            got = store.get(uid)
            seen.append(None if got is None else (len(got), got == big))

    readers = [threading.Thread(target=read) for _ in range(3)]
    for r in readers:
        r.start()
    for _ in range(4):
        (tmp_path / uid).unlink(missing_ok=True)
        assert store.put(big) == uid
    # the last write stays: give the readers time to read it (under CPU contention they may not have been
    # scheduled at all yet, which once failed the last assert below on a loaded machine)
    deadline = time.monotonic() + 30
    while not any(s is not None for s in seen) and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    for r in readers:
        r.join()
    assert seen and all(s is None or s == (4 * MB, True) for s in seen)
    assert any(s is not None for s in seen)


def test_stale_temporary_files_are_cleaned(tmp_path):
    store = UploadStore(tmp_path)
    tmp = tmp_path / ".tmp-deadbeef"
    tmp.write_bytes(b"half")
    os.utime(tmp, (0, 0))
    store.prune(now=10_000.0)
    assert not tmp.exists()


def test_from_env_reads_folder_and_limits(tmp_path, monkeypatch):
    monkeypatch.setenv("DEEPDIVE_UPLOADS", str(tmp_path / "u"))
    monkeypatch.setenv("DEEPDIVE_UPLOADS_MB", "1.5")
    monkeypatch.setenv("DEEPDIVE_UPLOADS_DAYS", "2")
    s = UploadStore.from_env()
    assert s.root == tmp_path / "u" and s.max_bytes == int(1.5 * MB) and s.max_age_s == 2 * DAY
