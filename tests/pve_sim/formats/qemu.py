"""Formats registered by qemu-server (src/PVE/QemuServer*.pm; 8.3.13 = c2287c17, 9.1.2 = 4dbb6e44).

Property-string hashes are written as the API schema writes inline formats. ``pve-qm-ide`` is
the drive hash of ``ideN`` (QemuServer/Drive.pm $ide_fmt): the validator takes it from the
schema of the version under test (jsonschema.SCHEMA_FORMATS).
"""

from __future__ import annotations

import re

from .base import FormatError, register, split_list
from .storage import volume_id

QS = "qemu-server src/PVE/QemuServer.pm"
CPU = "qemu-server src/PVE/QemuServer/CPUConfig.pm"

# QemuServer/Drive.pm: $MAX_IDE_DISKS 4, $MAX_SATA_DISKS 6, $MAX_SCSI_DISKS 31, $MAX_VIRTIO_DISKS 16
DRIVE_NAMES = ({f"ide{i}" for i in range(4)} | {f"sata{i}" for i in range(6)} | {f"scsi{i}" for i in range(31)}
               | {f"virtio{i}" for i in range(16)} | {"efidisk0", "tpmstate0"})


register("pve-qm-watchdog", f"{QS} $watchdog_fmt")({
    "model": {"default_key": 1, "type": "string", "enum": ["i6300esb", "ib700"], "optional": 1},
    "action": {"type": "string", "enum": ["reset", "shutdown", "poweroff", "pause", "debug", "none"], "optional": 1},
})
register("pve-qm-cicustom", f"{QS} $cicustom_fmt")(
    {k: {"type": "string", "optional": 1, "format": "pve-volume-id"} for k in ("meta", "network", "user", "vendor")})


@register("pve-cpuset", f"{QS} pve_verify_cpuset / pve-common CpuSet.pm parse_cpuset")
def cpuset(value):
    for part in value.split(","):
        m = re.fullmatch(r"\s*(\d+)(?:-(\d+))?\s*", part)
        if not m or (m.group(2) and int(m.group(2)) < int(m.group(1))) or int(m.group(2) or m.group(1)) > 8191:
            raise FormatError("unable to parse cpuset option\n")
    return value


@register("pve-volume-id-or-absolute-path", f"{QS} verify_volume_id_or_absolute_path")
def volume_id_or_absolute_path(value):
    return value if value.startswith("/") else volume_id(value)


@register("pve-volume-id-or-qm-path", f"{QS} verify_volume_id_or_qm_path")
def volume_id_or_qm_path(value):
    return value if value in ("none", "cdrom") else volume_id_or_absolute_path(value)


@register("pve-qm-bootdev", f"{QS} verify_bootdev")
def bootdev(value):
    special = value.startswith(("efidisk", "tpmstate"))
    if (value in DRIVE_NAMES and not special) or re.fullmatch(r"net([0-9]|[12][0-9]|3[01])|usb([0-9]|1[0-3])|hostpci([0-9]|1[0-5])", value):
        return value
    raise FormatError(f"invalid boot device '{value}'\n")


register("pve-qm-boot", f"{QS} $boot_fmt")({
    "legacy": {"optional": 1, "default_key": 1, "type": "string", "pattern": "[acdn]{1,4}"},
    "order": {"optional": 1, "type": "string", "format": "pve-qm-bootdev-list"},
})


@register("pve-hotplug-features", f"{QS} pve_verify_hotplug_features / parse_hotplug_features")
def hotplug_features(value):
    if value in ("0", "1"):
        return value
    for feature in split_list(value):
        if feature not in ("network", "disk", "cpu", "memory", "usb", "cloudinit"):
            raise FormatError(f"invalid hotplug feature '{feature}'\n")
    return value


