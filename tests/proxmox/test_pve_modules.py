"""The pve_* modules' paths the strict simulator makes reachable: task waits (warnings, failures,
timeouts), both clone paths and the rollback, fixed storage options per type, certificate checks,
HA rule ordering on PVE 9 and PVE's refusal text. Each test names what it proves."""

from __future__ import annotations

import copy
import hashlib
import ssl
import time
from pathlib import Path

import pve_fixtures
import pytest
import sites
from ansible_collections.sitekit.core.plugins.plugin_utils.site.proxmox import desired_state
from pve_harness import ModuleFailed, converge, ha_args, run

pytestmark = pytest.mark.integration  # runs the PVE API simulator

rcr_site, rcr_desired, fresh_sim = pve_fixtures.rcr_site, pve_fixtures.rcr_desired, pve_fixtures.fresh_sim

NINE = pytest.mark.parametrize("fresh_sim", [9], indirect=True, ids=["pve9"])
BOTH = pytest.mark.parametrize("fresh_sim", [8, 9], indirect=True, ids=["pve8", "pve9"])


def _vm(rcr_desired, name: str) -> dict:
    return copy.deepcopy(next(v for v in rcr_desired["vms"] if v["name"] == name))


def _storages(sim, rcr_desired):
    run(sim, "pve_storage", {"storages": rcr_desired["storages"]})


def _status_reads(sim) -> int:
    return sim.counts.get("GET /nodes/{node}/tasks/{upid}/status", 0)


# ---- task waits ----------------------------------------------------------------------------------
@NINE
def test_task_ending_with_warnings_is_accepted_and_its_warnings_shown(fresh_sim, rcr_desired, capsys):
    sim = fresh_sim
    _storages(sim, rcr_desired)
    sim.tasks.warn(type="qmclone", count=2, message="disk image has unaligned size")
    result = run(sim, "pve_vms", {"vms": [_vm(rcr_desired, "dc01")]})
    assert result["created"] == [101] and sim.cluster.vms[101]["status"] == "running"
    err = capsys.readouterr().err
    # the task's WARN lines become warnings (Ansible shows two identical ones once)
    assert "clone of template 9002 to VM 101 (dc01)" in err and "WARN: disk image has unaligned size" in err


@NINE
def test_failed_task_fails_the_module_with_the_error_and_the_upid(fresh_sim, rcr_desired):
    sim = fresh_sim
    _storages(sim, rcr_desired)
    sim.tasks.fail(type="qmstart", message="start failed: QEMU exited with code 1")
    with pytest.raises(ModuleFailed, match=r"start of VM 101 failed: start failed: QEMU exited with code 1 \(task UPID:pve1:") as exc:
        run(sim, "pve_vms", {"vms": [_vm(rcr_desired, "dc01")]})
    assert exc.value.result["upid"].startswith("UPID:pve1:") and ":qmstart:101:" in exc.value.result["upid"]
    assert sim.cluster.vms[101]["status"] == "stopped"


@NINE
def test_task_still_running_at_the_timeout_returns_its_upid_and_polls_back_off(fresh_sim, rcr_desired):
    sim = fresh_sim
    _storages(sim, rcr_desired)
    sim.tasks.stall(type="qmclone")
    sim.reset_counts()
    t0 = time.monotonic()
    with pytest.raises(ModuleFailed, match=r"clone of template 9002 to VM 101 \(dc01\) still running after 5 s; it goes on as "
                                          r"task UPID:pve1:\S+:qmclone:9002:") as exc:
        run(sim, "pve_vms", {"vms": [_vm(rcr_desired, "dc01")], "timeout": 5})
    assert 4.9 < time.monotonic() - t0 < 8
    result = exc.value.result
    assert result["task_status"] == "running" and result["upid"] in sim.cluster.tasks.tasks
    # 10 ms, doubling up to 2 s: 10 reads in 5 s (a fixed 0.2 s period would make 25)
    assert _status_reads(sim) <= 11, sim.counts
    sim.release(result["upid"])  # the task the module left running ends later: the clone is there
    run(sim, "pve_vms", {"vms": [_vm(rcr_desired, "dc01")], "timeout": 5})
    assert sim.cluster.vms[101]["node"] == "pve1" and sim.cluster.vms[101]["status"] == "running"


