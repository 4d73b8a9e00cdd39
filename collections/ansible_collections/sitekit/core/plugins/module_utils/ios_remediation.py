"""What a push sends to an IOS device, computed with hier_config 3 and its Cisco IOS driver.

``plan(running, intended, policy, ...)`` returns a ``Plan``:
  - both texts are parsed by hier_config's IOS driver (``SitekitIOSDriver``: its own rules for
    negation, in-place replacement and ordering, plus the IOS 15.x forms listed below) and cut
    to the same scope (``Policy``): the top-level sections the model owns entirely
    (``include``; empty owns everything), every top-level line of the intended configuration,
    and never a line matching ``exclude`` (any depth). An intended line that ``exclude`` would
    drop is an error, never a silent omission;
  - the remediation is hier_config's, sent in hier_config's order (``all_children_sorted``:
    negations, then additions, then the ordering weights), sections closed with ``exit``;
  - IOS cannot delete a physical interface (``% Removal of physical interfaces is not
    permitted``): such negations are dropped, the port keeps what the model does not declare;
  - ``management``: running lines the push would remove or replace on the management path
    (policy.management sections, and the VLAN of every SVI); the push refuses them unless
    allowed;
  - ``deferred``: lines that would cut the session the push runs through (removing or
    readdressing the interface holding ``session_address``, its VLAN, that VLAN on a trunk):
    kept for a push through the new management address;
  - write-only lines IOS never prints (``snmp-server user``: keys localized to the engine ID)
    are compared by a fingerprint the push keeps on the device as a remark of the ACL
    ``SITEKIT-FINGERPRINTS`` (hier_config's IOS driver ignores ACL remarks): a changed key is
    sent once, an unchanged one never, a user the model no longer declares is removed.

The IOS 15.x rules of the driver are in ``ios_driver``, the management path in ``ios_management``,
the write-only lines in ``ios_write_only``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ansible_collections.sitekit.core.plugins.module_utils import ios_management
from ansible_collections.sitekit.core.plugins.module_utils.ios_driver import HAS_HIER_CONFIG, driver
from ansible_collections.sitekit.core.plugins.module_utils.ios_vlans import (
    ALL_VLANS,
    allowed_vlans,
    vlan_ids,
    vlan_list,
)
from ansible_collections.sitekit.core.plugins.module_utils.ios_write_only import (
    FINGERPRINT_ACL,
    WRITE_ONLY,
    fingerprint,
    fingerprints,
    write_only_lines,
)
from ansible_collections.sitekit.core.plugins.module_utils.ios_write_only import commands as write_only_commands

if HAS_HIER_CONFIG:
    from hier_config import get_hconfig

# Used by ios_push, the tests, the bench and the lab's read-back through this module.
__all__ = ["FINGERPRINT_ACL", "HAS_HIER_CONFIG", "WRITE_ONLY", "Plan", "Policy", "fingerprint", "fingerprints", "plan",
           "remediate", "scope", "send_form", "write_only_lines"]

# Lines IOS shows by itself that an intended configuration never declares (used when the
# whole configuration is in scope, ``include`` empty).
DEFAULT_EXCLUDE = [
    r"^vlan 1$", r"^version ", r"^boot-(start|end)-marker", r"^boot ", r"^license ", r"^crypto pki ",
    r"^system mtu", r"^diagnostic ", r"^vlan internal ", r"^no aaa new-model", r"^memory ",
    r"^redundancy", r"^ntp clock-period", r"^Building configuration", r"^Current configuration", r"^end$",
    r"^!", r"^\s*$", r"^control-plane", r"^multilink bundle-name", r"^Using \d+ out of \d+ bytes",
]
# Interfaces IOS can create and delete; every other interface is a port of the chassis.
LOGICAL_INTERFACE = re.compile(r"^(Vlan(?!1$)|Port-channel|Loopback|Tunnel|BVI|Dialer|Virtual-Template|NVI)\d|\.\d+$")


@dataclass
class Policy:
    """What a push owns on one device (the site model's network view says it per device)."""

    include: list = field(default_factory=list)      # top-level families owned entirely (regex, searched)
    exclude: list = field(default_factory=list)      # lines left alone at any depth (regex, indented text)
    management: list = field(default_factory=list)  # top-level sections on the management path

    @classmethod
    def of(cls, value) -> Policy:
        if isinstance(value, Policy):
            return value
        value = value or {}
        return cls(list(value.get("include") or []), list(value.get("exclude") or []), list(value.get("management") or []))


@dataclass
class Plan:
    commands: list        # lines to send, in order, sections closed with `exit`
    before: str           # running configuration in scope (diff)
    after: str            # intended configuration in scope (diff)
    management: list      # running lines removed or replaced on the management path
    deferred: list        # lines kept back: they would cut this session
    write_only: list      # write-only lines among the commands (masked in reports)


# ---- parsing and scope -------------------------------------------------------------------
def _indented(node) -> str:
    return " " * (node.depth() - 1) + node.text


def _matches(node, patterns) -> bool:
    text = _indented(node)
    return any(rx.search(text) or rx.search(node.text) for rx in patterns)


def _fold_trunk_lists(config) -> None:
    """IOS continues a long allowed list with `switchport trunk allowed vlan add` lines; the templates write one
    line: compare the VLANs, not the wrapping (ios_vlans.allowed_vlans), else every push resends the list."""
    for node in tuple(config.children):
        lines = [c for c in node.children if c.text.startswith(ios_management.TRUNK_VLANS)]
        if len(lines) < 2:
            continue
        allowed = allowed_vlans(c.text[len(ios_management.TRUNK_VLANS):] for c in lines)
        for child in lines:
            child.delete()
        if allowed != ALL_VLANS:
            node.add_child(ios_management.TRUNK_VLANS + (vlan_list(allowed) if allowed else "none"))


def _parse(text: str, drv):
    config = get_hconfig(drv, text.replace("\r", ""))
    for node in tuple(config.all_children()):
        if node.depth() == 1 and WRITE_ONLY.match(node.text):
            node.delete()
    _fold_trunk_lists(config)
    return config


def _scope(config, include, exclude, keep: set) -> None:
    for node in tuple(config.children):
        if include and node.text not in keep and not any(rx.search(node.text) for rx in include):
            node.delete()
    for node in tuple(config.all_children()):
        if _matches(node, exclude):
            node.delete()


def _text(config) -> str:
    out = []

    def walk(node, depth):
        for child in node.children:
            out.append(" " * depth + child.text)
            walk(child, depth + 1)
    walk(config, 0)
    return "\n".join(out) + ("\n" if out else "")


def scope(text: str, include=None, exclude=None) -> str:
    """The part of a configuration a push with this scope manages (as hier_config reads it)."""
    drv = driver()
    config = _parse(text, drv)
    _scope(config, [re.compile(x) for x in include or []], [re.compile(x) for x in DEFAULT_EXCLUDE + list(exclude or [])], set())
    return _text(config)


# ---- the remediation -----------------------------------------------------------------------
def _drop_impossible(delta) -> None:
    """IOS cannot delete a chassis port: `no interface GigabitEthernet…` is never sent."""
    for node in tuple(delta.children):
        m = re.match(r"^no interface (\S+)$", node.text)
        if m and not LOGICAL_INTERFACE.search(m.group(1)):
            node.delete()


def _stp_priorities(running, intended, delta) -> None:
    """A priority line replaced in place leaves the VLANs it no longer lists: reset those."""
    rx = re.compile(r"^spanning-tree vlan (\S+) priority \d+$")
    had = set().union(*[vlan_ids(m.group(1)) for n in running.children if (m := rx.match(n.text))] or [set()])
    want = set().union(*[vlan_ids(m.group(1)) for n in intended.children if (m := rx.match(n.text))] or [set()])
    if had - want and any(rx.match(n.text) for n in intended.children):
        delta.add_child(f"no spanning-tree vlan {vlan_list(had - want)} priority").order_weight = 10


def send_form(text: str) -> str:
    """``banner login ^C…^C`` as typed: IOS takes the first character as the delimiter."""
    m = re.match(r"^(banner \S+) \^C(.*)\^C$", text)
    if not m:
        return text
    delimiter = next(c for c in "#~@$&*" if c not in m.group(2))
    return f"{m.group(1)} {delimiter}{m.group(2)}{delimiter}"


def _emit(node, depth: int, out: list) -> None:
    for child in sorted(node.children):
        out.append(" " * depth + send_form(child.text))
        if child.children:
            _emit(child, depth + 1, out)
            out.append(" " * (depth + 1) + (child.sectional_exit or "exit"))


def _vlan_text(vlans: dict) -> str:
    return "".join(f"vlan {vid}\n" + (f" name {name}\n" if name != f"VLAN{vid:04d}" else "")
                   for vid, name in sorted(vlans.items()) if vid != 1 and not 1002 <= vid <= 1005)


# ---- the plan ---------------------------------------------------------------------------
def plan(running: str, intended: str, policy=None, *, session_address: str | None = None,
         vlans: dict | None = None, snmp_users: dict | None = None) -> Plan:
    """What to send to take ``running`` to ``intended`` (module docstring).

    ``vlans``: the VLAN database (``show vlan brief``) of a switch in VTP server/client mode,
    where VLANs are not in the running configuration; ``snmp_users``: {name: group} from
    ``show snmp user`` (None: SNMPv3 users are not compared)."""
    policy = Policy.of(policy)
    drv = driver()
    include = [re.compile(x) for x in policy.include]
    exclude = [re.compile(x) for x in DEFAULT_EXCLUDE + policy.exclude]
    user_exclude = [re.compile(x) for x in policy.exclude]
    if vlans:
        running = running.rstrip() + "\n" + _vlan_text(vlans)
    run, want = _parse(running, drv), _parse(intended, drv)
    dropped = [_indented(n) for n in want.all_children() if _matches(n, user_exclude)]
    if dropped:
        raise ValueError(f"the intended configuration has lines the push would leave out (exclude): {dropped[:10]}")
    keep = {n.text for n in want.children}
    _scope(run, include, exclude, keep)
    _scope(want, include, exclude, keep)
    delta = run.config_to_get_to(want)
    _drop_impossible(delta)
    _stp_priorities(run, want, delta)
    delta.set_order_weight()
    management = ios_management.management_lost(run, want, [re.compile(x) for x in policy.management])
    deferred = ios_management.defer(run, delta, ios_management.session_interface(run, session_address))
    commands: list = []
    _emit(delta, 0, commands)
    owned = any(rx.search("snmp-server user x g v3") for rx in include) or not include
    write_only = write_only_commands(running, intended, snmp_users, owned)
    return Plan(commands + write_only, _text(run), _text(want), management, deferred,
                [x for x in write_only if WRITE_ONLY.match(x)])


def remediate(running: str, intended: str, include=None, exclude=None) -> tuple[list, str, str]:
    """(commands, running in scope, intended in scope): ``plan`` without the device's extra state."""
    result = plan(running, intended, Policy(list(include or []), list(exclude or [])))
    return result.commands, result.before, result.after
