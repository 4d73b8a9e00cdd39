"""windows_base on real hosts: domain membership, regional settings of seed 000, .NET, update ring."""

from __future__ import annotations

import pytest
from ansible_collections.sitekit.core.plugins.plugin_utils.site import windows as sw
from windows_hosts import MARKS, as_list, hosts_of, ps, site

pytestmark = MARKS
WINDOWS = hosts_of("windows")
INTERNATIONAL = {"sShortDate": "dd/MM/yyyy", "sTimeFormat": "HH:mm:ss", "sDecimal": ","}


@pytest.mark.parametrize("name", WINDOWS)
def test_member_of_the_site_domain(name):
    system = ps(name, "Get-CimInstance Win32_ComputerSystem | Select-Object Name, PartOfDomain, Domain")
    assert system["PartOfDomain"] is True and system["Domain"].lower() == site().vars["site_domain"]
    assert system["Name"] == name.upper()


@pytest.mark.parametrize("name", WINDOWS)
@pytest.mark.parametrize("where", ["system", "default_user"])
def test_regional_settings_of_seed_000(name, where):
    if where == "system":
        script = "Get-ItemProperty 'Registry::HKEY_USERS\\.DEFAULT\\Control Panel\\International' | Select-Object sShortDate, sTimeFormat, sDecimal, LocaleName"
    else:
        script = ("reg.exe load HKU\\sitekit_test C:\\Users\\Default\\NTUSER.DAT | Out-Null; try { "
                  "Get-ItemProperty 'Registry::HKEY_USERS\\sitekit_test\\Control Panel\\International' | "
                  "Select-Object sShortDate, sTimeFormat, sDecimal, LocaleName } finally { [gc]::Collect(); reg.exe unload HKU\\sitekit_test | Out-Null }")
    values = ps(name, script)
    assert {k: values[k] for k in INTERNATIONAL} == INTERNATIONAL
    assert values["LocaleName"] == site().vars["site_cegid"]["regional"]["locale"]


@pytest.mark.parametrize("name", WINDOWS)
def test_dotnet_452_or_later(name):
    release = ps(name, "(Get-ItemProperty 'HKLM:\\SOFTWARE\\Microsoft\\NET Framework Setup\\NDP\\v4\\Full').Release")
    assert int(release) >= 379893


@pytest.mark.parametrize("name", WINDOWS)
def test_update_ring_policy(name):
    ring = sw.update_ring(site(), name)
    policy = ps(name, "Get-ItemProperty 'HKLM:\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate' | "
                      "Select-Object DeferQualityUpdatesPeriodInDays, DeferFeatureUpdatesPeriodInDays")
    assert policy["DeferQualityUpdatesPeriodInDays"] == ring.defer_quality_days
    assert policy["DeferFeatureUpdatesPeriodInDays"] == ring.defer_feature_days
    hour = ps(name, "(Get-ItemProperty 'HKLM:\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate\\AU').ScheduledInstallTime")
    assert hour == ring.install_hour


@pytest.mark.parametrize("name", [h for h in WINDOWS if h not in hosts_of("ad_domain_controllers")])
def test_the_hosts_administrators_groups_are_local_administrators(name):
    wanted = sw.local_admin_groups(site(), name)
    members = as_list(ps(name, "Get-LocalGroupMember -SID S-1-5-32-544 | ForEach-Object { $_.Name }"))
    assert {w.lower() for w in wanted} <= {m.lower() for m in members}
