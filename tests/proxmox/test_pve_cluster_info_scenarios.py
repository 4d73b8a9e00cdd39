"""sitekit.core.pve_cluster_info, scenario by scenario on the PVE simulator.

A read-only module: every row reports changed=False and writes nothing; the "change" row is a
cluster that differs from the model (a fourth node joined) and is only reported as it is."""

from __future__ import annotations

import pve_fixtures
import pytest
from pve_scenarios import NO_WRITE, Row, play

pytestmark = pytest.mark.integration  # runs the PVE API simulator

rcr_desired, via = pve_fixtures.rcr_desired, pve_fixtures.via
NODES = ["pve1", "pve2", "pve3"]


def none(desired: dict) -> dict:
    return {}


def node_joined(sim, desired, args, module):
    sim.cluster.nodes.append("pve4")


def facts(major: int, nodes=NODES):
    return lambda r, d: {"major": major, "cluster_name": "rcr-pve", "nodes": list(nodes), "online": list(nodes), "quorate": True}


ROWS = [
    Row("noop", none, changed=False, writes=NO_WRITE, result=facts(9)),
    Row("noop-check", none, check=True, changed=False, writes=NO_WRITE, result=facts(9)),
    Row("noop-pve8", none, changed=False, writes=NO_WRITE, result=facts(8), version=8),
    Row("fourth-node-reported", none, given=(node_joined,), changed=False, writes=NO_WRITE,
        result=facts(9, NODES + ["pve4"])),
    Row("fourth-node-reported-check", none, given=(node_joined,), check=True, changed=False, writes=NO_WRITE,
        result=facts(9, NODES + ["pve4"])),
    Row("bad-token-refused", lambda d: {"api_token_secret": "not-the-secret"}, failed=r"^GET /version failed: 401 authentication failure$", writes=NO_WRITE),
]


@pytest.mark.parametrize("row", [r.param() for r in ROWS])
def test_pve_cluster_info(rcr_site, rcr_desired, row, via):
    play(rcr_site, rcr_desired, "pve_cluster_info", row, via)
