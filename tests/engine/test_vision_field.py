"""The playground's receptive field against autograd (d2l §7.2.6): two stacked convolutions with the same
kernel size, padding and stride, run on an explicitly padded input of ones with kernels of ones (so no
gradient cancels); the input cells with a nonzero gradient of one output cell are the cells it reads."""
import itertools

import pytest
import torch
import torch.nn.functional as F

from engine import settings as S
from engine.vision import conv as C


def autograd_fields(n: tuple[int, int], k: tuple[int, int], p: int, s: int, layers: int) -> torch.Tensor:
    """(o_h, o_w, n_h + 2p, n_w + 2p) booleans: which cells of the padded input each output cell reads."""
    def net(Xp):
        Y = Xp
        for layer in range(layers):
            if layer:                                   # the next layer pads its input explicitly too
                Y = F.pad(Y, (p, p, p, p))
            Y = F.conv2d(Y, torch.ones((1, 1) + k), stride=s)
        return Y[:, 0]
    o_h, o_w = net(torch.zeros((1, 1, n[0] + 2 * p, n[1] + 2 * p))).shape[1:]
    # one copy of the padded input per output cell: copy b backpropagates a gradient of 1 from cell b only
    Xp = F.pad(torch.ones((o_h * o_w, 1) + n), (p, p, p, p)).requires_grad_()
    Y = net(Xp).reshape(o_h * o_w, o_h * o_w)
    Y.diagonal().sum().backward()
    return (Xp.grad[:, 0] != 0).reshape(o_h, o_w, n[0] + 2 * p, n[1] + 2 * p)


def engine_field(rows, cols, n, p) -> torch.Tensor:
    rows, cols = torch.tensor(rows, dtype=torch.long) + p, torch.tensor(cols, dtype=torch.long) + p
    for line, size in ((rows, n[0]), (cols, n[1])):
        assert not len(line) or (line.min() >= 0 and line.max() < size + 2 * p), "the field leaves the padded input"
    mask = torch.zeros(n[0] + 2 * p, n[1] + 2 * p, dtype=torch.bool)
    mask[rows[:, None], cols[None, :]] = True
    return mask


def fits(n, k, p):
    return all(n_ + 2 * p >= k_ for n_, k_ in zip(n, k))


GRID = list(itertools.product([(3, 3), (6, 5), (9, 9)], [(1, 1), (2, 2), (3, 3), (2, 3), (5, 1), (7, 7)],
                              [0, 1, 2, 4], [1, 2, 3, 4]))


@pytest.mark.parametrize("n,k,p,s", GRID)
def test_one_and_two_layer_windows_match_autograd_for_every_cell(n, k, p, s):
    if not fits(n, k, p):
        pytest.skip("the kernel does not fit the padded input")
    one = autograd_fields(n, k, p, s, 1)
    o_h, o_w = one.shape[:2]
    for i, j in itertools.product(range(o_h), range(o_w)):
        r0, r1, c0, c1 = C.window(i, j, k, s, p)
        assert torch.equal(engine_field(list(range(r0, r1 + 1)), list(range(c0, c1 + 1)), n, p), one[i, j]), (i, j)
    if not fits((o_h, o_w), k, p):
        return
    two = autograd_fields(n, k, p, s, 2)
    for i, j in itertools.product(range(two.shape[0]), range(two.shape[1])):   # every cell, corners included
        rows, cols = C.field_two_layers(i, j, k, s, p, (o_h, o_w))
        assert torch.equal(engine_field(rows, cols, n, p), two[i, j]), (i, j)
        note = C.field_note(rows, cols, n)
        assert (note == "layer_padding") == (not two[i, j].any())
        reads_input = two[i, j][p:p + n[0], p:p + n[1]].any()
        assert (note is None) == bool(reads_input)


def test_a_stride_larger_than_the_kernel_leaves_gaps_in_the_field():
    rows, cols = C.field_two_layers(1, 1, (2, 2), 4, 4, (3, 3))
    assert rows == cols == (-4, -3, 0, 1)           # layer-1 cells 0 and 1 read rows −4…−3 and 0…1, not 2…−1


@pytest.mark.parametrize("row,col", [(0, 0), (0, 40), (40, 0), (40, 40), (1, 2), (2, 1)])
@pytest.mark.parametrize("grid,kernel,p,s", [("1 1 1; 1 1 1; 1 1 1", "1 1; 1 1", 4, 4),   # the page's max corner
                                             ("1 1 1; 1 1 1; 1 1 1", "1 1; 1 1", 0, 1),   # the min corner
                                             ("; ".join([" ".join(["1"] * 7)] * 5), "1 1 1; 1 1 1", 2, 3),
                                             ("; ".join([" ".join(["1"] * 16)] * 16), "1 1 1 1 1 1 1", 4, 2)])
def test_the_playgrounds_two_layer_field_is_the_autograd_one(grid, kernel, p, s, row, col):
    r = C.run(C.Settings(grid_text=grid, kernel_text=kernel, padding=p, stride=s, row=row, col=col))
    n, k = (r.formula["n_h"], r.formula["n_w"]), (r.formula["k_h"], r.formula["k_w"])
    two = autograd_fields(n, k, p, s, 2)
    assert two.shape[:2] == r.Y2.shape
    want = two[r.cell2]
    assert torch.equal(engine_field(r.field2_rows, r.field2_cols, n, p), want)
    if want.any():
        nz = want.nonzero()
        r0, c0 = (nz.min(0).values - p).tolist()
        r1, c1 = (nz.max(0).values - p).tolist()
        assert r.field2_in == (r0, r1, c0, c1)
    else:
        assert r.field2_in is None and r.field2_note == "layer_padding"


def test_the_max_settings_link_picks_a_cell_that_reads_only_padding():
    """Every share-link setting at 10³⁰⁸ (clamped to its maximum): the second layer's corner cell
    reads only the first layer's padding, so its field is empty, not a window drawn off the input."""
    bounds = S.bounds(C.Settings)
    s, _ = S.from_query(C.Settings, {name: "1e308" for name in bounds})
    r = C.run(s)
    assert (s.padding, s.stride, s.row, s.col) == (4, 4, 40, 40)
    assert r.cell2 == (2, 2) and r.field2_mid == (4, 5, 4, 5)     # beyond the first layer's 3×3 output
    assert r.field2_rows == r.field2_cols == () and r.field2_in is None and r.field2_note == "layer_padding"
    assert not autograd_fields((3, 3), (2, 2), 4, 4, 2)[2, 2].any()
