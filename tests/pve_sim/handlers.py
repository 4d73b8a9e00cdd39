"""API handlers: ``HANDLERS[(method, template)](cluster, params, user) -> data``.

``params`` holds the path placeholders and the request's parameters (strings).
"""

from __future__ import annotations

import re
import time

from .schema import RELEASES
from .state import STORAGE_FLAGS, ApiError, Cluster, _digest, _flag, _parse_size, _split

HANDLERS = {}


def api(method: str, template: str):
    def register(fn):
        HANDLERS[(method, template)] = fn
        return fn
    return register


# ---- version, cluster, nodes ---------------------------------------------------------
@api("GET", "/version")
def version(c: Cluster, p, user):
    release = RELEASES[c.version]
    return {"version": release, "release": release.rsplit(".", 1)[0], "repoid": "0123abcd", "console": "xtermjs"}


@api("GET", "/cluster/status")
def cluster_status(c: Cluster, p, user):
    out = [{"type": "cluster", "id": "cluster", "name": c.cluster_name, "nodes": len(c.nodes), "quorate": 1, "version": len(c.nodes) + 1}]
    for i, n in enumerate(c.nodes, 1):
        out.append({"type": "node", "id": f"node/{n}", "name": n, "nodeid": i, "online": 1, "local": int(i == 1),
                    "ip": f"127.0.0.{10 + i}", "level": ""})
    return out


@api("GET", "/cluster/config/nodes")
def cluster_config_nodes(c: Cluster, p, user):
    return [{"node": n, "name": n, "nodeid": str(i), "quorum_votes": "1", "ring0_addr": f"127.0.0.{10 + i}"}
            for i, n in enumerate(c.nodes, 1)]


@api("GET", "/cluster/config")
def cluster_config(c: Cluster, p, user):
    return [{"name": n} for n in ("apiversion", "join", "nodes", "qdevice", "totem")]


@api("GET", "/cluster/config/totem")
def cluster_totem(c: Cluster, p, user):
    return {"cluster_name": c.cluster_name, "config_version": str(len(c.nodes) + 1), "ip_version": "ipv4-6",
            "link_mode": "passive", "secauth": "on", "version": "2", "interface": {"0": {"linknumber": "0"}, "1": {"linknumber": "1"}}}


@api("POST", "/cluster/config")
def cluster_create(c: Cluster, p, user):
    raise ApiError(500, "cluster config '/etc/pve/corosync.conf' already exists")


@api("GET", "/nodes")
def nodes(c: Cluster, p, user):
    return [{"node": n, "status": "online", "type": "node", "id": f"node/{n}", "maxcpu": 32, "maxmem": 274877906944,
             "cpu": 0.05, "mem": 8589934592, "uptime": 86400, "level": "", "ssl_fingerprint": "00:" * 31 + "00"}
            for n in c.nodes]


@api("GET", "/nodes/{node}/status")
def node_status(c: Cluster, p, user):
    c._node(p["node"])
    return {"pveversion": f"pve-manager/{RELEASES[c.version]}/0123abcd", "uptime": 86400,
            "cpuinfo": {"cpus": 32}, "memory": {"total": 274877906944}}


@api("GET", "/cluster/nextid")
def nextid(c: Cluster, p, user):
    if p.get("vmid"):
        if int(p["vmid"]) in c.vms:
            raise ApiError(400, "parameter verification failed", {"vmid": f"VM {p['vmid']} already exists"})
        return p["vmid"]
    return str(next(i for i in range(100, 10**9) if i not in c.vms))


