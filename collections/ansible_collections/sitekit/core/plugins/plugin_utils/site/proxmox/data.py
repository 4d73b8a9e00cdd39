"""The Proxmox view's types: what the cluster must hold, as PVE API parameters (see ``typed.to_vars``)."""

from __future__ import annotations

from collections.abc import Mapping

from ansible_collections.sitekit.core.plugins.plugin_utils.site.typed import optional, renamed, view

PREFIX = "sitekit"  # every object sitekit creates in PVE is named or commented with it
BACKUP_JOB_ID = f"{PREFIX}-nightly"
SECOND_COPY_JOB_ID = f"{PREFIX}-second-copy"


@view
class Storage:
    """POST /storage parameters; the keys a type does not take are left out."""

    storage: str
    type: str
    content: str
    portal: str | None = optional()
    target: str | None = optional()
    server: str | None = optional()
    export: str | None = optional()
    vgname: str | None = optional()
    path: str | None = optional()
    pool: str | None = optional()
    options: str | None = optional()
    base: str | None = optional()  # the volume id of the LUN a VG is created on
    shared: int | None = optional()


@view
class BackupJob:
    """POST /cluster/backup parameters of a vzdump job."""

    id: str
    schedule: str
    storage: str
    mode: str
    compress: str
    prune_backups: str = renamed("prune-backups")
    vmid: str
    enabled: int
    comment: str
    mailto: str | None = optional()
    mailnotification: str | None = optional()


@view
class Disk:
    key: str
    storage: str | None
    size_gb: int


@view
class Nic:
    """The first NIC (net0): model, bridge, VLAN tag and the MAC where the inventory pins one."""

    model: str
    bridge: str
    tag: int | None = optional()
    macaddr: str | None = optional()


@view
class VmSpec:
    name: str
    vmid: int
    node: str
    template: int
    cores: int
    memory: int
    disks: tuple[Disk, ...]
    net0: Nic
    ha: bool
    state: str
    cpu: str | None = optional()


@view
class HaVm:
    vmid: int
    node: str


@view
class HaPlacement:
    """Version-neutral placement: each HA VM's preferred node, and the groups whose VMs stay apart."""

    nodes: tuple[str, ...]
    vms: tuple[HaVm, ...]
    spread: Mapping[str, tuple[int, ...]]


@view
class HaGroup:
    """PVE 8: an HA group (POST /cluster/ha/groups)."""

    group: str
    nodes: str
    restricted: int
    nofailback: int
    comment: str


@view
class HaRule:
    """PVE 9: a node-affinity rule (nodes, strict) or a resource-affinity rule (affinity)."""

    rule: str
    type: str
    nodes: str | None = optional()
    affinity: str | None = optional()
    resources: str
    strict: int | None = optional()
    comment: str


@view
class HaResource:
    sid: str
    state: str
    comment: str
    group: str | None = optional()  # PVE 8 only


@view
class DesiredState:
    cluster_name: str | None
    version: int | str | None
    storages: tuple[Storage, ...]
    backup_jobs: tuple[BackupJob, ...]
    vms: tuple[VmSpec, ...]
    ha: HaPlacement
    ha_groups: tuple[HaGroup, ...]
    ha_rules: tuple[HaRule, ...]
    ha_resources: tuple[HaResource, ...]


@view
class ApiConnection:
    """Where the API is and how its certificate is checked (the pve_* connection options, no secret)."""

    api_host: str | None
    api_port: int
    api_user: str
    api_token_id: str
    validate_certs: bool
    ca_path: str | None  # the cluster's pve-root-ca.pem
    api_fingerprint: str | None  # or its pinned SHA-256 fingerprint


@view
class MaintenanceNow:
    inside: bool
    at: str  # "tue 01:30 Europe/Paris"
    windows: tuple[str, ...]  # the windows this moment falls in