@NINE
def test_a_short_task_is_seen_ending_within_a_few_reads(fresh_sim, rcr_desired):
    sim = fresh_sim
    _storages(sim, rcr_desired)
    sim.reset_counts()
    run(sim, "pve_vms", {"vms": [_vm(rcr_desired, "dc01")]})  # clone + start, 20 ms each
    # Reads at 10, 20, 40, 80 ms… see a 20 ms task end within 4 reads on a quiet machine; one more each
    # leaves room for a busy CI host (CI saw 9 at load 2), still far from hammering the API.
    assert _status_reads(sim) <= 2 * 5, sim.counts


# ---- clones --------------------------------------------------------------------------------------
@BOTH
def test_template_on_local_storage_clones_on_its_node_then_migrates(fresh_sim, rcr_desired):
    sim = fresh_sim
    _storages(sim, rcr_desired)
    dc02 = _vm(rcr_desired, "dc02")  # pve2; the templates are on pve1's local-lvm
    check = run(sim, "pve_vms", {"vms": [dc02]}, check=True)
    assert check["created"] == [102] and check["migrated"] == [102]
    assert check["diff"]["after"]["dc02"]["clone"] == {"source_node": "pve1", "storage": "san-lvm", "migrate_to": "pve2"}
    result = run(sim, "pve_vms", {"vms": [dc02]})
    vm = sim.cluster.vms[102]
    assert result["migrated"] == [102] and vm["node"] == "pve2" and vm["status"] == "running"
    assert vm["config"]["scsi0"].startswith("san-lvm:vm-102-disk-0")
    (clone,) = [params for method, template, params in sim.log if template.endswith("/clone")]
    assert "target" not in clone and clone["storage"] == "san-lvm"


@BOTH
def test_template_on_shared_storage_clones_straight_to_the_node(fresh_sim, rcr_desired):
    sim = fresh_sim
    _storages(sim, rcr_desired)
    # a template kept on the shared SAN LVM (thick LVM: `qm template` leaves the disk as it is)
    sim.cluster.add_vm(9030, "pve1", {"name": "tpl-san", "cores": "2", "memory": "2048", "template": "1",
                                      "scsi0": "san-lvm:vm-9030-disk-0,size=10G", "net0": "virtio=BC:24:11:00:00:30,bridge=vmbr0"})
    dc02 = {**_vm(rcr_desired, "dc02"), "template": 9030}
    result = run(sim, "pve_vms", {"vms": [dc02]})
    assert result["migrated"] == [] and sim.cluster.vms[102]["node"] == "pve2"
    (clone,) = [params for method, template, params in sim.log if template.endswith("/clone")]
    assert clone["target"] == "pve2" and "POST /nodes/{node}/qemu/{vmid}/migrate" not in sim.counts


@NINE
def test_failed_migration_removes_the_fresh_clone(fresh_sim, rcr_desired):
    sim = fresh_sim
    _storages(sim, rcr_desired)
    sim.tasks.fail(type="qmigrate", message="migration aborted")
    with pytest.raises(ModuleFailed, match="offline migration of the new VM 102 .dc02. from pve1 to pve2 failed: migration aborted"):
        run(sim, "pve_vms", {"vms": [_vm(rcr_desired, "dc02")]})
    assert 102 not in sim.cluster.vms and sim.counts["DELETE /nodes/{node}/qemu/{vmid}"] == 1
    sim.tasks.clear()
    run(sim, "pve_vms", {"vms": [_vm(rcr_desired, "dc02")]})  # the next run starts again from nothing
    assert sim.cluster.vms[102]["node"] == "pve2"


