"""Access lists: named (``ip access-list standard|extended``) and numbered (``access-list N``).

Printed as IOS 15.x prints them (configs/ and FlagHunter01/school docs/projet.md):
* ``deny`` is padded to the width of ``permit``: ``deny   any log``,
  ``access-list 100 deny   ip 172.16.1.0 0.0.0.255 ...``;
* in a standard list a host is printed bare (``permit 10.0.10.80``, from ``permit host
  10.0.10.80`` or ``permit 10.0.10.80 0.0.0.0``); in an extended list ``host A.B.C.D``;
* the address is masked by the wildcard (``permit 10.0.20.5 0.0.0.255`` is kept as
  ``10.0.20.0 0.0.0.255``); sequence numbers order the entries and are not printed;
* numbered lists: 1-99 and 1300-1999 standard, 100-199 and 2000-2699 extended.
* a standard list prints its host entries before its range entries ("host statements followed by range
  statements", Cisco NetAcad CCNA R&S 9.2.2.6; a device's ``show access-lists``: ``10 permit 10.10.1.10``,
  ``24 permit 10.10.2.20``, then ``20 deny ...``), and refuses a host entry after a range (or ``any``) that
  holds it: ``% Access rule can't be configured at higher sequence num as it is part of the existing rule at
  sequence num 30`` (device transcript of ``access-list 10 permit host 10.10.2.20``).

Unsourced: ``no ip access-list standard|extended NAME`` for a list that does not exist is taken silently (no device
transcript found).
"""

from __future__ import annotations

import ipaddress

from .context import Ctx, refuse
from .grammar import INVALID, CliError, Mode, _ipv4
from .tree import Node

_PROTOCOLS = {"ip", "tcp", "udp", "icmp", "gre", "esp", "ahp", "ospf", "eigrp", "pim", "igmp"}


def _action(word: str) -> str:
    if word not in ("permit", "deny"):
        raise CliError(INVALID)
    return "deny  " if word == "deny" else "permit"


def _address(words: list[str], standard: bool) -> str:
    """Consume an address spec from ``words``: any | host A | A [W]."""
    if not words:
        raise CliError("% Incomplete command.")
    first = words.pop(0)
    if first == "any":
        return "any"
    if first == "host":
        host = _ipv4(words.pop(0)) if words else None
        if not host:
            raise CliError(INVALID)
        return host if standard else f"host {host}"
    address = _ipv4(first)
    if not address:
        raise CliError(INVALID)
    wildcard = _ipv4(words[0]) if words else None
    if wildcard is None:
        if not standard:
            raise CliError("% Incomplete command.")
        return address
    words.pop(0)
    if wildcard == "0.0.0.0":
        return address if standard else f"host {address}"
    masked = int(ipaddress.IPv4Address(address)) & ~int(ipaddress.IPv4Address(wildcard)) & 0xFFFFFFFF
    return f"{ipaddress.IPv4Address(masked)} {wildcard}"


def entry(text: str, standard: bool) -> str:
    words = text.split()
    if not words:
        raise CliError("% Incomplete command.")
    if words[0] == "remark":
        return text.strip()
    action = _action(words.pop(0))
    if standard:
        source = _address(words, True)
        rest = words
    else:
        if not words or (words[0] not in _PROTOCOLS and not words[0].isdigit()):
            raise CliError(INVALID)
        protocol = words.pop(0)
        source = f"{protocol} {_address(words, False)}"
        if words and words[0] in ("eq", "gt", "lt", "neq"):
            source += f" {words.pop(0)} {words.pop(0)}"
        source += f" {_address(words, False)}"
        rest = words
    if any(w not in ("log", "eq", "gt", "lt", "neq", "range", "established", "echo", "echo-reply") and not w.isalnum()
           for w in rest):
        raise CliError(INVALID)
    return " ".join([action, source] + rest)


def standard_host(text: str) -> str | None:
    """The host of a standard entry (``permit 10.0.10.80 [log]``), None for a range, ``any`` or a remark."""
    words = text.split()
    return words[1] if words[0] in ("permit", "deny") and len(words) > 1 and _ipv4(words[1]) and \
        (len(words) == 2 or words[2] == "log") else None


