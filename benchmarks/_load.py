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

import http.cookiejar
import json
import os
import random
import re
import statistics
import threading
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
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
    lost_in_flight: list = field(default_factory=list)   # requests running on a replica when it was killed
    reconnects: list = field(default_factory=list)       # (seconds, settings came back) after a lost session
    per_replica: dict = field(default_factory=dict)      # name -> {"cpu_s", "rss_peak_mb", "rss_end_mb"}
    probe: list = field(default_factory=list)            # (seconds to first visible change, what appeared)


class Fault:
    """When a replica was killed (monotonic seconds), for the students to tell a request lost in flight
    from an error."""

    def __init__(self):
        self.killed_at: float | None = None


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
        # a browser keeps the balancer's cookie, so its requests stay on one replica (sticky sessions)
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.fault: Fault | None = None

    def replica(self) -> str | None:
        """The replica the balancer's cookie names (None: no balancer, or no answer yet)."""
        from deploy.serve import COOKIE
        return next((c.value for c in self.jar if c.name == COOKIE), None)

    # -- one request = one student action, timed until the script run has finished -----------------
    def post(self, body: dict, kind: str) -> None:
        t0, m0 = time.perf_counter(), time.monotonic()
        page = body.get("page") or self.snapshot.get("page", {}).get("url_path", "")
        try:
            code, data = self._post(body)
            while code == 202 and data.get("error", {}).get("code") == "wait_timed_out":
                self.phase.timeouts.append(1)                  # still running: collect the same run
                code, data = self._post({"session_id": data["error"].get("session_id", self.session)})
        except Exception as e:                              # connection refused/reset, bad JSON
            code, data = None, {"exception": repr(e)}
        dt = time.perf_counter() - t0
        if code == 404 and data.get("error", {}).get("code") == "unknown_session" and self.fault is not None:
            return self.reconnect(kind)                     # its replica died: this action starts over there
        if code != 200 and self.fault is not None and self.fault.killed_at is not None and m0 <= self.fault.killed_at:
            self.phase.lost_in_flight.append(f"{kind} {page}: {code} {json.dumps(data)[:120]}")
            return self.reconnect(kind)                     # the run in flight died with its replica
        self.phase.latencies.append((dt, kind, page))
        if code is None:
            self.phase.errors.append(f"{kind} {page}: {data['exception']}"[:300])
            return
        if code != 200:
            self.phase.errors.append(f"{kind} {page}: HTTP {code} {json.dumps(data)[:200]}")
            return
        self.session = data["session_id"]
        self.snapshot = data
        self.phase.errors.extend(f"{kind} {page}: {p}" for p in problems(data))

    def reconnect(self, kind: str) -> None:
        """What a browser does when its replica is gone: reconnect through the balancer (another replica)
        with the page's URL — the lesson and its settings. Timed from the reconnection request; the
        settings must come back as they were."""
        before = self.snapshot
        url_path = before.get("page", {}).get("url_path", "")
        params = {k: v for k, v in (before.get("query_params") or {}).items()}
        self.session = None
        t0 = time.perf_counter()
        try:
            code, data = self._post({"page": url_path, "query_params": params} if url_path else {})
            while code == 202 and data.get("error", {}).get("code") == "wait_timed_out":
                code, data = self._post({"session_id": data["error"].get("session_id")})
        except Exception as e:
            code, data = None, {"exception": repr(e)}
        dt = time.perf_counter() - t0
        self.phase.latencies.append((dt, "reconnect", url_path))
        if code != 200:
            self.phase.errors.append(f"reconnect {url_path} after {kind}: {code} {json.dumps(data)[:200]}")
            return
        self.session, self.snapshot = data["session_id"], data
        same = (data.get("page", {}).get("url_path", "") == url_path
                and all((data.get("query_params") or {}).get(k) == v for k, v in params.items()))
        self.phase.reconnects.append((dt, same))
        if not same:
            self.phase.errors.append(f"reconnect {url_path}: settings did not come back "
                                     f"({params} -> {data.get('query_params')})"[:300])
        self.phase.errors.extend(f"reconnect {url_path}: {p}" for p in problems(data))

    def _post(self, body: dict) -> tuple[int, dict]:
        req = urllib.request.Request(f"{self.base}/_stcore/agent/interact", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
        try:
            with self.opener.open(req, timeout=300) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            body = e.read() or b"{}"
            try:
                return e.code, json.loads(body)
            except ValueError:                              # the balancer's own HTML error page
                return e.code, {"body": body[:120].decode(errors="replace")}

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
    """Resident memory (with children) and CPU time of each server process, every ``every`` seconds.
    ``pids()`` names the processes: {"server": pid}, or one entry per replica (a replica started again
    after a crash gets a new pid; its CPU time then counts from zero)."""

    def __init__(self, pids, every: float = 0.2):
        super().__init__(daemon=True, name="rss-sampler")
        self.pids = pids if callable(pids) else (lambda: {"server": pids})
        self.every = every
        self.peak = self.last = 0
        self.window_peak = 0
        self.by_name: dict[str, dict] = {}          # name -> {"pid", "cpu_base", "cpu_done", "rss", "peak"}
        self.stop = threading.Event()
        self._lock = threading.Lock()
        self._sample()

    @staticmethod
    def _rss_cpu(pid: int) -> tuple[int, float]:
        proc = psutil.Process(pid)
        rss, cpu = 0, 0.0
        for p in [proc, *proc.children(recursive=True)]:
            try:
                rss += p.memory_info().rss
                t = p.cpu_times()
                cpu += t.user + t.system
            except psutil.Error:
                pass
        return rss, cpu

    def _sample(self) -> None:
        total = 0
        for name, pid in self.pids().items():
            if pid is None:
                continue
            try:
                rss, cpu = self._rss_cpu(pid)
            except psutil.Error:
                continue
            with self._lock:
                e = self.by_name.setdefault(name, {"pid": pid, "cpu_base": 0.0, "cpu_done": 0.0, "cpu": 0.0,
                                                   "rss": 0, "peak": 0})
                if e["pid"] != pid:                 # restarted: bank the old process's time
                    e.update(pid=pid, cpu_done=e["cpu_done"] + e["cpu"], cpu=0.0)
                e["cpu"], e["rss"] = cpu, rss
                e["peak"] = max(e["peak"], rss)
            total += rss
        self.last = total
        self.peak = max(self.peak, total)
        self.window_peak = max(self.window_peak, total)

    def cpu_seconds(self) -> float:
        return sum(self.cpu_by_name().values())

    def cpu_by_name(self) -> dict[str, float]:
        with self._lock:
            return {n: e["cpu_done"] + e["cpu"] for n, e in self.by_name.items()}

    def take_window(self) -> dict[str, dict]:
        """Each process's RSS now and its peak since the last call."""
        with self._lock:
            out = {n: {"rss_end": e["rss"], "rss_peak": e["peak"]} for n, e in self.by_name.items()}
            for e in self.by_name.values():
                e["peak"] = e["rss"]
        return out

    def take_window_peak(self) -> int:
        peak, self.window_peak = self.window_peak, self.last
        return peak

    def run(self) -> None:
        while not self.stop.is_set():
            self._sample()
            self.stop.wait(self.every)


class BrowserProbe(threading.Thread):
    """One student in a real Chromium, through the same address as the class: opens ``lesson`` and moves
    a slider every ``every`` seconds (arrow keys, to a value nobody has asked for yet, mostly), timing the
    move to the first visible change on the screen: the progress bar of a training, a notice that the
    run waits for a training slot or a classmate, or — a result from the cache — the finished page."""

    FIRST_CHANGE_JS = """() => {
        const app = document.querySelector('[data-testid="stApp"]');
        if (document.querySelector('[data-testid="stProgress"]')) return 'progress';
        for (const a of document.querySelectorAll('[data-testid="stAlert"]'))
            if (a.innerText.includes('⏳')) return 'queued';
        if (app && app.getAttribute('data-test-script-state') === 'notRunning') return 'finished';
        return false;
    }"""
    RUNNING_JS = """() => document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state') === 'running'"""

    def __init__(self, url: str, lesson: str = "mlp", every: tuple[float, float] = (4.0, 7.0), seed: int = 0):
        super().__init__(daemon=True, name="browser-probe")
        self.url, self.lesson, self.every = url, lesson, every
        self.rng = random.Random(seed)
        self.phase: Phase | None = None
        self.active = threading.Event()
        self.stop = threading.Event()
        self.error: str | None = None

    def run(self) -> None:
        try:
            from playwright.sync_api import sync_playwright

            from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(f"{self.url}/?lesson={self.lesson}", wait_until="domcontentloaded", timeout=120_000)
                self._settle(page)
                direction = 1
                while not self.stop.is_set():
                    if not self.active.wait(0.5):
                        continue
                    if self.stop.wait(self.rng.uniform(*self.every)):
                        break
                    sliders = page.locator('[data-testid="stSlider"] input[type="range"]')
                    n = sliders.count()
                    if not n:
                        self._settle(page)
                        continue
                    thumb = sliders.nth(self.rng.randrange(n))
                    now = thumb.get_attribute("value")
                    if now == thumb.get_attribute("max"):
                        direction = -1
                    elif now == thumb.get_attribute("min"):
                        direction = 1
                    thumb.focus()
                    t0 = time.perf_counter()
                    thumb.press("ArrowRight" if direction > 0 else "ArrowLeft")
                    try:
                        page.wait_for_function(self.RUNNING_JS, timeout=5_000, polling="raf")
                    except Exception:
                        pass                    # the value did not change (at a bound): nothing was sent
                    seen = page.wait_for_function(self.FIRST_CHANGE_JS, timeout=120_000, polling="raf")
                    dt = time.perf_counter() - t0
                    if self.phase is not None and self.active.is_set():
                        self.phase.probe.append((dt, seen.json_value()))
                    self._settle(page)
                browser.close()
        except Exception as e:                  # the probe is extra: its failure is reported, not raised
            self.error = repr(e)[:300]

    @staticmethod
    def _settle(page) -> None:
        from tests.e2e.test_browser import wait_idle
        wait_idle(page, timeout=180_000)


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
        "lost_in_flight": sum(len(p.lost_in_flight) for p in phases),
        "reconnects": sum(len(p.reconnects) for p in phases),
        **({"reconnect_p95_s": round(percentile([r[0] for p in phases for r in p.reconnects], 95), 2),
            "reconnects_with_settings_back": sum(r[1] for p in phases for r in p.reconnects)}
           if any(p.reconnects for p in phases) else {}),
        **({"first_change_p50_s": round(percentile([x[0] for p in phases for x in p.probe], 50), 2),
            "first_change_p95_s": round(percentile([x[0] for p in phases for x in p.probe], 95), 2),
            "first_change_moves": len([x for p in phases for x in p.probe]),
            "first_change_seen": dict(Counter(x[1] for p in phases for x in p.probe)),
            "first_change_each": [[round(x[0], 2), x[1]] for p in phases for x in p.probe]}
           if any(p.probe for p in phases) else {}),
        **({"per_replica": {n: {"cpu_s": round(sum(p.per_replica.get(n, {}).get("cpu_s", 0) for p in phases), 1),
                                "cores_used": round(sum(p.per_replica.get(n, {}).get("cpu_s", 0) for p in phases)
                                                    / max(1e-9, sum(p.ended - p.started for p in phases)), 2),
                                "rss_peak_mb": round(max(p.per_replica.get(n, {}).get("rss_peak", 0) for p in phases) / MB, 1)}
                            for n in sorted({n for p in phases for n in p.per_replica})}}
           if any(len(p.per_replica) > 1 for p in phases) else {}),
        "server_cpu_s": round(sum(p.cpu_seconds for p in phases), 1),
        # cores the server actually got: far below 2 means other processes shared the machine
        "server_cores_used": round(sum(p.cpu_seconds for p in phases) / max(1e-9, sum(p.ended - p.started for p in phases)), 2),
        "loadavg_1m": round(os.getloadavg()[0], 1),
        **extra,
    }


