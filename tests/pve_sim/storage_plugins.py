"""Storage types as pve-storage defines them: options per type, content types, shared or local.

Sources (pve-storage 8.3.6 = 0c6234f for PVE 8.4, 9.1.0 = 6f49432 for PVE 9.1):
- src/PVE/Storage/<Type>Plugin.pm options() (which keys a type takes; ``fixed`` ones cannot
  change after creation; those neither optional nor fixed are required) and plugindata()
  (content types: the valid ones, and the default when none is given);
- src/PVE/Storage/Plugin.pm decode_value (content check), parse_config (@SHARED_STORAGE types
  are shared whatever the config says; a missing content gets the type's default);
- pve-common src/PVE/SectionConfig.pm check_config / check_value / delete_from_config.
Option notation below: ``key`` optional, ``key:F`` fixed (required), ``key:FO`` fixed and
optional, ``key:R`` required.
"""

from __future__ import annotations

import re

from .formats import split_list

_FILE_COMMON = ("nodes disable prune-backups max-protected-backups content format mkdir create-base-path create-subdirs "
                "bwlimit preallocation")
_OPTIONS = {
    "dir": f"path:F content-dirs shared is_mountpoint {_FILE_COMMON}",
    "nfs": f"path:F content-dirs server:F export:F options {_FILE_COMMON}",
    "cifs": f"path:F content-dirs server:F share:F subdir username password domain smbversion options {_FILE_COMMON}",
    "btrfs": ("path:F nodes shared disable prune-backups max-protected-backups content format is_mountpoint nocow mkdir "
              "create-base-path create-subdirs preallocation"),
    "cephfs": ("path:F content-dirs monhost nodes subdir disable options username content format mkdir create-base-path "
               "create-subdirs fuse bwlimit keyring prune-backups max-protected-backups fs-name"),
    "glusterfs": f"path:F server server2 volume:F transport {_FILE_COMMON}",
    "lvm": "vgname:F nodes shared disable saferemove saferemove_throughput content base:FO tagged_only bwlimit",
    "lvmthin": "thinpool:F vgname:F nodes disable content bwlimit",
    "iscsi": "portal:F target:F nodes disable content bwlimit",
    "iscsidirect": "portal:F target:F nodes disable content bwlimit",
    "rbd": "nodes disable monhost pool data-pool namespace username content krbd keyring bwlimit",
    "zfs": ("nodes disable portal:F target:F pool:F blocksize:F iscsiprovider:F nowritecache sparse comstar_hg comstar_tg "
            "lio_tpg content bwlimit"),
    "zfspool": "pool:F blocksize sparse nodes disable content bwlimit mountpoint",
    "pbs": ("server:F datastore:F namespace port nodes disable content username password encryption-key master-pubkey "
            "prune-backups max-protected-backups fingerprint"),
    "esxi": "nodes shared disable content server:R username:R password skip-cert-verification port",
}
# Differences of PVE 9.1: glusterfs and maxfiles are gone; snapshot-as-volume-chain, saferemove-stepsize, zfs-base-path.
_ADDED_9 = {"dir": "snapshot-as-volume-chain:FO", "nfs": "snapshot-as-volume-chain:FO", "cifs": "snapshot-as-volume-chain:FO",
            "lvm": "saferemove-stepsize snapshot-as-volume-chain", "zfs": "zfs-base-path"}
_ADDED_8 = {t: "maxfiles" for t in ("dir", "nfs", "cifs", "btrfs", "cephfs", "glusterfs", "pbs")}

# Storage.pm volume_list @ctypes (also every type a plugin may hold)
VOLUME_TYPES = _ALL = {"images", "rootdir", "vztmpl", "iso", "backup", "snippets", "import"}
# plugindata content: (valid types, default when the config has none)
CONTENT = {
    "dir": (_ALL | {"none"}, {"images", "rootdir"}),
    "nfs": (_ALL, {"images"}),
    "cifs": (_ALL, {"images"}),
    "btrfs": (_ALL | {"none"}, {"images", "rootdir"}),
    "cephfs": ({"vztmpl", "iso", "backup", "snippets", "import"}, {"backup"}),
    "glusterfs": ({"images", "vztmpl", "iso", "backup", "snippets", "import"}, {"images"}),
    "lvm": ({"images", "rootdir"}, {"images"}),
    "lvmthin": ({"images", "rootdir"}, {"images", "rootdir"}),
    "iscsi": ({"images", "none"}, {"images"}),
    "iscsidirect": ({"images", "none"}, {"images"}),
    "rbd": ({"images", "rootdir"}, {"images"}),
    "zfs": ({"images"}, {"images"}),
    "zfspool": ({"images", "rootdir"}, {"images", "rootdir"}),
    "pbs": ({"backup", "none"}, {"backup"}),
    "esxi": ({"import"}, {"import"}),
}
# Plugin.pm @SHARED_STORAGE (glusterfs only up to PVE 8)
SHARED_TYPES = {8: {"iscsi", "nfs", "cifs", "rbd", "cephfs", "iscsidirect", "glusterfs", "zfs", "drbd", "pbs"},
                9: {"iscsi", "nfs", "cifs", "rbd", "cephfs", "iscsidirect", "zfs", "drbd", "pbs"}}
# SectionConfig.pm check_value: boolean and integer properties (the plugins' properties(), as the API
# schema shows them) come back as numbers ("return $value + 0"); the others as the strings sent.
# DirPlugin.pm is_mountpoint is a string: yes/no or the mount point's path.
BOOLEAN_KEYS = {"shared", "disable", "mkdir", "create-base-path", "create-subdirs", "saferemove", "tagged_only", "krbd",
                "nocow", "sparse", "nowritecache", "fuse", "snapshot-as-volume-chain", "skip-cert-verification"}
