"""``interface`` and the interface sub-mode (switch ports, SVIs, router ports and sub-interfaces).

Rules and sources:
* Built-in interfaces cannot be deleted: "% Removal of physical interfaces is not permitted"
  (device transcript quoted in code-corpus files 42691271967 and 62941766593; cisco.ios-style
  error lists carry the same text, code-corpus file 23513027751). The Catalyst guides add
  "You cannot delete interface VLAN 1" (Catalyst 3560 Software Configuration Guide
  OL-8553-06, ch. 11); Vlan1 gets the same answer here (device wording not found).
* ``switchport access vlan N`` for a VLAN missing from vlan.dat creates it: "% Access VLAN
  does not exist. Creating vlan N" (transcripts in code-corpus files 46223470050, 6913100985).
* 2960 ports are 802.1Q only: ``switchport trunk encapsulation`` is not a command there.
* ``spanning-tree portfast`` is stored and printed ``spanning-tree portfast edge`` (``trunk``
  -> ``edge trunk``) on 15.2(2)E+, with the PortFast warnings (NED warning
  "portfast has been configured on", code-corpus file 18293421730).
* ``channel-group N`` creates Port-channelN: "Creating a port-channel interface Port-channel N"
  (same NED list). One group runs one protocol: LACP (``active``/``passive``), PAgP (``auto``/
  ``desirable``) or ``on`` ("Do not configure an EtherChannel in both the PAgP and LACP modes",
  Catalyst 2960 Software Configuration Guide 78-16881-01, p. 30-10); a port of another protocol is
  refused "Command rejected (Port-channelN, Gi1/0/2): Invalid etherchnl mode", and PAgP ports on two
  stack members first get "%With PAgP enabled, all ports in the Channel should belong to the same
  switch" (cross-stack EtherChannel is LACP or on only; the device transcript in code-corpus file
  38174337297: ``Command rejected (Port-channel3, Gi2/0/20): Invalid etherchnl mode``).
* ``channel-group N`` takes 1-48 on a 2960-X stack and ``interface Port-channelN`` the same numbers; 0 or 49+ is invalid
  input at the number (a 2960 stack's own output, code-corpus file 22395396614: ``show interfaces status`` lists
  ``Po48``, ``show run int g1/0/23`` prints ``channel-group 48 mode passive`` and ``show run int po48`` prints
  ``interface Port-channel48``; the stackable Catalyst 3750-X/3560-X guide OL-21521-01, p. 40-4: "Each EtherChannel
  has a port-channel logical interface numbered from 1 to 48"). Unsourced and kept as it was: a group's only member
  changing protocol (PAgP to LACP) is accepted; no device transcript of that case was found.
* A plain Catalyst 2960 (WS-C2960-..., platform.plain2960) takes ``channel-group N`` and ``interface Port-channelN``
  1-6 only; 0 or 7+ is invalid input at the number, and six numbers make at most six EtherChannels. Sources: a 2960's
  own help (code-corpus file 43575617682, FastEthernet ports, CDP neighbour platform ``WS-C2960-``):
  ``channel-group ?`` answers ``<1-6>  Channel group number``; Catalyst 2960 Switch Software Configuration Guide
  78-16881-01, ch. 30 "Configuring EtherChannels", p. 30-3: "Each EtherChannel has a port-channel logical interface
  numbered from 1 to 6", p. 30-9: "Do not try to configure more than 6 EtherChannels on the switch".
* A 1941 (ISR G2) has Layer 3 EtherChannel per the "Cisco 3900, 2900 and 1900 Series ISR G2 Software Configuration
  Guide", "Configuring EtherChannel" (p. 93: ports bundled manually, "PAgP and LACP are not supported", up to four
  ports, at most two EtherChannels per platform), but the command forms were not found (``channel-group N`` with or
  without ``mode on``, the Port-channel numbers): the peer still refuses ``interface Port-channelN`` and
  ``channel-group`` there (stricter than the router; sitekit never bundles a router's ports).
* Switchport lines typed on Port-channelN (mode, access VLAN, trunk allowed/native) apply to its
  member ports as well (Catalyst 2960/2960-S Software Configuration Guide OL-8603-09, p. 37-5).
* ``storm-control {broadcast|multicast|unicast} level L [L-low]`` takes a percentage 0.00-100.00 and
  prints it with two decimals; the falling level is at most the rising one (Catalyst 2960 Software
  Configuration Guide OL-8603-04, p. 19-4); ``level bps|pps R [R-low]`` keeps the rate as typed.
  ``storm-control action shutdown`` and ``action trap`` are two lines ("The trap and shutdown options
  are independent of each other", Catalyst 2960 Command Reference, storm-control); a running-config
  prints ``storm-control broadcast level 5.00`` then ``action shutdown`` then ``action trap``
  (code-corpus file 21901716209).
* ``ip address`` on a sub-interface without ``encapsulation dot1Q`` is refused with "%
  Configuring IP routing on a LAN subinterface is only allowed if that subinterface is
  already configured as part of an IEEE 802.10, IEEE 802.1Q, or ISL vLAN." (transcripts in
  code-corpus files 66599182899, 70408481220); an address overlapping another interface's
  subnet is refused "% A.B.C.D overlaps with IFNAME" (cisco.ios plugins/terminal/ios.py
  ``% ?(\\S+) ?overlaps with ?(\\S+)``).
* ``no ip address A M secondary`` removes that secondary address only; ``no ip address A M`` (the primary) while a
  secondary is configured is refused "% Must delete secondary before deleting primary" (an IOS 15.x walkthrough's
  review, code-corpus file 57922807763: "the router rejects deletion of the primary while any secondary exists with
  ``% Must delete secondary before deleting primary``"; internap/fake-switches cisco ``do_no_ip`` and its test
  transcript, code-corpus files 32335824726 and 728758981); ``no ip address`` alone removes every address.
* ``ip nat inside|outside`` adds ``ip virtual-reassembly in`` (every 15.x router config
  with NAT, e.g. FlagHunter01/school docs/projet.md).
* GLBP defaults not printed: ``priority 100``, ``load-balancing round-robin``, ``timers 3 10``,
  ``weighting 100`` (1941 15.4 configs print only ``glbp N ip``, ``priority``, ``preempt``).
  ``glbp N weighting M lower L upper U`` is printed whole, and ``glbp N weighting track T
  decrement D`` lines are kept apart from it (one per tracked object: ``no glbp N weighting track T``
  removes that object's line only; Cisco's GLBP configuration example tracks objects 1 and 2 in one
  group), after the group's other lines (a router's running-config, code-corpus file 29359894589: ``glbp 1 weighting 140 lower
  100 upper 115`` ... ``glbp 1 weighting track 1 decrement 30``); the thresholds default to
  lower 1 and upper = the weight (Cisco IOS First Hop Redundancy Protocols Configuration Guide,
  "GLBP": ``glbp weighting maximum [lower lower] [upper upper]``).
* GLBP arguments: group 0-1023, ``weighting`` 1-254 (its ``lower``/``upper`` thresholds too), ``priority`` 1-255,
  ``timers`` hello 1-60 s and hold up to 180 s; anything else is invalid input at that word and nothing is stored. A
  router's ``?`` help (ccieme.wordpress.com/category/ccnp-revision/glbp: ``glbp ?`` -> ``<0-1023> Group number``,
  ``glbp 1 weighting ?`` -> ``<1-254> Weighting maximum value``, then ``lower``/``upper``); Cisco's GLBP sample
  configuration 81565-glbp-cat65k ("GLBP groups (group numbers 0 to 1023)"); the 10-bit group field of the virtual
  MAC 0007.b4xx.xxyy and the timer ranges in code-corpus file 38139300080. Priority 1-255 is weaker: "a value of 1
  through 255 using the glbp priority command" is Cisco's guide text as quoted on a notes page
  (contouringbymelinda.com/zkrmg/glbp-default-priority), and ``glbp 1 priority 255`` appears in FHRP notes
  (sapient.coffee/posts/glbp); the cisco.com page itself was not read. Unsourced and kept:
  ``glbp N ip`` without an address is answered "% Incomplete command." (IOS may take it to learn the address from
  the AVG; no transcript found), and ``glbp N timers msec ...`` is not modelled (invalid input).
* Router ports print ``duplex auto`` / ``speed auto`` (the default is printed); ``no duplex``
  restores ``duplex auto``. A sub-interface has neither (they are the port's); ``bandwidth`` is
  1-10000000 kbit/s; ``ip access-group ACL`` takes ``in`` or ``out``, one list per direction (Cisco IOS
  Interface and Hardware Component / Security command references).
* Unsourced: ``no interface Vlan N`` / ``Port-channel N`` / a sub-interface that does not exist is taken silently
  (internap/fake-switches ``do_no_interface`` does the same; no device transcript found); removing a Port-channel
  drops its members' ``channel-group`` lines and leaves the ports up (a CCIE note says "Switch shuts down all
  physical ports when no interface port-channel [n] to avoid loop", ccie.lmd.in.ua/2016/03/etherchannel; not
  modelled, no transcript).
* ``lacp port-priority P`` on a switch port takes 0-65535 (a Catalyst's ``lacp port-priority ?`` help:
  ``<0-65535>  Priority value``, "Default priority is 32768", code-corpus files 43707197084 and 31204688351; Catalyst
  3650 Command Reference, IOS XE Everest 16.5.1a, "lacp port-priority"); 65536 is invalid input, and so is the
  keyword on a 1941 (no LACP on an ISR G2, see above). Unsourced: taken on a Port-channel too (like the other
  switchport-side lines; whether IOS has it there was not found), the default 32768 not printed, and the line's place
  (after ``channel-group``; a vIOS ``show running-config | section ^interface`` in the cisco.ios
  ``ios_lacp_interfaces`` documentation prints it after ``shutdown``, with no ``channel-group`` beside it).
* A keyword only the other platform has (``switchport``, ``channel-group`` on a 1941) is invalid input at
  that word, not an incomplete command, as on a router that lacks it (``_only`` gates, grammar.Mode.add).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import replace

from .context import Ctx, refuse
from .grammar import INVALID, CliError, Mode
from .names import short
from .render import compress
from .tree import Node

PORTFAST_WARNING = ("%Warning: portfast should only be enabled on ports connected to a single\n"
                    " host. Connecting hubs, concentrators, switches, bridges, etc... to this\n"
                    " interface  when portfast is enabled, can cause temporary bridging loops.\n"
                    " Use with CAUTION\n")
PORT_PRIORITY_STEP = "% Port Priority in increments of 16 is required\n"  # then a blank line, as in the transcript
SECONDARY_FIRST = "% Must delete secondary before deleting primary"
NO_ENCAPSULATION = ("% Configuring IP routing on a LAN subinterface is only allowed if that subinterface is "
                    "already configured as part of an IEEE 802.10, IEEE 802.1Q, or ISL vLAN.")


# ---- which interface can do what ----------------------------------------------------
def _switchport(ctx: Ctx) -> bool:
    """A switch's GigabitEthernet and Port-channel ports, and a plain 2960's FastEthernet0/N (not a management port)."""
    return ctx.device.platform.kind == "switch" and (ctx.target.startswith(("GigabitEthernet", "Port-channel"))
                                                     or ctx.target.startswith("FastEthernet0/"))


def _routed(ctx: Ctx) -> bool:
    return ctx.device.platform.kind == "router" or ctx.target.startswith("Vlan") or ctx.target == "FastEthernet0"


def _router(ctx: Ctx) -> bool:
    return ctx.device.platform.kind == "router" and not ctx.target.startswith("Embedded-Service-Engine")


def _router_port(ctx: Ctx) -> bool:
    """A router's Ethernet port itself: a sub-interface has no ``duplex``/``speed`` (the port's)."""
    return _router(ctx) and bool(re.fullmatch(r"GigabitEthernet\d+/\d+", ctx.target))


def _only(test, handler):
    def gated(ctx: Ctx, a: dict, no: bool):
        if not test(ctx):
            raise CliError(INVALID)
        return handler(ctx, a, no)
    gated.gate = test  # the parser refuses the keyword itself where the test fails (grammar.Mode.add)
    return gated


def _edge_keyword(test):
    """``test``, and a release that knows PortFast's ``edge`` keyword (15.2(2)E on; platform.portfast_edge)."""
    return lambda ctx: test(ctx) and ctx.device.platform.portfast_edge


