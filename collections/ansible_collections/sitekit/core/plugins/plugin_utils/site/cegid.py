"""Cegid Fiscalité prerequisites (seed 000, SITE-SPEC §5), decided once.

Sizing of the session hosts and of the SQL server, the RDS threshold, the collation and the
authentication mode. Validation reports these findings on what the inventory declares; the
Windows roles ask the same functions again with what the hosts measure (``windows.sizing_check``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import SiteError

DEFAULT_RDS_MANDATORY_ABOVE = 15  # seed 000: "au-delà de 15 utilisateurs simultanés, RDS est obligatoire"


@dataclass(frozen=True)
class Finding:
    """One sizing verdict on one server (or on the site when ``host`` is None)."""

    host: str | None
    role: str  # "session host", "SQL server" or "site"
    key: str
    message: str
    severity: str = "error"
    value: Any = None


def windows_version(os_name: Any) -> int | None:
    m = re.fullmatch(r"windows(\d{4})", str(os_name))
    return int(m.group(1)) if m else None


def check_collation(sql: dict) -> None:
    """Seed 000: the collation is case-insensitive and accent-sensitive (``*_CI_AS``), set at install."""
    collation = sql.get("collation")
    if not str(collation or "").endswith("_CI_AS"):
        raise SiteError(f"{collation!r} must be case-insensitive and accent-sensitive (*_CI_AS)",
                        key="site_cegid.sql.collation", value=collation)


def check_authentication(sql: dict) -> None:
    """Seed 000: Windows authentication mode only."""
    mode = sql.get("authentication", "windows")
    if mode != "windows":
        raise SiteError("Cegid requires Windows authentication mode", key="site_cegid.sql.authentication", value=mode)


def users_per_session_host(site) -> int:
    users = int((site.vars.get("site_cegid") or {}).get("concurrent_users") or 0)
    hosts = site.group("rds_session_hosts")
    return math.ceil(users / len(hosts)) if hosts else 0


def sizing(site, actual: dict | None = None) -> list[Finding]:
    """Every sizing finding; ``actual`` maps a host to measured ``memory_mb``/``vcpu`` (else the ``vm`` values)."""
    cegid = site.vars.get("site_cegid") or {}
    pres, db = cegid.get("presentation_server") or {}, cegid.get("database_server") or {}
    users = cegid.get("concurrent_users")
    hosts = site.group("rds_session_hosts")
    out: list[Finding] = []
    mandatory = int(pres.get("rds_mandatory_above_users", DEFAULT_RDS_MANDATORY_ABOVE))
    if isinstance(users, int) and users > mandatory and not hosts:
        out.append(Finding(None, "site", "site_cegid.concurrent_users", f"{users} users need an RDS farm (mandatory "
                           f"beyond {mandatory}): no host in rds_session_hosts", value=users))
    per_host = users_per_session_host(site) if isinstance(users, int) else 0
    if pres and per_host:
        what = (f"a session host with {per_host} users ({pres['min_memory_mb']} MB + {pres['memory_per_user_mb']} MB "
                f"x {per_host} users, seed 000)")
        need_mb = pres["min_memory_mb"] + pres["memory_per_user_mb"] * per_host
        rec_mb = pres["recommended_memory_mb"] + pres["memory_per_user_mb"] * per_host
        cpus = (math.ceil(per_host / pres["users_per_vcpu_max"]), math.ceil(per_host / pres["users_per_vcpu_recommended"]))
        for name in hosts:
            out += _server(site, name, "session host", what, pres, (need_mb, rec_mb), cpus, per_host, actual)
    if db:
        for name in site.group("sql_servers"):
            out += _server(site, name, "SQL server", "a database server", db,
                           (db.get("min_memory_mb", 0), db.get("recommended_memory_mb", 0)), None, 0, actual)
    return out


def _server(site, name, role, what, req, memory, cpus, per_host, actual) -> list[Finding]:
    vm = (site.hosts[name].get("vm") if name in site.hosts else None) or {}
    measured = (actual or {}).get(name) or {}
    mem, vcpu = measured.get("memory_mb", vm.get("memory_mb")), measured.get("vcpu", vm.get("vcpu"))
    out = []

    def add(key, message, severity="error", value=None):
        out.append(Finding(name, role, key, message, severity, value))

    version = windows_version(vm.get("os"))
    if version and req.get("min_windows") and version < req["min_windows"]:
        add("vm.os", f"Windows {version} is below the Cegid minimum {req['min_windows']} for {what}", value=vm.get("os"))
    elif version and req.get("recommended_windows") and version < req["recommended_windows"]:
        add("vm.os", f"Windows {version} is below the recommended {req['recommended_windows']}", "warning", vm.get("os"))
    need_mb, rec_mb = max(memory[0], req.get("min_memory_mb", 0)), memory[1]
    if not isinstance(mem, int):
        add("vm.memory_mb", "memory is unknown: declare vm.memory_mb", value=mem)
    elif mem < need_mb:
        add("vm.memory_mb", f"{mem} MB is below the Cegid minimum {need_mb} MB for {what}", value=mem)
    elif mem < rec_mb:
        add("vm.memory_mb", f"{mem} MB is below the recommended {rec_mb} MB for {what}", "warning", mem)
    if cpus is not None:
        if not isinstance(vcpu, int) or vcpu < cpus[0]:
            add("vm.vcpu", f"{vcpu} vCPU for {per_host} users: at least {cpus[0]} needed (1 CPU per "
                f"{req['users_per_vcpu_max']} users)", value=vcpu)
        elif vcpu < cpus[1]:
            add("vm.vcpu", f"{vcpu} vCPU is below the recommended {cpus[1]} for {per_host} users", "warning", vcpu)
    return out
