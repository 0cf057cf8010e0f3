"""Small image classification data sets for the Basics lessons (d2l §4.2).

``load_image_data()`` returns Fashion-MNIST (the book's data set: 28×28 grey images of
clothes, 10 classes), read from the four official IDX files that ``fetch`` downloads once,
verifies by the official MD5 checksums and caches under ``data/cache/``. Offline, or when a
download is broken, it falls back to scikit-learn's bundled 8×8 handwritten digits (a real
data set that ships inside the package) and says why in ``fallback_reason``.

``DEEPDIVE_OFFLINE=1`` skips every download attempt (files already cached are still used).
Loaded data is kept in memory per process, so pages do not re-read it on every rerun.
"""
from __future__ import annotations

import functools
import gzip
import importlib.util
import os
import socket
import threading
import time
import urllib.error
import urllib.request
import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import torch

from engine.datasets.download import CACHE_DIR, DownloadError, fetch

# The official files and MD5 checksums (README of github.com/zalandoresearch/fashion-mnist).
FASHION_MNIST_URLS = (
    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",   # mirror
)
FASHION_MNIST_FILES = {
    "train_images": ("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
    "train_labels": ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
    "test_images": ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
    "test_labels": ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
}
# d2l §4.2 ``get_fashion_mnist_labels``
FASHION_MNIST_CLASSES = ("t-shirt", "trouser", "pullover", "dress", "coat",
                         "sandal", "shirt", "sneaker", "bag", "ankle boot")
DIGITS_CLASSES = tuple(str(i) for i in range(10))
DATASETS = ("fashion_mnist", "digits")
TIMEOUT = 8.0           # seconds per socket operation: a dead network must not hold a page long
RETRY_AFTER = 600.0     # after a failed download, use the fallback for this long before trying again
DIGITS_SEED = 0         # the fixed 80/20 split of the digits

# Class names and data set names in both languages, for every page that shows these images.
STRINGS = {
    "dataset.fashion_mnist": {"en": "Fashion-MNIST (28×28)", "zh": "Fashion-MNIST（28×28）"},
    "dataset.digits": {"en": "Handwritten digits (8×8, scikit-learn)", "zh": "手写数字（8×8，scikit-learn）"},
    **{f"class.{en}": {"en": en, "zh": zh} for en, zh in zip(
        FASHION_MNIST_CLASSES, ("T恤", "裤子", "套衫", "连衣裙", "外套", "凉鞋", "衬衫", "运动鞋", "包", "短靴"))},
    **{f"class.{d}": {"en": d, "zh": d} for d in DIGITS_CLASSES},
    # what every image page says about the data it uses (pages/_ui/_data.py)
    "data_in_use": {"en": "**Data:** {name} — {n_train} training images used (of {avail}), {n_test} test images, {h}×{w} pixels, {c} classes.",
                    "zh": "**数据：** {name}——使用 {n_train} 张训练图像（共 {avail} 张），{n_test} 张测试图像，{h}×{w} 像素，{c} 个类别。"},
    "fallback_info": {"en": "Fashion-MNIST is not available here, so this page uses scikit-learn's 8×8 handwritten digits, which ship with the package. Reason: {reason}",
                      "zh": "此处无法获得 Fashion-MNIST，本页改用 scikit-learn 自带的 8×8 手写数字。原因（系统的英文报告）：{reason}"},
    "downloading": {"en": "Downloading Fashion-MNIST: {file} ({done})", "zh": "正在下载 Fashion-MNIST：{file}（{done}）"},
}


class IDXError(ValueError):
    """A file is not a well-formed IDX file (wrong magic number, type code, or size)."""


@dataclass(frozen=True, eq=False)
class ImageData:
    name: str                        # 'fashion_mnist' or 'digits'
    X_train: torch.Tensor            # float32 (N, 1, H, W) in [0, 1]
    y_train: torch.Tensor            # int64 (N,)
    X_test: torch.Tensor
    y_test: torch.Tensor
    class_names: tuple[str, ...]     # English; translations in STRINGS as 'class.<name>'
    image_shape: tuple[int, int]     # (H, W)
    fallback_reason: str | None      # why the digits were used instead of Fashion-MNIST
    standardise: bool = False        # models see each pixel standardised (the digits; see load_digits)

    def inputs(self, X: torch.Tensor) -> torch.Tensor:
        """What the models see: images flattened to (N, H·W); for ``standardise``, each pixel
        minus its training mean, over its training standard deviation (pixels that are always 0
        stay 0). The images themselves (``X_*``) stay in [0, 1] for display."""
        flat = X.reshape(len(X), -1)
        if not self.standardise:
            return flat
        mean, std = self._pixel_stats
        return (flat - mean) / std

    @functools.cached_property
    def _pixel_stats(self) -> tuple[torch.Tensor, torch.Tensor]:
        flat = self.X_train.reshape(len(self.X_train), -1)
        std = flat.std(0)
        return flat.mean(0), torch.where(std > 0, std, torch.ones_like(std))

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    @property
    def num_inputs(self) -> int:
        return self.image_shape[0] * self.image_shape[1]


# ---- IDX files (http://yann.lecun.com/exdb/mnist/, "file formats") -------------------------

_IDX_TYPES = {0x08: np.dtype(">u1"), 0x09: np.dtype(">i1"), 0x0B: np.dtype(">i2"),
              0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}


def read_idx(source: str | Path | bytes) -> np.ndarray:
    """Parse an IDX file (raw or gzip-compressed; a path or the bytes themselves).

    Header: two zero bytes, a type code, the number of dimensions, then each dimension as a
    big-endian uint32; the data follow, big-endian. Anything else raises ``IDXError``."""
    where = "<bytes>" if isinstance(source, (bytes, bytearray)) else str(source)
    data = bytes(source) if isinstance(source, (bytes, bytearray)) else Path(source).read_bytes()
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as e:
            raise IDXError(f"{where}: broken gzip stream ({e})") from None
    if len(data) < 4:
        raise IDXError(f"{where}: {len(data)} bytes, too short for an IDX header")
    if data[0] != 0 or data[1] != 0:
        raise IDXError(f"{where}: bad magic number {data[:4].hex()} (an IDX file starts with two zero bytes)")
    code, ndim = data[2], data[3]
    if code not in _IDX_TYPES:
        raise IDXError(f"{where}: unknown IDX type code 0x{code:02x}")
    if ndim == 0:
        raise IDXError(f"{where}: zero dimensions")
    header = 4 + 4 * ndim
    if len(data) < header:
        raise IDXError(f"{where}: header truncated ({len(data)} of {header} bytes)")
    shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    dtype = _IDX_TYPES[code]
    expected = header + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(data) != expected:
        raise IDXError(f"{where}: shape {shape} of {dtype.name} needs {expected} bytes, the file has {len(data)}")
    return np.frombuffer(data, dtype=dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def write_idx(array: np.ndarray, path: str | Path, compress: bool | None = None) -> Path:
    """Write ``array`` as an IDX file (gzip if the name ends in .gz); the tests use it."""
    array = np.asarray(array)
    code = next((c for c, d in _IDX_TYPES.items() if d.newbyteorder("=") == array.dtype.newbyteorder("=")), None)
    if code is None:
        raise IDXError(f"IDX cannot hold {array.dtype}")
    data = (bytes([0, 0, code, array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
            + array.astype(_IDX_TYPES[code]).tobytes())
    path = Path(path)
    compress = path.suffix == ".gz" if compress is None else compress
    path.write_bytes(gzip.compress(data, mtime=0) if compress else data)
    return path


# ---- the two data sets ---------------------------------------------------------------------

def offline() -> bool:
    return os.environ.get("DEEPDIVE_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


def fashion_mnist_paths(cache_dir: Path | None = None, allow_download: bool = True,
                        on_progress: Callable[[str, int, int | None], None] | None = None,
                        opener: Callable | None = None) -> dict[str, Path]:
    """The four verified files, downloading any that are not cached (trying the mirror when
    the official host fails). Raises ``DownloadError`` (what went wrong, what to do)."""
    cache_dir = Path(cache_dir or CACHE_DIR)
    opener = (opener or urllib.request.urlopen) if allow_download else _no_download
    paths = {}
    for key, (fname, md5) in FASHION_MNIST_FILES.items():
        if not allow_download and not (cache_dir / fname).exists():
            raise DownloadError(f"{fname} is not in {cache_dir} and downloads are off")
        progress = None if on_progress is None else (lambda done, total, f=fname: on_progress(f, done, total))
        for base in FASHION_MNIST_URLS:
            try:
                paths[key] = fetch(base + fname, md5, fname, algorithm="md5", cache_dir=cache_dir,
                                   timeout=TIMEOUT, on_progress=progress, opener=opener)
                break
            except DownloadError as e:
                error = e
                reason = getattr(e.__cause__, "reason", e.__cause__)
                if isinstance(reason, (socket.gaierror, TimeoutError)) or not allow_download:
                    break                   # no network at all (or none allowed): a mirror won't help
        if key not in paths:
            raise error
    return paths


def _no_download(url, timeout=None):
    raise urllib.error.URLError("downloads are off")


def load_fashion_mnist(cache_dir: Path | None = None, allow_download: bool = True,
                       on_progress=None, opener: Callable | None = None) -> ImageData:
    """d2l §4.2 ``load_data_fashion_mnist``: images scaled to [0, 1] (``ToTensor``)."""
    p = fashion_mnist_paths(cache_dir, allow_download, on_progress, opener)
    arrays = {k: read_idx(v) for k, v in p.items()}
    for split in ("train", "test"):
        X, y = arrays[f"{split}_images"], arrays[f"{split}_labels"]
        if X.dtype != np.uint8 or X.ndim != 3 or X.shape[1:] != (28, 28):
            raise IDXError(f"{split} images: expected uint8 (N, 28, 28), got {X.dtype} {X.shape}")
        if y.dtype != np.uint8 or y.shape != (len(X),) or y.max(initial=0) > 9:
            raise IDXError(f"{split} labels: expected {len(X)} uint8 labels in 0..9, got {y.dtype} {y.shape}")
    as_X = lambda a: torch.from_numpy(a.astype(np.float32) / 255.0).unsqueeze(1)
    as_y = lambda a: torch.from_numpy(a.astype(np.int64))
    return ImageData("fashion_mnist", as_X(arrays["train_images"]), as_y(arrays["train_labels"]),
                     as_X(arrays["test_images"]), as_y(arrays["test_labels"]),
                     FASHION_MNIST_CLASSES, (28, 28), None)


def _digits_file() -> Path:
    """The CSV that ``sklearn.datasets.load_digits`` reads, found without importing sklearn
    (its import alone takes seconds on a busy 2-core server)."""
    spec = importlib.util.find_spec("sklearn")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("scikit-learn is not installed: pip install scikit-learn")
    return Path(spec.origin).parent / "datasets" / "data" / "digits.csv.gz"


def load_digits(fallback_reason: str | None = None) -> ImageData:
    """scikit-learn's 1,797 handwritten digits (8×8, values 0..16 → [0, 1]; the same numbers
    as ``sklearn.datasets.load_digits``), split 80/20 within each class with a fixed seed:
    the same split everywhere.

    The models see each pixel standardised (scikit-learn's advice for linear models). The book's
    settings (batch 256, 10 epochs) make 2,350 updates on Fashion-MNIST's 60,000 images but only
    60 on these 1,438: on [0, 1] pixels softmax regression stops at 0.87–0.89 test accuracy, on
    standardised pixels it reaches 0.90–0.91 within the same 60 updates."""
    table = np.loadtxt(_digits_file(), delimiter=",", dtype=np.float32)
    X, y = (table[:, :-1] / 16.0).reshape(-1, 8, 8), table[:, -1].astype(np.int64)
    rng = np.random.default_rng(DIGITS_SEED)
    test = np.zeros(len(y), dtype=bool)
    for c in np.unique(y):                       # stratified: every class 20 % in the test set
        idx = rng.permutation(np.flatnonzero(y == c))
        test[idx[:round(0.2 * len(idx))]] = True
    train_idx, test_idx = rng.permutation(np.flatnonzero(~test)), rng.permutation(np.flatnonzero(test))
    as_X = lambda i: torch.from_numpy(np.ascontiguousarray(X[i])).unsqueeze(1)
    as_y = lambda i: torch.from_numpy(y[i])
    return ImageData("digits", as_X(train_idx), as_y(train_idx), as_X(test_idx), as_y(test_idx),
                     DIGITS_CLASSES, (8, 8), fallback_reason, standardise=True)


# ---- the one entry point, cached per process -----------------------------------------------

_lock = threading.Lock()
_loaded: dict[tuple, ImageData] = {}          # (name, cache_dir) -> data; at most 2 entries
_failed: dict[tuple, tuple[float, ImageData]] = {}   # key -> (when, digits with the reason) after a failure


def _reason(e: Exception) -> str:
    """A short English reason for the page: no network, a broken download, a malformed file."""
    cause = e.__cause__
    if isinstance(e, DownloadError) and cause is not None:
        text = f"Fashion-MNIST could not be downloaded ({getattr(cause, 'reason', cause)})"
    elif isinstance(e, DownloadError):
        text = f"the Fashion-MNIST download failed its checksum and was discarded: {e}"
    else:
        text = f"the Fashion-MNIST files are unreadable: {e}"
    return text if len(text) <= 200 else text[:197] + "…"


def load_image_data(prefer: str = "fashion_mnist", allow_download: bool = True, on_progress=None,
                    cache_dir: Path | str | None = None, *,
                    opener: Callable | None = None) -> ImageData:
    """Fashion-MNIST when ``prefer='fashion_mnist'`` and it is cached or can be downloaded;
    otherwise the digits, with ``fallback_reason`` saying why. ``prefer='digits'`` gives the
    digits directly (``fallback_reason`` None).

    ``on_progress(file_name, bytes_so_far, total_or_None)`` reports a download. Never raises
    for network or file trouble; a failed download is retried after ``RETRY_AFTER`` seconds."""
    if prefer not in DATASETS:
        raise ValueError(f"prefer must be one of {DATASETS}, not {prefer!r}")
    cache_dir = Path(cache_dir or CACHE_DIR)
    with _lock:            # one loader at a time: 30 students opening the page read the files once
        if prefer == "fashion_mnist":
            key = ("fashion_mnist", str(cache_dir))
            if key in _loaded:
                return _loaded[key]
            may_download = allow_download and not offline()
            memo = may_download and opener is None       # a real network attempt (tests pass their own opener)
            failed = _failed.get(key) if memo else None
            if failed is not None and time.monotonic() - failed[0] < RETRY_AFTER:
                return failed[1]                # don't wait on a dead network at every rerun
            try:
                data = load_fashion_mnist(cache_dir, may_download, on_progress, opener)
            except (DownloadError, IDXError, OSError) as e:
                if not may_download and not any((cache_dir / f).exists() for f, _ in FASHION_MNIST_FILES.values()):
                    why = "offline (DEEPDIVE_OFFLINE=1)" if offline() else "downloads are off"
                    reason = f"Fashion-MNIST is not cached in {cache_dir} and {why}"
                else:
                    reason = _reason(e)
                data = _digits(reason)
                if memo:
                    _failed[key] = (time.monotonic(), data)
                return data
            _failed.pop(key, None)
            _keep(key, data)
            return data
        return _digits(None)


def _digits(reason: str | None) -> ImageData:
    key = ("digits",)
    if key not in _loaded:
        _keep(key, load_digits())
    data = _loaded[key]
    return data if reason is None else dataclasses.replace(data, fallback_reason=reason)   # same tensors


def _keep(key: tuple, data: ImageData) -> None:
    _loaded[key] = data
    while len(_loaded) > 2:                # Fashion-MNIST is ~220 MB as float32: keep few copies
        _loaded.pop(next(iter(_loaded)))


def clear_cache() -> None:
    """Forget loaded data and failed attempts (tests; or after placing files by hand)."""
    with _lock:
        _loaded.clear()
        _failed.clear()