def _node(ctx: Ctx) -> Node:
    return ctx.device.interface(ctx.target)


def _members(handler):
    """A switchport line typed on Port-channelN is applied to its member ports too ("configuration changes applied
    to the port-channel interface apply to all the physical ports assigned to the port-channel interface", Catalyst
    2960/2960-S Software Configuration Guide OL-8603-09, p. 37-5). Kept to the switchport lines (mode, access VLAN,
    trunk allowed/native): the other lines stay on the interface they were typed on."""
    def run(ctx: Ctx, a: dict, no: bool):
        handler(ctx, a, no)
        if ctx.target.startswith("Port-channel"):
            member = re.compile(rf"^channel-group {ctx.target.removeprefix('Port-channel')} mode ")
            for name, node in ctx.device.interfaces():
                if node.find(member):
                    handler(replace(ctx, target=name, out=[]), a, no)
    return run


# ---- interface / no interface -------------------------------------------------------
def creatable(device, name: str) -> bool:
    kind = device.platform.kind
    m = re.fullmatch(r"([A-Za-z-]+)(\d+)", name)
    if m and kind == "switch":
        return (m.group(1) == "Vlan" and 1 <= int(m.group(2)) <= 4094) or \
            (m.group(1) == "Port-channel" and 1 <= int(m.group(2)) <= device.platform.channels)
    if m and kind == "router":
        return m.group(1) in ("Loopback", "Tunnel")
    m = re.fullmatch(r"(GigabitEthernet0/[01])\.(\d+)", name)
    return bool(m and kind == "router" and 1 <= int(m.group(2)) <= 4294967295)