@NINE
def test_failed_migration_removes_a_fresh_clone_protected_by_its_template(fresh_sim, rcr_desired):
    """A clone copies the template's protection and PVE refuses to destroy a protected VM: the rollback clears the
    clone's protection (the template keeps its own) before it destroys the clone."""
    sim = fresh_sim
    _storages(sim, rcr_desired)
    dc02 = _vm(rcr_desired, "dc02")
    sim.cluster.vms[int(dc02["template"])]["config"]["protection"] = "1"
    sim.tasks.fail(type="qmigrate", message="migration aborted")
    with pytest.raises(ModuleFailed, match="offline migration of the new VM 102 .dc02. from pve1 to pve2 failed: migration aborted"):
        run(sim, "pve_vms", {"vms": [dc02]})
    assert 102 not in sim.cluster.vms and sim.counts["PUT /nodes/{node}/qemu/{vmid}/config"] == 1
    assert sim.cluster.vms[int(dc02["template"])]["config"]["protection"] == "1"


@NINE
def test_refused_rollback_names_itself_and_the_error_it_follows(fresh_sim, rcr_desired, monkeypatch):
    """The rollback's own calls can be refused (here a backup job locks the clone meanwhile): the error names the
    rollback and the migration's error, which the operator would otherwise never see."""
    sim = fresh_sim
    _storages(sim, rcr_desired)
    dc02 = _vm(rcr_desired, "dc02")
    sim.cluster.vms[int(dc02["template"])]["config"]["protection"] = "1"
    sim.tasks.fail(type="qmigrate", message="migration aborted")
    handle = sim.handle

    def backup_starts_first(method, path, params, headers):
        if method == "PUT" and path == "/nodes/pve1/qemu/102/config":
            sim.cluster.vms[102]["config"]["lock"] = "backup"
        return handle(method, path, params, headers)
    monkeypatch.setattr(sim, "handle", backup_starts_first)
    with pytest.raises(ModuleFailed, match=r"^pve_vms failed: removal of the unfinished clone 102 on pve1 \(after: offline migration of the "
                                           r"new VM 102 \(dc02\) from pve1 to pve2 failed: migration aborted .*\): "
                                           r"PUT /nodes/pve1/qemu/102/config failed: 500 VM is locked \(backup\)"):
        run(sim, "pve_vms", {"vms": [dc02]})
    assert 102 in sim.cluster.vms  # left for the operator, with the reason


@NINE
def test_failed_reboot_fails_the_run(fresh_sim, rcr_desired):
    sim = fresh_sim
    _storages(sim, rcr_desired)
    sql01 = _vm(rcr_desired, "sql01")
    run(sim, "pve_vms", {"vms": [sql01]})
    sim.tasks.fail(type="qmreboot", message="VM quit/powerdown failed")
    with pytest.raises(ModuleFailed, match="reboot of VM 140 .sql01. to apply its pending changes failed"):
        run(sim, "pve_vms", {"vms": [{**sql01, "cores": 6}], "reboot_pending": True})
    assert sim.cluster.vms[140]["pending"] == {"cores": "6"}


# ---- storage -------------------------------------------------------------------------------------
@BOTH
def test_fixed_options_follow_the_storage_type(fresh_sim):
    sim = fresh_sim
    ceph = {"storage": "ceph-vm", "type": "rbd", "pool": "vm-a", "content": "images"}
    run(sim, "pve_storage", {"storages": [ceph]})
    # an RBD pool is not fixed (pve-storage RBDPlugin.pm options): updated, not refused
    moved = run(sim, "pve_storage", {"storages": [{**ceph, "pool": "vm-b"}]})
    assert moved["updated"] == {"ceph-vm": {"pool": "vm-b"}} and sim.cluster.storage["ceph-vm"]["pool"] == "vm-b"
    # an LVM-thin pool is (LvmThinPlugin.pm options: thinpool fixed): the module says so before any write
    sim.reset_counts()
    with pytest.raises(ModuleFailed, match=r"storage local-lvm: thinpool is 'data', wanted 'other' \(fixed at creation"):
        run(sim, "pve_storage", {"storages": [{"storage": "local-lvm", "type": "lvmthin", "thinpool": "other", "vgname": "pve"}]})
    assert sim.writes() == {}


