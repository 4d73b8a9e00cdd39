"""How IOS writes a set of VLAN ids: shared by the site model (rendering) and the remediation (push)."""

from __future__ import annotations


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


def vlan_ids(spec: str) -> set:
    """``10,20-22`` → {10, 20, 21, 22} (the inverse of vlan_list)."""
    out = set()
    for part in spec.split(","):
        if "-" in part:
            lo, hi = part.split("-")
            out |= set(range(int(lo), int(hi) + 1))
        elif part.isdigit():
            out.add(int(part))
    return out
