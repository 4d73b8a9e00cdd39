"""What the Windows tier would do on each lab host — the lab has no Windows machine, so nothing is run.

From the Windows views the roles read (plugin_utils/site/windows): every host's base settings (name, DNS
client, domain join, update ring, local administrators' groups), the directory the domain controllers build
(forest, OUs, groups, reverse zones, DHCP scopes, shutdown GPO), the Cegid firewall rules of each host, the
T-SQL batches of the SQL Server (the role's own templates rendered with the same view and filters), the RDS
deployment steps the first broker runs and the role of each server, the shares (rights by AD group) and shadow
copies of each file server.
"""

from __future__ import annotations

import html

import jinja2
from context import REPO, site

NOT_RUN = "not executed: no Windows host"
TSQL_BATCHES = ("security.sql.j2", "databases.sql.j2", "database_access.sql.j2")


def plan() -> dict[str, dict]:
    s = site()  # first: installs the collection finder
    from ansible_collections.sitekit.core.plugins.plugin_utils.site import windows as sw
    from ansible_collections.sitekit.core.plugins.plugin_utils.site.typed import to_vars

    hosts = sorted(s.groups.get("windows", []))
    out = {h: {"status": NOT_RUN, "base": base_lines(s, sw, h), "domain": [], "firewall": [], "tsql": {}, "rds": [],
               "rds_roles": [], "files": []} for h in hosts}
    controllers = [h for h in s.groups.get("ad_domain_controllers", []) if h in out]
    for i, host in enumerate(controllers):
        out[host]["domain"] = domain_lines(s, sw, first=i == 0)
    for rule in sw.firewall_rules(s, None):
        for host in rule.hosts:
            if host in out:
                inbound = rule.direction == "in"
                ports = rule.localport if inbound else rule.remoteport
                out[host]["firewall"].append(f"{rule.name}: {rule.direction} {rule.protocol} {ports} "
                                             f"{'from' if inbound else 'to'} {rule.remoteip}")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(REPO / "roles/sqlserver_cegid/templates/tsql")),
                             trim_blocks=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    from ansible.plugins.filter.core import to_bool

    env.filters.update({"sitekit.core.tsql_name": sw.tsql_name, "sitekit.core.tsql_str": sw.tsql_str, "bool": to_bool})
    security = to_vars(sw.sql_security(s))  # the templates read what the filter gives the role
    for host in s.groups.get("sql_servers", []):
        out[host]["tsql"] = {name.removesuffix(".j2"): env.get_template(name).render(
            sqlserver_cegid_security=security, sqlserver_cegid_tsql_apply=True) for name in TSQL_BATCHES}
    rds = sw.rds_plan(s)
    brokers = s.groups.get("rds_connection_brokers", [])
    if brokers:
        out[brokers[0]]["rds"] = [f"{st.step}: {st.action}" for st in rds.steps]  # in order (st.order)
    for host, roles in rds.assignments.items():
        name = host.split(".")[0]
        if name in out:
            out[name]["rds_roles"] = list(roles)
    for host in s.groups.get("file_servers", []):
        out[host]["files"] = file_server_lines(sw.file_server(s, host))
    return out


def base_lines(s, sw, host: str) -> list[str]:
    """windows_base's settings of a host, from the filters its defaults call."""
    ring = sw.update_ring(s, host)
    dcs = host in s.groups.get("ad_domain_controllers", [])
    admins = sw.local_admin_groups(s, host)
    return [f"name {host.upper()} ({sw.fqdn(s, host)}), DNS client {', '.join(s.infra_ips('dns')) or 'none'}",
            "domain controller (no domain join)" if dcs else
            f"joins {s.vars['site_domain']} into {sw.directory(s).ou['servers']}",
            f"update ring {ring.name}{' (pilot)' if ring.pilot else ''}: quality updates deferred {ring.defer_quality_days} "
            f"day(s), feature updates {ring.defer_feature_days} day(s), installed at {ring.install_hour:02d}:00"
            + (f" from {ring.wsus_url}" if ring.wsus_url else ""),
            f"local Administrators: {', '.join(admins) if admins else 'no site group added'}"]


