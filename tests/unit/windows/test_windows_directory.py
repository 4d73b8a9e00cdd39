"""Directory decisions computed from inventories/rcr: the shutdown GPO reaches the workstations (linked
to the OUs of their purposes, new computers created there, never the servers' OU), built-in members by
RID, the administrators' groups of each host, and the gMSA phase of a fresh forest."""

from __future__ import annotations

import copy

import pytest
from ansible_collections.sitekit.core.plugins.plugin_utils.site import windows as sw
from windows_testlib import modified, rcr


def test_the_shutdown_gpo_is_linked_to_the_ous_where_workstations_are_created():
    task, directory = sw.shutdown_task(rcr()), sw.directory(rcr())
    assert task.target_ous == (directory.ou["workstations"], directory.ou["thin_clients"])
    assert task.new_computers_ou == directory.ou["workstations"] in task.target_ous
    assert directory.ou["servers"] not in task.target_ous, "servers never shut down at 20:00"


@pytest.mark.parametrize(("gpo", "new_computers", "message"), [
    ({"target_purposes": ["workstations", "servers"]}, "workstations", "may not target the OU of 'servers'"),
    ({"target_purposes": ["thin_clients"]}, "workstations", "not linked to"),
    ({"target_purposes": ["workstations", "kiosks"]}, "workstations", "no OU has the purpose 'kiosks'"),
])
def test_a_gpo_that_misses_the_workstations_or_hits_the_servers_is_refused(gpo, new_computers, message):
    windows = copy.deepcopy(rcr().vars["site_windows"])
    windows["shutdown_gpo"].update(gpo)
    windows["new_computers"] = new_computers
    with pytest.raises(sw.WindowsPlanError, match=message):
        sw.shutdown_task(modified(site_windows=windows))


def test_built_in_members_are_given_by_rid_not_by_a_localised_name():
    groups = {g.name: g for g in sw.ad_groups(rcr())}
    assert groups["GG-SQL-Admins"].member_rids == (500,) and groups["GG-SQL-Admins"].members == ()
    assert "Administrateur" not in str(rcr().vars["site_windows"]["groups"])
    assert {"GG-Cegid-Utilisateurs", "GG-Cegid-Admins"} <= set(groups)


def test_rds_admins_administer_every_rds_server_and_nothing_else():
    site = rcr()
    rds = set(site.group("rds"))
    for host in site.group("windows"):
        assert sw.local_admin_groups(site, host) == (("RCR\\GG-RDS-Admins",) if host in rds else ()), host


def test_gmsa_wait_until_the_kds_root_key_is_usable():
    """Phase 1 of a fresh forest: the key was just created, the gMSA waits 10 h (come back after HH:MM)."""
    fresh = sw.gmsa_phase({"effective_utc": "2026-05-04T08:00:00Z", "now_utc": "2026-05-04T08:01:00Z", "utc_offset_minutes": 120})
    assert not fresh.ready and fresh.come_back_after == "20:00"
    assert "Come back after 20:00" in fresh.message and "run playbooks/windows.yml again" in fresh.message
    later = sw.gmsa_phase({"effective_utc": "2026-05-04T08:00:00Z", "now_utc": "2026-05-04T18:00:00Z", "utc_offset_minutes": 120})
    assert later.ready and later.come_back_after is None
    lab = sw.gmsa_phase({"effective_utc": "2026-05-03T22:01:00Z", "now_utc": "2026-05-04T08:01:00Z", "utc_offset_minutes": 0})
    assert lab.ready, "a key dated 10 h back (lab only) is usable at once"


def test_gmsa_phase_before_any_key_and_across_midnight():
    none = sw.gmsa_phase({"effective_utc": None, "now_utc": "2026-05-04T20:30:00Z", "utc_offset_minutes": 60})
    assert not none.ready and none.come_back_after == "2026-05-05 07:30"
    with pytest.raises(sw.WindowsPlanError.__mro__[1], match="ISO 8601"):
        sw.gmsa_phase({"effective_utc": "yesterday", "now_utc": "2026-05-04T20:30:00Z"})
