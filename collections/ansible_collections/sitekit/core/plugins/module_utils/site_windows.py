"""Windows tier views of the site model: what the Windows roles apply, decided here once.

Every decision a Windows role needs and that can be computed without a Windows host is a
pure function of a ``Site`` (site_model.py) here, so that it is unit-tested on this
machine: the Cegid firewall rule set, the RDS role plan and its order, the sizing check
of SITE-SPEC §5, the SQL Server setup options, the SQL security plan, the update share
ACL, the DHCP scopes and the Windows Update ring of a host. The filters of
plugins/filter/windows.py hand these to the roles.

Controller-side code only (imported by filters and tests, never shipped to hosts).
"""

from __future__ import annotations

import ipaddress
import math
from typing import Any

from ansible_collections.sitekit.core.plugins.module_utils.site_model import Site
from ansible_collections.sitekit.core.plugins.module_utils.site_rules import in_window


class WindowsPlanError(ValueError):
    """The inventory cannot give a Windows role what it needs; the message says what to fix."""


def _cegid(site: Site) -> dict:
    return site.vars.get("site_cegid") or {}


def _win(site: Site) -> dict:
    return site.vars.get("site_windows") or {}


def netbios(site: Site) -> str:
    return str(site.vars.get("site_netbios") or str(site.vars.get("site_domain", "")).split(".")[0].upper())


def domain_name(site: Site, name: str) -> str:
    """``RCR\\name`` for a short account or group name; a qualified name is kept."""
    return name if "\\" in name else f"{netbios(site)}\\{name}"


def fqdn(site: Site, host: str) -> str:
    return f"{host}.{site.vars['site_domain']}"


# ---------------------------------------------------------------------------------------
# Firewall (seed 000 "Pare-feu", SITE-SPEC §5)
# ---------------------------------------------------------------------------------------
# Addresses that are never "the Internet" (RFC 6890 special-purpose IPv4 blocks).
NOT_INTERNET = [ipaddress.IPv4Network(n) for n in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
    "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/3")]
SQL_DEFAULT_PORT = 1433


def internet_ranges() -> list[str]:
    """Public IPv4 space as ``first-last`` ranges: the scope of an outbound rule (never Any).

    Windows Firewall rules cannot name a host (portail.etafi.fr); the name filter is the
    Squid proxy's job. The ranges keep the rule off every private and special block.
    """
    remaining = [ipaddress.IPv4Network("0.0.0.0/0")]
    for block in NOT_INTERNET:
        out = []
        for net in remaining:  # CIDR blocks either nest or are disjoint
            if block.subnet_of(net):
                out.extend(net.address_exclude(block))
            elif not net.subnet_of(block):
                out.append(net)
        remaining = out
    nets = sorted(ipaddress.collapse_addresses(remaining))
    ranges: list[list[ipaddress.IPv4Address]] = []
    for net in nets:
        if ranges and int(ranges[-1][1]) + 1 == int(net.network_address):
            ranges[-1][1] = net.broadcast_address
        else:
            ranges.append([net.network_address, net.broadcast_address])
    return [f"{a}-{b}" for a, b in ranges]


def _scope_addresses(site: Site, scope: list[str], name: str) -> list[str]:
    out: list[str] = []
    for item in scope:
        if item == "internet":
            out.extend(internet_ranges())
            continue
        subnets = site.subnets_for_roles([item])
        if not subnets:
            raise WindowsPlanError(f"firewall rule {name}: scope {item!r} matches no VLAN role in site_vlans")
        out.extend(subnets)
    if not out:
        raise WindowsPlanError(f"firewall rule {name}: empty scope (a rule is never opened to Any)")
    return out


def firewall_rules(site: Site, host: str | None = None) -> list[dict]:
    """The Cegid firewall rules of site_cegid_firewall, one per protocol, as win_firewall_rule takes them.

    ``host`` keeps the rules whose hosts_groups contain the host. Port 1433 in a rule
    stands for the SQL instance's port (seed 000: "1433 ou port de l'instance nommée").
    """
    sql_port = int((_cegid(site).get("sql") or {}).get("tcp_port") or SQL_DEFAULT_PORT)
    rules = []
    for item in site.vars.get("site_cegid_firewall") or []:
        hosts = sorted({h for g in item["hosts_groups"] for h in site.group(g)})
        if host is not None and host not in hosts:
            continue
        if item["direction"] == "in" and "internet" in item["scope"]:
            raise WindowsPlanError(f"firewall rule {item['name']}: an inbound rule may not admit the Internet")
        ports = [sql_port if int(p) == SQL_DEFAULT_PORT else int(p) for p in item["ports"]]
        ports_text = ",".join(str(p) for p in ports)
        rule = {
            "name": item["name"],
            "group": "Cegid",
            "description": item.get("addition") or f"Cegid Fiscalité {_cegid(site).get('version', '')} (seed 000)".replace("  ", " "),
            "direction": item["direction"],
            "action": "allow",
            "protocol": item["protocol"],
            "ports": ports,
            "localport": ports_text if item["direction"] == "in" else "any",
            "remoteport": ports_text if item["direction"] == "out" else "any",
            "scope": list(item["scope"]),
            "remoteip": ",".join(_scope_addresses(site, item["scope"], item["name"])),
            "profiles": ["domain"],
            "enabled": True,
            "hosts": hosts,
            "addition": bool(item.get("addition")),
        }
        rules.append(rule)
    return rules


