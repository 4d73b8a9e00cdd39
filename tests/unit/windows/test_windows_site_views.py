"""DHCP scopes, reverse zones, update rings and the shutdown task computed from inventories/rcr;
the filters turn a model error into an AnsibleFilterError."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.sitekit.core.plugins.filter import windows as wf
from ansible_collections.sitekit.core.plugins.plugin_utils.site import windows as sw
from windows_testlib import modified, rcr


@pytest.mark.requirement("SPEC-2-dhcp-relay")
def test_dhcp_scopes_cover_the_client_vlans():
    scopes = sw.dhcp_scopes(rcr())
    assert [s.vlan for s in scopes] == [30, 40]
    first = scopes[0]
    assert (first.scope_id, first.subnet_mask, first.start, first.end) == ("10.0.30.0", "255.255.255.0", "10.0.30.50", "10.0.30.250")
    assert first.router == "10.0.30.1", "the GLBP virtual gateway"
    assert first.dns_servers == ("10.0.10.21", "10.0.10.22") and first.dns_domain == "rcr.local"


def test_a_dhcp_range_over_the_gateway_is_refused():
    windows = {**rcr().vars["site_windows"], "dhcp": {**rcr().vars["site_windows"]["dhcp"], "range_first_host": 2}}
    with pytest.raises(sw.WindowsPlanError, match=r"\.2 \(primary router\)"):
        sw.dhcp_scopes(modified(site_windows=windows))


def test_reverse_zones():
    assert sw.reverse_zones(rcr()) == ("10.0.10.in-addr.arpa", "20.0.10.in-addr.arpa", "30.0.10.in-addr.arpa", "40.0.10.in-addr.arpa")


def test_pilot_ring_is_the_second_host_of_each_pair():
    site = rcr()
    pilot = sorted(h for h in site.group("windows") if sw.update_ring(site, h).name == "pilote")
    assert pilot == ["dc02", "rdcb02", "rdgw02", "rdlic02", "rdsh02", "rdvh02", "rdweb02"]
    general = sw.update_ring(site, "sql01")
    assert general.name == "general" and general.defer_quality_days == 7 and general.install_hour == 3


@pytest.mark.requirement("SPEC-7-maintenance")
def test_update_hour_must_fall_in_a_maintenance_window():
    assert sw.update_install_in_window(rcr())
    windows = {**rcr().vars["site_windows"], "update_install_hour": 12}
    assert not sw.update_install_in_window(modified(site_windows=windows))


@pytest.mark.requirement("SPEC-4-shutdown")
def test_shutdown_task_runs_at_the_site_time():
    task = sw.shutdown_task(rcr())
    assert task.time == "20:00:00"
    assert task.target_ous == ("OU=Postes de travail,OU=RCR,DC=rcr,DC=local", "OU=Clients legers,OU=RCR,DC=rcr,DC=local")
    assert task.arguments.startswith("/s /f /t 300 ")
    assert sw.shutdown_task(modified(site_client_shutdown_time="19:30")).time == "19:30:00"


def _hostvars(site):
    first = {k: v for k, v in site.vars.items() if k.startswith("site_")}
    return {name: {**first, **host.vars} for name, host in site.hosts.items()}


def test_filters_read_the_model_from_hostvars():
    site = rcr()
    groups = {**site.groups, "all": list(site.hosts)}
    assert wf.windows_rds_plan(_hostvars(site), groups)["counts"]["RD Virtualization Host"] == 3
    assert wf.windows_firewall_rules(_hostvars(site), groups, "sql01")[0]["name"] == "Cegid-TCP-in"


def test_filters_report_model_errors_as_filter_errors():
    site = modified()
    site.groups["rds_connection_brokers"] = []
    groups = {**site.groups, "all": list(site.hosts)}
    with pytest.raises(AnsibleFilterError, match="windows_rds_plan|rds_plan: .*rds_connection_brokers"):
        wf.windows_rds_plan(_hostvars(site), groups)
