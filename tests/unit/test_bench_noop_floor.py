"""bench/noop_floor.py's floor playbook keeps the no-op's plays, hosts and task count, each task made trivial.

The floor is only a lower bound if every module run of the no-op stays a module run on the same host (or on
localhost when it was delegated there), every controller-only task stays a task without a connection, loops
keep their number of items, and skipped tasks stay skipped.
"""

from __future__ import annotations

import bench_scripts
import pytest

pytestmark = pytest.mark.unit


def _task(action, hosts, delegate_to=None, run_once=False):
    return {"name": action, "action": action, "delegate_to": delegate_to, "run_once": run_once, "hosts": hosts}


RUN = {"plays": [
    {"name": "archive", "hosts": "ftp_archive", "serial": [1], "strategy": "mitogen_linear_unpinned", "tasks": {
        "u1": _task("ansible.builtin.user", {"ftp01": {"status": "ok", "items": 3}, "ftp02": {"status": "ok", "items": 2}}),
        "u2": _task("ansible.builtin.set_fact", {"ftp01": {"status": "ok", "items": None}}),
        "u3": _task("ansible.builtin.command", {"ftp01": {"status": "skipped", "items": None},
                                                 "ftp02": {"status": "skipped", "items": None}}),
    }},
    {"name": "devices", "hosts": "cisco_switches", "serial": None, "strategy": "linear", "tasks": {
        "n1": _task("sitekit.core.ios_config", {"sw-core": {"status": "ok", "items": None}}, delegate_to="localhost"),
        "n2": _task("cisco.ios.ios_command", {"sw-core": {"status": "ok", "items": None}}),
    }},
]}
CONNECTIONS = {"ftp01": "ssh", "ftp02": "ssh", "sw-core": "ansible.netcommon.network_cli"}


def test_the_floor_keeps_plays_hosts_loops_and_skips():
    archive, devices = bench_scripts.load("noop_floor").floor_playbook(RUN, CONNECTIONS)
    assert (archive["hosts"], archive["strategy"]) == (["ftp01", "ftp02"], "mitogen_linear_unpinned")  # a serial batch
    user, fact, skipped = archive["tasks"]
    assert "ansible.builtin.ping" in user and user["loop"] == [0, 1] and user["when"] == "inventory_hostname in ['ftp01', 'ftp02']"
    assert "ansible.builtin.assert" in fact and "loop" not in fact and fact["when"] == "inventory_hostname in ['ftp01']"
    assert skipped["when"] is False
    push, show = devices["tasks"]
    assert push["delegate_to"] == "localhost" and "ansible.builtin.ping" in push
    assert "ansible.builtin.assert" in show  # a network device runs no Python module: no ping on it
    assert devices["hosts"] == "cisco_switches" and "serial" not in devices


def test_serial_batches_add_up_to_one_play():
    run = {"plays": [{"uuid": "a", "name": "archive", "started": 0.0}, {"uuid": "a", "name": "archive", "started": 2.0},
                     {"uuid": "b", "name": "squid", "started": 5.0}], "ended": 6.0}
    assert bench_scripts.load("noop_floor").play_seconds(run) == [("archive", 5.0), ("squid", 1.0)]
