"""sqlserver_cegid on the real SQL host: collation, Windows auth, bulkadmin, sa, port, update share ACL."""

from __future__ import annotations

import pytest
from ansible_collections.sitekit.core.plugins.plugin_utils.site import windows as sw
from windows_hosts import MARKS, as_list, hosts_of, ps, site

pytestmark = MARKS
SQL_HOSTS = hosts_of("sql_servers")


def query(name: str, sql: str):
    instance = site().vars["site_cegid"]["sql"]["instance"]
    script = (f"$c = New-Object System.Data.SqlClient.SqlConnection 'Data Source=localhost\\{instance};Integrated Security=true'; "
              f"$c.Open(); $cmd = $c.CreateCommand(); $cmd.CommandText = @'\n{sql}\n'@; $t = New-Object System.Data.DataTable; "
              "$t.Load($cmd.ExecuteReader()); $c.Close(); $t | Select-Object * -ExcludeProperty RowError, RowState, Table, ItemArray, HasErrors")
    return as_list(ps(name, script))


@pytest.mark.parametrize("name", SQL_HOSTS)
def test_collation_and_windows_authentication(name):
    row = query(name, "SELECT CONVERT(NVARCHAR(128), SERVERPROPERTY('Collation')) AS c, "
                      "CONVERT(INT, SERVERPROPERTY('IsIntegratedSecurityOnly')) AS w")[0]
    assert row["c"] == site().vars["site_cegid"]["sql"]["collation"] and row["c"].endswith("_CI_AS")
    assert row["w"] == 1


@pytest.mark.parametrize("name", SQL_HOSTS)
def test_update_login_holds_exactly_bulkadmin_and_sa_is_disabled(name):
    plan = sw.sql_security(site())
    roles = query(name, "SELECT r.name AS role FROM sys.server_role_members m JOIN sys.server_principals r ON r.principal_id = m.role_principal_id "
                        f"JOIN sys.server_principals p ON p.principal_id = m.member_principal_id WHERE p.name = N'{plan['update_login']}'")
    assert [r["role"] for r in roles] == ["bulkadmin"]
    sa = query(name, "SELECT is_disabled FROM sys.server_principals WHERE name = N'sa'")
    assert sa[0]["is_disabled"] is True


@pytest.mark.parametrize("name", SQL_HOSTS)
def test_instance_listens_on_its_fixed_port(name):
    port = site().vars["site_cegid"]["sql"]["tcp_port"]
    assert ps(name, f"(Get-NetTCPConnection -State Listen -LocalPort {port} -ErrorAction SilentlyContinue | Measure-Object).Count") >= 1


@pytest.mark.parametrize("name", SQL_HOSTS)
def test_update_share_is_for_the_service_account_only(name):
    share = sw.sql_update_share(site(), name)
    access = as_list(ps(name, f"Get-SmbShareAccess -Name '{share['name']}' | ForEach-Object {{ @{{ who = $_.AccountName; right = \"$($_.AccessRight)\"; "
                              "type = \"$($_.AccessControlType)\" }} }}"))
    assert [(a["who"].lower(), a["right"], a["type"]) for a in access] == [(p.lower(), "Change", "Allow") for p in share["share_change"]]
    sids = as_list(ps(name, f"(Get-Acl -LiteralPath '{share['path']}').Access | ForEach-Object {{ $_.IdentityReference.Translate("
                            "[System.Security.Principal.SecurityIdentifier]).Value }"))
    inherited = ps(name, f"(Get-Acl -LiteralPath '{share['path']}').AreAccessRulesProtected")
    assert inherited is True, "inheritance is off"
    assert "S-1-1-0" not in sids and "S-1-5-32-545" not in sids and "S-1-5-11" not in sids  # Everyone, Users, Authenticated Users