_B64 = {"type": "string", "pattern": r"[A-Za-z0-9+\/]+={0,2}", "optional": 1}
register("pve-qm-smbios1", f"{QS} $smbios1_fmt")({
    "uuid": {"type": "string", "pattern": r"[a-fA-F0-9]{8}(?:-[a-fA-F0-9]{4}){3}-[a-fA-F0-9]{12}", "optional": 1},
    **{k: dict(_B64) for k in ("version", "serial", "manufacturer", "product", "sku", "family")},
    "base64": {"type": "boolean", "optional": 1},
})
register("pve-qemu-sev-fmt", f"{CPU} $sev_fmt")({
    "type": {"type": "string", "default_key": 1, "enum": ["std", "es", "snp"], "maxLength": 3},
    **{k: {"type": "boolean", "optional": 1} for k in ("no-debug", "no-key-sharing", "allow-smt", "kernel-hashes")},
})
register("pve-qemu-tdx-fmt", f"{CPU} $tdx_fmt (9.x)")({
    "type": {"type": "string", "default_key": 1, "enum": ["tdx"]},
    "attestation": {"type": "boolean"},
    "vsock-cid": {"type": "integer", "minimum": 2, "optional": 1},
    "vsock-port": {"type": "integer", "minimum": 0, "optional": 1},
})


@register("pve-phys-bits", f"{CPU} parse_phys_bits")
def phys_bits(value):
    if not re.fullmatch(r"host|\d{1,2}", value) or (value.isdigit() and not 8 <= int(value) <= 64):
        raise FormatError("value must be an integer between 8 and 64 or 'host'\n")
    return value


# CPUConfig.pm $cpu_vendor_list (same keys in 8.3.13 and 9.1.2) and $builtin_models
CPU_MODELS = set(["486", "pentium", "pentium2", "pentium3", "coreduo", "core2duo", "Conroe", "Penryn", "Nehalem", "Nehalem-IBRS", "Westmere", "Westmere-IBRS", "SandyBridge", "SandyBridge-IBRS", "IvyBridge", "IvyBridge-IBRS", "Haswell", "Haswell-IBRS", "Haswell-noTSX", "Haswell-noTSX-IBRS", "Broadwell", "Broadwell-IBRS", "Broadwell-noTSX", "Broadwell-noTSX-IBRS", "Skylake-Client", "Skylake-Client-IBRS", "Skylake-Client-noTSX-IBRS", "Skylake-Client-v4", "Skylake-Server", "Skylake-Server-IBRS", "Skylake-Server-noTSX-IBRS", "Skylake-Server-v4", "Skylake-Server-v5", "Cascadelake-Server", "Cascadelake-Server-v2", "Cascadelake-Server-noTSX", "Cascadelake-Server-v4", "Cascadelake-Server-v5", "Cooperlake", "Cooperlake-v2", "KnightsMill", "Icelake-Client", "Icelake-Client-noTSX", "Icelake-Server", "Icelake-Server-noTSX", "Icelake-Server-v3", "Icelake-Server-v4", "Icelake-Server-v5", "Icelake-Server-v6", "SapphireRapids", "SapphireRapids-v2", "GraniteRapids", "athlon", "phenom", "Opteron_G1", "Opteron_G2", "Opteron_G3", "Opteron_G4", "Opteron_G5", "EPYC", "EPYC-IBPB", "EPYC-v3", "EPYC-v4", "EPYC-Rome", "EPYC-Rome-v2", "EPYC-Rome-v3", "EPYC-Rome-v4", "EPYC-Milan", "EPYC-Milan-v2", "EPYC-Genoa", "host", "kvm32", "kvm64", "qemu32", "qemu64", "max"])
BUILTIN_MODELS = {"x86-64-v2", "x86-64-v2-AES", "x86-64-v3", "x86-64-v4"}
# CPUConfig.pm $supported_cpu_flags (VM-specific flags)
VM_CPU_FLAGS = ["nested-virt", "md-clear", "pcid", "spec-ctrl", "ssbd", "ibpb", "virt-ssbd", "amd-ssbd", "amd-no-ssb",
                "pdpe1gb", "hv-tlbflush", "hv-evmcs", "aes"]
_FLAG_ANY = r"[+-][a-zA-Z0-9\-_.]+"

CPU_FORMAT = {
    "cputype": {"type": "string", "default_key": 1, "optional": 1},
    "reported-model": {"type": "string", "enum": sorted(CPU_MODELS, key=str.lower), "optional": 1},
    "hidden": {"type": "boolean", "optional": 1},
    "hv-vendor-id": {"type": "string", "pattern": "[a-zA-Z0-9]{1,12}", "optional": 1},
    "flags": {"type": "string", "pattern": f"{_FLAG_ANY}(;{_FLAG_ANY})*", "optional": 1},
    "guest-phys-bits": {"type": "integer", "minimum": 32, "maximum": 64, "optional": 1},
    "phys-bits": {"type": "string", "format": "pve-phys-bits", "optional": 1},
}


