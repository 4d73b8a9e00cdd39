"""Rules of the Windows tier: the Cegid prerequisites (seed 000) and the views the Windows roles read.

Nothing is decided here: each rule asks ``cegid`` or a ``windows`` view, the same code the
roles run, and reports what it refuses.
"""

from __future__ import annotations

from ansible_collections.sitekit.core.plugins.plugin_utils.site import cegid, windows
from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import problem
from ansible_collections.sitekit.core.plugins.plugin_utils.site.rulebook import dig, rule, view_problems


# req: SPEC-5-sql-windows SPEC-5-sql-memory SPEC-5-collation SPEC-5-windows-auth
@rule("cegid-sql", "the Cegid SQL Server meets seed 000: Windows 2012+ (2016 rec.), 8 GB+ (16 GB rec.), "
      "collation *_CI_AS, Windows authentication", views=True)
def cegid_sql(site: Site):
    sql = dig(site.vars, ["site_cegid", "sql"]) or {}
    yield from view_problems("cegid-sql", lambda: cegid.check_collation(sql))
    yield from view_problems("cegid-sql", lambda: cegid.check_authentication(sql))
    yield from _findings("cegid-sql", [f for f in cegid.sizing(site) if f.role == "SQL server"], site)


# req: SPEC-5-rds-threshold SPEC-5-rds-sizing
@rule("cegid-rds", "RDS beyond 15 users; session hosts carry their users: RAM ≥ 8 GB + 100 MB/user, "
      "1 vCPU per ≤ 20 users (seed 000)", views=True)
def cegid_rds(site: Site):
    yield from _findings("cegid-rds", [f for f in cegid.sizing(site) if f.role != "SQL server"], site)


def _findings(rule_id, findings, site):
    for f in findings:
        yield problem(rule_id, f.key, f.message, value=f.value, host=f.host, severity=f.severity,
                      fallback=site.vars.get("site_cegid"))


# req: SPEC-5-firewall
@rule("firewall", "firewall rules target existing groups and Windows hosts; inbound rules never admit the Internet", views=True)
def firewall(site: Site):
    windows_hosts = set(site.group("windows"))
    for i, item in enumerate(site.vars.get("site_cegid_firewall") or []):
        for group in dig(item, ["hosts_groups"]) or []:
            if group not in site.groups:
                yield problem("firewall", f"site_cegid_firewall[{i}].hosts_groups", f"group {group!r} is not in the inventory",
                              value=group)
            elif windows_hosts and not set(site.group(group)) <= windows_hosts:
                others = sorted(set(site.group(group)) - windows_hosts)
                yield problem("firewall", f"site_cegid_firewall[{i}].hosts_groups", f"group {group!r} holds hosts that are "
                              f"not Windows ({', '.join(others)}): Windows Firewall rules cannot apply to them", value=group)
    yield from view_problems("firewall", lambda: windows.firewall_rules(site))


# req: SPEC-4-rds-farm SPEC-4-shutdown SPEC-7-maintenance SPEC-2-dhcp-relay
@rule("windows-view", "the Windows views compute: RDS plan, SQL setup and logins per SQL server, DHCP scopes, update "
      "rings, local administrators, shutdown GPO linked to the workstations' OUs, file servers, Windows Update hours "
      "inside a maintenance window", views=True)
def windows_views(site: Site):
    if not site.group("windows"):
        return
    if site.group("rds_connection_brokers") or site.group("rds_session_hosts"):
        yield from view_problems("windows-view", lambda: windows.rds_plan(site))
    for host in site.group("sql_servers"):
        yield from view_problems("windows-view", lambda host=host: windows.sql_setup(site, host))
    if site.group("sql_servers"):
        yield from view_problems("windows-view", lambda: windows.sql_security(site))
    for host in site.group("file_servers"):
        yield from view_problems("windows-view", lambda host=host: windows.file_server(site, host))
    yield from view_problems("windows-view", lambda: windows.dhcp_scopes(site))
    for host in site.group("windows"):
        yield from view_problems("windows-view", lambda host=host: windows.update_ring(site, host))
        yield from view_problems("windows-view", lambda host=host: windows.local_admin_groups(site, host))
    yield from view_problems("windows-view", lambda: windows.shutdown_task(site))
    yield from view_problems("windows-view", lambda: windows.check_update_hour(site))