def create(device, name: str) -> Node:
    children = [] if "." in name or name.startswith("Port-channel") else [Node("no ip address")]
    device.root.child(f"interface {name}").children = children
    return device.interface(name)


def _interface(ctx: Ctx, a: dict, no: bool) -> None:
    name, device = a["name"], ctx.device
    if no:
        if device.is_builtin(name):
            raise refuse("% Removal of physical interfaces is not permitted")
        if device.interface(name) is None and not creatable(device, name):
            raise CliError(INVALID, a["name@col"])
        device.root.remove(lambda n: n.text == f"interface {name}")
        if name.startswith("Port-channel"):
            number = name[len("Port-channel"):]
            for _, node in device.interfaces():
                node.remove(re.compile(rf"^channel-group {number} mode "))
        return
    if device.interface(name) is None:
        if not creatable(device, name):
            raise CliError(INVALID, a["name@col"])
        create(device, name)
    ctx.enter("if", name)


# ---- common -------------------------------------------------------------------------
def _description(ctx: Ctx, a: dict, no: bool) -> None:
    node = _node(ctx)
    node.remove("description")
    if not no:
        node.children.insert(0, Node(f"description {a['text']}"))


def _shutdown(ctx: Ctx, a: dict, no: bool) -> None:
    node = _node(ctx)
    node.remove(lambda n: n.text == "shutdown")
    if not no:
        node.child("shutdown")


