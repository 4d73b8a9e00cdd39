#!/usr/bin/env python3
"""Write the auditor's summary of an inventory as Markdown, from the site model.

    .venv/bin/python tools/site_doc.py inventories/rcr > build/site-rcr.md

Every figure is read from the inventory through the same model validation uses.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "collections"))

from ansible_collections.sitekit.core.plugins.plugin_utils.site.loader import load_site  # noqa: E402
from ansible_collections.sitekit.core.plugins.plugin_utils.site.registry import describe_rules, validate  # noqa: E402

TIERS = ("proxmox_nodes", "windows", "debian", "network")


def render(inventory: str) -> str:
    site = load_site(inventory)
    problems = validate(site)
    out = [f"# Site {site.vars.get('site_name')} — {site.vars.get('site_description', '')}", "",
           f"Source: `{inventory}`. {len(site.hosts)} hosts. Validation: "
           f"{sum(p.severity == 'error' for p in problems)} error(s), {sum(p.severity == 'warning' for p in problems)} warning(s).", "",
           "## VLAN plan", "", "| VLAN | name | subnet | role | gateway (GLBP) |", "| --- | --- | --- | --- | --- |"]
    out += [f"| {v.id} | {v.name} | {v.subnet} | {v.role} | {site.gateway(v.id)} |" for v in site.vlans]
    out += ["", "## Hosts", "", "| host | tier | groups | address | vCPU | RAM (MB) | disks (GB) | node | HA |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for name in sorted(site.hosts):
        host = site.hosts[name]
        vm = host.get("vm") or {}
        tier = next((t for t in TIERS if t in host.groups), "-")
        groups = ", ".join(g for g in host.groups if g not in TIERS and g != "proxmox_vms")
        disks = "+".join(str(d.get("size_gb")) for d in vm.get("disks") or [])
        out.append(f"| {name} | {tier} | {groups} | {site.host_interface(name)} | {vm.get('vcpu', '')} | "
                   f"{vm.get('memory_mb', '')} | {disks} | {vm.get('node', '')} | {'yes' if vm.get('ha') else ''} |")
    backup = site.vars.get("site_backup") or {}
    keep = backup.get("retention") or {}
    out += ["", "## Backups", "", f"vzdump to `{backup.get('storage')}` at {backup.get('schedule')} on "
            f"{', '.join(backup.get('days') or [])}, mode {backup.get('mode')}, {backup.get('compress')}; "
            f"keep-daily={keep.get('keep_daily')}, keep-weekly={keep.get('keep_weekly')}, keep-monthly={keep.get('keep_monthly')}.",
            "", "## Maintenance windows", ""]
    out += [f"- {w['name']}: {', '.join(w['days'])} {w['start']}–{w['end']}" for w in site.vars.get("site_maintenance_windows") or []]
    out += ["", "## What validation checks", ""] + [f"- `{r}`: {d}" for r, d in describe_rules()]
    if problems:
        out += ["", "## Problems", ""] + [f"- {p.severity}: {p}" for p in problems]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: site_doc.py <inventory dir>")
    sys.stdout.write(render(sys.argv[1]))
