"""Image data sets: the IDX reader on files written here, the checksum path, the offline
fallback to the digits. No network: bytes are served through ``fetch``'s ``opener``."""
from __future__ import annotations

import gzip
import hashlib
import io
import urllib.error
import urllib.request

import numpy as np
import pytest
import torch

from engine.datasets import DownloadError
from engine.datasets import images as I


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    monkeypatch.delenv("DEEPDIVE_OFFLINE", raising=False)
    I.clear_cache()
    yield
    I.clear_cache()


class Response(io.BytesIO):
    headers = {}


def serve(payloads: dict[str, bytes], calls: list | None = None):
    """An ``opener`` that answers from a dict {file name: bytes} instead of the network."""
    def opener(url, timeout=None):
        if calls is not None:
            calls.append(url)
        name = url.rsplit("/", 1)[-1]
        if name not in payloads:
            raise urllib.error.URLError("no such file in the test server")
        r = Response(payloads[name])
        r.headers = {"Content-Length": str(len(payloads[name]))}
        return r
    return opener


def no_network(url, timeout=None):
    raise AssertionError(f"the network was used: {url}")


# ---- the IDX reader ----------------------------------------------------------------------

@pytest.mark.parametrize("name", ["x-idx3-ubyte", "x-idx3-ubyte.gz"])
def test_read_idx_round_trip_raw_and_gz(tmp_path, name):
    X = np.random.default_rng(0).integers(0, 256, (5, 28, 28), dtype=np.uint8)
    path = I.write_idx(X, tmp_path / name)
    assert (path.read_bytes()[:2] == b"\x1f\x8b") == name.endswith(".gz")
    raw = gzip.decompress(path.read_bytes()) if name.endswith(".gz") else path.read_bytes()
    assert raw[:4] == bytes([0, 0, 0x08, 3])                    # the magic number of a uint8 3-D file
    assert int.from_bytes(raw[4:8], "big") == 5
    got = I.read_idx(path)
    assert got.dtype == np.uint8 and got.shape == (5, 28, 28)
    np.testing.assert_array_equal(got, X)
    np.testing.assert_array_equal(I.read_idx(path.read_bytes()), X)       # bytes work too


@pytest.mark.parametrize("array", [np.arange(7, dtype=np.uint8), np.arange(-3, 3, dtype=np.int32).reshape(2, 3),
                                   np.linspace(-1, 1, 12, dtype=np.float32).reshape(2, 2, 3),
                                   np.array([1.5, -2.25]), np.array([-1, 5], dtype=np.int16)])
def test_read_idx_types_are_big_endian(tmp_path, array):
    got = I.read_idx(I.write_idx(array, tmp_path / "a.idx"))
    np.testing.assert_array_equal(got, array)
    assert got.dtype == array.dtype
    # the header's type code and sizes, written by hand here, agree with the writer
    code = {np.dtype(np.uint8): 0x08, np.dtype(np.int32): 0x0C, np.dtype(np.float32): 0x0D,
            np.dtype(np.float64): 0x0E, np.dtype(np.int16): 0x0B}[array.dtype]
    by_hand = bytes([0, 0, code, array.ndim]) + b"".join(n.to_bytes(4, "big") for n in array.shape) \
        + array.astype(array.dtype.newbyteorder(">")).tobytes()
    np.testing.assert_array_equal(I.read_idx(by_hand), array)


def _valid() -> bytes:
    return bytes([0, 0, 0x08, 2]) + (2).to_bytes(4, "big") + (3).to_bytes(4, "big") + bytes(range(6))


