"""Formats of pve-manager, pve-guest-common, pve-ha-manager and pve-cluster."""

from __future__ import annotations

import json
import re

from .base import FormatError, regex_format, register

PM = "pve-manager PVE"
GC = "pve-guest-common src/PVE"
HA = "pve-ha-manager src/PVE/HA/Tools.pm"

regex_format("pve-day-of-week", r"mon|tue|wed|thu|fri|sat|sun", "invalid day '{v}'", f"{PM}/API2/Backup.pm verify_day_of_week")
regex_format("pve-acme-domain", r"(?i:[a-z0-9][a-z0-9_-]*)(?:\.(?i:[a-z0-9][a-z0-9_-]*))+",
             "value '{v}' does not look like a valid domain name!", f"{PM}/NodeConfig.pm pve-acme-domain")
regex_format("pve-acme-alias", r"(?i:[a-z0-9_][a-z0-9_-]*)(?:\.(?i:[a-z0-9_][a-z0-9_-]*))+",
             "value '{v}' does not look like a valid alias name!", f"{PM}/NodeConfig.pm pve-acme-alias")
regex_format("graphite-path", r"(([a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?)\.)*([a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?)",
             "value does not look like a valid graphite path", f"{PM}/Status/Graphite.pm pve_verify_graphite_path")


@register("pve-command-batch", f"{PM}/API2/Nodes.pm verify_command_batch")
def command_batch(value):
    try:
        commands = json.loads(value)
    except ValueError as exc:
        raise FormatError(f"commands param did not contain valid JSON: {exc}\n") from None
    if not isinstance(commands, list) or not all(
            isinstance(c, dict) and isinstance(c.get("path"), str) and c.get("method") in ("GET", "POST", "PUT", "DELETE")
            for c in commands):
        raise FormatError("commands is not a valid array of commands\n")
    return value


@register("pve-storage-path-in-property-string", f"{GC}/Mapping/Dir.pm pve_verify_path")
def path_in_property_string(value):
    if not re.match(r"/[^;,=()]+", value):
        raise FormatError("Value does not look like a valid absolute path. These symbols are currently not allowed in path: ;,=()\n")
    return value


@register("pve-replication-job-id", f"{GC}/ReplicationConfig.pm parse_replication_job_id")
def replication_job_id(value):
    m = re.fullmatch(r"(\d+)-(\d+)", value)
    if not m:
        raise FormatError(f"invalid replication job id '{value}'\n")
    if int(m.group(1)) < 100:
        raise FormatError(f"invalid replication job id '{value}' (guest IDs < 100 are reserved)\n")
    return value


def verify_backup_fleecing(parsed: dict) -> dict:
    """VZDump/Common.pm verify_backup_fleecing."""
    if not parsed.get("storage") and str(parsed.get("enabled", 0)) == "1":
        raise FormatError("'storage' parameter is required when 'enabled' is set\n")
    return parsed


register("backup-fleecing", f"{GC}/VZDump/Common.pm backup-fleecing", verify_backup_fleecing)({
    "enabled": {"type": "boolean", "optional": 1, "default_key": 1},
    "storage": {"type": "string", "format": "pve-storage-id", "optional": 1},
})
register("backup-performance", f"{GC}/VZDump/Common.pm backup-performance")({
    "max-workers": {"type": "integer", "minimum": 1, "maximum": 256, "optional": 1},
    "pbs-entries-max": {"type": "integer", "minimum": 1, "optional": 1},
})

regex_format("pve-ha-resource-id", r"[a-z]+:\S+", "value does not look like a valid ha resource id",
             f"{HA} pve_verify_ha_resource_id")
regex_format("pve-ha-resource-or-vm-id", r"[a-z]+:\S+|\d+", "value does not look like a valid ha resource id",
             f"{HA} pve_verify_ha_resource_or_vm_id")
regex_format("pve-ha-node", r"[a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?(:\d+)?", "value does not look like a valid ha node",
             f"{HA} pve_verify_ha_node (pve-ha-manager 5.x, PVE 9)")
regex_format("pve-ha-group-node", r"[a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?(:\d+)?", "value does not look like a valid ha group node",
             f"{HA} pve_verify_ha_group_node (pve-ha-manager 4.0.7, PVE 8)")
regex_format("mac-prefix", r"(?i:[a-f0-9][02468ace](?::[a-f0-9]{2}){0,2}(?::[a-f0-9]?)?)",
             "value is not a valid unicast MAC address prefix", "pve-cluster src/PVE/DataCenterConfig.pm pve_verify_mac_prefix")