@api("GET", "/cluster/resources")
def resources(c: Cluster, p, user):
    kind = p.get("type")
    out = []
    if kind in (None, "vm"):
        for vmid, vm in sorted(c.vms.items()):
            cfg = vm["config"]
            sid = f"vm:{vmid}"
            entry = {"id": f"qemu/{vmid}", "type": "qemu", "vmid": vmid, "node": vm["node"], "name": cfg.get("name", f"VM {vmid}"),
                     "status": vm["status"], "template": _flag(cfg.get("template", 0)), "maxcpu": int(cfg.get("cores", 1)),
                     "maxmem": int(str(cfg.get("memory", "512")).split("=")[-1]) * 1024 * 1024, "maxdisk": 0, "uptime": 0}
            if sid in c.ha_resources:
                entry["hastate"] = c.ha_resources[sid]["state"]
            out.append(entry)
    if kind in (None, "node"):
        out += [{"id": f"node/{n}", "type": "node", "node": n, "status": "online"} for n in c.nodes]
    if kind in (None, "storage"):
        out += [{"id": f"storage/{n}/{s}", "type": "storage", "node": n, "storage": s, "status": "available",
                 "shared": _flag(cfg.get("shared", 0)), "content": cfg.get("content", "")}
                for n in c.nodes for s, cfg in sorted(c.storage.items())]
    return out


# ---- tasks --------------------------------------------------------------------------------
@api("GET", "/nodes/{node}/tasks/{upid}/status")
def task_status(c: Cluster, p, user):
    task = c.tasks.get(p["upid"])
    if task is None or task["node"] != p["node"]:
        raise ApiError(500, f"no such task '{p['upid']}'")
    return dict(task)


@api("GET", "/nodes/{node}/tasks/{upid}/log")
def task_log(c: Cluster, p, user):
    task_status(c, p, user)
    return [{"n": 1, "t": "TASK OK"}]


@api("GET", "/nodes/{node}/tasks")
def tasks(c: Cluster, p, user):
    return [dict(t) for t in c.tasks.values() if t["node"] == p["node"]]


# ---- storage ----------------------------------------------------------------------------------
def _storage_out(cfg: dict) -> dict:
    out = dict(cfg)
    for flag in STORAGE_FLAGS & out.keys():
        out[flag] = int(out[flag])
    out["digest"] = _digest(cfg)
    return out


@api("GET", "/storage")
def storage_index(c: Cluster, p, user):
    return [_storage_out(s) for k, s in sorted(c.storage.items()) if not p.get("type") or s["type"] == p["type"]]


@api("GET", "/storage/{storage}")
def storage_get(c: Cluster, p, user):
    if p["storage"] not in c.storage:
        raise ApiError(500, f"storage '{p['storage']}' does not exist")
    return _storage_out(c.storage[p["storage"]])


def _store_values(params: dict) -> dict:
    out = {}
    for k, v in params.items():
        if k in ("digest", "delete"):
            continue
        out[k] = _flag(v) if k in STORAGE_FLAGS else ",".join(_split(v)) if "\0" in str(v) else str(v)
    return out


@api("POST", "/storage")
def storage_create(c: Cluster, p, user):
    sid = p["storage"]
    if sid in c.storage:
        raise ApiError(500, f"create storage failed: storage ID '{sid}' already defined")
    if p["type"] == "lvm" and "vgname" not in p:
        raise ApiError(400, "parameter verification failed", {"vgname": "property is missing and it is not optional"})
    if p["type"] == "nfs" and not ("server" in p and "export" in p):
        raise ApiError(400, "parameter verification failed", {"server": "nfs storage needs 'server' and 'export'"})
    if p["type"] == "iscsi" and not ("portal" in p and "target" in p):
        raise ApiError(400, "parameter verification failed", {"portal": "iscsi storage needs 'portal' and 'target'"})
    c.storage[sid] = _store_values(p)
    if p["type"] in ("nfs", "cifs", "dir"):
        c.content.setdefault(sid, [])
    return {"storage": sid, "type": p["type"]}


