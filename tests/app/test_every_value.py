"""Every value a widget or a link can set gives a result (issue 13): every page of streamlit_app.LESSONS
opened from links that put each of its settings at its maximum, at its minimum, and at values drawn
between the steps, through the engine, the figure builders and the page's own formatting — with no
exception and no error box (a 💥 divergence is a result, not an error).

Two kinds of run:
- ``test_page_at_its_bounds``: every numeric setting at its max (or min), with the page's real work
  budget, as a student's link would run.
- ``test_page_walk``: the lower/upper corners with every choice taken in turn, and random values between
  the steps, each run stopped after a few units of work (``FewSteps``, a ``Budget`` whose cap counts the
  lesson's own units of work, whatever they are): cheap, and the early stop is itself a state pages must
  show (a Stop click gives the same). Such runs are never put in the shared cache (not ``deterministic``).
"""
from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import math
import pkgutil
import random
import zlib
from pathlib import Path

import pytest

import engine
import streamlit_app
from engine import settings as S
from engine.budget import Budget
from engine.text import CorpusSettings
from tests.app.helpers import problems

ROOT = Path(streamlit_app.__file__).resolve().parent
PAGES = [l.path for items in streamlit_app.LESSONS.values() for l in items]
NETWORK = {("corpus", "time_machine")}          # a download: its failure is tested in tests/app/test_text_vocab_page.py
SEED_MAX = S.Bound("int", 0, 2**31 - 1).hi


# ---- which Settings classes a page reads ----------------------------------------------------------------

def page_settings(page: str) -> list[type]:
    """The Settings classes a page builds widgets for: the first argument of each ``settings_form`` call,
    resolved through the page's own imports, plus the corpus picker's ``CorpusSettings``."""
    tree = ast.parse((ROOT / page).read_text(encoding="utf-8"))
    ns: dict = {}
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            exec(compile(ast.Module([node], []), page, "exec"), ns)      # the page's imports only
    found: list[type] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            cls = None
            if name == "settings_form":
                cls = eval(compile(ast.Expression(node.args[0]), page, "eval"), ns)
            elif name == "corpus_picker":
                cls = CorpusSettings
            if cls is not None and cls not in found:
                found.append(cls)
    return found


def engine_settings_classes() -> set[type]:
    """Every bounded Settings dataclass defined anywhere in engine/."""
    out = set()
    for info in pkgutil.walk_packages(engine.__path__, "engine."):
        mod = importlib.import_module(info.name)
        for obj in vars(mod).values():
            if (inspect.isclass(obj) and obj.__module__ == info.name and dataclasses.is_dataclass(obj)
                    and S.bounds(obj)):
                out.add(obj)
    return out


def test_every_settings_class_of_the_engine_is_on_a_page():
    on_pages = {cls for page in PAGES for cls in page_settings(page)}
    assert engine_settings_classes() == on_pages
    for page in PAGES:      # one URL key per setting: no two classes that a run shows together share a name
        for group in settings_groups(page):
            names = [n for cls in group for n in S.bounds(cls)]
            assert len(names) == len(set(names)), (page, [c.__qualname__ for c in group])


def settings_groups(page: str) -> list[list[type]]:
    """The Settings classes one run of the page builds widgets for together: those of the page's top
    level, with those of each top-level function (a page that shows one of two models, like the toy
    Transformer's decoder-only or encoder-decoder, builds one function's widgets per run)."""
    tree = ast.parse((ROOT / page).read_text(encoding="utf-8"))
    ns: dict = {}
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            exec(compile(ast.Module([node], []), page, "exec"), ns)

    def calls(node) -> list[type]:
        found = []
        for sub in ast.walk(node):
            if isinstance(sub, ast.Call) and getattr(sub.func, "attr", getattr(sub.func, "id", "")) == "settings_form":
                cls = eval(compile(ast.Expression(sub.args[0]), page, "eval"), ns)
                if cls not in found:
                    found.append(cls)
        return found
    funcs = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    top = [c for n in tree.body if not isinstance(n, ast.FunctionDef) for c in calls(n)]
    groups = [list(dict.fromkeys(top + calls(f))) for f in funcs if calls(f)]
    return groups or [list(dict.fromkeys(top))]


def fields(page: str) -> dict[str, S.Bound]:
    return {n: b for cls in page_settings(page) for n, b in S.bounds(cls).items()}


# ---- links ------------------------------------------------------------------------------------------------

def text(v) -> str:
    if isinstance(v, bool):
        return "1" if v else "0"
    return repr(v) if isinstance(v, float) else str(v)


def numeric_options(b: S.Bound) -> bool:
    return b.kind == "choice" and all(isinstance(o, (int, float)) and not isinstance(o, bool) for o in b.options)


def options(name: str, b: S.Bound) -> list:
    return [o for o in b.options if (name, o) not in NETWORK]


