"""Converge the rcr cluster model on the simulator, for PVE 8 and PVE 9 schemas.

The site model comes from inventories/rcr; the API endpoint is the simulator on 127.0.0.1.
"""

from __future__ import annotations

import copy

import pve_fixtures
import pytest
import requests
from pve_harness import converge, ha_args, run

pytestmark = pytest.mark.integration  # runs the PVE API simulator

rcr_site, rcr_desired, fresh_sim = pve_fixtures.rcr_site, pve_fixtures.rcr_desired, pve_fixtures.fresh_sim

BOTH = pytest.mark.parametrize("fresh_sim", [8, 9], indirect=True, ids=["pve8", "pve9"])


def _writes(sim) -> int:
    return sum(sim.writes().values())


def _api(sim, path: str):
    """A read as any client makes it (token, the simulator's certificate trusted)."""
    r = requests.get(f"{sim.url}/{path}", headers={"Authorization": f"PVEAPIToken={sim.token}"}, verify=sim.certfile, timeout=10)
    r.raise_for_status()
    return r.json()["data"]


@BOTH
def test_check_mode_from_empty_writes_nothing(fresh_sim, rcr_desired):
    results = converge(fresh_sim, rcr_desired, check=True)
    assert all(results[k]["changed"] for k in ("storage", "backup", "vms", "ha"))
    assert _writes(fresh_sim) == 0, fresh_sim.writes()
    assert len(results["vms"]["created"]) == len(rcr_desired["vms"])
    assert results["vms"]["diff"]["after"]["rdlic01"]["net0"]["macaddr"] == "BC:24:11:52:44:01"


@BOTH
@pytest.mark.requirement("SPEC-3-san", "SPEC-3-nas-backup", "SPEC-3-ha")
def test_converge_then_noop_then_check(fresh_sim, rcr_desired, rcr_site):
    sim = fresh_sim
    first = converge(sim, rcr_desired)
    assert all(first[k]["changed"] for k in ("storage", "backup", "vms", "ha"))
    state = sim.cluster
    # storage, backup job
    assert {"san-iscsi", "san-lvm", "nas-backup"} <= set(state.storage)
    assert state.storage["san-lvm"]["shared"] == 1 and state.storage["san-iscsi"]["content"] == "none"
    job = state.backup_jobs["sitekit-nightly"]
    assert job["prune-backups"] == {"keep-daily": 7, "keep-weekly": 5, "keep-monthly": 2}
    assert (job["schedule"], job["mode"], job["compress"], job["storage"]) == ("21:30", "snapshot", "zstd", "nas-backup")
    # the second copy, in another place (seeds 001 art. 9, 002 art. 6)
    second = state.backup_jobs["sitekit-second-copy"]
    assert (second["schedule"], second["storage"], second["prune-backups"]) == (
        "sun 05:00", "offsite-backup", {"keep-weekly": 5, "keep-monthly": 2})
    assert second["vmid"] == job["vmid"] and state.storage["offsite-backup"]["type"] == "nfs"
    # VMs off the templates' node: cloned there from local-lvm, then migrated (a clone with target= is refused)
    away = sorted(v["vmid"] for v in rcr_desired["vms"] if v["node"] != "pve1")
    assert first["vms"]["migrated"] == away and sim.counts["POST /nodes/{node}/qemu/{vmid}/migrate"] == len(away)
    assert "target" not in str([params for method, template, params in sim.log if template.endswith("/clone")])
    # VMs: node, size, NIC with VLAN tag, pinned MAC, running
    for spec in rcr_desired["vms"]:
        vm = state.vms[spec["vmid"]]
        cfg = vm["config"]
        assert vm["node"] == spec["node"] and vm["status"] == "running"
        assert (int(cfg["cores"]), int(cfg["memory"]), cfg["name"]) == (spec["cores"], spec["memory"], spec["name"])
        assert cfg["net0"].endswith(f",bridge=vmbr0,tag={rcr_site.hosts[spec['name']].vars['site_vlan']}")
        for disk in spec["disks"]:
            assert cfg[disk["key"]].startswith("san-lvm:vm-") and cfg[disk["key"]].endswith(f"size={disk['size_gb']}G")
    assert state.vms[115]["config"]["net0"].startswith("virtio=BC:24:11:52:44:01,")
    assert state.vms[116]["config"]["net0"].startswith("virtio=BC:24:11:52:44:02,")
    # HA: every HA VM a started resource; placement per version
    ha_vms = {f"vm:{v['vmid']}" for v in rcr_desired["vms"] if v["ha"]}
    assert set(state.ha_resources) == ha_vms
    if sim.version >= 9:
        assert not state.ha_groups and not any(k.startswith("GET /cluster/ha/groups") or "/ha/groups" in k for k in sim.counts)
        kinds = [r["type"] for r in state.ha_rules.values()]
        assert kinds.count("resource-affinity") == len(rcr_site.vars["site_proxmox"]["spread_groups"])
        assert kinds.count("node-affinity") == 3
        # each node-affinity rule: only the preferred node, non-strict (the others stay fallbacks)
        assert {r: (state.ha_rules[r]["nodes"], state.ha_rules[r].get("strict", 0)) for r in state.ha_rules
                if state.ha_rules[r]["type"] == "node-affinity"} == {f"sitekit-{n}": (n, 0) for n in ("pve1", "pve2", "pve3")}
        # the upstream checker finds nothing wrong with the whole set (GET lists no errors)
        listed = run(sim, "pve_ha", ha_args(rcr_desired), check=True)
        assert not listed["changed"] and not [r for r in _api(sim, "cluster/ha/rules") if r.get("errors")]
    else:
        assert set(state.ha_groups) == {"sitekit-pve1", "sitekit-pve2", "sitekit-pve3"}
        assert state.ha_resources["vm:101"]["group"] == "sitekit-pve1"
        assert not any("/ha/rules" in k for k in sim.counts)

    sim.reset_counts()
    second = converge(sim, rcr_desired)
    assert not any(r["changed"] for r in second.values())
    assert _writes(sim) == 0, sim.writes()
    reads = sum(sim.reads().values())
    # list once, compare locally: fixed reads + one config read per VM (no pve_cluster_info run: pve_ha reads
    # /cluster/status once for its vote check)
    assert reads == 7 + len(rcr_desired["vms"]), sim.counts

    sim.reset_counts()
    check = converge(sim, rcr_desired, check=True)
    assert not any(r["changed"] for r in check.values()) and _writes(sim) == 0