INTEGER_KEYS = {"max-protected-backups", "port", "saferemove-stepsize", "maxfiles"}


class StorageConfigError(Exception):
    """A plain die of the storage code (HTTP 500, message ending with a newline)."""


def options(version: int, kind: str) -> dict[str, dict]:
    """``{key: {"fixed": bool, "optional": bool}}`` of a storage type (its plugin's options())."""
    text = _OPTIONS[kind] + " " + (_ADDED_9 if version >= 9 else _ADDED_8).get(kind, "")
    out = {}
    for item in text.split():
        key, _, flags = item.partition(":")
        out[key] = {"fixed": "F" in flags, "optional": flags in ("", "FO")}
    return out


def types(version: int) -> set[str]:
    return {t for t in _OPTIONS if version < 9 or t != "glusterfs"}


def decode_content(kind: str, value: str) -> tuple[set[str], list[str]]:
    """Plugin.pm decode_value('content'): unsupported types are dropped with a warning;
    'none' alone; an empty result is refused unless the type accepts 'none'."""
    valid = CONTENT[kind][0]
    res, warnings = set(), []
    for item in split_list(value):
        if item not in valid:
            warnings.append(f"storage does not support content type '{item}'")
            continue
        res.add(item)
    if "none" in res and len(res) > 1:
        raise StorageConfigError("unable to combine 'none' with other content types\n")
    if not res and "none" not in valid:
        raise StorageConfigError("storage does not support content type 'none'\n")
    return res, warnings


def check_config(version: int, kind: str, sid: str, params: dict, create: bool) -> dict:
    """SectionConfig.pm check_config (+ NFS/CIFS/CephFS check_config: default path, DirPlugin:
    path syntax): the options this type takes, fixed ones unchanged on update, required ones
    on create. Returns the values as storage.cfg keeps them (lists as sorted comma lists)."""
    opts = options(version, kind)
    params = dict(params)
    if create and kind in ("nfs", "cifs", "cephfs") and not params.get("path"):
        params["path"] = f"/mnt/pve/{sid}"
    out = {}
    for key, value in params.items():
        if not create and opts.get(key, {}).get("fixed"):
            raise StorageConfigError(f"can't change value of fixed parameter '{key}'\n")
        if value is None:  # an empty form value (AnyEvent.pm decode_urlencoded) is undefined
            raise StorageConfigError(f"got undefined value for option '{key}'\n")
        if key not in opts:
            raise StorageConfigError(f"unexpected property '{key}'\n")
        if key == "content":
            out[key] = ",".join(sorted(decode_content(kind, value)[0])) or "none"
        elif key == "nodes":
            out[key] = ",".join(split_list(value))
        elif key in BOOLEAN_KEYS:
            out[key] = 1 if str(value) == "1" else 0
        elif key in INTEGER_KEYS:
            out[key] = int(value)
        else:
            out[key] = str(value)
    if create:
        for key, spec in opts.items():
            if not spec["optional"] and key not in params:
                raise StorageConfigError(f"missing value for required option '{key}'\n")
        if kind in ("dir", "btrfs"):  # DirPlugin.pm check_config (BTRFSPlugin.pm reuses it)
            if not _dir_path_ok(out["path"]):
                raise StorageConfigError(f"illegal path for directory storage: {out['path']}\n")
            out["path"] = canonpath(out["path"])  # "remove trailing slashes from path"
    return out


def _dir_path_ok(path: str) -> bool:
    return re.fullmatch(r"/[-/a-zA-Z0-9_.@]+", path) is not None


def canonpath(path: str) -> str:
    """Perl File::Spec::Unix canonpath: '//' and '/./' collapsed, a leading '/..' dropped, no trailing
    slash ('..' elsewhere is kept: canonpath does not resolve it)."""
    path = re.sub(r"/{2,}", "/", path)
    path = re.sub(r"(?:/\.)+(?:/|\Z)", "/", path)
    if path != "./":
        path = re.sub(r"^(?:\./)+", "", path)
    path = re.sub(r"^/(?:\.\./)+", "/", path)
    path = re.sub(r"^/\.\.$", "/", path)
    return path if path == "/" else re.sub(r"/\Z", "", path)


def check_delete(version: int, kind: str, keys: list[str], update: dict):
    """API2/Storage/Config.pm update: what may be deleted."""
    opts = options(version, kind)
    for key in keys:
        spec = opts.get(key)
        if spec is None:
            raise StorageConfigError(f"no such option '{key}'\n")
        if not spec["optional"]:
            raise StorageConfigError(f"unable to delete required option '{key}'\n")
        if spec["fixed"]:
            raise StorageConfigError(f"unable to delete fixed option '{key}'\n")
        if key in update:
            raise StorageConfigError(f"cannot set and delete property '{key}' at the same time!\n")


def is_shared(version: int, cfg: dict) -> bool:
    """Plugin.pm parse_config: @SHARED_STORAGE types are shared; others only with shared=1."""
    return cfg["type"] in SHARED_TYPES[version] or bool(cfg.get("shared"))


def content_of(cfg: dict) -> set[str]:
    """The content set, or the type's default (parse_config) when none was configured."""
    return set(split_list(cfg["content"])) if cfg.get("content") else set(CONTENT[cfg["type"]][1])


def api_view(version: int, sid: str, cfg: dict, digest: str) -> dict:
    """API2/Storage/Config.pm $api_storage_config: content and nodes as comma lists, the file digest."""
    out = {k: v for k, v in cfg.items() if k != "content"}
    out["storage"] = sid
    out["content"] = ",".join(sorted(content_of(cfg))) or "none"
    if cfg["type"] in SHARED_TYPES[version]:
        out["shared"] = 1
    out["digest"] = digest
    return out