@api("PUT", "/storage/{storage}")
def storage_update(c: Cluster, p, user):
    cfg = c.storage.get(p["storage"])
    if cfg is None:
        raise ApiError(500, f"update storage failed: storage '{p['storage']}' does not exist")
    if p.get("digest") and p["digest"] != _digest(cfg):
        raise ApiError(500, "detected modified configuration - file changed by other user? Try again.")
    for key in _split(p.get("delete")):
        cfg.pop(key, None)
    cfg.update({k: v for k, v in _store_values(p).items() if k != "storage"})
    return {"storage": p["storage"], "type": cfg["type"]}


@api("DELETE", "/storage/{storage}")
def storage_delete(c: Cluster, p, user):
    if c.storage.pop(p["storage"], None) is None:
        raise ApiError(500, f"storage '{p['storage']}' does not exist")


@api("GET", "/nodes/{node}/storage")
def node_storage(c: Cluster, p, user):
    c._node(p["node"])
    return [{"storage": s, "type": cfg["type"], "content": cfg.get("content", ""), "active": 1, "enabled": 1,
             "shared": _flag(cfg.get("shared", 0)), "total": 2**40, "used": 2**38, "avail": 3 * 2**38}
            for s, cfg in sorted(c.storage.items()) if not p.get("storage") or s == p["storage"]]


@api("GET", "/nodes/{node}/storage/{storage}/content")
def storage_content(c: Cluster, p, user):
    c._node(p["node"])
    if p["storage"] not in c.storage:
        raise ApiError(500, f"storage '{p['storage']}' does not exist")
    vols = c.content.get(p["storage"], [])
    return [{k: x for k, x in v.items() if not k.startswith("_")} for v in vols
            if (not p.get("content") or v["content"] == p["content"]) and (not p.get("vmid") or str(v.get("vmid")) == str(p["vmid"]))]


# ---- vzdump (what the nightly job does) -----------------------------------------------------
@api("POST", "/nodes/{node}/vzdump")
def vzdump(c: Cluster, p, user):
    c._node(p["node"])
    storage = p.get("storage") or "local"
    if "backup" not in c.storage.get(storage, {}).get("content", ""):
        raise ApiError(500, f"storage '{storage}' does not support backups")
    vmids = [int(v) for v in _split(p.get("vmid"))] if p.get("vmid") else [k for k, vm in c.vms.items() if vm["node"] == p["node"]]
    ext = {"zstd": ".zst", "gzip": ".gz", "lzo": ".lzo"}.get(p.get("compress", "0"), "")
    for vmid in vmids:
        vm = c._vm(c.vms[vmid]["node"] if vmid in c.vms else p["node"], vmid)
        stamp = time.strftime("%Y_%m_%d-%H_%M_%S", time.gmtime(time.time() + len(c.content.get(storage, []))))
        c.content.setdefault(storage, []).append({
            "volid": f"{storage}:backup/vzdump-qemu-{vmid}-{stamp}.vma{ext}", "content": "backup", "format": f"vma{ext[1:] and '.' + ext[1:]}",
            "vmid": vmid, "ctime": int(time.time()) + len(c.content.get(storage, [])), "size": 2**30,
            "notes": vm["config"].get("name", ""), "subtype": "qemu", "_config": dict(vm["config"])})
    return c.task(p["node"], "vzdump", "", user)


# ---- backup jobs ------------------------------------------------------------------------------
def _job_values(params: dict) -> dict:
    out = {}
    for k, v in params.items():
        if k in ("delete", "digest"):
            continue
        if k == "prune-backups":
            out[k] = {kk: int(vv) for kk, vv in (part.split("=", 1) for part in _split(v))}
        elif k in ("enabled", "all"):
            out[k] = _flag(v)
        else:
            out[k] = str(v)
    return out


@api("GET", "/cluster/backup")
def backup_index(c: Cluster, p, user):
    return [dict(j) for _, j in sorted(c.backup_jobs.items())]


@api("GET", "/cluster/backup/{id}")
def backup_get(c: Cluster, p, user):
    if p["id"] not in c.backup_jobs:
        raise ApiError(500, f"Job '{p['id']}' does not exist")
    return dict(c.backup_jobs[p["id"]])


