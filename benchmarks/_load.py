"""A class-sized load run against a real ``streamlit run`` server (loopback only).

Each simulated student is one session of Streamlit's agent API (``POST /_stcore/agent/interact``,
switched on for this server only with ``--server.enableAgentApi true``): the same script run, widget
callbacks, session state and shared caches as a browser tab, without rendering. A response comes
back when the script run has finished, so its latency is what a student waits for before the
page is complete. Students pause ``think`` seconds between actions (default 3-8 s: look at the
charts, then move the next slider). The agent API builds a JSON snapshot of the whole page for
every answer, which a browser session does not need, so this slightly overstates server CPU.

Before the class arrives, the server warms the lessons' default runs (started by the first session;
the run waits for it and reports ``warmup_s``), as it would between a teacher starting it and the lesson.

Phases (each bounded by a number of actions and a deadline):
  open      every student arrives within 3 s, opens Home and two random lessons (defaults)
  follow    the teacher leads: everyone opens the first lesson and makes the same 5 moves, each at
            their own pace (the shared cache computes each setting once for the class)
  explore1  each student on their own: move a widget to a neighbouring value (75 %), switch lesson
            (20 %), switch language (5 %) — mostly settings nobody has computed yet
  explore2  the same again: RSS at the end of each phase shows whether memory keeps growing
The server's resident memory (RSS, with any children) is sampled every 0.2 s with psutil.

This module has no ``run()``: it is driven by ``benchmarks/app.py``.
"""
from __future__ import annotations

import json
import os
import random
import re
import statistics
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field

import psutil

from tests.e2e.server import StreamlitServer

MOVABLE = {"slider", "select_slider", "radio", "selectbox", "toggle", "checkbox", "segmented_control", "pills"}
WARM_WAIT_S = 600                       # longest wait for the server's start-up warm-up
SHARED_KEYS = {"lang", "seed"}          # moved by the language action only / never
MB = 1024 * 1024


def walk(node: dict):
    yield node
    for child in node.get("children", ()):
        yield from walk(child)


def problems(snapshot: dict) -> list[str]:
    """What a student would call an error: the app raised, an exception box, or an error box
    that is not a divergence (a lesson, shown with 💥)."""
    out = [] if snapshot.get("status") == "ready" else [f"status={snapshot.get('status')}"]
    for n in walk(snapshot.get("tree", {})):
        if n.get("type") == "exception":
            out.append("exception: " + str(n.get("props", {}).get("message", ""))[:200])
        elif n.get("type") == "error" and n.get("props", {}).get("icon") != "💥":
            out.append("error box: " + str(n.get("props", {}).get("body", ""))[:200])
    return out


def neighbour(node: dict, rng: random.Random):
    """A value a student would drag this widget to: a few steps away, or another option."""
    kind, props, value = node["type"], node.get("props", {}), node.get("value")
    if kind == "slider":
        if isinstance(value, list) or not isinstance(value, (int, float)):
            return None                                     # range / date sliders: left alone
        lo, hi = props.get("min_value"), props.get("max_value")
        step = props.get("step") or 1
        for _ in range(4):
            new = min(hi, max(lo, value + rng.choice((-3, -2, -1, 1, 2, 3)) * step))
            new = int(round(new)) if node.get("value_schema", {}).get("type") == "integer" else round(new, 9)
            if new != value:
                return new
        return None
    if kind in ("toggle", "checkbox"):
        return not value
    options = props.get("options") or []
    if not options or value not in options:
        return None
    if kind == "select_slider":
        i = options.index(value)
        j = min(len(options) - 1, max(0, i + rng.choice((-2, -1, 1, 2))))
        return options[j] if j != i else None
    others = [o for o in options if o != value]
    return rng.choice(others) if others else None


@dataclass
class Phase:
    name: str
    latencies: list = field(default_factory=list)      # (seconds, kind, page)
    errors: list = field(default_factory=list)
    timeouts: list = field(default_factory=list)    # one entry per 202 (run outlasted the wait)
    started: float = 0.0
    ended: float = 0.0
    rss_end: int = 0
    rss_peak: int = 0
    cpu_seconds: float = 0.0


