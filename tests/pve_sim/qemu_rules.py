"""Disks, clones, templates, migration and config values of QEMU guests as qemu-server decides them.

Sources: qemu-server 8.3.13 (c2287c17, PVE 8.4) and 9.1.2 (4dbb6e44, PVE 9.1) -
src/PVE/API2/Qemu.pm clone_vm / $check_storage_access_clone / template / migrate_vm /
$update_vm_api / create_vm ($create_disks), src/PVE/QemuServer.pm check_type / template_create /
vmconfig_hotplug_pending ($fast_plug_option), src/PVE/QemuMigrate.pm prepare;
pve-storage 8.3.6 / 9.1.0 - <Type>Plugin.pm volume_has_feature, create_base, alloc_image.
"""

from __future__ import annotations

import re

from . import storage_plugins
from .formats import split_list
from .state import ApiError, Cluster, die

DRIVE_KEY = re.compile(r"^(ide\d|sata\d|scsi\d+|virtio\d+|efidisk0|tpmstate0|unused\d+)$")

# <Type>Plugin.pm volume_has_feature: feature -> volume kind (base / current / snap) per storage type.
# File storages (Plugin.pm default) answer per format; raw is what the simulator allocates.
_FEATURES = {
    "file": {"clone": {"base"}, "template": {"current"}, "copy": {"base", "current"}},
    "lvm": {"copy": {"base", "current"}},
    "lvmthin": {"snapshot": {"current"}, "clone": {"base", "snap"}, "template": {"current"},
                "copy": {"base", "current", "snap"}},
    "zfspool": {"snapshot": {"current", "snap"}, "clone": {"base"}, "template": {"current"}, "copy": {"base", "current"}},
    "rbd": {"snapshot": {"current", "snap"}, "clone": {"base", "snap"}, "template": {"current"},
            "copy": {"base", "current", "snap"}},
    "iscsi": {"copy": {"current"}},
}
_FILE_TYPES = {"dir", "nfs", "cifs", "glusterfs", "cephfs", "btrfs"}
_BLOCK_NAMES = {"lvm", "lvmthin", "zfspool", "rbd"}
# QemuServer.pm $fast_plug_option (+ cloud-init options): applied at once on a running VM
FAST_PLUG = {"description", "hookscript", "lock", "migrate_downtime", "migrate_speed", "name", "onboot", "protection",
             "shares", "startup", "tags", "vmstatestorage", "citype", "ciuser", "cipassword", "ciupgrade", "cicustom",
             "searchdomain", "nameserver", "sshkeys"}
DEFAULT_HOTPLUG = "network,disk,usb"  # QemuServer.pm $confdesc->{hotplug}->{default}


def parse_drive(value: str) -> dict:
    """QemuServer/Drive.pm parse_drive, reduced to what the rules look at: file, media, size."""
    parts = value.split(",")
    drive = {"file": parts[0].split("=", 1)[1] if parts[0].startswith("file=") else parts[0]}
    for part in parts[1:]:
        key, _, val = part.partition("=")
        drive[key] = val
    return drive


def is_cdrom(drive: dict) -> bool:
    return drive.get("media") == "cdrom" or drive["file"] in ("cdrom", "none")


def split_volid(volid: str) -> tuple[str | None, str]:
    m = re.fullmatch(r"([a-zA-Z][a-zA-Z0-9\-_.]*[a-zA-Z0-9]):(.+)", volid)
    return (m.group(1), m.group(2)) if m else (None, volid)


def volume_kind(volname: str) -> str:
    """base (a template's base image), current; a linked clone 'base-X/vm-Y' is current."""
    last = volname.split("/")[-1]
    return "base" if last.startswith("base-") else "current"


def plugin_family(kind: str) -> str:
    if kind in _FILE_TYPES:
        return "file"
    return "iscsi" if kind in ("iscsi", "iscsidirect") else kind


