"""The Proxmox view of the site model, the pvecm parser and the modules' compare logic (no API)."""

from __future__ import annotations

import pve_fixtures
import pytest
import sites
from ansible_collections.sitekit.core.plugins.module_utils import pve_vms_plan
from ansible_collections.sitekit.core.plugins.module_utils.pve_client import prune_string
from ansible_collections.sitekit.core.plugins.module_utils.pve_format import net0_string
from ansible_collections.sitekit.core.plugins.module_utils.pve_pvecm import ha_allowed, parse_pvecm_status
from ansible_collections.sitekit.core.plugins.plugin_utils.site import proxmox as sp
from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import SiteError
from ansible_collections.sitekit.core.plugins.plugin_utils.site.timing import DAYS, in_window, maintenance_windows
from ansible_collections.sitekit.core.plugins.plugin_utils.site.typed import to_vars
from pve_harness import module, proxmox_filters

rcr_site, rcr_desired, fresh_sim = pve_fixtures.rcr_site, pve_fixtures.rcr_desired, pve_fixtures.fresh_sim

WINDOWS = [{"name": "nightly", "days": list(DAYS), "start": "20:00", "end": "07:00"},
           {"name": "weekend", "days": ["sat", "sun"], "start": "00:00", "end": "24:00"}]


# ---- storage, backup job ------------------------------------------------------------------------
def test_storages_in_dependency_order_with_api_parameters(rcr_desired):
    stores = {s["storage"]: s for s in rcr_desired["storages"]}
    order = [s["storage"] for s in rcr_desired["storages"]]
    assert order.index("san-iscsi") < order.index("san-lvm")
    assert stores["san-iscsi"] == {"storage": "san-iscsi", "type": "iscsi", "content": "none", "portal": "10.0.10.5",
                                   "target": "iqn.2000-01.com.synology:rcr-san.vmstore"}
    assert stores["san-lvm"]["shared"] == 1 and stores["san-lvm"]["vgname"] == "vg_san" and "base" not in stores["san-lvm"]
    assert stores["nas-backup"]["content"] == "backup" and stores["nas-backup"]["export"] == "/volume1/pve-backup"


def test_backup_job_follows_site_backup(rcr_desired):
    job, _second = rcr_desired["backup_jobs"]
    assert job["schedule"] == "21:30" and job["storage"] == "nas-backup"
    assert job["mode"] == "snapshot" and job["compress"] == "zstd"
    assert job["prune-backups"] == "keep-daily=7,keep-monthly=2,keep-weekly=5"
    assert job["mailto"] == "supervision@rcr.example"
    assert len(job["vmid"].split(",")) == len(rcr_desired["vms"])


@pytest.mark.parametrize(("day", "hhmm", "inside"), [
    ("mon", "21:30", True), ("tue", "06:59", True), ("tue", "07:00", False), ("wed", "12:00", False),
    ("sat", "12:00", True), ("mon", "03:00", True), ("fri", "19:59", False),
])
def test_maintenance_window(day, hhmm, inside):
    assert in_window(maintenance_windows({"site_maintenance_windows": WINDOWS}), day, hhmm) is inside


def _backup_site(backup: dict) -> Site:
    return Site({"site_backup": backup, "site_maintenance_windows": WINDOWS}, {}, {})


def test_backup_outside_the_window_is_refused():
    backup = {"storage": "nas", "schedule": "12:00", "days": ["mon"], "retention": {"keep_daily": 7}}
    with pytest.raises(SiteError, match="outside every maintenance window"):
        sp.backup_job(_backup_site(backup), [101])
    job = to_vars(sp.backup_job(_backup_site({**backup, "schedule": "22:00", "days": ["mon", "wed"]}), [102, 101]))
    assert job["schedule"] == "mon,wed 22:00" and job["vmid"] == "101,102" and job["prune-backups"] == "keep-daily=7"


# ---- VMs --------------------------------------------------------------------------------------
@pytest.mark.requirement("SPEC-3-fixed-mac")
def test_vm_specs_nic_vlan_and_pinned_mac(rcr_desired):
    vms = {v["name"]: v for v in rcr_desired["vms"]}
    assert vms["rdlic01"]["net0"] == {"model": "virtio", "bridge": "vmbr0", "tag": 10, "macaddr": "BC:24:11:52:44:01"}
    assert "macaddr" not in vms["dc01"]["net0"]
    assert net0_string(vms["rdlic01"]["net0"]) == "virtio=BC:24:11:52:44:01,bridge=vmbr0,tag=10"
    assert [d["key"] for d in vms["sql01"]["disks"]] == ["scsi0", "scsi1", "scsi2"]
    assert {d["storage"] for v in vms.values() for d in v["disks"]} == {"san-lvm"}
    assert vms["rdvh01"]["cpu"] == "host" and vms["sql01"]["template"] == 9001


