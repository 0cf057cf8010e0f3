"""Download a file once, verify its checksum, and cache it (d2l's ``download`` made safe).

A download goes to ``<name>.part`` first and is renamed only after its checksum matches, so a
broken or partial download is never used: it is deleted and reported. Offline, a cached
file is used as it is; without one, ``DownloadError`` says what to do.
"""
from __future__ import annotations

import hashlib
import os
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable

CACHE_DIR = Path(os.environ.get("DEEPDIVE_DATA", Path(__file__).resolve().parents[2] / "data" / "cache"))
CHUNK = 1 << 16


class DownloadError(RuntimeError):
    """A download failed or did not match its checksum; the message says what to do."""


def sha1_of(path: Path, algorithm: str = "sha1") -> str:
    h = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def fetch(url: str, checksum: str, name: str | None = None, *, algorithm: str = "sha1",
          cache_dir: Path | None = None, timeout: float = 20.0,
          on_progress: Callable[[int, int | None], None] | None = None,
          opener: Callable = urllib.request.urlopen) -> Path:
    """Return the path of the verified file, downloading it first if it is not cached.

    ``on_progress(bytes_so_far, total_or_None)`` reports the download. ``opener`` is
    replaceable so the tests can serve bytes without a network."""
    cache_dir = Path(cache_dir or CACHE_DIR)
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = cache_dir / (name or url.rsplit("/", 1)[-1])
    if target.exists():
        if sha1_of(target, algorithm) == checksum:
            return target
        target.unlink()                           # corrupted cache: fetch again
    part = target.with_name(target.name + ".part")
    try:
        with opener(url, timeout=timeout) as response, open(part, "wb") as out:
            total = response.headers.get("Content-Length") if hasattr(response, "headers") else None
            total = int(total) if total else None
            done = 0
            for block in iter(lambda: response.read(CHUNK), b""):
                out.write(block)
                done += len(block)
                if on_progress:
                    on_progress(done, total)
    except (urllib.error.URLError, OSError, TimeoutError, ValueError) as e:
        part.unlink(missing_ok=True)
        raise DownloadError(f"Could not download {url}: {e}. Check the network connection, "
                            f"or place the file at {target} by hand.") from e
    got = sha1_of(part, algorithm)
    if got != checksum:
        size = part.stat().st_size
        part.unlink(missing_ok=True)
        raise DownloadError(f"The download of {url} is broken or incomplete ({size} bytes, {algorithm} {got[:12]}…, "
                            f"expected {checksum[:12]}…). It was discarded; try again later.")
    part.replace(target)
    return target
