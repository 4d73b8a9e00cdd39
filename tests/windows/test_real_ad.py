"""ad_domain on the real domain controllers: roles, OUs, groups, gMSA, DHCP scopes, shutdown GPO."""

from __future__ import annotations

import pytest
from ansible_collections.sitekit.core.plugins.plugin_utils.site import windows as sw
from windows_hosts import MARKS, as_list, hosts_of, ps, site

pytestmark = MARKS
DCS = hosts_of("ad_domain_controllers")


@pytest.mark.parametrize("name", DCS)
def test_domain_controller_roles_installed(name):
    features = as_list(ps(name, "Get-WindowsFeature AD-Domain-Services, DNS, DHCP | Where-Object Installed | ForEach-Object Name"))
    assert sorted(features) == ["AD-Domain-Services", "DHCP", "DNS"]


@pytest.mark.parametrize("name", DCS[:1])
def test_directory_objects(name):
    windows = site().vars["site_windows"]
    ous = as_list(ps(name, "Get-ADOrganizationalUnit -Filter * | ForEach-Object Name"))
    assert {ou["name"] for ou in windows["ous"]} <= set(ous)
    groups = as_list(ps(name, "Get-ADGroup -Filter * | ForEach-Object Name"))
    assert site().vars["site_cegid"]["users_group"] in groups
    gmsa = as_list(ps(name, "Get-ADServiceAccount -Filter * | ForEach-Object Name"))
    assert {a["name"] for a in windows["service_accounts"] if a["kind"] == "gmsa"} <= set(gmsa)


@pytest.mark.parametrize("name", DCS)
def test_dhcp_scopes_of_the_client_vlans(name):
    scopes = {s["ScopeId"]: s for s in as_list(ps(name, "Get-DhcpServerv4Scope | ForEach-Object { @{ ScopeId = \"$($_.ScopeId)\"; "
                                                       "Start = \"$($_.StartRange)\"; End = \"$($_.EndRange)\" } }"))}
    for scope in sw.dhcp_scopes(site()):
        assert (scopes[scope.scope_id]["Start"], scopes[scope.scope_id]["End"]) == (scope.start, scope.end)


@pytest.mark.parametrize("name", DCS[:1])
def test_shutdown_gpo_linked_with_its_scheduled_task(name):
    task = sw.shutdown_task(site())
    gpo = ps(name, f"$g = Get-GPO -Name '{task.gpo_name}'; $x = [xml](Get-GPOReport -Guid $g.Id -ReportType Xml); "
                   "@{ links = @($x.GPO.LinksTo | ForEach-Object SOMPath); report = $x.OuterXml }")
    assert len(as_list(gpo["links"])) == len(task.target_ous)
    assert f"T{task.time}" in gpo["report"] and "shutdown.exe" in gpo["report"]


@pytest.mark.parametrize("name", DCS[:1])
def test_new_computers_land_where_the_shutdown_gpo_applies(name):
    task = sw.shutdown_task(site())
    container = ps(name, "(Get-ADDomain).ComputersContainer")
    assert container == task.new_computers_ou and container in task.target_ous


@pytest.mark.parametrize("name", DCS[:1])
def test_groups_and_built_in_members_by_rid(name):
    for group in sw.ad_groups(site()):
        members = as_list(ps(name, f"Get-ADGroupMember -Identity '{group.name}' | ForEach-Object {{ $_.SID.Value }}"))
        for rid in group.member_rids:
            assert any(m.endswith(f"-{rid}") for m in members), (group.name, rid)