def test_vm_without_template_is_refused():
    with pytest.raises(SiteError, match="no template"):
        sp.vm_spec("x", {"vmid": 100, "os": "debian13", "vcpu": 1, "memory_mb": 512, "node": "pve1"}, 10, {"templates": {}})


# ---- HA placement ------------------------------------------------------------------------------
def test_ha_rules_pve9(rcr_site, rcr_desired):
    rules = {r["rule"]: r for r in rcr_desired["ha_rules"]}
    node_rules = [r for r in rules.values() if r["type"] == "node-affinity"]
    members = [m for r in node_rules for m in r["resources"].split(",")]
    assert sorted(members) == sorted(f"vm:{v['vmid']}" for v in rcr_desired["vms"] if v["ha"])  # each HA VM once
    spread = [r for r in rules.values() if r["type"] == "resource-affinity"]
    assert len(spread) == len(rcr_site.vars["site_proxmox"]["spread_groups"])
    assert all(r["affinity"] == "negative" for r in spread)
    assert rules["sitekit-spread-ad-domain-controllers"]["resources"] == "vm:101,vm:102"
    # the preferred node alone, non-strict: PVE 9 refuses several priorities beside resource-affinity rules
    assert (rules["sitekit-pve1"]["nodes"], rules["sitekit-pve1"]["strict"]) == ("pve1", 0)
    assert all(":" not in r["nodes"] for r in node_rules)


def test_ha_groups_pve8(rcr_site, rcr_desired):
    groups = {g["group"]: g for g in rcr_desired["ha_groups"]}
    assert set(groups) == {"sitekit-pve1", "sitekit-pve2", "sitekit-pve3"}
    placement = sp.desired(rcr_site).ha
    res8, res9 = to_vars(sp.ha_resources(placement, 8)), to_vars(sp.ha_resources(placement, 9))
    assert all(r["group"] in groups for r in res8) and all("group" not in r for r in res9)


def test_ha_rules_pass_the_pve9_feasibility_checker(rcr_desired, rcr_site):
    """The simulator's port of pve-ha-manager Rules.pm check_feasibility finds nothing in the view's rule set."""
    from tests.pve_sim.ha_rules import check_feasibility, parse_nodes

    rules = {r["rule"]: {**r, "resources": set(r["resources"].split(",")), "nodes": parse_nodes(r.get("nodes", ""))}
             for r in rcr_desired["ha_rules"]}
    assert check_feasibility(rules, rcr_site.proxmox_nodes) == {}
    # the former set (several priorities per node) fails every rule, as the review found
    former = {rid: {**r, "nodes": {n: 2 if n == rid.removeprefix("sitekit-") else 1 for n in rcr_site.proxmox_nodes}}
              if r["type"] == "node-affinity" else r for rid, r in rules.items()}
    assert set(check_feasibility(former, rcr_site.proxmox_nodes)) == set(rules)


def test_spread_group_members_on_one_node_are_refused():
    site = sites.modified(dc02__vm={**sites.site().vms["dc02"], "node": "pve1"})
    with pytest.raises(SiteError, match="dc02 prefers node pve1 like dc01, of the same spread group ad_domain_controllers") as exc:
        sp.desired_state(site)
    assert (exc.value.key, exc.value.host) == ("vm.node", "dc02")


def test_spread_members_prefer_different_nodes(rcr_site):
    vms = rcr_site.vms
    for group in rcr_site.vars["site_proxmox"]["spread_groups"]:
        nodes = [vms[h]["node"] for h in rcr_site.group(group)]
        assert len(set(nodes)) == len(nodes), f"{group} members share a preferred node: {nodes}"


# ---- pvecm status ------------------------------------------------------------------------------
PVECM_3 = """Cluster information
-------------------
Name:             rcr-pve
Config Version:   3
Transport:        knet
Secure auth:      on

Quorum information
------------------
Date:             Wed Nov 25 08:00:00 2026
Quorum provider:  corosync_votequorum
Nodes:            3
Node ID:          0x00000001
Ring ID:          1.12
Quorate:          Yes

Votequorum information
----------------------
Expected votes:   3
Highest expected: 3
Total votes:      3
Quorum:           2
Flags:            Quorate

Membership information
----------------------
    Nodeid      Votes Name
0x00000001          1 10.0.10.11 (local)
0x00000002          1 10.0.10.12
0x00000003          1 10.0.10.13
"""

