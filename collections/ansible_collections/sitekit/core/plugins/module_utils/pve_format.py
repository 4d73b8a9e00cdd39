"""Proxmox VE API value formats the sitekit modules and the site model's Proxmox view share."""

from __future__ import annotations

import re

# Options each storage type fixes at creation: PVE refuses to change them on update
# ("can't change value of fixed parameter"). From the ``fixed => 1`` options of each plugin's
# options() in pve-storage src/PVE/Storage/<Type>Plugin.pm, 8.3.6 (PVE 8.4) and 9.1.0 (PVE 9.1);
# snapshot-as-volume-chain is new in 9.x, glusterfs is gone in 9.x. ``type`` never changes.
FIXED_STORAGE_OPTIONS = {
    "dir": {"path", "snapshot-as-volume-chain"},
    "nfs": {"path", "server", "export", "snapshot-as-volume-chain"},
    "cifs": {"path", "server", "share", "snapshot-as-volume-chain"},
    "btrfs": {"path"},
    "cephfs": {"path"},
    "glusterfs": {"path", "volume"},
    "lvm": {"vgname", "base"},
    "lvmthin": {"thinpool", "vgname"},
    "iscsi": {"portal", "target"},
    "iscsidirect": {"portal", "target"},
    "zfs": {"portal", "target", "pool", "blocksize", "iscsiprovider"},
    "zfspool": {"pool"},
    "pbs": {"server", "datastore"},
    "rbd": set(),
    "esxi": set(),
}


def fixed_storage_keys(storage_type) -> frozenset[str]:
    """The options of a storage of this type that cannot change once it exists (``type`` included)."""
    return frozenset({"type"} | FIXED_STORAGE_OPTIONS.get(str(storage_type), set()))


# Storage types whose ``path`` PVE stores canonical (pve-storage src/PVE/Storage/DirPlugin.pm check_config:
# File::Spec->canonpath on create; BTRFSPlugin.pm reuses it). Other types keep the path as sent.
CANONICAL_PATH_TYPES = frozenset({"dir", "btrfs"})


def canonical_path(path: str) -> str:
    """Perl File::Spec::Unix canonpath: ``//`` and ``/./`` collapsed, a leading ``/..`` dropped, no trailing
    slash (``/srv/backup/`` is ``/srv/backup``); ``..`` elsewhere is kept."""
    path = re.sub(r"/{2,}", "/", str(path))
    path = re.sub(r"(?:/\.)+(?:/|\Z)", "/", path)
    if path != "./":
        path = re.sub(r"^(?:\./)+", "", path)
    path = re.sub(r"^/(?:\.\./)+", "/", path)
    path = re.sub(r"^/\.\.$", "/", path)
    return path if path == "/" else re.sub(r"/\Z", "", path)


def net0_string(nic: dict) -> str:
    """A NIC dict (model, macaddr, bridge, tag, firewall, link_down) as PVE's ``net0`` property string."""
    head = f"{nic['model']}={nic['macaddr']}" if nic.get("macaddr") else nic["model"]
    rest = [f"{k}={nic[k]}" for k in ("bridge", "tag", "firewall", "link_down") if k in nic]
    return ",".join([head, *rest])
