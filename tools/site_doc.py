#!/usr/bin/env python3
"""Write the auditor's summary of an inventory as Markdown, from the site model.

    .venv/bin/python tools/site_doc.py inventories/rcr > build/site-rcr.md

Every figure is read from the inventory through the same model validation uses.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "collections"))

from ansible_collections.sitekit.core.plugins.plugin_utils.site import proxmox  # noqa: E402
from ansible_collections.sitekit.core.plugins.plugin_utils.site.loader import load_site  # noqa: E402
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import SiteError  # noqa: E402
from ansible_collections.sitekit.core.plugins.plugin_utils.site.registry import describe_rules, validate  # noqa: E402

TIERS = ("proxmox_nodes", "windows", "debian", "network")


def backup_lines(site) -> list[str]:
    """Each copy of the backups as the Proxmox view makes its vzdump job: where (storage, location),
    when, what it keeps. A site whose jobs the view refuses shows the refusal (in Problems) instead."""
    vmids = [int(vm["vmid"]) for vm in site.vms.values() if isinstance(vm, dict) and isinstance(vm.get("vmid"), int)]
    try:
        jobs = proxmox.backup_jobs(site, vmids)
    except SiteError as exc:
        return [f"The backup jobs cannot be computed: {exc}."]
    places = {s.get("id"): s.get("location") for s in (site.vars.get("site_proxmox") or {}).get("storage") or []
              if isinstance(s, dict)}
    out = ["| copy | job | storage | location | schedule | mode | retention |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for n, job in enumerate(jobs, 1):
        out.append(f"| {n} | `{job['id']}` | `{job['storage']}` | {places.get(job['storage']) or '-'} | `{job['schedule']}` | "
                   f"{job['mode']}, {job['compress']} | {job['prune-backups']} |")
    distinct = len({places.get(j["storage"]) for j in jobs if places.get(j["storage"])})
    out += ["", f"{len(jobs)} cop{'y' if len(jobs) == 1 else 'ies'} of every VM ({len(vmids)}) in {distinct} "
            f"place{'' if distinct == 1 else 's'} (seeds 001 art. 9, 002 art. 6: two copies in two places)."]
    return out


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
    out += ["", "## Backups", ""] + backup_lines(site) + ["", "## Maintenance windows", ""]
    out += [f"- {w['name']}: {', '.join(w['days'])} {w['start']}–{w['end']}" for w in site.vars.get("site_maintenance_windows") or []]
    out += ["", "## What validation checks", ""] + [f"- `{r}`: {d}" for r, d in describe_rules()]
    if problems:
        out += ["", "## Problems", ""] + [f"- {p.severity}: {p}" for p in problems]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: site_doc.py <inventory dir>")
    sys.stdout.write(render(sys.argv[1]))