# ---------------------------------------------------------------------------------------
# RDS farm (SITE-SPEC §4): which server gets which role, in which order
# ---------------------------------------------------------------------------------------
# (inventory group, RemoteDesktop module role id, SITE-SPEC §4 label)
RDS_ROLES = [
    ("rds_connection_brokers", "RDS-CONNECTION-BROKER", "RD Connection Broker"),
    ("rds_web_access", "RDS-WEB-ACCESS", "RD Web Access"),
    ("rds_session_hosts", "RDS-RD-SERVER", "RD Session Host"),
    ("rds_virtualization_hosts", "RDS-VIRTUALIZATION", "RD Virtualization Host"),
    ("rds_gateways", "RDS-GATEWAY", "RD Gateway"),
    ("rds_licensing", "RDS-LICENSING", "RD Licensing"),
]
CERTIFICATE_ROLES = ("RDGateway", "RDWebAccess", "RDRedirector", "RDPublishing")


def rds_plan(site: Site) -> dict:
    """The RDS deployment as ordered steps, each run by the first connection broker.

    1 session deployment (first broker, first web access, every session host) —
    2 broker high availability and the other brokers — 3 the other web access servers —
    4 virtualization hosts — 5 gateways — 6 licensing servers — 7 licensing mode and
    servers — 8 session collection with the Cegid RemoteApp — 9 certificates per role.
    A step whose servers are already in the deployment is a no-op (the role reads the
    deployment first), so a partial deployment is completed, never recreated.
    """
    win, cegid = _win(site), _cegid(site)
    rds = win.get("rds") or {}
    members = {group: [fqdn(site, h) for h in site.group(group)] for group, _, _ in RDS_ROLES}
    for group in ("rds_connection_brokers", "rds_web_access", "rds_session_hosts"):
        if not members[group]:
            raise WindowsPlanError(f"an RDS session deployment needs at least one host in group {group}")
    brokers, web, session_hosts = members["rds_connection_brokers"], members["rds_web_access"], members["rds_session_hosts"]
    steps: list[dict] = [{"step": "session_deployment", "action": "new_session_deployment",
                          "connection_broker": brokers[0], "web_access_server": web[0], "session_hosts": session_hosts}]
    if len(brokers) > 1:
        ha = rds.get("broker_ha") or {}
        if not ha:
            raise WindowsPlanError(f"{len(brokers)} connection brokers need site_windows.rds.broker_ha (client access name, database)")
        db_host = fqdn(site, ha["database_host"])
        instance = ha.get("database_instance")
        server = f"{db_host}\\{instance}" if instance else db_host
        steps.append({"step": "broker_high_availability", "action": "set_broker_ha",
                      "client_access_name": fqdn(site, ha["client_access_name"]),
                      "database_connection_string": f"DRIVER=SQL Server Native Client 11.0;SERVER={server};"
                                                    f"Trusted_Connection=Yes;APP=Remote Desktop Services Connection Broker;"
                                                    f"DATABASE={ha['database']}",
                      "servers": brokers[1:], "role": "RDS-CONNECTION-BROKER"})
    if len(web) > 1:
        steps.append({"step": "web_access_servers", "action": "add_server", "role": "RDS-WEB-ACCESS", "servers": web[1:]})
    if members["rds_virtualization_hosts"]:
        steps.append({"step": "virtualization_hosts", "action": "add_server", "role": "RDS-VIRTUALIZATION",
                      "servers": members["rds_virtualization_hosts"]})
    if members["rds_gateways"]:
        if not rds.get("gateway_external_fqdn"):
            raise WindowsPlanError("RD Gateway servers need site_windows.rds.gateway_external_fqdn")
        steps.append({"step": "gateways", "action": "add_server", "role": "RDS-GATEWAY", "servers": members["rds_gateways"],
                      "gateway_external_fqdn": rds["gateway_external_fqdn"]})
    if members["rds_licensing"]:
        steps.append({"step": "licensing_servers", "action": "add_server", "role": "RDS-LICENSING", "servers": members["rds_licensing"]})
        steps.append({"step": "licensing_configuration", "action": "set_licensing", "mode": rds.get("licensing_mode", "PerUser"),
                      "license_servers": members["rds_licensing"]})
    collection = rds.get("collection") or {"name": "Cegid"}
    app = rds.get("remote_app") or {}
    if not app.get("file_path"):
        raise WindowsPlanError("the Cegid RemoteApp needs site_windows.rds.remote_app.file_path")
    users_group = domain_name(site, cegid.get("users_group", ""))
    steps.append({"step": "session_collection", "action": "new_collection", "name": collection["name"],
                  "description": collection.get("description", ""), "session_hosts": session_hosts, "user_groups": [users_group],
                  "remote_app": {"alias": app.get("alias", "Cegid"), "display_name": app.get("display_name", "Cegid"),
                                 "file_path": app["file_path"], "user_groups": [users_group]}})
    certificates = rds.get("certificates") or []
    unknown = sorted({c["role"] for c in certificates} - set(CERTIFICATE_ROLES))
    if unknown:
        raise WindowsPlanError(f"unknown RDS certificate role(s) {unknown}: use {list(CERTIFICATE_ROLES)}")
    if certificates:
        steps.append({"step": "certificates", "action": "set_certificates",
                      "certificates": [{"role": c["role"], "pfx": c["pfx"], "vault_var": c["vault_var"]} for c in certificates]})
    for order, step in enumerate(steps, 1):
        step["order"] = order
    # RD Gateway policies (on each gateway): the Cegid users may connect (CAP) to the brokers
    # and session hosts only (RAP on an AD group of those computers, never "any computer").
    gateway_policies = None
    if members["rds_gateways"]:
        targets = site.group("rds_connection_brokers") + site.group("rds_session_hosts")
        gateway_policies = {
            "gateways": site.group("rds_gateways"),
            "cap": {"name": "Cegid-CAP", "user_groups": [users_group], "auth_method": "password"},
            "rap": {"name": "Cegid-RAP", "user_groups": [users_group], "allowed_ports": [3389],
                    "computer_group": domain_name(site, rds.get("gateway_computer_group", "GG-RDS-Destinations")),
                    "computer_members": [f"{h.upper()}$" for h in targets]},
        }
    assignments: dict[str, list[str]] = {}
    for group, role_id, _ in RDS_ROLES:
        for name in members[group]:
            assignments.setdefault(name, []).append(role_id)
    return {"management_server": brokers[0], "steps": steps, "assignments": assignments, "gateway_policies": gateway_policies,
            "counts": {label: len(members[group]) for group, _, label in RDS_ROLES}}


