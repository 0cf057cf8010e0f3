"""The app as a whole: the script time of every registered page, and a class-sized load run.

    python -m benchmarks app          # ≈ 5-8 min on 2 cores; prints one JSON object per line

1. ``app.page.<stem>.cold|cached``: one full app run (navigation, shared sidebar, the page)
   through ``AppTest``, with every Streamlit cache cleared (cold: the page computes its default
   settings) and then again in a new session (cached: what the next student of the class waits
   for); ``app.start`` is the import of every engine module plus Streamlit's first run, paid once
   per server process.
2. ``app.load.*``: 30 concurrent students against a real ``streamlit run`` server on 127.0.0.1
   (see ``benchmarks/_load.py``): p50/p95 response time, errors, the server's peak memory and its
   memory at the end of each phase. Goal: p95 ≤ 3 s, 0 errors, memory flat once caches are full.

Environment overrides for quick runs: ``APP_BENCH_SESSIONS`` (30), ``APP_BENCH_ACTIONS`` (10 per
student and phase), ``APP_BENCH_EXPLORE_PHASES`` (2), ``APP_BENCH_PHASE_SECONDS`` (120),
``APP_BENCH_THINK`` ("3,8": seconds a student pauses between actions, uniform; "1,3" is a stress
test), ``APP_BENCH_LOAD=0`` to skip the load run, ``APP_BENCH_PAGES=playground,mlp`` to time those pages only, ``APP_BENCH_REPLICAS=N`` to serve the class through
HAProxy with N replicas (``deploy/serve.py``; ``python -m benchmarks replicas`` compares 1 and 2).
"""
from __future__ import annotations

import importlib
import os
import time

from benchmarks._load import load_run
from tests.e2e.server import ROOT

APP = str(ROOT / "streamlit_app.py")
_components: list = []          # the component registry of the first AppTest, reused by the others


def stem(path: str) -> str:
    return path.rsplit("/", 1)[-1].removesuffix(".py")


def _timed_run(page: str | None) -> tuple[float, object, float]:
    """(wall seconds, the AppTest, CPU seconds of this process: the script runs in-process)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=300)
    # A server scans the installed packages for custom components once at start-up; AppTest does
    # it on every new AppTest (≈0.3-0.5 s, more than most cached pages). Reuse the first scan.
    if _components and hasattr(at, "_bidi_component_manager"):
        at._bidi_component_manager = _components[0]
    if page:
        at.switch_page(page)
    t, c = time.perf_counter(), time.process_time()
    at.run()
    if not _components and getattr(at, "_bidi_component_manager", None) is not None:
        _components.append(at._bidi_component_manager)
    return time.perf_counter() - t, at, time.process_time() - c


class _Figures:
    """Collects the figures a run sends (Streamlit serializes each with ``plotly.io.to_json``), to time
    their serialization afterwards with Plotly's two engines, the standard ``json`` and ``orjson``."""

    def __enter__(self):
        import plotly.io
        self.figures, self._io, self._orig = [], plotly.io, plotly.io.to_json

        def recording(fig, *a, **k):
            self.figures.append(fig)
            return self._orig(fig, *a, **k)
        plotly.io.to_json = recording
        return self

    def __exit__(self, *exc):
        self._io.to_json = self._orig

    def serialization(self) -> dict:
        """Seconds to serialize every figure of the run with each engine (best of 3, alternated in
        the same process) and the bytes the page sends."""
        out = {"figures": len(self.figures),
               "spec_bytes": sum(len(self._orig(f, validate=False)) for f in self.figures)}
        engines = ["json"]
        try:
            import orjson  # noqa: F401
            engines.append("orjson")
        except ImportError:
            out["orjson"] = "not installed"
        best = {e: float("inf") for e in engines}
        for _ in range(3):
            for e in engines:
                t = time.perf_counter()
                for f in self.figures:
                    self._orig(f, validate=False, engine=e)
                best[e] = min(best[e], time.perf_counter() - t)
        out.update({f"serialize_{e}_seconds": round(v, 4) for e, v in best.items()})
        if "orjson" in best and best["orjson"] > 0:
            out["json_over_orjson"] = round(best["json"] / best["orjson"], 1)
        return out


def _facts(at) -> dict:
    return {"charts": len(at.get("plotly_chart")), "exceptions": len(at.exception),
            "errors": sum(1 for e in at.error if getattr(e, "icon", None) != "💥")}


def page_times():
    import logging

    import streamlit as st

    import streamlit_app

    logging.getLogger("streamlit").setLevel(logging.ERROR)     # "missing ScriptRunContext" noise
    # no start-up warm-up in this process: it would compute every lesson's default run in the
    # background while the cold times are measured (the load run's server warms up, on purpose)
    os.environ["DEEPDIVE_WARM"] = "0"
    lessons = [l for items in streamlit_app.LESSONS.values() for l in items]
    t = time.perf_counter()
    for lesson in lessons:
        importlib.import_module(lesson.engine)
    imports = time.perf_counter() - t
    first = _timed_run(None)[0]          # Streamlit's own first-run set-up is not any page's cost
    yield {"name": "app.start", "seconds": round(imports + first, 3), "import_seconds": round(imports, 3),
           "first_run_seconds": round(first, 3), "lessons": len(lessons)}
    only = [p for p in os.environ.get("APP_BENCH_PAGES", "").split(",") if p]
    for path, name in [(None, "home")] + [(l.path, stem(l.path)) for l in lessons]:
        if only and name not in only:
            continue
        st.cache_data.clear()
        st.cache_resource.clear()
        cold, at, cold_cpu = _timed_run(path)
        yield {"name": f"app.page.{name}.cold", "seconds": round(cold, 3), "cpu_seconds": round(cold_cpu, 3),
               **_facts(at), "loadavg_1m": round(os.getloadavg()[0], 1)}
        cached, _, cached_cpu = min((_timed_run(path) for _ in range(2)), key=lambda r: r[0])
        with _Figures() as figs:
            _timed_run(path)
        yield {"name": f"app.page.{name}.cached", "seconds": round(cached, 3), "cpu_seconds": round(cached_cpu, 3),
               "cold_over_cached": round(cold / cached, 1), "loadavg_1m": round(os.getloadavg()[0], 1),
               **figs.serialization()}


def run():
    yield from page_times()
    if os.environ.get("APP_BENCH_LOAD", "1") != "0":
        yield from load_run(sessions=int(os.environ.get("APP_BENCH_SESSIONS", 30)),
                            actions=int(os.environ.get("APP_BENCH_ACTIONS", 10)),
                            explore_phases=int(os.environ.get("APP_BENCH_EXPLORE_PHASES", 2)),
                            phase_seconds=float(os.environ.get("APP_BENCH_PHASE_SECONDS", 120)),
                            think=tuple(float(x) for x in os.environ.get("APP_BENCH_THINK", "3,8").split(",")),
                            replicas=int(os.environ["APP_BENCH_REPLICAS"]) if os.environ.get("APP_BENCH_REPLICAS") else None)
