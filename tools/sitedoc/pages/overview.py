"""Overview: the site, its validation, service levels (hours, availability, windows, SLAs), the pages."""

from __future__ import annotations

from ansible_collections.sitekit.core.plugins.plugin_utils.site.timing import maintenance_windows

from sitedoc.context import TIERS, Context
from sitedoc.report import Bullets, Heading, Page, Para, Table, status

GUIDE = [
    "[Topology](topology.md): links, stacks and port-channels, routers and GLBP, Proxmox nodes, SAN, NAS, FTP archive.",
    "[VLAN plan](vlans.md): subnets, gateways, where each VLAN is carried.",
    "[Hosts](hosts.md): every host's tier, VLAN, address, node and sizing; which VM runs on which node.",
    "[Firewall matrix](firewall.md): per host, each open port, to whom, why, and the document that asks for it.",
    "[Backups and restores](backup.md): jobs, scope, schedule, retention, restore targets, last PRA drill.",
    "[Cegid compliance](cegid.md): each prerequisite of seed 000, required vs declared, status, rule.",
    "[Traceability](traceability.md): requirement → validation rule → role step → test; gaps named.",
    "[Run history](history.md): what was applied when, by whom, and what changed.",
]


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def service_levels(ctx: Context) -> list:
    hours = ctx.site.vars.get("site_business_hours") or {}
    blocks: list = [Heading("Service levels")]
    if hours:
        blocks.append(Para(f"Business hours {', '.join(hours.get('days') or [])} {hours.get('start')}–{hours.get('end')}; "
                           f"availability target {hours.get('availability_pct')} % over those hours "
                           "(`site_business_hours`, seeds 001 and 002)."))
    else:
        blocks.append(Para(status("none", "no business hours or availability target declared (site_business_hours)")))
    try:
        windows = [[w.name, ", ".join(w.days), _hhmm(w.start), _hhmm(w.end),
                    "yes" if w.crosses_midnight else "no"] for w in maintenance_windows(ctx.site.vars)]
    except Exception as exc:  # noqa: BLE001 - shown on the page; validation names the cause
        windows = [[status("fail", str(exc)), "", "", "", ""]]
    blocks += [Heading("Maintenance windows", 3),
               Para("Disruptive changes (reboots, failovers, stack reloads) run only inside these (SITE-SPEC §7)."),
               Table(["window", "days", "from", "to", "crosses midnight"], windows, empty="no maintenance window")]
    sla = [[s.get("name"), s.get("priority"), s.get("resolve_hours")] for s in ctx.site.vars.get("site_sla") or []]
    blocks += [Heading("SLAs (GLPI)", 3), Table(["level", "GLPI priority", "time to resolve (hours)"], sla, empty="no SLA")]
    return blocks


def page(ctx: Context) -> Page:
    site = ctx.site
    errors = [p for p in ctx.problems if p.severity == "error"]
    warnings = [p for p in ctx.problems if p.severity == "warning"]
    counts = [[t, len([h for h in site.hosts if t in site.hosts[h].groups])] for t in TIERS]
    verdict = status("fail" if errors else ("warn" if warnings else "ok"),
                     f"{len(errors)} error(s), {len(warnings)} warning(s)")
    p = Page("index", f"Site {ctx.name}")
    p.add(Para(f"{site.vars.get('site_description', '')}. Generated from `{ctx.inventory}` by the site model "
               "(the views the roles apply); nothing here is typed by hand."),
          Table(["tier", "hosts"], counts),
          Heading("Validation"),
          Table(["result", "rules run"], [[verdict, len(ctx.rules)]]),
          Table(["severity", "where", "host", "key", "problem", "rule"],
                [[status("fail" if pr.severity == "error" else "warn", pr.severity), ctx.where(pr),
                  pr.host or "", pr.key, pr.message, pr.rule] for pr in ctx.problems], empty="no problem"),
          *service_levels(ctx),
          Heading("How to read this pack"),
          Bullets(GUIDE))
    return p