class Student(threading.Thread):
    def __init__(self, base: str, idx: int, pages: list[str], seed: int):
        super().__init__(daemon=True, name=f"student-{idx}")
        self.base, self.idx, self.pages = base, idx, pages
        self.rng = random.Random(seed * 1000 + idx)
        self.session: str | None = None
        self.snapshot: dict = {}
        self.plan: list = []
        self.phase: Phase | None = None
        self.deadline = 0.0
        self.think = (3.0, 8.0)
        self.go, self.done = threading.Event(), threading.Event()

    # -- one request = one student action, timed until the script run has finished -----------------
    def post(self, body: dict, kind: str) -> None:
        t0 = time.perf_counter()
        page = body.get("page") or self.snapshot.get("page", {}).get("url_path", "")
        try:
            code, data = self._post(body)
            while code == 202 and data.get("error", {}).get("code") == "wait_timed_out":
                self.phase.timeouts.append(1)                  # still running: collect the same run
                code, data = self._post({"session_id": data["error"].get("session_id", self.session)})
        except Exception as e:                              # connection refused/reset, bad JSON
            self.phase.errors.append(f"{kind} {page}: {e!r}"[:300])
            self.phase.latencies.append((time.perf_counter() - t0, kind, page))
            return
        dt = time.perf_counter() - t0
        self.phase.latencies.append((dt, kind, page))
        if code != 200:
            self.phase.errors.append(f"{kind} {page}: HTTP {code} {json.dumps(data)[:200]}")
            return
        self.session = data["session_id"]
        self.snapshot = data
        self.phase.errors.extend(f"{kind} {page}: {p}" for p in problems(data))

    def _post(self, body: dict) -> tuple[int, dict]:
        req = urllib.request.Request(f"{self.base}/_stcore/agent/interact", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=300) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}")

    # -- what a student does ----------------------------------------------------------------------------
    def open_page(self, page: str) -> None:
        self.post({"session_id": self.session, "page": page}, "open")

    def move_widget(self, rng: random.Random | None = None) -> None:
        rng = rng or self.rng
        nodes = {n["key"]: n for n in walk(self.snapshot.get("tree", {})) if n.get("key")}
        movable = [nodes[a["key"]] for a in self.snapshot.get("actions", ())
                   if a.get("kind") == "value" and a["key"] in nodes and a["key"] not in SHARED_KEYS
                   and nodes[a["key"]]["type"] in MOVABLE]
        movable.sort(key=lambda n: n["key"])                # same snapshot + same rng = same move
        rng.shuffle(movable)
        for node in movable:
            value = neighbour(node, rng)
            if value is not None:
                self.post({"session_id": self.session, "widget_state": {node["key"]: value}}, "move")
                return
        self.open_page(self.rng.choice(self.pages))         # nothing to move here: go elsewhere

    def switch_language(self) -> None:
        lang = next((n for n in walk(self.snapshot.get("tree", {})) if n.get("key") == "lang"), None)
        if lang is None:
            return self.move_widget()
        other = [o for o in lang["props"]["options"] if o != lang.get("value")]
        self.post({"session_id": self.session, "widget_state": {"lang": other[0]}}, "language")

    def run(self) -> None:
        while True:
            self.go.wait()
            self.go.clear()
            if self.plan is None:
                return
            for i, action in enumerate(self.plan):
                if time.monotonic() > self.deadline:
                    break
                if i:
                    time.sleep(self.rng.uniform(*self.think))
                action()
            self.done.set()

    # -- the plans ----------------------------------------------------------------------------------------
    def plan_open(self, lessons: int) -> list:
        def arrive():
            time.sleep(self.rng.uniform(0, 3))            # the class opens the link within 3 s
            self.post({}, "create") if self.session is None else self.open_page("")
        return [arrive] + [lambda p=p: self.open_page(p) for p in self.rng.sample(self.pages, lessons)]

    def plan_follow(self, moves: int, seed: int) -> list:
        """The teacher leads: everyone opens the first lesson and makes the same moves (a shared
        seed picks them), each at their own pace."""
        shared = random.Random(seed)
        lesson = self.pages[0]
        return [lambda: self.open_page(lesson)] + [lambda: self.move_widget(shared) for _ in range(moves)]

    def plan_explore(self, actions: int) -> list:
        plan = []
        for _ in range(actions):
            r = self.rng.random()
            plan.append(self.move_widget if r < 0.75 else
                        (lambda: self.open_page(self.rng.choice(self.pages))) if r < 0.95 else self.switch_language)
        return plan


class RssSampler(threading.Thread):
    """Resident memory of the server process and its children, every ``every`` seconds."""

    def __init__(self, pid: int, every: float = 0.2):
        super().__init__(daemon=True, name="rss-sampler")
        self.proc, self.every = psutil.Process(pid), every
        self.peak = self.last = 0
        self.window_peak = 0
        self.stop = threading.Event()

    def rss(self) -> int:
        total = 0
        for p in [self.proc, *self.proc.children(recursive=True)]:
            try:
                total += p.memory_info().rss
            except psutil.Error:
                pass
        return total

    def cpu_seconds(self) -> float:
        t = self.proc.cpu_times()
        return t.user + t.system

    def take_window_peak(self) -> int:
        peak, self.window_peak = self.window_peak, self.last
        return peak

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.last = self.rss()
            except psutil.Error:
                return
            self.peak = max(self.peak, self.last)
            self.window_peak = max(self.window_peak, self.last)
            self.stop.wait(self.every)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q / 100 * len(s) + 0.5) - 1))]     # nearest rank


