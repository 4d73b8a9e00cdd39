"""sitekit.core.pve_vms, scenario by scenario on the PVE simulator (rcr's dc01: VMID 101 on pve1, from
template 9002 on pve1's local-lvm)."""

from __future__ import annotations

import copy

import pve_fixtures
import pytest
from pve_harness import run
from pve_scenarios import NO_WRITE, Row, applied, play

pytestmark = pytest.mark.integration  # runs the PVE API simulator

rcr_desired, via = pve_fixtures.rcr_desired, pve_fixtures.via
CREATED = {"POST /nodes/{node}/qemu/{vmid}/clone": 1, "PUT /nodes/{node}/qemu/{vmid}/config": 1,
           "PUT /nodes/{node}/qemu/{vmid}/resize": 1, "POST /nodes/{node}/qemu/{vmid}/status/start": 1}


def dc01(desired: dict, **change) -> dict:
    vm = copy.deepcopy(next(v for v in desired["vms"] if v["name"] == "dc01"))
    return {**vm, **change}


def vms(desired: dict) -> dict:
    return {"vms": [dc01(desired)]}


def scsi0(desired: dict, size_gb: int) -> dict:
    vm = dc01(desired)
    vm["disks"][0]["size_gb"] = size_gb
    return {"vms": [vm]}


def storages(sim, desired, args, module):
    run(sim, "pve_storage", {"storages": desired["storages"]})


def as_declared(sim, desired, args, module):
    applied(sim, desired, vms(desired), module)


def tagged_99(sim, desired, args, module):
    """Someone moved dc01's NIC to VLAN 99 by hand."""
    config = sim.cluster.vms[101]["config"]
    config["net0"] = config["net0"].rsplit(",tag=", 1)[0] + ",tag=99"


def tag(sim) -> str:
    return sim.cluster.vms[101]["config"]["net0"].rsplit(",tag=", 1)[1]


def size_gb(desired: dict) -> int:
    return dc01(desired)["disks"][0]["size_gb"]


ROWS = [
    Row("noop", vms, given=(storages, applied), changed=False, writes=NO_WRITE,
        result=lambda r, d: {"created": [], "updated": {}, "resized": {}, "started": [], "rebooted": []}),
    Row("noop-check", vms, given=(storages, applied), check=True, changed=False, writes=NO_WRITE),
    Row("create", vms, given=(storages,), changed=True, writes=CREATED,
        result=lambda r, d: {"created": [101], "migrated": [], "started": [101]},
        then=lambda sim, r, d: sim.cluster.vms[101]["status"] == "running"),
    Row("create-check", vms, given=(storages,), check=True, changed=True, writes=NO_WRITE,
        result=lambda r, d: {"created": [101], "started": []},
        then=lambda sim, r, d: 101 not in sim.cluster.vms),
    Row("nic-drift", vms, given=(storages, applied, tagged_99), changed=True,
        writes={"PUT /nodes/{node}/qemu/{vmid}/config": 1},
        then=lambda sim, r, d: tag(sim) == str(dc01(d)["net0"]["tag"]) and list(r["updated"]["101"]) == ["net0"]),
    Row("nic-drift-check", vms, given=(storages, applied, tagged_99), check=True, changed=True, writes=NO_WRITE,
        then=lambda sim, r, d: tag(sim) == "99" and list(r["updated"]["101"]) == ["net0"]),
    Row("disk-grown", lambda d: scsi0(d, size_gb(d) + 20), given=(storages, as_declared), changed=True,
        writes={"PUT /nodes/{node}/qemu/{vmid}/resize": 1},
        result=lambda r, d: {"resized": {"101": {"scsi0": f"{size_gb(d) + 20}G"}}}),
    Row("disk-never-shrunk", lambda d: scsi0(d, size_gb(d) - 20), given=(storages, as_declared), changed=False,
        writes=NO_WRITE,
        result=lambda r, d: {"warnings_by_vm": {
            "101": [f"scsi0 is {size_gb(d)} GB, declared {size_gb(d) - 20} GB: disks are never shrunk"]}}),
    Row("not-a-template-refused", lambda d: {"vms": [dc01(d, template=9999)]}, given=(storages,),
        failed=r"^VM dc01 \(101\): template 9999 is not a template on this cluster$", writes=NO_WRITE),
]


@pytest.mark.parametrize("row", [r.param() for r in ROWS])
def test_pve_vms(rcr_site, rcr_desired, row, via):
    play(rcr_site, rcr_desired, "pve_vms", row, via)
