"""Pooling (d2l §7.5): the book's ``pool2d``, max and average, window, padding and stride, and what
pooling does to a one-pixel shift of the image (the book's motivation: convolution outputs move with
the image, pooled outputs much less).

The page computes with ``F.max_pool2d`` / ``F.avg_pool2d`` (the tests check them against ``pool2d``);
average pooling counts the zeros of the padding, as ``nn.AvgPool2d`` does by default."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from engine import settings as S
from engine.budget import Budget
from engine.datasets.images import DATASETS, load_image_data
from engine.vision.conv import BOOK_X, KERNELS, GridError, draw_shape, output_size, parse_grid

SOURCES = ("grid", "image", "shape", "edges")
SHIFT_IMAGES = ("edges", "input")
MAX_SHIFT = 4
# d2l §7.5's argument, the case the page quotes: the book's 6×8 edges moved one pixel, 2×2 max pooling, stride 1
BOOK_CASE = dict(mode="max", size=2, stride=1, padding=0, shift=1)


def pool2d(X, pool_size, mode="max"):
    """d2l §7.5.1: slide a p_h×p_w window with stride 1 and keep its maximum or mean."""
    p_h, p_w = pool_size
    Y = torch.zeros((X.shape[0] - p_h + 1, X.shape[1] - p_w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            if mode == "max":
                Y[i, j] = X[i: i + p_h, j: j + p_w].max()
            elif mode == "avg":
                Y[i, j] = X[i: i + p_h, j: j + p_w].mean()
    return Y


def pool(X: torch.Tensor, mode: str, size: int, stride: int, padding: int) -> torch.Tensor:
    """X (h, w) → pooled (h', w'), as ``nn.MaxPool2d`` / ``nn.AvgPool2d`` compute it."""
    f = F.max_pool2d if mode == "max" else F.avg_pool2d
    return f(X[None, None], size, stride=stride, padding=padding)[0, 0]


def shift(X: torch.Tensor, d: int) -> torch.Tensor:
    """The image moved d pixels to the right; the column that comes in repeats the edge."""
    d = min(d, X.shape[1] - 1)
    if d <= 0:
        return X.clone()
    return torch.cat([X[:, :1].expand(-1, d), X[:, :-d]], dim=1)


def book_edges() -> torch.Tensor:
    """d2l §7.2.3's 6×8 image: ones, with zeros in columns 2–5."""
    X = torch.ones((6, 8))
    X[:, 2:6] = 0
    return X


@dataclass(frozen=True)
class Settings:
    source: str = S.choice("grid", SOURCES, doc="the book's 3×3 (typed grid), a test image, a shape, or the book's 6×8 edges")
    dataset: str = S.choice("fashion_mnist", DATASETS, doc="where the test image comes from")
    image_index: int = S.num(0, 0, 999, doc="which test image")
    shape: str = S.choice("square", ("square", "circle", "cross", "diagonal", "letter_t"), doc="the drawn shape")
    mode: str = S.choice("max", ("max", "avg"), doc="maximum or average pooling")
    pool_size: int = S.num(2, 1, 5, doc="the window (square), book: 2 and 3")
    padding: int = S.num(0, 0, 2, doc="zeros added on each side (at most half the window, as torch requires)")
    stride: int = S.num(1, 1, 5, doc="step of the window (book's pool2d: 1; nn.MaxPool2d's default: the window)")
    shift_image: str = S.choice("edges", SHIFT_IMAGES,
                                doc="the image moved in the translation test: the book's 6×8 edges (d2l §7.5's example) or the input")
    shift_by: int = S.num(1, 0, MAX_SHIFT, doc="pixels the image is moved right for the translation test")
    grid_text: str = field(default=BOOK_X, metadata={"doc": "the typed input"})

    def __post_init__(self):
        S.check(self)


@dataclass(frozen=True)
class Result:
    settings: Settings
    problem: str | None
    notice: str | None                  # e.g. padding lowered to half the window
    dataset: str | None
    fallback_reason: str | None
    X: np.ndarray
    Y: np.ndarray                       # pooled with the chosen mode
    Y_other: np.ndarray                 # pooled with the other mode
    padding_used: int
    book_max_diff: float                # |pool2d − F.*_pool2d| (stride 1, no padding)
    moved: np.ndarray                   # the image of the translation test (the book's edges or the input)
    conv: np.ndarray                    # the edge detector's output for it (the layer before pooling)
    conv_shifted: np.ndarray
    pooled: np.ndarray                  # pooling of conv
    pooled_shifted: np.ndarray
    translation: pd.DataFrame           # shift, layer, changed (fraction of output cells that changed)
    formula: dict
    book_case: tuple[float, float]      # (conv, pooled) changed in BOOK_CASE, which the explanation quotes
    shift_window: int                   # the window of the translation test (the input's may have been made smaller)
    stop_reason: str | None = None

    @property
    def effect(self) -> str:
        """What the translation test shows at the chosen shift: "steadier" (fewer pooled cells change),
        "no_shift" (shift 0: nothing changes) or "not_steadier" (as many or more pooled cells change)."""
        t = self.translation.set_index(["shift", "layer"])["changed"]
        d = self.settings.shift_by
        if d == 0:
            return "no_shift"
        return "steadier" if t[(d, "pooled")] < t[(d, "conv")] else "not_steadier"