PVECM_2_QDEVICE = """Cluster information
-------------------
Name:             small
Config Version:   4

Quorum information
------------------
Nodes:            2
Quorate:          Yes

Votequorum information
----------------------
Expected votes:   3
Total votes:      3
Quorum:           2
Flags:            Quorate Qdevice

Membership information
----------------------
    Nodeid      Votes    Qdevice Name
0x00000001          1    A,V,NMW 192.168.1.11 (local)
0x00000002          1    A,V,NMW 192.168.1.12
0x00000000          1            Qdevice
"""


def test_pvecm_three_nodes():
    s = parse_pvecm_status(PVECM_3)
    assert s["in_cluster"] and s["name"] == "rcr-pve" and s["quorate"] and s["config_version"] == 3
    assert s["total_votes"] == 3 and not s["qdevice"]
    assert [m["address"] for m in s["members"]] == ["10.0.10.11", "10.0.10.12", "10.0.10.13"]
    assert s["members"][0]["local"] and not s["members"][1]["local"]
    assert ha_allowed(s, False)[0]


def test_pvecm_two_nodes_and_qdevice():
    s = parse_pvecm_status(PVECM_2_QDEVICE)
    assert s["qdevice"] and len(s["members"]) == 2 and s["total_votes"] == 3
    assert ha_allowed(s, True)[0]
    allowed, reason = ha_allowed(s, False)
    assert not allowed and "HA needs 3" in reason


def test_pvecm_standalone_node():
    s = parse_pvecm_status("Error: Corosync config '/etc/pve/corosync.conf' does not exist - is this node part of a cluster?\n")
    assert not s["in_cluster"] and s["members"] == []
    assert not ha_allowed(s, False)[0]


def test_pvecm_link_args():
    assert proxmox_filters.pvecm_link_args(["10.0.10.11", "10.0.20.31"]) == ["--link0", "address=10.0.10.11", "--link1", "address=10.0.20.31"]


# ---- modules' compare logic -------------------------------------------------------------------------
def test_storage_plan():
    plan = module("pve_storage").plan
    current = [{"storage": "nas", "type": "nfs", "server": "10.0.0.6", "export": "/v", "content": "backup,iso", "digest": "x"}]
    assert plan(current, [{"storage": "nas", "type": "nfs", "server": "10.0.0.6", "export": "/v", "content": "iso,backup"}]) == ([], {}, [])
    create, update, conflicts = plan(current, [{"storage": "nas", "type": "nfs", "server": "10.0.0.6", "export": "/v", "content": "backup"}])
    assert update == {"nas": {"content": "backup"}} and not create and not conflicts
    # NFS `server` is fixed at creation (pve-storage PVE/Storage/NFSPlugin.pm options: server => {fixed => 1}):
    # a new NAS address is a conflict the module reports, never an update PVE would refuse.
    assert plan(current, [{"storage": "nas", "type": "nfs", "server": "10.0.0.7", "export": "/v", "content": "backup,iso"}])[2]
    assert plan(current, [{"storage": "nas", "type": "nfs", "server": "10.0.0.6", "export": "/w", "content": "backup,iso"}])[2]
    assert plan([], [{"storage": "a", "type": "dir"}])[0] == [{"storage": "a", "type": "dir"}]


def test_backup_plan():
    plan = module("pve_backup_job").plan
    have = [{"id": "j", "type": "vzdump", "prune-backups": {"keep-weekly": 5, "keep-daily": 7}, "vmid": "102,101", "enabled": 1}]
    want = {"id": "j", "prune-backups": "keep-daily=7,keep-weekly=5", "vmid": "101,102", "enabled": True}
    assert plan(have, [want]) == ([], {})
    assert plan(have, [{**want, "prune-backups": "keep-daily=8,keep-weekly=5"}]) == ([], {"j": {"prune-backups": "keep-daily=8,keep-weekly=5"}})
    assert prune_string({"keep_daily": 7, "keep_monthly": 2}) == "keep-daily=7,keep-monthly=2"


