"""Proxmox view of the site model: what the cluster must hold, as API parameters.

``desired_state(site)`` turns the inventory (site_proxmox, site_backup,
site_maintenance_windows, each VM's ``vm`` and ``site_vlan``) into storages, the
nightly backup job, VM specs (clone source, vCPU, memory, disks, net0 with bridge,
VLAN tag and pinned MAC) and the HA placement, in both PVE 8 (groups) and PVE 9
(node- and resource-affinity rules) forms. Pure functions: the filters, the
modules and the tests call the same code.
"""

from __future__ import annotations

from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import SiteError
from ansible_collections.sitekit.core.plugins.plugin_utils.site.timing import DAYS, days_outside, maintenance_windows

PREFIX = "sitekit"
BACKUP_JOB_ID = f"{PREFIX}-nightly"


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


# ---- backup job ------------------------------------------------------------------------------
def backup_job(site, vmids: list[int]) -> dict:
    """The nightly vzdump job (POST /cluster/backup parameters); it runs inside a maintenance window."""
    backup = site.vars.get("site_backup") or {}
    days = list(backup.get("days") or DAYS)
    outside = days_outside(maintenance_windows(site.vars), days, backup.get("schedule"), "site_backup.schedule")
    if outside:
        raise SiteError(f"{backup['schedule']} on {', '.join(outside)} is outside every maintenance window",
                        key="site_backup.schedule", value=backup.get("schedule"))
    schedule = backup["schedule"] if sorted(days, key=DAYS.index) == list(DAYS) else f"{','.join(days)} {backup['schedule']}"
    retention = {k.replace("_", "-"): int(v) for k, v in (backup.get("retention") or {}).items()}
    job = {
        "id": BACKUP_JOB_ID,
        "schedule": schedule,
        "storage": backup["storage"],
        "mode": backup.get("mode", "snapshot"),
        "compress": str(backup.get("compress", "zstd")),
        "prune-backups": ",".join(f"{k}={retention[k]}" for k in sorted(retention)),
        "vmid": ",".join(str(v) for v in sorted(vmids)),
        "enabled": 1,
        "comment": "sitekit: nightly vzdump of every inventory VM (SITE-SPEC 3)",
    }
    if backup.get("mailto"):
        job["mailto"] = ",".join(backup["mailto"])
        job["mailnotification"] = "always"
    return job


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
def ha_placement(site) -> dict:
    """Version-neutral placement: each HA VM's preferred node, and the groups to keep apart."""
    prox = site.vars.get("site_proxmox") or {}
    vms = {name: vm for name, vm in site.vms.items() if isinstance(vm, dict) and vm.get("ha")}
    spread = {}
    for group in prox.get("spread_groups") or []:
        members = sorted(int(vms[h]["vmid"]) for h in site.group(group) if h in vms)
        if len(members) >= 2:
            spread[group] = members
    return {"nodes": list(site.proxmox_nodes),
            "vms": [{"vmid": int(vm["vmid"]), "node": vm["node"]} for _, vm in sorted(vms.items(), key=lambda kv: kv[1]["vmid"])],
            "spread": spread}


def _node_list(preferred: str, nodes: list[str]) -> str:
    return ",".join(f"{n}:{2 if n == preferred else 1}" for n in nodes)


def ha_groups(placement: dict) -> list[dict]:
    """PVE 8: one HA group per node that hosts HA VMs, preferring it (others as fallback)."""
    used = sorted({vm["node"] for vm in placement["vms"]}, key=placement["nodes"].index)
    return [{"group": f"{PREFIX}-{node}", "nodes": _node_list(node, placement["nodes"]), "restricted": 0, "nofailback": 0,
             "comment": f"sitekit: HA VMs that prefer {node}"} for node in used]


def ha_rules(placement: dict) -> list[dict]:
    """PVE 9: node-affinity rule per node (same preference as the PVE 8 group) + one negative
    resource-affinity rule per spread group (redundant servers on different nodes)."""
    rules = []
    for node in sorted({vm["node"] for vm in placement["vms"]}, key=placement["nodes"].index):
        members = [vm["vmid"] for vm in placement["vms"] if vm["node"] == node]
        rules.append({"rule": f"{PREFIX}-{node}", "type": "node-affinity", "nodes": _node_list(node, placement["nodes"]),
                      "resources": ",".join(f"vm:{v}" for v in sorted(members)), "strict": 0,
                      "comment": f"sitekit: HA VMs that prefer {node}"})
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


# ---- everything -----------------------------------------------------------------------------
def desired_state(site) -> dict:
    prox = site.vars.get("site_proxmox") or {}
    specs = vm_specs(site)
    placement = ha_placement(site)
    return {
        "cluster_name": prox.get("cluster_name"),
        "version": prox.get("version"),
        "storages": storages(prox),
        "backup_jobs": [backup_job(site, [s["vmid"] for s in specs])],
        "vms": specs,
        "ha": placement,
        "ha_groups": ha_groups(placement),
        "ha_rules": ha_rules(placement),
        "ha_resources": ha_resources(placement, 8),
    }


def api_connection(site) -> dict:
    """Where the API is: site_proxmox.api_host, else the first node's address."""
    prox = site.vars.get("site_proxmox") or {}
    nodes = site.proxmox_nodes
    host = prox.get("api_host") or (str(site.host_ip(nodes[0])) if nodes and site.host_ip(nodes[0]) else None)
    return {"api_host": host, "api_port": int(prox.get("api_port", 8006)), "api_user": prox.get("api_user", "root@pam"),
            "api_token_id": prox.get("api_token_id", PREFIX), "validate_certs": bool(prox.get("api_validate_certs", True))}