@BOTH
def test_drift_is_corrected(fresh_sim, rcr_desired):
    sim = fresh_sim
    converge(sim, rcr_desired)
    sim.cluster.storage["nas-backup"]["content"] = "backup,iso"      # someone edited the storage
    sim.cluster.vms[140]["config"]["cores"] = "2"                     # and sql01's vCPUs
    sim.cluster.vms[115]["config"]["net0"] = "virtio=BC:24:11:00:00:99,bridge=vmbr0,tag=10"  # and the licence MAC
    sim.reset_counts()
    result = converge(sim, rcr_desired)
    assert sim.writes() == {"PUT /storage/{storage}": 1, "PUT /nodes/{node}/qemu/{vmid}/config": 2}
    assert result["storage"]["diff"]["before"]["nas-backup"]["content"] == "backup,iso"
    assert sim.cluster.storage["nas-backup"]["content"] == "backup"
    assert sim.cluster.vms[115]["config"]["net0"].startswith("virtio=BC:24:11:52:44:01,")  # a NIC is hot-plugged
    # sql01 runs: its vCPUs wait for a restart, reported as "reboot required", not rebooted outside a window
    assert sim.cluster.vms[140]["config"]["cores"] == "2" and sim.cluster.vms[140]["pending"] == {"cores": "4"}
    assert result["vms"]["pending"] == {"140": {"cores": {"current": "2", "pending": "4"}}} and not result["vms"]["rebooted"]
    assert any("reboot required: cores 2 -> 4" in w for w in result["vms"]["warnings_by_vm"]["140"])
    # the next run sends nothing again (the change is pending) and still reports it
    sim.reset_counts()
    again = converge(sim, rcr_desired)
    assert sim.writes() == {} and again["vms"]["pending"] and not again["vms"]["changed"]
    # inside a maintenance window (the role passes reboot_pending): one reboot, and the VM runs with 4 vCPUs
    check = converge(sim, rcr_desired, check=True, reboot_pending=True)
    assert check["vms"]["rebooted"] == [140] and sim.cluster.vms[140]["config"]["cores"] == "2"
    sim.reset_counts()
    applied = converge(sim, rcr_desired, reboot_pending=True)
    assert sim.writes() == {"POST /nodes/{node}/qemu/{vmid}/status/reboot": 1}
    assert applied["vms"]["rebooted"] == [140] and applied["vms"]["changed"]
    vm = sim.cluster.vms[140]
    assert (vm["config"]["cores"], vm["pending"], vm["status"]) == ("4", {}, "running")
    assert not converge(sim, rcr_desired, reboot_pending=True)["vms"]["changed"]


