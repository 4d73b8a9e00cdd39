"""The simulated cluster's state and the API handlers that read and write it.

Only what the toolkit (and the community.proxmox modules it is compared with)
touches is implemented; a schema-valid request to another path answers 501.
Values are stored as PVE stores them (strings in property strings, 0/1 flags)
so that what is written is what is read back.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import re
import threading
import time


class ApiError(Exception):
    def __init__(self, status: int, message: str, errors: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.errors = status, message, errors


def _flag(value) -> int:
    return 1 if str(value).lower() in ("1", "true", "yes", "on") else 0


def _digest(obj) -> str:
    return hashlib.sha1(repr(sorted(obj.items()) if isinstance(obj, dict) else obj).encode()).hexdigest()


def _parse_size(text: str) -> int:
    """``32G`` / ``512M`` / bytes → GiB (rounded up), the unit the simulator keeps."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([KMGT]?)", text)
    if not m:
        raise ApiError(400, "invalid size", {"size": f"unable to parse size '{text}'"})
    factor = {"": 1 / 1024**3, "K": 1 / 1024**2, "M": 1 / 1024, "G": 1, "T": 1024}[m.group(2)]
    return max(1, int(float(m.group(1)) * factor + 0.999))


DISK_KEY = re.compile(r"^(scsi|virtio|sata|ide)\d+$")
# Booleans PVE writes as 0/1 in the cluster configuration files.
STORAGE_FLAGS = {"shared", "disable"}


