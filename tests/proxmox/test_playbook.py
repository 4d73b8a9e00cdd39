"""playbooks/proxmox.yml (API plays only, the four API roles' tags) and playbooks/pra_drill.yml on the simulator.

The inventory is inventories/rcr; `proxmox_api_override` points the API plays at 127.0.0.1.
Node preparation and cluster plays are excluded by tags (they need real PVE nodes over SSH).
"""

from __future__ import annotations

import json
import os
import re
import subprocess

import pve_fixtures
import pytest
from pve_harness import REPO, sim_for

# The API plays of playbooks/proxmox.yml: the four roles that work through the API.
API_TAGS = "role::proxmox_storage,role::proxmox_backup,role::proxmox_vms,role::proxmox_ha"

rcr_site, rcr_desired, fresh_sim = pve_fixtures.rcr_site, pve_fixtures.rcr_desired, pve_fixtures.fresh_sim

pytestmark = pytest.mark.integration


def playbook(sim, name: str, *args: str, extra: dict | None = None, ca_from_env: bool = False) -> subprocess.CompletedProcess:
    # the simulator's certificate checked as a cluster's pve-root-ca would be: the play passes ca_path, or
    # (ca_from_env) the modules read PROXMOX_CA_PATH, as on a controller whose site declares no api_ca_path
    override = {"api_host": "127.0.0.1", "api_port": sim.port, "validate_certs": True}
    extra_vars = {"proxmox_api_override": override if ca_from_env else {**override, "ca_path": sim.certfile},
                  "proxmox_api_secret": sim.token_secret, **(extra or {})}
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROXMOX_")}
    env.update(ANSIBLE_CONFIG=str(REPO / "ansible.cfg"), ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0",
               **({"PROXMOX_CA_PATH": sim.certfile} if ca_from_env else {}))
    cmd = [str(REPO / ".venv" / "bin" / "ansible-playbook"), "-i", str(REPO / "inventories" / "rcr"),
           str(REPO / "playbooks" / name), "-e", json.dumps(extra_vars), *args]
    return subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)


def recap(out: str) -> dict:
    m = re.search(r"localhost\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", out)
    assert m, out[-3000:]
    return dict(zip(("ok", "changed", "unreachable", "failed"), map(int, m.groups()), strict=True))


@pytest.fixture(scope="module")
def sim(rcr_site):
    with sim_for(rcr_site, 9) as s:  # the rcr inventory says 8; the roles follow /version
        yield s


def test_api_plays_check_then_converge_then_noop(sim):
    check = playbook(sim, "proxmox.yml", "--tags", API_TAGS, "--check", "--diff")
    assert check.returncode == 0, check.stdout[-3000:]
    assert recap(check.stdout)["changed"] == 4 and sim.writes() == {}, sim.writes()

    first = playbook(sim, "proxmox.yml", "--tags", API_TAGS)
    assert first.returncode == 0, first.stdout[-3000:]
    assert recap(first.stdout)["changed"] == 4  # storage, backup job, VMs, HA
    assert sim.cluster.ha_rules and not sim.cluster.ha_groups
    assert not any(h in first.stdout for h in ("pve1 ", "pve2 ", "pve3 ")), "node plays must be skipped by tags"

    sim.reset_counts()
    second = playbook(sim, "proxmox.yml", "--tags", API_TAGS, "--diff")
    assert second.returncode == 0, second.stdout[-3000:]
    assert recap(second.stdout)["changed"] == 0
    assert sim.writes() == {}, sim.writes()


def test_the_connection_set_once_per_play_leaves_unset_options_to_the_environment(sim):
    """The API play gives its pve_* tasks the connection through module_defaults (the action group); rcr declares no
    api_ca_path, so none is passed (not even null) and each module checks the certificate with PROXMOX_CA_PATH."""
    run = playbook(sim, "proxmox.yml", "--tags", API_TAGS, "--check", ca_from_env=True)
    assert run.returncode == 0, run.stdout[-3000:]
    assert recap(run.stdout)["failed"] == 0 and sim.writes() == {}, sim.writes()


def test_pending_changes_wait_for_a_maintenance_window(sim):
    """sql01's vCPUs changed behind our back on the running VM: the role sets them back; PVE keeps the
    change pending; outside a window the run reports it, inside one it reboots the VM (once)."""
    sim.cluster.vms[140]["config"]["cores"] = "2"
    outside = {"inside": False, "at": "wed 11:00 Europe/Paris", "windows": []}
    run = playbook(sim, "proxmox.yml", "--tags", "role::proxmox_vms", extra={"proxmox_vms_maintenance": outside})
    assert run.returncode == 0, run.stdout[-3000:]
    assert "reboot required for VM(s) 140: their pending changes apply at the next run inside a maintenance window " \
           "(wed 11:00 Europe/Paris is outside every window)" in " ".join(run.stdout.split())
    assert sim.cluster.vms[140]["pending"] == {"cores": "4"} and "POST /nodes/{node}/qemu/{vmid}/status/reboot" not in sim.counts
    sim.reset_counts()
    inside = {"inside": True, "at": "sun 03:00 Europe/Paris", "windows": ["nightly", "weekend"]}
    run = playbook(sim, "proxmox.yml", "--tags", "role::proxmox_vms", extra={"proxmox_vms_maintenance": inside})
    assert run.returncode == 0, run.stdout[-3000:]
    assert sim.writes() == {"POST /nodes/{node}/qemu/{vmid}/status/reboot": 1} and recap(run.stdout)["changed"] == 1
    assert (sim.cluster.vms[140]["config"]["cores"], sim.cluster.vms[140]["pending"]) == ("4", {})


def test_pra_drill_reports_time_against_target(sim):
    sim.run_backup_jobs()
    run = playbook(sim, "pra_drill.yml", extra={"pra_vm": "dc01", "pra_node": "pve2"})
    assert run.returncode == 0, run.stdout[-3000:]
    assert re.search(r"dc01 restored from nas-backup:backup/vzdump-qemu-101-\S+ as VM 900101 on pve2\s+in [\d.]+ s \([\d.]+ min\); "
                     r"target 30 min:\s+within target", run.stdout), run.stdout[-2000:]
    restored = sim.cluster.vms[900101]
    assert restored["status"] == "running" and restored["config"]["net0"].endswith(",link_down=1")
    nic = restored["config"]["net0"].removesuffix(",link_down=1")
    assert re.search(r"VM 900101 runs with its network unplugged \(net0 link_down=1\): it never answers beside dc01\. "
                     r"To connect it \(the original gone, or its VLAN isolated\), on pve2:\s+qm set 900101 --net0 "
                     + re.escape(f"'{nic}'"), run.stdout), run.stdout[-2000:]
