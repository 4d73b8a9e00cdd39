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