def _warmed(log: str) -> float | None:
    found = re.search(r"warmed (\d+) default runs in ([\d.]+) s", log)
    return float(found.group(2)) if found else None


def load_run(sessions: int = 30, lessons_opened: int = 2, follow_moves: int = 5, actions: int = 10,
             explore_phases: int = 2, phase_seconds: float = 120, think: tuple[float, float] = (3.0, 8.0),
             seed: int = 0, server_env: dict | None = None, replicas: int | None = None,
             kill_after: float | None = None, probe: bool = False, name: str = "app.load"):
    """Yield one record per phase, then the overall record (see the module docstring).

    ``replicas``: None = one ``streamlit run`` server, as students reach it without a balancer; N = N
    replicas behind HAProxy (``deploy.serve.Balanced``), each student with its own cookie jar.
    ``kill_after``: seconds into the first exploring phase at which replica r1 is killed (SIGKILL; it
    is started again and comes back into rotation when healthy). ``probe``: one more student in a real
    Chromium during the exploring phases, timing a moved slider to the first visible change."""
    extra = ["--server.enableAgentApi", "true", "--server.agentMaxSessions", str(max(100, 2 * sessions)),
             "--server.agentWaitTimeout", "60", "--server.runOnSave", "false"]
    env = {"DEEPDIVE_WARM": "1", **(server_env or {})}
    if replicas is None:
        target = StreamlitServer(extra, env=env)
    else:
        from deploy.serve import Balanced
        from tests.e2e.server import free_port
        # warm=False: this run starts each replica's warm-up itself (below), after measuring idle memory
        target = Balanced(replicas, port=free_port(), first_port=_consecutive_free_ports(replicas), env=env, extra=extra,
                          warm=False)
    with target:
        if replicas is None:
            pids, logs, direct = (lambda: {"server": target.pid}), [target.log_tail], [target.url]
        else:
            pids = lambda: {r.name: (r.proc.pid if r.alive() else None) for r in target.replicas}
            logs = [lambda chars=20_000, r=r: target.log_tail(r.name, chars) for r in target.replicas]
            direct = [r.url for r in target.replicas]
        sampler = RssSampler(pids)
        sampler.start()
        time.sleep(0.5)
        rss_idle = sampler.last
        # the page list as the app itself declares it (Home is ""); one session on every replica starts
        # its warm-up of the lessons' default runs
        for url in direct:
            probe_student = Student(url, -1, [], seed)
            probe_student.phase = Phase("probe")
            probe_student.post({}, "create")
            if not probe_student.snapshot:
                raise RuntimeError(f"agent API did not answer: {probe_student.phase.errors[:1]}\n{logs[0]()}")
        pages = [p["url_path"] for p in probe_student.snapshot["pages"] if p["url_path"]]
        rss_after_probe = sampler.last
        # A class arrives after the teacher has started the server: wait for the warm-up (and report it).
        warm_s, t_warm = [None] * len(logs), time.perf_counter()
        while time.perf_counter() - t_warm < WARM_WAIT_S and None in warm_s:
            warm_s = [_warmed(log(20_000)) for log in logs]
            time.sleep(0.5)

        fault = Fault() if replicas is not None else None
        students = [Student(target.url, i, pages, seed) for i in range(sessions)]
        for s in students:
            s.think, s.fault = think, fault
            s.start()
        browser = None
        if probe:
            every = tuple(float(x) for x in os.environ.get("APP_BENCH_PROBE_EVERY", "4,7").split(","))
            browser = BrowserProbe(target.url, every=every, seed=seed)
            browser.start()
        phases = []
        plans = [("open", lambda s: s.plan_open(min(lessons_opened, len(pages)))),
                 ("follow", lambda s: s.plan_follow(follow_moves, seed)),
                 *((f"explore{i + 1}", lambda s: s.plan_explore(actions)) for i in range(explore_phases))]
        cpu0 = sampler.cpu_seconds()
        cpu_by0 = sampler.cpu_by_name()
        killer = None
        for phase_name, make_plan in plans:
            phase = Phase(phase_name, started=time.perf_counter())
            sampler.take_window_peak()
            sampler.take_window()
            exploring = phase_name.startswith("explore")
            if browser is not None:
                browser.phase = phase
                (browser.active.set if exploring else browser.active.clear)()
            if kill_after is not None and fault is not None and phase_name == "explore1":
                def kill(at=time.monotonic() + kill_after):
                    time.sleep(max(0.0, at - time.monotonic()))
                    fault.killed_at = time.monotonic()
                    target.replicas[0].kill()
                killer = threading.Thread(target=kill, daemon=True, name="replica-killer")
                killer.start()
            for s in students:
                s.phase, s.plan, s.deadline = phase, make_plan(s), time.monotonic() + phase_seconds
                s.done.clear()
                s.go.set()
            for s in students:                # the deadline stops new actions; the last one finishes
                s.done.wait(phase_seconds + 600)
            if browser is not None:
                browser.active.clear()
            phase.ended = time.perf_counter()
            phase.rss_end, phase.rss_peak = sampler.last, sampler.take_window_peak()
            cpu = sampler.cpu_seconds()
            phase.cpu_seconds, cpu0 = cpu - cpu0, cpu
            cpu_by = sampler.cpu_by_name()
            window = sampler.take_window()
            phase.per_replica = {n: {"cpu_s": cpu_by[n] - cpu_by0.get(n, 0.0), **window.get(n, {})} for n in cpu_by}
            cpu_by0 = cpu_by
            phases.append(phase)
            spread = _sessions_per_replica(students) if replicas is not None else None
            yield summarize(f"{name}.{phase_name}", [phase], sessions=sessions, replicas=replicas or 1,
                            **({"sessions_per_replica": spread} if spread is not None else {}))
        for s in students:
            s.plan = None
            s.go.set()
        if browser is not None:
            browser.stop.set()
            browser.join(30)
        sampler.stop.set()
        errors = any(p.errors for p in phases)
        yield summarize(
            name, phases, sessions=sessions, replicas=replicas or 1,
            balancer="HAProxy (deploy/serve.py)" if replicas is not None else None, goal_p95_s=3.0,
            **({"sessions_per_replica": _sessions_per_replica(students)} if replicas is not None else {}),
            meets_goal=bool(percentile([l[0] for p in phases for l in p.latencies], 95) <= 3.0 and not errors),
            rss_idle_mb=round(rss_idle / MB, 1), rss_after_first_run_mb=round(rss_after_probe / MB, 1),
            warmup_s=warm_s[0] if len(warm_s) == 1 else warm_s,
            rss_end_by_phase_mb={p.name: round(p.rss_end / MB, 1) for p in phases},
            rss_peak_by_phase_mb={p.name: round(p.rss_peak / MB, 1) for p in phases},
            driver="Streamlit agent API (server.enableAgentApi), one session per student",
            think_s=list(think), follow_moves=follow_moves, explore_actions=actions, lessons=len(pages),
            **({"killed": "r1", "kill_after_s": kill_after, "lost_examples": [x for p in phases for x in p.lost_in_flight][:3]}
               if kill_after is not None else {}),
            **({"probe_error": browser.error} if browser is not None and browser.error else {}),
            server_log_tail=logs[0](600) if errors else None)


def _sessions_per_replica(students: list[Student]) -> dict[str, int]:
    """How many students' cookies name each replica now ("none": no answer with a cookie yet)."""
    return dict(sorted(Counter(s.replica() or "none" for s in students).items()))


def _consecutive_free_ports(n: int) -> int:
    """A port p with p .. p + n - 1 all free (the replicas listen on consecutive ports)."""
    import socket

    from tests.e2e.server import free_port
    for _ in range(100):
        p = free_port()
        socks = []
        try:
            for k in range(1, n):
                s = socket.socket()
                socks.append(s)
                s.bind(("127.0.0.1", p + k))
            return p
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError("no consecutive free ports")