@api("POST", "/cluster/backup")
def backup_create(c: Cluster, p, user):
    job_id = p.get("id") or f"backup-{next(c._job):08x}"
    if job_id in c.backup_jobs:
        raise ApiError(500, f"Job '{job_id}' already exists")
    if not (p.get("vmid") or _flag(p.get("all", 0)) or p.get("pool")):
        raise ApiError(400, "parameter verification failed", {"vmid": "one of vmid, all or pool is required"})
    job = {"id": job_id, "type": "vzdump", "enabled": 1, **_job_values(p)}
    job["id"] = job_id
    job.setdefault("schedule", p.get("starttime", "00:00"))
    c.backup_jobs[job_id] = job


@api("PUT", "/cluster/backup/{id}")
def backup_update(c: Cluster, p, user):
    job = c.backup_jobs.get(p["id"])
    if job is None:
        raise ApiError(500, f"Job '{p['id']}' does not exist")
    for key in _split(p.get("delete")):
        job.pop(key, None)
    job.update({k: v for k, v in _job_values(p).items() if k != "id"})


@api("DELETE", "/cluster/backup/{id}")
def backup_delete(c: Cluster, p, user):
    if c.backup_jobs.pop(p["id"], None) is None:
        raise ApiError(500, f"Job '{p['id']}' does not exist")


# ---- HA groups (PVE 8; refused on PVE 9 once migrated to rules) -----------------------------
def _groups_allowed(c: Cluster):
    if c.version >= 9 and c.ha_groups_migrated:
        raise ApiError(500, "ha groups have been migrated to rules")


def _ha_group_out(g: dict) -> dict:
    return {**g, "type": "group", "digest": _digest(g)}


@api("GET", "/cluster/ha/groups")
def ha_groups(c: Cluster, p, user):
    _groups_allowed(c)
    return [_ha_group_out(g) for _, g in sorted(c.ha_groups.items())]


@api("GET", "/cluster/ha/groups/{group}")
def ha_group_get(c: Cluster, p, user):
    _groups_allowed(c)
    if p["group"] not in c.ha_groups:
        raise ApiError(500, f"no such ha group '{p['group']}'")
    return _ha_group_out(c.ha_groups[p["group"]])


def _group_values(p: dict) -> dict:
    out = {}
    for k, v in p.items():
        if k in ("type", "digest", "delete"):
            continue
        out[k] = _flag(v) if k in ("restricted", "nofailback") else str(v)
    return out


@api("POST", "/cluster/ha/groups")
def ha_group_create(c: Cluster, p, user):
    _groups_allowed(c)
    if p["group"] in c.ha_groups:
        raise ApiError(500, f"ha group '{p['group']}' already defined")
    c.ha_groups[p["group"]] = _group_values(p)


@api("PUT", "/cluster/ha/groups/{group}")
def ha_group_update(c: Cluster, p, user):
    _groups_allowed(c)
    g = c.ha_groups.get(p["group"])
    if g is None:
        raise ApiError(500, f"no such ha group '{p['group']}'")
    for key in _split(p.get("delete")):
        g.pop(key, None)
    g.update(_group_values(p))


@api("DELETE", "/cluster/ha/groups/{group}")
def ha_group_delete(c: Cluster, p, user):
    _groups_allowed(c)
    if any(r.get("group") == p["group"] for r in c.ha_resources.values()):
        raise ApiError(500, f"ha group '{p['group']}' is used by a resource")
    if c.ha_groups.pop(p["group"], None) is None:
        raise ApiError(500, f"no such ha group '{p['group']}'")


# ---- HA rules (PVE 9) -------------------------------------------------------------------------
def _norm_resources(value: str) -> str:
    return ",".join(sorted(r if ":" in r else f"vm:{r}" for r in _split(value)))


