"""proxmox_cluster's decisions (create, join, leave alone, refuse) with a fake `pvecm`, in check mode.

The role runs on an rcr node name with a local connection; `pvecm` is a script printing a fixture.
"""

from __future__ import annotations

import json
import os
import re
import subprocess

import pytest
from pve_harness import REPO
from test_site_proxmox import PVECM_2_QDEVICE, PVECM_3

pytestmark = pytest.mark.integration
NOT_MEMBER = "Error: Corosync config '/etc/pve/corosync.conf' does not exist - is this node part of a cluster?"


def run_role(tmp_path, node: str, part: str, output: str, rc: int = 0) -> subprocess.CompletedProcess:
    fake = tmp_path / "bin"
    fake.mkdir(exist_ok=True)
    (tmp_path / "out.txt").write_text(output + "\n")
    stream = ">&2" if rc else ""
    (fake / "pvecm").write_text(f"#!/bin/sh\ncat {tmp_path / 'out.txt'} {stream}\nexit {rc}\n")
    (fake / "pvecm").chmod(0o755)
    extra = {"cluster_test_node": node, "cluster_test_part": part, "cluster_test_bin": str(fake)}
    env = {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1"}
    cmd = [str(REPO / ".venv" / "bin" / "ansible-playbook"), "-i", str(REPO / "inventories" / "rcr"),
           str(REPO / "tests" / "proxmox" / "files" / "cluster_role.yml"), "--check", "-e", json.dumps(extra)]
    return subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)


def changed_tasks(out: str) -> list[tuple[str, str]]:
    """(host, task) for every task reported changed."""
    tasks, current = [], None
    for line in out.splitlines():
        m = re.match(r"TASK \[(.*)\]", line)
        if m:
            current = m.group(1)
        m = re.match(r"changed: \[([^\]]+)\]", line)
        if m and current:
            tasks.append((m.group(1), current))
    return tasks


def test_first_node_creates_the_others_join(tmp_path):
    run = run_role(tmp_path, "pve1,pve2", "main", NOT_MEMBER, rc=2)
    assert run.returncode == 0, run.stdout[-2500:]
    assert sorted(changed_tasks(run.stdout)) == [
        ("pve1", "proxmox_cluster : Create the cluster on the first node"),
        ("pve2", "proxmox_cluster : Join the other nodes (only when not a member yet), over the nodes' root SSH keys")]


def test_member_is_left_alone_and_three_votes_allow_ha(tmp_path):
    run = run_role(tmp_path, "pve2", "both", PVECM_3)
    assert run.returncode == 0, run.stdout[-2500:]
    assert changed_tasks(run.stdout) == [] and '"msg": "3 nodes"' in run.stdout


def test_member_of_another_cluster_is_refused(tmp_path):
    run = run_role(tmp_path, "pve3", "main", PVECM_3.replace("rcr-pve", "other"))
    assert run.returncode != 0 and "is a member of cluster other, not rcr-pve" in run.stdout


def test_two_nodes_without_qdevice_refuse_ha(tmp_path):
    two = PVECM_2_QDEVICE.replace("Flags:            Quorate Qdevice", "Flags:            Quorate").replace(
        "0x00000000          1            Qdevice\n", "").replace("Total votes:      3", "Total votes:      2")
    run = run_role(tmp_path, "pve1", "quorum", two)
    assert run.returncode != 0 and "HA refused" in run.stdout and "HA needs 3" in run.stdout


def test_check_mode_before_the_cluster_exists_plans_it_and_defers_the_vote_check(tmp_path):
    """`--check` on fresh nodes: pvecm status says "not a member" (rc 2) on the first node too; the check reports the
    creation and leaves the QDevice and the vote check to the run that creates the cluster, instead of failing."""
    run = run_role(tmp_path, "pve1", "both", NOT_MEMBER, rc=2)
    assert run.returncode == 0, run.stdout[-2500:]
    assert changed_tasks(run.stdout) == [("pve1", "proxmox_cluster : Create the cluster on the first node")]
    assert "not a cluster member yet" in run.stdout and "HA refused" not in run.stdout
