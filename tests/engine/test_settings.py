"""Bounded settings: clamping, URL parsing that never raises, and the round trip."""
import dataclasses
import math

import pytest

from engine import settings as S


@dataclasses.dataclass(frozen=True)
class Demo:
    n: int = S.num(10, 1, 100)
    lr: float = S.num(0.03, 0.001, 10.0, log=True)
    x: float = S.num(0.5, -1.0, 1.0, step=0.1)
    kind: str = S.choice("a", ("a", "b"))
    on: bool = S.flag(False)

    def __post_init__(self):
        S.check(self)


def test_log_grid_has_book_values_and_bounds():
    grid = S.log_grid(0.001, 10.0)
    for v in (0.001, 0.03, 0.1, 1.0, 3.0, 10.0):
        assert v in grid
    assert grid == tuple(sorted(grid)) and grid[0] == 0.001 and grid[-1] == 10.0


@pytest.mark.parametrize("raw,expected,changed", [
    ("50", 50, False), ("1000", 100, True), ("-3", 1, True), ("7.6", 8, True), ("1e308", 100, True), ("-inf", 1, True),
])
def test_int_clamp(raw, expected, changed):
    assert S.bounds(Demo)["n"].clamp(raw) == (expected, changed)


def test_log_float_snaps_to_grid():
    b = S.bounds(Demo)["lr"]
    assert b.clamp("0.03") == (0.03, False)
    assert b.clamp("0.031") == (0.03, True)
    assert b.clamp("1e9") == (10.0, True)
    assert b.clamp("0") == (0.001, True)


@pytest.mark.parametrize("raw", ["abc", "nan", "", "0x1g", "<b>1</b>"])
def test_unreadable_values_raise_for_caller(raw):
    with pytest.raises(ValueError):
        S.bounds(Demo)["n"].clamp(raw)


def test_from_query_never_raises_and_reports():
    params = {"n": "abc", "lr": "1e99", "x": "nan", "kind": "<script>", "on": "maybe", "unknown": "1"}
    obj, notices = S.from_query(Demo, params)
    assert obj == Demo(lr=10.0)
    reasons = {n.name: n.reason for n in notices}
    assert reasons == {"n": "ignored", "lr": "clamped", "x": "ignored", "kind": "ignored", "on": "ignored"}


def test_round_trip_through_the_url():
    obj = Demo(n=42, lr=0.3, x=-0.7, kind="b", on=True)
    back, notices = S.from_query(Demo, S.to_query(obj))
    assert back == obj and notices == []


def test_check_rejects_out_of_bounds_construction():
    with pytest.raises(ValueError):
        Demo(n=0)
    with pytest.raises(ValueError):
        Demo(kind="c")
    with pytest.raises(ValueError):
        Demo(lr=0.031)          # not on the grid: the widget could not show it


def test_settings_are_hashable_cache_keys():
    assert hash(Demo()) == hash(Demo()) and {Demo(): 1}[Demo()] == 1


def test_adjust_says_rounded_apart_from_clamped_and_rounds_half_up():
    b = S.Bound("int", 1, 100)
    assert b.adjust("2.5") == (3, "rounded")          # Python's round() would give 2 (half to even)
    assert b.adjust("1.5") == (2, "rounded")
    assert b.adjust("7") == (7, None)
    assert b.adjust("0.4") == (1, "clamped")
    assert b.adjust("1e999") == (100, "clamped")
    import engine.linear_regression as L
    log = S.bounds(L.Settings)["lr"]                    # a log grid of values
    v, how = log.adjust("0.031")
    assert how == "rounded" and v in log.options
    assert log.adjust(str(log.hi * 10))[1] == "clamped"


def test_float_with_a_step_snaps_to_the_slider_grid_from_a_link():
    # issue 13: ?w=2.560530468081178 must give the value the w slider (0.1 … 5, step 0.01) can show
    b = S.Bound("float", 0.1, 5.0, 0.01)
    assert b.adjust("2.560530468081178") == (2.56, "rounded")
    assert b.adjust("2.555") == (2.56, "rounded")          # half up, on the decimal the link wrote
    assert b.adjust("2.5549") == (2.55, "rounded")
    assert b.adjust("2.56") == (2.56, None)
    assert b.adjust("5") == (5.0, None) and b.adjust("0.1") == (0.1, None)
    assert b.adjust("7") == (5.0, "clamped")


def test_snapped_floats_are_exactly_the_decimal_on_the_grid():
    b = S.bounds(Demo)["x"]                                 # -1 … 1, step 0.1
    # float arithmetic would give -1 + 13·0.1 = 0.30000000000000004; the grid value is the float 0.3
    assert b.adjust("0.29") == (0.3, "rounded") and repr(b.adjust("0.29")[0]) == "0.3"
    assert b.adjust("0.30000000000000004") == (0.3, None)   # float noise is not a change worth a notice
    for k in range(21):                                      # every grid value maps to itself, exactly
        v = float(f"{-1 + k / 10:.1f}")
        assert b.adjust(str(v)) == (v, None) and b.adjust(v) == (v, None)
    assert b.adjust("-0.05")[0] == 0.0 and b.adjust("0.95") == (1.0, "rounded")


def test_integers_with_a_step_snap_to_their_step():
    b = S.Bound("int", 8, 256, 8)
    assert b.adjust("13") == (16, "rounded") and b.adjust("11.9") == (8, "rounded")
    assert b.adjust("12") == (16, "rounded")                  # half up, as without a step
    assert b.adjust("256") == (256, None) and b.adjust("9e9") == (256, "clamped")
    assert isinstance(b.adjust("13")[0], int)


def test_from_query_rounds_a_float_between_steps_with_a_notice():
    obj, notices = S.from_query(Demo, {"x": "0.4371"})
    assert obj.x == 0.4 and [(n.name, n.reason, n.used) for n in notices] == [("x", "rounded", 0.4)]


def test_the_grid_never_goes_above_hi_when_the_range_is_not_whole_steps():
    b = S.Bound("float", 0.0, 1.0, 0.3)                      # 0, 0.3, 0.6, 0.9 — and hi itself
    assert b.adjust("0.8") == (0.9, "rounded") and b.adjust("0.94") == (0.9, "rounded")
    assert b.adjust("1.0") == (1.0, None) and b.adjust("0.96") == (1.0, "rounded") and b.adjust("7")[0] == 1.0


def test_check_accepts_values_between_steps_but_not_fractions_or_off_log_grid():
    assert Demo(x=0.4371).x == 0.4371                       # inside the bounds: the engine computes it
    with pytest.raises(ValueError):
        Demo(n=2.5)
    with pytest.raises(ValueError):
        Demo(x=1.01)


def test_the_top_of_a_range_off_the_step_grid_is_a_value():
    """num_train in 256..60,000 by 256: the book's 60,000 (off the grid, whose last point is 59,904) stays
    60,000 from a link or a preset; values nearer 59,904 still snap to it."""
    from engine.settings import Bound
    b = Bound("int", 256, 60_000, 256)
    assert b.adjust(60_000) == (60_000, None)
    assert b.adjust(59_990)[0] == 60_000 and b.adjust(59_950)[0] == 59_904
    assert b.adjust(70_000) == (60_000, "clamped")
