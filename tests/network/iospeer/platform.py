"""What differs between the two kinds of device the peer plays, as data.

* Catalyst 2960-X / 2960-S stack, IOS 15.2(7)E / 15.2(2)E (LAN Base): ports per member
  from netbox-community/devicetype-library device-types/Cisco/WS-C2960X-48TS-L.yaml
  (FastEthernet0 + GigabitEthernetN/0/1-52); VTP server by default (show vtp status in
  networktocode/ntc-templates tests/cisco_ios/show_vtp_status/cisco_ios_show_vtp_status.raw);
  ``ip domain-name`` / ``no ip domain-lookup`` forms; PortFast keywords printed with ``edge``
  from 15.2(2)E (Consolidated Platform Configuration Guide 15.2(4)E, Catalyst 2960-X).
* plain Catalyst 2960 (WS-C2960-48TT-L / -24TT-L, does not stack), IOS 15.0(2)SE (the last release of the plain
  2960; LAN Base): FastEthernet0/1-48 (or 1-24) + GigabitEthernet0/1-2 (a 2960's ``int range fa0/1 - 2`` and
  ``show etherchannel summary`` listing ``Fa0/1(P) Fa0/2(P)``, code-corpus file 43575617682; the two uplinks as
  the site model counts them, "48 + 2 uplinks"); no ``switch N provision`` line; PortFast printed without
  ``edge`` (before 15.2(2)E). Channel groups and Port-channels 1-6 (``channels``, sources in cmd_interface.py).
* CISCO1941/K9, IOS 15.4(3)M: Embedded-Service-Engine0/0, GigabitEthernet0/0-0/1, lines
  con 0, aux 0, 2, vty 0 4, ``ip domain name`` / ``no ip domain lookup``, ``ip cef``
  (FlagHunter01/school docs/projet.md: two 1941s running 15.4).

The order of the global sections is the order these devices print (configs/ and the
files cited in configs/SOURCES.md); ``SECTIONS`` lists (pattern, rank).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Ports per stack member: copper then SFP uplinks, all GigabitEthernetN/0/x.
MEMBER_PORTS = {
    "ws-c2960x-48ts-l": 52, "ws-c2960x-24ts-l": 28, "ws-c2960x-48fps-l": 52, "ws-c2960x-24ps-l": 28,
    "ws-c2960s-48ts-l": 52, "ws-c2960s-24ts-l": 28,
}
# The plain (non-X, non-S) 2960: FastEthernet0/1-N and two uplinks GigabitEthernet0/1-2; it does not stack.
PLAIN_2960_PORTS = {"ws-c2960-48tt-l": 48, "ws-c2960-24tt-l": 24}
# Highest channel-group / Port-channel number: 48 on a 2960-X/2960-S stack, 6 on a plain 2960 (cmd_interface.py).
STACK_CHANNELS, PLAIN_2960_CHANNELS = 48, 6

_SWITCH_SECTIONS = [
    (r"^version ", 0), (r"^(no )?service ", 1), (r"^hostname ", 2), (r"^boot", 3),
    (r"^(no )?logging (console|buffered|userinfo|rate-limit|monitor)", 4), (r"^enable ", 5), (r"^username ", 6),
    (r"^(no )?aaa ", 7), (r"^clock ", 8), (r"^switch \d+ provision", 9), (r"^system mtu", 10),
    (r"^(no )?ip (routing|source-route|dhcp snooping)", 11), (r"^(no )?ip domain[ -]lookup", 12),
    (r"^ip domain", 12.5), (r"^ip name-server", 13), (r"^login ", 13.5),
    (r"^vtp ", 14), (r"^udld", 14.5), (r"^crypto pki", 16), (r"^archive$", 17),
    (r"^spanning-tree mode", 18), (r"^spanning-tree portfast", 19), (r"^spanning-tree extend", 20),
    (r"^spanning-tree ", 21), (r"^(errdisable|port-channel load-balance|lacp )", 22),
    (r"^vlan internal", 23), (r"^vlan \d", 24), (r"^lldp", 25), (r"^interface ", 30),
    (r"^ip default-gateway", 31), (r"^(no )?ip http", 32), (r"^ip ssh ", 33), (r"^ip ftp ", 34),
    (r"^ip access-list ", 35), (r"^logging ", 36), (r"^access-list ", 37), (r"^snmp-server ", 38),
    (r"^banner ", 40), (r"^line ", 41), (r"^ntp ", 42),
]
_ROUTER_SECTIONS = [
    (r"^version ", 0), (r"^(no )?service ", 1), (r"^hostname ", 2), (r"^boot", 3),
    (r"^(no )?logging (console|buffered|userinfo|rate-limit|monitor)", 4), (r"^enable ", 5),
    (r"^(no )?aaa ", 7), (r"^memory-size", 8), (r"^clock ", 9), (r"^ip dhcp", 10),
    (r"^(no )?ip domain[ -]lookup", 12), (r"^ip domain", 12.5), (r"^ip name-server", 13), (r"^(no )?ip cef", 14), (r"^(no )?ipv6 cef", 15),
    (r"^multilink", 16), (r"^cts ", 17), (r"^crypto pki", 18), (r"^license ", 19), (r"^archive$", 20),
    (r"^username ", 21), (r"^redundancy", 22), (r"^ip ssh ", 23), (r"^ip ftp ", 24), (r"^crypto ", 25),
    (r"^track ", 29), (r"^interface ", 30), (r"^router ", 31), (r"^ip default-gateway", 31.5), (r"^ip forward-protocol", 32), (r"^(no )?ip http", 33),
    (r"^ip nat ", 34), (r"^ip route ", 35), (r"^ip access-list ", 36), (r"^logging ", 37),
    (r"^access-list ", 38), (r"^snmp-server ", 39), (r"^control-plane", 40), (r"^banner ", 41),
    (r"^line ", 42), (r"^scheduler ", 43), (r"^ntp ", 44),
]


@dataclass(frozen=True)
class Platform:
    kind: str                      # "switch" | "router"
    version: str                   # the "version" line
    image: str                     # show version's first line
    model: str
    interface_types: tuple         # full names, in running-config order
    removable_types: tuple         # interfaces that `no interface` may delete
    domain_name: str               # "ip domain-name" | "ip domain name"
    domain_lookup: str             # "ip domain-lookup" | "ip domain lookup"
    portfast_edge: bool
    vtp: bool
    vty_default_transport: str     # what a vty line without `transport input` accepts
    sections: tuple = field(default_factory=tuple)
    members: tuple = ()            # stack member models (switch)
    channels: int = STACK_CHANNELS  # highest channel-group / Port-channel number (switch)

    def rank(self, line: str) -> float:
        for pattern, rank in self.sections:
            if re.search(pattern, line):
                return rank
        return 39

    def builtin_interfaces(self) -> list[str]:
        if self.kind == "router":
            return ["Embedded-Service-Engine0/0", "GigabitEthernet0/0", "GigabitEthernet0/1"]
        plain = PLAIN_2960_PORTS.get(self.model.lower())
        if plain:
            return ([f"FastEthernet0/{p}" for p in range(1, plain + 1)]
                    + ["GigabitEthernet0/1", "GigabitEthernet0/2", "Vlan1"])
        names = ["FastEthernet0"]
        for number, model in enumerate(self.members, start=1):
            names += [f"GigabitEthernet{number}/0/{p}" for p in range(1, MEMBER_PORTS[model] + 1)]
        return names + ["Vlan1"]

    def builtin_lines(self) -> list[str]:
        return ["con 0", "aux 0", "vty 0 4"] if self.kind == "router" else ["con 0", "vty 0 4", "vty 5 15"]


def catalyst(members: list[str]) -> Platform:
    models = tuple(m.lower() for m in members)
    if any(m in PLAIN_2960_PORTS for m in models):
        if len(models) != 1:
            raise ValueError(f"a plain 2960 does not stack: {list(members)}")
        return plain2960(members[0])
    unknown = [m for m in models if m not in MEMBER_PORTS]
    if unknown:
        raise ValueError(f"no port layout for {unknown}")
    x = all(m.startswith("ws-c2960x") for m in models)
    return Platform(
        kind="switch", version="15.2",
        image=("Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E2, RELEASE SOFTWARE (fc3)"
               if x else "Cisco IOS Software, C2960S Software (C2960S-UNIVERSALK9-M), Version 15.2(2)E10, RELEASE SOFTWARE (fc2)"),
        model=members[0].upper(), interface_types=("Port-channel", "FastEthernet", "GigabitEthernet", "Vlan"),
        removable_types=("Port-channel", "Vlan"), domain_name="ip domain-name", domain_lookup="ip domain-lookup",
        portfast_edge=True, vtp=True, vty_default_transport="all", sections=tuple(_SWITCH_SECTIONS), members=models)


def plain2960(model: str) -> Platform:
    if model.lower() not in PLAIN_2960_PORTS:
        raise ValueError(f"no port layout for {model!r}")
    return Platform(
        kind="switch", version="15.0",
        image="Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M), Version 15.0(2)SE11, RELEASE SOFTWARE (fc3)",
        model=model.upper(), interface_types=("Port-channel", "FastEthernet", "GigabitEthernet", "Vlan"),
        removable_types=("Port-channel", "Vlan"), domain_name="ip domain-name", domain_lookup="ip domain-lookup",
        portfast_edge=False, vtp=True, vty_default_transport="all", sections=tuple(_SWITCH_SECTIONS),
        channels=PLAIN_2960_CHANNELS)


def isr1941() -> Platform:
    return Platform(
        kind="router", version="15.4",
        image="Cisco IOS Software, C1900 Software (C1900-UNIVERSALK9-M), Version 15.4(3)M10, RELEASE SOFTWARE (fc2)",
        model="CISCO1941/K9",
        interface_types=("Loopback", "Tunnel", "Embedded-Service-Engine", "GigabitEthernet"),
        removable_types=("Loopback", "Tunnel", "GigabitEthernet."), domain_name="ip domain name",
        domain_lookup="ip domain lookup", portfast_edge=False, vtp=False, vty_default_transport="all",
        sections=tuple(_ROUTER_SECTIONS))
