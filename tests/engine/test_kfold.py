"""K-fold cross-validation (d2l-zh 4.4.2, 4.10.6): folds that partition the data, the book's functions,
the choice made without the test set, the house data's checksum-verified download and its offline stand-in."""
import hashlib
import io

import numpy as np
import pandas as pd
import pytest
import torch
from torch import nn

from engine.budget import Budget
from engine.datasets import house as H
from engine.generalization import kfold as K


@pytest.mark.parametrize("n", [10, 97, 100, 1460])
@pytest.mark.parametrize("k", range(2, 11))
def test_folds_partition_the_data_exactly_once_each(n, k):
    folds = K.fold_indices(n, k)
    assert len(folds) == k
    assert np.array_equal(np.sort(np.concatenate(folds)), np.arange(n))          # every example once
    assert max(map(len, folds)) - min(map(len, folds)) <= 1
    X, y = torch.arange(n).float().reshape(-1, 1), torch.arange(n).float()
    seen = []
    for i in range(k):
        Xa, ya, Xv, yv = K.get_k_fold_data(k, i, X, y)
        assert len(Xa) + len(Xv) == n and not set(ya.tolist()) & set(yv.tolist())
        seen += yv.tolist()
    assert sorted(seen) == list(range(n))


def test_same_folds_as_the_book_when_k_divides_n():
    """The book's get_k_fold_data: contiguous slices of n // k (d2l-zh 4.10.6)."""
    n, k = 1460, 5
    X, y = torch.arange(n).float().reshape(-1, 1), torch.arange(n).float()
    for i in range(k):
        fold = slice(i * (n // k), (i + 1) * (n // k))
        assert torch.equal(K.get_k_fold_data(k, i, X, y)[3], y[fold])


def test_log_rmse_is_the_books():
    y_hat, y = torch.tensor([[0.5, 200.0], [100.0, 100.0]]), torch.tensor([[2.0], [100.0]])
    expected = [np.sqrt(((np.log(1) - np.log(2)) ** 2 + 0) / 2), np.sqrt(((np.log(200) - np.log(2)) ** 2) / 2)]
    np.testing.assert_allclose(K.log_rmse(y_hat, y).numpy(), expected, rtol=1e-6)


def test_every_column_is_the_books_adam_run():
    """Column j of the all-at-once trainer = the book's train (nn.Linear, Adam(weight_decay=λ_j), MSELoss)."""
    g = torch.Generator().manual_seed(0)
    X = torch.randn(60, 7, generator=g)
    y = (X @ torch.randn(7, 1, generator=g) + 50).abs() + 1
    s = K.Settings(num_epochs=10, batch_size=16, lr=0.5)
    lambdas = [0.0, 0.3, 3.0]
    W0, b0 = K.init_linear(7, 3, torch.Generator().manual_seed(1))
    state = torch.Generator().manual_seed(2).get_state()
    W, b, _ = K.train_adam(X, y, X, y, lambdas, s, _gen(state), Budget(), init=(W0, b0))
    for j, lam in enumerate(lambdas):
        net = nn.Linear(7, 1)
        with torch.no_grad():
            net.weight.copy_(W0[:, j].reshape(1, -1))
            net.bias.copy_(b0[j:j + 1])
        opt, loss, g = torch.optim.Adam(net.parameters(), lr=s.lr, weight_decay=lam), nn.MSELoss(), _gen(state)
        for _ in range(s.num_epochs):
            for Xb, yb in K.data_iter(s.batch_size, X, y, g):
                opt.zero_grad()
                loss(net(Xb), yb).backward()
                opt.step()
        np.testing.assert_allclose(W[:, j].numpy(), net.weight.detach().flatten().numpy(), rtol=1e-4, atol=1e-5)


def _gen(state):
    g = torch.Generator()
    g.set_state(state)
    return g


def test_degree_is_chosen_by_cross_validation_then_one_test_look():
    r = K.run(K.Settings(select="degree"))
    assert r.complete and r.chosen == 3.0
    assert r.n_pool == 100 and r.n_test == 100 and r.test_error < 0.02
    assert len(r.cv) == 5 * 20 and set(r.cv["fold"]) == {1, 2, 3, 4, 5}


def test_lambda_on_the_offline_data_and_reproducible(monkeypatch):
    monkeypatch.setenv("DEEPDIVE_OFFLINE", "1")
    H.clear_cache()
    a, b = K.run(K.Settings(k=3, num_epochs=20)), K.run(K.Settings(k=3, num_epochs=20))
    assert a.dataset == "diabetes" and "DEEPDIVE_OFFLINE" in a.fallback_reason
    assert a.n_pool + a.n_test == 442 and a.n_test == round(0.2 * 442)
    assert a.cv.equals(b.cv) and a.chosen == b.chosen and a.test_error == b.test_error
    assert a.chosen in K.LAMBDAS and np.isfinite(a.test_error)
    assert a.mean_valid() == a.summary["valid_mean"].min()


def test_a_capped_run_keeps_whole_folds_and_skips_the_test():
    r = K.run(K.Settings(select="degree"), budget=Budget(max_units=9000))
    assert r.stop_reason == "units" and not r.complete and r.test_error is None
    assert r.cv.groupby("fold").size().eq(20).all()


# ---- the data -------------------------------------------------------------------------------------------

class FakeResponse(io.BytesIO):
    headers = {}

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()


def _csv(with_price: bool, n: int = 12, seed: int = 0) -> bytes:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"Id": range(1, n + 1), "LotArea": rng.integers(5000, 15000, n).astype(float),
                       "Street": rng.choice(["Pave", "Grvl", None], n), "YearBuilt": rng.integers(1900, 2010, n)})
    df.loc[0, "LotArea"] = np.nan
    if with_price:
        df["SalePrice"] = rng.integers(50_000, 400_000, n)
    return df.to_csv(index=False).encode()


