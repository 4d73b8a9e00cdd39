"""Version, cluster and node views, next free VMID, the cluster resource list."""

from __future__ import annotations

from .. import storage_plugins
from ..formats import split_list
from ..schema import RELEASES
from ..state import Cluster, die, param_error
from .registry import api


@api("GET", "/version")
def version(c: Cluster, p, user):
    release = RELEASES[c.version]
    return {"version": release, "release": release.rsplit(".", 1)[0], "repoid": "0123abcd", "console": "xtermjs"}


@api("GET", "/cluster/status")
def cluster_status(c: Cluster, p, user):
    out = [{"type": "cluster", "id": "cluster", "name": c.cluster_name, "nodes": len(c.nodes), "quorate": 1,
            "version": len(c.nodes) + 1}]
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
            "link_mode": "passive", "secauth": "on", "version": "2",
            "interface": {"0": {"linknumber": "0"}, "1": {"linknumber": "1"}}}


@api("POST", "/cluster/config")
def cluster_create(c: Cluster, p, user):
    raise die("cluster config '/etc/pve/corosync.conf' already exists")


@api("GET", "/nodes")
def nodes(c: Cluster, p, user):
    return [{"node": n, "status": "online", "type": "node", "id": f"node/{n}", "maxcpu": c.node_cpus[n], "maxmem": 274877906944,
             "cpu": 0.05, "mem": 8589934592, "uptime": 86400, "level": "", "ssl_fingerprint": "00:" * 31 + "00"}
            for n in c.nodes]


@api("GET", "/nodes/{node}/status")
def node_status(c: Cluster, p, user):
    c.check_node(p["node"])
    return {"pveversion": f"pve-manager/{RELEASES[c.version]}/0123abcd", "uptime": 86400,
            "cpuinfo": {"cpus": c.node_cpus[p["node"]]}, "memory": {"total": 274877906944}}


@api("GET", "/cluster/nextid")
def nextid(c: Cluster, p, user):
    """pve-manager PVE/API2/Cluster.pm nextid."""
    if p.get("vmid"):
        if int(p["vmid"]) in c.vms:
            raise param_error({"vmid": f"VM {p['vmid']} already exists"})
        return p["vmid"]
    return str(next(i for i in range(100, 10**9) if i not in c.vms))


def _memory_mb(cfg: dict) -> int:
    """QemuServer/Memory.pm get_current_memory: ``current=`` of the memory property string."""
    text = str(cfg.get("memory", "512"))
    current = next((part.split("=", 1)[1] for part in text.split(",") if part.startswith("current=")), None)
    return int(current or text.split(",")[0])


@api("GET", "/cluster/resources")
def resources(c: Cluster, p, user):
    kind = p.get("type")
    out = []
    if kind in (None, "vm"):
        for vmid, vm in sorted(c.vms.items()):
            cfg = vm["config"]
            entry = {"id": f"qemu/{vmid}", "type": "qemu", "vmid": vmid, "node": vm["node"],
                     "name": cfg.get("name", f"VM {vmid}"), "status": vm["status"],
                     "template": 1 if str(cfg.get("template", 0)) == "1" else 0, "maxcpu": int(cfg.get("cores", 1)),
                     "maxmem": _memory_mb(cfg) * 1024 * 1024, "maxdisk": 0, "uptime": 0}
            if f"vm:{vmid}" in c.ha_resources:
                entry["hastate"] = c.ha_state(f"vm:{vmid}")
            if cfg.get("lock"):
                entry["lock"] = cfg["lock"]
            out.append(entry)
    if kind in (None, "node"):
        out += [{"id": f"node/{n}", "type": "node", "node": n, "status": "online"} for n in c.nodes]
    if kind in (None, "storage"):
        out += [{"id": f"storage/{n}/{s}", "type": "storage", "node": n, "storage": s, "status": "available",
                 "shared": int(storage_plugins.is_shared(c.version, cfg)),
                 "content": ",".join(sorted(storage_plugins.content_of(cfg)))}
                for n in c.nodes for s, cfg in sorted(c.storage.items())
                if not cfg.get("nodes") or n in split_list(cfg["nodes"])]
    return out