def volume_has_feature(cluster: Cluster, feature: str, volid: str) -> bool:
    """PVE::Storage::volume_has_feature -> the storage type's volume_has_feature."""
    sid, volname = split_volid(volid)
    cfg = cluster.storage.get(sid or "")
    if cfg is None:
        return False
    return volume_kind(volname) in _FEATURES.get(plugin_family(cfg["type"]), {}).get(feature, set())


def storage_config(cluster: Cluster, sid: str) -> dict:
    """PVE::Storage::storage_config."""
    cfg = cluster.storage.get(sid)
    if cfg is None:
        raise die(f"storage '{sid}' does not exist")
    return cfg


def storage_check_enabled(cluster: Cluster, sid: str, node: str) -> dict:
    """PVE::Storage::storage_check_enabled / storage_check_node."""
    cfg = storage_config(cluster, sid)
    if str(cfg.get("disable", 0)) == "1":
        raise die(f"storage '{sid}' is disabled")
    if cfg.get("nodes") and node not in split_list(cfg["nodes"]):
        raise die(f"storage '{sid}' is not available on node '{node}'")
    return cfg


def disks(config: dict):
    """(key, drive) of every drive of a config (QemuConfig foreach_volume)."""
    for key, value in config.items():
        if DRIVE_KEY.match(key) and not key.startswith("unused"):
            yield key, parse_drive(str(value))


def shared_vm(cluster: Cluster, config: dict) -> bool:
    """Qemu.pm $check_storage_access_clone: every volume (CD images included) on shared storage."""
    for _, drive in disks(config):
        sid, _ = split_volid(drive["file"])
        if drive["file"] in ("none", "cdrom") or sid is None:
            continue
        if not storage_plugins.is_shared(cluster.version, storage_config(cluster, sid)):
            return False
    return True


def next_disk_name(cluster: Cluster, sid: str, vmid: int, base: bool = False) -> str:
    """Plugin.pm find_free_diskname: the first free vm-<vmid>-disk-<n> on the storage."""
    used = set()
    for vm in cluster.vms.values():  # the volumes on the storage: drives, pending ones and unusedN
        for config in (vm["config"], vm["pending"]):
            files = [drive["file"] for _, drive in disks({k: v for k, v in config.items() if v is not None})]
            files += [str(v) for k, v in config.items() if k.startswith("unused") and v is not None]
            for volid in files:
                s, volname = split_volid(volid)
                if s == sid:
                    used.add(volname.split("/")[-1])
    used |= {split_volid(volid)[1].split("/")[-1] for volid in cluster.orphans if split_volid(volid)[0] == sid}
    prefix = "base" if base else "vm"
    cfg = storage_config(cluster, sid)
    file_style = cfg["type"] in _FILE_TYPES
    for n in range(0, 1024):
        name = f"{prefix}-{vmid}-disk-{n}"
        if (f"{name}.raw" if file_style else name) not in used:
            return f"{vmid}/{name}.raw" if file_style else name
    raise die(f"unable to allocate an image name for VM {vmid} in storage '{sid}'")


def alloc_disk(cluster: Cluster, node: str, vmid: int, sid: str, size: str, template: bool) -> str:
    """Qemu.pm $create_disks for ``STORAGE:SIZE``: the storage holds images, is enabled on the
    node; a template's disk becomes a base image (vdisk_create_base), which thick LVM refuses
    (LVMPlugin.pm create_base)."""
    cfg = storage_check_enabled(cluster, sid, node)
    if "images" not in storage_plugins.content_of(cfg):
        raise ApiError(400, "Parameter verification failed.\n", {"storage": f"storage '{sid}' does not support vm images"})
    if template and cfg["type"] == "lvm":
        raise die("can't create base images in lvm storage")
    volname = next_disk_name(cluster, sid, vmid, base=template and plugin_family(cfg["type"]) != "iscsi")
    size_bytes = int(float(size) * 2**30)
    if cfg["type"] == "lvm":
        check_lvm_free(cluster, sid, node, cfg, volname, size_bytes)
    cluster.volume_sizes[f"{sid}:{volname}"] = size_bytes
    return f"{sid}:{volname},size={_size_gb(size)}G"


