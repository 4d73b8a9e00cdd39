"""The running-config as IOS prints it: fixed section order, sub-mode lines in IOS order,
``!`` separators, derived sections (version, VTP transparent VLANs, STP priorities, lines).

Orders follow the real configurations in configs/ (sources in configs/SOURCES.md):
interface lines ``description, switchport ..., encapsulation, ip address, ip access-group (in, out),
ip helper-address, ip nat, ip virtual-reassembly, glbp, shutdown, duplex, speed, channel-group, spanning-tree``
(``ip address``, ``ip access-group WAN-IN in``, ``ip nat outside``, ``ip virtual-reassembly in``, ``duplex auto``,
``speed auto`` on a C891F 15.4(3)M3; ``ip access-group ... in`` before ``ip helper-address`` in a router's
running-config, code-corpus file 37127266822); ``ip access-list`` blocks back to back, without ``!`` between them
(a router's running-config, code-corpus file 24893377329; tests/network/golden/rt-01.cfg);
``ip address ... secondary`` lines before the primary (running-configs in code-corpus files 42402480730 and
70872092943: `` ip address 10.10.13.254 255.255.255.0 secondary`` then `` ip address 172.16.1.13 255.255.255.0``);
line lines ``access-class, exec-timeout, ..., logging synchronous, login, transport``;
GLBP ``ip, priority, preempt, ...`` per group; VLAN lists compressed to ranges of 3 or more; a long
``switchport trunk allowed vlan`` list printed in pieces (``allowed_lines``).
"""

from __future__ import annotations

import ipaddress
import re
import time

from .cmd_acl import standard_host
from .names import sort_key
from .tree import Node

_INTERFACE_ORDER = [r"^description", r"^bandwidth", r"^switchport access", r"^switchport trunk native", r"^switchport trunk allowed",
                    r"^switchport mode", r"^switchport nonegotiate", r"^switchport voice", r"^switchport port-security",
                    r"^encapsulation", r"^(no )?ip address", r"^ip access-group", r"^ip helper-address", r"^ip nat", r"^ip virtual-reassembly",
                    r"^glbp", r"^shutdown", r"^duplex", r"^speed", r"^storm-control", r"^channel-group", r"^lacp",
                    r"^spanning-tree", r"^ip dhcp snooping"]
_STORM_ORDER = ["broadcast", "multicast", "unicast", "action"]
_GLBP_ORDER = ["ip", "priority", "preempt", "weighting", "load-balancing", "authentication", "timers"]
_LINE_ORDER = [r"^access-class", r"^exec-timeout", r"^privilege", r"^password", r"^logging synchronous", r"^(no )?login",
               r"^no activation", r"^no exec", r"^transport preferred", r"^transport input", r"^transport output",
               r"^stopbits"]
_ARCHIVE_ORDER = [r"^log config", r"^path", r"^maximum", r"^write-memory", r"^time-period"]


def compress(ids: list[int]) -> str:
    """[10, 20, 30, 31, 32] -> "10,20,30-32" (IOS writes a range for 3+ consecutive ids)."""
    out, run = [], []
    for vid in sorted(ids) + [None]:
        if run and (vid is None or vid != run[-1] + 1):
            out += [f"{run[0]}-{run[-1]}"] if len(run) >= 3 else [str(x) for x in run]
            run = []
        if vid is not None:
            run.append(vid)
    return ",".join(out)


# IOS prints a trunk's allowed list in pieces cut between two atoms, each line at most 79 characters with its leading
# space: the first piece (at most ALLOWED_WIDTH = 48 characters) on `` switchport trunk allowed vlan``, the others (at
# most ALLOWED_ADD_WIDTH = 44) each on a `` switchport trunk allowed vlan add`` line (cisco.ios reads them back as
# allowed_vlans_add: plugins/module_utils/network/ios/rm_templates/l2_interfaces.py). Sources: a 15.2(2)E9 switch's
# running-config (ansible-collections/cisco.ios issue #303): ``11,21,31,40,42-46,48,49,66,121,252,253,828,921`` (46
# characters) then ``add 924`` (50 would have been too long); a Catalyst's running-config in YangModels/yang issue #1461:
# ``11,12,14,15,22,23,101,168,169,171-173,175`` (41) then ``add 300-302,666,2010-2012`` (49 was too long already);
# networktocode/netutils netutils/vlan.py ``vlanlist_to_config`` (IOS-like lines: first 48, others 44 characters).
# Replaying the pieces (set, then add) gives the same list back.
ALLOWED = "switchport trunk allowed vlan "
ALLOWED_WIDTH = 48
ALLOWED_ADD_WIDTH = 44


def allowed_lines(text: str) -> list[str]:
    """One interface line as IOS prints it: a long allowed-VLAN list as a first line and ``add`` lines."""
    argument = text.removeprefix(ALLOWED)
    if not text.startswith(ALLOWED) or len(argument) <= ALLOWED_WIDTH or not re.fullmatch(r"[0-9,-]+", argument):
        return [text]
    pieces = [""]
    for atom in argument.split(","):
        width = ALLOWED_WIDTH if len(pieces) == 1 else ALLOWED_ADD_WIDTH
        if pieces[-1] and len(pieces[-1]) + 1 + len(atom) > width:
            pieces.append("")
        pieces[-1] = f"{pieces[-1]},{atom}" if pieces[-1] else atom
    return [ALLOWED + pieces[0]] + [f"{ALLOWED}add {piece}" for piece in pieces[1:]]


def _rank(patterns: list[str], text: str) -> int:
    return next((i for i, p in enumerate(patterns) if re.search(p, text)), len(patterns))


