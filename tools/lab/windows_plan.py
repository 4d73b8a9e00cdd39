"""What the Windows tier would do on each lab host — the lab has no Windows machine, so nothing is run.

From the Windows views the roles read (plugin_utils/site/windows): the Cegid firewall rules of
each host, the T-SQL batches of the SQL Server (the role's own templates rendered with the same
view and filters), the RDS deployment steps the first broker runs and the role of each server, the shares
(rights by AD group) and shadow copies of each file server.
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
    out = {h: {"status": NOT_RUN, "firewall": [], "tsql": {}, "rds": [], "files": []} for h in hosts}
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
        out[brokers[0]]["rds"] = [f"{st.order}. {st.step}: {st.action}" for st in rds.steps]
    for host, roles in rds.assignments.items():
        name = host.split(".")[0]
        if name in out:
            out[name]["rds"].append(f"server roles: {', '.join(roles)}")
    for host in s.groups.get("file_servers", []):
        out[host]["files"] = file_server_lines(sw.file_server(s, host))
    return out


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
            "file_shares": sum(1 for h in p.values() for line in h["files"] if line.startswith("share "))}


def render_html(p: dict) -> str:
    e = html.escape
    parts = [f"<h1>Windows tier: plan only ({e(NOT_RUN)})</h1>"]
    for host, item in p.items():
        parts.append(f"<h2>{e(host)} — {e(item['status'])}</h2>")
        if item["firewall"]:
            parts.append("<h3>Firewall rules</h3><ul>" + "".join(f"<li>{e(r)}</li>" for r in item["firewall"]) + "</ul>")
        for name, text in item["tsql"].items():
            parts.append(f"<h3>T-SQL batch {e(name)}</h3><pre>{e(text)}</pre>")
        if item["rds"]:
            parts.append("<h3>RDS</h3><ol>" + "".join(f"<li>{e(r)}</li>" for r in item["rds"]) + "</ol>")
        if item["files"]:
            parts.append("<h3>File server</h3><ul>" + "".join(f"<li>{e(r)}</li>" for r in item["files"]) + "</ul>")
    return ("<!doctype html><html><head><meta charset='utf-8'><title>Windows plan</title></head><body>"
            + "".join(parts) + "</body></html>\n")
