"""Global IP forwarding commands: default gateway (switch), static routes, NAT, CEF, object tracking (router).

Printed as the 1941 15.4 configs print them (FlagHunter01/school docs/projet.md):
``ip nat inside source list 100 interface GigabitEthernet0/1 overload``,
``ip route 10.10.10.0 255.255.255.0 80.0.0.3``, ``ip cef``, ``no ipv6 cef``,
``ip forward-protocol nd``. Interface names in these lines are expanded; a route whose
network has host bits set is refused with "%Inconsistent address and mask".

Object tracking (Cisco IOS IP Application Services Configuration Guide, "Configuring
Enhanced Object Tracking"): ``track N interface IFNAME line-protocol|ip routing`` enters
``(config-track)#`` (``delay up|down`` inside); printed before the interfaces, as in a
router's running-config with GLBP weighting tracks (code-corpus file 29359894589:
``track 1 interface Ethernet0/0 line-protocol`` then the interfaces). The tracked interface
must exist on the device.

``no ip route NET MASK [HOP ...]`` that matches no configured route is answered "%No matching route to delete"
and changes nothing (expect strings of device scripts: code-corpus files 12324889845 and 34383250697
``no ip route ... null0`` -> ``%No matching route to delete``; Net::Telnet::Cisco's warning list, code-corpus file
27393645100 ``^%No matching route to delete$``; code-corpus file 69106654922: a full-line ``no`` whose next hop has
drifted from the device's is refused with it). ``no ip route NET MASK`` removes every route to that prefix.
"""

from __future__ import annotations

import ipaddress
import re

from .context import Ctx, refuse
from .grammar import INCOMPLETE, INVALID, CliError, Mode, _ipv4, ambiguous
from .names import split

NO_MATCHING_ROUTE = "%No matching route to delete"


def _router(handler):
    def gated(ctx: Ctx, a: dict, no: bool):
        if ctx.device.platform.kind != "router":
            raise CliError(INVALID)
        return handler(ctx, a, no)
    return gated


def _switch(handler):
    def gated(ctx: Ctx, a: dict, no: bool):
        if ctx.device.platform.kind != "switch":
            raise CliError(INVALID)
        return handler(ctx, a, no)
    return gated


def _default_gateway(ctx: Ctx, a: dict, no: bool) -> None:
    ctx.device.root.remove("ip default-gateway")
    if not no:
        ctx.device.root.child(f"ip default-gateway {a['ip']}")


class _Words:
    """The words after a command's fixed keywords, read one by one with their columns (for the caret)."""

    def __init__(self, a: dict):
        self.items = [(m.group(), a.get("rest@col", 0) + m.start()) for m in re.finditer(r"\S+", a.get("rest", ""))]
        self.i = 0

    def more(self) -> bool:
        return self.i < len(self.items)

    def take(self, check) -> str:
        """The next word as ``check`` reads it; incomplete when none is left, invalid when ``check`` gives None."""
        if not self.more():
            raise CliError(INCOMPLETE)
        text, col = self.items[self.i]
        value = check(text)
        if value is None:
            raise CliError(INVALID, col)
        self.i += 1
        return value

    def keyword(self, *options: str) -> str | None:
        """The next word when it abbreviates one of ``options`` (consumed), else None."""
        if not self.more():
            return None
        text = self.items[self.i][0].lower()
        found = [o for o in options if o == text] or [o for o in options if o.startswith(text)]
        if len(found) > 1:
            raise ambiguous(self.items[self.i][0])
        if found:
            self.i += 1
        return found[0] if found else None

    def interface(self, ctx: Ctx) -> str | None:
        """An interface of the device (``Gi0/1``, ``gi 0/1``) as IOS prints it, consumed; None when the next words are not one."""
        found = split([t for t, _ in self.items[self.i:self.i + 2]], list(ctx.device.platform.interface_types))
        if not found or not found[1] or ctx.device.interface(found[0] + found[1]) is None:
            return None
        self.i += found[2]
        return found[0] + found[1]

    def fail(self) -> None:
        """Refuse at the next word: incomplete when there is none."""
        self.take(lambda text: None)

    def end(self) -> None:
        if self.more():
            raise CliError(INVALID, self.items[self.i][1])


def _number(lo: int, hi: int):
    return lambda text: text if text.isdigit() and lo <= int(text) <= hi else None


