"""The Kaggle house-prices data of d2l-zh 4.10 / d2l §5.7: 1,460 labelled houses (79 features, the
sale price) and 1,459 unlabelled ones, downloaded once from d2l's data hub, each file verified by the
book's SHA-1 and cached under ``data/cache/`` (``engine.datasets.download.fetch``), then preprocessed as
the book does: numeric features standardised over both files, missing values set to 0, categories one-hot
with a column for "missing" (``pd.get_dummies(dummy_na=True)``).

Offline — or when a download fails its checksum — the lesson uses scikit-learn's bundled diabetes data
(442 patients, 10 features, a positive target: disease progression after a year), which ships inside the
package: a real regression table with a positive target, so the book's log-RMSE applies unchanged.
``fallback_reason`` says why. ``DEEPDIVE_OFFLINE=1`` skips the download (cached files are still used).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import torch

from engine.datasets.hub import HubFiles

DATA_URL = "http://d2l-data.s3-accelerate.amazonaws.com/"
# d2l's DATA_HUB['kaggle_house_train'] and ['kaggle_house_test']
KAGGLE_HOUSE_TRAIN = ("kaggle_house_pred_train.csv", "585e9cc93e70b39160e7921475f9bcd7d31219ce")
KAGGLE_HOUSE_TEST = ("kaggle_house_pred_test.csv", "fa19780a7b011d9b009e8bff8e99922a8ee2eb90")


@dataclass(frozen=True, eq=False)
class TableData:
    name: str                    # 'kaggle_house' or 'diabetes'
    X: torch.Tensor              # float32 (N, d), preprocessed as the book does
    y: torch.Tensor              # float32 (N, 1), positive (prices, or disease progression)
    fallback_reason: str | None


def preprocess(train_data: pd.DataFrame, test_data: pd.DataFrame) -> tuple[torch.Tensor, torch.Tensor]:
    """The book's preprocessing (d2l-zh 4.10.4). The book finds the numeric columns as those whose dtype is
    not ``object``; pandas 3 reads text as its ``str`` dtype, so they are selected as numbers instead."""
    all_features = pd.concat((train_data.iloc[:, 1:-1], test_data.iloc[:, 1:]))
    numeric_features = all_features.select_dtypes(include="number").columns
    all_features[numeric_features] = all_features[numeric_features].apply(lambda x: (x - x.mean()) / (x.std()))
    all_features[numeric_features] = all_features[numeric_features].fillna(0)
    all_features = pd.get_dummies(all_features, dummy_na=True)
    n_train = train_data.shape[0]
    train_features = torch.tensor(all_features[:n_train].values.astype(np.float32))
    train_labels = torch.tensor(train_data.SalePrice.values.reshape(-1, 1), dtype=torch.float32)
    return train_features, train_labels


def load_diabetes(reason: str | None = None) -> TableData:
    """scikit-learn's bundled diabetes table, features standardised as the book standardises its own."""
    from sklearn.datasets import load_diabetes as sk_load
    d = sk_load()
    X = pd.DataFrame(d.data).apply(lambda x: (x - x.mean()) / x.std())
    return TableData("diabetes", torch.tensor(X.values, dtype=torch.float32),
                     torch.tensor(d.target.reshape(-1, 1), dtype=torch.float32), reason)


def _read(paths: list[Path]) -> TableData:
    X, y = preprocess(pd.read_csv(paths[0]), pd.read_csv(paths[1]))
    if len(X) < 10 or not torch.isfinite(X).all() or not (y > 0).all():
        raise ValueError(f"{paths[0].name}: not the house-prices table the book describes")
    return TableData("kaggle_house", X, y, None)


_hub = HubFiles(DATA_URL, lambda: [KAGGLE_HOUSE_TRAIN, KAGGLE_HOUSE_TEST], _read, load_diabetes,
                errors=(KeyError, pd.errors.ParserError))


def load_house(cache_dir: Path | str | None = None, opener: Callable | None = None) -> TableData:
    """The Kaggle house data when cached or downloadable; otherwise the diabetes data, with the reason.
    Never raises for network trouble."""
    return _hub.load(cache_dir, opener)


def clear_cache() -> None:
    _hub.clear()