def domain_lines(s, sw, first: bool) -> list[str]:
    """What ad_domain builds: the forest on the first controller, the directory's objects, DNS, DHCP, the GPO."""
    directory, groups, gpo = sw.directory(s), sw.ad_groups(s), sw.shutdown_task(s)
    lines = [f"{'creates the forest' if first else 'promoted into'} {s.vars['site_domain']} (NetBIOS {sw.netbios(s)})"]
    if not first:
        return lines + ["replicates the directory objects, DNS zones and DHCP failover of the first controller"]
    lines.append(f"OUs ({len(directory.ous)}): " + "; ".join(ou.dn for ou in directory.ous))
    lines.append(f"security groups ({len(groups)}): " + "; ".join(
        f"{g.name} ({len(g.members) + len(g.member_rids)} member(s))" for g in groups))
    lines.append(f"reverse lookup zones: {', '.join(sw.reverse_zones(s))}")
    lines += [f"DHCP scope {sc.name}: {sc.start}-{sc.end}, router {sc.router}, DNS {', '.join(sc.dns_servers)}, "
              f"lease {sc.lease_hours} h" for sc in sw.dhcp_scopes(s)]
    lines.append(f"GPO {gpo.gpo_name}: shutdown at {gpo.time}, linked to "
                 + "; ".join(gpo.target_ous))
    return lines


def file_server_lines(files) -> list[str]:
    lines = [f"share {sh.name} ({sh.path}): change {', '.join(sh.share_change) or 'nobody'}; "
             f"read {', '.join(sh.share_read) or 'nobody'}" for sh in files.shares]
    if files.shadow_copies:
        sc = files.shadow_copies
        lines.append(f"shadow copies of {sc.volume} (at most {sc.max_size_percent} %): {', '.join(sc.days)} at {', '.join(sc.times)}")
    return lines


def counts(p: dict) -> dict:
    return {"hosts": len(p), "firewall_rules": sum(len(h["firewall"]) for h in p.values()),
            "tsql_batches": sum(len(h["tsql"]) for h in p.values()), "rds_steps": sum(len(h["rds"]) for h in p.values()),
            "rds_servers": sum(1 for h in p.values() if h["rds_roles"]),
            "file_shares": sum(1 for h in p.values() for line in h["files"] if line.startswith("share "))}


def render_html(p: dict) -> str:
    e = html.escape
    parts = [f"<h1>Windows tier: plan only ({e(NOT_RUN)})</h1>"]
    for host, item in p.items():
        parts.append(f"<h2>{e(host)} — {e(item['status'])}</h2>")
        parts.append("<h3>Base settings</h3><ul>" + "".join(f"<li>{e(r)}</li>" for r in item["base"]) + "</ul>")
        if item["domain"]:
            parts.append("<h3>Active Directory domain</h3><ul>" + "".join(f"<li>{e(r)}</li>" for r in item["domain"]) + "</ul>")
        if item["firewall"]:
            parts.append("<h3>Firewall rules</h3><ul>" + "".join(f"<li>{e(r)}</li>" for r in item["firewall"]) + "</ul>")
        for name, text in item["tsql"].items():
            parts.append(f"<h3>T-SQL batch {e(name)}</h3><pre>{e(text)}</pre>")
        if item["rds"] or item["rds_roles"]:
            parts.append("<h3>RDS</h3>")
        if item["rds_roles"]:
            parts.append(f"<p>server roles: {e(', '.join(item['rds_roles']))}</p>")
        if item["rds"]:
            parts.append("<p>deployment steps, run from this broker:</p><ol>"
                         + "".join(f"<li>{e(r)}</li>" for r in item["rds"]) + "</ol>")
        if item["files"]:
            parts.append("<h3>File server</h3><ul>" + "".join(f"<li>{e(r)}</li>" for r in item["files"]) + "</ul>")
    return ("<!doctype html><html><head><meta charset='utf-8'><title>Windows plan</title></head><body>"
            + "".join(parts) + "</body></html>\n")
