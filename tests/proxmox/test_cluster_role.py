"""proxmox_cluster's decisions (create, join, leave alone, refuse) with a fake `pvecm`, in check mode.

The role runs on an rcr node name with a local connection; `pvecm` is a script printing a fixture.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from pve_harness import REPO
from test_site_proxmox import PVECM_2_QDEVICE, PVECM_3

pytestmark = pytest.mark.integration
NOT_MEMBER = "Error: Corosync config '/etc/pve/corosync.conf' does not exist - is this node part of a cluster?"


def run_role(tmp_path, node: str, part: str, output: str, rc: int = 0, others: dict | None = None,
             check: bool = True, verbose: bool = False, extra_vars: dict | None = None,
             installed: tuple = ()) -> subprocess.CompletedProcess:
    """The role on ``node`` (comma-separated for several); every node's `pvecm status` prints ``output`` (exit ``rc``)
    unless ``others`` gives it its own ``(output, rc)``. Each node's Python is a wrapper naming the node, so a task
    delegated to another node runs that node's fake (a delegated task takes the delegated node's interpreter)."""
    fake = tmp_path / "bin"
    fake.mkdir(exist_ok=True)
    for host in ("pve1", "pve2", "pve3", "ftp02"):
        text, code = (others or {}).get(host, (output, rc))
        (tmp_path / f"{host}.out").write_text(text + "\n")
        (tmp_path / f"{host}.rc").write_text(str(code))
        (fake / f"python-{host}").write_text(f"#!/bin/sh\nPVECM_HOST={host} exec {sys.executable} \"$@\"\n")
        (fake / f"python-{host}").chmod(0o755)
    (fake / "pvecm").write_text(f"#!/bin/sh\nd={tmp_path}\nrc=$(cat $d/$PVECM_HOST.rc)\n"
                                "if [ \"$rc\" = 0 ]; then cat $d/$PVECM_HOST.out; else cat $d/$PVECM_HOST.out >&2; fi\n"
                                "exit $rc\n")
    (fake / "pvecm").chmod(0o755)
    interpreters = {"all": {"hosts": {h: {"ansible_python_interpreter": str(fake / f"python-{h}")}
                                     for h in ("pve1", "pve2", "pve3", "ftp02")}}}
    # dpkg as the packages action reads it through the connection (the controller's dpkg is never asked)
    (fake / "dpkg-query").write_text("#!/bin/sh\n" + "".join(f"printf '{p}\\tii \\n'\n" for p in installed) + "exit 0\n")
    (fake / "dpkg-query").chmod(0o755)
    (tmp_path / "interpreters.yml").write_text(json.dumps(interpreters))
    extra = {"cluster_test_node": node, "cluster_test_part": part, "cluster_test_bin": str(fake), **(extra_vars or {})}
    env = {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1",
           "PATH": f"{fake}:{os.environ['PATH']}"}
    cmd = [str(REPO / ".venv" / "bin" / "ansible-playbook"), "-i", str(REPO / "inventories" / "rcr"), "-i",
           str(tmp_path / "interpreters.yml"), str(REPO / "tests" / "proxmox" / "files" / "cluster_role.yml"), "-e", json.dumps(extra)]
    return subprocess.run(cmd + (["--check"] if check else []) + (["-v"] if verbose else []), cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=300)


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
        ("pve2", "proxmox_cluster : Join through a member (only when not a member yet), over the nodes' root SSH keys")]


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


def planned(out: str) -> dict:
    """The proxmox_cluster_plan fact the role set (run with -v)."""
    m = re.search(r'"proxmox_cluster_plan": (\{[^}]*\})', out)
    assert m, out[-2500:]
    return json.loads(m.group(1))


def test_a_reinstalled_first_node_joins_the_cluster_the_others_form(tmp_path):
    """pve1 reinstalled (not a member) while pve2 and pve3 are members of rcr-pve: creating from pve1's own status
    would form a second cluster; it joins through pve2, the first member in inventory order."""
    run = run_role(tmp_path, "pve1", "main", NOT_MEMBER, rc=2, others={"pve2": (PVECM_3, 0), "pve3": (PVECM_3, 0)},
                   verbose=True)
    assert run.returncode == 0, run.stdout[-2500:]
    assert changed_tasks(run.stdout) == [
        ("pve1", "proxmox_cluster : Join through a member (only when not a member yet), over the nodes' root SSH keys")]
    assert planned(run.stdout)["via"] == "pve2"


def test_the_first_node_does_not_create_while_another_nodes_membership_is_unknown(tmp_path):
    """pve3 does not answer (ssh fails, exit 255): it may be a member; pve1 stops instead of creating."""
    run = run_role(tmp_path, "pve1", "main", NOT_MEMBER, rc=2, others={"pve3": ("ssh: connect to host: timed out", 255)})
    assert run.returncode != 0 and "the membership of pve3 could not be read" in run.stdout, run.stdout[-2500:]
    assert changed_tasks(run.stdout) == []


def test_a_node_run_alone_before_the_cluster_exists_is_refused_not_sent_to_a_standalone_node(tmp_path):
    """--limit pve2 on fresh nodes (not a check): nobody is a member; pvecm add to pve1 would fail half-way."""
    run = run_role(tmp_path, "pve2", "main", NOT_MEMBER, rc=2, check=False)
    assert run.returncode != 0 and "pve2 cannot join rcr-pve: no node of the inventory is a member yet" in run.stdout
    assert changed_tasks(run.stdout) == []


def test_a_new_node_joins_through_a_member_when_the_first_node_is_not_one(tmp_path):
    """pve1 is a member of another cluster (it is refused on its own turn); pve3, a member, is joined through."""
    run = run_role(tmp_path, "pve2", "main", NOT_MEMBER, rc=2, verbose=True,
                   others={"pve1": (PVECM_3.replace("rcr-pve", "other"), 0), "pve3": (PVECM_3, 0)})
    assert run.returncode == 0, run.stdout[-2500:]
    assert planned(run.stdout)["via"] == "pve3"


def test_a_declared_qdevice_gets_this_nodes_root_key_and_is_known_before_its_setup(tmp_path):
    """Two nodes, a QDevice declared and not voting yet: before pvecm qdevice setup (which logs in as root without a
    terminal) the first node learns the QDevice host's key and its root key is authorized there, from its addresses
    (the QDevice is an rcr Debian host here, ftp02, reached through a local connection like every node of the harness);
    in check mode the vote check waits for the setup instead of refusing HA. root's files are in tmp_path."""
    ssh = tmp_path / "ssh"
    ssh.mkdir()
    (ssh / "id_rsa.pub").write_text("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 root@pve1\n")
    (tmp_path / "host_key.pub").write_text("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOSrIj6YOXNerwgreyFb9rA root@ftp02\n")
    two = PVECM_2_QDEVICE.replace("Flags:            Quorate Qdevice", "Flags:            Quorate").replace(
        "0x00000000          1            Qdevice\n", "").replace("Total votes:      3", "Total votes:      2")
    run = run_role(tmp_path, "pve1", "quorum", two, verbose=True, installed=("corosync-qnetd", "corosync-qdevice"),
                   extra_vars={"proxmox_cluster_qdevice_host": "ftp02", "proxmox_cluster_root_ssh_dir": str(ssh),
                               "proxmox_cluster_host_key": str(tmp_path / "host_key.pub")})
    assert run.returncode == 0, run.stdout[-3000:]
    assert [t for _, t in changed_tasks(run.stdout)] == [
        "proxmox_cluster : Know the QDevice host's key under its site address",
        "proxmox_cluster : Authorize this node's root key on the QDevice host, from this node's addresses only"]
    assert '"key": "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 root@pve1"' in run.stdout
    assert '"key_options": "from=\\"10.0.10.11,10.0.20.31\\""' in run.stdout, run.stdout[-3000:]
    assert "the vote check runs once it does" in run.stdout and "HA refused" not in run.stdout
    assert not (ssh / "known_hosts").exists() and not (ssh / "authorized_keys").exists()  # check mode wrote nothing
