"""Remediation of an IOS configuration with hier_config 2.3.1: what to send, nothing more.

``remediate(running, intended, include, exclude)`` returns the ordered command lines
that take the running configuration to the intended one, sections closed with
``exit``. Both texts are first cut to the same scope: ``include`` keeps the top-level
sections that match (all when empty), ``exclude`` drops matching lines at any depth
with their children — lines the device adds by itself, or that a simulator lacks.
"""

from __future__ import annotations

import copy
import re

try:
    from hier_config import Host
    from hier_config.options import options_for
    HAS_HIER_CONFIG = True
except ImportError:  # pragma: no cover - reported by the module with missing_required_lib
    HAS_HIER_CONFIG = False

# Lines IOS shows by itself that an intended configuration does not declare.
DEFAULT_EXCLUDE = [
    r"^vlan 1$", r"^version ", r"^boot-(start|end)-marker", r"^boot ", r"^license ", r"^crypto pki ",
    r"^vtp ", r"^system mtu", r"^diagnostic ", r"^vlan internal ", r"^no aaa new-model", r"^memory ",
    r"^redundancy", r"^ntp clock-period", r"^Building configuration", r"^Current configuration", r"^end$",
    r"^!", r"^\s*$", r"^control-plane", r"^multilink bundle-name", r"^spanning-tree extend system-id",
]
# Lines IOS accepts but never shows in running-config: compared through a show command
# instead (``missing_write_only``), never through the text diff.
WRITE_ONLY = {re.compile(r"^snmp-server user (\S+) "): ("show snmp user {0}", "User name: {0}")}
# Commands IOS replaces in place (no `no` of the old value first).
IDEMPOTENT = [
    [r"^vlan ", r"^name "],
    [r"^interface ", r"^description "],
    [r"^interface ", r"^ip address \S+ \S+$"],
    [r"^interface ", r"^switchport access vlan "],
    [r"^interface ", r"^switchport trunk allowed vlan \d"],
    [r"^interface ", r"^switchport trunk native vlan "],
    [r"^interface ", r"^switchport mode "],
    [r"^interface ", r"^channel-group "],
    [r"^interface ", r"^encapsulation dot1Q "],
    [r"^interface ", r"^glbp (\d+) priority "],
    [r"^interface ", r"^glbp (\d+) load-balancing "],
    [r"^hostname "], [r"^ip default-gateway "], [r"^ip domain-name "], [r"^ip ssh version "],
    [r"^spanning-tree mode "], [r"^logging trap "], [r"^snmp-server engineID local "],
    [r"^ip ftp username "], [r"^ip ftp password "],
    [r"^line ", r"^exec-timeout "], [r"^line ", r"^access-class "], [r"^line ", r"^transport input "],
    [r"^archive", r"^path "], [r"^archive", r"^time-period "],
]


def _options() -> dict:
    opts = copy.deepcopy(options_for("ios"))
    opts["idempotent_commands"] = opts.get("idempotent_commands", []) + [
        {"lineage": [{"re_search": rx} for rx in lineage]} for lineage in IDEMPOTENT]
    return opts


def scope(text: str, include: list[str] | None = None, exclude: list[str] | None = None) -> str:
    """The part of a configuration that is managed (see the module docstring)."""
    inc = [re.compile(rx) for rx in include or []]
    exc = [re.compile(rx) for rx in (exclude or [])]
    out: list[str] = []
    keep_block = True
    drop_below: int | None = None
    for raw in text.replace("\r", "").splitlines():
        if not raw.strip() or raw.lstrip().startswith("!"):
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        if drop_below is not None and indent > drop_below:
            continue
        drop_below = None
        if indent == 0:
            keep_block = not inc or any(rx.search(raw) for rx in inc)
        if not keep_block:
            continue
        if any(rx.search(raw) or rx.search(raw.strip()) for rx in exc):
            drop_below = indent
            continue
        out.append(raw.rstrip())
    return "\n".join(out) + "\n"


def _lines(node, depth: int = 0) -> list[str]:
    out = []
    for child in node.children:
        out.append(" " * depth + child.text)
        if child.children:
            out += _lines(child, depth + 1)
            out.append(" " * (depth + 1) + "exit")
    return out


def remediate(running: str, intended: str, include: list[str] | None = None,
              exclude: list[str] | None = None) -> tuple[list[str], str, str]:
    """(commands, running in scope, intended in scope)."""
    if not HAS_HIER_CONFIG:
        raise RuntimeError("hier_config is required to compute a remediation")
    exclude = DEFAULT_EXCLUDE + list(exclude or []) + [rx.pattern for rx in WRITE_ONLY]
    before, after = scope(running, include, exclude), scope(intended, include, exclude)
    host = Host("device", "ios", _options())
    host.load_running_config(before)
    host.load_generated_config(after)
    return _lines(host.remediation_config()), before, after


def write_only_lines(intended: str, include: list[str] | None = None, exclude: list[str] | None = None) -> list[tuple[str, str, str]]:
    """(line, show command, text present when applied) for each write-only line in scope."""
    out = []
    for line in scope(intended, include, DEFAULT_EXCLUDE + list(exclude or [])).splitlines():
        for rx, (show, present) in WRITE_ONLY.items():
            m = rx.match(line)
            if m:
                out.append((line, show.format(*m.groups()), present.format(*m.groups())))
    return out