def _holds(text: str, host: str) -> bool:
    """Whether the standard range entry ``text`` (``any`` or ``A W``) matches ``host``."""
    words = text.split()
    if words[0] not in ("permit", "deny") or standard_host(text):
        return False
    if words[1] == "any":
        return True
    address, wildcard = (int(ipaddress.IPv4Address(x)) for x in words[1:3])
    return int(ipaddress.IPv4Address(host)) & ~wildcard & 0xFFFFFFFF == address


def check_host(canonical: str, seq: int, entries: list[tuple[int, str]]) -> None:
    """Refuse a standard host entry at ``seq`` after a range entry that holds it."""
    host = standard_host(canonical)
    held = sorted(n for n, text in entries if host and n < seq and _holds(text, host))
    if held:
        raise refuse("% Access rule can't be configured at higher sequence num as it is part of the existing rule "
                     f"at sequence num {held[0]}")


def _acl_enter(kind: str):
    def handler(ctx: Ctx, a: dict, no: bool) -> None:
        text = f"ip access-list {kind} {a['name']}"
        if no:
            ctx.device.root.remove(lambda n: n.text == text)
            return
        ctx.enter("std-nacl" if kind == "standard" else "ext-nacl", ctx.device.root.child(text))
    return handler


def _acl_entry(standard: bool):
    def handler(ctx: Ctx, a: dict, no: bool) -> None:
        acl: Node = ctx.target
        seq, text = a.get("seq"), f"{a['action']} {a.get('rest', '')}".strip()
        if no:
            if a["action"].isdigit():
                acl.remove(lambda n: n.seq == int(a["action"]))
            else:
                canonical = entry(text, standard)
                acl.remove(lambda n: n.text == canonical)
            return
        canonical = entry(text, standard)
        if any(n.text == canonical for n in acl.children):
            return
        seq = seq or (max((n.seq for n in acl.children), default=0) + 10)
        if any(n.seq == seq for n in acl.children):
            raise CliError("% Duplicate sequence number")
        if standard:
            check_host(canonical, seq, [(n.seq, n.text) for n in acl.children])
        acl.children.append(Node(canonical, seq=seq))
        acl.children.sort(key=lambda n: n.seq)
    return handler


def _numbered(ctx: Ctx, a: dict, no: bool) -> None:
    number = a["number"]
    standard = number <= 99 or 1300 <= number <= 1999
    if not (standard or 100 <= number <= 199 or 2000 <= number <= 2699):
        raise CliError(INVALID, a.get("number@col"))
    prefix = f"access-list {number}"
    if no and "rest" not in a:
        ctx.device.root.remove(lambda n: n.text.startswith(prefix + " "))
        return
    text = f"{prefix} {entry(a['rest'], standard)}"
    if no:
        ctx.device.root.remove(lambda n: n.text == text)
    elif not ctx.device.root.find(lambda n: n.text == text):
        if standard:  # numbered entries are numbered 10, 20, ... in the order they were typed
            mine = [n.text.removeprefix(prefix + " ") for n in ctx.device.root.children if n.text.startswith(prefix + " ")]
            check_host(text.removeprefix(prefix + " "), 10 * (len(mine) + 1), [(10 * (i + 1), x) for i, x in enumerate(mine)])
        ctx.device.root.children.append(Node(text))


def _remove_seq(ctx: Ctx, a: dict, no: bool) -> None:
    if not no:
        raise CliError("% Incomplete command.")
    ctx.target.remove(lambda n: n.seq == a["seq"])


def register(modes: dict[str, Mode]) -> None:
    g = modes["config"]
    g.add("ip access-list standard <name:word>", _acl_enter("standard"))
    g.add("ip access-list extended <name:word>", _acl_enter("extended"))
    g.add("access-list <number:int:1-2699> | <rest:line>", _numbered)
    for mode, standard in (("std-nacl", True), ("ext-nacl", False)):
        m = modes[mode]
        m.add("<seq:int:1-2147483647> <action:word> <rest:line>", _acl_entry(standard), no=False)
        m.add("<action:word> <rest:line>", _acl_entry(standard))
        m.add("<action:word>", _acl_entry(standard))
        m.add("<seq:int:1-2147483647>", _remove_seq)
