"""sitekit.core.pve_restore, scenario by scenario on the PVE simulator: the PRA drill of rcr's dc01.

A drill is not idempotent by design (the module's documentation): it never overwrites a VM, so the
row where the cluster already is as asked (the copy exists) is refused, changes nothing and writes
nothing, in check mode too."""

from __future__ import annotations

import pve_fixtures
import pytest
from pve_harness import run
from pve_scenarios import NO_WRITE, Row, applied, play

pytestmark = pytest.mark.integration  # runs the PVE API simulator

rcr_desired, via = pve_fixtures.rcr_desired, pve_fixtures.via
DRILL = {"vmid": 101, "target_vmid": 900101, "node": "pve2", "backup_storage": "nas-backup", "storage": "san-lvm"}
RESTORED = {"POST /nodes/{node}/qemu": 1, "PUT /nodes/{node}/qemu/{vmid}/config": 1,
            "POST /nodes/{node}/qemu/{vmid}/status/start": 1}


def drill(desired: dict, **change) -> dict:
    return {**DRILL, **change}


def dc01_running(sim, desired, args, module):
    run(sim, "pve_storage", {"storages": desired["storages"]})
    run(sim, "pve_backup_job", {"jobs": desired["backup_jobs"]})
    run(sim, "pve_vms", {"vms": [next(v for v in desired["vms"] if v["name"] == "dc01")]})


def nightly(sim, desired, args, module):
    sim.run_backup_jobs()


def latest_archive(sim) -> str:
    return [v["volid"] for v in sim.cluster.content["nas-backup"] if v["vmid"] == 101][-1]


BACKED_UP = (dc01_running, nightly)

ROWS = [
    Row("restore", drill, given=BACKED_UP, changed=True, writes=RESTORED,
        then=lambda sim, r, d: r["archive"] == latest_archive(sim) and sim.cluster.vms[900101]["status"] == "running"
        and sim.cluster.vms[900101]["config"]["net0"].endswith(",link_down=1")),
    Row("restore-check", drill, given=BACKED_UP, check=True, changed=True, writes=NO_WRITE,
        then=lambda sim, r, d: r["archive"] == latest_archive(sim) and 900101 not in sim.cluster.vms),
    Row("restore-not-isolated", lambda d: drill(d, isolate=False), given=BACKED_UP, changed=True,
        writes={"POST /nodes/{node}/qemu": 1, "POST /nodes/{node}/qemu/{vmid}/status/start": 1},
        result=lambda r, d: {"isolated": {}, "bring_up": []}),
    Row("noop-copy-exists-refused", drill, given=(*BACKED_UP, applied),
        failed=r"^VMID 900101 already exists: choose a free VMID for the drill$", writes=NO_WRITE),
    Row("noop-copy-exists-refused-check", drill, given=(*BACKED_UP, applied), check=True,
        failed=r"^VMID 900101 already exists", writes=NO_WRITE),
    Row("no-backup-refused", drill, given=(dc01_running,),
        failed=r"^no backup of VM 101 on storage nas-backup$", writes=NO_WRITE),
]


@pytest.mark.parametrize("row", [r.param() for r in ROWS])
def test_pve_restore(rcr_site, rcr_desired, row, via):
    play(rcr_site, rcr_desired, "pve_restore", row, via)
