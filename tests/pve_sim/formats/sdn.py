"""Formats of pve-network (src/PVE/Network/SDN/*): fabrics, subnets, DHCP ranges, route targets, ids.

The zone/vnet/controller/ipam/dns id formats are the patterns and lengths of their standard
options (Zones/Plugin.pm, VnetPlugin.pm, Controllers/Plugin.pm, Ipams/Plugin.pm, Dns/Plugin.pm).
"""

from __future__ import annotations

import re

from .base import IPV4RE, IPV6RE, FormatError, regex_format, register
from .common import _cidr

SDN = "pve-network src/PVE/Network/SDN"

regex_format("pve-sdn-isis-net", r"[a-fA-F0-9]{2}(\.[a-fA-F0-9]{4}){3,9}\.[a-fA-F0-9]{2}",
             "value does not look like a valid isis net", f"{SDN}/Controllers/IsisPlugin.pm pve_verify_sdn_isis_net")
regex_format("pve-sdn-fabric-id", r"(?i:[a-zA-Z0-9][a-zA-Z0-9-]{0,6}[a-zA-Z0-9]?)", "Fabric ID '{v}' contains illegal characters",
             f"{SDN}/Fabrics.pm register_format('pve-sdn-fabric-id')")


def _id(name, pattern, low, high, source):
    def check(value):
        if not re.fullmatch(pattern, value) or not low <= len(value) <= high:
            raise FormatError(f"invalid {name} '{value}'\n")
        return value
    register(f"pve-sdn-{name}", source)(check)


_id("zone-id", r"[a-zA-Z][a-zA-Z0-9]*[a-zA-Z0-9]", 2, 8, f"{SDN}/Zones/Plugin.pm pve-sdn-zone-id")
_id("vnet-id", r"[a-zA-Z][a-zA-Z0-9]*[a-zA-Z0-9]", 2, 8, f"{SDN}/VnetPlugin.pm pve-sdn-vnet-id")
_id("controller-id", r"[a-zA-Z][a-zA-Z0-9_-]*[a-zA-Z0-9]", 2, 64, f"{SDN}/Controllers/Plugin.pm pve-sdn-controller-id")
_id("ipam-id", r"[a-zA-Z][a-zA-Z0-9]*[a-zA-Z0-9]", 2, 10**6, f"{SDN}/Ipams/Plugin.pm pve-sdn-ipam-id")
_id("dns-id", r"[a-zA-Z][a-zA-Z0-9]*[a-zA-Z0-9]", 2, 10**6, f"{SDN}/Dns/Plugin.pm pve-sdn-dns-id")


@register("pve-sdn-subnet-id", f"{SDN}/SubnetPlugin.pm parse_sdn_subnet_id")
def subnet_id(value):
    cidr = value if "/" in value else "/".join((value.split("-") + ["", "", ""])[1:3])
    if not (_cidr(cidr, IPV4RE, 32) or _cidr(cidr, IPV6RE, 128)):
        raise FormatError("value does not look like a valid CIDR network\n")
    return value


register("pve-sdn-dhcp-range", f"{SDN}/SubnetPlugin.pm $dhcp_range_fmt")({
    "start-address": {"type": "ip"},
    "end-address": {"type": "ip"},
})


@register("pve-sdn-bgp-rt", f"{SDN}/Zones/EvpnPlugin.pm pve_verify_sdn_bgp_rt")
def bgp_rt(value):
    m = re.fullmatch(r"(\d+):(\d+)", value)
    if not m or any(int(x) > 4294967295 for x in m.groups()):
        raise FormatError("value does not look like a valid bgp route-target\n")
    return value
