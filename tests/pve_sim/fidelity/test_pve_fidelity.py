"""The simulator answers like a real cluster: each case of cases.yml on each PVE version it names.

A refused request must get PVE's status, message and errors; an accepted one must succeed (and
its task end with the expected exit status, and the state read back as PVE returns it).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import requests
import yaml
from sitekit_paths import REPO

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.pve_sim import PveSim  # noqa: E402

CASES = yaml.safe_load((Path(__file__).parent / "cases.yml").read_text())
TEMPLATE = 9010  # a template on local-lvm (LVM-thin), as a fresh node keeps it


def _disk(vmid: int, storage: str = "local-lvm", size: int = 10) -> str:
    return f"{storage}:vm-{vmid}-disk-0,size={size}G"


def _vm(sim, vmid: int, node: str, status: str = "stopped", **config):
    base = {"name": f"vm{vmid}", "cores": "2", "memory": "2048", "scsi0": _disk(vmid), "scsihw": "virtio-scsi-single",
            "net0": f"virtio=BC:24:11:00:{vmid // 100:02X}:{vmid % 100:02X},bridge=vmbr0"}
    sim.cluster.add_vm(vmid, node, {**base, **config}, status)


# ---- named setups ("given") --------------------------------------------------------------------
def given_vms(sim, api):
    for vmid, node in ((101, "pve1"), (102, "pve2"), (103, "pve3"), (104, "pve1")):
        _vm(sim, vmid, node)


def given_ha_resources(sim, api):
    given_vms(sim, api)
    for vmid in (101, 102, 103, 104):
        _ok(api("POST", "/cluster/ha/resources", {"sid": f"vm:{vmid}", "state": "started"}))


def given_ha_groups_not_migrated(sim, api):
    """A cluster upgraded from PVE 8: groups.cfg still holds a group its resources name."""
    sim.cluster.ha_groups["g1"] = {"nodes": "pve1:2,pve2", "restricted": 0, "nofailback": 0}
    for sid in ("vm:101", "vm:102"):
        sim.cluster.ha_resources[sid]["group"] = "g1"


def given_ha_groups_migrated_by_crm(sim, api):
    r = requests.post(f"http://127.0.0.1:{sim.port}/_sim/ha-migrate-groups", timeout=10)
    assert r.ok, r.text


def given_san(sim, api):
    _ok(api("POST", "/storage", {"storage": "san-iscsi", "type": "iscsi", "portal": "10.0.10.5",
                                 "target": "iqn.2000-01.com.synology:rcr-san.vmstore", "content": "none"}))
    _ok(api("POST", "/storage", {"storage": "san-lvm", "type": "lvm", "vgname": "vg_san", "shared": "1",
                                 "content": "images"}))


def given_template_on_san(sim, api):
    """A template made on the shared thick LVM: `qm template` keeps its disk (no base image there)."""
    _vm(sim, 9020, "pve1", name="tpl-san", template="1", scsi0=_disk(9020, "san-lvm"))


def given_nas(sim, api):
    _ok(api("POST", "/storage", {"storage": "nas-backup", "type": "nfs", "server": "10.0.10.6",
                                 "export": "/volume1/pve-backup", "content": "backup"}))


def given_nas_server_offline(sim, api):
    """The NAS (10.0.10.6) stops answering (PveSim.offline)."""
    sim.offline("10.0.10.6")


def given_san_48g(sim, api):
    """The SAN's volume group (san-lvm, after given: san) is 48 GiB (Cluster.capacity)."""
    sim.cluster.capacity["san-lvm"] = 48 * 2**30


def given_san_almost_full(sim, api):
    """The SAN's volume group holds 32 GiB and 16 MiB; a 32 GiB disk (given: running-vm) leaves 16 MiB free."""
    sim.cluster.capacity["san-lvm"] = 32 * 2**30 + 16 * 2**20


def given_two_disks_on_san(sim, api):
    """VM 121 (stopped) has two 8 GiB disks on san-lvm (after given: san), whose VG is 28 GiB: 12 GiB are free."""
    _vm(sim, 121, "pve1", scsi0=_disk(121, "san-lvm", 8), scsi1="san-lvm:vm-121-disk-1,size=8G")
    sim.cluster.capacity["san-lvm"] = 28 * 2**30


def given_pbs(sim, api):
    """A Proxmox Backup Server storage (10.0.10.7), written to storage.cfg as pvesm add pbs leaves it."""
    sim.cluster.storage["pbs-backup"] = {"type": "pbs", "server": "10.0.10.7", "datastore": "store1",
                                         "username": "sitekit@pbs", "content": "backup"}


def given_pbs_server_offline(sim, api):
    """The backup server (10.0.10.7) stops answering (PveSim.offline)."""
    sim.offline("10.0.10.7")


def given_running_vm(sim, api):
    _vm(sim, 120, "pve1", status="running", scsi0=_disk(120, "san-lvm", 32))


def given_agent(sim, api):
    """VM 120 (after given: running-vm) has the guest agent enabled."""
    sim.cluster.vms[120]["config"]["agent"] = "1"


def given_locked_vm(sim, api):
    """VM 101 (after given: vms) holds a config lock (a backup running on it)."""
    sim.cluster.vms[101]["config"]["lock"] = "backup"


def given_pending_nic_on_missing_bridge(sim, api):
    """VM 120 (running) keeps a NIC move that failed to hot-plug pending (after given: running-vm)."""
    sim.cluster.vms[120]["pending"]["net0"] = "virtio=BC:24:11:00:01:14,bridge=vmbr99"


