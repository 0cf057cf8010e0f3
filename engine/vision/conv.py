"""The convolution layer (d2l §7.2–7.4): the book's functions, with the book's names, and what the
playground page computes from them.

``corr2d`` is the book's loop (§7.2.1), ``Conv2D`` its layer; ``conv2d_true`` flips the kernel
first (§7.2.5: true convolution is cross-correlation with the kernel turned by 180°);
``corr2d_multi_in``, ``corr2d_multi_in_out`` and ``corr2d_multi_in_out_1x1`` are §7.4's; ``comp_conv2d``
and ``output_size`` are §7.3's ⌊(n − k + p + s)/s⌋ with p the padding summed over both sides.
The page computes its maps with ``F.conv2d`` (the same numbers; the tests check it) and shows the
book's loop beside it on the first channel.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from engine import settings as S
from engine.budget import Budget
from engine.datasets.images import DATASETS, load_image_data

# ---- the book's functions ------------------------------------------------------------------------


def corr2d(X, K):
    """d2l §7.2.1: the two-dimensional cross-correlation, one output element at a time."""
    h, w = K.shape
    Y = torch.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i:i + h, j:j + w] * K).sum()
    return Y


class Conv2D(nn.Module):
    """d2l §7.2.2: a convolutional layer is corr2d plus a scalar bias, both learned."""

    def __init__(self, kernel_size, generator: torch.Generator | None = None):
        super().__init__()
        self.weight = nn.Parameter(torch.rand(kernel_size, generator=generator))
        self.bias = nn.Parameter(torch.zeros(1))

    def forward(self, x):
        return corr2d(x, self.weight) + self.bias


def conv2d_true(X, K):
    """Strict convolution (d2l §7.2.5): flip the kernel both ways, then cross-correlate."""
    return corr2d(X, torch.flip(K, (0, 1)))


def corr2d_multi_in(X, K):
    """d2l §7.4.1: cross-correlate each input channel with its own kernel, then add them up."""
    return sum(corr2d(x, k) for x, k in zip(X, K))


def corr2d_multi_in_out(X, K):
    """d2l §7.4.2: one multi-input cross-correlation per output channel, stacked."""
    return torch.stack([corr2d_multi_in(X, k) for k in K], 0)


def corr2d_multi_in_out_1x1(X, K):
    """d2l §7.4.3: a 1×1 convolution is a fully connected layer applied at every pixel:
    (c_o × c_i) weights times the (c_i × h·w) matrix of pixels."""
    c_i, h, w = X.shape
    c_o = K.shape[0]
    X = X.reshape((c_i, h * w))
    K = K.reshape((c_o, c_i))
    Y = torch.matmul(K, X)
    return Y.reshape((c_o, h, w))


def comp_conv2d(conv2d, X):
    """d2l §7.3.1: run a Conv2d on one single-channel image, dropping the batch and channel axes."""
    X = X.reshape((1, 1) + X.shape)
    Y = conv2d(X)
    return Y.reshape(Y.shape[2:])


def output_size(n: int, k: int, p: int, s: int) -> int:
    """d2l §7.3.2: ⌊(n − k + p + s)/s⌋, where p is the padding of both sides together."""
    return (n - k + p + s) // s


# ---- kernels and inputs the pages offer -----------------------------------------------------------

KERNELS = {
    "edge": [[1.0, -1.0]],                                               # d2l §7.2.3
    "sobel_x": [[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]],
    "sobel_y": [[1.0, 2.0, 1.0], [0.0, 0.0, 0.0], [-1.0, -2.0, -1.0]],
    "blur": [[1 / 9] * 3] * 3,
    "sharpen": [[0.0, -1.0, 0.0], [-1.0, 5.0, -1.0], [0.0, -1.0, 0.0]],
    "identity": [[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]],
}
KERNEL_CHOICES = (*KERNELS, "custom")
SHAPES = ("square", "circle", "cross", "diagonal", "letter_t")
SOURCES = ("grid", "image", "shape")
BOOK_X = "0 1 2; 3 4 5; 6 7 8"          # fig. 7.2.1's input and kernel
BOOK_K = "0 1; 2 3"
MAX_GRID = 16                          # rows and columns of a typed grid or kernel
MAX_KERNEL = 7
SHAPE_SIZE = 16


class GridError(ValueError):
    """A typed grid that cannot be read: the message says what is wrong (for the page)."""


def parse_grid(text: str, max_size: int = MAX_GRID, what: str = "grid") -> torch.Tensor:
    """'0 1 2; 3 4 5' (rows split by ';' or new lines, numbers by spaces or commas) → a float tensor."""
    rows = [r for r in (part.replace(",", " ").split() for part in text.replace("\n", ";").split(";")) if r]
    if not rows:
        raise GridError(f"the {what} is empty")
    if len(rows) > max_size or any(len(r) > max_size for r in rows):
        raise GridError(f"the {what} may have at most {max_size} rows and {max_size} columns")
    if len({len(r) for r in rows}) != 1:
        raise GridError(f"the rows of the {what} have different lengths ({', '.join(str(len(r)) for r in rows)})")
    try:
        values = [[float(v) for v in r] for r in rows]
    except ValueError as e:
        raise GridError(f"the {what} holds something that is not a number ({str(e).split(': ')[-1]})") from None
    t = torch.tensor(values, dtype=torch.float32)
    if not torch.isfinite(t).all() or t.abs().max() > 1e6:
        raise GridError(f"the {what}'s numbers must be finite and at most 10⁶ in size")
    return t


def draw_shape(name: str, n: int = SHAPE_SIZE) -> torch.Tensor:
    """A white shape on black, n×n, in [0, 1]."""
    i, j = torch.meshgrid(torch.arange(n, dtype=torch.float32), torch.arange(n, dtype=torch.float32), indexing="ij")
    c, r = (n - 1) / 2, n / 4
    if name == "square":
        m = (abs(i - c) <= r) & (abs(j - c) <= r)
    elif name == "circle":
        m = (i - c) ** 2 + (j - c) ** 2 <= (1.4 * r) ** 2
    elif name == "cross":
        m = (abs(i - c) <= 1) | (abs(j - c) <= 1)
    elif name == "diagonal":
        m = abs(i - j) <= 1
    else:                                                   # letter T
        m = ((i >= 2) & (i <= 4) & (j >= 2) & (j <= n - 3)) | ((abs(j - c) <= 1.5) & (i >= 2) & (i <= n - 3))
    return m.float()


def channels_of(X: torch.Tensor, c: int) -> torch.Tensor:
    """d2l §7.4.1's way of making input channels: channel i is X + i (the book stacks X and X + 1)."""
    return torch.stack([X + i for i in range(c)], 0)