@pytest.mark.parametrize("fresh_sim", [9], indirect=True, ids=["pve9"])
@pytest.mark.requirement("SPEC-1-pra", "SPEC-3-ad-restore")
def test_pra_restore_latest_backup(fresh_sim, rcr_desired):
    sim = fresh_sim
    converge(sim, rcr_desired)
    sim.run_backup_jobs()
    sim.run_backup_jobs()  # two nights: the latest archive must be chosen
    archives = [v["volid"] for v in sim.cluster.content["nas-backup"] if v["vmid"] == 101]
    assert len(archives) == 2
    check = run(sim, "pve_restore", {"vmid": 101, "target_vmid": 900101, "node": "pve2", "backup_storage": "nas-backup"}, check=True)
    assert check["archive"] == archives[-1] and 900101 not in sim.cluster.vms
    result = run(sim, "pve_restore", {"vmid": 101, "target_vmid": 900101, "node": "pve2", "backup_storage": "nas-backup",
                                      "storage": "san-lvm"})
    restored = sim.cluster.vms[900101]
    assert result["archive"] == archives[-1] and restored["node"] == "pve2" and restored["status"] == "running"
    assert restored["config"]["name"] == "dc01" and restored["config"]["scsi0"].endswith("size=80G")
    assert restored["config"]["net0"] != sim.cluster.vms[101]["config"]["net0"]  # unique: a new MAC
    # started cut off from the network: a second dc01 never answers on the production VLAN
    assert restored["config"]["net0"].endswith(",link_down=1") and result["isolated"] == {"net0": restored["config"]["net0"]}
    (bring_up,) = result["bring_up"]
    assert bring_up == f"qm set 900101 --net0 '{restored['config']['net0'].removesuffix(',link_down=1')}'"
    with pytest.raises(AssertionError, match="already exists"):
        run(sim, "pve_restore", {"vmid": 101, "target_vmid": 900101, "node": "pve2", "backup_storage": "nas-backup"})


@pytest.mark.parametrize("fresh_sim", [8], indirect=True, ids=["pve8"])
def test_password_auth_and_bad_credentials(fresh_sim):
    sim = fresh_sim
    password = {"api_token_id": None, "api_token_secret": None, "api_password": sim.password}
    info = run(sim, "pve_cluster_info", password)
    assert (info["major"], info["cluster_name"], info["nodes"]) == (8, "rcr-pve", ["pve1", "pve2", "pve3"])
    assert sim.counts["POST /access/ticket"] == 1
    with pytest.raises(AssertionError, match="cannot connect"):
        run(sim, "pve_cluster_info", {**password, "api_password": "wrong"})


@pytest.mark.parametrize("migrated", [False, True], ids=["groups-not-migrated", "groups-migrated"])
def test_upgrade_8_to_9_groups_become_rules(rcr_site, rcr_desired, migrated):
    """A cluster converged on PVE 8 (HA groups), upgraded to 9, before or after PVE migrated the groups."""
    from pve_harness import sim_for

    from tests.pve_sim.handlers import migrate_groups

    with sim_for(rcr_site, 8) as old:
        converge(old, rcr_desired)
        groups, resources = copy.deepcopy(old.cluster.ha_groups), copy.deepcopy(old.cluster.ha_resources)
        vms = copy.deepcopy(old.cluster.vms)
        storage, jobs = copy.deepcopy(old.cluster.storage), copy.deepcopy(old.cluster.backup_jobs)
    with sim_for(rcr_site, 9, ha_groups_migrated=False) as sim:
        c = sim.cluster
        c.ha_groups, c.ha_resources, c.vms, c.storage, c.backup_jobs = groups, resources, vms, storage, jobs
        if migrated:
            migrate_groups(c)
            assert "ha-group-sitekit-pve1" in c.ha_rules
        result = converge(sim, rcr_desired)
        assert not c.ha_groups and c.ha_groups_migrated
        assert not any(r.startswith("ha-group-") for r in c.ha_rules), "migrated rules must be replaced by ours"
        assert all("group" not in r for r in c.ha_resources.values())
        assert result["ha"]["mode"] == "rules" and "GET /cluster/ha/groups" not in sim.counts
        sim.reset_counts()
        converge(sim, rcr_desired)
        assert sim.writes() == {}
