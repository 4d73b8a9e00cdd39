"""Formats registered by pve-storage (src/PVE/Storage/Plugin.pm; 8.3.6 = 0c6234f, 9.1.0 = 6f49432)."""

from __future__ import annotations

import re

from .base import IPV4RE, IPV6RE, FormatError, register

PLUGIN = "pve-storage src/PVE/Storage/Plugin.pm"
# Plugin.pm verify_content: the 'dir' plugin's content types (it supports all of them) + import
CONTENT_TYPES = {"images", "rootdir", "vztmpl", "iso", "backup", "snippets", "none", "import"}


@register("pve-storage-path", f"{PLUGIN} verify_path")
def storage_path(value):
    if not re.match(r"/[^;()]+", value):
        raise FormatError("value does not look like a valid absolute path\n")
    return value


@register("pve-storage-server", f"{PLUGIN} verify_server")
def storage_server(value):
    from .common import address
    try:
        address(value)
    except FormatError:
        raise FormatError("value does not look like a valid server name or IP address\n") from None
    return value


@register("pve-storage-vgname", f"{PLUGIN} parse_lvm_name")
def vgname(value):
    if not re.fullmatch(r"(?i:[a-z0-9][a-z0-9\-_.]*[a-z0-9])", value):
        raise FormatError(f"lvm name '{value}' contains illegal characters\n")
    return value


@register("pve-storage-portal-dns", f"{PLUGIN} verify_portal_dns / pve-common Tools.pm parse_host_and_port")
def portal_dns(value):
    ok = (re.fullmatch(rf"({IPV4RE}|[A-Za-z0-9\-.]+)(?::(\d+))?", value)
          or re.fullmatch(rf"\[({IPV6RE}|{IPV4RE}|[A-Za-z0-9\-.]+)\](?::(\d+))?", value)
          or re.fullmatch(rf"({IPV6RE})(?:\.(\d+))?", value))
    if not ok:
        raise FormatError("value does not look like a valid portal address\n")
    return value


@register("pve-storage-content", f"{PLUGIN} verify_content")
def content(value):
    if value not in CONTENT_TYPES:
        raise FormatError(f"invalid content type '{value}'\n")
    return value


@register("pve-storage-format", f"{PLUGIN} verify_format")
def image_format(value):
    if value not in ("raw", "qcow2", "vmdk", "subvol"):
        raise FormatError(f"invalid format '{value}'\n")
    return value


@register("pve-storage-options", f"{PLUGIN} verify_options")
def mount_options(value):
    if not re.fullmatch(r"\S+", value):
        raise FormatError(f"invalid options '{value}'\n")
    return value


@register("pve-volume-id", f"{PLUGIN} parse_volume_id")
def volume_id(value):
    if not re.fullmatch(r"(?i:[a-z][a-z0-9\-_.]*[a-z0-9]):(.+)", value, re.S):
        raise FormatError(f"unable to parse volume ID '{value}'\n")
    return value


@register("pve-dir-override", f"{PLUGIN} verify_dir_override")
def dir_override(value):
    m = re.fullmatch(r"([a-z]+)=([^.]*(?:\.?[^.]+)+)", value)
    if m and m.group(1) in CONTENT_TYPES and len(m.group(2)) < 1023 and all(len(p) < 255 for p in m.group(2).split("/")):
        return value
    raise FormatError(f"invalid override '{value}'\n")


_PRUNE_OPTION = {"type": "integer", "minimum": "0", "optional": 1}


def validate_prune_backups(parsed: dict) -> dict:
    """Plugin.pm validate_prune_backups: keep-all alone, or at least one positive keep-*."""
    rest = {k: v for k, v in parsed.items() if k != "keep-all"}
    if not any(int(v) > 0 for v in rest.values()):
        return {"keep-all": 1}
    if int(parsed.get("keep-all") or 0):
        raise FormatError("keep-all cannot be set together with other options.\n")
    return rest


register("prune-backups", f"{PLUGIN} $prune_backups_format", validate_prune_backups)({
    "keep-all": {"type": "boolean", "optional": 1},
    **{f"keep-{p}": dict(_PRUNE_OPTION) for p in ("last", "hourly", "daily", "weekly", "monthly", "yearly")},
})

