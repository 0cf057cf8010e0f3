"""*The Time Machine* (H. G. Wells, public domain), the book's corpus, downloaded on demand (d2l §9.2.1).

The file comes from d2l's public data hub through ``engine.datasets.fetch``: verified by its sha1,
cached in ``data/cache``. Offline and without a cached copy, ``DownloadError`` says so and the
lessons go on with the generated corpora.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from engine.datasets import download
from engine.datasets.download import fetch
from engine.text.vocab import Corpus, preprocess_time_machine

TIME_MACHINE_URL = "http://d2l-data.s3-accelerate.amazonaws.com/timemachine.txt"
TIME_MACHINE_SHA1 = "090b5e7e70c295757f55df93cb0a180b9691891a"


def time_machine_corpus(raw_text: str) -> Corpus:
    """The book's ``read_time_machine``: every line cleaned to lower-case letters and spaces."""
    lines = preprocess_time_machine(raw_text)
    return Corpus(name="time_machine", text="\n".join(lines), lang="en", source="time_machine",
                  note="lower case, every run of non-letters replaced by one space (as d2l §9.2.1)")


def load_time_machine(*, path: str | Path | None = None, cache_dir: str | Path | None = None,
                      on_progress: Callable[[int, int | None], None] | None = None,
                      opener: Callable | None = None) -> Corpus:
    """The Time Machine as a ``Corpus``: from ``path`` if given (benchmarks read
    ``../shared/data/timemachine.txt``), otherwise downloaded once and verified. Raises
    ``engine.datasets.DownloadError`` when it cannot be had."""
    if path is None:
        kwargs = {"opener": opener} if opener is not None else {}
        path = fetch(TIME_MACHINE_URL, TIME_MACHINE_SHA1, "timemachine.txt", cache_dir=cache_dir,
                     on_progress=on_progress, **kwargs)
    return time_machine_corpus(Path(path).read_text(encoding="utf-8"))


_VERIFIED: dict[tuple, bool] = {}


def time_machine_cached(cache_dir: str | Path | None = None) -> bool:
    """Whether a verified copy is already in the cache (so using it needs no network). The sha1 is
    checked once per (path, size, mtime)."""
    path = Path(cache_dir or download.CACHE_DIR) / "timemachine.txt"
    try:
        st = path.stat()
    except OSError:
        return False
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key not in _VERIFIED:
        if len(_VERIFIED) > 16:
            _VERIFIED.clear()
        _VERIFIED[key] = download.sha1_of(path) == TIME_MACHINE_SHA1
    return _VERIFIED[key]
