"""The cluster create/join decision (module_utils/pve_pvecm.join_plan) on every node's membership."""

from __future__ import annotations

from ansible_collections.sitekit.core.plugins.module_utils.pve_pvecm import join_plan

NODES = ["pve1", "pve2", "pve3"]
MEMBER = {"in_cluster": True, "name": "site-pve"}
OTHER = {"in_cluster": True, "name": "other"}
ALONE = {"in_cluster": False, "name": None}


def plan(node, own, others, check=False):
    return join_plan(node, own, others, NODES, "pve1", "site-pve", check)


def test_a_member_does_nothing():
    assert plan("pve2", MEMBER, {})["action"] == "none"


def test_fresh_nodes_the_first_creates():
    p = plan("pve1", ALONE, {"pve2": ALONE, "pve3": ALONE})
    assert (p["action"], p["error"]) == ("create", "")


def test_a_node_joins_through_the_first_member_in_inventory_order():
    assert plan("pve3", ALONE, {"pve1": MEMBER, "pve2": MEMBER})["via"] == "pve1"
    assert plan("pve3", ALONE, {"pve1": OTHER, "pve2": MEMBER})["via"] == "pve2"


def test_a_reinstalled_first_node_joins_instead_of_creating_a_second_cluster():
    p = plan("pve1", ALONE, {"pve2": MEMBER, "pve3": MEMBER})
    assert (p["action"], p["via"]) == ("join", "pve2")


def test_the_first_node_does_not_create_while_a_node_is_unknown():
    p = plan("pve1", ALONE, {"pve2": ALONE, "pve3": None})
    assert p["action"] == "none" and "pve3 could not be read" in p["error"]


def test_a_later_node_before_the_cluster_exists_is_refused_and_planned_in_check_mode():
    assert "no node of the inventory is a member yet" in plan("pve2", ALONE, {"pve1": ALONE, "pve3": ALONE})["error"]
    p = plan("pve2", ALONE, {"pve1": ALONE, "pve3": ALONE}, check=True)
    assert (p["action"], p["via"], p["error"]) == ("join", "pve1", "")
