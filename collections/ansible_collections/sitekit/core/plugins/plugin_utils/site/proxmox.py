"""Proxmox view of the site model: what the cluster must hold, as API parameters.

``desired_state(site)`` turns the inventory (site_proxmox, site_backup,
site_maintenance_windows, each VM's ``vm`` and ``site_vlan``) into storages, the
nightly backup job and the second copy, VM specs (clone source, vCPU, memory, disks, net0 with bridge,
VLAN tag and pinned MAC) and the HA placement, in both PVE 8 (groups) and PVE 9
(node- and resource-affinity rules) forms. Pure functions: the filters, the
modules and the tests call the same code.
"""

from __future__ import annotations

import datetime
import zoneinfo

from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import SiteError
from ansible_collections.sitekit.core.plugins.plugin_utils.site.timing import (
    DAYS,
    days_outside,
    in_window,
    maintenance_windows,
)

PREFIX = "sitekit"
BACKUP_JOB_ID = f"{PREFIX}-nightly"
SECOND_COPY_JOB_ID = f"{PREFIX}-second-copy"


# ---- storage ---------------------------------------------------------------------------------
def storages(prox: dict) -> list[dict]:
    """``site_proxmox.storage`` as POST /storage parameters, in dependency order (bases first)."""
    out = []
    for item in prox.get("storage") or []:
        params = {"storage": item["id"], "type": item["type"], "content": ",".join(item.get("content") or ["none"])}
        for key in ("portal", "target", "server", "export", "vgname", "path", "pool", "options"):
            if item.get(key) not in (None, ""):
                params[key] = str(item[key])
        # ``base: <storage>`` names the iSCSI storage the VG sits on (ordering only); a volume id
        # (``san-iscsi:0.0.0.scsi-…``) is passed to PVE, which then creates the VG on that LUN.
        if item.get("base") and ":" in str(item["base"]):
            params["base"] = str(item["base"])
        if "shared" in item:
            params["shared"] = 1 if item["shared"] else 0
        params["_after"] = str(item["base"]).split(":")[0] if item.get("base") else None
        out.append(params)
    ordered, done = [], set()
    while len(ordered) < len(out):
        progressed = False
        for params in out:
            if params["storage"] not in done and (params["_after"] in done or params["_after"] is None
                                                  or params["_after"] not in {p["storage"] for p in out}):
                ordered.append(params)
                done.add(params["storage"])
                progressed = True
        if not progressed:
            raise SiteError("circular 'base' references", key="site_proxmox.storage", value=prox.get("storage"))
    for params in ordered:
        params.pop("_after")
    return ordered


# ---- backup jobs -----------------------------------------------------------------------------
def _schedule(site, days: list[str], at, key: str) -> str:
    """A vzdump schedule (calendar event) for ``at`` on ``days``, refused outside every maintenance window."""
    outside = days_outside(maintenance_windows(site.vars), days, at, key)
    if outside:
        raise SiteError(f"{at} on {', '.join(outside)} is outside every maintenance window", key=key, value=at)
    return at if sorted(days, key=DAYS.index) == list(DAYS) else f"{','.join(days)} {at}"


def _prune(retention: dict) -> str:
    keep = {k.replace("_", "-"): int(v) for k, v in (retention or {}).items()}
    return ",".join(f"{k}={keep[k]}" for k in sorted(keep))


def backup_job(site, vmids: list[int]) -> dict:
    """The nightly vzdump job (POST /cluster/backup parameters); it runs inside a maintenance window."""
    backup = site.vars.get("site_backup") or {}
    job = {
        "id": BACKUP_JOB_ID,
        "schedule": _schedule(site, list(backup.get("days") or DAYS), backup.get("schedule"), "site_backup.schedule"),
        "storage": backup["storage"],
        "mode": backup.get("mode", "snapshot"),
        "compress": str(backup.get("compress", "zstd")),
        "prune-backups": _prune(backup.get("retention")),
        "vmid": ",".join(str(v) for v in sorted(vmids)),
        "enabled": 1,
        "comment": "sitekit: nightly vzdump of every inventory VM (SITE-SPEC 3)",
    }
    if backup.get("mailto"):
        job["mailto"] = ",".join(backup["mailto"])
        job["mailnotification"] = "always"
    return job