def _rule_values(p: dict) -> dict:
    out = {}
    for k, v in p.items():
        if k in ("digest", "delete"):
            continue
        if k == "resources":
            out[k] = _norm_resources(v)
        elif k in ("strict", "disable"):
            out[k] = _flag(v)
        else:
            out[k] = str(v)
    return out


def migrate_groups(c: Cluster):
    """What PVE 9 does once every node runs 9.x: groups become node-affinity rules."""
    for name, g in c.ha_groups.items():
        members = sorted(sid for sid, r in c.ha_resources.items() if r.get("group") == name)
        if members:
            c.ha_rules[f"ha-group-{name}"] = {"rule": f"ha-group-{name}", "type": "node-affinity", "nodes": g["nodes"],
                                              "resources": ",".join(members), "strict": g.get("restricted", 0)}
    for r in c.ha_resources.values():
        r.pop("group", None)
    c.ha_groups.clear()
    c.ha_groups_migrated = True


@api("GET", "/cluster/ha/rules")
def ha_rules(c: Cluster, p, user):
    out = []
    for i, (_, r) in enumerate(sorted(c.ha_rules.items())):
        if p.get("type") and r["type"] != p["type"]:
            continue
        if p.get("resource") and _norm_resources(p["resource"]) not in r["resources"].split(","):
            continue
        out.append({**r, "order": i + 1, "digest": _digest(r)})
    return out


@api("GET", "/cluster/ha/rules/{rule}")
def ha_rule_get(c: Cluster, p, user):
    if p["rule"] not in c.ha_rules:
        raise ApiError(500, f"HA rule '{p['rule']}' does not exist")
    return {**c.ha_rules[p["rule"]], "digest": _digest(c.ha_rules[p["rule"]])}


def _check_rule(c: Cluster, rule: dict):
    if rule["type"] == "node-affinity" and not rule.get("nodes"):
        raise ApiError(400, "parameter verification failed", {"nodes": "node-affinity rules need 'nodes'"})
    if rule["type"] == "resource-affinity" and rule.get("affinity") not in ("positive", "negative"):
        raise ApiError(400, "parameter verification failed", {"affinity": "resource-affinity rules need 'affinity'"})
    for node in (n.split(":")[0] for n in _split(rule.get("nodes"))):
        if node not in c.nodes:
            raise ApiError(400, "parameter verification failed", {"nodes": f"node '{node}' is not a cluster member"})
    if rule["type"] == "resource-affinity" and len(_split(rule["resources"])) < 2:
        raise ApiError(400, "parameter verification failed", {"resources": "resource-affinity rules need 2 or more resources"})
    if rule["type"] == "node-affinity":  # PVE's checker: a resource is in at most one node-affinity rule
        mine = set(_split(rule["resources"]))
        for other in c.ha_rules.values():
            both = mine & set(_split(other["resources"]))
            if other["rule"] != rule["rule"] and other["type"] == "node-affinity" and both and not other.get("disable"):
                raise ApiError(400, "parameter verification failed",
                               {"resources": f"resource '{sorted(both)[0]}' is already used in node-affinity rule '{other['rule']}'"})


@api("POST", "/cluster/ha/rules")
def ha_rule_create(c: Cluster, p, user):
    if p["rule"] in c.ha_rules:
        raise ApiError(500, f"HA rule '{p['rule']}' already defined")
    rule = _rule_values(p)
    _check_rule(c, rule)
    if not c.ha_groups_migrated:
        migrate_groups(c)
    c.ha_rules[p["rule"]] = rule


@api("PUT", "/cluster/ha/rules/{rule}")
def ha_rule_update(c: Cluster, p, user):
    rule = c.ha_rules.get(p["rule"])
    if rule is None:
        raise ApiError(500, f"HA rule '{p['rule']}' does not exist")
    if p["type"] != rule["type"]:
        raise ApiError(400, "parameter verification failed", {"type": "rule type cannot be changed"})
    new = dict(rule)
    for key in _split(p.get("delete")):
        new.pop(key, None)
    new.update(_rule_values(p))
    _check_rule(c, new)
    c.ha_rules[p["rule"]] = new


