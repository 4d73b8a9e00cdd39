"""What a push owns on a device, and how the device's release prints what the model declares."""

from __future__ import annotations

import re

from ansible_collections.sitekit.core.plugins.plugin_utils.site.network.data import Forms, PushPolicy

# Catalyst families that run IOS 15.2(2)E or later, where `show running-config` prints the
# PortFast keywords with `edge` (Consolidated Platform Configuration Guide 15.2(4)E, Catalyst
# 2960-X, "PortFast edge"); the plain 2960 stops at 15.0(2)SE and prints them without it.
EDGE_PORTFAST = re.compile(r"^WS-C2960(S|X|XR)-")
# How each kind prints the domain commands (2960 15.2: `ip domain-name`; 1941 15.4: `ip domain name`).
DOMAIN_FORMS = {"switch": ("ip domain-name", "ip domain-lookup"), "router": ("ip domain name", "ip domain lookup")}


# `errdisable recovery interval` defaults to 300 s (Catalyst 2960-X command reference; `show errdisable recovery`:
# "Timer interval: 300 seconds"). Whether `show running-config` prints the default is not documented: the model never
# renders it (a hidden line would be re-sent by every push) and a push leaves a printed default alone (else it would
# send `no errdisable recovery interval 300` every time). Another interval is rendered and owned as any line.
ERRDISABLE_DEFAULT_INTERVAL = 300


def switch_forms(stack: list[dict]) -> Forms:
    """What this stack's release prints (see EDGE_PORTFAST, DOMAIN_FORMS)."""
    edge = bool(stack) and all(EDGE_PORTFAST.match(str(m["model"])) for m in stack)
    name, lookup = DOMAIN_FORMS["switch"]
    return Forms(domain_name=name, domain_lookup=lookup,
                 portfast="spanning-tree portfast edge" if edge else "spanning-tree portfast",
                 portfast_trunk="spanning-tree portfast edge trunk" if edge else "spanning-tree portfast trunk",
                 bpduguard_default=f"spanning-tree portfast {'edge ' if edge else ''}bpduguard default")


def router_forms() -> Forms:
    name, lookup = DOMAIN_FORMS["router"]
    return Forms(domain_name=name, domain_lookup=lookup)


# Top-level families the model declares entirely on every device: a line of these families
# that the model does not declare is removed. SNMP is owned whole: the model's SNMPv3 user
# is the only SNMP access (communities are plaintext, refused by ios_validate).
COMMON_FAMILIES = (
    r"^hostname ", r"^service (timestamps|password-encryption)\b", r"^no service password-encryption$",
    r"^(no )?ip domain[ -](lookup|name)\b", r"^ip name-server ", r"^username ", r"^enable (secret|password) ",
    r"^ip ssh (version|time-out|authentication-retries) ", r"^(no )?ip http (secure-)?server$",
    r"^ip access-list standard (VTY-ACCESS|SNMP-ACCESS)$", r"^(no )?logging (host|trap)\b", r"^logging \d",
    r"^snmp-server (engineID local|view|group|user|community) ", r"^ntp server ", r"^ip ftp (username|password) ",
    r"^archive$", r"^line (con 0|vty \d+ \d+)$", r"^banner login ", r"^clock (timezone|summer-time) ",
)
# Sections on the path the operator's session uses: a push that removes or replaces a line
# of them needs the operator's explicit consent for that device.
COMMON_MANAGEMENT = (r"^line vty ", r"^ip access-list standard VTY-ACCESS$", r"^username ", r"^aaa ",
                     r"^ip ssh version ")


def push_policy(kind: str, lan: str | None = None, plain_2960: bool = False) -> PushPolicy:
    """Scope of a push on a switch stack or on a router whose LAN trunk is ``lan``.

    Switch: the model declares every port of the stack, its port-channels, SVIs, VLANs and
    spanning tree. Router: only the LAN trunk and its sub-interfaces (one per site VLAN);
    the WAN side (uplink address, NAT, static routes, ACLs of the operator), ``ip cef``,
    other interfaces and lines are the operator's and left alone, as are the speed and
    duplex of ports and NAT roles on the LAN sub-interfaces. A plain 2960 (``plain_2960``) has
    FastEthernet0/N ports besides its GigabitEthernet0/1-2 uplinks: the model declares them too.
    """
    if kind == "switch":
        ports = r"^interface (GigabitEthernet|TenGigabitEthernet|Port-channel)\d"
        if plain_2960:
            ports = r"^interface (FastEthernet|GigabitEthernet|TenGigabitEthernet|Port-channel)\d"
        return PushPolicy(
            include=(*COMMON_FAMILIES, r"^switch \d+ provision ", r"^spanning-tree ", r"^vtp mode ", r"^vlan \d+$",
                     ports, r"^interface Vlan(?!1$)\d+$",
                     r"^ip default-gateway ", r"^errdisable recovery ", r"^port-channel load-balance "),
            exclude=(rf"^errdisable recovery interval {ERRDISABLE_DEFAULT_INTERVAL}$",),
            management=(*COMMON_MANAGEMENT, r"^interface Vlan\d+$", r"^ip default-gateway "))
    lan_rx = re.escape(lan or "GigabitEthernet0/0")
    return PushPolicy(include=(*COMMON_FAMILIES, rf"^interface {lan_rx}(\.\d+)?$", r"^track \d+ interface "),
                      exclude=(r"^ (duplex|speed) ", r"^ ip nat (inside|outside)$", r"^ ip virtual-reassembly"),
                      management=(*COMMON_MANAGEMENT, rf"^interface {lan_rx}(\.\d+)?$"))