def test_vm_compare():
    compare = pve_vms_plan.compare
    spec = {"name": "a", "cores": 2, "memory": 4096, "disks": [{"key": "scsi0", "storage": "s", "size_gb": 80},
                                                            {"key": "scsi1", "storage": "s", "size_gb": 10}],
            "net0": {"model": "virtio", "bridge": "vmbr0", "tag": 10, "macaddr": "BC:24:11:52:44:01"}}
    config = {"name": "a", "cores": 2, "memory": 4096, "scsi0": "s:vm-1-disk-0,size=80G", "scsi1": "s:vm-1-disk-1,size=10G",
              "net0": "virtio=bc:24:11:52:44:01,bridge=vmbr0,tag=10"}
    assert compare(spec, config) == ({}, {}, [])
    sets, grow, notes = compare(spec, {**config, "net0": "virtio=BC:24:11:00:00:09,bridge=vmbr0,tag=10", "scsi0": "s:x,size=32G",
                                       "scsi1": "s:y,size=20G", "cores": 1})
    assert sets == {"net0": "virtio=BC:24:11:52:44:01,bridge=vmbr0,tag=10", "cores": 2}
    assert grow == {"scsi0": "80G"} and "never shrunk" in notes[0]
    unpinned = {**spec, "net0": {"model": "virtio", "bridge": "vmbr0", "tag": 20}}
    assert compare(unpinned, config)[0] == {"net0": "virtio=BC:24:11:52:44:01,bridge=vmbr0,tag=20"}  # generated MAC kept


# ---- issue 11: pure parts of the fixes -------------------------------------------------------------
@pytest.mark.requirement("SPEC-3-two-copies")
def test_second_copy_job(rcr_desired):
    nightly, second = rcr_desired["backup_jobs"]
    assert (second["id"], second["storage"], second["schedule"]) == ("sitekit-second-copy", "offsite-backup", "sun 05:00")
    assert second["prune-backups"] == "keep-monthly=2,keep-weekly=5" and second["vmid"] == nightly["vmid"]
    assert (second["mode"], second["compress"], second["mailto"]) == ("snapshot", "zstd", "supervision@rcr.example")
    assert "location" not in str(rcr_desired["storages"])  # where a storage is, is for the model, never sent to PVE


@pytest.mark.parametrize(("moment", "inside"), [
    ("2026-11-29T09:00:00+00:00", True),    # Sunday 10:00 in Paris: weekend window
    ("2026-11-25T10:00:00+00:00", False),   # Wednesday 11:00 in Paris
    ("2026-11-25T19:30:00+00:00", True),    # Wednesday 20:30 in Paris: nightly window
    ("2026-11-25T05:30:00+00:00", True),    # Wednesday 06:30 in Paris (the night before's window)
    ("2026-11-25T06:30:00+00:00", False),   # Wednesday 07:30 in Paris, 06:30 UTC: the site's zone counts
])
def test_maintenance_now_in_the_site_time_zone(rcr_site, moment, inside):
    import datetime

    now = sp.maintenance_now(rcr_site, datetime.datetime.fromisoformat(moment))
    assert now.inside is inside and now.at.endswith("Europe/Paris")
    assert bool(now.windows) is inside


def test_fixed_storage_keys_per_type():
    from ansible_collections.sitekit.core.plugins.module_utils.pve_format import fixed_storage_keys

    assert fixed_storage_keys("nfs") == {"type", "path", "server", "export", "snapshot-as-volume-chain"}
    assert fixed_storage_keys("rbd") == {"type"}  # an RBD pool changes on update
    assert {"thinpool", "vgname"} <= fixed_storage_keys("lvmthin") and "pool" not in fixed_storage_keys("lvmthin")
    assert {"blocksize", "iscsiprovider", "pool"} <= fixed_storage_keys("zfs") and "blocksize" not in fixed_storage_keys("zfspool")
    assert {"share", "server"} <= fixed_storage_keys("cifs") and {"datastore", "server"} <= fixed_storage_keys("pbs")


