"""The file server plan computed from inventories/rcr (SITE-SPEC §3: "previous versions" on the file
servers): shares with rights by AD group, shadow copies of the data volume where a host declares them."""

from __future__ import annotations

import copy

import pytest
from ansible_collections.sitekit.core.plugins.plugin_utils.site import windows as sw
from windows_testlib import modified, rcr


def test_fs01_shares_give_rights_by_group_and_to_nobody_else():
    plan = sw.file_server(rcr(), "fs01")
    [share] = plan.shares
    assert (share.name, share.path) == ("Commun", "E:\\Partages\\Commun")
    assert share.share_change == share.ntfs_modify == ("RCR\\GG-Fichiers-Commun-RW",)
    assert share.share_read == share.ntfs_read == ("RCR\\GG-Fichiers-Commun-RO",)
    assert share.ntfs_full_sids == ("S-1-5-18", "S-1-5-32-544")
    granted = {p.lower() for p in share.share_change + share.share_read + share.ntfs_modify + share.ntfs_read}
    assert not granted & {"everyone", "tout le monde", "s-1-1-0", "users", "utilisateurs", "s-1-5-32-545"}


def test_fs01_declares_shadow_copies_and_gets_them_on_the_schedule():
    shadow = sw.file_server(rcr(), "fs01").shadow_copies
    assert rcr().hosts["fs01"].get("vm")["shadow_copies"] is True
    assert (shadow.volume, shadow.max_size_percent, shadow.task_name) == ("E:", 10, "sitekit-shadow-copy-E")
    assert shadow.days == ("monday", "tuesday", "wednesday", "thursday", "friday")
    assert [t.start_boundary for t in shadow.triggers] == ["2026-01-01T07:00:00", "2026-01-01T12:00:00"]
    assert all(t.type == "weekly" and t.days_of_week == shadow.days for t in shadow.triggers)


def test_a_file_server_without_shadow_copies_gets_none():
    vm = {**rcr().hosts["fs01"].get("vm"), "shadow_copies": False}
    assert sw.file_server(modified(fs01__vm=vm), "fs01").shadow_copies is None


def test_the_groups_of_the_shares_are_created_by_ad_domain():
    names = {g.name for g in sw.ad_groups(rcr())}
    assert {"GG-Fichiers-Commun-RW", "GG-Fichiers-Commun-RO"} <= names


@pytest.mark.parametrize(("change", "message"), [
    ({"path": "D:\\Partages\\Commun"}, "not on the data volume E:"),
    ({"change": [], "read": []}, "gives access to no group"),
])
def test_a_wrong_share_is_refused(change, message):
    windows = copy.deepcopy(rcr().vars["site_windows"])
    windows["file_server"]["shares"][0].update(change)
    with pytest.raises(sw.WindowsPlanError, match=message):
        sw.file_server(modified(site_windows=windows), "fs01")


def test_shadow_copies_without_a_schedule_are_refused():
    windows = copy.deepcopy(rcr().vars["site_windows"])
    del windows["file_server"]["shadow_copies"]
    with pytest.raises(sw.WindowsPlanError, match="no schedule"):
        sw.file_server(modified(site_windows=windows), "fs01")


def test_only_file_servers_have_a_plan():
    with pytest.raises(sw.WindowsPlanError, match="file_servers"):
        sw.file_server(rcr(), "sql01")


def test_share_permissions_are_set_by_sid_not_by_win_share_names():
    """win_share compares account names as strings; the role lets it manage the share's properties only
    and sets the permissions with share_access.ps1, which compares SIDs (a second run changes nothing)."""
    import yaml
    from windows_testlib import REPO
    tasks = yaml.safe_load((REPO / "roles/file_server/tasks/shares.yml").read_text())
    share = next(t["ansible.windows.win_share"] for t in tasks if "ansible.windows.win_share" in t)
    assert share["rule_action"] == "add" and not {"full", "change", "read", "deny"} & set(share)
    script = (REPO / "roles/file_server/files/share_access.ps1").read_text()
    assert script.count("ConvertTo-Sid") >= 3 and "Revoke-SmbShareAccess" in script
    ntfs = (REPO / "roles/file_server/files/ntfs_access.ps1").read_text()
    assert "SetAccessRuleProtection($true, $false)" in ntfs and "Translate([System.Security.Principal.SecurityIdentifier])" in ntfs
