"""Every corner of every gradient Settings runs, and every figure is built from it with at least one
finite point drawn: inf/NaN are lessons here, never exceptions and never blank charts."""
import dataclasses
import functools
import itertools

import pytest

from engine.gradients import bptt as BP, clipping as CL, deep_nets as DN, figures as F, grad_check as GC
from engine.gradients import scalar_chain as SC
from engine.gradients.strings_checking import STRINGS as CHECKING
from engine.gradients.strings_clipping import STRINGS as CLIPPING
from engine.gradients.strings_exploding import STRINGS as EXPLODING
from engine.i18n import Translator
from engine.settings import bounds


def corners(cls, limit: int = 12, ends_at=(False, True)):
    """Every choice with the numbers all at their low or all at their high end (at most ``limit``,
    spread evenly over the list)."""
    b = bounds(cls)
    nums = [n for n, x in b.items() if x.kind in ("int", "float")]
    choices = [n for n, x in b.items() if x.kind == "choice"]
    ends = lambda x, hi: (x.options[-1] if hi else x.options[0]) if x.log else (x.hi if hi else x.lo)
    cast = lambda x, v: int(v) if x.kind == "int" else float(v)
    out = []
    for hi in ends_at:
        base = {n: cast(b[n], ends(b[n], hi)) for n in nums}
        for combo in itertools.product(*[b[n].options for n in choices]):
            out.append(cls(**base, **dict(zip(choices, combo))))
    return out[:: max(1, len(out) // limit)]


@functools.lru_cache(maxsize=None)
def computed(run, s):
    return run(s)


def drawn(fig) -> bool:
    """At least one finite number in some trace (a bar of a histogram, a point of a line, a contour)."""
    for trace in fig.data:
        for attr in ("y", "z"):
            values = getattr(trace, attr, None)
            if values is None:
                continue
            flat = [v for row in values for v in (row if hasattr(row, "__len__") else [row])]
            if any(v is not None and v == v and abs(v) != float("inf") for v in flat):
                return True
    return False


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_exploding_corners(lang):
    tr = Translator(lang, EXPLODING)
    for s in corners(SC.Settings):
        r = computed(SC.run, s)
        assert drawn(F.fig_chain(r, tr))
    for s in corners(DN.Settings, limit=8):
        r = computed(DN.run, s)
        for fig in (F.fig_layer_norms(r, tr), F.fig_histograms(r, tr)):
            assert drawn(fig), s
        F.fig_weight_grads(r, tr)          # may be all inf/NaN (then its marker says so)
    for s in corners(BP.Settings, limit=4):
        r = computed(BP.run, s)
        assert drawn(F.fig_bptt(r, tr)), s


def test_clipping_corners():
    tr = Translator("en", CLIPPING)
    for s in corners(CL.Settings, limit=6):
        r = CL.run(s)
        assert drawn(F.fig_clip_loss(r, tr)) and drawn(F.fig_clip_norms(r, tr))
        assert drawn(F.fig_surface(r, CL.loss_surface(s.true_w, s.num_steps, n=31), tr))


def test_checking_corners():
    tr = Translator("zh", CHECKING)
    small = corners(GC.Settings, limit=10 ** 6, ends_at=(False,))          # every choice, smallest network
    for s in small + [GC.Settings(num_hiddens=16, batch_size=64, eps=0.1, dtype="float32", bug="tanh_derivative")]:
        r = GC.run(s)
        for fig in (F.fig_rel_errors(r, tr), F.fig_entries(r, tr), F.fig_sweep(r, tr)):
            assert drawn(fig), s
        assert len(F.params_table(r, tr)) == 4


def test_corners_cover_every_choice():
    seen = {(n, getattr(s, n)) for s in corners(GC.Settings, limit=10 ** 6) for n in ("bug", "dropout", "dtype")}
    assert len(seen) == len(GC.BUGS) + len(GC.DROPOUT) + 2
    assert all(dataclasses.is_dataclass(s) for s in corners(DN.Settings))