def kernels_of(K: torch.Tensor, c_in: int, c_out: int) -> torch.Tensor:
    """d2l §7.4.1–7.4.2: the kernel of input channel i is K + i, and output channel o adds o to
    those (the book stacks K, K + 1, K + 2). Shape (c_out, c_in, k_h, k_w)."""
    return torch.stack([torch.stack([K + i + o for i in range(c_in)], 0) for o in range(c_out)], 0)


def window(i: int, j: int, k: tuple[int, int], stride: int, padding: int) -> tuple[int, int, int, int]:
    """Rows r0..r1 and columns c0..c1 (inclusive, in unpadded input coordinates, may reach outside)
    that output cell (i, j) reads."""
    r0, c0 = i * stride - padding, j * stride - padding
    return r0, r0 + k[0] - 1, c0, c0 + k[1] - 1


def lines_read(lo: int, hi: int, size: int, k: int, stride: int, padding: int) -> tuple[int, ...]:
    """The input rows (or columns) that rows lo..hi of a layer's output read, one layer further back
    (d2l §7.2.6). Only rows 0..size−1 of that output exist: the others are the next layer's zero
    padding and read nothing. With a stride larger than the kernel the rows read have gaps."""
    return tuple(sorted({a * stride - padding + d for a in range(max(lo, 0), min(hi, size - 1) + 1)
                         for d in range(k)}))


