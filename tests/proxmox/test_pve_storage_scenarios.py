"""sitekit.core.pve_storage, scenario by scenario on the PVE simulator (rcr's storages)."""

from __future__ import annotations

import pve_fixtures
import pytest
from pve_scenarios import NO_WRITE, Row, applied, play

pytestmark = pytest.mark.integration  # runs the PVE API simulator

rcr_desired, via = pve_fixtures.rcr_desired, pve_fixtures.via


def storages(desired: dict) -> dict:
    return {"storages": desired["storages"]}


def edited(key: str, value: str, storage: str = "nas-backup"):
    """Someone changed a storage outside the toolkit."""
    def step(sim, desired, args, module):
        sim.cluster.storage[storage][key] = value
    return step


def names(desired: dict) -> list:
    return [s["storage"] for s in desired["storages"]]


ROWS = [
    Row("noop", storages, given=(applied,), changed=False, writes=NO_WRITE,
        result=lambda r, d: {"created": [], "updated": {}, "removed": []}),
    Row("noop-check", storages, given=(applied,), check=True, changed=False, writes=NO_WRITE),
    Row("create", storages, changed=True, writes={"POST /storage": 4},
        result=lambda r, d: {"created": names(d)},
        then=lambda sim, r, d: set(names(d)) <= set(sim.cluster.storage)),
    Row("create-check", storages, check=True, changed=True, writes=NO_WRITE,
        result=lambda r, d: {"created": names(d)},
        then=lambda sim, r, d: not set(names(d)) & set(sim.cluster.storage)),
    Row("drift", storages, given=(applied, edited("content", "backup,iso")), changed=True,
        writes={"PUT /storage/{storage}": 1}),
    Row("drift-check", storages, given=(applied, edited("content", "backup,iso")), check=True, changed=True,
        writes=NO_WRITE),
    Row("fixed-option-refused", storages, given=(applied, edited("export", "/volume2/other")),
        failed=r"export is '/volume2/other'", writes=NO_WRITE),
]


@pytest.mark.parametrize("row", [r.param() for r in ROWS])
def test_pve_storage(rcr_site, rcr_desired, row, via):
    play(rcr_site, rcr_desired, "pve_storage", row, via)