CLOUDINIT_VOLUME = re.compile(r"^(?:([^:\s]+):)?cloudinit$")  # Qemu.pm create_disks: <storage>:cloudinit


def is_cloudinit(value) -> bool:
    """Drive.pm drive_is_cloudinit: a volume named [vm-<id>-]cloudinit[.<format>]."""
    return bool(re.search(r"[:/](?:vm-\d+-)?cloudinit(?:\.\w+)?$", parse_drive(str(value))["file"]))


def alloc_cloudinit(cluster: Cluster, node: str, vmid: int, key: str, value: str, others: list[dict]) -> str:
    """Qemu.pm create_disks for ``<storage>:cloudinit``: one cloud-init drive per VM (has_cloudinit in the config,
    its pending changes and the drives of this request: "<key> - cloud-init drive is already attached at '<other>'"),
    then a 4 MiB volume vm-<vmid>-cloudinit (.qcow2 on a storage with a path) shown as a CD-ROM (print_drive: the
    volume, then the other options sorted, ``format`` dropped)."""
    drive = parse_drive(value)
    sid = CLOUDINIT_VOLUME.match(drive["file"]).group(1)
    options = {k: v for k, v in drive.items() if k not in ("file", "format", "media")}
    for drives in others:
        ci_key = next((k for k, v in sorted(drives.items()) if k != key and v is not None and DRIVE_KEY.match(k)
                       and not k.startswith("unused") and is_cloudinit(v)), None)
        if ci_key:
            raise die(f"{key} - cloud-init drive is already attached at '{ci_key}'")
    cfg = storage_check_enabled(cluster, sid, node)
    if "images" not in storage_plugins.content_of(cfg):
        raise ApiError(400, "Parameter verification failed.\n", {"storage": f"storage '{sid}' does not support vm images"})
    volname = f"{vmid}/vm-{vmid}-cloudinit.qcow2" if cfg["type"] in _FILE_TYPES else f"vm-{vmid}-cloudinit"
    size = 4 * 2**20  # Cloudinit.pm CLOUDINIT_DISK_SIZE
    if cfg["type"] == "lvm":
        check_lvm_free(cluster, sid, node, cfg, volname, size)
    cluster.volume_sizes[f"{sid}:{volname}"] = size
    return ",".join([f"{sid}:{volname}", *(f"{k}={v}" for k, v in sorted({**options, "media": "cdrom"}.items()))])


def check_lvm_free(cluster: Cluster, sid: str, node: str, cfg: dict, volname: str, size_bytes: int):
    """pve-storage LVMPlugin.pm alloc_image (8.3.6) / alloc_lvm_image (9.1.0): the VG's free space, read in bytes
    (lvm_vgs: vgs --units b), is compared with the size vdisk_alloc is given in KiB (Qemu.pm create_disks
    convert_size 'gb' => 'kb') - "not enough free space (<free> < <size>)"; a size between the two passes that check
    and lvcreate itself fails (LVMPlugin.pm lvcreate: run_command errmsg "lvcreate '<vg>/<name>' error" - pve-common
    Tools.pm run_command dies "$errmsg: $laststderr" with the last stderr line - that line being lvm2's
    lib/metadata/lv_manip.c _lv_create_an_lv log_error "Volume group \"%s\" has insufficient free space (%u extents):
    %u required." (free extents of the VG, extents asked, rounded up; the default extent is 4 MiB) printed after
    lib/log/log.c's default message prefix of two spaces)."""
    from .handlers.storage import usage  # the storage handlers import this module

    free = usage(cluster, sid, node)[1]
    size_kib = size_bytes // 1024
    if free < size_kib:
        raise die(f"not enough free space ({free} < {size_kib})")
    if free < size_bytes:
        extent = 4 * 2**20
        raise die(f"lvcreate '{cfg['vgname']}/{volname}' error:   Volume group \"{cfg['vgname']}\" has insufficient free "
                  f"space ({free // extent} extents): {-(-size_bytes // extent)} required.")


def _size_gb(text: str) -> int:
    value = float(text)
    return int(value) if value == int(value) else value