@BOTH
def test_dir_path_with_a_trailing_slash_is_created_once(fresh_sim):
    """PVE stores a dir storage's path canonical (DirPlugin.pm check_config: canonpath) and the path is fixed:
    the declared /srv/backup/ is /srv/backup, so the second run changes nothing instead of failing on it."""
    sim = fresh_sim
    usb = {"storage": "usb-backup", "type": "dir", "path": "/srv//backup/", "content": "backup"}
    assert run(sim, "pve_storage", {"storages": [usb]})["created"] == ["usb-backup"]
    assert sim.cluster.storage["usb-backup"]["path"] == "/srv/backup"
    sim.reset_counts()
    again = run(sim, "pve_storage", {"storages": [usb]})
    assert again["changed"] is False and sim.writes() == {}
    # another path is still refused before any write (fixed at creation)
    with pytest.raises(ModuleFailed, match=r"path is '/srv/backup', wanted '/srv/other/' \(fixed at creation"):
        run(sim, "pve_storage", {"storages": [{**usb, "path": "/srv/other/"}]})
    assert sim.writes() == {}


@BOTH
def test_empty_storage_option_is_left_out(fresh_sim):
    """An empty value reaches PVE as undefined, which it refuses ("got undefined value for option"): the
    module leaves the option out, on creation and on an existing storage."""
    sim = fresh_sim
    nas = {
        "storage": "nas2",
        "type": "nfs",
        "server": "10.0.10.6",
        "export": "/volume1/x",
        "content": "backup",
        "options": "",
    }
    assert run(sim, "pve_storage", {"storages": [nas]})["created"] == ["nas2"]
    assert [params for method, _, params in sim.log if method == "POST"][-1].get("options", "absent") == "absent"
    sim.cluster.storage["nas2"]["options"] = "vers=4.2"
    sim.reset_counts()
    again = run(sim, "pve_storage", {"storages": [nas]})
    assert again["changed"] is False and sim.writes() == {} and sim.cluster.storage["nas2"]["options"] == "vers=4.2"


@BOTH
def test_storage_on_a_server_that_does_not_answer_fails_naming_it(fresh_sim):
    """PVE activates a new storage and keeps nothing when its server does not answer (Config.pm create,
    Storage.pm activate_storage): the run fails with PVE's reason, naming the storage and what it created
    before; the storages after it are not created; once the server answers, the next run creates the rest."""
    sim = fresh_sim
    storages = [
        {"storage": "usb-backup", "type": "dir", "path": "/srv/backup", "content": "backup"},
        {"storage": "nas2", "type": "nfs", "server": "10.0.10.6", "export": "/volume1/x", "content": "backup"},
        {"storage": "iso", "type": "dir", "path": "/srv/iso", "content": "iso"},
    ]
    sim.offline("10.0.10.6")
    with pytest.raises(
        ModuleFailed,
        match=r"storage nas2 \(created before it: usb-backup\): POST /storage failed: "
        r"500 create storage failed: storage 'nas2' is not online",
    ):
        run(sim, "pve_storage", {"storages": storages})
    assert {"usb-backup", "nas2", "iso"} & set(sim.cluster.storage) == {"usb-backup"}
    sim.online("10.0.10.6")
    assert run(sim, "pve_storage", {"storages": storages})["created"] == ["nas2", "iso"]