# ---------------------------------------------------------------------------------------
# Sizing (SITE-SPEC §5, seed 000 "Serveur de présentation", "Serveur de base de données")
# ---------------------------------------------------------------------------------------
def sizing_check(site: Site, actual: dict | None = None) -> dict:
    """Errors (refuse to deploy) and warnings for the session hosts and the SQL servers.

    ``actual`` maps a host to measured ``{"memory_mb", "vcpu"}`` (gathered facts) that
    override the inventory's ``vm`` values.
    """
    cegid = _cegid(site)
    pres, db = cegid.get("presentation_server") or {}, cegid.get("database_server") or {}
    users = int(cegid.get("concurrent_users") or 0)
    hosts = site.group("rds_session_hosts")
    errors: list[str] = []
    warnings: list[str] = []
    actual = actual or {}

    def measured(name: str) -> tuple[int | None, int | None, str]:
        vm = site.hosts[name].get("vm") or {} if name in site.hosts else {}
        got = actual.get(name) or {}
        source = "measured" if got else "declared in host_vars"
        return got.get("memory_mb", vm.get("memory_mb")), got.get("vcpu", vm.get("vcpu")), source

    if users > int(pres.get("rds_mandatory_above_users", 15)) and not hosts:
        errors.append(f"{users} concurrent Cegid users need an RDS farm (mandatory beyond "
                      f"{pres.get('rds_mandatory_above_users', 15)} users, seed 000): group rds_session_hosts is empty")
    per_host = math.ceil(users / len(hosts)) if hosts else 0
    for name in hosts:
        mem, vcpu, source = measured(name)
        need_mb = int(pres["min_memory_mb"]) + int(pres["memory_per_user_mb"]) * per_host
        rec_mb = int(pres["recommended_memory_mb"]) + int(pres["memory_per_user_mb"]) * per_host
        need_cpu = math.ceil(per_host / int(pres["users_per_vcpu_max"]))
        rec_cpu = math.ceil(per_host / int(pres["users_per_vcpu_recommended"]))
        what = f"session host {name} ({source}) for {per_host} of {users} users over {len(hosts)} hosts"
        if mem is None or mem < need_mb:
            errors.append(f"{what}: {mem} MB RAM is under-sized; Cegid needs at least {pres['min_memory_mb']} MB + "
                          f"{pres['memory_per_user_mb']} MB x {per_host} users = {need_mb} MB (seed 000, SITE-SPEC §5)")
        elif mem < rec_mb:
            warnings.append(f"{what}: {mem} MB RAM is below the recommended {rec_mb} MB")
        if vcpu is None or vcpu < need_cpu:
            errors.append(f"{what}: {vcpu} vCPU is under-sized; Cegid needs 1 CPU per {pres['users_per_vcpu_max']} users "
                          f"at most = {need_cpu} vCPU (seed 000, SITE-SPEC §5)")
        elif vcpu < rec_cpu:
            warnings.append(f"{what}: {vcpu} vCPU is below the recommended {rec_cpu} (1 CPU per "
                            f"{pres['users_per_vcpu_recommended']} users)")
    for name in site.group("sql_servers"):
        mem, _, source = measured(name)
        if mem is None or mem < int(db.get("min_memory_mb", 0)):
            errors.append(f"SQL server {name} ({source}): {mem} MB RAM is under-sized; Cegid needs at least "
                          f"{db.get('min_memory_mb')} MB (seed 000, SITE-SPEC §5)")
        elif mem < int(db.get("recommended_memory_mb", 0)):
            warnings.append(f"SQL server {name} ({source}): {mem} MB RAM is below the recommended {db['recommended_memory_mb']} MB")
    return {"ok": not errors, "errors": errors, "warnings": warnings, "users_per_session_host": per_host}


