"""Validation and the converge run the same rule: what validation accepts, the views compute.

Each merged rule (maintenance windows, Cegid sizing, collation, Internet inbound, HA votes, RDS
threshold) is checked both ways on the same modified site: validation reports a problem exactly
when the view the roles call refuses. Regression for the 00:00–00:00 window that validation
accepted and the Proxmox view refused during the converge.
"""

from __future__ import annotations

import pytest
import sites
from ansible_collections.sitekit.core.plugins.filter.proxmox import pve_ha_votes
from ansible_collections.sitekit.core.plugins.module_utils.pve_pvecm import ha_allowed
from ansible_collections.sitekit.core.plugins.plugin_utils.site import windows as sw
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import SiteError
from ansible_collections.sitekit.core.plugins.plugin_utils.site.proxmox import desired_state
from ansible_collections.sitekit.core.plugins.plugin_utils.site.registry import validate


def errors(site) -> list[str]:
    return [str(p) for p in validate(site) if p.severity == "error"]


def view_refuses(compute) -> str | None:
    try:
        compute()
    except SiteError as exc:
        return exc.message
    return None


def window(start, end, days=("mon", "tue", "wed", "thu", "fri", "sat", "sun")):
    return {"name": "w", "days": list(days), "start": start, "end": end}


@pytest.mark.parametrize(("windows", "schedule", "refused"), [
    ([window("00:00", "00:00")], "21:30", True),  # the review's case: ambiguous, refused by both
    ([window("00:00", "24:00")], "12:00", False),  # a whole day
    ([window("20:00", "07:00")], "21:30", False),
    ([window("20:00", "07:00")], "06:59", False),
    ([window("20:00", "07:00")], "07:00", True),
    ([window("22:00", "23:00", ["sat", "sun"])], "22:30", True),  # the job runs every day
    ([window("20:00", "07:00")], "24:00", True),  # not a time of day for a schedule
])
@pytest.mark.requirement("SPEC-7-maintenance", "SPEC-3-nas-backup")
def test_backup_window_validation_and_proxmox_view_agree(windows, schedule, refused):
    site = sites.modified(site_maintenance_windows=windows,
                          site_backup={**sites.site().vars["site_backup"], "schedule": schedule})
    view = view_refuses(lambda: desired_state(site))
    found = [e for e in errors(site) if "site_maintenance_windows" in e or "site_backup.schedule" in e]
    assert bool(view) is refused
    assert bool(found) is refused, found
    if refused:
        assert any(view in e for e in found), (view, found)


@pytest.mark.parametrize("collation", ["French_CI_AS", "Latin1_General_CI_AS", "French_CS_AS", "French_CI_AI", "French_BIN2"])
def test_collation_validation_and_sql_setup_agree(collation):
    sql = {**sites.site().vars["site_cegid"]["sql"], "collation": collation}
    site = sites.modified(site_cegid={**sites.site().vars["site_cegid"], "sql": sql})
    view = view_refuses(lambda: sw.sql_setup(site, "sql01"))
    found = [e for e in errors(site) if "site_cegid.sql.collation" in e]
    assert bool(view) is (not collation.endswith("_CI_AS"))
    assert len(found) == (1 if view else 0)


@pytest.mark.parametrize(("memory_mb", "vcpu", "refused"), [(24576, 8, False), (12288, 8, True), (24576, 2, True)])
def test_session_host_sizing_validation_and_role_check_agree(memory_mb, vcpu, refused):
    vm = {**sites.site().hosts["rdsh01"].vars["vm"], "memory_mb": memory_mb, "vcpu": vcpu}
    site = sites.modified(rdsh01__vm=vm)
    role_check = sw.sizing_check(site)
    found = [e for e in errors(site) if "host rdsh01" in e]
    assert role_check.ok is not refused
    assert len(found) == len(role_check.errors)
    for problem, verdict in zip(sorted(found), sorted(role_check.errors), strict=True):
        assert verdict.split(": ", 1)[1] in problem


def test_rds_threshold_validation_and_role_check_agree():
    site = sites.modified()
    site.groups["rds_session_hosts"] = []
    verdict = sw.sizing_check(site).errors
    assert any("need an RDS farm (mandatory beyond 15)" in v for v in verdict)
    assert any("need an RDS farm (mandatory beyond 15)" in e for e in errors(site))


def test_inbound_internet_rule_validation_and_firewall_view_agree():
    rules = [dict(r) for r in sites.site().vars["site_cegid_firewall"]]
    rules[0] = {**rules[0], "direction": "in", "scope": ["internet"]}
    site = sites.modified(site_cegid_firewall=rules)
    view = view_refuses(lambda: sw.firewall_rules(site))
    assert view == "an inbound rule may not admit the Internet"
    assert [e for e in errors(site) if view in e and "site_cegid_firewall[0].scope" in e]


@pytest.mark.parametrize(("nodes", "qdevice", "allowed"), [(3, False, True), (2, True, True), (2, False, False), (1, True, False)])
@pytest.mark.requirement("SPEC-3-ha")
def test_ha_votes_validation_cluster_and_ha_roles_agree(nodes, qdevice, allowed):
    site = sites.modified(site_proxmox={**sites.site().vars["site_proxmox"], "qdevice": {"host": "dc01"} if qdevice else None})
    site.groups["proxmox_nodes"] = sites.site().group("proxmox_nodes")[:nodes]
    for name in site.vms:
        site.hosts[name].vars["vm"] = {**site.hosts[name].vars["vm"], "node": site.groups["proxmox_nodes"][0]}
    found = [e for e in errors(site) if "[ha-quorum]" in e]
    status = {"members": [{"nodeid": i} for i in range(nodes)], "total_votes": nodes + (1 if qdevice else 0),
              "qdevice": qdevice}
    assert pve_ha_votes(nodes, qdevice)["allowed"] is allowed  # the HA role (API member count)
    assert ha_allowed(status, qdevice)[0] is allowed  # the cluster role (pvecm status)
    assert bool(found) is (not allowed)
