"""Small tables of d2l's data hub with a stand-in (the airfoil data, the Kaggle house data): every file
downloaded once, verified by the book's SHA-1 and cached (``download.fetch``), read once per cache folder;
when they cannot be had — offline without a cached copy, a failed download, a wrong checksum, a file
that does not read as the book's table — the lesson gets its stand-in data with the reason, never an
exception, and a failed download is not tried again for ``RETRY_AFTER`` seconds (a class opening the
page offline does not wait on the network 30 times)."""
from __future__ import annotations

import threading
import time
import urllib.request
from pathlib import Path
from typing import Callable, Generic, Sequence, TypeVar

from engine.datasets.download import CACHE_DIR, DownloadError, fetch
from engine.datasets.images import RETRY_AFTER, TIMEOUT, offline

T = TypeVar("T")


def _refuse(url, timeout=None):
    raise OSError("downloads are off")


class HubFiles(Generic[T]):
    """``files()``: the (name, sha1) pairs under ``base_url`` (asked at each load, so a module's constants
    stay the one place they are written); read into data by ``read(paths)``; ``stand_in(reason)`` when they
    cannot be had. ``errors``: what ``read`` raises for a file that is not the expected table."""

    def __init__(self, base_url: str, files: Callable[[], Sequence[tuple[str, str]]], read: Callable[[list[Path]], T],
                 stand_in: Callable[[str | None], T], errors: tuple = ()):
        self.base_url, self.files, self.read, self.stand_in = base_url, files, read, stand_in
        self.errors = (DownloadError, ValueError, OSError, *errors)
        self._lock = threading.Lock()
        self._loaded: dict[str, T] = {}
        self._failed: list = []                  # [(when, reason)] of the last failed download

    def load(self, cache_dir: Path | str | None = None, opener: Callable | None = None) -> T:
        """The data when cached or downloadable, else the stand-in with the reason (``opener``: the tests'
        served bytes; a test's opener neither reads nor records the retry pause)."""
        cache_dir = Path(cache_dir or CACHE_DIR)
        key = str(cache_dir)
        with self._lock:
            if key in self._loaded:
                return self._loaded[key]
            may_download = not offline()
            if opener is None and self._failed and time.monotonic() - self._failed[0][0] < RETRY_AFTER:
                return self.stand_in(self._failed[0][1])
            try:
                paths = []
                for name, sha1 in self.files():
                    if may_download:
                        paths.append(fetch(self.base_url + name, sha1, name, cache_dir=cache_dir, timeout=TIMEOUT,
                                           opener=opener or urllib.request.urlopen))
                    elif (cache_dir / name).exists():
                        paths.append(fetch(self.base_url + name, sha1, name, cache_dir=cache_dir, opener=_refuse))
                    else:
                        raise DownloadError(f"{name} is not cached in {cache_dir} and downloads are off "
                                            "(DEEPDIVE_OFFLINE=1)")
                data = self.read(paths)
            except self.errors as e:
                reason = str(e) if len(str(e)) <= 200 else str(e)[:197] + "…"
                if opener is None and may_download:
                    self._failed[:] = [(time.monotonic(), reason)]
                return self.stand_in(reason)
            self._failed.clear()
            self._loaded[key] = data
            return data

    def clear(self) -> None:
        """Forget what was read and the last failure (tests; a teacher who placed the files by hand)."""
        with self._lock:
            self._loaded.clear()
            self._failed.clear()