# ---- switch ports -------------------------------------------------------------------
def _switchport_mode(ctx: Ctx, a: dict, no: bool) -> None:
    node, mode = _node(ctx), " ".join(x for x in (a.get("mode"), a.get("dynamic")) if x)
    if mode and mode not in ("access", "trunk", "dynamic auto", "dynamic desirable"):
        raise CliError(INVALID)
    node.remove("switchport mode")
    if not no and mode != "dynamic auto":
        node.child(f"switchport mode {mode}")


def _access_vlan(ctx: Ctx, a: dict, no: bool) -> None:
    node, vid = _node(ctx), a.get("vid", 1)
    node.remove("switchport access vlan")
    if no or vid == 1:
        return
    if vid not in ctx.device.vlans.vlans:
        ctx.say(f"% Access VLAN does not exist. Creating vlan {vid}")
        ctx.say(*ctx.device.vlans.commit({vid: None}))
    node.child(f"switchport access vlan {vid}")


def _allowed(ctx: Ctx, a: dict, no: bool) -> None:
    node = _node(ctx)
    current = node.find("switchport trunk allowed vlan")
    words = current.text.split()[-1] if current else "1-4094"
    from .grammar import vlan_list
    have = set() if words == "none" else set(vlan_list(words) or [])
    action, ids = a.get("action", "set"), set(a.get("vlans") or [])
    if no:
        have = set(range(1, 4095))
    elif action == "set":
        have = ids
    elif action == "add":
        have |= ids
    elif action == "remove":
        have -= ids
    elif action == "except":
        have = set(range(1, 4095)) - ids
    elif action == "all":
        have = set(range(1, 4095))
    elif action == "none":
        have = set()
    node.remove("switchport trunk allowed vlan")
    if have != set(range(1, 4095)):
        node.child(f"switchport trunk allowed vlan {compress(sorted(have)) if have else 'none'}")


def _native(ctx: Ctx, a: dict, no: bool) -> None:
    node = _node(ctx)
    node.remove("switchport trunk native vlan")
    if not no and a["vid"] != 1:
        node.child(f"switchport trunk native vlan {a['vid']}")


def _portfast(ctx: Ctx, a: dict, no: bool) -> None:
    node, kind = _node(ctx), a.get("kind", "")
    node.remove("spanning-tree portfast")
    if no:
        return
    if kind in ("disable", "network"):
        node.child(f"spanning-tree portfast {kind}")
        return
    trunk, edge = kind == "trunk", "edge " if ctx.device.platform.portfast_edge else ""
    node.child(f"spanning-tree portfast {edge}trunk" if trunk else f"spanning-tree portfast {edge}".rstrip())
    ctx.say(PORTFAST_WARNING)
    mode = node.find("switchport mode")
    if not trunk and (mode is None or mode.text != "switchport mode access"):
        ctx.say(f"%Portfast has been configured on {ctx.target} but will only\n"
                " have effect when the interface is in a non-trunking mode.")


