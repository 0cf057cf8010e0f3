"""Minibatch SGD (d2l §12.4–12.5) and the airfoil data: the checksum-verified download (served locally),
the offline stand-in, train_ch11's bookkeeping, and the gradients that vectorisation computes."""
import hashlib
import io
import math

import numpy as np
import pytest
import torch

from engine.datasets import airfoil as AF
from engine.optimization import minibatch as MB


class FakeResponse(io.BytesIO):
    headers = {}

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()


def _airfoil_bytes(rows: int = 40) -> bytes:
    rng = np.random.default_rng(1)
    table = np.column_stack([rng.integers(200, 20000, rows), rng.uniform(0, 20, rows), rng.uniform(0.02, 0.3, rows),
                             rng.uniform(30, 72, rows), rng.uniform(0, 0.06, rows), rng.uniform(100, 140, rows)])
    return "\n".join("\t".join(f"{v:g}" for v in row) for row in table).encode()


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    monkeypatch.delenv("DEEPDIVE_OFFLINE", raising=False)
    AF.clear_cache()
    yield
    AF.clear_cache()


def test_download_is_verified_parsed_and_standardised(tmp_path, monkeypatch):
    payload = _airfoil_bytes()
    monkeypatch.setattr(AF, "AIRFOIL", ("airfoil_self_noise.dat", hashlib.sha1(payload).hexdigest()))
    urls = []
    d = AF.load_airfoil(cache_dir=tmp_path, opener=lambda url, timeout: (urls.append(url), FakeResponse(payload))[1])
    assert d.name == "airfoil" and d.fallback_reason is None and urls == [AF.DATA_URL + "airfoil_self_noise.dat"]
    assert d.X.shape == (40, 5) and d.y.shape == (40,)
    assert torch.allclose(d.X.mean(0), torch.zeros(5), atol=1e-5) and torch.allclose(d.X.std(0, unbiased=False), torch.ones(5), atol=1e-4)
    assert (tmp_path / "airfoil_self_noise.dat").read_bytes() == payload


def test_the_real_checksum_is_the_books():
    assert AF.AIRFOIL == ("airfoil_self_noise.dat", "76e5be1548fd8222e5074cf0faae75edff8cf93f")


def test_broken_download_or_no_network_falls_back_with_a_reason(tmp_path):
    d = AF.load_airfoil(cache_dir=tmp_path, opener=lambda url, timeout: FakeResponse(b"1\t2\n"))    # wrong checksum
    assert d.name == "synthetic" and "broken or incomplete" in d.fallback_reason
    assert not list(tmp_path.iterdir())                                # nothing broken kept

    def dead(url, timeout):
        raise OSError("no route to host")
    d = AF.load_airfoil(cache_dir=tmp_path, opener=dead)
    assert d.name == "synthetic" and "no route to host" in d.fallback_reason
    assert d.X.shape == (AF.ROWS, AF.FEATURES)


def test_offline_uses_the_generated_data_and_says_why(tmp_path, monkeypatch):
    monkeypatch.setenv("DEEPDIVE_OFFLINE", "1")
    d = AF.load_airfoil(cache_dir=tmp_path)
    assert d.name == "synthetic" and "DEEPDIVE_OFFLINE" in d.fallback_reason
    assert AF.load_airfoil("synthetic").fallback_reason is None


def test_generated_data_is_as_hard_as_the_airfoil_data():
    d = AF.load_airfoil("synthetic")
    _, _, loss = MB.least_squares(d.X[:1500], d.y[:1500])
    assert 0.2 < loss < 0.3                      # the book's airfoil runs end near 0.24–0.25


def test_train_ch11_bookkeeping_and_convergence():
    r = MB.run(MB.Settings(dataset="synthetic"))
    rec = r.records
    for method, (batch, lr, epochs) in r.settings.plan().items():
        m = rec[rec.method == method]
        assert m["seen"].iloc[0] == 0 and m["seen"].iloc[-1] == epochs * 1500 and m["epoch"].iloc[-1] == epochs
        assert (np.diff(m["seen"]) > 0).all() and m["loss"].iloc[0] == pytest.approx(rec["loss"].iloc[0])   # same start
        assert r.updates(method) == epochs * math.ceil(1500 / batch)
    # batch GD with η = 1 is plain GD on a well-conditioned problem: 10 epochs reach the least-squares floor
    assert r.final("gd") == pytest.approx(r.optimum_loss, rel=1e-3)
    assert r.optimum_loss < r.final("sgd") < 1.05 * r.optimum_loss
    again = MB.run(MB.Settings(dataset="synthetic"))
    assert np.array_equal(again.records["loss"].to_numpy(), rec["loss"].to_numpy())


def test_gd_with_the_whole_batch_is_the_closed_form_iteration():
    d = AF.load_airfoil("synthetic")
    X, y = d.X[:200].double(), d.y[:200].double()
    rows, _ = MB.train_ch11(X, y, 200, 0.5, 3, torch.Generator().manual_seed(0), MB.Budget(), "gd")
    w = torch.normal(0.0, 0.01, size=(5, 1), generator=torch.Generator().manual_seed(0)).double()
    b = torch.zeros(1, dtype=torch.float64)
    for _ in range(3):
        r = X @ w + b - y.reshape(-1, 1)
        w, b = w - 0.5 * X.T @ r / 200, b - 0.5 * r.mean()
    assert rows[-1][5] == pytest.approx(float(w[0, 0]), rel=1e-5) and rows[-1][6] == pytest.approx(float(w[1, 0]), rel=1e-5)


def test_vectorised_gradients_agree():
    d = AF.load_airfoil("synthetic")
    v = MB.vectorisation(d.X[:300], d.y[:300], 7, repeat=1)
    assert list(v["how"]) == ["loop", "batches", "matrix"] and (v["max_error"] < 1e-5).all()
    X, y = d.X[:50].double().requires_grad_(False), d.y[:50].double()
    w = torch.randn(5, 1, dtype=torch.float64, requires_grad=True)
    b = torch.tensor([0.3], dtype=torch.float64)
    ((X @ w + b - y.reshape(-1, 1)) ** 2 / 2).mean().backward()
    assert torch.allclose(MB.gradient_vectorised(X, y, w.detach(), b), w.grad)


def test_divergence_is_recorded_not_raised():
    r = MB.run(MB.Settings(dataset="synthetic", lr_gd=10.0, gd_epochs=50, lr_mini=10.0))
    d = r.divergence["gd"]
    assert d is not None and not math.isfinite(d.value) and d.step <= 50
    assert r.divergence["minibatch"] is not None
