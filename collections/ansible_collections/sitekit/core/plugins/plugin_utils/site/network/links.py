"""Which devices the network view covers, and which VLANs each link carries.

Trunk VLANs come from what is on the far side of each link (docs/design.md "Links are declared
once"): a link carries the VLANs used on both of its sides, nothing more.
"""

from __future__ import annotations

import ipaddress
import weakref

from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network.names import full_name


def network_devices(site: Site) -> list[str]:
    return [h for h in site.group("cisco_switches") + site.group("cisco_routers") if h in site.hosts]


def is_network_device(site: Site, host: str) -> bool:
    return site.in_group(host, "cisco_switches") or site.in_group(host, "cisco_routers")


# What each site's links carry, computed once per Site object: a play's or a pack's views ask for every
# link from both of its ends, and the walk behind each end visits the whole topology. A Site is not changed
# once built (views only read it; a changed copy is a new object).
_CARRIED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _local_vlans(site: Site, dev: str) -> set[int]:
    """VLANs a device itself uses (not what it only passes on)."""
    memo = _CARRIED.setdefault(site, {})
    if ("local", dev) not in memo:
        memo[("local", dev)] = frozenset(_used_at(site, dev))
    return set(memo[("local", dev)])


def _used_at(site: Site, dev: str) -> set[int]:
    host = site.hosts.get(dev)
    if host is None:
        return set()
    out = {int(host.get("site_vlan"))} if host.get("site_vlan") is not None else set()
    if site.in_group(dev, "cisco_routers"):
        return {v.id for v in site.vlans}  # router-on-a-stick: it routes every VLAN
    if site.in_group(dev, "cisco_switches"):
        profiles = site.vars.get("site_port_profiles") or {}
        for item in (host.get("switch") or {}).get("access_ports") or []:
            out.add(int(profiles[item["profile"]]["vlan"]))
    if site.in_group(dev, "proxmox_nodes"):
        # Any VM may run on any node (HA, migration); corosync links add their VLANs.
        out |= {int(site.hosts[vm].get("site_vlan")) for vm in site.group("proxmox_vms")
                if vm in site.hosts and site.hosts[vm].get("site_vlan") is not None}
        for addr in (host.get("pve_node") or {}).get("corosync_links") or []:
            out |= {v.id for v in site.vlans if ipaddress.IPv4Address(str(addr)) in v.subnet}
    return out


def _links(site: Site) -> list[dict]:
    return list(site.vars.get("site_links") or [])


def _beyond(site: Site, dev: str, via: int, seen: set) -> set[int]:
    """VLANs used at ``dev`` and behind it, reached through link index ``via``."""
    seen = seen | {dev}
    out = _local_vlans(site, dev)
    for i, link in enumerate(_links(site)):
        if i == via or dev not in (link["a"], link["b"]):
            continue
        other = link["b"] if link["a"] == dev else link["a"]
        if other not in seen:
            out |= _beyond(site, other, i, seen)
    return out


def link_vlans(site: Site, index: int) -> list[int]:
    """VLANs a link must carry: used on both sides of it, nothing more."""
    memo = _CARRIED.setdefault(site, {})
    if ("link", index) not in memo:
        memo[("link", index)] = tuple(_carried(site, index))
    return list(memo[("link", index)])


def _carried(site: Site, index: int) -> list[int]:
    link = _links(site)[index]
    a = _beyond(site, link["a"], index, {link["b"]})
    b = _beyond(site, link["b"], index, {link["a"]})
    known = {v.id for v in site.vlans}
    return sorted(a & b & known)


def device_links(site: Site, dev: str) -> list[dict]:
    """This device's ends of every link: local ports, peer, peer ports, channel, VLANs."""
    out = []
    for i, link in enumerate(_links(site)):
        for side, other in (("a", "b"), ("b", "a")):
            if link[side] == dev:
                out.append({"index": i, "ports": [full_name(p) for p in link[f"{side}_ports"]],
                            "peer": link[other], "peer_ports": list(link[f"{other}_ports"]),
                            "channel": link.get("channel"), "media": link["media"], "vlans": link_vlans(site, i)})
    return out

