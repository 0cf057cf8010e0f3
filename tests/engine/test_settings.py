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