def test_disk_sizes_without_unit_are_bytes():
    vms = pve_vms_plan
    assert vms.disk_bytes("san-lvm:vm-1-disk-0,size=34359738368") == 32 * 2**30
    assert vms.disk_bytes("san-lvm:vm-1-disk-0,iothread=1,size=80G") == 80 * 2**30
    assert vms.disk_bytes("san-lvm:vm-1-disk-0,size=512M") == 2**29 and vms.disk_bytes("none,media=cdrom") is None
    spec = {"disks": [{"key": "scsi0", "storage": "s", "size_gb": 40}]}
    assert vms.compare(spec, {"scsi0": "s:vm-1-disk-0,size=34359738368"})[1] == {"scsi0": "40G"}
    assert vms.compare({"disks": [{**spec["disks"][0], "size_gb": 32}]}, {"scsi0": "s:vm-1-disk-0,size=34359738368"}) == ({}, {}, [])
    assert "is 32 GB, declared 20 GB" in vms.compare({"disks": [{**spec["disks"][0], "size_gb": 20}]},
                                                      {"scsi0": "s:vm-1-disk-0,size=34359738368"})[2][0]


def test_pending_split():
    after, now, pending = pve_vms_plan.split_pending([
        {"key": "cores", "value": "2", "pending": "4"}, {"key": "name", "value": "sql01"},
        {"key": "balloon", "value": "0", "delete": 1}, {"key": "scsi1", "pending": "s:vm-140-disk-1,size=10G"}])
    assert after == {"cores": "4", "name": "sql01", "scsi1": "s:vm-140-disk-1,size=10G"}
    assert now == {"cores": "2", "name": "sql01", "balloon": "0"}
    assert pending == {"cores": {"current": "2", "pending": "4"}, "balloon": {"current": "0", "pending": None},
                       "scsi1": {"current": None, "pending": "s:vm-140-disk-1,size=10G"}}


def test_task_outcomes_and_fingerprints():
    from ansible_collections.sitekit.core.plugins.module_utils.pve_client import normalise_fingerprint, task_outcome

    assert task_outcome("OK") == ("ok", 0) and task_outcome("WARNINGS: 3") == ("warnings", 3)
    assert task_outcome("clone failed: no space left") == ("error", 0) and task_outcome(None) == ("error", 0)
    pin = ":".join(["A1"] * 32)
    assert normalise_fingerprint(pin) == "a1" * 32 and normalise_fingerprint("A1:B2") is None


def test_restored_copy_nics_go_link_down():
    restore = module("pve_restore")
    config = {"net0": "virtio=BC:24:11:5E:4A:01,bridge=vmbr0,tag=10", "net1": "e1000=BC:24:11:5E:4A:02,bridge=vmbr1,link_down=0",
              "scsi0": "san-lvm:vm-900101-disk-0,size=80G", "name": "dc01"}
    assert restore.link_down(config) == {"net0": "virtio=BC:24:11:5E:4A:01,bridge=vmbr0,tag=10,link_down=1",
                                         "net1": "e1000=BC:24:11:5E:4A:02,bridge=vmbr1,link_down=1"}
    assert restore.connected("virtio=BC:24:11:5E:4A:01,bridge=vmbr0,link_down=1") == "virtio=BC:24:11:5E:4A:01,bridge=vmbr0"


def test_ha_rule_writes_never_pass_through_an_infeasible_set():
    rule_calls = module("pve_ha").rule_calls
    current = {"n1": {"type": "node-affinity", "nodes": "pve1", "resources": "vm:101,vm:103"},
               "n2": {"type": "node-affinity", "nodes": "pve2", "resources": "vm:102"},
               "spread": {"type": "resource-affinity", "affinity": "negative", "resources": "vm:101,vm:102"}}
    want = [{"rule": "n1", "type": "node-affinity", "nodes": "pve1", "resources": "vm:102,vm:103"},
            {"rule": "n2", "type": "node-affinity", "nodes": "pve2", "resources": "vm:101"},
            {"rule": "spread", "type": "resource-affinity", "affinity": "negative", "resources": "vm:101,vm:102"},
            {"rule": "n3", "type": "node-affinity", "nodes": "pve3", "resources": "vm:104"}]
    update = {"n1": {"resources": "vm:102,vm:103"}, "n2": {"resources": "vm:101"}}
    calls = rule_calls(current, want, [want[3]], update, [], [])
    # n1 keeps vm:103 first; n2 would keep nothing: deleted, then created again with vm:101
    assert calls == [("DELETE", "cluster/ha/rules/n2", {}),
                     ("PUT", "cluster/ha/rules/n1", {"type": "node-affinity", "resources": "vm:103"}),
                     ("PUT", "cluster/ha/rules/n1", {"type": "node-affinity", "resources": "vm:102,vm:103"}),
                     ("POST", "cluster/ha/rules", want[3]), ("POST", "cluster/ha/rules", want[1])]