@pytest.mark.parametrize("data, words", [
    (b"\x01\x00\x08\x01" + (1).to_bytes(4, "big") + b"x", "magic"),
    (bytes([0, 0, 0x07, 1]) + (1).to_bytes(4, "big") + b"x", "type code"),
    (bytes([0, 0, 0x08, 0]), "zero dimensions"),
    (bytes([0, 0, 0x08, 2]) + (2).to_bytes(4, "big"), "header truncated"),
    (_valid()[:-1], "needs"),                          # one data byte missing
    (_valid() + b"\x00", "needs"),                     # one byte too many
    (b"\x00\x00", "too short"),
    (gzip.compress(_valid())[:-6], "gzip"),            # a partial .gz download
])
def test_read_idx_rejects_malformed(data, words):
    assert I.read_idx(_valid()).shape == (2, 3)
    with pytest.raises(I.IDXError, match=words):
        I.read_idx(data)


# ---- Fashion-MNIST through fetch (files made here, checksums patched to match) -----------------

def fake_fashion(n_train=6, n_test=4) -> dict[str, bytes]:
    rng = np.random.default_rng(1)
    arrays = {"train_images": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
              "train_labels": rng.integers(0, 10, n_train, dtype=np.uint8),
              "test_images": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
              "test_labels": rng.integers(0, 10, n_test, dtype=np.uint8)}
    out = {}
    for key, a in arrays.items():
        buf = bytes([0, 0, 0x08, a.ndim]) + b"".join(n.to_bytes(4, "big") for n in a.shape) + a.tobytes()
        out[I.FASHION_MNIST_FILES[key][0]] = gzip.compress(buf, mtime=0)
    return out


def patch_checksums(monkeypatch, payloads):
    files = {k: (f, hashlib.md5(payloads[f]).hexdigest()) for k, (f, _) in I.FASHION_MNIST_FILES.items()}
    monkeypatch.setattr(I, "FASHION_MNIST_FILES", files)


def test_official_checksums_are_the_readme_ones():
    assert I.FASHION_MNIST_FILES["train_images"] == ("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d")
    assert I.FASHION_MNIST_FILES["test_labels"] == ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310")


def test_fashion_mnist_downloads_verifies_and_caches(tmp_path, monkeypatch):
    payloads = fake_fashion()
    patch_checksums(monkeypatch, payloads)
    calls, progress = [], []
    data = I.load_image_data(cache_dir=tmp_path, opener=serve(payloads, calls),
                             on_progress=lambda f, done, total: progress.append((f, done, total)))
    assert data.name == "fashion_mnist" and data.fallback_reason is None
    assert data.X_train.shape == (6, 1, 28, 28) and data.X_test.shape == (4, 1, 28, 28)
    assert data.X_train.dtype == torch.float32 and data.y_train.dtype == torch.int64
    assert 0 <= data.X_train.min() and data.X_train.max() <= 1
    assert data.class_names[0] == "t-shirt" and data.image_shape == (28, 28)
    assert len(calls) == 4 and {p[0] for p in progress} == set(payloads)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(payloads)         # cached, no .part left
    raw = I.read_idx(tmp_path / "train-images-idx3-ubyte.gz")
    assert torch.equal(data.X_train[:, 0], torch.from_numpy(raw).float() / 255)
    # second time: from disk, no network, even with downloads off
    I.clear_cache()
    again = I.load_image_data(cache_dir=tmp_path, allow_download=False, opener=no_network)
    assert again.name == "fashion_mnist" and torch.equal(again.y_test, data.y_test)