def field_two_layers(i: int, j: int, k: tuple[int, int], stride: int, padding: int,
                     out1: tuple[int, int]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The receptive field of cell (i, j) of a second layer (same kernel, padding and stride) on a
    first layer whose output is out1 = (o_h, o_w): the input rows and the input columns it reads (in
    unpadded input coordinates, so −padding…n+padding−1); the field is every (row, column) pair.
    Both are empty when the cell's window lies wholly in the first layer's padding."""
    r0, r1, c0, c1 = window(i, j, k, stride, padding)
    return (lines_read(r0, r1, out1[0], k[0], stride, padding), lines_read(c0, c1, out1[1], k[1], stride, padding))


def field_note(rows: tuple[int, ...], cols: tuple[int, ...], n: tuple[int, int]) -> str | None:
    """Why a cell's field holds no input: 'layer_padding' (its window lies in the first layer's
    padding: no input reaches it), 'input_padding' (it reads only the input's zero padding), else None."""
    if not rows or not cols:
        return "layer_padding"
    if not any(0 <= r < n[0] for r in rows) or not any(0 <= c < n[1] for c in cols):
        return "input_padding"
    return None


# ---- the playground page ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Settings:
    source: str = S.choice("grid", SOURCES, doc="a typed grid (the book's 3×3), a test image, or a drawn shape")
    dataset: str = S.choice("fashion_mnist", DATASETS, doc="where the test image comes from")
    image_index: int = S.num(0, 0, 999, doc="which test image")
    shape: str = S.choice("square", SHAPES, doc="the drawn shape (16×16)")
    kernel: str = S.choice("custom", KERNEL_CHOICES, doc="the kernel; custom = typed (the book's [[0, 1], [2, 3]])")
    padding: int = S.num(0, 0, 4, doc="rows/columns of zeros added on each side (p = twice this in the formula)")
    stride: int = S.num(1, 1, 4, doc="step of the window")
    in_channels: int = S.num(1, 1, 3, doc="input channels (channel i is X + i, kernel K + i, as in the book)")
    out_channels: int = S.num(1, 1, 3, doc="output channels (output o uses the kernels + o)")
    row: int = S.num(0, 0, 40, doc="the output cell to inspect: row (clamped to the output)")
    col: int = S.num(0, 0, 40, doc="the output cell to inspect: column")
    grid_text: str = field(default=BOOK_X, metadata={"doc": "the typed input (not a bounded setting: a text box)"})
    kernel_text: str = field(default=BOOK_K, metadata={"doc": "the typed kernel"})

    def __post_init__(self):
        S.check(self)


@dataclass(frozen=True)
class Result:
    settings: Settings
    problem: str | None                 # a typed grid or kernel that could not be read (English, for the page)
    problem_where: str | None           # 'grid' or 'kernel'
    dataset: str | None
    fallback_reason: str | None
    X: np.ndarray                       # (c_in, n_h, n_w) input
    K: np.ndarray                       # (c_out, c_in, k_h, k_w)
    Y: np.ndarray                       # (c_out, o_h, o_w) cross-correlation, as every CNN computes it
    Y_true: np.ndarray                  # strict convolution (the flipped kernel)
    Y2: np.ndarray | None               # the same layer applied twice (channel sums), for the receptive field
    cell: tuple[int, int]               # the inspected output cell, clamped
    cell_window: tuple[int, int, int, int]
    cell2: tuple[int, int] | None       # the cell of the second layer whose field is shown
    field2_mid: tuple[int, int, int, int] | None   # its window in the first layer's output (may reach into padding)
    field2_in: tuple[int, int, int, int] | None    # the bounding box of the input it reads (None: it reads none)
    field2_rows: tuple[int, ...] | None            # the input rows and columns it reads (gaps when stride > kernel)
    field2_cols: tuple[int, ...] | None
    field2_note: str | None                        # 'layer_padding' / 'input_padding' (see field_note) or None
    cell_terms: np.ndarray              # (c_in, k_h, k_w) products that add up to the cell (output channel 0)
    cell_value: float
    book_max_diff: float                # |book's corr2d loop − F.conv2d| on channel 0 (no padding, stride 1)
    formula: dict                       # n, k, p, s and the output sizes
    one_by_one: dict                    # the 1×1 convolution as a per-pixel dense layer
    stop_reason: str | None = None

    @property
    def out_shape(self) -> tuple[int, ...]:
        return tuple(self.Y.shape)


def input_image(s: Settings) -> tuple[torch.Tensor, str | None, str | None]:
    """The single-channel input: (X, data set name or None, fallback reason)."""
    if s.source == "grid":
        return parse_grid(s.grid_text, MAX_GRID, "grid"), None, None
    if s.source == "shape":
        return draw_shape(s.shape), None, None
    data = load_image_data(s.dataset)
    i = min(s.image_index, len(data.X_test) - 1)
    return data.X_test[i, 0].clone(), data.name, data.fallback_reason


def the_kernel(s: Settings) -> torch.Tensor:
    if s.kernel == "custom":
        return parse_grid(s.kernel_text, MAX_KERNEL, "kernel")
    return torch.tensor(KERNELS[s.kernel])


def run(settings: Settings, seed: int = 0, device="cpu", on_step=None, budget: Budget | None = None) -> Result:
    """Everything the playground shows, for one input and kernel: a fraction of a second."""
    s = settings
    problem = where = None
    try:
        X1, name, reason = input_image(s)
    except GridError as e:
        problem, where = str(e), "grid"
        X1, name, reason = parse_grid(BOOK_X), None, None
    try:
        K1 = the_kernel(s)
    except GridError as e:
        problem, where = (problem, where) if problem else (str(e), "kernel")
        K1 = parse_grid(BOOK_K)
    (n_h, n_w), (k_h, k_w) = X1.shape, K1.shape
    p, st = s.padding, s.stride
    if n_h + 2 * p < k_h or n_w + 2 * p < k_w:
        problem = problem or (f"the kernel ({k_h}×{k_w}) is larger than the padded input "
                              f"({n_h + 2 * p}×{n_w + 2 * p}): add padding or use a smaller kernel")
        where = where or "kernel"
        K1 = K1[:min(k_h, n_h + 2 * p), :min(k_w, n_w + 2 * p)]
        k_h, k_w = K1.shape
    X = channels_of(X1, s.in_channels)
    K = kernels_of(K1, s.in_channels, s.out_channels)
    Y = F.conv2d(X[None], K, padding=p, stride=st)[0]
    Y_true = F.conv2d(X[None], torch.flip(K, (2, 3)), padding=p, stride=st)[0]
    o_h, o_w = Y.shape[1:]
    i, j = min(s.row, o_h - 1), min(s.col, o_w - 1)
    win = window(i, j, (k_h, k_w), st, p)
    Xp = F.pad(X, (p, p, p, p))
    terms = Xp[:, i * st:i * st + k_h, j * st:j * st + k_w] * K[0]
    # a second layer of the same kernel (channel sums as its one input channel): its receptive field
    Y2 = cell2 = mid = field_in = rows2 = cols2 = note2 = None
    if o_h + 2 * p >= k_h and o_w + 2 * p >= k_w:
        Y2t = F.conv2d(Y[:1][None], K1[None, None], padding=p, stride=st)[0, 0]
        Y2 = Y2t.numpy()
        i2, j2 = min(s.row, Y2.shape[0] - 1), min(s.col, Y2.shape[1] - 1)
        cell2 = (i2, j2)
        mid = window(i2, j2, (k_h, k_w), st, p)
        rows2, cols2 = field_two_layers(i2, j2, (k_h, k_w), st, p, (o_h, o_w))
        note2 = field_note(rows2, cols2, (n_h, n_w))
        if rows2 and cols2:
            field_in = (rows2[0], rows2[-1], cols2[0], cols2[-1])
    diff = float("nan")                                     # the book's loop, channel 0, no padding, stride 1
    if n_h >= k_h and n_w >= k_w:
        diff = float((corr2d(X1, K1) - F.conv2d(X1[None, None], K1[None, None])[0, 0]).abs().max())
    formula = dict(n_h=n_h, n_w=n_w, k_h=k_h, k_w=k_w, p_h=2 * p, p_w=2 * p, s_h=st, s_w=st,
                   o_h=output_size(n_h, k_h, 2 * p, st), o_w=output_size(n_w, k_w, 2 * p, st))
    assert (formula["o_h"], formula["o_w"]) == (o_h, o_w)
    return Result(s, problem, where, name, reason, X.numpy(), K.numpy(), Y.numpy(), Y_true.numpy(), Y2, (i, j), win,
                  cell2, mid, field_in, rows2, cols2, note2, terms.numpy(), float(Y[0, i, j]), diff, formula, one_by_one(X, s.out_channels, seed))


def one_by_one(X: torch.Tensor, c_out: int, seed: int) -> dict:
    """A 1×1 convolution of X with seeded weights, computed three ways: F.conv2d, the book's
    matrix product over channels, and a dense layer applied to the pixel at the centre."""
    g = torch.Generator().manual_seed(seed)
    c_in, h, w = X.shape
    K = torch.normal(0, 1, (c_out, c_in, 1, 1), generator=g).round(decimals=2)
    conv = F.conv2d(X[None], K)[0]
    book = corr2d_multi_in_out_1x1(X, K)
    ci, cj = h // 2, w // 2
    pixel = X[:, ci, cj]
    dense = K.reshape(c_out, c_in) @ pixel
    return {"W": K.reshape(c_out, c_in).numpy(), "pixel": pixel.numpy(), "dense": dense.numpy(), "at": (ci, cj),
            "conv_at": conv[:, ci, cj].numpy(), "max_diff": float((conv - book).abs().max()),
            "params": c_out * c_in + c_out, "out": conv.numpy()}


def size_curve(s: Settings, k: tuple[int, int], n_max: int = 32) -> tuple[list[int], list[int]]:
    """Output height against input height n = 1..n_max for this kernel height, padding and stride
    (the formula's staircase; 0 where the window no longer fits)."""
    ns = list(range(1, n_max + 1))
    return ns, [max(0, output_size(n, k[0], 2 * s.padding, s.stride)) for n in ns]
