"""Uploaded texts kept on disk by their content, so a share link can name one (``corpus=upload:<id>``).

An upload's id is the first 16 hex digits of the SHA-256 of its bytes. The store is a folder of files
named by id (``data/uploads/`` by default) that every app process pointed at the same folder shares:
a classmate who opens the link finds the text on any replica, after any restart, for as long as the
store's limits keep it. The limits are a total size and an age since the text was last uploaded or
opened; when the folder is over its size, the least recently used texts go first.

What it does not do: it never runs, imports or renders what it holds (bytes in, bytes out; the lessons
decode them as text and show them with ``st.text``). Ids are checked to be 16 lower-case hex digits
before they touch the file system, so a hostile link cannot name another path. Sizes are checked
before anything is written, and a write goes to a temporary file that is renamed into place
(``os.replace``, atomic on POSIX), so no reader ever sees half a file. Anyone who has the link can read
the text: the id is derived from the content, not a secret chosen per student.
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ID_DIGITS = 16
ID_RE = re.compile(rf"[0-9a-f]{{{ID_DIGITS}}}")
LINK_PREFIX = "upload:"
LINK_RE = re.compile(rf"{LINK_PREFIX}([0-9a-f]{{{ID_DIGITS}}})")
MB = 1 << 20
DAY = 86_400.0
_TMP_PREFIX = ".tmp-"                  # never a valid id, so a reader cannot open a file being written
_STALE_TMP_S = 600                     # a temporary file this old was left by a writer that died


class StoreError(ValueError):
    """An upload the store refuses: ``key`` names the bilingual message, ``details`` fill it in."""

    def __init__(self, key: str, **details):
        self.key, self.details = key, details
        super().__init__(f"{key}: {details}")


def upload_id(raw: bytes) -> str:
    """The id of these bytes: 16 hex digits of their SHA-256."""
    return hashlib.sha256(raw).hexdigest()[:ID_DIGITS]


def valid_id(uid: object) -> bool:
    return isinstance(uid, str) and ID_RE.fullmatch(uid) is not None


def link_value(uid: str) -> str:
    """The value of the ``corpus`` URL parameter that names this upload."""
    if not valid_id(uid):
        raise ValueError(f"not an upload id: {uid!r}")
    return LINK_PREFIX + uid


def id_from_link(value: object) -> str | None:
    """``"upload:<16 hex>"`` → the id; anything else → None."""
    m = LINK_RE.fullmatch(value) if isinstance(value, str) else None
    return m.group(1) if m else None


@dataclass(frozen=True)
class UploadStore:
    """``put(raw) -> id``, ``get(id) -> bytes | None``. Limits: each file at most ``max_file_bytes``,
    all together at most ``max_bytes``, each kept ``max_age_s`` after its last upload or opening."""

    root: Path
    max_bytes: int = 200 * MB
    max_age_s: float = 30 * DAY
    max_file_bytes: int = 10 * MB

    @classmethod
    def from_env(cls, root: str | os.PathLike | None = None) -> "UploadStore":
        """The store the app uses: ``DEEPDIVE_UPLOADS`` (folder, default ``data/uploads`` in the
        repository), ``DEEPDIVE_UPLOADS_MB`` (200), ``DEEPDIVE_UPLOADS_DAYS`` (30)."""
        default = Path(__file__).resolve().parents[2] / "data" / "uploads"
        folder = Path(root or os.environ.get("DEEPDIVE_UPLOADS") or default)
        return cls(folder, max_bytes=int(float(os.environ.get("DEEPDIVE_UPLOADS_MB", "200")) * MB),
                   max_age_s=float(os.environ.get("DEEPDIVE_UPLOADS_DAYS", "30")) * DAY)

    def path(self, uid: str) -> Path:
        if not valid_id(uid):
            raise ValueError(f"not an upload id: {uid!r}")
        return Path(self.root) / uid

    def put(self, raw: bytes, now: float | None = None) -> str:
        """Keep ``raw`` (if not already kept) and return its id. Raises ``StoreError`` for a file over
        ``max_file_bytes`` (nothing is written) and for the (astronomically unlikely) case of another
        text with the same 16 digits."""
        if not isinstance(raw, (bytes, bytearray)):
            raise TypeError("the store keeps bytes")
        if len(raw) > self.max_file_bytes or len(raw) > self.max_bytes:
            raise StoreError("store_too_big", size=len(raw), limit=min(self.max_file_bytes, self.max_bytes))
        raw = bytes(raw)
        uid = upload_id(raw)
        target = self.path(uid)
        Path(self.root).mkdir(parents=True, exist_ok=True)
        now = time.time() if now is None else now
        existing = self._read(target)
        if existing is not None:
            if existing != raw:
                raise StoreError("store_collision", id=uid)
            os.utime(target, (now, now))                  # uploaded again: young again
        else:
            fd, tmp = tempfile.mkstemp(prefix=_TMP_PREFIX, dir=self.root)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(raw)
                    f.flush()
                    os.fsync(f.fileno())
                os.utime(tmp, (now, now))
                os.replace(tmp, target)                   # atomic: readers see no file or all of it
            except BaseException:
                try:
                    os.unlink(tmp)
                except FileNotFoundError:
                    pass
                raise
        self.prune(now=now, keep=uid)
        return uid

    def get(self, uid: str, now: float | None = None) -> bytes | None:
        """The bytes kept under ``uid``; None when there are none (never uploaded here, expired, removed
        to make room) or when ``uid`` is not an id at all. Opening a text makes it young again."""
        if not valid_id(uid):
            return None
        target = self.path(uid)
        now = time.time() if now is None else now
        try:
            if now - target.stat().st_mtime > self.max_age_s:
                self._remove(target)
                return None
        except FileNotFoundError:
            return None
        raw = self._read(target)
        if raw is None or upload_id(raw) != uid:          # damaged on disk: not what the link named
            return None
        try:
            os.utime(target, (now, now))
        except OSError:
            pass
        return raw

    def _read(self, target: Path) -> bytes | None:
        try:
            with open(target, "rb") as f:
                return f.read(self.max_file_bytes + 1)
        except (FileNotFoundError, IsADirectoryError):
            return None

    @staticmethod
    def _remove(target: Path) -> None:
        try:
            os.unlink(target)
        except FileNotFoundError:                         # another replica removed it first
            pass

    def entries(self) -> list[tuple[float, int, Path]]:
        """(last use, bytes, path) of every kept text, oldest first."""
        out = []
        try:
            names = os.listdir(self.root)
        except FileNotFoundError:
            return []
        for name in names:
            if not valid_id(name):
                continue
            p = Path(self.root) / name
            try:
                st = p.stat()
            except FileNotFoundError:
                continue
            out.append((st.st_mtime, st.st_size, p))
        return sorted(out, key=lambda e: (e[0], e[2].name))

    def prune(self, now: float | None = None, keep: str | None = None) -> int:
        """Remove expired texts, then the least recently used until the total fits ``max_bytes``
        (never ``keep``, the one just written); also temporary files left by a writer that died.
        Returns how many texts were removed."""
        now = time.time() if now is None else now
        removed = 0
        try:
            for name in os.listdir(self.root):
                if name.startswith(_TMP_PREFIX):
                    p = Path(self.root) / name
                    try:
                        if now - p.stat().st_mtime > _STALE_TMP_S:
                            self._remove(p)
                    except FileNotFoundError:
                        pass
        except FileNotFoundError:
            return 0
        live = []
        for mtime, size, p in self.entries():
            if now - mtime > self.max_age_s and p.name != keep:
                self._remove(p)
                removed += 1
            else:
                live.append((mtime, size, p))
        total = sum(size for _, size, _ in live)
        for mtime, size, p in live:                        # oldest first
            if total <= self.max_bytes:
                break
            if p.name == keep:
                continue
            self._remove(p)
            total -= size
            removed += 1
        return removed