def _route(ctx: Ctx, a: dict, no: bool) -> None:
    """``ip route NET MASK {HOP | IF [HOP]} [dhcp] [DISTANCE] [name NAME] [permanent | track N] [tag TAG]``, in that
    order (Cisco IOS IP Routing: Protocol-Independent Command Reference, ip route); ``dhcp`` after an interface as a
    C891F 15.4(3)M3 prints it (``ip route 0.0.0.0 0.0.0.0 GigabitEthernet8 dhcp``)."""
    network, mask = ipaddress.IPv4Address(a["net"]), ipaddress.IPv4Address(a["mask"])
    if int(network) & ~int(mask) & 0xFFFFFFFF:
        raise refuse("%Inconsistent address and mask")
    words = _Words(a)
    if not words.more():
        if no:
            if not ctx.device.root.remove(lambda n: n.text.split()[:4] == ["ip", "route", a["net"], a["mask"]]):
                raise refuse(NO_MATCHING_ROUTE)
            return
        raise CliError(INCOMPLETE)
    interface = words.interface(ctx)
    hop = [interface] if interface else [words.take(_ipv4)]
    if interface and words.more() and _ipv4(words.items[words.i][0]):
        hop.append(words.take(_ipv4))
    tail = ["dhcp"] if interface and words.keyword("dhcp") else []
    if words.more() and words.items[words.i][0].isdigit():
        tail.append(words.take(_number(1, 255)))
    stage, stages = 0, {"name": 0, "permanent": 1, "track": 1, "tag": 2}
    values = {"name": lambda t: t, "track": _number(1, 1000), "tag": _number(1, 4294967295)}
    while found := words.keyword(*[k for k, n in stages.items() if n >= stage]):
        stage = stages[found] + 1
        tail += [found] if found == "permanent" else [found, words.take(values[found])]
    words.end()
    text = " ".join(["ip route", a["net"], a["mask"], *hop, *tail])
    gone = ctx.device.root.remove(lambda n: n.text.split()[:5] == text.split()[:5])
    if no and not gone:
        raise refuse(NO_MATCHING_ROUTE)
    if not no:
        ctx.device.root.child(text)


def _nat_source(ctx: Ctx, a: dict, no: bool) -> None:
    """``ip nat inside source list ACL {interface IF | pool NAME} [overload]`` and ``... static [tcp|udp] LOCAL [LPORT]
    {GLOBAL | interface IF} [GPORT] [extendable]`` (Cisco IOS IP Addressing Services Command Reference, ip nat inside
    source); nothing after the last optional keyword."""
    words = _Words(a)
    kind = words.keyword("list", "static")
    if kind is None:
        words.fail()
    out = [kind]
    if kind == "list":
        out.append(words.take(lambda t: t))
        way = words.keyword("interface", "pool")
        if way is None:
            words.fail()
        interface = words.interface(ctx) if way == "interface" else None
        if way == "interface" and interface is None:
            words.fail()
        out += [way, interface or words.take(lambda t: t)]
        if words.keyword("overload"):
            out.append("overload")
    else:
        protocol = words.keyword("tcp", "udp")
        out += [protocol] if protocol else []
        port = _number(1, 65535)
        out.append(words.take(_ipv4))
        if protocol:
            out.append(words.take(port))
        if words.keyword("interface"):
            interface = words.interface(ctx)
            if interface is None:
                words.fail()
            out += ["interface", interface]
        else:
            out.append(words.take(_ipv4))
        if protocol:
            out.append(words.take(port))
        if words.keyword("extendable"):
            out.append("extendable")
    words.end()
    text = "ip nat inside source " + " ".join(out)
    key = 6 if kind == "list" else len(text.split())
    ctx.device.root.remove(lambda n: n.text.split()[:key] == text.split()[:key])
    if not no:
        ctx.device.root.child(text)


def _line(prefix: str, positive: str | None = None, negative: str | None = None):
    def handler(ctx: Ctx, a: dict, no: bool) -> None:
        text = f"{prefix} {a['rest']}".strip() if "rest" in a else prefix
        ctx.device.root.remove(lambda n: n.text in (text, positive, negative) or n.text.startswith(prefix + " "))
        if no and negative:
            ctx.device.root.child(negative)
        elif not no:
            ctx.device.root.child(positive or text)
    return handler


def _track(ctx: Ctx, a: dict, no: bool) -> None:
    prefix = f"track {a['id']} "
    if no:
        ctx.device.root.remove(lambda n: n.text.startswith(prefix))
        return
    if ctx.device.interface(a["name"]) is None:
        raise CliError(INVALID, a.get("name@col"))
    text = f"track {a['id']} interface {a['name']} {a['what']}"
    ctx.enter("track", ctx.device.root.set(text, replace=lambda n: n.text.startswith(prefix)))


def _track_remove(ctx: Ctx, a: dict, no: bool) -> None:
    if not no:
        raise CliError("% Incomplete command.")
    _track(ctx, a, no)


def _track_delay(ctx: Ctx, a: dict, no: bool) -> None:
    ctx.target.remove("delay")
    if not no:
        ctx.target.child(f"delay {a['rest']}")


def register(modes: dict[str, Mode]) -> None:
    g = modes["config"]
    g.add("ip default-gateway | <ip:ip>", _default_gateway)
    g.add("ip route <net:ip> <mask:ip> | <rest:line>", _router(_route))
    g.add("ip nat inside source <rest:line>", _router(_nat_source))
    g.add("ip nat pool <rest:line>", _router(_line("ip nat pool")))
    g.add("ip cef", _router(_line("ip cef", "ip cef", "no ip cef")))
    g.add("ipv6 cef", _router(_line("ipv6 cef", "ipv6 cef", "no ipv6 cef")))
    g.add("ip forward-protocol nd", _router(_line("ip forward-protocol nd")))
    g.add("track <id:int:1-1000>", _router(_track_remove))
    g.add("track <id:int:1-1000> interface <name:ifname> line-protocol",
          _router(lambda ctx, a, no: _track(ctx, {**a, "what": "line-protocol"}, no)))
    g.add("track <id:int:1-1000> interface <name:ifname> ip routing",
          _router(lambda ctx, a, no: _track(ctx, {**a, "what": "ip routing"}, no)))
    modes["track"].add("delay | <rest:line>", _track_delay)