def _channel_group(ctx: Ctx, a: dict, no: bool) -> None:
    node = _node(ctx)
    if ctx.target.startswith("Port-channel"):
        raise CliError(INVALID)
    if no:
        node.remove("channel-group")
        return
    number, protocol = a["group"], _CHANNEL_PROTOCOL[a["mode"]]
    if number > ctx.device.platform.channels:  # 7+ on a plain 2960 (<1-6>), as 49+ on a 2960-X stack
        raise CliError(INVALID, a["group@col"])
    member = re.compile(rf"^channel-group {number} mode ")
    modes = {name: line.text.split()[-1] for name, other in ctx.device.interfaces()
             if name != ctx.target and (line := other.find(member))}
    rejected = f"Command rejected (Port-channel{number}, {short(ctx.target)}): Invalid etherchnl mode"
    for name, theirs in modes.items():
        if _CHANNEL_PROTOCOL[theirs] != protocol:
            raise refuse(rejected)
        if protocol == "PAgP" and _stack_member(name) != _stack_member(ctx.target):
            raise refuse("%With PAgP enabled, all ports in the Channel should belong to the same switch\n" + rejected)
    node.remove("channel-group")
    if ctx.device.interface(f"Port-channel{number}") is None:
        ctx.say(f"Creating a port-channel interface Port-channel {number}")
        create(ctx.device, f"Port-channel{number}")
    node.child(f"channel-group {number} mode {a['mode']}")


_CHANNEL_PROTOCOL = {"active": "LACP", "passive": "LACP", "auto": "PAgP", "desirable": "PAgP", "on": "on"}


def _stack_member(name: str) -> str:
    """A 2960 stack port's member number (GigabitEthernet2/0/20 -> "2")."""
    return re.match(r"^\D+(\d+)/", name).group(1) if re.match(r"^\D+\d+/\d+/", name) else "1"


def _lacp_port_priority(ctx: Ctx, a: dict, no: bool) -> None:
    """``lacp port-priority P``: 0-65535, the default 32768 not printed (module docstring)."""
    node = _node(ctx)
    node.remove("lacp port-priority")
    if not no and a["value"] != 32768:
        node.child(f"lacp port-priority {a['value']}")


def _port_priority(ctx: Ctx, a: dict, no: bool) -> None:
    """``spanning-tree port-priority P``: 0-240 (``<0-240>  port priority in increments of 16``, a Catalyst 3750
    12.2(58)SE2's help, code-corpus file 1101085891); a value that is not a multiple of 16 is refused "% Port Priority in
    increments of 16 is required" and nothing is stored (an IOS L2 image's transcript, code-corpus file 43977708911:
    ``spanning-tree vlan 1 port-priority 50`` refused so, then 16 taken; lab notes measured on an IOL L2 image, code-corpus
    file 71290317224: "increments of 16 ... 256 is Invalid", a number out of range being invalid input at that word)."""
    if not no and a["value"] % 16:
        raise refuse(PORT_PRIORITY_STEP)
    _prefix_line("spanning-tree port-priority")(ctx, {"rest": str(a["value"])} if "value" in a else {}, no)


def _storm_level(ctx: Ctx, a: dict, no: bool) -> None:
    """``storm-control KIND level ...``: one line per traffic kind, a percentage printed with two decimals."""
    node, kind = _node(ctx), a["kind"]
    if no:
        node.remove(f"storm-control {kind}")
        return
    given = [key for key in ("rate", "low") if a.get(key)]
    rate = r"\d+(\.\d+)?[kmg]?" if a.get("unit") else r"\d{1,3}(\.\d{1,2})?"
    bad = [key for key in given if not re.fullmatch(rate, a[key]) or (not a.get("unit") and float(a[key]) > 100)]
    if bad:
        raise CliError(INVALID, a[bad[0] + "@col"])
    if not a.get("unit") and len(given) == 2 and float(a["low"]) > float(a["rate"]):
        raise CliError(INVALID, a["low@col"])
    values = [a[key] if a.get("unit") else f"{float(a[key]):.2f}" for key in given]
    node.remove(f"storm-control {kind}")
    node.child(" ".join([f"storm-control {kind} level", *([a["unit"]] if a.get("unit") else []), *values]))


def _glbp_track(ctx: Ctx, a: dict, no: bool) -> None:
    """``glbp N weighting track T [decrement D]``: one line per tracked object."""
    node, prefix = _node(ctx), f"glbp {a['group']} weighting track {a['track']}"
    node.remove(prefix)
    if not no:
        node.child(prefix + (f" decrement {a['decrement']}" if "decrement" in a else ""))


def _prefix_line(prefix: str):
    def handler(ctx: Ctx, a: dict, no: bool) -> None:
        node = _node(ctx)
        node.remove(prefix)
        if not no:
            node.child(f"{prefix} {a['rest']}".strip() if "rest" in a else prefix)
    return handler