@api("DELETE", "/cluster/ha/rules/{rule}")
def ha_rule_delete(c: Cluster, p, user):
    if c.ha_rules.pop(p["rule"], None) is None:
        raise ApiError(500, f"HA rule '{p['rule']}' does not exist")


# ---- HA resources -------------------------------------------------------------------------
def _sid(value: str) -> str:
    return value if ":" in value else f"vm:{value}"


def _resource_values(c: Cluster, p: dict) -> dict:
    out = {}
    for k, v in p.items():
        if k in ("sid", "type", "digest", "delete"):
            continue
        if k == "group":
            _groups_allowed(c)
            if v not in c.ha_groups:
                raise ApiError(500, f"group '{v}' does not exist")
        out[k] = int(v) if k in ("max_restart", "max_relocate") else (_flag(v) if k == "failback" else str(v))
    return out


@api("GET", "/cluster/ha/resources")
def ha_resources(c: Cluster, p, user):
    return [{**r, "digest": _digest(r)} for _, r in sorted(c.ha_resources.items()) if not p.get("type") or r["type"] == p["type"]]


@api("GET", "/cluster/ha/resources/{sid}")
def ha_resource_get(c: Cluster, p, user):
    sid = _sid(p["sid"])
    if sid not in c.ha_resources:
        raise ApiError(500, f"no such resource '{sid}'")
    return {**c.ha_resources[sid], "digest": _digest(c.ha_resources[sid])}


@api("POST", "/cluster/ha/resources")
def ha_resource_create(c: Cluster, p, user):
    sid = _sid(p["sid"])
    if sid in c.ha_resources:
        raise ApiError(500, f"resource ID '{sid}' already defined")
    if int(sid.split(":")[1]) not in c.vms:
        raise ApiError(500, f"unable to find VM '{sid.split(':')[1]}'")
    c.ha_resources[sid] = {"sid": sid, "type": sid.split(":")[0], "state": "started", "max_restart": 1, "max_relocate": 1,
                           **_resource_values(c, p)}
    vm = c.vms[int(sid.split(":")[1])]
    if c.ha_resources[sid]["state"] in ("started", "enabled"):
        vm["status"] = "running"


@api("PUT", "/cluster/ha/resources/{sid}")
def ha_resource_update(c: Cluster, p, user):
    sid = _sid(p["sid"])
    res = c.ha_resources.get(sid)
    if res is None:
        raise ApiError(500, f"no such resource '{sid}'")
    for key in _split(p.get("delete")):
        res.pop(key, None)
    res.update(_resource_values(c, p))


@api("DELETE", "/cluster/ha/resources/{sid}")
def ha_resource_delete(c: Cluster, p, user):
    if c.ha_resources.pop(_sid(p["sid"]), None) is None:
        raise ApiError(500, f"no such resource '{_sid(p['sid'])}'")


# ---- VMs ------------------------------------------------------------------------------------------
@api("GET", "/nodes/{node}/qemu")
def qemu_index(c: Cluster, p, user):
    c._node(p["node"])
    return [{"vmid": k, "name": vm["config"].get("name", ""), "status": vm["status"], "template": _flag(vm["config"].get("template", 0)),
             "cpus": int(vm["config"].get("cores", 1)), "maxmem": int(vm["config"].get("memory", 512)) * 2**20}
            for k, vm in sorted(c.vms.items()) if vm["node"] == p["node"]]


