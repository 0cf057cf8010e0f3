"""The files people deploy with, checked as far as this machine can without images or a cluster:
HAProxy's own configuration check on the generated and the Compose configuration, ``docker-compose
config`` (Debian's docker-compose, offline) on the Compose file, and ``kubernetes-validate`` (strict, the
newest schemas it ships) on the Kubernetes manifests; then what each must say (probes, affinity, volume)."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml", reason="PyYAML is installed with the test requirements (pip install -r requirements.txt)")

from deploy.serve import COOKIE, Balanced, haproxy_config

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
HAPROXY = shutil.which("haproxy") or ("/usr/sbin/haproxy" if os.access("/usr/sbin/haproxy", os.X_OK) else None)
COMPOSE = shutil.which("docker-compose")
needs_haproxy = pytest.mark.skipif(HAPROXY is None, reason="haproxy not installed (apt-get install haproxy)")


def haproxy_check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([HAPROXY, "-c", "-f", str(path)], capture_output=True, text=True, timeout=30)


def test_generated_config_is_sticky_health_checked_and_lists_every_replica():
    b = Balanced(3, port=8600, first_port=8601, servers=["10.0.0.9:8501"], workdir="/tmp")
    cfg = b.config()
    assert f"cookie {COOKIE} insert indirect nocache" in cfg and "balance roundrobin" in cfg
    assert "http-check send meth GET uri /_stcore/health" in cfg and "option redispatch" in cfg
    assert "timeout tunnel 1h" in cfg and "bind 127.0.0.1:8600" in cfg
    servers = [l.split()[1:3] for l in cfg.splitlines() if l.strip().startswith("server ")]
    assert servers == [["r1", "127.0.0.1:8601"], ["r2", "127.0.0.1:8602"], ["r3", "127.0.0.1:8603"],
                       ["m1", "10.0.0.9:8501"]]


@needs_haproxy
def test_haproxy_accepts_the_generated_and_the_compose_config(tmp_path):
    cfg = tmp_path / "h.cfg"
    cfg.write_text(haproxy_config([("r1", "127.0.0.1:8501"), ("r2", "127.0.0.1:8502")], stats="127.0.0.1:8499",
                                  socket=str(tmp_path / "s.sock")))
    assert haproxy_check(cfg).returncode == 0, haproxy_check(cfg).stderr
    compose_cfg = DEPLOY / "haproxy-compose.cfg"
    assert haproxy_check(compose_cfg).returncode == 0, haproxy_check(compose_cfg).stderr
    broken = tmp_path / "broken.cfg"                      # the check can fail
    broken.write_text(cfg.read_text().replace("balance roundrobin", "balance sometimes"))
    assert haproxy_check(broken).returncode != 0


def test_compose_balancer_config_keeps_the_generated_backend_rules():
    """The Compose file's HAProxy configuration is written by hand: the same stickiness, health and
    timeouts as the generated one, so the two cannot drift apart."""
    generated = haproxy_config([("r1", "127.0.0.1:8501")])
    compose = (DEPLOY / "haproxy-compose.cfg").read_text()
    rules = [l.split("#")[0].rstrip() for l in generated.splitlines()
             if l.startswith("    ") and not l.strip().startswith(("server ", "bind "))]
    missing = [r for r in rules if r and r not in compose]
    assert not missing, missing


@pytest.mark.skipif(COMPOSE is None, reason="docker-compose not installed (apt-get install docker-compose)")
def test_docker_compose_config_validates_offline(tmp_path):
    out = subprocess.run([COMPOSE, "-f", str(DEPLOY / "compose.yaml"), "--compatibility", "config"],
                         capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    cfg = yaml.safe_load(out.stdout)
    app, lb = cfg["services"]["app"], cfg["services"]["balancer"]
    assert app["deploy"]["replicas"] >= 2 and app["build"]["dockerfile"] == "deploy/Dockerfile"
    assert any(str(v).startswith("uploads:/data/uploads") for v in app["volumes"])
    assert app["environment"]["DEEPDIVE_UPLOADS"] == "/data/uploads"
    assert any(p["target"] == 8500 for p in lb["ports"]) and "uploads" in cfg["volumes"]
    bad = tmp_path / "compose.yaml"                        # the check can fail
    bad.write_text((DEPLOY / "compose.yaml").read_text().replace("    expose:", "    exposes:"))
    assert subprocess.run([COMPOSE, "-f", str(bad), "config", "-q"], capture_output=True, timeout=60).returncode != 0


def manifests():
    return {p.name: list(yaml.safe_load_all(p.read_text())) for p in sorted((DEPLOY / "k8s").glob("*.yaml"))}


def test_kubernetes_manifests_validate_strictly():
    kv = pytest.importorskip("kubernetes_validate", reason="pip install kubernetes-validate (requirements.txt, tests)")
    version = kv.latest_version()
    kinds = set()
    for name, docs in manifests().items():
        for doc in docs:
            kv.validate(doc, version, strict=True)
            kinds.add(doc["kind"])
    assert kinds == {"Deployment", "Service", "Ingress", "HorizontalPodAutoscaler", "PersistentVolumeClaim"}
    bad = manifests()["deployment.yaml"][0]
    bad["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["paht"] = "/x"
    with pytest.raises(kv.ValidationError):                # strict: an unknown field fails
        kv.validate(bad, version, strict=True)


def test_kubernetes_topology_probes_affinity_autoscaling_and_uploads():
    m = manifests()
    dep = m["deployment.yaml"][0]["spec"]["template"]["spec"]
    c = dep["containers"][0]
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        assert c[probe]["httpGet"]["path"] == "/_stcore/health"
    mount = next(v for v in c["volumeMounts"] if v["name"] == "uploads")
    env = {e["name"]: e.get("value") for e in c["env"]}
    assert env["DEEPDIVE_UPLOADS"] == mount["mountPath"]
    claim = next(v for v in dep["volumes"] if v["name"] == "uploads")["persistentVolumeClaim"]["claimName"]
    pvc = m["uploads-pvc.yaml"][0]
    assert pvc["metadata"]["name"] == claim and pvc["spec"]["accessModes"] == ["ReadWriteMany"]
    ing = m["ingress.yaml"][0]["metadata"]["annotations"]
    assert ing["nginx.ingress.kubernetes.io/affinity"] == "cookie" and int(ing["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600
    # new sessions in turn, as the generated HAProxy configuration places them
    assert "balance roundrobin" in haproxy_config([("r1", "127.0.0.1:8501")])
    assert ing["nginx.ingress.kubernetes.io/load-balance"] == "round_robin" and ing["haproxy.org/load-balance"] == "roundrobin"
    hpa = m["hpa.yaml"][0]["spec"]
    assert hpa["scaleTargetRef"]["name"] == m["deployment.yaml"][0]["metadata"]["name"]
    assert hpa["metrics"][0]["resource"]["name"] == "cpu" and hpa["minReplicas"] >= 2
    svc = m["service.yaml"][0]["spec"]
    assert svc["selector"] == m["deployment.yaml"][0]["spec"]["selector"]["matchLabels"]


def test_warm_up_visits_every_replica_and_waits_for_each_warm_up(tmp_path, monkeypatch):
    """``Balanced.start`` gives every replica a first visit (which starts its warm-up of the default
    runs) and returns only when each replica's log says it has finished: no replica takes the class
    cold. The visits run at once, not one after the other."""
    import threading
    import time as _time

    from deploy.serve import WARMED, Replica

    b = Balanced(2, port=8600, first_port=8601, workdir=str(tmp_path), env={"DEEPDIVE_WARM": "1"})
    visited, lock = [], threading.Lock()

    def visit(self, timeout=120):
        with lock:
            visited.append(self.name)
        def finish():                              # the replica prints the line when its runs are cached
            _time.sleep(0.6 if self.name == "r2" else 0.1)
            self.log.write_text(f"{WARMED}22 default runs in 13.0 s\n")
        threading.Thread(target=finish).start()
        return True

    monkeypatch.setattr(Replica, "visit", visit)
    t0 = _time.monotonic()
    b.warm_up(timeout=10)
    assert sorted(visited) == ["r1", "r2"] and all(r.warmed() for r in b.replicas)
    assert _time.monotonic() - t0 >= 0.6                  # waited for the slower replica

    for r in b.replicas:                                      # a replica that never finishes: a clear error
        r.log.write_text("")
    monkeypatch.setattr(Replica, "visit", lambda self, timeout=120: True)
    with pytest.raises(TimeoutError, match="warm-up"):
        b.warm_up(timeout=1)
    monkeypatch.setattr(Replica, "visit", lambda self, timeout=120: False)    # not visited: not waited for
    b.warm_up(timeout=1)
