"""Interface names as IOS shows them, and the error every part of the network view raises."""

from __future__ import annotations

import re

from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import SiteError

PREFIXES = {"gi": "GigabitEthernet", "fa": "FastEthernet", "te": "TenGigabitEthernet", "po": "Port-channel"}


class NetworkModelError(SiteError):
    """The model cannot produce a device's configuration (names the host and key)."""


# ---- names and ranges ---------------------------------------------------------------
def full_name(port: str) -> str:
    """``Gi1/0/49`` → ``GigabitEthernet1/0/49`` (full names are what IOS shows)."""
    m = re.match(r"^([A-Za-z-]+?)(\d[\d/.]*)$", port.strip())
    if not m:
        raise NetworkModelError(f"cannot read interface name {port!r}")
    kind, num = m.groups()
    for short, long in PREFIXES.items():
        if long.lower().startswith(kind.lower()) and kind.lower().startswith(short):
            return long + num
    raise NetworkModelError(f"unknown interface type in {port!r}")


def expand_ports(spec: str) -> list[str]:
    """``Gi1/0/1-3`` → the three full interface names."""
    m = re.match(r"^(.*?)(\d+)-(\d+)$", spec.strip())
    if not m:
        return [full_name(spec)]
    head, first, last = m.group(1), int(m.group(2)), int(m.group(3))
    if last < first:
        raise NetworkModelError(f"port range {spec!r} runs backwards")
    return [full_name(f"{head}{n}") for n in range(first, last + 1)]

