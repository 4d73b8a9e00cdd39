"""``line`` and the line sub-mode (console, aux, vty).

Rules and sources:
* Each line keeps its own settings; the running-config prints runs of consecutive lines
  with identical settings as one block and always splits vty 0-4 from 5-15 (every config in
  configs/ shows ``line vty 0 4`` and ``line vty 5 15``).
* ``exec-timeout 10 0`` is the default and not printed; ``exec-timeout N`` means ``N 0``.
* ``transport input`` is printed whatever its value (1941 15.4 prints ``transport input
  none`` and a 1921 15.1 ``transport input all``, code-corpus files 45564638224 and
  37204252964); a vty without the line accepts every transport.
* A vty line authenticates by default (``login``, printed in every config in configs/); ``no login`` (also typed
  ``no login local``) removes that and IOS prints ``no login`` under the line ("By default, the IOS includes the login
  command on the VTY lines ... If, by mistake, the no login command is set, which removes the requirement for
  authentication", Cisco NetAcad CCNA R&S1 2.2.2.3; switch running-configs printing ``line vty 5 15`` / `` no login``,
  code-corpus files 18360447735 and 55028425186). A console line has no ``login`` by default: nothing is printed.
* The first five vty lines cannot be deleted: "%Can't delete last 5 VTY lines" (NSO cisco-ios
  NED warning list, code-corpus file 18293421730). ``no line con 0`` / ``no line aux 0``
  are refused as invalid input (no device wording found; a console cannot be deleted).

Unsourced: ``no transport input`` removes the line, so the vty takes the platform's default again (nothing
printed); whether IOS instead stores and prints ``transport input none`` was not found (no transcript; sitekit
sends ``transport input ssh`` and never its ``no`` form, ios_driver.py replaces it in place).
"""

from __future__ import annotations

from . import hashes
from .cmd_system import password_encryption
from .context import Ctx, refuse
from .grammar import INVALID, CliError, Mode
from .tree import Node


def _enter(kind: str):
    def handler(ctx: Ctx, a: dict, no: bool) -> None:
        device = ctx.device
        first = a.get("first", 0)
        last = a.get("last", first)
        if last < first:
            raise CliError(INVALID, a.get("last@col"))
        ids = device.line_ids(kind, first, last)
        if no:
            if kind != "vty":
                keyword_col = dict(a.get("@keywords", [])).get(kind if kind != "tty" else "line")
                raise CliError(INVALID, keyword_col)
            if first < 5:
                raise refuse("%Can't delete last 5 VTY lines")
            for lid in ids:
                device.lines.pop(lid, None)
            return
        for lid in ids:
            if lid not in device.lines:
                if kind != "vty":
                    raise CliError(INVALID, a.get("first@col"))
                device.lines[lid] = Node(f"vty {lid[1]}", [Node("login")])
        ctx.enter("line", ids)
    return handler


def _set(prefix: str, default: str | None = None, value_of=None):
    """Set ``prefix VALUE`` on every target line; VALUE == default is not stored."""
    def handler(ctx: Ctx, a: dict, no: bool) -> None:
        value = None if no else (value_of(ctx, a) if value_of else a.get("rest", ""))
        for lid in ctx.target:
            node = ctx.device.lines[lid]
            node.remove(prefix)
            if value is not None and value != default:
                node.child(f"{prefix} {value}".strip())
    return handler


def _exec_timeout(ctx: Ctx, a: dict) -> str:
    return f"{a['minutes']} {a.get('seconds', 0)}"


def _transport_input(ctx: Ctx, a: dict) -> str:
    words = a["rest"].split()
    allowed = {"ssh", "telnet", "all", "none", "rlogin", "lat", "mop", "pad", "udptn", "v120", "lapb-ta"}
    if not words or any(w not in allowed for w in words):
        raise CliError(INVALID)
    return " ".join(words)


def _transport_input_handler(ctx: Ctx, a: dict, no: bool) -> None:
    value = None if no else _transport_input(ctx, a)
    for lid in ctx.target:
        node = ctx.device.lines[lid]
        node.remove("transport input")
        if value is not None:
            node.child(f"transport input {value}")


def _login(ctx: Ctx, a: dict, no: bool) -> None:
    """A vty line's default is ``login`` (printed); ``no login`` -- and ``no login local``, whose keyword the no form
    ignores -- turns authentication off and is printed ``no login`` (module docstring). Console and aux lines have no
    login by default: nothing is printed there."""
    for lid in ctx.target:
        node = ctx.device.lines[lid]
        node.remove(lambda n: n.text in ("login", "login local", "no login"))
        if not no:
            node.child("login local" if a.get("local") else "login")
        elif lid[0] == "vty":
            node.child("no login")


def _password(ctx: Ctx, a: dict, no: bool) -> None:
    words = (a.get("rest") or "").split()
    value = None
    if not no:
        if len(words) == 2 and words[0] == "7":
            if not hashes.TYPE7.match(words[1]):
                raise CliError(INVALID)
            value = f"7 {words[1]}"
        else:
            clear = words[1] if len(words) == 2 and words[0] == "0" else " ".join(words)
            value = f"7 {hashes.type7(clear)}" if password_encryption(ctx) else clear
    _set("password")(ctx, {"rest": value}, value is None)


def _access_class(ctx: Ctx, a: dict) -> str:
    if a["direction"] not in ("in", "out"):
        raise CliError(INVALID)
    return f"{a['acl']} {a['direction']}"


def _flag(word: str):
    """Settings printed only when switched off (``no exec``, ``no activation-character``)."""
    def handler(ctx: Ctx, a: dict, no: bool) -> None:
        for lid in ctx.target:
            node = ctx.device.lines[lid]
            node.remove(lambda n: n.text == f"no {word}")
            if no:
                node.child(f"no {word}")
    return handler


def register(modes: dict[str, Mode]) -> None:
    g, line = modes["config"], modes["line"]
    g.add("line con <first:int:0-0>", _enter("con"))
    g.add("line console <first:int:0-0>", _enter("con"))
    g.add("line aux <first:int:0-0>", _enter("aux"))
    g.add("line vty <first:int:0-15>", _enter("vty"))
    g.add("line vty <first:int:0-15> <last:int:0-15>", _enter("vty"))
    g.add("line <first:int:2-2>", _enter("tty"))
    line.add("exec-timeout | <minutes:int:0-35791>", _set("exec-timeout", "10 0", _exec_timeout))
    line.add("exec-timeout <minutes:int:0-35791> <seconds:int:0-2147483>", _set("exec-timeout", "10 0", _exec_timeout))
    line.add("logging synchronous", _set("logging synchronous", None, lambda c, a: ""))
    line.add("login", _login)
    line.add("login local", lambda c, a, n: _login(c, {"local": 1}, n))
    line.add("transport input | <rest:line>", _transport_input_handler)
    # Same protocol keywords as transport input (anything else: "% Invalid input detected").
    line.add("transport output | <rest:line>", _set("transport output", None, _transport_input))
    line.add("transport preferred | <rest:line>", _set("transport preferred", None, _transport_input))
    line.add("access-class <acl:word> | <direction:choice:in|out>", _set("access-class", None, _access_class))
    line.add("password | <rest:line>", _password)
    line.add("privilege level | <level:int:0-15>", _set("privilege level", "1", lambda c, a: str(a["level"])))
    line.add("stopbits | <rest:line>", _set("stopbits"))
    line.add("session-timeout | <rest:line>", _set("session-timeout"))
    line.add("exec", _flag("exec"))
    line.add("activation-character", _flag("activation-character"))