@BOTH
def test_ha_resource_empty_comment_is_left_out(fresh_sim):
    """An empty value reaches PVE as undefined, which it refuses ("got undefined value for option"): pve_ha
    leaves it out, so the resource is created and the next run changes nothing."""
    sim = fresh_sim
    sim.cluster.add_vm(101, "pve1", {"name": "vm101", "cores": "1", "memory": "512"})
    args = {"resources": [{"sid": "vm:101", "state": "started", "comment": ""}], "purge": False}
    run(sim, "pve_ha", args)
    assert "comment" not in sim.cluster.ha_resources["vm:101"]
    sim.reset_counts()
    assert run(sim, "pve_ha", args)["changed"] is False and sim.writes() == {}


# ---- backup jobs ---------------------------------------------------------------------------------
JOB = {"id": "j1", "schedule": "21:30", "vmid": "101", "storage": "local", "mode": "snapshot"}


@BOTH
@pytest.mark.parametrize(
    "retention",
    [
        "keep-daily=0",
        "keep-all=0,keep-daily=7",
        "keep-all=yes",
        {"keep_all": True},
        {"keep-daily": 7, "keep-weekly": 0},
    ],
)
def test_backup_job_retention_compared_as_pve_keeps_it(fresh_sim, retention):
    """PVE normalises prune-backups (pve-storage validate_prune_backups: keep-all=0 dropped, no positive
    keep-* is keep-all=1; keep-all is a boolean, yes included): the second run changes nothing."""
    sim = fresh_sim
    job = {**JOB, "prune-backups": retention}
    assert run(sim, "pve_backup_job", {"jobs": [job]})["created"] == ["j1"]
    sim.reset_counts()
    again = run(sim, "pve_backup_job", {"jobs": [job]})
    assert again["changed"] is False and sim.writes() == {}


@BOTH
def test_backup_job_empty_option_is_not_set(fresh_sim):
    """An empty value reaches PVE as undefined, which it refuses ("got undefined value for option"): the
    module leaves it out of a new job and deletes it from an existing one."""
    sim = fresh_sim
    job = {**JOB, "comment": "", "mailto": ""}
    run(sim, "pve_backup_job", {"jobs": [job]})
    (posted,) = [params for method, _, params in sim.log if method == "POST"]
    assert "comment" not in posted and "mailto" not in posted
    sim.cluster.backup_jobs["j1"]["comment"] = "set by hand"
    sim.reset_counts()
    cleared = run(sim, "pve_backup_job", {"jobs": [job]})
    assert cleared["updated"] == {"j1": {"delete": "comment"}} and "comment" not in sim.cluster.backup_jobs["j1"]
    assert "comment" not in cleared["diff"]["after"]["j1"]
    sim.reset_counts()
    assert run(sim, "pve_backup_job", {"jobs": [job]})["changed"] is False and sim.writes() == {}


@BOTH
def test_backup_job_numbers_compared_with_pve_numbers(fresh_sim):
    """PVE returns a job's integer options as numbers (SectionConfig check_value): declared as numbers or
    as text, the second run changes nothing."""
    sim = fresh_sim
    job = {**JOB, "bwlimit": 10000, "zstd": "2", "ionice": 7, "lockwait": "30"}
    run(sim, "pve_backup_job", {"jobs": [job]})
    sim.reset_counts()
    assert run(sim, "pve_backup_job", {"jobs": [job]})["changed"] is False and sim.writes() == {}


# ---- certificates --------------------------------------------------------------------------------
def _fingerprint(sim) -> str:
    der = ssl.PEM_cert_to_DER_cert(Path(sim.certfile).read_text().split("-----BEGIN PRIVATE KEY-----")[0])
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i:i + 2] for i in range(0, 64, 2))


