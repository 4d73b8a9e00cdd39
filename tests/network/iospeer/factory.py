"""Factory-default state of each platform (what `write erase` + reload leaves).

Lines present in every real 15.x config of these models (configs/ and configs/SOURCES.md):
2960: ``service timestamps ... datetime msec``, ``no service password-encryption``,
``boot-start-marker``/``boot-end-marker``, ``no aaa new-model``, ``switch N provision``,
``spanning-tree mode pvst``, ``spanning-tree extend system-id``, ``vlan internal allocation
policy ascending``, ``interface FastEthernet0 / no ip address / shutdown``, ``interface
Vlan1 / no ip address``, ``ip http server``, ``ip http secure-server``, vty 0 4 and 5 15.
1941: ``ip cef``, ``no ipv6 cef``, ``multilink bundle-name authenticated``, ``license udi``,
``redundancy``, ``Embedded-Service-Engine0/0`` and GigabitEthernet ports ``no ip address /
shutdown / duplex auto / speed auto``, ``ip forward-protocol nd``, ``control-plane``,
``line 2`` (the ESE tty), ``scheduler allocate 20000 1000``.
"""

from __future__ import annotations

from .tree import Node
from .vlans import VlanDb

_LINE2 = ["no activation-character", "no exec", "transport preferred none",
          "transport output pad telnet rlogin lapb-ta mop udptn v120 ssh", "stopbits 1"]


def reset(device) -> None:
    p = device.platform
    root = device.root = Node("")
    device.vlans, device.stp_priority, device.snmp_users = VlanDb(), {}, {}
    for text in ("service timestamps debug datetime msec", "service timestamps log datetime msec",
                 "no service password-encryption", "hostname " + ("Router" if p.kind == "router" else "Switch"),
                 "boot-start-marker", "boot-end-marker", "no aaa new-model"):
        root.child(text)
    if p.kind == "switch":
        for number, model in enumerate(p.members, start=1):
            root.child(f"switch {number} provision {model}")
        for text in ("spanning-tree mode pvst", "spanning-tree extend system-id",
                     "vlan internal allocation policy ascending"):
            root.child(text)
        for name in p.builtin_interfaces():
            node = root.child(f"interface {name}")
            if name == "FastEthernet0":
                node.children = [Node("no ip address"), Node("shutdown")]
            elif name == "Vlan1":
                node.children = [Node("no ip address")]
        root.child("ip http server")
        root.child("ip http secure-server")
    else:
        for text in ("ip cef", "no ipv6 cef", "multilink bundle-name authenticated",
                     "license udi pid CISCO1941/K9 sn FTX0000A0AA", "redundancy"):
            root.child(text)
        for name in p.builtin_interfaces():
            node = root.child(f"interface {name}")
            node.children = [Node("no ip address"), Node("shutdown")]
            if name.startswith("GigabitEthernet"):
                node.children += [Node("duplex auto"), Node("speed auto")]
        for text in ("ip forward-protocol nd", "ip http server", "ip http secure-server", "control-plane"):
            root.child(text)
        root.child("scheduler allocate 20000 1000")
    device.lines = {}
    for spec in p.builtin_lines():
        kind, first, *last = spec.split()
        for lid in device.line_ids(kind, int(first), int(last[0]) if last else None):
            vty = [Node("login")] + ([Node("transport input none")] if p.kind == "router" else [])
            device.lines[lid] = Node(" ".join(str(x) for x in lid), vty if kind == "vty" else [])
    if p.kind == "router":
        device.lines[("tty", 2)] = Node("2", [Node(t) for t in _LINE2])
