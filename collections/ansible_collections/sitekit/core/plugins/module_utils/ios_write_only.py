"""Write-only IOS lines: ``snmp-server user`` keys never appear in a running configuration.

The push keeps a fingerprint (a hash of the intended line, revealing nothing of the key) of each
as a remark of the ACL ``SITEKIT-FINGERPRINTS`` (hier_config's IOS driver ignores ACL remarks):
a changed key is sent once, an unchanged one never, a user the model no longer declares is removed.
"""

from __future__ import annotations

import hashlib
import re

# Write-only lines: never in the running configuration; fingerprinted on the device instead.
WRITE_ONLY = re.compile(r"^snmp-server user (\S+) (\S+) v3\b")
FINGERPRINT_ACL = "SITEKIT-FINGERPRINTS"
_REMARK = re.compile(r"^ remark snmp-user (\S+) ([0-9a-f]{16})$", re.M)


def fingerprint(line: str) -> str:
    """Fingerprint of a write-only line kept on the device (reveals nothing of the key)."""
    return hashlib.sha256(line.strip().encode()).hexdigest()[:16]


def write_only_lines(intended: str) -> list:
    return [line.strip() for line in intended.splitlines() if WRITE_ONLY.match(line.strip())]


def fingerprints(running: str) -> dict:
    """{user: fingerprint} kept in the ACL SITEKIT-FINGERPRINTS of a running configuration."""
    block = re.search(rf"^ip access-list standard {FINGERPRINT_ACL}\n((?: .*\n?)*)", running.replace("\r", ""), re.M)
    return {m.group(1): m.group(2) for m in _REMARK.finditer(block.group(1))} if block else {}


def commands(running: str, intended: str, users: dict | None, owned: bool) -> list:
    """Commands for the SNMPv3 users: (re)send the changed ones, remove the undeclared ones."""
    if users is None:
        return []
    kept = fingerprints(running)
    wanted = {WRITE_ONLY.match(line).group(1): line for line in write_only_lines(intended)}
    lines, remarks = [], []
    for name, line in wanted.items():
        fp = fingerprint(line)
        if name not in users or kept.get(name) != fp:
            lines.append(line)
            remarks += ([f" no remark snmp-user {name} {kept[name]}"] if name in kept else []) + \
                [f" remark snmp-user {name} {fp}"]
    for name, group in sorted(users.items()):
        if owned and name not in wanted:
            lines.append(f"no snmp-server user {name} {group} v3")
            remarks += [f" no remark snmp-user {name} {kept[name]}"] if name in kept else []
    if remarks:
        lines += [f"ip access-list standard {FINGERPRINT_ACL}", *remarks, " exit"]
    return lines