def test_checksum_failure_raises_and_falls_back(tmp_path, monkeypatch):
    payloads = fake_fashion()
    patch_checksums(monkeypatch, payloads)
    broken = dict(payloads)
    name = "train-images-idx3-ubyte.gz"
    broken[name] = payloads[name][: len(payloads[name]) // 2]         # a partial download
    with pytest.raises(DownloadError, match="broken or incomplete"):
        I.fashion_mnist_paths(tmp_path, opener=serve(broken))
    assert not (tmp_path / name).exists() and not list(tmp_path.glob("*.part"))   # never kept, never used
    data = I.load_image_data(cache_dir=tmp_path, opener=serve(broken))
    assert data.name == "digits"
    assert "checksum" in data.fallback_reason


def test_malformed_but_verified_file_falls_back(tmp_path, monkeypatch):
    payloads = fake_fashion()
    payloads["t10k-labels-idx1-ubyte.gz"] = gzip.compress(bytes([0, 0, 0x08, 1]) + (4).to_bytes(4, "big") + bytes([0, 1, 2, 42]))
    patch_checksums(monkeypatch, payloads)
    with pytest.raises(I.IDXError, match="labels"):
        I.load_fashion_mnist(tmp_path, opener=serve(payloads))
    data = I.load_image_data(cache_dir=tmp_path, opener=serve(payloads))
    assert data.name == "digits" and "unreadable" in data.fallback_reason


def test_offline_falls_back_without_touching_the_network(tmp_path, monkeypatch):
    monkeypatch.setenv("DEEPDIVE_OFFLINE", "1")
    data = I.load_image_data(cache_dir=tmp_path, opener=no_network)
    assert data.name == "digits"
    assert "offline" in data.fallback_reason
    assert I.load_image_data(cache_dir=tmp_path, allow_download=False).fallback_reason
    assert not list(tmp_path.iterdir())


def test_no_network_fails_fast_with_a_reason(tmp_path):
    def dns_failure(url, timeout=None):
        import socket
        raise urllib.error.URLError(socket.gaierror(-2, "Name or service not known"))
    calls = []
    data = I.load_image_data(cache_dir=tmp_path, opener=lambda u, timeout=None: (calls.append(u), dns_failure(u))[1])
    assert data.name == "digits" and "could not be downloaded" in data.fallback_reason
    assert len(calls) == 1, "no network at all: neither the mirror nor the other files are tried"


# ---- the digits fallback -------------------------------------------------------------------

def test_digits_shapes_ranges_and_split():
    d = I.load_image_data("digits")
    assert d.name == "digits" and d.fallback_reason is None
    assert d.X_train.shape == (1438, 1, 8, 8) and d.X_test.shape == (359, 1, 8, 8)
    assert d.X_train.dtype == torch.float32 and d.y_test.dtype == torch.int64
    for X in (d.X_train, d.X_test):
        assert X.min() == 0 and X.max() == 1
    assert d.class_names == tuple("0123456789") and d.image_shape == (8, 8) and d.num_inputs == 64
    counts = torch.bincount(d.y_test, minlength=10)
    assert counts.min() >= 35 and counts.max() <= 37                    # 20 % of every class
    assert I.load_image_data("digits") is d                              # kept in memory
    again = I.load_digits()                                              # the same split every time
    assert torch.equal(again.X_train, d.X_train) and torch.equal(again.y_test, d.y_test)


def test_digits_are_sklearns_digits():
    from sklearn.datasets import load_digits
    sk = load_digits()
    d = I.load_digits()
    ours = torch.cat([d.X_train, d.X_test]).reshape(-1, 64).numpy() * 16
    labels = torch.cat([d.y_train, d.y_test]).numpy()
    key = lambda X, y: sorted(map(tuple, np.column_stack([X, y]).round(3)))
    assert key(ours, labels) == key(sk.data, sk.target)


def test_bad_choice_is_refused():
    with pytest.raises(ValueError):
        I.load_image_data("cifar")


def test_a_failed_download_is_not_retried_at_every_rerun(tmp_path, monkeypatch):
    import socket
    calls = []

    def dead(url, timeout=None):
        calls.append(url)
        raise urllib.error.URLError(socket.gaierror(-2, "Name or service not known"))
    monkeypatch.setattr(urllib.request, "urlopen", dead)          # the network as the page meets it
    first = I.load_image_data(cache_dir=tmp_path)
    again = I.load_image_data(cache_dir=tmp_path)
    assert first.name == "digits" and again is first and len(calls) == 1
    monkeypatch.setattr(I, "RETRY_AFTER", 0.0)                     # after a while it tries again
    I.load_image_data(cache_dir=tmp_path)
    assert len(calls) == 2