def validate_cpu_conf(cpu: dict) -> dict:
    """CPUConfig.pm validate_cpu_conf."""
    if not cpu.get("cputype"):
        raise FormatError("CPU is missing cputype\n")
    return cpu


def validate_vm_cpu_conf(cpu: dict) -> dict:
    """CPUConfig.pm validate_vm_cpu_conf (custom-* models are not simulated: refused as unknown)."""
    validate_cpu_conf(cpu)
    cputype = cpu["cputype"]
    if cputype.startswith("custom-"):
        raise FormatError(f"custom cputype '{cputype[7:]}' not found\n")
    if cputype not in CPU_MODELS and cputype not in BUILTIN_MODELS:
        raise FormatError(f"Built-in cputype '{cputype}' is not defined (missing 'custom-' prefix?)\n")
    flag = f"[+-]({'|'.join(map(re.escape, VM_CPU_FLAGS))})"
    if cpu.get("flags") and not re.fullmatch(f"{flag}(;{flag})*", cpu["flags"]):
        raise FormatError(f"VM-specific CPU flags must be a subset of: {', '.join(VM_CPU_FLAGS)}\n")
    if "reported-model" in cpu:
        raise FormatError("Property 'reported-model' not allowed in VM-specific CPU config.\n")
    return cpu


register("pve-cpu-conf", f"{CPU} $cpu_fmt", validate_cpu_conf)(CPU_FORMAT)
register("pve-vm-cpu-conf", f"{CPU} $cpu_fmt + validate_vm_cpu_conf", validate_vm_cpu_conf)(CPU_FORMAT)


@register("pve-qm-bootdisk", "qemu-server src/PVE/QemuServer/Drive.pm verify_bootdisk")
def bootdisk(value):
    if value not in DRIVE_NAMES:
        raise FormatError(f"invalid boot disk '{value}'\n")
    return value


register("pve-qm-ipconfig", "qemu-server src/PVE/QemuServer/Network.pm $ipconfig_fmt")({
    "ip": {"type": "string", "format": "pve-ipv4-config", "optional": 1},
    "gw": {"type": "string", "format": "ipv4", "optional": 1, "requires": "ip"},
    "ip6": {"type": "string", "format": "pve-ipv6-config", "optional": 1},
    "gw6": {"type": "string", "format": "ipv6", "optional": 1, "requires": "ip6"},
})
register("pve-qm-rng", "qemu-server src/PVE/QemuServer/RNG.pm $rng_fmt")({
    "source": {"type": "string", "enum": ["/dev/urandom", "/dev/random", "/dev/hwrng"], "default_key": 1},
    "max_bytes": {"type": "integer", "optional": 1},
    "period": {"type": "integer", "optional": 1},
})
_PCI = r"(?:[a-f0-9]{4,}:)?[a-f0-9]{2}:[a-f0-9]{2}(?:\.[a-f0-9])?"  # QemuServer/PCI.pm $PCIRE
_HEX_ID = {"type": "string", "pattern": r"^0x[0-9a-fA-F]{4}$", "optional": 1}
register("pve-qm-hostpci", "qemu-server src/PVE/QemuServer/PCI.pm $hostpci_fmt")({
    "host": {"default_key": 1, "optional": 1, "type": "string", "pattern": f"{_PCI}(;{_PCI})*"},
    "mapping": {"optional": 1, "type": "string", "format": "pve-configid"},
    "rombar": {"type": "boolean", "optional": 1},
    "romfile": {"type": "string", "pattern": "[^,;]+", "optional": 1},
    "pcie": {"type": "boolean", "optional": 1},
    "x-vga": {"type": "boolean", "optional": 1},
    "legacy-igd": {"type": "boolean", "optional": 1},
    "mdev": {"type": "string", "pattern": r"[^/\.:]+", "optional": 1},
    **{k: dict(_HEX_ID) for k in ("vendor-id", "device-id", "sub-vendor-id", "sub-device-id")},
    "driver": {"type": "string", "optional": 1, "enum": ["vfio", "keep"]},
})
# Drive.pm $ide_fmt: the drive hash of ideN, resolved from the schema under test.
register("pve-qm-ide", "qemu-server src/PVE/QemuServer/Drive.pm $ide_fmt")({"@schema": "ide[n]"})
