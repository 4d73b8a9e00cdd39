"""Filters that expose the site model's basic network views to templates and roles.

Tier-specific views live in their own filter files (proxmox.py, network.py, windows.py).
"""

from __future__ import annotations

import ipaddress

from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import HOST_KEYS, Site


def subnets_for_roles(site_vlans: list, roles: list) -> list[str]:
    """CIDR of every VLAN whose role is in ``roles``: ``site_vlans | sitekit.core.subnets_for_roles(['clients'])``."""
    return [str(ipaddress.IPv4Network(str(v["subnet"]))) for v in site_vlans if v.get("role") in roles]


def vlan_gateway(site_vlans: list, vlan_id: int, site_glbp: dict) -> str:
    """The GLBP virtual gateway of a VLAN (``192.0.2.1``)."""
    site = Site({"site_vlans": site_vlans, "site_glbp": site_glbp}, {}, {})
    gateway = site.gateway(int(vlan_id))
    if gateway is None:
        raise ValueError(f"VLAN {vlan_id} is not in site_vlans")
    return str(gateway)


def site_interface(site_ip: str, site_vlan: int, site_vlans: list) -> str:
    """A host's address with its VLAN's prefix (``192.0.2.21/24``)."""
    for vlan in site_vlans:
        if int(vlan["id"]) == int(site_vlan):
            return f"{site_ip}/{ipaddress.IPv4Network(str(vlan['subnet'])).prefixlen}"
    raise ValueError(f"VLAN {site_vlan} is not in site_vlans")


def group_addresses(groups: dict, hostvars, group: str) -> list[str]:
    """site_ip of every host of a group, in inventory order."""
    return [str(hostvars[h]["site_ip"]) for h in groups.get(group, [])]


def infra_addresses(hostvars, groups: dict, service: str) -> list[str]:
    """Addresses of a site_infra service (``ntp``: its ``ntp_hosts_group`` or ``ntp_host``), as the site model gives
    them to every tier (the network view's NTP servers are the same list)."""
    return Site.from_hostvars(hostvars, groups, site_keys=("site_infra",), host_keys=HOST_KEYS).infra_ips(service)


class FilterModule:
    def filters(self):
        return {
            "subnets_for_roles": subnets_for_roles,
            "vlan_gateway": vlan_gateway,
            "site_interface": site_interface,
            "group_addresses": group_addresses,
            "infra_addresses": infra_addresses,
        }