# =====================================================================================================
# Issue 15 (validation): Windows rules added by the validation work. Each asks the Windows views
# (firewall_rules, directory's OU paths, sql_setup) or timing, and places what is wrong at its value.
# =====================================================================================================
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import SiteError  # noqa: E402
from ansible_collections.sitekit.core.plugins.plugin_utils.site.timing import DAYS, minutes  # noqa: E402
from ansible_collections.sitekit.core.plugins.plugin_utils.site.wording import suggest  # noqa: E402

UDP_SQL_BROWSER = 1434  # seed 000: UDP 1434 for a named instance (SQL Server Browser)
SAM_USER_MAX = 20  # the pre-Windows 2000 logon name of a user has at most 20 characters


@rule("windows-times", "the daily client shutdown (GPO) falls outside business hours")
def windows_times(site: Site):
    when, hours = site.vars.get("site_client_shutdown_time"), site.vars.get("site_business_hours")
    if not isinstance(hours, dict) or not isinstance(when, str):
        return
    try:
        at = minutes(when, "site_client_shutdown_time")
        start, end = minutes(hours.get("start"), "site_business_hours.start"), minutes(hours.get("end"), "x", True)
    except SiteError:
        return  # the schema and the views report unreadable times
    days = [d for d in hours.get("days") or DAYS if d in DAYS]
    if start <= at < end and days:
        yield problem("windows-times", "site_client_shutdown_time", f"{when} is inside business hours "
                      f"({hours.get('start')}-{hours.get('end')} on {', '.join(days)}): the GPO would shut down "
                      "workstations and thin clients while people work on them", value=when)


@rule("firewall-exceptions", "firewall rule names are unique; the SQL hosts' exceptions open the instance's TCP port "
      "(and UDP 1434 for a named instance), as seed 000 lists", views=True)
def firewall_exceptions(site: Site):
    items = site.vars.get("site_cegid_firewall") or []
    seen: dict = {}
    for i, item in enumerate(items):
        name = dig(item, ["name"])
        if isinstance(name, str) and name.lower() in seen:
            yield problem("firewall-exceptions", f"site_cegid_firewall[{i}].name", f"{name} is also the name of "
                          f"site_cegid_firewall[{seen[name.lower()]}]: Windows keeps one rule per name, this one would "
                          "replace it", value=name)
        elif isinstance(name, str):
            seen[name.lower()] = i
    sql = dig(site.vars, ["site_cegid", "sql"]) or {}
    port = sql.get("tcp_port") if isinstance(sql.get("tcp_port"), int) else windows.SQL_DEFAULT_PORT
    named = str(sql.get("instance") or "MSSQLSERVER").upper() != "MSSQLSERVER"
    for host in site.group("sql_servers"):
        try:
            rules = windows.firewall_rules(site, host)
        except SiteError:
            return  # the firewall rule reports what the view refuses
        inbound = [r for r in rules if r.direction == "in"]
        if not any(r.protocol == "tcp" and port in r.ports for r in inbound):
            key, at = _rule_of(site, items, host, "tcp")
            yield problem("firewall-exceptions", key, f"no inbound TCP rule opens the SQL port {port} on {host} "
                          "(site_cegid.sql.tcp_port): the Cegid clients could not reach the database", value=at,
                          fallback=items, host=host)
        if named and not any(r.protocol == "udp" and UDP_SQL_BROWSER in r.ports for r in inbound):
            key, at = _rule_of(site, items, host, "udp")
            yield problem("firewall-exceptions", key, f"no inbound UDP rule opens {UDP_SQL_BROWSER} on {host}: the named "
                          f"instance {sql.get('instance')} is found through the SQL Browser (seed 000)", value=at,
                          fallback=items, host=host)


