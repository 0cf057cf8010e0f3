"""A class beyond one process: the class load through HAProxy with 1 and with 2 replicas, alternated
in one run (A/B/A/B: this machine is shared, so slow stretches hit both), then a fault run.

    python -m benchmarks replicas          # ≈ 25 min on 2 cores

For each configuration (``replicas.<n>``; see ``benchmarks/_load.py``): 30 students arriving, following
the teacher and exploring, p50/p95 and errors per phase, CPU and memory per replica, and one more
student in a real Chromium timing a moved slider to the first visible change on the screen (goal: p95
≤ 1 s while the class explores). ``replicas.fault``: 2 replicas, replica r1 killed (SIGKILL) in the
middle of the exploring phase: requests that were running on it are counted as lost in flight; its
students reconnect through the balancer (a new session on r2, with the page's URL) and the settings must
come back; errors after that must be 0. The upload half of the fault (an upload link reopened on the
other replica) is in tests/deploy/test_replicas.py, in a real browser.

Environment: ``REPLICAS_BENCH_ORDER`` ("1,2,1,2"), ``REPLICAS_BENCH_FAULT`` (1; 0 skips the fault run),
``APP_BENCH_SESSIONS`` (30), ``APP_BENCH_PHASE_SECONDS`` (60), ``APP_BENCH_ACTIONS`` (10),
``APP_BENCH_EXPLORE_PHASES`` (1), ``APP_BENCH_THINK`` ("3,8"), ``REPLICAS_BENCH_PROBE`` (1).
"""
from __future__ import annotations

import os

from benchmarks._load import load_run


def _common() -> dict:
    return dict(sessions=int(os.environ.get("APP_BENCH_SESSIONS", 30)),
                actions=int(os.environ.get("APP_BENCH_ACTIONS", 10)),
                explore_phases=int(os.environ.get("APP_BENCH_EXPLORE_PHASES", 1)),
                phase_seconds=float(os.environ.get("APP_BENCH_PHASE_SECONDS", 60)),
                think=tuple(float(x) for x in os.environ.get("APP_BENCH_THINK", "3,8").split(",")),
                probe=os.environ.get("REPLICAS_BENCH_PROBE", "1") != "0")


def run():
    order = [int(x) for x in os.environ.get("REPLICAS_BENCH_ORDER", "1,2,1,2").split(",")]
    for round_, n in enumerate(order):
        for record in load_run(replicas=n, name=f"replicas.{n}", **_common()):
            yield {**record, "round": round_ + 1, "loadavg_1m": round(os.getloadavg()[0], 1)}
    if os.environ.get("REPLICAS_BENCH_FAULT", "1") != "0":
        phase = float(os.environ.get("APP_BENCH_PHASE_SECONDS", 60))
        for record in load_run(replicas=2, kill_after=phase / 3, name="replicas.fault", **_common()):
            yield {**record, "loadavg_1m": round(os.getloadavg()[0], 1)}
