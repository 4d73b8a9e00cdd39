"""A node without Proxmox VE: the lab's stand-in reports the PVE steps "not applicable", a production
node is refused before anything is changed (issue 10).

proxmox_node and proxmox_cluster detect Proxmox VE (``pveversion`` / ``pvecm`` on PATH); only
``proxmox_node_lab_stand_in`` / ``proxmox_cluster_lab_stand_in`` (inventories/lab,
group_vars/proxmox_nodes/lab.yml) turn the missing packages into a report. Each case runs the node
plays of playbooks/proxmox.yml on a Debian 12 container of the lab's image standing for pve1 (no
network, reached with ``docker exec``); the production case is the same node with the flags false.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import uuid

import pytest
from sitekit_paths import REPO

pytestmark = pytest.mark.integration

IMAGE = os.environ.get("SITEKIT_DEBIAN_IMAGE", "sitekit/debian12-systemd:latest")
NODE = "pve1"
PVE_FILES = "/etc/apt/sources.list.d/pve-no-subscription.sources /etc/chrony/sources.d/sitekit.sources " \
            "/etc/modules-load.d/sitekit-watchdog.conf /etc/ssh/sshd_config.d/50-sitekit.conf"
# What the lab's stand-in gets for real needs packages from Debian's mirror: these cases stop at the
# decision and /etc/hosts (the whole role on a stand-in is make lab's, tools/lab/verify/test_nodes.py).
NEEDS_PACKAGES = "role::proxmox_node:repositories,role::proxmox_node:ntp,role::proxmox_node:watchdog,role::proxmox_node:ssh"


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    if subprocess.run(["docker", "image", "inspect", IMAGE], capture_output=True).returncode != 0:
        pytest.skip(f"{IMAGE} is not built (tools/debian-image.sh)")
    name = f"sitekit-test-standin-{uuid.uuid4().hex[:8]}"
    subprocess.run(["docker", "run", "-d", "--rm", "--name", name, "--network", "none", "--label", "org.sitekit.test=standin",
                    IMAGE, "sleep", "infinity"], check=True, capture_output=True)
    overlay = tmp_path_factory.mktemp("standin") / "endpoint.yml"
    overlay.write_text(json.dumps({"all": {"hosts": {NODE: {"ansible_connection": "community.docker.docker",
                                                            "ansible_host": name, "ansible_user": "root"}}}}))
    try:
        yield name, overlay
    finally:
        subprocess.run(["docker", "rm", "-f", name], capture_output=True)


def converge(node, stand_in: bool, *extra: str, tags: str = "role::proxmox_node,role::proxmox_cluster") -> subprocess.CompletedProcess:
    name, overlay = node
    flags = {"proxmox_node_lab_stand_in": stand_in, "proxmox_cluster_lab_stand_in": stand_in}
    cmd = [str(REPO / ".venv" / "bin" / "ansible-playbook"), "-i", "inventories/lab", "-i", str(overlay),
           "playbooks/proxmox.yml", "--limit", NODE, "--tags", tags,
           "-e", json.dumps(flags), *extra]
    env = {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1"}
    return subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=600)


def files_present(node) -> list[str]:
    done = subprocess.run(["docker", "exec", node[0], "sh", "-c", f"ls {PVE_FILES} 2>/dev/null"], capture_output=True, text=True)
    return done.stdout.split()


def recap(out: str) -> dict[str, int]:
    m = re.search(rf"^{NODE}\s+: (.*)$", out, re.M)
    assert m, out[-3000:]
    return {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", m.group(1))}


def test_a_lab_stand_in_reports_the_pve_steps_not_applicable(node):
    done = converge(node, True, "--skip-tags", NEEDS_PACKAGES)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-4000:]
    assert f"not applicable in the lab: {NODE} is a stand-in without Proxmox VE packages" in out
    assert "skipped: pvecm status, create/join, QDevice and vote check" in out
    assert recap(out)["failed"] == 0
    # The steps that need no PVE package ran for real: the cluster members are in /etc/hosts.
    hosts = subprocess.run(["docker", "exec", node[0], "cat", "/etc/hosts"], capture_output=True, text=True).stdout
    assert re.search(rf"^\S+ {NODE}\.\S+ {NODE}$", hosts, re.M), hosts


def test_a_production_node_without_proxmox_ve_is_refused_before_any_change(node):
    done = converge(node, False)
    out = done.stdout + done.stderr
    assert done.returncode != 0, out[-4000:]
    assert f"{NODE} has no Proxmox VE (pveversion not found): install PVE from its ISO first" in out
    assert "not applicable in the lab" not in out
    assert recap(out)["changed"] == 0 and recap(out)["failed"] == 1
    assert files_present(node) == []


# A step's tag (issue 10): playbooks/proxmox.yml includes the role, the role detects Proxmox VE first.
@pytest.mark.parametrize("tags", ["role::proxmox_cluster", "role::proxmox_cluster:detect"])
def test_a_production_node_without_pvecm_is_refused_by_the_cluster_role(node, tags):
    done = converge(node, False, tags=tags)
    out = done.stdout + done.stderr
    assert done.returncode != 0, out[-4000:]
    assert f"{NODE} has no Proxmox VE (pvecm not found): install PVE from its ISO first" in out
    assert "skipped: pvecm status" not in out
    assert "proxmox_node : " not in out  # another role's tag does not include the node preparation


def test_a_step_of_the_node_role_is_refused_on_a_production_node_before_any_change(node):
    done = converge(node, False, tags="role::proxmox_node:ntp")
    out = done.stdout + done.stderr
    assert done.returncode != 0, out[-4000:]
    assert f"{NODE} has no Proxmox VE (pveversion not found): install PVE from its ISO first" in out
    assert recap(out)["changed"] == 0 and recap(out)["failed"] == 1
    assert files_present(node) == []


def test_a_step_of_the_node_role_runs_that_step_alone_on_the_stand_in(node):
    done = converge(node, True, tags="role::proxmox_node:watchdog")
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-4000:]
    assert f"not applicable in the lab: {NODE} is a stand-in without Proxmox VE packages" in out
    assert files_present(node) == ["/etc/modules-load.d/sitekit-watchdog.conf"]
    assert "Cluster members in /etc/hosts" not in out and "proxmox_cluster : " not in out


# The operator's first --check on a new node (issue 10, stop 33): deb822_repository imports python3-debian, which
# the role installs; a check run used to fail there on every node that lacked it and stop the whole site's check.
def local_repo(package: str, version: str) -> str:
    """A metadata-only apt list naming one package (the stand-in has no network)."""
    return f"""set -e
