"""Interface names as IOS reads and prints them.

IOS accepts any unambiguous prefix of an interface type, with or without a space before
the number (``gi1/0/1``, ``Gi 1/0/1``, ``GigabitEthernet1/0/1``) and always prints the full
name (``GigabitEthernet1/0/1``); ``show`` commands use the short form (``Gi1/0/1``).
Sources: the running-configs under configs/ (see configs/SOURCES.md) print every name in
full; netbox-community/devicetype-library device-types/Cisco/WS-C2960X-48TS-L.yaml lists
the 2960-X interface names (FastEthernet0, GigabitEthernet1/0/1-52).
"""

from __future__ import annotations

import re

# Full type name -> short form used by `show` commands (show vlan brief, show ip int brief).
SHORT = {
    "FastEthernet": "Fa", "GigabitEthernet": "Gi", "Port-channel": "Po", "Vlan": "Vl",
    "Loopback": "Lo", "Tunnel": "Tu", "Embedded-Service-Engine": "Em",
}
_NUMBER = re.compile(r"^\d[\d/.:]*$")


def split(tokens: list[str], types: list[str]) -> tuple[str, str, int] | None:
    """(full type, number, tokens used) for ``tokens`` starting an interface name, else None.

    ``types`` are the full type names the platform knows; the type part must be an
    unambiguous case-insensitive prefix of one of them (IOS keyword matching).
    """
    if not tokens:
        return None
    first = tokens[0]
    m = re.match(r"^([A-Za-z][A-Za-z-]*?)(\d.*)?$", first)
    if not m:
        return None
    word, number = m.group(1), m.group(2)
    matches = [t for t in types if t.lower().startswith(word.lower())]
    exact = [t for t in matches if t.lower() == word.lower()]
    if exact:
        matches = exact
    if len(matches) != 1:
        return None
    if number:
        return matches[0], number, 1
    if len(tokens) > 1 and _NUMBER.match(tokens[1]):
        return matches[0], tokens[1], 2
    return matches[0], "", 1


def short(name: str) -> str:
    m = re.match(r"^([A-Za-z-]+)(.*)$", name)
    return SHORT.get(m.group(1), m.group(1)) + m.group(2) if m else name


def sort_key(name: str, type_order: list[str]) -> tuple:
    """Order of interfaces in a running-config: platform type order, then numbers."""
    m = re.match(r"^([A-Za-z-]+)(.*)$", name)
    kind, number = (m.group(1), m.group(2)) if m else (name, "")
    rank = type_order.index(kind) if kind in type_order else len(type_order)
    return rank, tuple(int(x) for x in re.findall(r"\d+", number))