@pytest.mark.parametrize("fresh_sim", [8], indirect=True, ids=["pve8"])
def test_certificate_checked_by_ca_path_or_pinned_fingerprint(fresh_sim):
    sim = fresh_sim
    assert run(sim, "pve_cluster_info", {})["major"] == 8  # harness: ca_path = the simulator's certificate
    with pytest.raises(ModuleFailed, match="cannot reach the Proxmox VE API.*CERTIFICATE_VERIFY_FAILED"):
        run(sim, "pve_cluster_info", {"ca_path": None})  # the public CA bundle does not know it
    pinned = {"ca_path": None, "api_fingerprint": _fingerprint(sim)}
    assert run(sim, "pve_cluster_info", pinned)["major"] == 8
    wrong = "AA:" * 31 + "AA"
    with pytest.raises(ModuleFailed, match="cannot reach the Proxmox VE API.*[Ff]ingerprint"):
        run(sim, "pve_cluster_info", {**pinned, "api_fingerprint": wrong})
    with pytest.raises(ModuleFailed, match="api_fingerprint must be the SHA-256 fingerprint"):
        run(sim, "pve_cluster_info", {**pinned, "api_fingerprint": "AB:CD"})
    sim.reset_counts()
    with pytest.raises(ModuleFailed, match="api_fingerprint needs token authentication"):
        run(sim, "pve_cluster_info", {**pinned, "api_token_id": None, "api_token_secret": None, "api_password": sim.password})
    assert "POST /access/ticket" not in sim.counts  # the password was never sent


# ---- HA rules on PVE 9 ----------------------------------------------------------------------------
def _desired_with(**changes) -> dict:
    return desired_state(sites.modified(**changes))


def _swap(site, a: str, b: str) -> dict:
    """host__vm changes that exchange the preferred nodes of two VMs."""
    va, vb = copy.deepcopy(site.vms[a]), copy.deepcopy(site.vms[b])
    va["node"], vb["node"] = vb["node"], va["node"]
    return {f"{a}__vm": va, f"{b}__vm": vb}


@NINE
def test_preferred_nodes_swapped_without_an_infeasible_step(fresh_sim, rcr_desired, rcr_site):
    sim = fresh_sim
    converge(sim, rcr_desired)
    swapped = _desired_with(**_swap(rcr_site, "dc01", "dc02"))
    sim.reset_counts()
    result = run(sim, "pve_ha", ha_args(swapped))
    rules = sim.cluster.ha_rules
    assert "vm:101" in rules["sitekit-pve2"]["resources"] and "vm:102" in rules["sitekit-pve1"]["resources"]
    # each rule first drops the VM that leaves it, then takes the one that comes
    assert result["actions"] == ["PUT /cluster/ha/rules/sitekit-pve1", "PUT /cluster/ha/rules/sitekit-pve2",
                                 "PUT /cluster/ha/rules/sitekit-pve1", "PUT /cluster/ha/rules/sitekit-pve2"]
    assert not run(sim, "pve_ha", ha_args(swapped))["changed"]


@NINE
def test_rules_left_by_an_earlier_version_are_rewritten_whole(fresh_sim, rcr_desired):
    """What the former rule set left on a PVE 9 cluster: node-affinity rules with several priorities,
    the first negative rule refused. Each update sends type and resources (pve-ha-manager 5.0/5.1
    fails an update without resources)."""
    sim = fresh_sim
    converge(sim, rcr_desired)
    for rid, rule in list(sim.cluster.ha_rules.items()):
        if rule["type"] == "resource-affinity":
            del sim.cluster.ha_rules[rid]
        else:
            node = rule["nodes"]
            rule["nodes"] = ",".join(f"{n}:{2 if n == node else 1}" for n in ("pve1", "pve2", "pve3"))
    sim.reset_counts()
    result = run(sim, "pve_ha", ha_args(rcr_desired))
    puts = [params for method, template, params in sim.log if method == "PUT"]
    assert len(puts) == 3 and all({"type", "resources", "nodes"} <= set(p) for p in puts)
    assert result["actions"].count("POST /cluster/ha/rules") == len([r for r in rcr_desired["ha_rules"]
                                                                     if r["type"] == "resource-affinity"])
    assert sim.cluster.ha_rules["sitekit-pve1"]["nodes"] == "pve1"