def _port_security(ctx: Ctx, a: dict, no: bool) -> None:
    """One line per sub-command (``maximum``, ``violation``...), plus the bare enable line."""
    node, words = _node(ctx), a.get("rest", "").split()
    key = f"switchport port-security {words[0]}" if words else "switchport port-security"
    node.remove(lambda n: n.text == key or (bool(words) and n.text.startswith(key + " ")))
    if not no:
        node.child(" ".join(["switchport port-security"] + words))


# ---- routed interfaces --------------------------------------------------------------
def _check_address(ctx: Ctx, address: ipaddress.IPv4Interface) -> None:
    if address.network.prefixlen < 31 and address.ip in (address.network.network_address,
                                                         address.network.broadcast_address):
        raise refuse(f"Bad mask /{address.network.prefixlen} for address {address.ip}")
    for other, existing in ctx.device.addresses():
        if other != ctx.target and existing.network.overlaps(address.network):
            raise refuse(f"% {address.network.network_address} overlaps with {other}")


def _ip_address(ctx: Ctx, a: dict, no: bool) -> None:
    node = _node(ctx)
    if no and a.get("secondary"):
        node.remove(lambda n: n.text == f"ip address {a['ip']} {a['mask']} secondary")
        return
    if no and "ip" in a and node.find(lambda n: n.text.startswith("ip address ") and n.text.endswith(" secondary")):
        raise refuse(SECONDARY_FIRST)
    if no:
        node.remove("ip address")
        node.set("no ip address", replace="no ip address")
        return
    if "." in ctx.target and node.find("encapsulation") is None:
        raise refuse(NO_ENCAPSULATION)
    if not _mask_ok(a["mask"]):
        raise refuse(f"Bad mask 0x{int(ipaddress.IPv4Address(a['mask'])):08X} for address {a['ip']}")
    _check_address(ctx, ipaddress.IPv4Interface(f"{a['ip']}/{a['mask']}"))
    node.remove(lambda n: n.text == "no ip address")
    if a.get("secondary"):
        node.child(f"ip address {a['ip']} {a['mask']} secondary")
    else:
        node.set(f"ip address {a['ip']} {a['mask']}",
                 replace=lambda n: n.text.startswith("ip address") and not n.text.endswith("secondary"))


def _mask_ok(mask: str) -> bool:
    bits = int(ipaddress.IPv4Address(mask))
    return bits != 0 and (bits | (bits - 1)) & 0xFFFFFFFF == 0xFFFFFFFF


def _helper(ctx: Ctx, a: dict, no: bool) -> None:
    node = _node(ctx)
    if no and "ip" not in a:
        node.remove("ip helper-address")
        return
    node.remove(lambda n: n.text == f"ip helper-address {a['ip']}")
    if not no:
        node.child(f"ip helper-address {a['ip']}")


def _nat(ctx: Ctx, a: dict, no: bool) -> None:
    node, side = _node(ctx), a["side"]
    if side not in ("inside", "outside"):
        raise CliError(INVALID)
    node.remove(re.compile(r"^ip nat (inside|outside)$"))
    if not no:
        node.child(f"ip nat {side}")
        node.child("ip virtual-reassembly in")


def _encapsulation(ctx: Ctx, a: dict, no: bool) -> None:
    node, vid = _node(ctx), a.get("vid")
    if "." not in ctx.target:
        raise CliError(INVALID)
    node.remove("encapsulation")
    if no:
        return
    parent = ctx.target.split(".")[0]
    for name, other in ctx.device.interfaces():
        if name != ctx.target and name.startswith(parent + ".") and other.find(f"encapsulation dot1Q {vid}"):
            raise refuse(f"% Configuration of multiple subinterfaces of the same main interface with the same VID "
                         f"({vid}) is not permitted.\nThis VID is already configured on {name}.")
    node.child(f"encapsulation dot1Q {vid}" + (" native" if a.get("native") else ""))


_GLBP_DEFAULTS = {"priority": "100", "load-balancing": "round-robin", "timers": "3 10", "weighting": "100"}


def _glbp(field: str):
    def handler(ctx: Ctx, a: dict, no: bool) -> None:
        node, group = _node(ctx), a["group"]
        prefix = f"glbp {group} {field}"
        node.remove(lambda n: n.text == prefix or n.text.startswith(prefix + " "))
        if no:
            return
        value = str(a.get("value", "")).strip()
        if field == "load-balancing" and value not in ("round-robin", "weighted", "host-dependent"):
            raise CliError(INVALID)
        if _GLBP_DEFAULTS.get(field) == value:
            return
        node.child(f"{prefix} {value}".strip())
    return handler