# ---------------------------------------------------------------------------------------
# SQL Server for Cegid
# ---------------------------------------------------------------------------------------
def _sql(site: Site) -> tuple[dict, dict]:
    return (_cegid(site).get("sql") or {}), ((_win(site).get("sql")) or {})


def sql_service_account(site: Site, host: str) -> dict:
    """The engine's service account: setup name, local (NTFS) and network (share) identities.

    A virtual account (``NT Service\\MSSQL$CEGID``) acts on the network as the computer
    account (``RCR\\SQL01$``); a gMSA or a domain account is itself everywhere.
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
    collation = str(sql.get("collation", ""))
    if not collation.endswith("_CI_AS"):
        raise WindowsPlanError(f"site_cegid.sql.collation {collation!r}: Cegid needs a case-insensitive, accent-sensitive "
                               "collation (*_CI_AS), set explicitly at install")
    if sql.get("authentication", "windows") != "windows":
        raise WindowsPlanError("site_cegid.sql.authentication: Cegid requires Windows authentication only")
    admins = ((_win(site).get("groups") or {}).get("sql_admins") or {}).get("name")
    if not admins:
        raise WindowsPlanError("site_windows.groups.sql_admins.name: the AD group of SQL Server sysadmins is missing")
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
    cegid, (_, wsql) = _cegid(site), _sql(site)
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
    cegid = _cegid(site)
    share = cegid.get("update_share") or {}
    account = sql_service_account(site, host)
    principals = [account["local"]] if account["local"] == account["network"] else [account["local"], account["network"]]
    return {"name": share["name"], "path": share["path"],
            "share_change": [account["network"]],  # share permission: Change (read/write), nothing else
            "ntfs_modify": principals,  # NTFS: Modify for the service's identities
            "ntfs_full_sids": ["S-1-5-18", "S-1-5-32-544"],  # SYSTEM, Administrators (owners), by SID: language-neutral
            "description": "Cegid update files (BULK INSERT), seed 000"}


# ---------------------------------------------------------------------------------------
# Active Directory: DHCP scopes, update rings
# ---------------------------------------------------------------------------------------
def dhcp_scopes(site: Site) -> list[dict]:
    """One scope per `clients` VLAN: range, router (GLBP virtual gateway), DNS = domain controllers."""
    dhcp = _win(site).get("dhcp") or {}
    first, last = int(dhcp.get("range_first_host", 50)), int(dhcp.get("range_last_host", 250))
    reserved = site.reserved_hosts()
    dns = site.infra_ips("dns")
    scopes = []
    for vlan in site.vlan_for_role("clients"):
        if not 0 < first <= last < vlan.subnet.num_addresses - 1:
            raise WindowsPlanError(f"DHCP range .{first}-.{last} does not fit VLAN {vlan.id} {vlan.subnet}")
        clash = sorted(n for n in reserved if first <= n <= last)
        if clash:
            raise WindowsPlanError(f"DHCP range .{first}-.{last} of VLAN {vlan.id} contains reserved host(s) "
                                   f"{', '.join(f'.{n} ({reserved[n]})' for n in clash)}")
        scopes.append({"name": f"VLAN{vlan.id}-{vlan.name}", "vlan": vlan.id, "scope_id": str(vlan.subnet.network_address),
                       "subnet_mask": str(vlan.subnet.netmask), "start": str(vlan.subnet.network_address + first),
                       "end": str(vlan.subnet.network_address + last), "router": str(site.gateway(vlan.id)),
                       "dns_servers": dns, "dns_domain": site.vars.get("site_domain"),
                       "lease_hours": int(dhcp.get("lease_hours", 8))})
    return scopes


def reverse_zones(site: Site) -> list[str]:
    """Reverse lookup zone of every VLAN, on an octet boundary (``10.0.10.in-addr.arpa`` for a /24)."""
    zones = []
    for vlan in site.vlans:
        octets = max(1, vlan.subnet.prefixlen // 8)
        zone = ".".join(reversed(str(vlan.subnet.network_address).split(".")[:octets])) + ".in-addr.arpa"
        if zone not in zones:
            zones.append(zone)
    return zones


def update_ring(site: Site, host: str) -> dict:
    """The Windows Update ring of a host: the pilot ring is the second host of each redundant group."""
    win = _win(site)
    rings = {r["name"]: r for r in win.get("update_rings") or []}
    pilot = next((r for r in rings.values() if r.get("selection") == "second_of_each_group"), None)
    others = next((r for r in rings.values() if r.get("selection") == "others"), None)
    if pilot is None or others is None:
        raise WindowsPlanError("site_windows.update_rings needs one ring with selection second_of_each_group and one with others")
    windows_hosts = set(site.group("windows"))
    seconds = set()
    for group, members in site.groups.items():
        members = [m for m in members if m in windows_hosts]
        if group not in ("all", "windows", "rds", "proxmox_vms", "ungrouped") and len(members) >= 2 and len(members) == len(site.group(group)):
            seconds.add(sorted(members)[1])
    ring = pilot if host in seconds else others
    return {"name": ring["name"], "pilot": ring is pilot, "defer_quality_days": int(ring.get("defer_quality_days", 0)),
            "defer_feature_days": int(ring.get("defer_feature_days", 0)),
            "install_hour": int(win.get("update_install_hour", 3)), "wsus_url": win.get("wsus_url")}


def update_install_in_window(site: Site) -> bool:
    """True when update_install_hour falls in a maintenance window on every day (reboots may follow)."""
    hour = f"{int(_win(site).get('update_install_hour', 3)):02d}:00"
    windows = site.vars.get("site_maintenance_windows") or []
    return all(in_window(windows, day, hour) for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))


def shutdown_task(site: Site) -> dict:
    """The GPO scheduled task that shuts workstations and thin clients down (site_client_shutdown_time)."""
    gpo = _win(site).get("shutdown_gpo") or {}
    time = str(site.vars.get("site_client_shutdown_time") or "20:00")
    hh, mm = time.split(":")
    warning = int(gpo.get("warning_seconds", 300))
    return {"gpo_name": gpo.get("name", "Daily shutdown"), "time": f"{int(hh):02d}:{int(mm):02d}:00",
            "target_ous": list(gpo.get("target_ous") or []), "command": "%windir%\\System32\\shutdown.exe",
            "arguments": f'/s /f /t {warning} /c "Arret quotidien a {time} (GPO sitekit)"', "warning_seconds": warning}


# ---------------------------------------------------------------------------------------
# T-SQL quoting for the role's templates (the only way values enter T-SQL text)
# ---------------------------------------------------------------------------------------
def tsql_name(value: Any) -> str:
    """``[name]`` with ``]`` doubled (QUOTENAME)."""
    return "[" + str(value).replace("]", "]]") + "]"


def tsql_str(value: Any) -> str:
    """``N'text'`` with ``'`` doubled."""
    return "N'" + str(value).replace("'", "''") + "'"