@api("POST", "/nodes/{node}/qemu")
def qemu_create(c: Cluster, p, user):
    c._node(p["node"])
    vmid = int(p["vmid"])
    if vmid in c.vms and not _flag(p.get("force", 0)):
        raise ApiError(500, f"unable to create VM {vmid} - VM {vmid} already exists on node '{c.vms[vmid]['node']}'")
    if p.get("archive"):
        vol = next((v for vols in c.content.values() for v in vols if v["volid"] == p["archive"]), None)
        if vol is None:
            raise ApiError(500, f"unable to restore VM {vmid} - volume '{p['archive']}' does not exist")
        config = {}
        storage = p.get("storage")
        for key, value in vol["_config"].items():
            if DISK(key) and storage:
                size = re.search(r"size=(\d+)G", value)
                value = f"{storage}:{size.group(1) if size else 32}"
            config[key] = value
        if _flag(p.get("unique", 0)):
            config = {k: (re.sub(r"=([0-9A-F:]{17})", "", v) if re.fullmatch(r"net\d+", k) else v) for k, v in config.items()}
        c.add_vm(vmid, p["node"], {})
        c._apply_config(vmid, c.vms[vmid]["config"], {k: v for k, v in config.items()})
        return c.task(p["node"], "qmrestore", str(vmid), user)
    c.add_vm(vmid, p["node"], {})
    c._apply_config(vmid, c.vms[vmid]["config"], {k: v for k, v in p.items() if k not in ("start", "archive", "storage", "unique", "pool")})
    if _flag(p.get("start", 0)):
        c.vms[vmid]["status"] = "running"
    return c.task(p["node"], "qmcreate", str(vmid), user)


def DISK(key: str) -> bool:  # noqa: N802 - reads like the regex it wraps
    return bool(re.fullmatch(r"(scsi|virtio|sata|ide)\d+", key)) and key != "ide2"


@api("POST", "/nodes/{node}/qemu/{vmid}/clone")
def qemu_clone(c: Cluster, p, user):
    src = c._vm(p["node"], p["vmid"])
    newid = int(p["newid"])
    if newid in c.vms:
        raise ApiError(500, f"unable to create VM {newid}: config file already exists")
    target = p.get("target") or p["node"]
    c._node(target)
    config = {}
    for key, value in src["config"].items():
        if key in ("template", "name", "digest"):
            continue
        if DISK(key):
            size = re.search(r"size=(\d+)G", value)
            storage = p.get("storage") or value.split(":")[0]
            value = f"{storage}:{size.group(1) if size else 32}"
        if re.fullmatch(r"net\d+", key):
            value = re.sub(r"^(\w+)=[0-9A-Fa-f:]{17}", r"\1", value)
        config[key] = value
    config["name"] = p.get("name", f"Copy-of-VM-{src['config'].get('name', p['vmid'])}")
    c.add_vm(newid, target, {})
    c._apply_config(newid, c.vms[newid]["config"], config)
    return c.task(p["node"], "qmclone", p["vmid"], user)


@api("GET", "/nodes/{node}/qemu/{vmid}/config")
def qemu_config(c: Cluster, p, user):
    vm = c._vm(p["node"], p["vmid"])
    cfg = dict(vm["config"])
    for k in ("template",):
        if k in cfg:
            cfg[k] = int(cfg[k])
    for k in ("cores", "memory", "sockets"):
        if k in cfg and str(cfg[k]).isdigit():
            cfg[k] = int(cfg[k])
    cfg["digest"] = _digest(vm["config"])
    return cfg


def _config_write(c: Cluster, p: dict):
    vm = c._vm(p["node"], p["vmid"])
    if p.get("digest") and p["digest"] != _digest(vm["config"]):
        raise ApiError(500, "detected modified configuration - file changed by other user? Try again.")
    c._apply_config(int(p["vmid"]), vm["config"], p)


@api("POST", "/nodes/{node}/qemu/{vmid}/config")
def qemu_config_async(c: Cluster, p, user):
    _config_write(c, p)
    return c.task(p["node"], "qmconfig", p["vmid"], user)


@api("PUT", "/nodes/{node}/qemu/{vmid}/config")
def qemu_config_sync(c: Cluster, p, user):
    _config_write(c, p)