class Cluster:
    """One PVE cluster: nodes, storage, backup jobs, HA, VMs, tasks."""

    def __init__(self, version: int, nodes=("pve1", "pve2", "pve3"), cluster_name: str = "sim-pve",
                 templates: dict | None = None, template_storage: str = "local-lvm", ha_groups_migrated: bool | None = None):
        self.version = version
        self.lock = threading.RLock()
        self.cluster_name = cluster_name
        self.nodes = list(nodes)
        self.storage: dict[str, dict] = {
            "local": {"storage": "local", "type": "dir", "path": "/var/lib/vz", "content": "iso,vztmpl,backup"},
            template_storage: {"storage": template_storage, "type": "lvmthin", "thinpool": "data", "vgname": "pve",
                               "content": "images,rootdir"},
        }
        self.content: dict[str, list[dict]] = {}  # storage -> volumes (shared view)
        self.backup_jobs: dict[str, dict] = {}
        self.ha_groups: dict[str, dict] = {}
        self.ha_rules: dict[str, dict] = {}
        self.ha_resources: dict[str, dict] = {}
        # PVE 9 migrates HA groups to rules; a fresh 9.x cluster is in the migrated state.
        self.ha_groups_migrated = (version >= 9) if ha_groups_migrated is None else ha_groups_migrated
        self.vms: dict[int, dict] = {}
        self.tasks: dict[str, dict] = {}
        self._pid = itertools.count(1000)
        self._job = itertools.count(1)
        for name, vmid in (templates or {}).items():
            self.add_vm(int(vmid), self.nodes[0], {"name": f"tpl-{name}", "cores": "2", "memory": "2048",
                                                   "scsihw": "virtio-scsi-single", "ostype": "l26" if "debian" in name else "win11",
                                                   "scsi0": f"{template_storage}:base-{vmid}-disk-0,size=10G",
                                                   "net0": "virtio=BC:24:11:00:00:01,bridge=vmbr0", "template": "1"})

    # ---- helpers -------------------------------------------------------------------
    def add_vm(self, vmid: int, node: str, config: dict, status: str = "stopped"):
        self.vms[vmid] = {"node": node, "config": dict(config), "status": status}

    def _vm(self, node: str, vmid) -> dict:
        vm = self.vms.get(int(vmid))
        if vm is None or vm["node"] != node:
            raise ApiError(500, f"Configuration file 'nodes/{node}/qemu-server/{vmid}.conf' does not exist")
        return vm

    def _node(self, node: str):
        if node not in self.nodes:
            raise ApiError(595, f"no such node '{node}'")

    def task(self, node: str, kind: str, ident: str, user: str = "root@pam") -> str:
        pid = next(self._pid)
        now = int(time.time())
        upid = f"UPID:{node}:{pid:08X}:{pid * 7:08X}:{now:08X}:{kind}:{ident}:{user}:"
        self.tasks[upid] = {"upid": upid, "node": node, "pid": pid, "pstart": pid * 7, "starttime": now,
                            "type": kind, "id": ident, "user": user, "status": "stopped", "exitstatus": "OK", "endtime": now}
        return upid

    def _mac(self, vmid: int, idx: int) -> str:
        h = hashlib.sha1(f"{vmid}-{idx}".encode()).hexdigest()
        return "BC:24:11:" + ":".join(h[i:i + 2].upper() for i in (0, 2, 4))

    def _alloc_disk(self, vmid: int, key: str, value: str, config: dict, default_storage: str | None = None) -> str:
        """``san-lvm:200`` → a new volume ``san-lvm:vm-101-disk-1,size=200G``; existing volumes kept."""
        first, _, rest = value.partition(",")
        if "=" in first and first.startswith("file="):
            first = first[5:]
        m = re.fullmatch(r"([A-Za-z][\w.\-]*):(\d+(?:\.\d+)?)", first)
        if not m:
            return value
        storage, size = m.group(1), m.group(2)
        if storage not in self.storage:
            raise ApiError(500, f"storage '{storage}' does not exist")
        used = {re.search(r"disk-(\d+)", v).group(1) for v in config.values() if isinstance(v, str) and f"vm-{vmid}-disk-" in v}
        n = next(i for i in itertools.count() if str(i) not in used)
        opts = ",".join(p for p in rest.split(",") if p and not p.startswith("size="))
        return f"{storage}:vm-{vmid}-disk-{n}" + (f",{opts}" if opts else "") + f",size={int(float(size))}G"

    def _apply_config(self, vmid: int, config: dict, params: dict):
        for key in [k for k in _split(params.get("delete", ""))]:
            config.pop(key, None)
        for key, value in params.items():
            if key in ("node", "vmid", "delete", "digest", "revert", "skiplock", "background_delay", "force"):
                continue
            if DISK_KEY.match(key):
                value = self._alloc_disk(vmid, key, str(value), config)
            if re.fullmatch(r"net\d+", key):
                value = self._net(vmid, key, str(value))
            config[key] = str(value)

    def _net(self, vmid: int, key: str, value: str) -> str:
        """A NIC without a MAC gets one generated, as PVE does."""
        parts = value.split(",")
        models = ("virtio", "e1000", "e1000e", "rtl8139", "vmxnet3")
        if parts[0] in models:
            parts[0] = f"{parts[0]}={self._mac(vmid, int(key[3:]))}"
        elif parts[0].startswith("model="):
            mac = next((p.split("=", 1)[1] for p in parts if p.startswith("macaddr=")), self._mac(vmid, int(key[3:])))
            parts = [f"{parts[0][6:]}={mac}"] + [p for p in parts[1:] if not p.startswith("macaddr=")]
        return ",".join(parts)

    # ---- the whole state as JSON (test endpoint) -----------------------------------------
    def dump(self) -> dict:
        with self.lock:
            return copy.deepcopy({
                "version": self.version, "nodes": self.nodes, "storage": self.storage, "content": self.content,
                "backup_jobs": self.backup_jobs, "ha_groups": self.ha_groups, "ha_rules": self.ha_rules,
                "ha_resources": self.ha_resources, "ha_groups_migrated": self.ha_groups_migrated,
                "vms": {str(k): v for k, v in self.vms.items()},
            })


def _split(value) -> list[str]:
    return [p for p in re.split(r"[,;\s\0]+", str(value or "")) if p]
