"""Rules of the Proxmox tier: HA votes, VM placement, spread groups, storage, retention, backup windows, second copy."""

from __future__ import annotations

import re
from collections import defaultdict

from ansible_collections.sitekit.core.plugins.module_utils.pve_pvecm import ha_votes
from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import problem
from ansible_collections.sitekit.core.plugins.plugin_utils.site.proxmox import (
    backup_job,
    desired,
    second_copy_job,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.rulebook import dig, rule, view_problems
from ansible_collections.sitekit.core.plugins.plugin_utils.site.timing import maintenance_windows


# req: SPEC-3-ha
@rule("ha-quorum", "HA needs at least 3 votes: 3 nodes, or 2 nodes plus a QDevice (SITE-SPEC §3)")
def ha_quorum(site: Site):
    qdevice = (site.vars.get("site_proxmox") or {}).get("qdevice")
    allowed, reason = ha_votes(len(site.proxmox_nodes), 1 if qdevice else 0)
    if any((vm or {}).get("ha") for vm in site.vms.values() if isinstance(vm, dict)) and not allowed:
        yield problem("ha-quorum", "site_proxmox.qdevice", reason, fallback=site.vars.get("site_proxmox"))
    if isinstance(qdevice, dict) and qdevice.get("host") not in site.hosts:
        yield problem("ha-quorum", "site_proxmox.qdevice.host", f"QDevice host {qdevice.get('host')!r} is not in the inventory",
                      value=qdevice.get("host"))


# req: SPEC-3-ha SPEC-3-fixed-mac
@rule("vm-placement", "VM ids and fixed MACs are unique, preferred nodes exist, the cluster runs every VM with one node down")
def vm_placement(site: Site):
    nodes = set(site.proxmox_nodes)
    vmids, macs = defaultdict(list), defaultdict(list)
    for name, vm in site.vms.items():
        if not isinstance(vm, dict):
            continue
        vmids[vm.get("vmid")].append(name)
        if vm.get("node") not in nodes:
            yield problem("vm-placement", "vm.node", f"node {vm.get('node')!r} is not in proxmox_nodes {sorted(nodes)}", value=vm.get("node"), host=name)
        if "mac" in vm:
            mac = str(vm["mac"])
            if not re.fullmatch(r"([0-9A-F]{2}:){5}[0-9A-F]{2}", mac):
                yield problem("vm-placement", "vm.mac", f"{mac!r} is not a MAC address in the form AA:BB:CC:DD:EE:FF", value=vm["mac"], host=name)
            elif int(mac[:2], 16) & 1:
                yield problem("vm-placement", "vm.mac", f"{mac} is a multicast address", value=vm["mac"], host=name)
            macs[mac].append(name)
    for vmid, names in vmids.items():
        if len(names) > 1:
            for name in names:
                yield problem("vm-placement", "vm.vmid", f"VMID {vmid} is used by {', '.join(sorted(names))}", value=site.vms[name]["vmid"], host=name)
    for mac, names in macs.items():
        if len(names) > 1:
            for name in names:
                yield problem("vm-placement", "vm.mac", f"MAC {mac} is used by {', '.join(sorted(names))}", value=site.vms[name]["mac"], host=name)
    capacity = sorted(((site.hosts[n].get("pve_node") or {}).get("memory_mb") or 0 for n in nodes), reverse=True)
    need = sum((vm or {}).get("memory_mb") or 0 for vm in site.vms.values() if isinstance(vm, dict) and vm.get("ha"))
    if len(capacity) > 1 and all(isinstance(c, int) for c in capacity):
        survivors = sum(capacity[1:])
        if need > survivors:
            yield problem("vm-placement", "vm.memory_mb", f"HA VMs need {need} MB but the cluster has {survivors} MB with its "
                     "largest node down: a node failure could not be absorbed", fallback=site.vars.get("site_proxmox"))


# req: SPEC-3-ha
@rule("spread", "each redundant group (spread_groups) exists and has 2+ members (the Proxmox view refuses members that "
      "prefer the same node)")
def spread(site: Site):
    prox = site.vars.get("site_proxmox") or {}
    for group in prox.get("spread_groups") or []:
        members = site.group(group)
        if group not in site.groups:
            yield problem("spread", "site_proxmox.spread_groups", f"group {group!r} is not in the inventory", value=group)
        elif len(members) < 2:
            yield problem("spread", "site_proxmox.spread_groups", f"group {group!r} has {len(members)} member(s): nothing to keep apart", value=group)


# req: SPEC-3-san SPEC-3-nas-backup
@rule("storage", "the VM storage is shared and holds images; the backup storage exists and holds backups")
def storage(site: Site):
    prox = site.vars.get("site_proxmox") or {}
    stores = {_storage_id(s.get("id")): s for s in prox.get("storage") or [] if isinstance(s, dict)}
    vm_store = stores.get(_storage_id(prox.get("vm_storage")))
    if prox.get("vm_storage") and vm_store is None:
        yield problem("storage", "site_proxmox.vm_storage", f"storage {prox.get('vm_storage')!r} is not declared", value=prox.get("vm_storage"))
    elif vm_store is not None and ("images" not in _contents(vm_store) or not vm_store.get("shared", vm_store.get("type") in ("nfs", "rbd"))):
        yield problem("storage", "site_proxmox.vm_storage", "VM disks need a shared storage with content 'images' for HA",
                 value=prox.get("vm_storage"))
    for sid, store in stores.items():
        if store.get("type") == "lvm" and store.get("base") and _storage_id(store["base"]) not in stores:
            yield problem("storage", f"site_proxmox.storage.{sid}.base", f"base storage {store['base']!r} is not declared", value=store["base"])
    backup = site.vars.get("site_backup") or {}
    target = stores.get(_storage_id(backup.get("storage")))
    if backup.get("storage") and (target is None or "backup" not in _contents(target)):
        yield problem("storage", "site_backup.storage", f"{backup.get('storage')!r} must be a storage of site_proxmox with content 'backup'",
                 value=backup.get("storage"))


def _storage_id(value):
    """A storage id as declared; a list or a mapping (the schema reports its type) names no storage."""
    return value if isinstance(value, (str, int)) else None


def _contents(store: dict) -> list:
    """A storage's content types; another shape (the schema reports it) holds none."""
    content = store.get("content")
    return content if isinstance(content, list) else []


# Minimum retention per copy: (key, minimum, source). The nightly copy makes J-1…J-7 and M-1…M-2
# restorable (seed 001 art. 9); the second copy, weekly, keeps the weekends of 5 weeks (seed 002
# art. 6) and two months (seed 001 art. 9).
RETENTION_MINIMUMS = {
    "site_backup.retention": (("keep_daily", 7), ("keep_monthly", 2)),
    "site_backup.second_copy.retention": (("keep_weekly", 5), ("keep_monthly", 2)),
}


# req: SPEC-3-retention
@rule("retention", "the nightly copy keeps at least 7 daily and 2 monthly backups, the second copy 5 weekly and 2 monthly "
      "(seeds 001 art. 9: J-1…J-7, M-1…M-2; 002 art. 6: weekends kept 5 weeks)")
def retention(site: Site):
    backup = site.vars.get("site_backup") or {}
    for base, minimums in RETENTION_MINIMUMS.items():
        keep = dig(backup, base.split(".")[1:]) or {}
        if base != "site_backup.retention" and not backup.get("second_copy"):
            continue
        for key, minimum in minimums:  # a missing key is the schema's to report
            value = keep.get(key) if isinstance(keep, dict) else None
            if isinstance(value, int) and value < minimum:
                yield problem("retention", f"{base}.{key}", f"{value} is below the contractual minimum {minimum}", value=value)


# req: SPEC-7-maintenance SPEC-3-nas-backup
@rule("maintenance", "maintenance windows are readable and the nightly backup runs inside one (SITE-SPEC §7)", views=True)
def backup_window(site: Site):
    maintenance_windows(site.vars)  # a window that cannot be read raises SiteError → a problem
    vmids = [int(vm["vmid"]) for vm in site.vms.values() if isinstance(vm, dict) and isinstance(vm.get("vmid"), int)]
    return view_problems("maintenance", lambda: backup_job(site, vmids))


# req: SPEC-3-two-copies SPEC-3-nas-backup
@rule("second-copy", "the backups exist twice, in two places: a second vzdump job to a storage in another location, "
      "inside a maintenance window (seeds 001 art. 9, 002 art. 6, 003)", views=True)
def second_copy(site: Site):
    backup = site.vars.get("site_backup") or {}
    if not backup:
        return []
    if not backup.get("second_copy"):
        return [problem("second-copy", "site_backup.second_copy", "missing: seeds 001 art. 9 and 002 art. 6 require the "
                        "backups in two copies kept in two places", fallback=backup.get("storage"))]
    vmids = [int(vm["vmid"]) for vm in site.vms.values() if isinstance(vm, dict) and isinstance(vm.get("vmid"), int)]
    return view_problems("second-copy", lambda: second_copy_job(site, vmids))


# req: SPEC-3-nas-backup SPEC-3-ha
@rule("proxmox-view", "the Proxmox view computes the cluster's desired state (storages, backup job, VMs, HA)", views=True)
def proxmox_view(site: Site):
    if site.vars.get("site_proxmox"):
        yield from view_problems("proxmox-view", lambda: desired(site))