@api("PUT", "/nodes/{node}/qemu/{vmid}/resize")
def qemu_resize(c: Cluster, p, user):
    vm = c._vm(p["node"], p["vmid"])
    disk = vm["config"].get(p["disk"])
    if disk is None:
        raise ApiError(500, f"disk '{p['disk']}' does not exist")
    current = int(re.search(r"size=(\d+)G", disk).group(1)) if "size=" in disk else 0
    size = p["size"]
    new = current + _parse_size(size[1:]) if size.startswith("+") else _parse_size(size)
    if new < current:
        raise ApiError(500, "shrinking disks is not supported")
    vm["config"][p["disk"]] = re.sub(r"size=\d+G", f"size={new}G", disk) if "size=" in disk else f"{disk},size={new}G"
    return c.task(p["node"], "resize", p["vmid"], user)


@api("GET", "/nodes/{node}/qemu/{vmid}/status/current")
def qemu_current(c: Cluster, p, user):
    vm = c._vm(p["node"], p["vmid"])
    sid = f"vm:{p['vmid']}"
    ha = {"managed": 1, "state": c.ha_resources[sid]["state"]} if sid in c.ha_resources else {"managed": 0}
    return {"vmid": int(p["vmid"]), "name": vm["config"].get("name", ""), "status": vm["status"], "qmpstatus": vm["status"],
            "cpus": int(vm["config"].get("cores", 1)), "maxmem": int(vm["config"].get("memory", 512)) * 2**20,
            "template": _flag(vm["config"].get("template", 0)), "ha": ha, "uptime": 0}


@api("POST", "/nodes/{node}/qemu/{vmid}/status/start")
def qemu_start(c: Cluster, p, user):
    vm = c._vm(p["node"], p["vmid"])
    if _flag(vm["config"].get("template", 0)):
        raise ApiError(500, "you can't start a vm if it's a template")
    vm["status"] = "running"
    return c.task(p["node"], "qmstart", p["vmid"], user)


@api("POST", "/nodes/{node}/qemu/{vmid}/status/stop")
def qemu_stop(c: Cluster, p, user):
    vm = c._vm(p["node"], p["vmid"])
    vm["status"] = "stopped"
    return c.task(p["node"], "qmstop", p["vmid"], user)


@api("POST", "/nodes/{node}/qemu/{vmid}/status/shutdown")
def qemu_shutdown(c: Cluster, p, user):
    return qemu_stop(c, p, user)


@api("DELETE", "/nodes/{node}/qemu/{vmid}")
def qemu_delete(c: Cluster, p, user):
    vm = c._vm(p["node"], p["vmid"])
    if vm["status"] == "running":
        raise ApiError(500, f"VM {p['vmid']} is running - destroy failed")
    del c.vms[int(p["vmid"])]
    c.ha_resources.pop(f"vm:{p['vmid']}", None)
    return c.task(p["node"], "qmdestroy", p["vmid"], user)


@api("GET", "/nodes/{node}/qemu/{vmid}/pending")
def qemu_pending(c: Cluster, p, user):
    vm = c._vm(p["node"], p["vmid"])
    return [{"key": k, "value": v} for k, v in sorted(vm["config"].items())]


@api("GET", "/cluster/ha/status/current")
def ha_status(c: Cluster, p, user):
    return [{"id": "quorum", "type": "quorum", "status": "OK", "quorate": 1, "node": c.nodes[0]}] + [
        {"id": f"service:{sid}", "type": "service", "sid": sid, "state": r["state"], "node": c.vms[int(sid[3:])]["node"]}
        for sid, r in sorted(c.ha_resources.items()) if int(sid[3:]) in c.vms]


def dispatch(cluster: Cluster, method: str, template: str, params: dict, user: str):
    handler = HANDLERS.get((method, template))
    if handler is None:
        raise ApiError(501, f"Method '{method} {template}' not implemented by the simulator")
    with cluster.lock:
        return handler(cluster, params, user)