def _input(s: Settings):
    if s.source == "grid":
        return parse_grid(s.grid_text), None, None
    if s.source == "edges":
        return book_edges(), None, None
    if s.source == "shape":
        return draw_shape(s.shape), None, None
    data = load_image_data(s.dataset)
    i = min(s.image_index, len(data.X_test) - 1)
    return data.X_test[i, 0].clone(), data.name, data.fallback_reason


def changed(a: torch.Tensor, b: torch.Tensor) -> float:
    """Fraction of output cells whose value moved by more than 1 % of the largest |value|."""
    scale = max(float(a.abs().max()), float(b.abs().max()), 1e-12)
    return float(((a - b).abs() > 0.01 * scale).float().mean())


def _edge_detector(img: torch.Tensor) -> torch.Tensor:
    """d2l §7.2.3's edge detector [1, −1] applied to an image (h, w) → (h, w − 1)."""
    return F.conv2d(img[None, None], torch.tensor(KERNELS["edge"])[None, None])[0, 0]


def shift_changes(X: torch.Tensor, d: int, mode: str, size: int, stride: int, pad: int):
    """The edge detector's output and its pooling for X and for X moved d pixels right, with the
    fraction of cells of each that changed. A map smaller than the window is left unpooled."""
    maybe_pool = lambda c: pool(c, mode, size, stride, pad) if min(c.shape) + 2 * pad >= size else c
    c0, c1 = _edge_detector(X), _edge_detector(shift(X, d))
    p0, p1 = maybe_pool(c0), maybe_pool(c1)
    return (c0, c1, p0, p1), changed(c0, c1), changed(p0, p1)


def run(settings: Settings, seed: int = 0, device="cpu", on_step=None, budget: Budget | None = None) -> Result:
    s = settings
    problem = notice = None
    try:
        X, name, reason = _input(s)
    except GridError as e:
        problem = str(e)
        X, name, reason = parse_grid(BOOK_X), None, None
    size, stride = s.pool_size, s.stride
    pad = min(s.padding, size // 2)
    if pad != s.padding:
        notice = f"padding {s.padding} → {pad}: torch allows at most half the window ({size}//2)"
    if min(X.shape) + 2 * pad < size:
        problem = problem or f"the window ({size}×{size}) is larger than the padded input ({X.shape[0] + 2 * pad}×{X.shape[1] + 2 * pad})"
        size = min(X.shape) + 2 * pad
        pad = min(pad, size // 2)
    other = "avg" if s.mode == "max" else "max"
    Y, Y_other = pool(X, s.mode, size, stride, pad), pool(X, other, size, stride, pad)
    fits = min(X.shape) >= size                             # the book's pool2d has no padding
    diff = float((pool2d(X, (size, size), s.mode) - pool(X, s.mode, size, 1, 0)).abs().max()) if fits else float("nan")
    # the translation test: an edge detector (d2l §7.2.3's [1, −1]) and the pooling after it, on the book's
    # edges (§7.5's example) or on the input
    T = book_edges() if s.shift_image == "edges" else X
    # the edges (6×7 after the detector) hold any window the settings allow, even where the input made it smaller
    t_size, t_pad = (s.pool_size, min(s.padding, s.pool_size // 2)) if s.shift_image == "edges" else (size, pad)
    rows = []
    for d in range(MAX_SHIFT + 1):
        maps, c, p = shift_changes(T, d, s.mode, t_size, stride, t_pad)
        rows += [(d, "conv", c), (d, "pooled", p)]
        if d == s.shift_by:
            base_c, conv_s, base_p, pooled_s = maps
    _, *book_case = shift_changes(book_edges(), BOOK_CASE["shift"], BOOK_CASE["mode"], BOOK_CASE["size"],
                                  BOOK_CASE["stride"], BOOK_CASE["padding"])
    formula = dict(n_h=X.shape[0], n_w=X.shape[1], k=size, p=2 * pad, s=stride,
                   o_h=output_size(X.shape[0], size, 2 * pad, stride), o_w=output_size(X.shape[1], size, 2 * pad, stride))
    return Result(s, problem, notice, name, reason, X.numpy(), Y.numpy(), Y_other.numpy(), pad, diff, T.numpy(),
                  base_c.numpy(), conv_s.numpy(), base_p.numpy(), pooled_s.numpy(),
                  pd.DataFrame(rows, columns=["shift", "layer", "changed"]), formula, tuple(book_case),
                  t_size)
