"""Checks of a rendered switch configuration against the model's links: ports, trunks, port-channels, STP root."""

from __future__ import annotations

import re

from ansible_collections.sitekit.core.plugins.module_utils.ios_vlans import vlan_ids
from ansible_collections.sitekit.core.plugins.plugin_utils.ios_config import (
    ConfigProblem,
    VlanListError,
    interfaces_of,
    port_state,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network import device_links, full_name


def check_stp_root(site: Site, host: str, parse) -> list[ConfigProblem]:
    """The core stack is the spanning-tree root of every VLAN it carries (site_spanning_tree.root_priority)."""
    if (site.hosts[host].get("switch") or {}).get("role") != "core":
        return []
    want = int((site.vars.get("site_spanning_tree") or {}).get("root_priority", 32768))
    carried = {int(o.text.split()[1]) for o in parse.find_objects(r"^vlan \d+$")}
    parking = ((site.vars.get("site_switching") or {}).get("parking_vlan") or {}).get("id")
    carried -= {parking}
    rooted = set()
    for obj in parse.find_objects(r"^spanning-tree vlan \S+ priority \d+$"):
        words = obj.text.split()
        try:
            vlans = vlan_ids(words[2])
        except ValueError as e:
            return [ConfigProblem(host, obj.linenum + 1, obj.text, str(e))]
        if int(words[-1]) == want:
            rooted |= vlans
    missing = sorted(carried - rooted)
    if missing:
        return [ConfigProblem(host, 0, "", f"the core is not spanning-tree root of VLAN(s) {missing}: no "
                                           f"`spanning-tree vlan ... priority {want}` for them")]
    return []


def _peer_state(obj) -> dict | None:
    """The far end's port state, None when it is absent or unreadable (its own check reports that)."""
    try:
        return port_state(obj) if obj is not None else None
    except VlanListError:
        return None


def check_switch(site: Site, host: str, parse, configs_parsed: dict) -> list[ConfigProblem]:
    out = []
    declared = {int(o.text.split()[1]) for o in parse.find_objects(r"^vlan \d+$")}
    known = {v.id for v in site.vlans}
    parking = ((site.vars.get("site_switching") or {}).get("parking_vlan") or {}).get("id")
    if parking is not None:
        known.add(int(parking))
    interfaces = interfaces_of(parse)
    try:
        states = {name: port_state(obj) for name, obj in interfaces.items()}
    except VlanListError as e:  # nothing else about the trunks can be checked
        return [ConfigProblem(host, e.line.linenum + 1, e.line.text, str(e))]
    expected_trunks: dict[str, tuple[list[int], dict]] = {}
    for link in device_links(site, host):
        for port in link["ports"]:
            expected_trunks[port] = (link["vlans"], link)
            if link["channel"] is not None and port in interfaces and states[port]["channel"] is None:
                obj = interfaces[port]
                out.append(ConfigProblem(host, obj.linenum + 1, obj.text, f"port of the LACP link to {link['peer']} "
                                         f"without `channel-group {link['channel']} mode active`: it would forward "
                                         "outside the port-channel (a loop)"))
        if link["channel"] is not None:
            expected_trunks[f"Port-channel{link['channel']}"] = (link["vlans"], link)
    for name, obj in interfaces.items():
        st = states[name]
        if st["access"] is not None and (st["access"] not in declared or st["access"] not in known):
            out.append(ConfigProblem(host, obj.linenum + 1, obj.text,
                                     f"access VLAN {st['access']} is not declared on the switch or not in site_vlans"))
        if st["mode"] == "trunk":
            if name not in expected_trunks:
                out.append(ConfigProblem(host, obj.linenum + 1, obj.text, "trunk without a link in site_links"))
                continue
            want, link = expected_trunks[name]
            if st["allowed"] is None:
                out.append(ConfigProblem(host, obj.linenum + 1, obj.text,
                                         f"trunk allows every VLAN; {link['peer']} needs exactly {want}"))
            elif st["allowed"] != want:
                extra, missing = sorted(set(st["allowed"]) - set(want)), sorted(set(want) - set(st["allowed"]))
                out.append(ConfigProblem(host, obj.linenum + 1, obj.text,
                                         f"trunk to {link['peer']} allows {st['allowed']}, the link needs {want}"
                                         f" (extra {extra}, missing {missing})"))
            peer = configs_parsed.get(link["peer"])
            if peer is not None and name.startswith("Port-channel"):
                peer_pc = interfaces_of(peer).get(name)
                pcst = _peer_state(peer_pc)
                if pcst is not None and pcst["native"] != st["native"]:
                    out.append(ConfigProblem(host, obj.linenum + 1, obj.text, f"native VLAN mismatch: {st['native']} "
                                             f"here, {pcst['native']} on {link['peer']} {name}"))
            if peer is not None and not name.startswith("Port-channel"):
                idx = link["ports"].index(name)
                peer_ifs = interfaces_of(peer)
                peer_name = full_name(link["peer_ports"][idx]) if idx < len(link["peer_ports"]) else None
                peer_obj = peer_ifs.get(peer_name)
                if site.in_group(link["peer"], "cisco_routers"):
                    subs = peer.find_objects(rf"^interface {re.escape(str(peer_name))}\.")
                    dot1q = sorted(int(m.group(1)) for o in subs
                                   for c in o.children if (m := re.match(r"^\s*encapsulation dot1Q (\d+)", c.text)))
                    native = next((int(m.group(1)) for o in subs for c in o.children
                                   if (m := re.match(r"^\s*encapsulation dot1Q (\d+) native$", c.text))), 1)
                    if dot1q != st["allowed"]:
                        out.append(ConfigProblem(host, obj.linenum + 1, obj.text,
                                                 f"allows {st['allowed']} but {link['peer']} has sub-interfaces for {dot1q}"))
                    if native != st["native"]:
                        out.append(ConfigProblem(host, obj.linenum + 1, obj.text, f"native VLAN {st['native']} but "
                                                 f"{link['peer']} {peer_name} sends VLAN {native} untagged"))
                elif (pst := _peer_state(peer_obj)) is not None:
                    if pst["allowed"] != st["allowed"]:
                        out.append(ConfigProblem(host, obj.linenum + 1, obj.text,
                                                 f"allows {st['allowed']} but {link['peer']} {peer_name} allows {pst['allowed']}"))
                    if pst["native"] != st["native"]:
                        out.append(ConfigProblem(host, obj.linenum + 1, obj.text, f"native VLAN mismatch: {st['native']} "
                                                 f"here, {pst['native']} on {link['peer']} {peer_name}"))
            for vid in st["allowed"] or []:
                if vid not in declared:
                    out.append(ConfigProblem(host, obj.linenum + 1, obj.text, f"trunk carries VLAN {vid} not declared on the switch"))
        if st["channel"] is not None:
            number, lacp = st["channel"]
            pc = interfaces.get(f"Port-channel{number}")
            if lacp != "active":
                out.append(ConfigProblem(host, obj.linenum + 1, obj.text, f"channel-group {number} must use LACP `mode active`"))
            if pc is None:
                out.append(ConfigProblem(host, obj.linenum + 1, obj.text, f"member of Port-channel{number}, which is not declared"))
                continue
            if pc.linenum > obj.linenum:
                out.append(ConfigProblem(host, obj.linenum + 1, obj.text, f"Port-channel{number} must be declared before its members"))
            pst = states[f"Port-channel{number}"]
            if (pst["mode"], pst["allowed"], pst["access"], pst["native"]) != (st["mode"], st["allowed"], st["access"], st["native"]):
                out.append(ConfigProblem(host, obj.linenum + 1, obj.text,
                                         f"member differs from Port-channel{number}: mode {st['mode']} vs {pst['mode']}, "
                                         f"VLANs {st['allowed']} vs {pst['allowed']}, native {st['native']} vs {pst['native']}"))
    return out