def config_types(returns: dict) -> dict[str, str]:
    """Key -> JSON type of GET /nodes/{node}/qemu/{vmid}/config, from the schema of the version
    (numbered keys like net[n] apply to net0, net1...)."""
    return {k: v.get("type", "string") for k, v in (returns.get("properties") or {}).items()}


def typed_value(types: dict, key: str, value):
    """QemuServer.pm check_type as the API returns it: integers and booleans as numbers
    (``int($1)``, ``1``/``0``), numbers and strings as strings."""
    kind = types.get(key) or types.get(re.sub(r"\d+$", "[n]", key), "string")
    text = str(value)
    if kind == "integer" and re.fullmatch(r"\d+", text):
        return int(text)
    if kind == "boolean":
        if text == "1" or re.fullmatch(r"(?i:on|yes|true)", text):
            return 1
        if text == "0" or re.fullmatch(r"(?i:off|no|false)", text):
            return 0
    return text


# pve-storage <Type>Plugin.pm parse_volname: the volume names each kind of storage has (a block storage's image, a
# file storage's <vmid>/<file> - Plugin.pm parse_name_dir - or iso/<file>), and its error
_VOLNAME = {
    "lvm": (r"vm-\d+-\S+", "lvm"),
    "lvmthin": (r"(?:vm|base)-\d+-\S+", "lvm"),
    "zfspool": (r"(?:(?:base|basevol)-\d+-\S+/)?(?:base|basevol|vm|subvol)-\d+-\S+", "zfs"),
    "rbd": (r"(?:base-\d+-\S+/)?(?:base)?(?:vm)?-\d+-\S+", "rbd"),
    "iscsi": (r"\d+\.\d+\.\d+\.[^/\s]+", "iscsi"),
}
NEW_DISK = re.compile(r"^(?:[^/:\s]+:)?\d+(?:\.\d+)?$")  # QemuServer/Drive.pm $NEW_DISK_RE


def parse_volname(cluster: Cluster, volid: str) -> str:
    """PVE::Storage::parse_volname -> the type's parse_volname: the volume's vtype ('images', 'iso'...), or the die."""
    sid, volname = split_volid(volid)
    cfg = storage_config(cluster, sid)
    if cfg["type"] in _FILE_TYPES:  # Plugin.pm parse_volname / parse_name_dir
        if re.fullmatch(r"(?:\d+/\S+/)?\d+/\S+", volname):
            name = volname.split("/")[-1]
            if re.fullmatch(r"(?:base-)?[^/\s]+\.(?:raw|qcow2|vmdk|subvol)", name):
                return "images"
            raise die(f"unable to parse volume filename '{name}'")
        if re.fullmatch(r"(?i)iso/[^/]+\.(?:iso|img)", volname):
            return "iso"
        raise die(f"unable to parse directory volume name '{volname}'")
    pattern, what = _VOLNAME.get(cfg["type"], (r".+", ""))
    if not re.fullmatch(pattern, volname):
        raise die(f"unable to parse {what} volume name '{volname}'")
    return "images"


def check_drive_volume(cluster: Cluster, key: str, value: str):
    """qemu-server Qemu.pm $check_drive_param: an existing volume (not a new STORAGE:SIZE disk, not 'none'/'cdrom'/
    a path) must parse as a volume of its storage (PVE::Storage::parse_volname dies), and an ISO image needs
    media=cdrom (raise_param_exc)."""
    drive = parse_drive(value)
    volid = drive["file"]
    sid, volname = split_volid(volid)
    if sid is None or NEW_DISK.match(volid) or volid in ("none", "cdrom") or volname == "cloudinit":
        return
    if parse_volname(cluster, volid) == "iso" and drive.get("media") != "cdrom":
        raise ApiError(400, "Parameter verification failed.\n", {key: "explicit 'media=cdrom' is required for iso images"})


def owned_volume(volid: str, vmid: int) -> bool:
    """QemuServer.pm vm_is_volid_owner: the volume's owner (parse_volname: vm-<id>-… / base-<id>-…) is the VM."""
    sid, volname = split_volid(volid)
    m = re.match(r"(?:vm|base)-(\d+)-", volname.split("/")[-1])
    return bool(sid and m and int(m.group(1)) == int(vmid))


