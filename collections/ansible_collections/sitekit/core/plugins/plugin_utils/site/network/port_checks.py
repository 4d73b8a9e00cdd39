"""Whether the ports the inventory names exist on a switch stack: what the switch-ports rule asks.

The answers come from the view's own names and layouts (names.expand_ports, switch.PORT_LAYOUTS,
switch.PLAIN_2960_PORTS): a port the rule accepts is one the view can configure. A plain 2960 has
FastEthernet0/N and GigabitEthernet0/1-2 only: a stack name (GigabitEthernet1/0/N) is refused there.
"""

from __future__ import annotations

import re

from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network.names import expand_ports
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network.switch import (
    PORT_LAYOUTS,
    is_plain_2960,
    plain_2960_names,
    switch_ports,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import SiteError
from ansible_collections.sitekit.core.plugins.plugin_utils.site.rulebook import dig


def stack_members(site: Site, host: str) -> list:
    stack = dig(site.hosts[host].vars, ["switch", "stack"])
    return [m for m in stack if isinstance(m, dict)] if isinstance(stack, list) else []


def physical_ports(site: Site, host: str) -> set[str] | None:
    """The ports of a switch stack from its members' models (the view's switch_ports), None when unknown."""
    stack = stack_members(site, host)
    if not stack or any(not isinstance(m.get("member"), int) or m.get("model") not in PORT_LAYOUTS for m in stack):
        return None
    if len(stack) > 1 and any(is_plain_2960(m.get("model")) for m in stack):
        return None  # a plain 2960 in a stack: the stack rule says it cannot stack
    return set(switch_ports(stack))


def port_problem(site: Site, host: str, spec, physical: set[str]) -> str | None:
    """Why a port (or range) of ``spec`` does not exist on a switch stack, or None."""
    try:
        names = expand_ports(str(spec))
    except SiteError as exc:
        return exc.message
    missing = [n for n in names if n not in physical]
    if not missing:
        return None
    shown = missing[0] if len(missing) == 1 else f"{missing[0]} … {missing[-1]} ({len(missing)} ports)"
    stack = stack_members(site, host)
    if len(stack) == 1 and is_plain_2960(model := stack[0].get("model")):
        return (f"{shown} does not exist: this is a plain {model} (one switch, it does not stack); its ports are "
                f"{plain_2960_names(model)}")
    members = sorted({m.get("member") for m in stack})
    numbers = [re.match(r"^[A-Za-z-]+(\d+)/", n) for n in missing]
    absent = sorted({int(m.group(1)) for m in numbers if m} - set(members))
    if absent:
        return (f"member {', '.join(map(str, absent))} is not in this stack (members: "
                f"{', '.join(map(str, members))})")
    found = re.match(r"^[A-Za-z-]+(\d+)/\d+/(\d+)$", missing[0])
    model_of = {m.get("member"): m.get("model") for m in stack_members(site, host)}
    if found and int(found.group(1)) in model_of:
        model = model_of[int(found.group(1))]
        return f"{shown} does not exist: member {found.group(1)} is a {model} with ports 1-{PORT_LAYOUTS[model]}"
    return f"{shown} does not exist on this stack"
