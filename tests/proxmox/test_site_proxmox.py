"""The Proxmox view of the site model, the pvecm parser and the modules' compare logic (no API)."""

from __future__ import annotations

import pve_fixtures
import pytest
from ansible_collections.sitekit.core.plugins.module_utils.pve_client import prune_string
from ansible_collections.sitekit.core.plugins.module_utils.pve_format import net0_string
from ansible_collections.sitekit.core.plugins.module_utils.pve_pvecm import ha_allowed, parse_pvecm_status
from ansible_collections.sitekit.core.plugins.plugin_utils.site import proxmox as sp
from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import SiteError
from ansible_collections.sitekit.core.plugins.plugin_utils.site.timing import DAYS, in_window, maintenance_windows
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
    (job,) = rcr_desired["backup_jobs"]
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
    job = sp.backup_job(_backup_site({**backup, "schedule": "22:00", "days": ["mon", "wed"]}), [102, 101])
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
    assert rules["sitekit-pve1"]["nodes"] == "pve1:2,pve2:1,pve3:1"


def test_ha_groups_pve8(rcr_desired):
    groups = {g["group"]: g for g in rcr_desired["ha_groups"]}
    assert set(groups) == {"sitekit-pve1", "sitekit-pve2", "sitekit-pve3"}
    res8 = sp.ha_resources(rcr_desired["ha"], 8)
    res9 = sp.ha_resources(rcr_desired["ha"], 9)
    assert all(r["group"] in groups for r in res8) and all("group" not in r for r in res9)


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
    compare = module("pve_vms").compare
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