def _storages(site) -> dict:
    prox = site.vars.get("site_proxmox") or {}
    return {s.get("id"): s for s in prox.get("storage") or [] if isinstance(s, dict)}


def second_copy_job(site, vmids: list[int]) -> dict | None:
    """The second copy of the backups (seeds 001 art. 9 and 002 art. 6: "deux exemplaires conservés dans
    deux lieux différents"; seed 003: a second, off-site copy): another vzdump job of every VM to
    ``site_backup.second_copy.storage``, a storage that holds backups in another ``location`` than the
    nightly job's, on its own days, time (inside a maintenance window) and retention. None when the
    inventory declares no second copy."""
    backup = site.vars.get("site_backup") or {}
    second = backup.get("second_copy")
    if not second:
        return None
    key = "site_backup.second_copy"
    stores = _storages(site)
    sid, first_sid = second.get("storage"), backup.get("storage")
    target = stores.get(sid)
    if target is None or "backup" not in (target.get("content") or []):
        raise SiteError(f"{sid!r} must be a storage of site_proxmox with content 'backup'", key=f"{key}.storage", value=sid)
    if sid == first_sid:
        raise SiteError(f"{sid!r} already holds the nightly copy: the second copy needs another storage",
                        key=f"{key}.storage", value=sid)
    first = stores.get(first_sid) or {}
    places = (first.get("location"), target.get("location"))
    if not all(places):
        raise SiteError(f"declare the location of storages {first_sid!r} and {sid!r} (site_proxmox.storage[].location): "
                        "two copies must be kept in two places", key=f"{key}.storage", value=sid)
    if places[0] == places[1]:
        raise SiteError(f"{first_sid!r} and {sid!r} are both in {places[0]!r}: two copies must be kept in two places",
                        key=f"{key}.storage", value=sid)
    job = {
        "id": SECOND_COPY_JOB_ID,
        "schedule": _schedule(site, list(second.get("days") or DAYS), second.get("schedule"), f"{key}.schedule"),
        "storage": sid,
        "mode": second.get("mode", backup.get("mode", "snapshot")),
        "compress": str(second.get("compress", backup.get("compress", "zstd"))),
        "prune-backups": _prune(second.get("retention")),
        "vmid": ",".join(str(v) for v in sorted(vmids)),
        "enabled": 1,
        "comment": f"sitekit: second copy of every inventory VM, kept {places[1]} (seeds 001 art. 9, 002 art. 6)",
    }
    if backup.get("mailto"):
        job["mailto"] = ",".join(backup["mailto"])
        job["mailnotification"] = "always"
    return job


def backup_jobs(site, vmids: list[int]) -> list[dict]:
    """Every vzdump job of the site: the nightly one, then the second copy when declared."""
    return [job for job in (backup_job(site, vmids), second_copy_job(site, vmids)) if job]


# ---- VMs ------------------------------------------------------------------------------------
def net0(vm: dict, bridge: str, vlan: int | None) -> dict:
    """The first NIC as a dict: model, bridge, VLAN tag and the MAC where the inventory pins one."""
    nic = {"model": "virtio", "bridge": bridge}
    if vlan:
        nic["tag"] = int(vlan)
    if vm.get("mac"):
        nic["macaddr"] = str(vm["mac"]).upper()
    return nic


