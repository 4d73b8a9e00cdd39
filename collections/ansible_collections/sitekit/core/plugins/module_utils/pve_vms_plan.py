"""What pve_vms compares, without the API: a VM spec against its config as PVE returns it.

Pure functions (no request), shared by the pve_vms module (through pve_vms_apply) and its tests.
"""

from __future__ import annotations

import re

from ansible_collections.sitekit.core.plugins.module_utils.pve_client import as_flag, property_string
from ansible_collections.sitekit.core.plugins.module_utils.pve_format import net0_string

MODELS = ("virtio", "e1000", "e1000e", "rtl8139", "vmxnet3")
DRIVE = re.compile(r"^(ide|sata|scsi|virtio)\d+$|^efidisk0$|^tpmstate0$")
UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


def parse_net(value) -> dict:
    """``virtio=BC:24:..,bridge=vmbr0,tag=10`` → {model, macaddr, bridge, tag}."""
    props = property_string(value or "")
    out = {}
    for k, v in props.items():
        if k in MODELS:
            out.update(model=k, macaddr=v.upper())
        elif k.startswith("_") and v in MODELS or k == "model":
            out["model"] = v
        else:
            out[k] = v.upper() if k == "macaddr" else v
    return out


def disk_bytes(value) -> int | None:
    """The ``size=`` of a drive in bytes. PVE writes sizes with a K/M/G/T suffix, or none for bytes
    (pve-common PVE/JSONSchema.pm parse_size: a bare number is bytes); None when there is no size."""
    m = re.search(r"(?:^|,)size=(\d+(?:\.\d+)?)([KMGT]?)(?:,|$)", str(value or ""))
    if not m:
        return None
    return int(float(m.group(1)) * UNITS[m.group(2)])


def _gb(size: int) -> str:
    return f"{size / 2**30:g}"


def compare(spec: dict, config: dict) -> tuple[dict, dict, list[str]]:
    """(config keys to set - None: to delete -, {disk: size}, notes) for one existing VM (``config`` with pending
    values applied)."""
    sets, grow, notes = {}, {}, []
    for key in ("cores", "memory", "name", "cpu"):
        if key not in spec:
            continue
        if spec[key] is None or spec[key] == "":
            # PVE reads an empty form value as undefined and refuses it ("unable to parse value of 'name' - got
            # undefined value", qemu-server QemuServer.pm check_type): an empty name or cpu is unset with ``delete``
            # (PVE's default: no name, the default CPU type); an empty cores or memory is not managed (deleting them
            # would shrink the VM to PVE's defaults, 1 core and 512 MB)
            if key in ("name", "cpu") and config.get(key) not in (None, ""):
                sets[key] = None
            continue
        if str(config.get(key, "")) != str(spec[key]):
            sets[key] = spec[key]
    want_nic = spec.get("net0")
    if want_nic:
        have = parse_net(config.get("net0"))
        keys = [k for k in ("model", "bridge", "tag", "macaddr") if k in want_nic]
        if any(str(have.get(k, "")) != str(want_nic[k]).upper() if k == "macaddr" else str(have.get(k, "")) != str(want_nic[k])
               for k in keys) or (not want_nic.get("tag") and have.get("tag")):
            nic = dict(want_nic)
            if "macaddr" not in nic and have.get("macaddr"):
                nic["macaddr"] = have["macaddr"]  # keep the generated MAC: changing it would break DHCP leases
            sets["net0"] = net0_string(nic)
    for disk in spec.get("disks") or []:
        current = config.get(disk["key"])
        if current is None:
            sets[disk["key"]] = f"{disk['storage']}:{disk['size_gb']}"
            continue
        size, want = disk_bytes(current), int(disk["size_gb"]) * 2**30
        if size is None:
            notes.append(f"{disk['key']} has no size in its config: not resized")
        elif size < want:
            grow[disk["key"]] = f"{disk['size_gb']}G"
        elif size > want:
            notes.append(f"{disk['key']} is {_gb(size)} GB, declared {disk['size_gb']} GB: disks are never shrunk")
    return sets, grow, notes


def split_pending(entries: list[dict]) -> tuple[dict, dict, dict]:
    """``GET …/pending`` (qemu-server PVE/API2/Qemu.pm vm_pending) → (config as it will be once the
    pending changes apply, config as the VM runs now, {key: {current, pending}} of what is pending)."""
    after, now, pending = {}, {}, {}
    for entry in entries or []:
        key = entry["key"]
        if key == "digest":  # the config file's digest is listed as a key too (GuestHelpers config_with_pending_array)
            continue
        # values as strings, as the config file holds them: PVE sends integers and booleans as JSON numbers
        value = None if entry.get("value") is None else str(entry["value"])
        if "value" in entry:
            now[key] = value
        if entry.get("delete"):
            pending[key] = {"current": value, "pending": None}
        elif "pending" in entry:
            after[key] = str(entry["pending"])
            pending[key] = {"current": value, "pending": str(entry["pending"])}
        elif "value" in entry:
            after[key] = value
    return after, now, pending


def is_shared(storage: dict | None) -> bool:
    """GET /storage reports ``shared: 1`` for shared storage types (pve-storage Plugin.pm parse_config,
    @SHARED_STORAGE) and for storages configured shared."""
    return bool(storage) and as_flag(storage.get("shared")) == 1


def source_is_shared(template_config: dict, storages: dict) -> bool:
    """qemu-server Qemu.pm clone_vm ($check_storage_access_clone): a VM may only be cloned to
    another node when every volume it has (CD images too) is on shared storage."""
    for key, value in template_config.items():
        if not DRIVE.match(key):
            continue
        volume = str(value).split(",")[0].removeprefix("file=")
        if volume in ("none", "cdrom") or ":" not in volume:
            continue
        if not is_shared(storages.get(volume.split(":")[0])):
            return False
    return True
