"""PVE's named string formats (pve-node, pve-configid, …) where their syntax is simple.

The schema only names them; the syntax comes from PVE's JSONSchema.pm / the
``typetext`` of each. Formats not listed here are accepted as plain strings.
"""

from __future__ import annotations

import ipaddress
import re

_CONFIGID = r"[a-z][a-z0-9_\-]+"
_PRUNE_KEYS = {"keep-all", "keep-last", "keep-hourly", "keep-daily", "keep-weekly", "keep-monthly", "keep-yearly"}
_DAYS = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
_CONTENT = {"images", "rootdir", "vztmpl", "iso", "backup", "snippets", "import", "none"}

PATTERNS = {
    "pve-node": r"(?i:[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?)",
    "pve-configid": r"(?i:[a-z][a-z0-9_\-]+)",
    "pve-storage-id": r"(?i:[a-z][a-z0-9\-_.]*[a-z0-9])",
    "pve-vmid": r"[1-9][0-9]{2,8}",
    "pve-userid": r"[^\s:/]+@[A-Za-z][A-Za-z0-9.\-_]+",
    "pve-realm": r"[A-Za-z][A-Za-z0-9.\-_]+",
    "pve-poolid": r"[A-Za-z0-9_\-]+",
    "pve-storage-vgname": r"[a-zA-Z0-9.+_][a-zA-Z0-9.+_\-]+",
    "pve-storage-path": r"/.*",
    "mac-addr": r"(?i:[a-f0-9][02468ace](?::[a-f0-9]{2}){5})",
    "pve-bridge-id": r"[-_.\w\d]+",
    "pve-ha-resource-or-vm-id": r"(?:(?:vm|ct):)?[1-9][0-9]{2,8}",
    "pve-ha-resource-id": r"(?:vm|ct):[1-9][0-9]{2,8}",
    "pve-volume-id": r"(?i:[a-z][a-z0-9\-_.]*[a-z0-9]):.+",
    "pve-calendar-event": r"[\w\s:/,.*\-+~]+",
}


def _list(value: str) -> list[str]:
    return [p for p in re.split(r"[,;\s\0]+", value) if p]


def check(fmt: str, value: str) -> str | None:
    if fmt in PATTERNS:
        return None if re.fullmatch(PATTERNS[fmt], value) else f"value does not look like a valid {fmt.replace('pve-', '')}"
    if fmt in ("pve-configid-list",):
        bad = [v for v in _list(value) if not re.fullmatch(PATTERNS["pve-configid"], v) and not re.fullmatch(r"[\w\-]+", v)]
        return f"invalid configuration ID '{bad[0]}'" if bad else None
    if fmt == "pve-vmid-list":
        bad = [v for v in _list(value) if not re.fullmatch(PATTERNS["pve-vmid"], v)]
        return f"value does not look like a valid VM ID: '{bad[0]}'" if bad else None
    if fmt in ("pve-node-list",):
        bad = [v for v in _list(value) if not re.fullmatch(PATTERNS["pve-node"], v)]
        return f"value does not look like a valid node name: '{bad[0]}'" if bad else None
    if fmt == "pve-ha-node-list":
        bad = [v for v in _list(value) if not re.fullmatch(PATTERNS["pve-node"] + r"(?::\d+)?", v)]
        return f"invalid node '{bad[0]}'" if bad else None
    if fmt == "pve-ha-resource-id-list":
        bad = [v for v in _list(value) if not re.fullmatch(PATTERNS["pve-ha-resource-or-vm-id"], v)]
        return f"invalid resource '{bad[0]}'" if bad else None
    if fmt == "pve-day-of-week-list":
        bad = [v for v in _list(value) if v not in _DAYS]
        return f"invalid day '{bad[0]}'" if bad else None
    if fmt in ("pve-storage-content-list", "pve-storage-content"):
        bad = [v for v in _list(value) if v not in _CONTENT]
        return f"invalid content type '{bad[0]}'" if bad else None
    if fmt in ("email-or-username-list", "email-list"):
        bad = [v for v in _list(value) if not re.fullmatch(r"[^\s@]+@[^\s@]+|[^\s@]+", v)]
        return f"invalid address '{bad[0]}'" if bad else None
    if fmt == "prune-backups":
        for part in _list(value):
            key, _, num = part.partition("=")
            if key not in _PRUNE_KEYS or not re.fullmatch(r"\d+", num):
                return f"invalid format - '{part}' is not a retention option ({', '.join(sorted(_PRUNE_KEYS))})"
        return None
    if fmt in ("pve-storage-portal-dns", "pve-storage-server"):
        host = value.rsplit(":", 1)[0] if value.count(":") == 1 else value
        try:
            ipaddress.ip_address(host.strip("[]"))
            return None
        except ValueError:
            ok = re.fullmatch(r"(?i:[a-z0-9]([a-z0-9\-]*[a-z0-9])?)(\.[a-z0-9]([a-z0-9\-]*[a-z0-9])?)*", host)
            return None if ok else f"value does not look like a valid address: '{value}'"
    if fmt in ("ip", "ipv4", "ipv6", "address"):
        try:
            ipaddress.ip_address(value)
            return None
        except ValueError:
            return f"value does not look like a valid IP address: '{value}'"
    return None