def register_unused(config: dict, value: str, vmid: int):
    """QemuServer.pm vmconfig_register_unused_drive + AbstractConfig.pm add_unused_volume: a detached disk the VM owns
    (not a CD) is kept as the lowest free unusedN; a volume already listed there is not added twice."""
    drive = parse_drive(value)
    if is_cdrom(drive) or not owned_volume(drive["file"], vmid):
        return
    if drive["file"] in (v for k, v in config.items() if k.startswith("unused")):
        return
    free = next((n for n in range(256) if f"unused{n}" not in config), None)
    if free is None:
        raise die("Too many unused volumes - please delete them first.")
    config[f"unused{free}"] = drive["file"]


def check_skiplock(p: dict, user: str):
    """Qemu.pm (update_vm_api, vm_start, vm_stop, vm_shutdown, destroy_vm, resize_vm): ``skiplock`` is for root@pam
    only ("Only root may use this option."); an API token (root@pam!id) is another user."""
    if str(p.get("skiplock") or "0") == "1" and user != "root@pam":
        raise ApiError(400, "Parameter verification failed.\n", {"skiplock": "Only root may use this option."})


def unique_tags(value) -> str:
    """pve-guest-common src/PVE/GuestHelpers.pm get_unique_tags with the default tag-style (no 'ordering=config',
    not case-sensitive): lower-cased, sorted, duplicates dropped, joined with ';'."""
    out = []
    for tag in sorted(split_list(value or ""), key=str.lower):
        if tag.lower() not in out:
            out.append(tag.lower())
    return ";".join(out)


def _agent(value) -> dict:
    """QemuServer.pm parse_guest_agent: the pve-qm-agent property string, ``enabled`` its default key."""
    out = {}
    for part in str(value or "").split(","):
        if part:
            key, sep, val = part.partition("=")
            out.update({key: val} if sep else {"enabled": key})
    return out


def hotplug_features(config: dict) -> set[str]:
    """QemuServer.pm parse_hotplug_features: '1' is the default set, '0' none."""
    text = str(config.get("hotplug", "1"))
    return set() if text == "0" else set(split_list(DEFAULT_HOTPLUG if text == "1" else text))


def hotpluggable(config: dict, key: str, value=None, deleting: bool = False) -> bool:
    """QemuServer.pm vmconfig_hotplug_pending: what a running VM takes at once; the rest stays
    pending until the next start (cores, sockets, cpu, memory without the 'memory' feature...)."""
    features = hotplug_features(config)
    if key in FAST_PLUG or key in ("cpuunits", "cpulimit"):
        return True
    if key == "hotplug":
        # a change of the hotplug option itself applies at once unless memory or cpu hotplug is (or was) in it
        involved = str(config.get("hotplug") or "") + ("" if deleting else str(value or ""))
        return not re.search(r"memory|cpu", involved)
    if key == "balloon":
        # deleting: "skip" if the balloon device is off (balloon: 0); setting: enabling or disabling it is not hot-pluggable
        if deleting:
            return str(config.get("balloon", "")) != "0"
        return (config.get("balloon") is None or str(config["balloon"]) != "0") == (str(value) != "0")
    if key == "agent":
        # vmconfig_update_agent: only fstrim_cloned_disks changes live, and only when an agent is configured; a
        # deleted agent is "skip"
        if deleting or not config.get("agent"):
            return False
        old, new = _agent(config["agent"]), _agent(value)
        return all(old.get(k) == new.get(k) for k in set(old) | set(new) if k != "fstrim_cloned_disks")
    if re.fullmatch(r"net\d+", key):
        return "network" in features
    if DRIVE_KEY.match(key) and not key.startswith("unused"):
        return drive_hotplug(config, key, value, deleting, features)[0]
    if key == "memory":
        return "memory" in features
    if key == "vcpus":
        return "cpu" in features
    return False


