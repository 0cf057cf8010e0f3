"""engine.cores.usable_cores: a container's CPU quota and the CPU affinity bound the cores the app uses."""
import os

from engine.cores import cgroup_quota, usable_cores


def test_a_cgroup_v2_quota_bounds_the_cores(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 16)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(16)), raising=False)
    (tmp_path / "cpu.max").write_text("200000 100000\n")
    assert cgroup_quota(tmp_path) == 2.0 and usable_cores(tmp_path) == 2
    (tmp_path / "cpu.max").write_text("150000 100000\n")             # 1.5 CPUs: one thread, not two
    assert usable_cores(tmp_path) == 1
    (tmp_path / "cpu.max").write_text("50000 100000\n")              # half a CPU: still one
    assert usable_cores(tmp_path) == 1
    (tmp_path / "cpu.max").write_text("max 100000\n")                # no quota
    assert cgroup_quota(tmp_path) is None and usable_cores(tmp_path) == 16


def test_a_cgroup_v1_quota_and_the_affinity(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    assert usable_cores(tmp_path) == 4                                # no cgroup files: the affinity
    (tmp_path / "cpu").mkdir()
    (tmp_path / "cpu" / "cpu.cfs_quota_us").write_text("300000\n")
    (tmp_path / "cpu" / "cpu.cfs_period_us").write_text("100000\n")
    assert usable_cores(tmp_path) == 3
    (tmp_path / "cpu" / "cpu.cfs_quota_us").write_text("-1\n")       # v1's "no quota"
    assert usable_cores(tmp_path) == 4
    (tmp_path / "cpu.max").write_text("garbage")                      # unreadable: ignored, not a crash
    assert usable_cores(tmp_path) == 4


def test_this_machine():
    assert 1 <= usable_cores() <= (os.cpu_count() or 1)
