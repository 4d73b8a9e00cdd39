"""The management path of an IOS push: what it would remove there, and what would cut its own session.

``management_lost(running, intended, patterns)``: running lines on the management path (the ``patterns``
sections and the VLAN of every SVI) that the intended configuration loses; the push refuses them
unless allowed. ``defer(running, delta, session_interface(running, address))``: takes out of the
remediation what would cut the session (removing or readdressing the interface holding the
address, its VLAN, that VLAN on a trunk), for a push through the new management address.
"""

from __future__ import annotations

import ipaddress
import re

from ansible_collections.sitekit.core.plugins.module_utils.ios_vlans import allowed_vlans, trunk_allowed, vlan_list


def _paths(node, prefix=()) -> set:
    out = set()
    for child in node.children:
        text = re.sub(r"^\d+ ", "", child.text) if prefix and re.match(r"^ip(v4)? access-list ", prefix[0]) else child.text
        out.add((*prefix, text))
        out |= _paths(child, (*prefix, text))
    return out


def _svi_vlans(*configs) -> set:
    return {f"vlan {m.group(1)}" for c in configs for n in c.children if (m := re.match(r"^interface Vlan(\d+)$", n.text))}


TRUNK_VLANS = "switchport trunk allowed vlan "
# Lines inside a management section whose change reaches nobody's session.
_HARMLESS_CHILD = re.compile(r"^(description|glbp|ip helper-address|logging synchronous|exec-timeout|transport output|"
                             r"spanning-tree|storm-control) ")


def management_lost(running, intended, patterns) -> list:
    """Running lines on the management path that the intended configuration loses."""
    vlans = _svi_vlans(running, intended)
    lost = []
    for node in running.children:
        if node.text not in vlans and not any(rx.search(node.text) for rx in patterns):
            continue
        mine = _paths(_Holder(node))
        other = intended.children.get(node.text)
        theirs = _paths(_Holder(other)) if other is not None else set()
        lost += [" / ".join(p) for p in sorted(mine - theirs, key=lambda p: (len(p), p))
                 if len(p) == 1 or not _HARMLESS_CHILD.match(p[-1])]
    return lost


class _Holder:
    """A one-child parent, so that _paths sees a top-level node with its own text."""

    def __init__(self, node):
        self.children = [node]


def session_interface(running, address: str | None):
    if not address:
        return None
    try:
        ip = ipaddress.IPv4Address(address)
    except ValueError:
        return None
    for node in running.children:
        if node.text.startswith("interface "):
            for child in node.children:
                words = child.text.split()
                if words[:2] == ["ip", "address"] and len(words) >= 4 and words[2] == str(ip):
                    return node.text.split(None, 1)[1]
    return None


def defer(running, delta, session_if: str | None) -> list:
    """Take out of ``delta`` what would cut the session reaching ``session_if``; those lines."""
    if not session_if:
        return []
    deferred = []
    vid = int(session_if[4:]) if re.fullmatch(r"Vlan\d+", session_if) else None
    parent = session_if.split(".")[0] if "." in session_if else None
    for node in tuple(delta.children):
        if node.text in (f"no interface {session_if}", f"no vlan {vid}"):
            deferred.append(node.text)
            node.delete()
            continue
        name = node.text[len("interface "):] if node.text.startswith("interface ") else None
        if name is None:
            continue
        cut = []
        for child in tuple(node.children):
            if name == session_if and re.match(r"^(no )?(ip address|encapsulation)|^shutdown$", child.text) or name == parent and child.text == "shutdown":
                cut.append(child)
            elif vid is not None and (m := re.match(r"^switchport trunk allowed vlan (\S+)$", child.text)):
                old = running.children.get(node.text)
                had = [c.text[len(TRUNK_VLANS):] for c in old.children if c.text.startswith(TRUNK_VLANS)] if old is not None else []
                before, after = allowed_vlans(had), trunk_allowed(m.group(1))  # the running list with its `add` lines
                if vid in before and vid not in after:
                    cut.append(child)
                    if after - before:
                        node.add_child(f"switchport trunk allowed vlan add {vlan_list(after - before)}")
        for child in cut:
            deferred += [node.text, " " + child.text, " exit"]
            child.delete()
        if not node.children:
            node.delete()
    return deferred