@NINE
def test_a_rule_disabled_by_hand_is_enabled_again_and_stays_so(fresh_sim, rcr_desired):
    """update_rule drops disable=0, so sending it left the rule disabled and the module changed on every run: the
    module deletes the key instead."""
    sim = fresh_sim
    converge(sim, rcr_desired)
    sim.cluster.ha_rules["sitekit-pve1"]["disable"] = 1  # an operator paused it in the GUI
    desired = copy.deepcopy(rcr_desired)
    next(r for r in desired["ha_rules"] if r["rule"] == "sitekit-pve1")["disable"] = 0
    assert run(sim, "pve_ha", ha_args(desired))["changed"]
    assert "disable" not in sim.cluster.ha_rules["sitekit-pve1"]
    assert not run(sim, "pve_ha", ha_args(desired))["changed"]


@NINE
def test_a_refused_rule_fails_with_pves_reason(fresh_sim, rcr_desired):
    sim = fresh_sim
    converge(sim, rcr_desired)
    del sim.cluster.ha_rules["sitekit-pve1"]
    # someone else's rule already places dc01: PVE allows one node-affinity rule per resource
    sim.cluster.ha_rules["pinned-by-hand"] = {"type": "node-affinity", "nodes": "pve3", "resources": "vm:101", "order": 99}
    # the whole reason (the body's message), not only the status line's first line
    with pytest.raises(ModuleFailed, match=r"POST /cluster/ha/rules failed: 500 create ha rule failed: 400 Rule 'sitekit-pve1' "
                                           r"is invalid\. resources: resource 'vm:101' is already used in another node affinity rule"):
        run(sim, "pve_ha", ha_args(rcr_desired))


# ---- the drill's and the resize's task paths ----------------------------------------------------------
def _backed_up(sim, rcr_desired):
    _storages(sim, rcr_desired)
    run(sim, "pve_backup_job", {"jobs": rcr_desired["backup_jobs"]})
    run(sim, "pve_vms", {"vms": [_vm(rcr_desired, "dc01")]})
    sim.run_backup_jobs()


DRILL = {"vmid": 101, "target_vmid": 900101, "node": "pve2", "backup_storage": "nas-backup", "storage": "san-lvm"}


@NINE
def test_failed_restore_fails_the_drill_and_leaves_no_vm(fresh_sim, rcr_desired):
    sim = fresh_sim
    _backed_up(sim, rcr_desired)
    sim.tasks.fail(type="qmrestore", message="unable to restore VM 900101 - no space left on device")
    sim.reset_counts()
    with pytest.raises(ModuleFailed, match=r"restore of nas-backup:backup/vzdump-qemu-101-\S+ as VM 900101 failed: unable to "
                                          r"restore VM 900101 - no space left on device \(task UPID:pve2:"):
        run(sim, "pve_restore", DRILL)
    # PVE leaves the failed restore's VM ("NOT cleaned up"); the drill's partial copy is removed
    assert 900101 not in sim.cluster.vms and sim.counts["DELETE /nodes/{node}/qemu/{vmid}"] == 1
    assert "PUT /nodes/{node}/qemu/{vmid}/config" not in sim.counts
    sim.tasks.clear()
    assert run(sim, "pve_restore", DRILL)["archive"]  # the next drill can use the VMID again


@NINE
def test_restore_still_running_returns_its_upid(fresh_sim, rcr_desired):
    sim = fresh_sim
    _backed_up(sim, rcr_desired)
    sim.tasks.stall(type="qmrestore")
    with pytest.raises(ModuleFailed, match="still running after 2 s; it goes on as task UPID:pve2:") as exc:
        run(sim, "pve_restore", {**DRILL, "timeout": 2})
    assert ":qmrestore:900101:" in exc.value.result["upid"]
    assert sim.cluster.vms[900101]["config"] == {"lock": "create"}  # not started, not unplugged yet: still restoring


