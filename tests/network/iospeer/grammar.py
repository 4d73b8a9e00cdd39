"""IOS command parsing: keywords by unambiguous prefix, typed arguments, IOS's own errors.

A mode's commands are spec strings compiled into a parse tree, e.g.
``"spanning-tree vlan <vlans:vlanlist> priority <value:int:0-61440>"``. Like IOS:
* a keyword may be abbreviated to any prefix that no other keyword at that point shares;
  a shared prefix is ``% Ambiguous command:  "sp"``;
* a token that fits nothing is ``% Invalid input detected at '^' marker.`` with the caret
  under the token; running out of tokens early is ``% Incomplete command.``.
A ``|`` in a spec marks where the ``no`` form may stop (``"description | <text:line>"``).
The message texts are the ones cisco.ios treats as errors (ansible-collections/cisco.ios
plugins/terminal/ios.py, terminal_stderr_re: "invalid input", "(?:incomplete|ambiguous)
command") and as printed in the device transcripts cited in configs/SOURCES.md.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass, field

INVALID = "% Invalid input detected at '^' marker."
INCOMPLETE = "% Incomplete command."


class CliError(Exception):
    """A line IOS refuses: ``message`` is what it prints, ``caret`` the column it marks."""

    def __init__(self, message: str, caret: int | None = None):
        super().__init__(message)
        self.message, self.caret = message, caret


def ambiguous(token: str) -> CliError:
    return CliError(f'% Ambiguous command:  "{token}"')


@dataclass
class Token:
    text: str
    col: int


def tokenize(line: str) -> list[Token]:
    return [Token(m.group(), m.start()) for m in re.finditer(r"\S+", line)]


def vlan_list(text: str) -> list[int] | None:
    """``10,20,30-32`` -> [10, 20, 30, 31, 32]; None when malformed or out of 1-4094."""
    out: list[int] = []
    for part in text.split(","):
        m = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if not m:
            return None
        lo, hi = int(m.group(1)), int(m.group(2) or m.group(1))
        if not 1 <= lo <= hi <= 4094:
            return None
        out += range(lo, hi + 1)
    return sorted(set(out))


def _ipv4(text: str) -> str | None:
    try:
        return str(ipaddress.IPv4Address(text)) if re.fullmatch(r"\d+\.\d+\.\d+\.\d+", text) else None
    except ValueError:
        return None


@dataclass
class Param:
    name: str
    kind: str
    arg: str = ""

    def match(self, tokens: list[Token], i: int, line: str, ctx) -> tuple[object, int] | None:
        text = tokens[i].text
        if self.kind == "word":
            return text, 1
        if self.kind == "line":
            return line[tokens[i].col:].rstrip(), len(tokens) - i
        if self.kind == "int":
            lo, hi = (int(x) for x in self.arg.split("-"))
            return (int(text), 1) if text.isdigit() and lo <= int(text) <= hi else None
        if self.kind == "ip":
            value = _ipv4(text)
            return (value, 1) if value else None
        if self.kind == "vlanlist":
            value = vlan_list(text)
            return (value, 1) if value else None
        if self.kind == "choice":
            options = self.arg.split("|")
            low = text.lower()
            found = [o for o in options if o == low] or [o for o in options if o.startswith(low)]
            if len(found) > 1:
                raise ambiguous(text)
            return (found[0], 1) if found else None
        if self.kind == "hex":
            return (text, 1) if re.fullmatch(r"[0-9A-Fa-f:]+", text) else None
        if self.kind == "ifname":
            from .names import split
            found = split([t.text for t in tokens[i:i + 2]], list(ctx.device.platform.interface_types))
            if not found or not found[1]:
                return None
            return found[0] + found[1], found[2]
        raise ValueError(f"unknown parameter type {self.kind}")


@dataclass
class PNode:
    keywords: dict[str, PNode] = field(default_factory=dict)
    params: list[tuple[Param, PNode]] = field(default_factory=list)
    handler: Callable | None = None
    no_handler: Callable | None = None
    gates: list = field(default_factory=list)   # per spec through this node: its gate (``handler.gate``) or None


class Mode:
    """The commands of one CLI mode, compiled into a parse tree."""

    def __init__(self, name: str):
        self.name = name
        self.root = PNode()

    def add(self, spec: str, handler: Callable, no: bool = True) -> None:
        """``handler.gate`` (a test of the session's Ctx), when set, hides the spec where the test fails: a keyword that
        only such specs use is unknown there (invalid input, no abbreviation clash), as on a device that lacks it
        (``switchport`` on a router)."""
        node, no_from, gate = self.root, None, getattr(handler, "gate", None)
        words = spec.split()
        if "|" in words:
            no_from = words.index("|")
            words.remove("|")
        for index, word in enumerate(words):
            if no and no_from is not None and index == no_from:
                node.no_handler = handler
            if word.startswith("<"):
                name, kind, *arg = word.strip("<>").split(":")
                param = Param(name, kind, arg[0] if arg else "")
                existing = next((n for p, n in node.params if p == param), None)
                if existing is None:
                    existing = PNode()
                    node.params.append((param, existing))
                node = existing
            else:
                node = node.keywords.setdefault(word.lower(), PNode())
            node.gates.append(gate)
        node.handler = handler
        if no:
            node.no_handler = node.no_handler or handler

    def parse(self, line: str, ctx) -> tuple[Callable, dict, bool]:
        """(handler, arguments, negated) for ``line``, or CliError as IOS words it."""
        tokens = tokenize(line)
        negate = False
        if tokens and tokens[0].text.lower() in ("no", "default", "defa", "defau", "defaul"):
            negate, tokens = True, tokens[1:]
            if not tokens:
                raise CliError(INCOMPLETE)
        node, i, args = self.root, 0, {}
        while True:
            if i == len(tokens):
                handler = node.no_handler if negate else node.handler
                if handler is None:
                    raise CliError(INCOMPLETE)
                return handler, args, negate
            token = tokens[i]
            low = token.text.lower()
            shown = [k for k, child in node.keywords.items()
                     if None in child.gates or any(gate(ctx) for gate in child.gates)]
            words = [low] if low in shown else [k for k in shown if k.startswith(low)]
            if len(words) > 1:
                raise ambiguous(token.text)
            if words:
                args.setdefault("@keywords", []).append((words[0], token.col))
                node, i = node.keywords[words[0]], i + 1
                continue
            for param, child in node.params:
                found = param.match(tokens, i, line, ctx)
                if found is not None:
                    args[param.name], args[param.name + "@col"] = found[0], token.col
                    node, i = child, i + found[1]
                    break
            else:
                raise CliError(INVALID, token.col)