def _glbp_weighting(ctx: Ctx, a: dict, no: bool) -> None:
    """``glbp N weighting MAX [lower L] [upper U]`` — never touches the ``weighting track`` lines."""
    node, group = _node(ctx), a["group"]
    node.remove(re.compile(rf"^glbp {group} weighting \d"))
    if no:
        return
    maximum = a["value"]
    lower, upper = a.get("lower", 1), a.get("upper", maximum)
    if not lower <= upper <= maximum:
        raise CliError(INVALID, a.get("upper@col") or a.get("lower@col"))
    if (maximum, lower, upper) != (100, 1, 100):
        node.child(f"glbp {group} weighting {maximum}" + (f" lower {lower} upper {upper}" if (lower, upper) != (1, maximum)
                                                          else ""))


def _glbp_remove(ctx: Ctx, a: dict, no: bool) -> None:
    if not no:
        raise CliError("% Incomplete command.")
    _node(ctx).remove(re.compile(rf"^glbp {a['group']} "))


def _access_group(ctx: Ctx, a: dict, no: bool) -> None:
    """``ip access-group ACL in|out``: one list per direction, the new one replacing the old."""
    node = _node(ctx)
    node.remove(re.compile(rf"^ip access-group \S+ {a['way']}$"))
    if not no:
        node.child(f"ip access-group {a['acl']} {a['way']}")


def _duplex_speed(field: str, values: tuple):
    def handler(ctx: Ctx, a: dict, no: bool) -> None:
        value = "auto" if no else a["value"]
        if value not in values:
            raise CliError(INVALID)
        _node(ctx).set(f"{field} {value}", replace=field)
    return handler