def _rule_of(site: Site, items: list, host: str, protocol: str):
    """The inbound rule of ``protocol`` for ``host`` where a missing port belongs (key, its ports), or the list."""
    for i, item in enumerate(items):
        groups = dig(item, ["hosts_groups"]) or []
        if dig(item, ["direction"]) == "in" and dig(item, ["protocol"]) == protocol and \
                any(site.in_group(host, g) for g in groups if isinstance(g, str)):
            return f"site_cegid_firewall[{i}].ports", dig(item, ["ports"])
    return "site_cegid_firewall", None


def _ou_dn(ou) -> str | None:
    if not isinstance(ou, dict) or not isinstance(ou.get("name"), str):
        return None
    path = ou.get("path") or ""
    return f"OU={ou['name']}" + (f",{path}" if isinstance(path, str) and path else "")


@rule("windows-directory", "OUs are declared under existing parents; the RDS broker database is on a SQL host of the "
      "site; logon names fit Windows' limits (the shutdown GPO's OUs: the windows-view rule)")
def windows_directory(site: Site):
    win = site.vars.get("site_windows") if isinstance(site.vars.get("site_windows"), dict) else {}
    declared: list[str] = []
    for i, ou in enumerate(win.get("ous") or []):
        dn = _ou_dn(ou)
        if dn is None:
            continue
        path = ou.get("path") or ""
        if isinstance(path, str) and path and path not in declared:
            yield problem("windows-directory", f"site_windows.ous[{i}].path", f"parent {path} is not an OU declared "
                          f"before {ou['name']}{suggest(path, declared, 0.8)}: OUs are created in the order listed",
                          value=ou.get("path"))
        declared.append(dn)
    ha = dig(win, ["rds", "broker_ha"])
    if isinstance(ha, dict) and len(site.group("rds_connection_brokers")) > 1:
        db_host = ha.get("database_host")
        if isinstance(db_host, str) and db_host not in site.group("sql_servers"):
            yield problem("windows-directory", "site_windows.rds.broker_ha.database_host", f"{db_host} is not in "
                          f"sql_servers{suggest(db_host, site.group('sql_servers'), 0.6)}: the brokers' HA database would "
                          "be on no SQL Server the site installs", value=db_host)
    login = dig(site.vars, ["site_cegid", "update_login"])
    if isinstance(login, str) and "\\" in login and len(login.split("\\", 1)[1]) > SAM_USER_MAX:
        yield problem("windows-directory", "site_cegid.update_login", f"{login.split(chr(92), 1)[1]!r} has "
                      f"{len(login.split(chr(92), 1)[1])} characters: a Windows logon name has at most {SAM_USER_MAX}",
                      value=login)
    for i, account in enumerate(win.get("service_accounts") or []):
        for j, group in enumerate(dig(account, ["hosts_groups"]) or []):
            if isinstance(group, str) and group not in site.groups:
                yield problem("windows-directory", f"site_windows.service_accounts[{i}].hosts_groups[{j}]", f"group "
                              f"{group!r} is not in the inventory{suggest(group, list(site.groups), 0.8)}", value=group)


@rule("windows-hosts", "Windows hosts run a Windows OS and Debian hosts Debian; two domain controllers (SITE-SPEC §4)")
def windows_hosts(site: Site):
    for name, vm in sorted(site.vms.items()):
        os_name = vm.get("os") if isinstance(vm, dict) else None
        if not isinstance(os_name, str):
            continue
        if site.in_group(name, "windows") and site.in_group(name, "debian"):
            continue  # a host in two tiers: the tiers rule says so
        if site.in_group(name, "windows") and not os_name.startswith("windows"):
            yield problem("windows-hosts", "vm.os", f"{os_name} on a host of group windows: the Windows roles would "
                          "run on it", value=os_name, host=name)
        elif site.in_group(name, "debian") and not os_name.startswith("debian"):
            yield problem("windows-hosts", "vm.os", f"{os_name} on a host of group debian: the Debian roles would run "
                          "on it", value=os_name, host=name)
    dcs = site.group("ad_domain_controllers")
    if len(dcs) == 1:
        yield problem("windows-hosts", "groups", "a single domain controller: AD, DNS and DHCP stop with it "
                      "(SITE-SPEC §4: two)", host=dcs[0], severity="warning",
                      fallback=(site.sources.host_lines.get(dcs[0]) if site.sources else None))