# QemuServer.pm vmconfig_update_disk: options of an existing disk a running VM cannot take ("skip non hotpluggable value")
_COLD_DRIVE_OPTIONS = ("aio", "discard", "iothread", "queues", "product", "cache", "ssd", "vendor", "ro")


def bootdisks(config: dict) -> list[str]:
    """QemuServer/Drive.pm get_bootdisks: the drives of ``boot: order=...``; legacy (no ``order``) the ``bootdisk``."""
    order = next((part[len("order="):] for part in str(config.get("boot") or "").split(",") if part.startswith("order=")),
                 None)
    if order is None:
        return [config["bootdisk"]] if config.get("bootdisk") else []
    return [d for d in re.split(r"[;,\s]+", order) if DRIVE_KEY.match(d) and not d.startswith("unused")]


def _media_cdrom(drive: dict) -> bool:
    """Drive.pm drive_is_cdrom, a cloud-init drive (drive_is_cloudinit: <storage>:[vm-<id>-]cloudinit) included."""
    return drive.get("media") == "cdrom" or bool(re.search(r"[:/](?:vm-\d+-)?cloudinit(?:\.\w+)?$", drive["file"]))


def drive_hotplug(config: dict, key: str, value, deleting: bool, features: set) -> tuple[bool, str | None]:
    """What a running VM does with a drive change (QemuServer.pm vmconfig_hotplug_pending -> vmconfig_update_disk,
    vm_deviceunplug): (applied now, hotplug error). efidisk0/tpmstate0 always wait for the next start; an existing
    CD-ROM (cloud-init included) changes its medium at once on any bus; another medium type is an error; an
    existing disk keeps its new options pending when one of aio/discard/iothread/queues/product/cache/ssd/vendor/ro
    changes, else takes them; a disk replaced by another volume, or deleted, is unplugged with the 'disk' hotplug
    feature - a boot disk (boot order) or an IDE/SATA device cannot be; a new disk is plugged with 'disk' but not
    on IDE/SATA."""
    if deleting:
        if "disk" not in features or re.match(r"(efidisk|ide|sata|tpmstate)\d+", key):
            return False, None
        if key in bootdisks(config):
            return False, f"can't unplug bootdisk '{key}'"
        return True, None
    if key in ("efidisk0", "tpmstate0"):
        return False, None
    new = parse_drive(str(value))
    if config.get(key):
        old = parse_drive(str(config[key]))
        if ("cdrom" if _media_cdrom(new) else "disk") != ("cdrom" if _media_cdrom(old) else "disk"):
            return False, "unable to change media type"
        if _media_cdrom(old):
            return True, None  # Blockdev.pm change_medium
        if new["file"] != old["file"]:
            if "disk" not in features:
                return False, None
            if key in bootdisks(config):
                return False, f"can't unplug bootdisk '{key}'"
            if re.match(r"(ide|sata)\d+", key):
                return False, f"can't unplug device '{key}'"
            return True, None
        return not any(new.get(o) != old.get(o) for o in _COLD_DRIVE_OPTIONS), None
    return "disk" in features and not re.match(r"(ide|sata)\d+", key), None


def max_cpus(config: dict) -> int:
    """QemuServer.pm config_to_command / qemu_cpu_hotplug: sockets (``smp`` of old configs) times cores, 1 each by
    default."""
    sockets = int(config.get("sockets") or config.get("smp") or 1)
    return sockets * int(config.get("cores") or 1)


def missing_bridges(c, node: str, config: dict, keys=None) -> dict[str, str]:
    """{netN: bridge} of the network devices whose bridge ``node`` does not have: qemu-server's pve-bridge script
    (tap_create) dies "bridge '<bridge>' does not exist" (pve-common src/PVE/Network.pm read_bridge_mtu)."""
    out = {}
    for key, value in config.items():
        if re.fullmatch(r"net\d+", key) and (keys is None or key in keys) and value is not None:
            bridge = dict(part.partition("=")[::2] for part in str(value).split(",")[1:]).get("bridge")
            if bridge and bridge not in c.bridges.get(node, set()):
                out[key] = bridge
    return out
