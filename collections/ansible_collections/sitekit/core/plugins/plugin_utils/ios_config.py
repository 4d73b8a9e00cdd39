"""A rendered IOS configuration as a tree of lines, and the problem a check reports on it.

Parsed by indentation: ciscoconfparse2 0.9.18, the parser used before, pins hier-config 2.3.1 and
fails to import next to hier_config 3 (``module 'hier_config' has no attribute 'Host'``), which
the push needs. Shared by the checks of ios_validate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ansible_collections.sitekit.core.plugins.module_utils.ios_vlans import ALL_VLANS, trunk_allowed


@dataclass
class ConfigProblem:
    host: str
    line: int  # 1-based, 0 when the problem is a missing line
    text: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}: {self.text.strip()!r}: " if self.line else ""
        return f"{self.host}: {where}{self.message}"


@dataclass
class Line:
    """One line of a configuration: its text (indentation kept), 0-based number, sub-mode lines."""

    text: str
    linenum: int
    children: list = field(default_factory=list)


class Config:
    """A configuration as a tree of lines, searched like ciscoconfparse's ``find_objects``."""

    def __init__(self, text: str):
        self.lines: list[Line] = []
        stack: list[tuple[int, Line]] = []
        for number, raw in enumerate(text.replace("\r", "").split("\n")):
            if not raw.strip():
                continue
            indent = len(raw) - len(raw.lstrip(" "))
            line = Line(raw.rstrip(), number)
            while stack and stack[-1][0] >= indent:
                stack.pop()
            if stack and not raw.lstrip().startswith("!"):
                stack[-1][1].children.append(line)
            self.lines.append(line)
            if not raw.lstrip().startswith("!"):
                stack.append((indent, line))

    def find_objects(self, pattern: str) -> list[Line]:
        rx = re.compile(pattern)
        return [line for line in self.lines if rx.search(line.text)]


def find_child(obj, pattern: str):
    rx = re.compile(pattern)
    for child in obj.children:
        m = rx.search(child.text)
        if m:
            return child, m
    return None, None


def interfaces_of(parse) -> dict:
    return {o.text.split(None, 1)[1].strip(): o for o in parse.find_objects(r"^interface\s")}


class VlanListError(ValueError):
    """A ``switchport trunk allowed vlan`` line that is no VLAN list IOS would print, with that line."""

    def __init__(self, line: Line, message: str):
        super().__init__(message)
        self.line = line


def trunk_vlans(obj) -> list[int] | None:
    """The VLANs an interface's ``switchport trunk allowed vlan`` lines allow, in order (a list continued by
    ``add`` lines as IOS prints it); None when they allow every VLAN (no such line, or ``all``)."""
    allowed = set(ALL_VLANS)
    for child in obj.children:
        m = re.match(r"^\s*switchport trunk allowed vlan (.*)$", child.text)
        if m:
            try:
                allowed = trunk_allowed(m.group(1), allowed)
            except ValueError as e:
                raise VlanListError(child, str(e)) from None
    return None if allowed == ALL_VLANS else sorted(allowed)


def port_state(obj) -> dict:
    """An interface's switchport state; a trunk VLAN line that is no VLAN list raises VlanListError."""
    mode, _ = find_child(obj, r"^\s*switchport mode (\S+)")
    _, m_access = find_child(obj, r"^\s*switchport access vlan (\d+)")
    _, m_chan = find_child(obj, r"^\s*channel-group (\d+) mode (\S+)")
    _, m_native = find_child(obj, r"^\s*switchport trunk native vlan (\d+)")
    return {"mode": mode.text.split()[-1] if mode is not None else None,
            "allowed": trunk_vlans(obj),
            "access": int(m_access.group(1)) if m_access else None,
            "channel": (int(m_chan.group(1)), m_chan.group(2)) if m_chan else None,
            "native": int(m_native.group(1)) if m_native else 1}

