"""SQL Server for Cegid: service account, unattended setup, logins and roles, the update share."""

from __future__ import annotations

from ansible_collections.sitekit.core.plugins.plugin_utils.site import cegid
from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
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


def sql_service_account(site: Site, host: str) -> dict:
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
        return {"kind": kind, "setup_name": local, "local": local, "network": domain_name(site, f"{host.upper()}$"),
                "service": service, "needs_password": False}
    if kind == "gmsa":
        name = domain_name(site, account["name"].rstrip("$") + "$")
        return {"kind": kind, "setup_name": name, "local": name, "network": name, "service": service, "needs_password": False,
                "ad_name": account["name"].rstrip("$")}
    if kind == "domain":
        name = domain_name(site, account["name"])
        return {"kind": kind, "setup_name": name, "local": name, "network": name, "service": service, "needs_password": True}
    raise WindowsPlanError(f"site_windows.sql.service_account.kind {kind!r}: use virtual, gmsa or domain")


def sql_setup(site: Site, host: str) -> dict:
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
    return {
        "action": "Install",
        "features": ",".join(wsql.get("features") or ["SQLENGINE"]),
        "instance_name": instance,
        "instance_id": instance,
        "edition": sql.get("edition", "Standard"),
        "collation": collation,
        "sysadmin_accounts": [domain_name(site, admins)],
        "service_account": service["setup_name"],
        "service_needs_password": service["needs_password"],
        "agent_account": f"NT Service\\SQLAgent${instance}" if instance != "MSSQLSERVER" else "NT Service\\SQLSERVERAGENT",
        "tcp_port": int(sql.get("tcp_port") or SQL_DEFAULT_PORT),
        "browser_startup": "Automatic" if instance != "MSSQLSERVER" else "Disabled",
        "data_dir": wsql.get("data_dir"), "log_dir": wsql.get("log_dir"),
        "backup_dir": wsql.get("backup_dir"), "tempdb_dir": wsql.get("tempdb_dir"),
        "media": wsql.get("media"),
    }


FIXED_SERVER_ROLES = ("sysadmin", "securityadmin", "serveradmin", "setupadmin", "processadmin", "diskadmin", "dbcreator",
                      "bulkadmin")


def sql_security(site: Site) -> dict:
    """Logins, server roles and database roles the Cegid instance must have, and sa disabled.

    The update login is a member of exactly one fixed server role, bulkadmin (seed 000:
    updates load files with BULK INSERT); the users' group has no server role.
    """
    cegid, (_, wsql) = cegid_vars(site), _sql(site)
    group, update = domain_name(site, cegid["users_group"]), domain_name(site, cegid["update_login"])
    roles = wsql.get("database_roles") or {}
    who = {"users_group": group, "update_login": update}
    return {
        "users_group": group,
        "update_login": update,
        "logins": [{"name": group, "type": "group"}, {"name": update, "type": "user"}],
        "server_roles": {update: ["bulkadmin"], group: []},
        "fixed_server_roles": list(FIXED_SERVER_ROLES),
        "databases": list(wsql.get("databases") or []),
        "database_roles": {who[k]: list(v) for k, v in roles.items() if k in who},
        "disable_sa": True,
    }


def sql_update_share(site: Site, host: str) -> dict:
    """The update share: the SQL service account reads and writes it, nobody else but admins on NTFS."""
    cegid = cegid_vars(site)
    share = cegid.get("update_share") or {}
    account = sql_service_account(site, host)
    principals = [account["local"]] if account["local"] == account["network"] else [account["local"], account["network"]]
    return {"name": share["name"], "path": share["path"],
            "share_change": [account["network"]],  # share permission: Change (read/write), nothing else
            "ntfs_modify": principals,  # NTFS: Modify for the service's identities
            "ntfs_full_sids": ["S-1-5-18", "S-1-5-32-544"],  # SYSTEM, Administrators (owners), by SID: language-neutral
            "description": "Cegid update files (BULK INSERT), seed 000"}