def vm_spec(name: str, vm: dict, vlan: int | None, prox: dict) -> dict:
    templates = prox.get("templates") or {}
    if vm["os"] not in templates:
        raise SiteError(f"no template for os {vm['os']!r} in site_proxmox.templates", key="vm.os", host=name, value=vm["os"])
    storage = prox.get("vm_storage")
    spec = {
        "name": name, "vmid": int(vm["vmid"]), "node": vm["node"], "template": int(templates[vm["os"]]),
        "cores": int(vm["vcpu"]), "memory": int(vm["memory_mb"]),
        "disks": [{"key": f"scsi{i}", "storage": d.get("storage", storage), "size_gb": int(d["size_gb"])}
                  for i, d in enumerate(vm.get("disks") or [])],
        "net0": net0(vm, prox.get("bridge", "vmbr0"), vlan),
        "ha": bool(vm.get("ha")), "state": "started",
    }
    if vm.get("cpu"):
        spec["cpu"] = str(vm["cpu"])
    return spec


def vm_specs(site) -> list[dict]:
    prox = site.vars.get("site_proxmox") or {}
    return [vm_spec(name, vm, site.hosts[name].get("site_vlan"), prox)
            for name, vm in sorted(site.vms.items(), key=lambda kv: kv[1]["vmid"]) if isinstance(vm, dict)]


# ---- HA placement ----------------------------------------------------------------------------
def spread_members(site) -> dict[str, list[str]]:
    """Each ``site_proxmox.spread_groups`` entry's VMs (inventory hosts with a ``vm``), which must
    prefer different nodes: that is what keeps a redundant pair apart while every node is up, and
    on PVE 9 the negative resource-affinity rule over them is refused otherwise (pve-ha-manager
    src/PVE/HA/Rules.pm check_negative_resource_affinity_node_affinity_consistency: "two or more
    resources are restricted to less nodes than available to the resources")."""
    prox = site.vars.get("site_proxmox") or {}
    out = {}
    for group in prox.get("spread_groups") or []:
        members = sorted(h for h in site.group(group) if isinstance(site.vms.get(h), dict))
        seen: dict[str, str] = {}
        for host in sorted(members, key=lambda h: site.vms[h].get("vmid", 0)):
            node = site.vms[host].get("node")
            if node in seen:
                raise SiteError(f"{host} prefers node {node} like {seen[node]}, of the same spread group {group}: "
                                "redundant servers must prefer different nodes", key="vm.node", host=host, value=node)
            seen[node] = host
        out[group] = members
    return out


def ha_placement(site) -> dict:
    """Version-neutral placement: each HA VM's preferred node, and the groups to keep apart."""
    vms = {name: vm for name, vm in site.vms.items() if isinstance(vm, dict) and vm.get("ha")}
    spread = {}
    for group, members in spread_members(site).items():
        ha_members = sorted(int(vms[h]["vmid"]) for h in members if h in vms)
        if len(ha_members) >= 2:
            spread[group] = ha_members
    return {"nodes": list(site.proxmox_nodes),
            "vms": [{"vmid": int(vm["vmid"]), "node": vm["node"]} for _, vm in sorted(vms.items(), key=lambda kv: kv[1]["vmid"])],
            "spread": spread}


def _node_list(preferred: str, nodes: list[str]) -> str:
    return ",".join(f"{n}:{2 if n == preferred else 1}" for n in nodes)


def ha_groups(placement: dict) -> list[dict]:
    """PVE 8: one HA group per node that hosts HA VMs, preferring it (others as fallback, not restricted).
    PVE 8 has no anti-affinity: redundant VMs stay apart through their different preferred nodes."""
    used = sorted({vm["node"] for vm in placement["vms"]}, key=placement["nodes"].index)
    return [{"group": f"{PREFIX}-{node}", "nodes": _node_list(node, placement["nodes"]), "restricted": 0, "nofailback": 0,
             "comment": f"sitekit: HA VMs that prefer {node}"} for node in used]


