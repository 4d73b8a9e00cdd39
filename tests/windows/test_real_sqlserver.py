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
def test_each_login_holds_exactly_its_server_roles_and_sa_is_disabled(name):
    plan = sw.sql_security(site())
    rows = query(name, "SELECT p.name + N'|' + r.name AS pair FROM sys.server_role_members m JOIN sys.server_principals r "
                       "ON r.principal_id = m.role_principal_id JOIN sys.server_principals p ON p.principal_id = m.member_principal_id "
                       "WHERE p.type IN ('U', 'G')")
    pairs = sorted(r["pair"] for r in rows if r["pair"].split("|")[0] in plan.server_roles)
    assert pairs == list(plan.server_role_pairs), "update login: bulkadmin; brokers: dbcreator; the groups: none"
    sa = query(name, "SELECT is_disabled FROM sys.server_principals WHERE sid = 0x01")  # sa, whatever its name
    assert sa[0]["is_disabled"] is True


@pytest.mark.parametrize("name", SQL_HOSTS)
def test_generic_login_is_gone_once_declared(name):
    generic = sw.sql_security(site()).generic_login
    present = query(name, f"SELECT COUNT(*) AS n FROM sys.server_principals WHERE name = N'{generic.name}'")[0]["n"]
    if generic.remove:
        assert present == 0


@pytest.mark.parametrize("name", SQL_HOSTS)
def test_instance_listens_on_its_fixed_port(name):
    port = site().vars["site_cegid"]["sql"]["tcp_port"]
    assert ps(name, f"(Get-NetTCPConnection -State Listen -LocalPort {port} -ErrorAction SilentlyContinue | Measure-Object).Count") >= 1


@pytest.mark.parametrize("name", SQL_HOSTS)
def test_update_share_is_for_the_service_account_and_the_bulk_insert_callers(name):
    share = sw.sql_update_share(site(), name)
    access = as_list(ps(name, f"Get-SmbShareAccess -Name '{share.name}' | ForEach-Object {{ @{{ sid = $_.AccountName; "
                              "right = \"$($_.AccessRight)\"; type = \"$($_.AccessControlType)\" }} }}"))
    assert sorted((a["right"], a["type"]) for a in access) == [("Change", "Allow")] * len(share.share_change)
    got = {ps(name, f"([System.Security.Principal.NTAccount]'{a['sid']}').Translate([System.Security.Principal.SecurityIdentifier]).Value")
           for a in access}
    wanted = {ps(name, f"([System.Security.Principal.NTAccount]'{p}').Translate([System.Security.Principal.SecurityIdentifier]).Value")
              for p in share.share_change}
    assert got == wanted, "the service account, the Cegid users' group and the update login; nobody else"
    sids = as_list(ps(name, f"(Get-Acl -LiteralPath '{share.path}').Access | ForEach-Object {{ $_.IdentityReference.Translate("
                            "[System.Security.Principal.SecurityIdentifier]).Value }"))
    inherited = ps(name, f"(Get-Acl -LiteralPath '{share.path}').AreAccessRulesProtected")
    assert inherited is True, "inheritance is off"
    assert "S-1-1-0" not in sids and "S-1-5-32-545" not in sids and "S-1-5-11" not in sids  # Everyone, Users, Authenticated Users
