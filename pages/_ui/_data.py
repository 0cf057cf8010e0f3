"""The image data of the Basics lessons: download with progress, the offline fallback said
once, and one line on what the run used. Shared by every page that trains on images."""
from __future__ import annotations

import streamlit as st

from engine.datasets.images import STRINGS, load_image_data
from pages._ui._state import translator


def images_namespace(lesson: str, data_name: str) -> str:
    """The shared-cache namespace of an image lesson's run: the data actually used (Fashion-MNIST
    or the digits that stand in for it) is part of the key. The warm-up uses it too."""
    return f"{lesson}.run.{data_name}"


def image_data(dataset: str):
    """Load (or download, with a progress bar) the images; say so when the digits stand in."""
    tr = translator(STRINGS)
    bar = st.empty()
    data = load_image_data(dataset, on_progress=lambda f, done, total: bar.progress(
        min(1.0, done / total) if total else 0.0, text=tr("downloading", file=f, done=f"{done / 1e6:.1f} MB")))
    bar.empty()
    if data.fallback_reason:
        st.info(tr("fallback_info", reason=f"`{data.fallback_reason}`"), icon="📦")
    return data


def data_in_use(data, result) -> None:
    """One line: which data set, how many images were used, their size and classes."""
    tr = translator(STRINGS)
    st.markdown(tr("data_in_use", name=tr(f"dataset.{result.dataset}"), n_train=f"{result.num_train_used:,}",
                   avail=f"{len(data.X_train):,}", n_test=f"{result.num_test:,}", h=data.image_shape[0],
                   w=data.image_shape[1], c=len(data.class_names)))