def ha_rules(placement: dict) -> list[dict]:
    """PVE 9: per node, a non-strict node-affinity rule naming only that node, plus one negative
    resource-affinity rule per spread group.

    The preferred node is the rule's only node; non-strict means every other node stays a fallback
    (pve-ha-manager src/PVE/HA/Rules/NodeAffinity.pm plugin_compile gives the nodes a non-strict
    rule leaves out priority -1). Several priorities, as the PVE 8 groups have, are refused for
    resources that are also in a resource-affinity rule (Rules.pm
    check_single_priority_node_affinity_in_resource_affinity_rules), and the negative rules are
    what keeps redundant pairs apart, on failover too.
    """
    rules = []
    for node in sorted({vm["node"] for vm in placement["vms"]}, key=placement["nodes"].index):
        members = [vm["vmid"] for vm in placement["vms"] if vm["node"] == node]
        rules.append({"rule": f"{PREFIX}-{node}", "type": "node-affinity", "nodes": node,
                      "resources": ",".join(f"vm:{v}" for v in sorted(members)), "strict": 0,
                      "comment": f"sitekit: HA VMs that prefer {node} (any other node when it is down)"})
    for group, members in sorted(placement["spread"].items()):
        rules.append({"rule": f"{PREFIX}-spread-{group}".replace("_", "-"), "type": "resource-affinity", "affinity": "negative",
                      "resources": ",".join(f"vm:{v}" for v in sorted(members)),
                      "comment": f"sitekit: keep {group} on different nodes"})
    return rules


def ha_resources(placement: dict, major: int) -> list[dict]:
    out = []
    for vm in placement["vms"]:
        res = {"sid": f"vm:{vm['vmid']}", "state": "started", "comment": "sitekit"}
        if major < 9:
            res["group"] = f"{PREFIX}-{vm['node']}"
        out.append(res)
    return out


# ---- pending VM changes --------------------------------------------------------------------------
def maintenance_now(site, now: datetime.datetime | None = None) -> dict:
    """Whether ``now`` (default: this moment) falls inside a maintenance window, in the site's time zone
    (``site_timezone``, else the controller's): pending VM changes are applied by a reboot only then.
    The windows are read and evaluated by timing.py, like every other window of the site."""
    tz_name = site.vars.get("site_timezone")
    try:
        tz = zoneinfo.ZoneInfo(tz_name) if tz_name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise SiteError(f"unknown time zone {tz_name!r}", key="site_timezone", value=tz_name) from None
    moment = (now or datetime.datetime.now(datetime.UTC)).astimezone(tz)
    day, hhmm = DAYS[moment.weekday()], moment.strftime("%H:%M")
    windows = maintenance_windows(site.vars)
    inside = in_window(windows, day, hhmm)
    return {"inside": inside, "at": f"{day} {hhmm} {tz_name or 'controller time'}",
            "windows": [w.name for w in windows if in_window([w], day, hhmm)]}


# ---- everything -----------------------------------------------------------------------------
def desired_state(site) -> dict:
    prox = site.vars.get("site_proxmox") or {}
    specs = vm_specs(site)
    placement = ha_placement(site)
    return {
        "cluster_name": prox.get("cluster_name"),
        "version": prox.get("version"),
        "storages": storages(prox),
        "backup_jobs": backup_jobs(site, [s["vmid"] for s in specs]),
        "vms": specs,
        "ha": placement,
        "ha_groups": ha_groups(placement),
        "ha_rules": ha_rules(placement),
        "ha_resources": ha_resources(placement, 8),
    }


def api_connection(site) -> dict:
    """Where the API is (site_proxmox.api_host, else the first node's address) and how its certificate is
    checked: against ``api_ca_path`` (the cluster's pve-root-ca.pem) or the pinned ``api_fingerprint``."""
    prox = site.vars.get("site_proxmox") or {}
    nodes = site.proxmox_nodes
    host = prox.get("api_host") or (str(site.host_ip(nodes[0])) if nodes and site.host_ip(nodes[0]) else None)
    return {"api_host": host, "api_port": int(prox.get("api_port", 8006)), "api_user": prox.get("api_user", "root@pam"),
            "api_token_id": prox.get("api_token_id", PREFIX), "validate_certs": bool(prox.get("api_validate_certs", True)),
            "ca_path": prox.get("api_ca_path"), "api_fingerprint": prox.get("api_fingerprint")}
