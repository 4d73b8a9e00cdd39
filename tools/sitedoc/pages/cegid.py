"""Cegid compliance: each prerequisite of seed 000 with the required value, the declared value,
the status, and what checks it.

The status is validation's verdict (``registry.validate``: ``cegid.py`` and the Windows views
decide, nothing here compares figures): an error of the row's rule on the row's key is "not
met", a warning "below the recommendation", none "met". A prerequisite no rule checks says so,
with the role steps and tests that carry its requirement marker (traceability).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ansible_collections.sitekit.core.plugins.plugin_utils.site import windows

from sitedoc.context import Context
from sitedoc.report import Heading, Page, Para, Table, status
from sitedoc.trace import Trace


@dataclass(frozen=True)
class Prerequisite:
    req: str  # requirement id (docs/requirements.yml)
    what: str
    required: str  # as seed 000 words it
    declared: Callable[[Context, str | None], object]
    rules: tuple[str, ...] = ()
    key: str | None = None  # key (prefix) of the rule's problems that concern this row
    per_host: str | None = None  # a group: one row per host of it


def _cegid(ctx: Context) -> dict:
    return ctx.site.vars.get("site_cegid") or {}


def _sql(ctx: Context) -> dict:
    return _cegid(ctx).get("sql") or {}


def _vm(ctx: Context, host: str | None, key: str):
    return ((ctx.site.hosts[host].get("vm") or {}).get(key)) if host in ctx.site.hosts else None


def _firewall(ctx: Context, host: str | None) -> str:
    rules = windows.firewall_rules(ctx.site)
    return "; ".join(f"{r.name} {r.direction} {r.protocol.upper()} {','.join(str(p) for p in r.ports)}" for r in rules)


def _security(ctx: Context, host: str | None) -> str:
    sec = windows.sql_security(ctx.site)
    return f"{sec.update_login}: server roles {', '.join(sec.server_roles[sec.update_login])}"


def _share(ctx: Context, host: str | None) -> str:
    share = windows.sql_update_share(ctx.site, host)
    return f"\\\\{host}\\{share.name} ({share.path}): change for {', '.join(share.share_change)}"


def _req_mem(ctx: Context, which: str) -> str:
    req = _cegid(ctx).get(which) or {}
    return f"(inventory: {req.get('min_memory_mb', '?')} / {req.get('recommended_memory_mb', '?')} MB)"


PREREQUISITES = [
    Prerequisite("SPEC-5-sql-windows", "Database server: Windows", "Windows Server 2012 minimum, 2016 recommended, x64",
                 lambda c, h: _vm(c, h, "os"), ("cegid-sql",), "vm.os", "sql_servers"),
    Prerequisite("SPEC-5-sql-memory", "Database server: memory", "8 GB minimum, 16 GB recommended",
                 lambda c, h: f"{_vm(c, h, 'memory_mb')} MB {_req_mem(c, 'database_server')}", ("cegid-sql",),
                 "vm.memory_mb", "sql_servers"),
    Prerequisite("SPEC-5-sql-version", "SQL Server version", "2012 SP3 minimum, 2016 SP2 recommended, x64",
                 lambda c, h: _sql(c).get("version")),
    Prerequisite("SPEC-5-sql-version", "SQL Server edition", "Standard or Enterprise",
                 lambda c, h: _sql(c).get("edition"), ("schema",), "site_cegid.sql.edition"),
    Prerequisite("SPEC-5-sql-version", "Dedicated instance", "an instance dedicated to Cegid (recommended)",
                 lambda c, h: f"named instance {_sql(c).get('instance')}, TCP {_sql(c).get('tcp_port')}"),
    Prerequisite("SPEC-5-collation", "Collation", "case-insensitive, accent-sensitive (*_CI_AS)",
                 lambda c, h: _sql(c).get("collation"), ("cegid-sql",), "site_cegid.sql.collation"),
    Prerequisite("SPEC-5-windows-auth", "Authentication", "Windows authentication mode",
                 lambda c, h: _sql(c).get("authentication", "windows"), ("cegid-sql",), "site_cegid.sql.authentication"),
    Prerequisite("SPEC-5-windows-auth", "Users' AD group", "all users in one AD group allowed on the Cegid databases",
                 lambda c, h: _cegid(c).get("users_group")),
    Prerequisite("SPEC-5-bulkadmin", "Update login", "bulkadmin server role (BULK INSERT)", _security),
    Prerequisite("SPEC-5-update-share", "Update share", "read/write for the SQL Server service account", _share,
                 per_host="sql_servers"),
    Prerequisite("SPEC-5-generic-account", "Generic CEGID account", "removed once an administrator exists",
                 lambda c, h: "—"),
    Prerequisite("SPEC-5-dotnet", ".NET Framework", "4.5.2 or later", lambda c, h: "measured on each host"),
    Prerequisite("SPEC-5-rds-threshold", "RDS beyond 15 users", "RDS mandatory beyond 15 concurrent users",
                 lambda c, h: f"{_cegid(c).get('concurrent_users')} users, {len(c.site.group('rds_session_hosts'))} "
                              "session hosts", ("cegid-rds",), "site_cegid.concurrent_users"),
    Prerequisite("SPEC-5-rds-sizing", "Session host: Windows", "Windows Server 2012 minimum, 2016 recommended",
                 lambda c, h: _vm(c, h, "os"), ("cegid-rds",), "vm.os", "rds_session_hosts"),
    Prerequisite("SPEC-5-rds-sizing", "Session host: memory", "8 GB (16 GB rec.) + 100 MB per user",
                 lambda c, h: f"{_vm(c, h, 'memory_mb')} MB {_req_mem(c, 'presentation_server')}", ("cegid-rds",),
                 "vm.memory_mb", "rds_session_hosts"),
    Prerequisite("SPEC-5-rds-sizing", "Session host: CPU", "1 CPU for 15–20 users",
                 lambda c, h: f"{_vm(c, h, 'vcpu')} vCPU", ("cegid-rds",), "vm.vcpu", "rds_session_hosts"),
    Prerequisite("SPEC-5-office", "Office", "Office 2013 SP1 / 2016, 32-bit", lambda c, h: "—"),
    Prerequisite("SPEC-5-firewall", "Firewall exceptions",
                 "TCP 135, 139, 703, 1433; UDP 137, 138, 1702, 1434; TCP 80, 443 to the portal", _firewall),
    Prerequisite("SPEC-5-regional", "Regional settings", "French; dd/MM/yyyy; HH:mm:ss; decimal ','",
                 lambda c, h: "; ".join(str(v) for v in (_cegid(c).get("regional") or {}).values())),
    Prerequisite("SPEC-5-vendor-access", "Vendor access", "portal, TeamViewer QuickSupport, updates reachable",
                 lambda c, h: ", ".join(_cegid(c).get("vendor_domains") or [])),
    Prerequisite("SPEC-3-fixed-mac", "Licence server MAC", "fixed MAC for a VM hosting a licence server",
                 lambda c, h: ", ".join(f"{n} {vm['mac']}" for n, vm in sorted(c.site.vms.items())
                                        if isinstance(vm, dict) and vm.get("mac")) or "no VM pins a MAC"),
]


def _status(ctx: Context, trace: Trace, pre: Prerequisite, host: str | None) -> str:
    if not pre.rules:
        roles, tests = trace.appliers.get(pre.req, []), trace.tests.get(pre.req, [])
        if not roles and not tests:
            return status("fail", "gap: nothing checks or applies it")
        return status("none", f"not validated; applied by {len(roles)} role step(s), {len(tests)} test(s)")
    found = ctx.problems_of(set(pre.rules), host=host, key_prefix=pre.key) if host else \
        ctx.problems_of(set(pre.rules), key_prefix=pre.key)
    errors = [p for p in found if p.severity == "error"]
    if errors:
        return status("fail", f"not met: {errors[0].message}")
    if found:
        return status("warn", f"met, below the recommendation: {found[0].message}")
    blocking = [p for p in ctx.problems if p.severity == "error" and p.rule not in pre.rules]
    if blocking:
        return status("none", "not established while validation reports errors")
    return status("ok", "met")


def rows(ctx: Context, trace: Trace) -> list[list]:
    out = []
    for pre in PREREQUISITES:
        for host in (sorted(ctx.site.group(pre.per_host)) if pre.per_host else [None]):
            try:
                declared = pre.declared(ctx, host)
            except Exception as exc:  # noqa: BLE001 - shown in the row; validation names the cause
                declared = status("fail", f"cannot be read: {exc}")
            checked = [f"rule {r}" for r in pre.rules] + list(trace.appliers.get(pre.req, []))
            out.append([pre.what, host or "site", pre.required, declared, _status(ctx, trace, pre, host),
                        ", ".join(checked) or "nothing", f"[{pre.req}](traceability.md)"])
    return out


def page(ctx: Context, trace: Trace) -> Page:
    version = _cegid(ctx).get("version", "")
    return Page("cegid", "Cegid compliance").add(
        Para(f"Cegid Fiscalité {version} prerequisites (seed 000, SITE-SPEC §5) against the inventory. Status is "
             "validation's verdict on the row's rule and key; \"no validation rule\" rows are applied or measured by "
             "the role steps listed (see [traceability](traceability.md) for the tests)."),
        Table(["prerequisite", "host", "required (seed 000)", "declared", "status", "checked / applied by",
               "requirement"], rows(ctx, trace)),
        Heading("Firewall exceptions", 3),
        Para("Each host's opened ports are in the [firewall matrix](firewall.md)."),
    )