def bound_link(page: str, end: str) -> dict[str, str]:
    """Every numeric setting (sliders, log sliders, numbers to choose from) at its max or min, every
    switch on (max) or off (min), the seed at its max or 0. Choices among words keep their defaults."""
    top = end == "max"
    link = {"seed": str(SEED_MAX if top else 0)}
    for name, b in fields(page).items():
        if b.kind in ("int", "float"):
            link[name] = text((b.options[-1] if top else b.options[0]) if b.log else (b.hi if top else b.lo))
        elif b.kind == "bool":
            link[name] = text(top)
        elif numeric_options(b):
            link[name] = text(max(b.options) if top else min(b.options))
    return link


def walk_links(page: str, n_random: int = 2) -> list[dict[str, str]]:
    """The four corners (every number at its min or max, every choice at its first or last option), then random values
    anywhere inside the bounds (between the slider's steps: the link snaps them), in English and 中文."""
    rng = random.Random(zlib.crc32(page.encode()))
    fs = fields(page)
    links = []
    for end, pick in (("min", 0), ("max", -1), ("max", 0), ("min", -1)):
        link = bound_link(page, end)
        link.update({n: text(options(n, b)[pick]) for n, b in fs.items() if b.kind == "choice"})
        links.append(link)
    for _ in range(n_random):
        link = {"seed": str(rng.randint(0, SEED_MAX))}
        for n, b in fs.items():
            if b.kind == "choice":
                v = rng.choice(options(n, b))
            elif b.kind == "bool":
                v = rng.random() < 0.5
            elif b.log:
                v = math.exp(rng.uniform(math.log(b.lo), math.log(b.hi)))
            else:
                v = rng.uniform(b.lo, b.hi)
            link[n] = text(v)
        links.append(link)
    for i, link in enumerate(links):
        link["lang"] = ("en", "zh")[i % 2]
    return links


# ---- the checks -------------------------------------------------------------------------------------------

@dataclasses.dataclass
class FewSteps(Budget):
    """Stops a run after ``max_calls`` units of work (``spend`` calls), whatever each lesson counts in."""
    max_calls: int = 3
    calls: int = 0

    def spend(self, units: float = 0.0) -> bool:
        self.calls += 1
        if self.calls > self.max_calls and self.reason is None:
            self.used_units += units
            self.reason = "units"
        return self.reason is None and super().spend(units)

    @property
    def deterministic(self) -> bool:
        return False               # a shortened run: never the shared cache's answer for these settings


@pytest.mark.slow
@pytest.mark.parametrize("end", ["max", "min"])
@pytest.mark.parametrize("page", PAGES)
def test_page_at_its_bounds(app_at, page, end):
    link = bound_link(page, end)
    # a link at the top of "slices" trains every slice of Continue, each up to the page's wall-clock cap
    # (30 s): more than AppTest's default 120 s under CPU contention (the character Transformer at its max
    # timed out so at load 8)
    at = app_at(link, timeout=300)
    at.switch_page(page).run()
    assert not problems(at), (link, problems(at))
    assert at.get("plotly_chart"), "the page shows no chart"


@pytest.fixture
def shortened_runs():
    """The walk's shortened runs are kept as the session's partial runs (AppTest sessions share one id):
    dropped before and after, so no other test is shown one."""
    from pages._ui import _run
    _run.stopped_runs().clear()
    yield _run
    _run.stopped_runs().clear()


def trains_with_a_budget(page: str) -> bool:
    """Whether the page trains through the shared cache with a work budget: a ``run_cached`` call that is
    not ``quick=True`` (a computation without a training loop), or ``run_slices`` (Continue)."""
    for node in ast.walk(ast.parse((ROOT / page).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            quick = any(k.arg == "quick" and isinstance(k.value, ast.Constant) and k.value.value for k in node.keywords)
            if name == "run_slices" or (name == "run_cached" and not quick):
                return True
    return False


@pytest.mark.parametrize("page", PAGES)
def test_page_walk(app_at, page, monkeypatch, shortened_runs):
    _run = shortened_runs
    # units of work each run may do: the lower corners a few, the upper ones (the heaviest minibatch) one,
    # the random links two or none (stopped before the first step, as a Stop click can)
    links = walk_links(page)
    assert len(links) == 6
    budgets: list[FewSteps] = []

    def few_steps(n: int, **kw) -> FewSteps:
        budgets.append(FewSteps(max_calls=n, **kw))
        return budgets[-1]
    for max_calls, link in zip((5, 1, 1, 5, 2, 0), links):
        monkeypatch.setattr(_run, "Budget", lambda n=max_calls, **kw: few_steps(n, **kw))
        at = app_at(link)
        at.switch_page(page).run()
        assert not problems(at), (link, max_calls, problems(at))
    # the page's training ran on the shortened budget (its script shares this process's modules); pages
    # without a training loop compute in one pass. (Not one budget per link: settings already in the shared
    # cache — the bounds test's real runs — or equal to an earlier link's are not trained again.)
    trains = trains_with_a_budget(page)
    assert (len(budgets) > 0) == trains and all(b.reason == "units" for b in budgets if b.calls > b.max_calls)
