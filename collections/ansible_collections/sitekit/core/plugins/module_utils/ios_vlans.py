"""How IOS writes a set of VLAN ids, and reads it back: the one parser of VLAN lists.

Shared by the site model (rendering, ios_validate's checks) and the remediation (push). The grammar
is the Catalyst 2960-X command reference's (``switchport trunk``, ``spanning-tree vlan``): a vlan-list
is VLAN ids (1-4094, no leading zero) and ranges ``low-high`` (the lesser first) separated by commas,
no spaces; ``switchport trunk allowed vlan`` takes a vlan-list, ``all``, ``none``, ``add``/``remove``/
``except`` vlan-list, and with no such line a trunk allows every VLAN. ``show running-config`` prints
the result as a list, continued by ``switchport trunk allowed vlan add …`` lines when it is long (as
cisco.ios reads it: plugins/module_utils/network/ios/rm_templates/l2_interfaces.py, allowed_vlans_add).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

ALL_VLANS = frozenset(range(1, 4095))
_ATOM = re.compile(r"^([1-9][0-9]{0,3})(?:-([1-9][0-9]{0,3}))?$")


def vlan_list(vlans) -> str:
    """``[10, 20, 21, 22, 40]`` → ``10,20-22,40`` (IOS shows ranges of three or more)."""
    out, ids = [], sorted(set(int(v) for v in vlans))
    i = 0
    while i < len(ids):
        j = i
        while j + 1 < len(ids) and ids[j + 1] == ids[j] + 1:
            j += 1
        out.append(f"{ids[i]}-{ids[j]}" if j - i >= 2 else ",".join(str(x) for x in ids[i:j + 1]))
        i = j + 1
    return ",".join(out)


def vlan_ids(spec: str) -> set[int]:
    """``10,20-22`` → {10, 20, 21, 22} (the inverse of vlan_list); anything else is a ValueError naming it."""
    out: set[int] = set()
    for part in str(spec).split(","):
        m = _ATOM.match(part)
        low, high = (int(m.group(1)), int(m.group(2) or m.group(1))) if m else (0, 0)
        if not m or high > 4094 or low > high:
            raise ValueError(f"{spec!r} is not a VLAN list: {part!r} is not a VLAN id (1-4094) nor a range "
                             "low-high (IOS writes `10,20-22`)")
        out |= set(range(low, high + 1))
    return out


def trunk_allowed(argument: str, current: Iterable[int] = ALL_VLANS) -> set[int]:
    """What one ``switchport trunk allowed vlan <argument>`` leaves allowed, from ``current`` (every VLAN
    before the first line): ``none`` → set(), ``all``, ``add``/``remove``/``except`` <list>, or a list."""
    words = str(argument).split()
    if words in (["none"], ["all"]):
        return set() if words == ["none"] else set(ALL_VLANS)
    if len(words) == 2 and words[0] in ("add", "remove", "except"):
        ids = vlan_ids(words[1])
        return set(current) | ids if words[0] == "add" else set(current) - ids if words[0] == "remove" else set(ALL_VLANS) - ids
    if len(words) == 1:
        return vlan_ids(words[0])
    raise ValueError(f"switchport trunk allowed vlan {argument!r}: IOS takes a VLAN list, all, none, or add, remove "
                     "or except followed by a VLAN list")


def allowed_vlans(arguments: Iterable[str]) -> set[int]:
    """The VLANs a trunk allows after its ``switchport trunk allowed vlan`` lines, in order (their arguments):
    every VLAN when there is none; a list continued by ``add`` lines as ``show running-config`` prints it."""
    allowed: set[int] = set(ALL_VLANS)
    for argument in arguments:
        allowed = trunk_allowed(argument, allowed)
    return allowed