def register(modes: dict[str, Mode]) -> None:
    g, i = modes["config"], modes["if"]
    g.add("interface <name:ifname>", _interface)
    i.add("description | <text:line>", _description)
    i.add("shutdown", _shutdown)
    sp = _switchport
    mode, access, allowed, native = (_members(h) for h in (_switchport_mode, _access_vlan, _allowed, _native))
    i.add("switchport mode | <mode:choice:access|trunk>", _only(sp, mode))
    i.add("switchport mode dynamic <dynamic:choice:auto|desirable>", _only(sp, lambda c, a, n: mode(
        c, {"mode": "dynamic", "dynamic": a["dynamic"]}, n)))
    i.add("switchport access vlan | <vid:int:1-4094>", _only(sp, access))
    i.add("switchport trunk allowed vlan | <vlans:vlanlist>", _only(sp, allowed))
    for action in ("add", "remove", "except"):
        i.add(f"switchport trunk allowed vlan {action} <vlans:vlanlist>",
              _only(sp, lambda c, a, n, x=action: allowed(c, {**a, "action": x}, n)))
    for action in ("all", "none"):
        i.add(f"switchport trunk allowed vlan {action}", _only(sp, lambda c, a, n, x=action: allowed(c, {"action": x}, n)))
    i.add("switchport trunk native vlan | <vid:int:1-4094>", _only(sp, native))
    i.add("switchport nonegotiate", _only(sp, _prefix_line("switchport nonegotiate")))
    i.add("switchport voice vlan | <rest:line>", _only(sp, _prefix_line("switchport voice vlan")))
    i.add("switchport port-security | <rest:line>", _only(sp, _port_security))
    i.add("switchport port-security", _only(sp, _port_security))
    i.add("spanning-tree portfast", _only(sp, _portfast))
    # The `edge` keyword exists from 15.2(2)E (platform.py): a plain 2960 on 15.0(2)SE has no such word.
    edge_sp = _edge_keyword(sp)
    i.add("spanning-tree portfast edge", _only(edge_sp, _portfast))
    for kind in ("trunk", "disable", "network"):
        i.add(f"spanning-tree portfast {kind}", _only(sp, lambda c, a, n, k=kind: _portfast(c, {"kind": k}, n)))
    i.add("spanning-tree portfast edge trunk", _only(edge_sp, lambda c, a, n: _portfast(c, {"kind": "trunk"}, n)))
    # Their arguments as IOS takes them (Catalyst 2960-X 15.2 command reference; cisco.com optional spanning-tree
    # features guide): anything else is "% Invalid input detected at '^' marker.".
    for feature, argument in (("bpduguard", "<value:choice:enable|disable>"), ("bpdufilter", "<value:choice:enable|disable>"),
                              ("guard", "<value:choice:loop|root|none>"),
                              ("link-type", "<value:choice:point-to-point|shared>"),
                              ("cost", "<value:int:1-200000000>")):
        i.add(f"spanning-tree {feature} | {argument}", _only(sp, lambda c, a, n, f=feature: _prefix_line(
            f"spanning-tree {f}")(c, {"rest": str(a["value"])} if "value" in a else {}, n)))
    i.add("spanning-tree port-priority | <value:int:0-240>", _only(sp, _port_priority))
    for kind in ("broadcast", "multicast", "unicast"):
        i.add(f"storm-control {kind} level | <rate:word>", _only(sp, lambda c, a, n, k=kind: _storm_level(c, {**a, "kind": k}, n)))
        i.add(f"storm-control {kind} level <rate:word> <low:word>", _only(sp, lambda c, a, n, k=kind: _storm_level(
            c, {**a, "kind": k}, n)))
        for unit in ("bps", "pps"):
            i.add(f"storm-control {kind} level {unit} <rate:word>", _only(sp, lambda c, a, n, k=kind, u=unit: _storm_level(
                c, {**a, "kind": k, "unit": u}, n)))
            i.add(f"storm-control {kind} level {unit} <rate:word> <low:word>", _only(
                sp, lambda c, a, n, k=kind, u=unit: _storm_level(c, {**a, "kind": k, "unit": u}, n)))
    for action in ("shutdown", "trap"):
        i.add(f"storm-control action {action}", _only(sp, _prefix_line(f"storm-control action {action}")))
    i.add("channel-group | <group:int:1-48> mode <mode:choice:active|passive|on|auto|desirable>", _only(sp, _channel_group))
    i.add("lacp port-priority | <value:int:0-65535>", _only(sp, _lacp_port_priority))
    i.add("ip dhcp snooping trust", _only(sp, _prefix_line("ip dhcp snooping trust")))
    i.add("bandwidth | <rest:int:1-10000000>", _only(_router, _prefix_line("bandwidth")))  # kbit/s
    rt = _routed
    i.add("ip address <ip:ip> <mask:ip>", _only(rt, _ip_address))
    i.add("ip address <ip:ip> <mask:ip> secondary", _only(rt, lambda c, a, n: _ip_address(c, {**a, "secondary": 1}, n)))
    i.add("ip address", _only(rt, _ip_address))
    i.add("ip helper-address | <ip:ip>", _only(rt, _helper))
    i.add("ip nat <side:choice:inside|outside>", _only(_router, _nat))
    i.add("ip virtual-reassembly in", _only(_router, _prefix_line("ip virtual-reassembly in")))
    i.add("ip access-group <acl:word> <way:choice:in|out>", _only(rt, _access_group))
    i.add("encapsulation dot1q | <vid:int:1-4094>", _only(_router, _encapsulation))
    i.add("encapsulation dot1q <vid:int:1-4094> native", _only(_router, lambda c, a, n: _encapsulation(
        c, {**a, "native": 1}, n)))
    i.add("glbp <group:int:0-1023> ip | <value:ip>", _only(_router, _glbp("ip")))
    i.add("glbp <group:int:0-1023> priority | <value:int:1-255>", _only(_router, _glbp("priority")))
    i.add("glbp <group:int:0-1023> preempt", _only(_router, _glbp("preempt")))
    i.add("glbp <group:int:0-1023> preempt delay minimum <delay:int:0-3600>", _only(_router, lambda c, a, n: _glbp(
        "preempt")(c, {**a, "value": f"delay minimum {a['delay']}"}, n)))
    i.add("glbp <group:int:0-1023> load-balancing | <value:choice:round-robin|weighted|host-dependent>", _only(_router, _glbp("load-balancing")))
    i.add("glbp <group:int:0-1023> timers <hello:int:1-60> <hold:int:2-180>", _only(_router, lambda c, a, n: _glbp(
        "timers")(c, {**a, "value": f"{a['hello']} {a['hold']}"}, n)))
    i.add("glbp <group:int:0-1023> weighting | <value:int:1-254>", _only(_router, _glbp_weighting))
    i.add("glbp <group:int:0-1023> weighting <value:int:1-254> lower <lower:int:1-254>", _only(_router, _glbp_weighting))
    i.add("glbp <group:int:0-1023> weighting <value:int:1-254> upper <upper:int:1-254>", _only(_router, _glbp_weighting))
    i.add("glbp <group:int:0-1023> weighting <value:int:1-254> lower <lower:int:1-254> upper <upper:int:1-254>",
          _only(_router, _glbp_weighting))
    i.add("glbp <group:int:0-1023> weighting track <track:int:1-1000>", _only(_router, _glbp_track))
    i.add("glbp <group:int:0-1023> weighting track <track:int:1-1000> decrement <decrement:int:1-254>",
          _only(_router, _glbp_track))
    i.add("glbp <group:int:0-1023>", _only(_router, _glbp_remove))
    i.add("duplex | <value:choice:auto|full|half>", _only(_router_port, _duplex_speed("duplex", ("auto", "full", "half"))))
    i.add("speed | <value:choice:auto|10|100|1000>", _only(_router_port, _duplex_speed("speed", ("auto", "10", "100", "1000"))))
