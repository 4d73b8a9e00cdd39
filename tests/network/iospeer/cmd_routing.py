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
"""

from __future__ import annotations

import ipaddress

from .context import Ctx, refuse
from .grammar import INVALID, CliError, Mode, _ipv4
from .names import split


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


def _route(ctx: Ctx, a: dict, no: bool) -> None:
    network, mask = ipaddress.IPv4Address(a["net"]), ipaddress.IPv4Address(a["mask"])
    if int(network) & ~int(mask) & 0xFFFFFFFF:
        raise refuse("%Inconsistent address and mask")
    words = a.get("rest", "").split()
    if not words:
        if no:
            ctx.device.root.remove(lambda n: n.text.split()[:4] == ["ip", "route", a["net"], a["mask"]])
            return
        raise CliError("% Incomplete command.")
    hop = _ipv4(words[0])
    used = 1
    if hop is None:
        found = split(words[:2], list(ctx.device.platform.interface_types))
        if not found or not found[1] or ctx.device.interface(found[0] + found[1]) is None:
            raise CliError(INVALID)
        hop, used = found[0] + found[1], found[2]
        if len(words) > used and _ipv4(words[used]):
            hop, used = f"{hop} {words[used]}", used + 1
    tail = words[used:]
    if tail and not (tail[0].isdigit() and 1 <= int(tail[0]) <= 255 or tail[0] in ("name", "permanent", "tag")):
        raise CliError(INVALID)
    text = " ".join(["ip route", a["net"], a["mask"], hop] + tail)
    ctx.device.root.remove(lambda n: n.text.split()[:5] == text.split()[:5])
    if not no:
        ctx.device.root.child(text)


def _nat_source(ctx: Ctx, a: dict, no: bool) -> None:
    words = a["rest"].split()
    if len(words) >= 3 and words[0] == "list" and words[2] == "interface":
        found = split(words[3:5], list(ctx.device.platform.interface_types))
        if not found or not found[1]:
            raise CliError(INVALID)
        words = words[:3] + [found[0] + found[1]] + words[3 + found[2]:]
    elif not (len(words) >= 3 and (words[0] == "static" or (words[0] == "list" and words[2] == "pool"))):
        raise CliError(INVALID)
    text = "ip nat inside source " + " ".join(words)
    key = 6 if words[0] == "list" else len(text.split())
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