def summarize(name: str, phases: list[Phase], **extra) -> dict:
    lat = [l for p in phases for l in p.latencies]
    secs = [l[0] for l in lat]
    errors = [e for p in phases for e in p.errors]
    by_kind = defaultdict(list)
    by_page = defaultdict(list)
    for s, kind, page in lat:
        by_kind[kind].append(s)
        by_page[page or "home"].append(s)
    slowest = sorted(((round(percentile(v, 95), 2), k) for k, v in by_page.items()), reverse=True)[:5]
    return {
        "name": name, "seconds": round(sum(p.ended - p.started for p in phases), 1),
        "requests": len(secs), "p50_s": round(percentile(secs, 50), 3), "p95_s": round(percentile(secs, 95), 3),
        "max_s": round(max(secs), 2) if secs else None,
        "mean_s": round(statistics.fmean(secs), 3) if secs else None,
        "errors": len(errors), "error_examples": errors[:5],
        "waited_past_agent_timeout": sum(len(p.timeouts) for p in phases),
        "p95_by_kind_s": {k: round(percentile(v, 95), 2) for k, v in sorted(by_kind.items())},
        "slowest_pages_p95_s": {k: v for v, k in slowest},
        "rss_peak_mb": round(max(p.rss_peak for p in phases) / MB, 1),
        "rss_end_mb": round(phases[-1].rss_end / MB, 1),
        "server_cpu_s": round(sum(p.cpu_seconds for p in phases), 1),
        # cores the server actually got: far below 2 means other processes shared the machine
        "server_cores_used": round(sum(p.cpu_seconds for p in phases) / max(1e-9, sum(p.ended - p.started for p in phases)), 2),
        "loadavg_1m": round(os.getloadavg()[0], 1),
        **extra,
    }


def load_run(sessions: int = 30, lessons_opened: int = 2, follow_moves: int = 5, actions: int = 10,
             explore_phases: int = 2, phase_seconds: float = 120, think: tuple[float, float] = (3.0, 8.0),
             seed: int = 0, server_env: dict | None = None):
    """Yield one record per phase, then the overall record (see the module docstring)."""
    extra = ["--server.enableAgentApi", "true", "--server.agentMaxSessions", str(max(100, 2 * sessions)),
             "--server.agentWaitTimeout", "60", "--server.runOnSave", "false"]
    with StreamlitServer(extra, env={"DEEPDIVE_WARM": "1", **(server_env or {})}) as server:
        sampler = RssSampler(server.pid)
        sampler.start()
        time.sleep(0.5)
        rss_idle = sampler.last
        # the page list as the app itself declares it (Home is "")
        probe = Student(server.url, -1, [], seed)
        probe.phase = Phase("probe")
        probe.post({}, "create")
        if not probe.snapshot:
            raise RuntimeError(f"agent API did not answer: {probe.phase.errors[:1]}\n{server.log_tail()}")
        pages = [p["url_path"] for p in probe.snapshot["pages"] if p["url_path"]]
        rss_after_probe = sampler.last
        # The first session started the warm-up of the lessons' default runs; a class arrives after
        # the teacher has started the server, so wait for it (and report how long it took).
        warm_s, t_warm = None, time.perf_counter()
        while time.perf_counter() - t_warm < WARM_WAIT_S:
            found = re.search(r"warmed (\d+) default runs in ([\d.]+) s", server.log_tail(20_000))
            if found:
                warm_s = float(found.group(2))
                break
            time.sleep(0.5)

        students = [Student(server.url, i, pages, seed) for i in range(sessions)]
        for s in students:
            s.think = think
            s.start()
        phases = []
        plans = [("open", lambda s: s.plan_open(min(lessons_opened, len(pages)))),
                 ("follow", lambda s: s.plan_follow(follow_moves, seed)),
                 *((f"explore{i + 1}", lambda s: s.plan_explore(actions)) for i in range(explore_phases))]
        cpu0 = sampler.cpu_seconds()
        for name, make_plan in plans:
            phase = Phase(name, started=time.perf_counter())
            sampler.take_window_peak()
            for s in students:
                s.phase, s.plan, s.deadline = phase, make_plan(s), time.monotonic() + phase_seconds
                s.done.clear()
                s.go.set()
            for s in students:                # the deadline stops new actions; the last one finishes
                s.done.wait(phase_seconds + 600)
            phase.ended = time.perf_counter()
            phase.rss_end, phase.rss_peak = sampler.last, sampler.take_window_peak()
            cpu = sampler.cpu_seconds()
            phase.cpu_seconds, cpu0 = cpu - cpu0, cpu
            phases.append(phase)
            yield summarize(f"app.load.{name}", [phase], sessions=sessions)
        for s in students:
            s.plan = None
            s.go.set()
        sampler.stop.set()
        yield summarize(
            "app.load", phases, sessions=sessions, goal_p95_s=3.0,
            meets_goal=bool(percentile([l[0] for p in phases for l in p.latencies], 95) <= 3.0
                            and not any(p.errors for p in phases)),
            rss_idle_mb=round(rss_idle / MB, 1), rss_after_first_run_mb=round(rss_after_probe / MB, 1),
            warmup_s=warm_s,
            rss_end_by_phase_mb={p.name: round(p.rss_end / MB, 1) for p in phases},
            rss_peak_by_phase_mb={p.name: round(p.rss_peak / MB, 1) for p in phases},
            driver="Streamlit agent API (server.enableAgentApi), one session per student",
            think_s=list(think), follow_moves=follow_moves, explore_actions=actions, lessons=len(pages),
            server_log_tail=server.log_tail(600) if any(p.errors for p in phases) else None)
