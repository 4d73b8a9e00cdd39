"""SQL Server for Cegid: service account, unattended setup, logins and roles, the update share."""

from __future__ import annotations

from ansible_collections.sitekit.core.plugins.plugin_utils.site import cegid
from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.windows.data import (
    GenericLogin,
    ProductKey,
    SqlLogin,
    SqlSecurity,
    SqlServiceAccount,
    SqlSetup,
    UpdateShare,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.windows.files import ADMIN_SIDS
from ansible_collections.sitekit.core.plugins.plugin_utils.site.windows.firewall import SQL_DEFAULT_PORT
from ansible_collections.sitekit.core.plugins.plugin_utils.site.windows.names import (
    WindowsPlanError,
    cegid_vars,
    domain_name,
    windows_vars,
)


# ---------------------------------------------------------------------------------------
# SQL Server for Cegid
# ---------------------------------------------------------------------------------------
def _sql(site: Site) -> tuple[dict, dict]:
    return (cegid_vars(site).get("sql") or {}), ((windows_vars(site).get("sql")) or {})


def sql_service_account(site: Site, host: str) -> SqlServiceAccount:
    """The engine's service account: setup name, local (NTFS) and network (share) identities.

    A virtual account (``NT Service\\MSSQL$CEGID``) acts on the network as the computer
    account (``<NETBIOS>\\<HOST>$``); a gMSA or a domain account is itself everywhere.
    """
    sql, wsql = _sql(site)
    instance = sql.get("instance") or "MSSQLSERVER"
    service = f"MSSQL${instance}" if instance != "MSSQLSERVER" else "MSSQLSERVER"
    account = wsql.get("service_account") or {"kind": "virtual"}
    kind = account.get("kind", "virtual")
    if kind == "virtual":
        local = f"NT Service\\{service}"
        return SqlServiceAccount(kind=kind, setup_name=local, local=local, network=domain_name(site, f"{host.upper()}$"),
                                 service=service, needs_password=False)
    if kind == "gmsa":
        name = domain_name(site, account["name"].rstrip("$") + "$")
        return SqlServiceAccount(kind=kind, setup_name=name, local=name, network=name, service=service, needs_password=False,
                                 ad_name=account["name"].rstrip("$"))
    if kind == "domain":
        name = domain_name(site, account["name"])
        return SqlServiceAccount(kind=kind, setup_name=name, local=name, network=name, service=service, needs_password=True)
    raise WindowsPlanError(f"site_windows.sql.service_account.kind {kind!r}: use virtual, gmsa or domain")


def sql_setup(site: Site, host: str) -> SqlSetup:
    """What ConfigurationFile.ini says: every value the unattended install takes from inventory."""
    sql, wsql = _sql(site)
    cegid.check_collation(sql)
    cegid.check_authentication(sql)
    collation = str(sql["collation"])
    admins = ((windows_vars(site).get("groups") or {}).get("sql_admins") or {}).get("name")
    if not admins:
        raise WindowsPlanError("the AD group of SQL Server sysadmins is missing", key="site_windows.groups.sql_admins.name")
    instance = sql.get("instance") or "MSSQLSERVER"
    service = sql_service_account(site, host)
    return SqlSetup(
        action="Install",
        features=",".join(wsql.get("features") or ["SQLENGINE"]),
        instance_name=instance,
        instance_id=instance,
        edition=sql.get("edition", "Standard"),
        collation=collation,
        sysadmin_accounts=(domain_name(site, admins),),
        service_account=service.setup_name,
        service_needs_password=service.needs_password,
        agent_account=f"NT Service\\SQLAgent${instance}" if instance != "MSSQLSERVER" else "NT Service\\SQLSERVERAGENT",
        tcp_port=int(sql.get("tcp_port") or SQL_DEFAULT_PORT),
        browser_startup="Automatic" if instance != "MSSQLSERVER" else "Disabled",
        data_dir=wsql.get("data_dir"), log_dir=wsql.get("log_dir"),
        backup_dir=wsql.get("backup_dir"), tempdb_dir=wsql.get("tempdb_dir"),
        media=wsql.get("media"),
        product_key=_product_key(sql, wsql),
    )


def _product_key(sql: dict, wsql: dict) -> ProductKey:
    """Where setup's product key comes from. Retail media without /PID installs the Evaluation edition,
    which stops after 180 days: a Standard or Enterprise instance needs a key from the vault, or media
    that carry it (volume licence media: PID in x64\\DefaultSetup.ini, checked by the role)."""
    key = wsql.get("product_key")
    if not key:
        raise WindowsPlanError(f"SQL Server {sql.get('edition', 'Standard')} needs a product key: without one, retail media "
                               "install the Evaluation edition (it stops after 180 days). Declare site_windows.sql.product_key "
                               "({source: vault, vault_var: vault_…} or {source: media} for volume licence media)",
                               key="site_windows.sql.product_key")
    if key.get("source") == "vault":
        return ProductKey(source="vault", vault_var=key["vault_var"])
    return ProductKey(source="media", vault_var=None)


FIXED_SERVER_ROLES = ("sysadmin", "securityadmin", "serveradmin", "setupadmin", "processadmin", "diskadmin", "dbcreator",
                      "bulkadmin")


def broker_logins(site: Site) -> tuple[str, ...]:
    """Computer accounts of the connection brokers, which create and use the broker HA database."""
    ha = ((windows_vars(site).get("rds") or {}).get("broker_ha")) or {}
    if not ha or len(site.group("rds_connection_brokers")) < 2:
        return ()
    return tuple(domain_name(site, f"{host.upper()}$") for host in site.group("rds_connection_brokers"))


def sql_security(site: Site) -> SqlSecurity:
    """Logins, server roles and database roles the Cegid instance must have, sa disabled, the generic login.

    The update login is a member of exactly one fixed server role, bulkadmin (seed 000: updates
    load files with BULK INSERT); each connection broker's computer account of exactly dbcreator
    (RD Connection Broker high availability creates its database); the users' and administrators'
    groups of none. The generic CEGID login (seed 000) is dropped once an administrator exists:
    when remove_generic_account is true and only while the administrators' group has a login.
    """
    cegid, (_, wsql) = cegid_vars(site), _sql(site)
    group, update = domain_name(site, cegid["users_group"]), domain_name(site, cegid["update_login"])
    admins = domain_name(site, cegid["administrators_group"]) if cegid.get("administrators_group") else None
    roles = wsql.get("database_roles") or {}
    who = {"users_group": group, "update_login": update}
    logins = [SqlLogin(name=group, type="group"), SqlLogin(name=update, type="user")]
    server_roles: dict[str, tuple[str, ...]] = {update: ("bulkadmin",), group: ()}
    database_roles = {who[k]: tuple(v) for k, v in roles.items() if k in who}
    if admins:
        logins.append(SqlLogin(name=admins, type="group"))
        server_roles[admins] = ()
        database_roles[admins] = ("db_owner",)
    for broker in broker_logins(site):
        logins.append(SqlLogin(name=broker, type="computer"))
        server_roles[broker] = ("dbcreator",)
    remove = bool(cegid.get("remove_generic_account"))
    if remove and not admins:
        raise WindowsPlanError("the generic CEGID login is removed once an administrator exists: declare "
                               "site_cegid.administrators_group (the administrators' login)",
                               key="site_cegid.remove_generic_account", value=cegid)
    return SqlSecurity(
        users_group=group,
        update_login=update,
        administrators_group=admins,
        logins=tuple(logins),
        server_roles=server_roles,
        # what verify.sql.j2 must read back: "login|role" of every fixed server role membership, sorted
        server_role_pairs=tuple(sorted(f"{login}|{role}" for login, wanted in server_roles.items() for role in wanted)),
        fixed_server_roles=FIXED_SERVER_ROLES,
        databases=tuple(wsql.get("databases") or ()),
        database_roles=database_roles,
        disable_sa=True,
        generic_login=GenericLogin(name=str(cegid.get("generic_login") or "CEGID"), remove=remove, administrators=admins),
    )


def sql_update_share(site: Site, host: str) -> UpdateShare:
    """The update share: read/write for the SQL service account (seed 000), the Cegid users' group and
    the update login (under Windows authentication BULK INSERT opens the file as the caller, not as
    the service: Microsoft, BULK INSERT "Security account delegation (impersonation)"); nobody else
    but SYSTEM and Administrators on NTFS."""
    cegid = cegid_vars(site)
    share = cegid.get("update_share") or {}
    account = sql_service_account(site, host)
    callers = [domain_name(site, cegid["users_group"]), domain_name(site, cegid["update_login"])]
    principals = [account.local] if account.local == account.network else [account.local, account.network]
    return UpdateShare(name=share["name"], path=share["path"],
                       share_change=(account.network, *callers),  # share permission: Change (read/write), nothing else
                       share_read=(),
                       ntfs_modify=(*principals, *callers),  # NTFS: Modify for the service's identities and the callers
                       ntfs_read=(),
                       ntfs_full_sids=ADMIN_SIDS,  # SYSTEM, Administrators (owners), by SID: language-neutral
                       description="Cegid update files (BULK INSERT), seed 000")
