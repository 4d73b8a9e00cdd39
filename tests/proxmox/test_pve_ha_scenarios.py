"""sitekit.core.pve_ha, scenario by scenario on the PVE simulator: rcr's HA resources with node-affinity
and resource-affinity rules on PVE 9, with HA groups on PVE 8."""

from __future__ import annotations

import pve_fixtures
import pytest
from pve_harness import ha_args
from pve_scenarios import NO_WRITE, Row, applied, play

pytestmark = pytest.mark.integration  # runs the PVE API simulator

rcr_desired, via = pve_fixtures.rcr_desired, pve_fixtures.via


def ha(desired: dict) -> dict:
    return ha_args(desired)


def vms_present(sim, desired, args, module):
    """The declared VMs exist (HA only takes an existing VM: pve-ha-manager Resources/PVEVM.pm exists)."""
    for vm in desired["vms"]:
        sim.cluster.add_vm(vm["vmid"], vm["node"], {"name": vm["name"]})


def pve1_rule_moved(sim, desired, args, module):
    """Someone pointed the rule of pve1's VMs at pve3."""
    sim.cluster.ha_rules["sitekit-pve1"]["nodes"] = "pve3"


def third_node_gone(sim, desired, args, module):
    """The cluster has two members left (pve3 removed with pvecm delnode)."""
    sim.cluster.nodes.remove("pve3")


def created_9(desired: dict) -> dict:
    return {"POST /cluster/ha/resources": len(desired["ha_resources"]), "POST /cluster/ha/rules": len(desired["ha_rules"])}


def created_8(desired: dict) -> dict:
    return {"POST /cluster/ha/groups": len(desired["ha_groups"]), "POST /cluster/ha/resources": len(desired["ha_resources"])}


ROWS = [
    Row("noop", ha, given=(vms_present, applied), changed=False, writes=NO_WRITE,
        result=lambda r, d: {"actions": [], "mode": "rules"}),
    Row("noop-check", ha, given=(vms_present, applied), check=True, changed=False, writes=NO_WRITE),
    Row("noop-pve8-groups", ha, given=(vms_present, applied), changed=False, writes=NO_WRITE, version=8,
        result=lambda r, d: {"actions": [], "mode": "groups"}),
    Row("create", ha, given=(vms_present,), changed=True, writes=created_9,
        then=lambda sim, r, d: set(sim.cluster.ha_rules) == {x["rule"] for x in d["ha_rules"]}),
    Row("create-check", ha, given=(vms_present,), check=True, changed=True, writes=NO_WRITE,
        then=lambda sim, r, d: not sim.cluster.ha_resources and not sim.cluster.ha_rules),
    Row("create-pve8-groups", ha, given=(vms_present,), changed=True, writes=created_8, version=8,
        then=lambda sim, r, d: set(sim.cluster.ha_groups) == {x["group"] for x in d["ha_groups"]}),
    Row("rule-drift", ha, given=(vms_present, applied, pve1_rule_moved), changed=True,
        writes={"PUT /cluster/ha/rules/{rule}": 1},
        result=lambda r, d: {"actions": ["PUT /cluster/ha/rules/sitekit-pve1"]},
        then=lambda sim, r, d: sim.cluster.ha_rules["sitekit-pve1"]["nodes"] == "pve1"),
    Row("rule-drift-check", ha, given=(vms_present, applied, pve1_rule_moved), check=True, changed=True,
        writes=NO_WRITE, result=lambda r, d: {"actions": ["PUT /cluster/ha/rules/sitekit-pve1"]},
        then=lambda sim, r, d: sim.cluster.ha_rules["sitekit-pve1"]["nodes"] == "pve3"),
    Row("groups-on-pve9-refused", lambda d: ha_args(d, mode="groups"), given=(vms_present,),
        failed=r"^PVE 9 replaces HA groups by HA rules", writes=NO_WRITE),
    Row("rules-on-pve8-refused", lambda d: ha_args(d, mode="rules"), given=(vms_present,), version=8,
        failed=r"^HA rules need PVE 9; this cluster runs 8\.", writes=NO_WRITE),
    # the vote rule (module_utils/pve_pvecm.py ha_votes, as validation applies it): refused before any write
    Row("two-nodes-refused", ha, given=(vms_present, third_node_gone), failed=r"^HA refused: 2 node\(s\) and no "
        r"voting QDevice = 2 vote\(s\); HA needs 3$", writes=NO_WRITE),
    Row("two-nodes-refused-check", ha, given=(vms_present, third_node_gone), check=True,
        failed=r"^HA refused: 2 node\(s\)", writes=NO_WRITE),
    Row("two-nodes-and-qdevice-accepted", lambda d: ha_args(d, qdevice=True),
        given=(vms_present, applied, third_node_gone), changed=False, writes=NO_WRITE),
    Row("no-resources-no-vote-check", lambda d: {"resources": []}, given=(third_node_gone,), changed=False,
        writes=NO_WRITE),
]


@pytest.mark.parametrize("row", [r.param() for r in ROWS])
def test_pve_ha(rcr_site, rcr_desired, row, via):
    play(rcr_site, rcr_desired, "pve_ha", row, via)