mkdir -p /srv/offline-repo
printf 'Package: {package}\\nVersion: {version}\\nArchitecture: all\\nMaintainer: test\\nFilename: ./{package}_{version}_all.deb\\nSize: 1\\nDescription: metadata only\\n\\n' > /srv/offline-repo/Packages
echo 'deb [trusted=yes] file:/srv/offline-repo ./' > /etc/apt/sources.list.d/offline-repo.list
apt-get update -qq
"""


def check_with_local_repo(node, package: str, version: str, tags: str) -> subprocess.CompletedProcess:
    subprocess.run(["docker", "exec", node[0], "sh", "-c", local_repo(package, version)], check=True, capture_output=True)
    try:
        return converge(node, True, "--check", "--diff", tags=tags)
    finally:
        subprocess.run(["docker", "exec", node[0], "sh", "-c", "rm -rf /srv/offline-repo /etc/apt/sources.list.d/offline-repo.list"],
                       capture_output=True)


def test_a_check_run_on_a_node_without_python3_debian_goes_on_and_writes_nothing(node):
    # The stand-in has no network: apt learns of the package from a local list (metadata only, nothing to install).
    done = check_with_local_repo(node, "python3-debian", "0.1.49", "role::proxmox_node:repositories")
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-4000:]
    assert "check mode: python3-debian is not installed yet" in out
    assert "pve-no-subscription is written and pve-enterprise removed" in out
    assert recap(out)["failed"] == 0
    assert "/etc/apt/sources.list.d/pve-no-subscription.sources" not in files_present(node)  # (the container is shared)
    absent = subprocess.run(["docker", "exec", node[0], "dpkg-query", "-W", "python3-debian"], capture_output=True, text=True)
    assert absent.returncode != 0, absent.stdout  # check mode installed nothing


# make lab's check pass on fresh stand-ins (stop 43): the NTP step edited chrony.conf, which only chrony's
# install creates; the check run stopped there on every node ("Path /etc/chrony/chrony.conf does not exist").
def test_a_check_run_on_a_node_without_chrony_goes_on_and_writes_nothing(node):
    done = check_with_local_repo(node, "chrony", "4.3-2", "role::proxmox_node:ntp")
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-4000:]
    assert recap(out)["failed"] == 0
    assert "Install chrony" in out and "Debian's default NTP pool off" in out
    assert "/etc/chrony/sources.d/sitekit.sources" not in files_present(node)
    status = subprocess.run(["docker", "exec", node[0], "dpkg-query", "-W", "-f", "${Status}", "chrony"], capture_output=True, text=True)
    assert "install ok installed" not in status.stdout  # check mode installed nothing


# A run that did not read every member (stop 42, 1df2cfb): `--limit pve1` reads only pve1's keys, so rewriting the
# members' block of authorized_keys2 from them would drop pve2's and pve3's keys and break their next `pvecm add`.
MEMBERS_BLOCK = """# BEGIN sitekit: root keys of the cluster members (pvecm add, qdevice setup, node-to-node SSH)
from="192.0.2.1" ssh-rsa AAAAB3NzaC1yc2EAAAAPVE1 root@pve1
from="192.0.2.1" ssh-rsa AAAAB3NzaC1yc2EAAAAPVE2 root@pve2
# END sitekit: root keys of the cluster members (pvecm add, qdevice setup, node-to-node SSH)
"""
CLUSTER_SSH_PLAY = """- name: The cluster's root SSH step of proxmox_node alone
  hosts: proxmox_nodes
  gather_facts: false
  tasks:
    - name: Root SSH between members
      ansible.builtin.include_role:
        name: proxmox_node
        tasks_from: cluster_ssh
"""


def test_a_limited_run_leaves_the_members_keys_of_the_others_in_place(node, tmp_path):
    # The image has no ssh-keygen: root's key is there already (the task that creates it is skipped).
    seed = ("mkdir -p /root/.ssh && echo 'ssh-rsa AAAAB3NzaC1yc2EAAAAPVE1 root@pve1' > /root/.ssh/id_rsa.pub && "
            f"printf '%s' '{MEMBERS_BLOCK}' > /root/.ssh/authorized_keys2")
    subprocess.run(["docker", "exec", node[0], "sh", "-c", seed], check=True, capture_output=True)
    play = tmp_path / "cluster_ssh.yml"
    play.write_text(CLUSTER_SSH_PLAY)
    name, overlay = node
    env = {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1"}
    done = subprocess.run([str(REPO / ".venv" / "bin" / "ansible-playbook"), "-i", "inventories/lab", "-i", str(overlay),
                           str(play), "--limit", NODE], cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-4000:]
    kept = subprocess.run(["docker", "exec", node[0], "cat", "/root/.ssh/authorized_keys2"], capture_output=True, text=True)
    assert kept.stdout == MEMBERS_BLOCK, kept.stdout
    assert recap(out)["changed"] == 0
