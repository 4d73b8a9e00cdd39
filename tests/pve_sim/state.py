"""The simulated cluster's state: configuration "files", guests, tasks.

Values are kept as PVE keeps them in /etc/pve (VM config values as strings, storage.cfg
options decoded by their plugin) and each configuration file has a digest that changes on
every write, as pmxcfs files do (SHA1 of the content; PVE::SectionConfig / PVE::QemuConfig).
Only what the toolkit (and the community.proxmox modules it is compared with) touches is
implemented; a schema-valid request to another path answers 501.
"""

from __future__ import annotations

import copy
import hashlib
import re
import threading

from .tasks import TaskManager

DEFAULT_TOTAL = 2**44  # 16 TiB, the size of a storage a test did not size (Cluster.capacity)


class ApiError(Exception):
    """An error answer: PVE's status, message (die text, newline included) and errors mapping."""

    def __init__(self, status: int, message: str, errors: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.errors = status, message, errors


def die(message: str) -> ApiError:
    """A plain ``die`` in an API handler: HTTP 500 with the message (pve-manager PVE/HTTPServer.pm
    rest_handler)."""
    return ApiError(500, message if message.endswith("\n") else message + "\n")


def param_error(errors: dict) -> ApiError:
    """pve-common src/PVE/Exception.pm raise_param_exc: HTTP 400 with ``errors``."""
    return ApiError(400, "Parameter verification failed.\n", errors)


def exception_text(exc: Exception) -> str:
    """An error as Perl prints it: a PVE::Exception with errors stringified (pve-common src/PVE/Exception.pm
    stringify: code, message, then one "key: error" line each), else the die text."""
    text = exc.message if isinstance(exc, ApiError) else str(exc)
    if isinstance(exc, ApiError) and exc.status == 400 and exc.errors:
        text = "400 " + text + "".join(f"{k}: {v}\n" for k, v in exc.errors.items())
    return text


def worker_error(exc: Exception) -> str:
    """What a task's 'TASK ERROR:' line carries when its work dies: pve-common src/PVE/RESTEnvironment.pm fork_worker
    chomps the error and turns each newline into a space."""
    text = exception_text(exc)
    return (text[:-1] if text.endswith("\n") else text).replace("\n", " ")


def locked(prefix: str, exc: Exception) -> ApiError:
    """A die inside cfs_lock_file / lock_ha_domain with an error prefix ("create storage failed:")."""
    return die(f"{prefix}: {exception_text(exc)}")


def sha1(obj) -> str:
    return hashlib.sha1(repr(obj).encode()).hexdigest()


class Cluster:
    """One PVE cluster: nodes, storage.cfg, jobs.cfg, the HA config files, VMs, tasks."""

    def __init__(self, version: int, nodes=("pve1", "pve2", "pve3"), cluster_name: str = "sim-pve",
                 templates: dict | None = None, template_storage: str = "local-lvm",
                 ha_groups_migrated: bool | None = None, task_duration: float | None = None):
        self.version = version
        self.lock = threading.RLock()
        self.cluster_name = cluster_name
        self.nodes = list(nodes)
        # A fresh installation's storage.cfg (pve-manager's installer): local (dir) and local-lvm.
        self.storage: dict[str, dict] = {
            "local": {"type": "dir", "path": "/var/lib/vz", "content": "backup,iso,vztmpl"},
            template_storage: {"type": "lvmthin", "thinpool": "data", "vgname": "pve", "content": "images,rootdir"},
        }
        # A fresh installation's network: one bridge, vmbr0 (the installer's /etc/network/interfaces); a test adds others.
        self.bridges: dict[str, set[str]] = {node: {"vmbr0"} for node in self.nodes}
        # The CPUs of each node (/proc/cpuinfo as PVE::ProcFSTools read_cpuinfo counts them); a test changes them.
        self.node_cpus: dict[str, int] = {node: 32 for node in self.nodes}
        self.content: dict[str, list[dict]] = {}  # storage -> backup archives and other files
        # Storage servers (NFS/CIFS server, iSCSI portal host) a test marked as not answering (PveSim.offline)
        self.offline_servers: set[str] = set()
        # storage -> its size in bytes (the VG's for LVM), DEFAULT_TOTAL when a test set none (PveSim.capacity)
        self.capacity: dict[str, int] = {}
        # volid -> size in bytes of the volumes allocated (an unusedN entry names the volume only)
        self.volume_sizes: dict[str, int] = {}
        # volid -> {"size": bytes, "node": node} of the images on a storage that no config names (a failed restore's,
        # or ones a test leaves): listed in the content, taken into account for new names, freed by a destroy with
        # destroy-unreferenced-disks (qemu-server QemuServer.pm destroy_vm $purge_unreferenced)
        self.orphans: dict[str, dict] = {}
        self.backup_jobs: dict[str, dict] = {}
        self.ha_groups: dict[str, dict] = {}
        self.ha_rules: dict[str, dict] = {}
        self.ha_resources: dict[str, dict] = {}
        self.vms: dict[int, dict] = {}
        self.tasks = TaskManager(self.lock)
        if task_duration is not None:
            self.tasks.control.duration = task_duration
        self._writes: dict[str, int] = {}
        # Kept for callers of earlier versions: on PVE 9 "migrated" means "no HA group left"
        # (pve-ha-manager src/PVE/HA/Config.pm have_groups_been_migrated).
        self._groups_flag = ha_groups_migrated
        for name, vmid in (templates or {}).items():
            self.add_vm(int(vmid), self.nodes[0], {
                "name": f"tpl-{name}", "cores": "2", "memory": "2048", "scsihw": "virtio-scsi-single",
                "ostype": "l26" if "debian" in name else "win11", "scsi0": f"{template_storage}:base-{vmid}-disk-0,size=10G",
                "net0": "virtio=BC:24:11:00:00:01,bridge=vmbr0", "template": "1"})

    # ---- configuration files and their digests ----------------------------------------------
    def touch(self, name: str):
        """A write of /etc/pve/<name>: its digest changes."""
        self._writes[name] = self._writes.get(name, 0) + 1

    def digest(self, name: str, content) -> str:
        return sha1((name, self._writes.get(name, 0), content))

    def storage_digest(self) -> str:
        return self.digest("storage.cfg", sorted(self.storage.items(), key=lambda kv: kv[0]))

    @property
    def ha_groups_migrated(self) -> bool:
        """pve-ha-manager src/PVE/HA/Config.pm have_groups_been_migrated: no group is left."""
        return self.version >= 9 and not self.ha_groups

    @ha_groups_migrated.setter
    def ha_groups_migrated(self, value):
        self._groups_flag = value

    def ha_state(self, sid: str) -> str:
        """The state the CRM works with: resources.cfg's, else 'started' ('enabled' is read as 'started'),
        pve-ha-manager src/PVE/HA/Config.pm read_and_check_resources_config (the API shows only what is written)."""
        state = self.ha_resources[sid].get("state", "started")
        return "started" if state == "enabled" else state

    # ---- guests ------------------------------------------------------------------------------
    def add_vm(self, vmid: int, node: str, config: dict, status: str = "stopped"):
        self.vms[vmid] = {"node": node, "config": dict(config), "status": status, "pending": {}, "writes": 0}
        for value in config.values():  # the sizes of its volumes, kept for when one becomes unusedN
            m = re.match(r"(?:file=)?([^,\s]+:[^,\s]+),(?:.*,)?size=(\d+)G(?:,|$)", str(value))
            if m:
                self.volume_sizes[m.group(1)] = int(m.group(2)) * 2**30

    def vm(self, node: str, vmid) -> dict:
        """PVE::QemuConfig load_config on ``node``."""
        vm = self.vms.get(int(vmid))
        if vm is None or vm["node"] != node:
            raise die(f"Configuration file 'nodes/{node}/qemu-server/{vmid}.conf' does not exist")
        return vm

    def vm_digest(self, vm: dict) -> str:
        return sha1((vm["writes"], sorted(vm["config"].items()), sorted(vm["pending"].items())))

    def write_vm(self, vm: dict):
        vm["writes"] += 1

    def check_node(self, node: str):
        """PVE::Cluster::check_node_exists."""
        if node not in self.nodes:
            raise die(f"no such cluster node '{node}'")

    def task(self, node: str, kind: str, ident: str, user: str, on_ok=None, log=None, on_fail=None) -> str:
        return self.tasks.start(node, kind, ident, user, on_ok, log, on_fail)

    # ---- the whole state as JSON (test endpoint) ----------------------------------------------
    def dump(self) -> dict:
        with self.lock:
            return copy.deepcopy({
                "version": self.version, "nodes": self.nodes, "storage": self.storage, "content": self.content,
                "backup_jobs": self.backup_jobs, "ha_groups": self.ha_groups, "ha_rules": self.ha_rules,
                "ha_resources": self.ha_resources, "ha_groups_migrated": self.ha_groups_migrated,
                "vms": {str(k): {kk: vv for kk, vv in v.items() if kk != "writes"} for k, v in self.vms.items()},
                "tasks": [{"upid": t.upid, "exitstatus": t.exitstatus} for t in self.tasks.tasks.values()],
            })