def _child_key(parent: str, child: Node, index: int) -> tuple:
    text = child.text
    if parent.startswith("interface "):
        m = re.match(r"^glbp (\d+) (\S+)", text)
        glbp = (int(m.group(1)), _GLBP_ORDER.index(m.group(2)) if m.group(2) in _GLBP_ORDER else 99) if m else (0, 0)
        track = re.match(r"^glbp \d+ weighting track (\d+)", text)
        if track:  # after the group's other lines, by object (code-corpus 29359894589)
            glbp = (glbp[0], 100, int(track.group(1)))
        storm = re.match(r"^storm-control (\S+)(?: (\S+))?", text)
        if storm:  # the levels, then action shutdown, then action trap (code-corpus 21901716209)
            glbp = (_STORM_ORDER.index(storm.group(1)) if storm.group(1) in _STORM_ORDER else 9,
                    ("shutdown", "trap").index(storm.group(2)) if storm.group(1) == "action" else 0)
        if text.startswith("ip address "):  # secondaries before the primary (code-corpus 42402480730, 70872092943)
            glbp = (0 if text.endswith(" secondary") else 1, 0)
        if text.startswith("ip access-group "):  # in, then out
            glbp = (int(text.endswith(" out")), 0)
        if text.startswith("spanning-tree "):  # built from state: portfast first (configs/c2960x-24ps-access-15.2.cfg)
            glbp = (0 if text.startswith("spanning-tree portfast") else 1, 0)
        return _rank(_INTERFACE_ORDER, text), glbp, index
    if parent.startswith("ip access-list standard "):  # host entries first (cmd_acl.py)
        return (0 if standard_host(text) else 1), 0, index
    if parent == "archive":
        return _rank(_ARCHIVE_ORDER, text), 0, index
    if parent.startswith("line "):
        return _rank(_LINE_ORDER, text), 0, index
    return 0, 0, index


def _emit(node: Node, depth: int, out: list[str]) -> None:
    out += [" " * depth + line for line in allowed_lines(node.text)]
    for _, _, child in sorted((_child_key(node.text, c, i), i, c) for i, c in enumerate(node.children)):
        _emit(child, depth + 1, out)


def _top_key(device, node: Node, index: int) -> tuple:
    text, p = node.text, device.platform
    sub: tuple = ()
    if text.startswith("interface "):
        sub = sort_key(text.split(None, 1)[1], list(p.interface_types))
    elif text.startswith("ip route "):
        parts = text.split()
        sub = (int(ipaddress.IPv4Address(parts[2])), int(ipaddress.IPv4Address(parts[3])))
    elif m := re.match(r"^access-list (\d+) (.*)", text):
        sub = (int(m.group(1)), 0 if standard_host(m.group(2)) else 1)  # extended entries never bare hosts
    return p.rank(text), sub, index


def _line_blocks(device) -> list[Node]:
    blocks: list[Node] = []
    for kind in ("con", "aux", "tty", "vty"):
        ids = sorted(n for k, n in device.lines if k == kind)
        run: list[int] = []
        for n in ids + [None]:
            same = run and n is not None and n == run[-1] + 1 and not (kind == "vty" and n == 5) and \
                [c.text for c in device.lines[(kind, n)].children] == [c.text for c in device.lines[(kind, run[0])].children]
            if run and not same:
                name = {"con": "con", "aux": "aux", "vty": "vty"}.get(kind)
                numbers = f"{run[0]}" if len(run) == 1 else f"{run[0]} {run[-1]}"
                blocks.append(Node(f"line {name} {numbers}" if name else f"line {numbers}",
                                   device.lines[(kind, run[0])].children))
                run = []
            if n is not None:
                run.append(n)
    return blocks


def _derived(device) -> list[Node]:
    p = device.platform
    out = [Node(f"version {p.version}")]
    if p.vtp and device.vlans.mode in ("transparent", "off"):
        if device.vlans.domain:
            out.append(Node(f"vtp domain {device.vlans.domain}"))
        out.append(Node(f"vtp mode {device.vlans.mode}"))
        for vid, name in device.vlans.user_vlans().items():
            default = name == f"VLAN{vid:04d}"
            out.append(Node(f"vlan {vid}", [] if default else [Node(f"name {name}")]))
    by_priority: dict[int, list[int]] = {}
    for vid, prio in device.stp_priority.items():
        by_priority.setdefault(prio, []).append(vid)
    for prio, ids in sorted(by_priority.items(), key=lambda kv: min(kv[1])):
        out.append(Node(f"spanning-tree vlan {compress(ids)} priority {prio}"))
    return out + _line_blocks(device)


def _family(text: str) -> str:
    """Lines of one family are printed without a ``!`` between them."""
    words = text.removeprefix("no ").split()
    if words[0].startswith("boot"):
        return "boot"
    return " ".join(words[:2]) if words[0] in ("ip", "snmp-server") else words[0]


def config_lines(device) -> list[str]:
    nodes = device.root.children + _derived(device)
    ordered = sorted((_top_key(device, n, i), i, n) for i, n in enumerate(nodes))
    out: list[str] = []
    previous: Node | None = None
    for _, _, node in ordered:
        if previous is not None and (_family(node.text) != _family(previous.text) or
                                     (previous.children and not previous.text.startswith(("line ", "ip access-list ")))):
            out.append("!")
        _emit(node, 0, out)
        previous = node
    out.append("!")
    return out + ["end"]


def running_config(device) -> str:
    body = "\n".join(config_lines(device)) + "\n"
    stamp = time.strftime("%H:%M:%S UTC %a %b %d %Y", time.gmtime(device.last_change))
    by = f" by {device.last_change_by}" if device.last_change_by else ""
    header = f"Building configuration...\n\nCurrent configuration : {len(body)} bytes\n!\n" \
             f"! Last configuration change at {stamp}{by}\n!\n"
    return header + body
