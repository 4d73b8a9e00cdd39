"""A switch stack's intent: its ports (access, trunk, unused), port-channels, VLANs, spanning tree, layer-2 policy."""

from __future__ import annotations

from ansible_collections.sitekit.core.plugins.module_utils.ios_vlans import vlan_list
from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network.data import (
    AccessPort,
    Errdisable,
    Mgmt,
    PortChannel,
    StackMember,
    StormControl,
    Stp,
    Switching,
    SwitchIntent,
    TrunkPort,
    UnusedPort,
    VlanName,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network.links import device_links, is_network_device
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network.management import management
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network.names import NetworkModelError, expand_ports
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network.push import (
    ERRDISABLE_DEFAULT_INTERVAL,
    push_policy,
    switch_forms,
)

# Ports per stack member, named GigabitEthernet<member>/0/<n> on a 2960-S/2960-X stack as the inventory does. A plain
# 2960's count is its FastEthernet ports and its two uplinks (PLAIN_2960_PORTS names them).
PORT_LAYOUTS = {
    "WS-C2960X-48TS-L": 52,  # 48 copper + 4 SFP
    "WS-C2960X-24TS-L": 28,  # 24 copper + 4 SFP
    "WS-C2960S-48TS-L": 52,  # 48 copper + 4 SFP (FlexStack)
    "WS-C2960-48TT-L": 50,  # 48 + 2 uplinks (does not stack)
    "WS-C2960-24TT-L": 26,
}
# The plain (non-stackable) Catalyst 2960, IOS up to 15.0(2)SE: FastEthernet0/1-N and two uplinks GigabitEthernet0/1-2,
# no member number in its names and no `switch N provision` (provisioning is a FlexStack feature of the 2960-S, 2960-X
# and 2960-XR: Cisco white paper C11-728327, "Cisco Catalyst 2960-S, 2960-X, and 2960-XR Stacking with FlexStack and
# FlexStack-Plus Technology": "preprovisioning, not available in standalone switches"). A WS-C2960-24TT-L's
# `show version` counts "24 FastEthernet interfaces, 2 Gigabit Ethernet interfaces" and its `show ip interface brief`
# lists FastEthernet0/1 .. FastEthernet0/24, GigabitEthernet0/1, GigabitEthernet0/2, Vlan1 (code-corpus file 476376055,
# pogodin2004/otusNetwork dz01, 15.0(2)SE4: a lab report's transcripts, maybe from Packet Tracer); a WS-C2960-48TT-L
# is "48 RJ-45/10-100TX + 2 RJ-45/10-100-1000T(X)" (RackTables SNMP model table, code-corpus 19045831437) and a CDP
# neighbour `cisco WS-C2960-48TT-L` answers from port FastEthernet0/1 (PSDiscoveryProtocol README, code-corpus
# 21144628873). The IOS peer's platform.plain2960 follows them (tests/network/iospeer/platform.py).
PLAIN_2960_PORTS = {"WS-C2960-48TT-L": 48, "WS-C2960-24TT-L": 24}
PLAIN_2960_UPLINKS = ("GigabitEthernet0/1", "GigabitEthernet0/2")
DEFAULT_STP_PRIORITY = 32768


def is_plain_2960(model) -> bool:
    """A plain Catalyst 2960 (does not stack; FastEthernet0/N and GigabitEthernet0/1-2)."""
    return model in PLAIN_2960_PORTS


def plain_2960_names(model: str) -> str:
    """``FastEthernet0/1-48 and GigabitEthernet0/1-2``: the port names of a plain 2960, for messages."""
    return f"FastEthernet0/1-{PLAIN_2960_PORTS[model]} and GigabitEthernet0/1-{len(PLAIN_2960_UPLINKS)}"


def member_ports(member: int, model: str) -> list[str]:
    """Every physical port of one stack member (of the one switch, for a plain 2960), as IOS names them."""
    if is_plain_2960(model):
        return [f"FastEthernet0/{n}" for n in range(1, PLAIN_2960_PORTS[model] + 1)] + list(PLAIN_2960_UPLINKS)
    count = PORT_LAYOUTS.get(model)
    if count is None:
        raise NetworkModelError(f"switch model {model} has no port layout in site_network.PORT_LAYOUTS")
    return [f"GigabitEthernet{member}/0/{n}" for n in range(1, count + 1)]


def switch_ports(stack: list[dict]) -> list[str]:
    """Every physical port of a stack, from its members' models."""
    plain = sorted({m["model"] for m in stack if is_plain_2960(m["model"])})
    if plain and len(stack) > 1:
        raise NetworkModelError(f"model {', '.join(plain)} cannot stack: a plain 2960 is one switch")
    out = []
    for member in sorted(stack, key=lambda m: m["member"]):
        out += member_ports(member["member"], member["model"])
    return out


def switching(site: Site) -> Switching:
    """Layer-2 policy of every switch (site_switching): EtherChannel hashing, parking VLAN for
    unused ports, storm control on access ports, errdisable recovery."""
    sw = site.vars.get("site_switching") or {}
    parking = sw.get("parking_vlan")
    storm = sw.get("storm_control")
    recovery = sw.get("errdisable_recovery")
    return Switching(
        load_balance=sw.get("port_channel_load_balance"),
        parking=VlanName(id=int(parking["id"]), name=parking["name"]) if parking else None,
        storm_control=StormControl(level=f"{float(storm['broadcast_level']):.2f}", action=storm.get("action"))
        if storm else None,
        errdisable=Errdisable(causes=tuple(recovery.get("causes") or []),
                              interval=None if recovery.get("interval") == ERRDISABLE_DEFAULT_INTERVAL
                              else recovery.get("interval"))
        if recovery else None,
    )


def _ports(site: Site, host: str, physical: list[str]) -> tuple[dict, list[PortChannel]]:
    """{port: (AccessPort | TrunkPort, why)} of the ports the inventory uses, and the stack's port-channels."""
    sw = site.hosts[host].get("switch") or {}
    profiles = site.vars.get("site_port_profiles") or {}
    ports: dict[str, tuple] = {}

    def claim(port, why: str):
        if port.name not in physical:
            raise NetworkModelError(f"host {host}: port {port.name} does not exist on this stack ({why})")
        if port.name in ports:
            raise NetworkModelError(f"host {host}: port {port.name} is used twice ({ports[port.name][1]}, {why})")
        ports[port.name] = (port, why)

    for item in sw.get("access_ports") or []:
        prof = profiles.get(item["profile"])
        if prof is None:
            raise NetworkModelError(f"host {host}: profile {item['profile']!r} is not in site_port_profiles")
        for name in expand_ports(item["ports"]):
            claim(AccessPort(name=name, mode="access", vlan=int(prof["vlan"]), description=item["profile"],
                             portfast=bool(prof.get("portfast", False))), f"access {item['ports']}")
    channels = []
    for link in device_links(site, host):
        desc = f"{link['peer']} {link['media']}"
        # A trunk to a server (Proxmox node bond) is an edge: no bridge behind it, PortFast on the trunk.
        edge = not is_network_device(site, link["peer"])
        vlans = tuple(link["vlans"])
        if link["channel"] is not None:
            channels.append(PortChannel(id=int(link["channel"]), description=f"{desc} LACP", vlans=vlans,
                                        allowed=vlan_list(link["vlans"]), members=tuple(link["ports"]), edge=edge))
        for port, peer_port in zip(link["ports"], link["peer_ports"] + [None] * len(link["ports"]), strict=False):
            claim(TrunkPort(name=port, mode="trunk", vlans=vlans, allowed=vlan_list(link["vlans"]), channel=link["channel"],
                            description=f"{link['peer']} {peer_port} {link['media']}".replace(" None", ""), edge=edge),
                  f"link to {link['peer']}")
    return {name: port for name, (port, _) in ports.items()}, channels


def switch_intent(site: Site, host: str) -> SwitchIntent:
    h = site.hosts[host]
    sw = h.get("switch") or {}
    stp = site.vars.get("site_spanning_tree") or {}
    l2 = switching(site)
    physical = switch_ports(sw.get("stack") or [])
    ports, channels = _ports(site, host, physical)
    carried = {p.vlan for p in ports.values() if p.mode == "access"} | {int(h.get("site_vlan"))}
    carried |= {v for p in ports.values() if p.mode == "trunk" for v in p.vlans}
    parking = l2.parking
    interfaces = tuple(ports[n] if n in ports else UnusedPort(name=n, mode="unused", vlan=parking.id if parking else None)
                       for n in physical)
    is_core = sw.get("role") == "core"
    priority = int(stp.get("root_priority" if is_core else "access_priority", DEFAULT_STP_PRIORITY))
    mgmt_vlan = int(h.get("site_vlan"))
    stack = sorted(sw.get("stack") or [], key=lambda m: (-int(m["priority"]), int(m["member"])))
    vlans = [VlanName(id=v.id, name=v.name) for v in site.vlans if v.id in carried]
    if parking and any(p.mode == "unused" for p in interfaces):
        vlans = sorted([*vlans, parking], key=lambda v: v.id)
    return SwitchIntent(
        kind="switch",
        **management(site, host),
        forms=switch_forms(sw.get("stack") or []),
        push=push_policy("switch", plain_2960=any(is_plain_2960(m["model"]) for m in sw.get("stack") or [])),
        location=sw.get("location"),
        role=sw.get("role"),
        stack=tuple(StackMember(member=int(m["member"]), priority=int(m["priority"]), model=m["model"])
                    for m in sorted(stack, key=lambda m: int(m["member"]))),
        stack_master=int(stack[0]["member"]) if stack else None,
        vlans=tuple(vlans),
        switching=l2,
        port_channels=tuple(sorted(channels, key=lambda c: c.id)),
        interfaces=interfaces,
        mgmt=Mgmt(vlan=mgmt_vlan, name=site.vlan(mgmt_vlan).name, address=str(site.host_ip(host)),
                  netmask=str(site.vlan(mgmt_vlan).subnet.netmask)),
        default_gateway=str(site.gateway(mgmt_vlan)),
        stp=Stp(mode=stp.get("mode", "rapid-pvst"), vlans=vlan_list(carried),
                priority=priority if priority != DEFAULT_STP_PRIORITY else None),
        plain_2960=next((m["model"] for m in stack if is_plain_2960(m["model"])), None),
    )