@NINE
def test_failed_resize_fails_the_run(fresh_sim, rcr_desired):
    sim = fresh_sim
    _storages(sim, rcr_desired)
    dc01 = _vm(rcr_desired, "dc01")
    run(sim, "pve_vms", {"vms": [dc01]})
    dc01["disks"][0]["size_gb"] = 120
    sim.tasks.fail(type="resize", message="lvextend failed: insufficient free space")
    with pytest.raises(ModuleFailed, match=r"resize of scsi0 of VM 101 to 120G failed: lvextend failed: insufficient free space"):
        run(sim, "pve_vms", {"vms": [dc01]})
    assert sim.cluster.vms[101]["config"]["scsi0"].endswith("size=80G")


@BOTH
def test_empty_name_or_cpu_is_removed_not_sent_empty(fresh_sim, rcr_desired):
    """An empty value reaches PVE as undefined, which the config update refuses ("unable to parse value of 'cpu' - got
    undefined value", qemu-server QemuServer.pm check_type): pve_vms unsets an empty ``cpu``/``name`` with ``delete``
    when the VM has one and sends nothing when it has none; an empty ``cores``/``memory`` is not managed."""
    sim = fresh_sim
    _storages(sim, rcr_desired)
    dc01 = _vm(rcr_desired, "dc01")
    run(sim, "pve_vms", {"vms": [dc01]})
    sim.cluster.vms[101]["config"]["cpu"] = "host"
    first = run(sim, "pve_vms", {"vms": [{**dc01, "cpu": "", "cores": "", "memory": None}]})
    # dc01 runs: the CPU type is not hot-pluggable, its removal is pending until the VM restarts
    assert first["updated"] == {"101": {"cpu": None}} and sim.cluster.vms[101]["pending"] == {"cpu": None}
    assert first["pending"] == {"101": {"cpu": {"current": "host", "pending": None}}}
    assert [params for method, _, params in sim.log if method == "PUT"][-1] == {"delete": "cpu"}
    sim.reset_counts()
    again = run(sim, "pve_vms", {"vms": [{**dc01, "cpu": None, "cores": ""}]})
    assert again["changed"] is False and sim.writes() == {}


@NINE
def test_pve9_before_group_migration_our_group_left_by_an_undeclared_vm_is_removed(fresh_sim, rcr_desired):
    """An upgraded cluster whose CRM has not migrated the groups yet: PVE refuses every rule while groups.cfg holds a
    group (pve-ha-manager src/PVE/API2/HA/Rules.pm create_rule "ha groups have not been migrated yet",
    src/PVE/HA/Config.pm have_groups_been_migrated), and a group a resource names cannot be deleted
    (src/PVE/API2/HA/Groups.pm delete "ha group is used by service"). A VM taken out of the site but still
    HA-managed keeps our group: with purge it leaves that group too, so our groups go and the rules are created."""
    sim = fresh_sim
    c = sim.cluster
    converge(sim, rcr_desired)
    c.ha_rules.clear()
    for sid in c.ha_resources:
        c.ha_resources[sid]["group"] = f"sitekit-{c.vms[int(sid[3:])]['node']}"
    c.ha_groups.update({f"sitekit-{n}": {"nodes": n, "restricted": 0, "nofailback": 0} for n in c.nodes})
    gone = sorted(c.ha_resources)[0]  # a VM the site no longer declares, still HA-managed
    c.ha_resources[gone]["group"] = "sitekit-old"
    c.ha_groups["sitekit-old"] = {"nodes": "pve3", "restricted": 0, "nofailback": 0}
    desired = copy.deepcopy(rcr_desired)
    desired["ha_resources"] = [r for r in desired["ha_resources"] if r["sid"] != gone]
    run(sim, "pve_ha", ha_args(desired))
    assert not c.ha_groups and c.ha_groups_migrated
    assert {r["rule"] for r in desired["ha_rules"]} <= set(c.ha_rules)
    assert "group" not in c.ha_resources[gone]
    assert not run(sim, "pve_ha", ha_args(desired))["changed"]