def test_house_download_is_verified_and_preprocessed_as_the_book_does(tmp_path, monkeypatch):
    monkeypatch.delenv("DEEPDIVE_OFFLINE", raising=False)
    H.clear_cache()
    train, test = _csv(True), _csv(False, seed=1)
    monkeypatch.setattr(H, "KAGGLE_HOUSE_TRAIN", ("kaggle_house_pred_train.csv", hashlib.sha1(train).hexdigest()))
    monkeypatch.setattr(H, "KAGGLE_HOUSE_TEST", ("kaggle_house_pred_test.csv", hashlib.sha1(test).hexdigest()))
    files = {H.DATA_URL + "kaggle_house_pred_train.csv": train, H.DATA_URL + "kaggle_house_pred_test.csv": test}
    d = H.load_house(cache_dir=tmp_path, opener=lambda url, timeout: FakeResponse(files[url]))
    assert d.name == "kaggle_house" and d.fallback_reason is None
    # 2 numeric columns + Street one-hot (Grvl, Pave, NaN) = 5 features; standardised over both files; NaN → 0
    assert d.X.shape == (12, 5) and d.y.shape == (12, 1) and torch.isfinite(d.X).all()
    assert d.X[0, 0] == 0.0
    H.clear_cache()


def test_the_checksums_are_the_books():
    assert H.KAGGLE_HOUSE_TRAIN[1] == "585e9cc93e70b39160e7921475f9bcd7d31219ce"
    assert H.KAGGLE_HOUSE_TEST[1] == "fa19780a7b011d9b009e8bff8e99922a8ee2eb90"


def test_broken_download_falls_back_to_the_diabetes_data_with_a_reason(tmp_path, monkeypatch):
    monkeypatch.delenv("DEEPDIVE_OFFLINE", raising=False)
    H.clear_cache()
    d = H.load_house(cache_dir=tmp_path, opener=lambda url, timeout: FakeResponse(b"Id,SalePrice\n1,2\n"))
    assert d.name == "diabetes" and "broken or incomplete" in d.fallback_reason
    assert d.X.shape == (442, 10) and (d.y > 0).all()
    assert not list(tmp_path.iterdir())
    H.clear_cache()
