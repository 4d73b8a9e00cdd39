"""file_server on the real file servers: shares with exactly their rights by group, previous versions."""

from __future__ import annotations

import pytest
from ansible_collections.sitekit.core.plugins.plugin_utils.site import windows as sw
from windows_hosts import MARKS, as_list, hosts_of, ps, site

pytestmark = MARKS
FILE_SERVERS = hosts_of("file_servers")


def sid(name: str, account: str) -> str:
    return ps(name, f"([System.Security.Principal.NTAccount]'{account}').Translate([System.Security.Principal.SecurityIdentifier]).Value")


@pytest.mark.parametrize("name", FILE_SERVERS)
def test_shares_have_exactly_their_permissions(name):
    for share in sw.file_server(site(), name).shares:
        access = as_list(ps(name, f"Get-SmbShareAccess -Name '{share.name}' | ForEach-Object {{ @{{ who = $_.AccountName; "
                                  "right = \"$($_.AccessRight)\"; type = \"$($_.AccessControlType)\" }} }}"))
        got = {(sid(name, a["who"]), a["right"]) for a in access if a["type"] == "Allow"}
        wanted = {(sid(name, g), "Change") for g in share.share_change} | {(sid(name, g), "Read") for g in share.share_read}
        assert got == wanted and all(a["type"] == "Allow" for a in access), share.name
        protected = ps(name, f"(Get-Acl -LiteralPath '{share.path}').AreAccessRulesProtected")
        assert protected is True


@pytest.mark.parametrize("name", FILE_SERVERS)
def test_previous_versions_are_on_with_their_limit_and_schedule(name):
    shadow = sw.file_server(site(), name).shadow_copies
    if shadow is None:
        pytest.skip(f"{name} does not declare vm.shadow_copies")
    storage = ps(name, f"$v = Get-CimInstance Win32_Volume | Where-Object Name -eq '{shadow.volume}\\'; "
                       "$s = Get-CimInstance Win32_ShadowStorage | Where-Object { $_.Volume.DeviceID -eq $v.DeviceID }; "
                       "@{ max = [double]$s.MaxSpace; capacity = [double]$v.Capacity }")
    assert abs(storage["max"] / storage["capacity"] * 100 - shadow.max_size_percent) < 1
    task = ps(name, f"$t = Get-ScheduledTask -TaskName '{shadow.task_name}'; @{{ user = $t.Principal.UserId; "
                    "times = @($t.Triggers | ForEach-Object { ([datetime]$_.StartBoundary).ToString('HH:mm') }) }")
    assert task["user"].upper().endswith("SYSTEM") and sorted(as_list(task["times"])) == list(shadow.times)
