"""sitekit.core.pve_backup_job, scenario by scenario on the PVE simulator (rcr's two vzdump jobs)."""

from __future__ import annotations

import copy

import pve_fixtures
import pytest
from pve_scenarios import NO_WRITE, Row, applied, play

pytestmark = pytest.mark.integration  # runs the PVE API simulator

rcr_desired, via = pve_fixtures.rcr_desired, pve_fixtures.via
RETENTION = "keep-daily=7,keep-monthly=2,keep-weekly=6"


def jobs(desired: dict) -> dict:
    return {"jobs": desired["backup_jobs"]}


def one_more_week(desired: dict) -> dict:
    """The nightly job keeps 6 weekly copies instead of 5."""
    changed = copy.deepcopy(desired["backup_jobs"])
    changed[0]["prune-backups"] = RETENTION
    return {"jobs": changed}


def as_declared(sim, desired, args, module):
    """The jobs as the model declares them (before the row's change)."""
    applied(sim, desired, jobs(desired), module)


def weekly(sim) -> int:
    return sim.cluster.backup_jobs["sitekit-nightly"]["prune-backups"]["keep-weekly"]


def one_put(sim, result, desired) -> bool:
    """Only the option that differs is sent; the diff shows the value it replaces."""
    (put,) = [params for method, template, params in sim.log if method == "PUT"]
    before = result["diff"]["before"]["sitekit-nightly"]["prune-backups"]
    return put == {"prune-backups": RETENTION} and before == "keep-daily=7,keep-monthly=2,keep-weekly=5" and weekly(sim) == 6


ROWS = [
    Row("noop", jobs, given=(applied,), changed=False, writes=NO_WRITE,
        result=lambda r, d: {"created": [], "updated": {}}),
    Row("noop-check", jobs, given=(applied,), check=True, changed=False, writes=NO_WRITE),
    Row("create", jobs, changed=True, writes={"POST /cluster/backup": 2},
        result=lambda r, d: {"created": ["sitekit-nightly", "sitekit-second-copy"]},
        then=lambda sim, r, d: sim.cluster.backup_jobs["sitekit-second-copy"]["schedule"] == "sun 05:00"),
    Row("create-check", jobs, check=True, changed=True, writes=NO_WRITE,
        then=lambda sim, r, d: not sim.cluster.backup_jobs),
    Row("retention-change", one_more_week, given=(as_declared,), changed=True, writes={"PUT /cluster/backup/{id}": 1},
        result=lambda r, d: {"updated": {"sitekit-nightly": {"prune-backups": RETENTION}}}, then=one_put),
    Row("retention-change-pve8", one_more_week, given=(as_declared,), changed=True, writes={"PUT /cluster/backup/{id}": 1},
        then=one_put, version=8),
    Row("retention-change-check", one_more_week, given=(as_declared,), check=True, changed=True, writes=NO_WRITE,
        result=lambda r, d: {"updated": {"sitekit-nightly": {"prune-backups": RETENTION}}},
        then=lambda sim, r, d: weekly(sim) == 5),
    Row("job-without-id-refused", lambda d: {"jobs": [{k: v for k, v in d["backup_jobs"][0].items() if k != "id"}]},
        failed=r"every job needs an 'id'", writes=NO_WRITE),
]


@pytest.mark.parametrize("row", [r.param() for r in ROWS])
@pytest.mark.requirement("SPEC-3-retention")
def test_pve_backup_job(rcr_site, rcr_desired, row, via):
    play(rcr_site, rcr_desired, "pve_backup_job", row, via)