def given_archive(sim, api):
    """A vzdump archive of VM 120 (on san-lvm) on the NAS, as a nightly job leaves it."""
    from tests.pve_sim.handlers.backup import make_archive

    given_san(sim, api)
    given_nas(sim, api)
    _vm(sim, 120, "pve1", scsi0=_disk(120, "san-lvm", 32))
    sim.cluster.content.setdefault("nas-backup", [])
    make_archive(sim.cluster, "nas-backup", 120, "zstd")


def given_orphan_disk(sim, api):
    """An image of VM 101 (after given: vms) on pve1's local-lvm that no config names (a restore that failed after
    the allocation leaves such volumes)."""
    sim.cluster.orphans["local-lvm:vm-101-disk-5"] = {"size": 4 * 2**30, "node": "pve1"}


def given_protected_archive_vm(sim, api):
    """VM 120 (after given: archive) has protection set."""
    sim.cluster.vms[120]["config"]["protection"] = "1"


def given_locked_archive_vm(sim, api):
    """VM 120 (after given: archive) is locked by a backup."""
    sim.cluster.vms[120]["config"]["lock"] = "backup"


def given_running_archive_vm(sim, api):
    """VM 120 (after given: archive) runs."""
    sim.cluster.vms[120]["status"] = "running"


GIVEN = {name[len("given_"):].replace("_", "-"): fn for name, fn in globals().items() if name.startswith("given_")}


# ---- helpers -----------------------------------------------------------------------------------
def _ok(response):
    assert response.status_code == 200, f"{response.status_code} {response.text}"
    return response


def _subset(expected, actual, where="data"):
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: {actual!r} is not an object"
        for key, value in expected.items():
            if value is None:
                assert key not in actual, f"{where}.{key} should be absent, is {actual.get(key)!r}"
            else:
                assert key in actual, f"{where}.{key} missing in {actual!r}"
                _subset(value, actual[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), f"{where}: {actual!r} has not {len(expected)} items"
        for i, (want, got) in enumerate(zip(expected, actual, strict=True)):
            _subset(want, got, f"{where}[{i}]")
    else:
        assert actual == expected, f"{where}: {actual!r} != {expected!r}"


def _resolve(api, params: dict, sim=None) -> dict:
    """``"@digest:<path>"`` stands for the digest read from <path> just before the request,
    ``"@archive"`` for the volume id of the newest backup archive (given: archive)."""
    out = dict(params or {})
    for key, value in out.items():
        if isinstance(value, str) and value.startswith("@digest:"):
            out[key] = _ok(api("GET", value[len("@digest:"):])).json()["data"]["digest"]
        elif value == "@archive":
            out[key] = sim.cluster.content["nas-backup"][-1]["volid"]
    return out


@pytest.fixture
def sim_api(request):
    version = request.param
    sim = PveSim(version=version, templates={"debian12": TEMPLATE}, task_duration=0).start()
    session = requests.Session()
    session.trust_env = False
    session.headers["Authorization"] = f"PVEAPIToken={sim.token}"

    def api(method, path, params=None):
        kw = {"params": params} if method in ("GET", "DELETE") else {"data": params}
        return session.request(method, f"{sim.url}{path}", timeout=10, **kw)
    yield sim, api
    sim.stop()


def _ids():
    return [(case, v) for case in CASES for v in case["versions"]]


@pytest.mark.parametrize(("case", "sim_api"), [pytest.param(c, v, id=f"{c['id']}-pve{v}") for c, v in _ids()],
                         indirect=["sim_api"])
def test_case(case, sim_api):
    sim, api = sim_api
    for name in case.get("given", []):
        GIVEN[name](sim, api)
    for method, path, params in case.get("steps", []):
        response = _ok(api(method, path, _resolve(api, params)))
        data = response.json()["data"]
        if isinstance(data, str) and data.startswith("UPID:"):
            status = api("GET", f"/nodes/{data.split(':')[1]}/tasks/{data}/status").json()["data"]
            assert status.get("exitstatus") == "OK", status
    method, path, params = case["request"]
    response = api(method, path, _resolve(api, params, sim))
    expect = case["expect"]
    body = response.json()
    assert response.status_code == expect["status"], body
    if "message" in expect:
        assert body.get("message") == expect["message"]
    if "errors" in expect:
        assert body.get("errors") == expect["errors"]
    if expect["status"] != 200:
        assert body["data"] is None
    if "data" in expect:
        _subset(expect["data"], body["data"])
    if "task" in expect:
        upid = body["data"]
        status = _ok(api("GET", f"/nodes/{upid.split(':')[1]}/tasks/{upid}/status")).json()["data"]
        assert (status["status"], status.get("exitstatus")) == ("stopped", expect["task"])
    if "task_match" in expect:  # a task whose error names what changes between runs (an archive's time, a PID)
        upid = body["data"]
        status = _ok(api("GET", f"/nodes/{upid.split(':')[1]}/tasks/{upid}/status")).json()["data"]
        assert status["status"] == "stopped" and re.fullmatch(expect["task_match"], status.get("exitstatus", "")), status
    for (then_method, then_path, then_params), expected in case.get("then", []):
        _subset(expected, _ok(api(then_method, then_path, then_params)).json()["data"], then_path)


def test_corpus_covers_each_rule_both_ways():
    """At least 40 cases, each citing its source, refused and accepted requests both present."""
    assert len(CASES) >= 40
    assert all(c.get("source") and c.get("rule") for c in CASES)
    assert len({c["id"] for c in CASES}) == len(CASES)
    refused = [c for c in CASES if c["expect"]["status"] != 200 or c["expect"].get("task", "OK") != "OK"
               or "task_match" in c["expect"]]
    assert len(refused) >= 20 and len(CASES) - len(refused) >= 20
    assert set(GIVEN) >= {name for c in CASES for name in c.get("given", [])}
