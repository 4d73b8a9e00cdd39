"""Rules of the network tier: port profiles, stacks, links; and the network view for every device."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path

from ansible_collections.sitekit.core.plugins.plugin_utils.site import network as _net
from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network import port_checks
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network.secrets import without_vault
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network.switch import is_plain_2960
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import SiteError, problem
from ansible_collections.sitekit.core.plugins.plugin_utils.site.rulebook import dig, rule, view_problems
from ansible_collections.sitekit.core.plugins.plugin_utils.site.wording import suggest


# req: SPEC-2-vlan-plan
@rule("port-profile", "port profiles and access ports reference existing VLANs and profiles")
def port_profiles(site: Site):
    profiles = site.vars.get("site_port_profiles") or {}
    ids = {v.id for v in site.vlans}
    for name, prof in profiles.items():
        vlan = dig(prof, ["vlan"])
        if ids and vlan not in ids:
            yield problem("port-profile", f"site_port_profiles.{name}.vlan", f"VLAN {vlan} is not in site_vlans", value=vlan)
    for host in site.group("cisco_switches"):
        for i, item in enumerate(dig(site.hosts[host].vars, ["switch", "access_ports"]) or []):
            prof = dig(item, ["profile"])
            if prof not in profiles:
                yield problem("port-profile", f"switch.access_ports[{i}].profile", f"profile {prof!r} is not in site_port_profiles",
                         value=prof, host=host)


# Catalyst 2960 families that stack (FlexStack / FlexStack-Plus); the plain 2960, 2960-C/-L/-CX do not.
STACKABLE = re.compile(r"^WS-C2960(S|X|XR)-")


# req: SPEC-2-core-stack SPEC-2-lacp
@rule("stack", "stack members are unique, of a stackable model, and the master is deterministic (one highest priority)")
def stacks(site: Site):
    for host in site.group("cisco_switches"):
        stack = dig(site.hosts[host].vars, ["switch", "stack"]) or []
        members = Counter(dig(m, ["member"]) for m in stack)
        prios = sorted((dig(m, ["priority"]) or 0 for m in stack), reverse=True)
        if any(c > 1 for c in members.values()):
            yield problem("stack", "switch.stack", "stack member numbers repeat", value=stack, host=host)
        if len(prios) > 1 and prios[0] == prios[1]:
            yield problem("stack", "switch.stack", "two members share the highest priority: the stack master would be chosen by chance",
                     value=stack, host=host)
        solo = sorted({str(dig(m, ["model"])) for m in stack if not STACKABLE.match(str(dig(m, ["model"]) or ""))})
        if len(stack) > 1 and solo:
            yield problem("stack", "switch.stack", f"model {', '.join(solo)} cannot stack (FlexStack: 2960-S, 2960-X, 2960-XR)",
                     value=stack, host=host)
        if site.hosts[host].vars.get("switch", {}).get("role") == "core" and len(stack) < 2:
            yield problem("stack", "switch.stack", "the core must be a stack of two (seed 003 §3a)", value=stack, host=host)
    cores = [h for h in site.group("cisco_switches") if dig(site.hosts[h].vars, ["switch", "role"]) == "core"]
    if site.group("cisco_switches") and len(cores) != 1:
        yield problem("stack", "switch.role", f"exactly one core switch stack is expected (found {len(cores)})")


# req: SPEC-2-lacp
@rule("link", "links join known devices, use each port once, and aggregated links have 2+ members on both sides and a "
      "channel number the switch has (1-48 on a 2960 stack, 1-6 on a plain 2960)")
def links(site: Site):
    used = defaultdict(list)
    for i, link in enumerate(site.vars.get("site_links") or []):
        for side in ("a", "b"):
            dev = dig(link, [side])
            if dev not in site.hosts:
                yield problem("link", f"site_links[{i}].{side}", f"device {dev!r} is not in the inventory", value=dev)
            for port in dig(link, [f"{side}_ports"]) or []:
                used[(dev, str(port))].append(i)
        a, b = dig(link, ["a_ports"]) or [], dig(link, ["b_ports"]) or []
        if dig(link, ["channel"]) is not None and (len(a) < 2 or len(b) < 2):
            yield problem("link", f"site_links[{i}].channel", "an LACP port-channel needs at least two members on each side",
                     value=dig(link, ["channel"]))
        if dig(link, ["channel"]) is None and (len(a) > 1 or len(b) > 1):
            yield problem("link", f"site_links[{i}]", "several ports without a channel would make a loop: set 'channel'", fallback=link)
    for (dev, port), idx in used.items():
        if len(idx) > 1:
            yield problem("link", f"site_links[{idx[1]}]", f"port {port} of {dev} is used by links {idx}",
                     fallback=(site.vars.get("site_links") or [None])[idx[1]])
    for i, link in enumerate(site.vars.get("site_links") or []):
        channel = dig(link, ["channel"])
        if not isinstance(channel, int) or isinstance(channel, bool):
            continue
        switches = [dev for side in ("a", "b") if isinstance(dev := dig(link, [side]), str)
                    and site.in_group(dev, "cisco_switches")]
        plain = [(dev, model) for dev in switches for model in _plain_2960_models(site, dev)]
        if plain and channel > IOS_MAX_PORT_CHANNEL_PLAIN_2960:
            dev, model = plain[0]
            yield problem("link", f"site_links[{i}].channel", f"{dev} is a plain Catalyst 2960 ({model}): it has "
                          f"Port-channel1 to Port-channel{IOS_MAX_PORT_CHANNEL_PLAIN_2960} only (at most "
                          f"{IOS_MAX_PORT_CHANNEL_PLAIN_2960} EtherChannels): `channel-group {channel}` is refused; "
                          f"choose a channel between 1 and {IOS_MAX_PORT_CHANNEL_PLAIN_2960}", value=channel)
        elif switches and channel > IOS_MAX_PORT_CHANNEL:
            yield problem("link", f"site_links[{i}].channel", f"a 2960-X/2960-S stack has Port-channel1 to "
                          f"Port-channel{IOS_MAX_PORT_CHANNEL} only: `channel-group {channel}` is refused; choose a "
                          f"channel between 1 and {IOS_MAX_PORT_CHANNEL}", value=channel)
    channels = defaultdict(list)
    for i, link in enumerate(site.vars.get("site_links") or []):
        if dig(link, ["channel"]) is not None:
            for side in ("a", "b"):
                channels[(dig(link, [side]), dig(link, ["channel"]))].append(i)
    for (dev, ch), idx in channels.items():
        if len(idx) > 1:
            yield problem("link", f"site_links[{idx[1]}].channel", f"Port-channel {ch} is used twice on {dev}",
                     value=dig(site.vars["site_links"][idx[1]], ["channel"]))


def _plain_2960_models(site: Site, host: str) -> list[str]:
    """The plain Catalyst 2960 models (WS-C2960-...) among a switch's stack members."""
    stack = dig(site.hosts[host].vars, ["switch", "stack"]) if host in site.hosts else None
    return sorted({model for m in (stack if isinstance(stack, list) else [])
                   if isinstance(model := dig(m, ["model"]), str) and is_plain_2960(model)})


@rule("switching", "the parking VLAN of unused ports is not a site VLAN; GLBP weighting takes a router out when its uplink fails")
def switching(site: Site):
    parking = dig(site.vars, ["site_switching", "parking_vlan", "id"])
    if parking is not None and parking in {v.id for v in site.vlans}:
        yield problem("switching", "site_switching.parking_vlan.id", f"VLAN {parking} is a site VLAN: unused ports "
                      "would join it; choose a VLAN no trunk carries", value=parking)
    weighting = dig(site.vars, ["site_glbp", "weighting"])
    if isinstance(weighting, dict):
        lower, upper, decrement = (dig(weighting, [k]) for k in ("lower", "upper", "track_decrement"))
        if isinstance(lower, int) and isinstance(upper, int) and lower >= upper:
            yield problem("switching", "site_glbp.weighting", f"lower ({lower}) must be below upper ({upper})", value=weighting)
        if isinstance(lower, int) and isinstance(decrement, int) and 100 - decrement >= lower:
            yield problem("switching", "site_glbp.weighting.track_decrement", f"a failed uplink leaves the weight at "
                          f"{100 - decrement}, not below lower ({lower}): the router would keep forwarding", value=decrement)


# =====================================================================================================
# Issue 15 (validation): network rules added by the validation work. Each asks the network view's own
# functions (expand_ports, full_name, switch_ports, PORT_LAYOUTS, device_intent) and places what they
# refuse at the inventory value that causes it.
# =====================================================================================================
# IOS keeps VLAN 1 (default, cannot be renamed or deleted) and 1002-1005 (FDDI and Token Ring defaults,
# "act/unsup" on a 2960-X); Catalyst 2960-X configuration guide, "VLANs" (normal-range VLANs).
IOS_RESERVED_VLANS = {1: "IOS's default VLAN (it cannot be renamed or deleted)", 1002: "fddi-default",
                      1003: "token-ring-default", 1004: "fddinet-default", 1005: "trnet-default"}
# A 2960-X stack's channel groups and Port-channel interfaces run 1-48 (a 2960 stack printing Port-channel48 and
# `channel-group 48 mode passive`; Catalyst 3750-X/3560-X guide OL-21521-01 p. 40-4, "numbered from 1 to 48"); a GLBP
# group is 0-1023 (a router's `glbp ?` help, `<0-1023> Group number`; Cisco 81565-glbp-cat65k). Sources in
# tests/network/iospeer/README.md, which the lab's IOS peer follows.
IOS_MAX_PORT_CHANNEL = 48
# A plain Catalyst 2960 (WS-C2960-..., LAN Base, up to IOS 15.0(2)SE) has channel groups and Port-channels 1-6: its
# `channel-group ?` help answers `<1-6>  Channel group number`; Catalyst 2960 Switch Software Configuration Guide
# 78-16881-01, ch. 30, p. 30-3 ("numbered from 1 to 6") and p. 30-9 ("Do not try to configure more than 6 EtherChannels
# on the switch"). The IOS peer's plain 2960 follows them (tests/network/iospeer/README.md).
IOS_MAX_PORT_CHANNEL_PLAIN_2960 = 6
IOS_MAX_GLBP_GROUP = 1023
_SWITCH_TEMPLATE = Path(__file__).resolve().parents[3] / "templates" / "ios" / "switch.j2"


def _extended_vlans_allowed() -> bool:
    """Extended VLANs (1006-4094) need VTP transparent/off mode or VTPv3; the switch template decides the mode."""
    try:
        text = _SWITCH_TEMPLATE.read_text()
    except OSError:
        return False
    return bool(re.search(r"^\s*vtp (mode (transparent|off)|version 3)", text, re.M))


@rule("vlan-ids", "VLAN ids are ones IOS lets the switches configure: not 1 nor 1002-1005 (reserved), not 1006-4094 "
      "while the switches run VTP server mode, not above 1023 when routers give each VLAN its GLBP group")
def vlan_ids(site: Site):
    extended_ok = _extended_vlans_allowed()
    for i, item in enumerate(site.vars.get("site_vlans") or []):
        vid = dig(item, ["id"])
        if not isinstance(vid, int) or isinstance(vid, bool):
            continue
        if vid in IOS_RESERVED_VLANS:
            yield problem("vlan-ids", f"site_vlans[{i}].id", f"VLAN {vid} is reserved by IOS ({IOS_RESERVED_VLANS[vid]}): "
                          "choose an id between 2 and 1001", value=vid)
        elif 1006 <= vid <= 4094 and not extended_ok:
            yield problem("vlan-ids", f"site_vlans[{i}].id", f"VLAN {vid} is in the extended range, which IOS refuses in "
                          "VTP server mode (the switches' default; the configuration sets no vtp mode): choose an id "
                          "between 2 and 1001", value=vid)
        elif vid > IOS_MAX_GLBP_GROUP and site.group("cisco_routers"):
            yield problem("vlan-ids", f"site_vlans[{i}].id", f"VLAN {vid} cannot be routed: the routers number each "
                          f"VLAN's GLBP group after the VLAN and IOS takes GLBP groups 0-{IOS_MAX_GLBP_GROUP} only "
                          f"(`glbp {vid} ip` is refused); choose an id between 2 and 1001 or 1006 and 1023", value=vid)


@rule("switch-ports", "stack members have a known model; access ports and link ports exist on the stack (members "
      "declared, port numbers within the model's count)")
def switch_ports(site: Site):
    for host in site.group("cisco_switches"):
        if host not in site.hosts:
            continue
        for j, member in enumerate(port_checks.stack_members(site, host)):
            model = member.get("model")
            if isinstance(model, str) and model.startswith("WS-C2960") and model not in _net.PORT_LAYOUTS:
                yield problem("switch-ports", f"switch.stack[{j}].model", f"no port layout is known for {model!r}"
                              f"{suggest(model, list(_net.PORT_LAYOUTS), 0.8)} (known: {', '.join(sorted(_net.PORT_LAYOUTS))})",
                              value=model, host=host)
        physical = port_checks.physical_ports(site, host)
        if physical is None:
            continue
        for i, item in enumerate(dig(site.hosts[host].vars, ["switch", "access_ports"]) or []):
            spec = dig(item, ["ports"])
            if isinstance(spec, str) and (why := port_checks.port_problem(site, host, spec, physical)):
                yield problem("switch-ports", f"switch.access_ports[{i}].ports", f"{spec}: {why}", value=spec, host=host)
    for i, link in enumerate(site.vars.get("site_links") or []):
        for side in ("a", "b"):
            dev = dig(link, [side])
            if not isinstance(dev, str) or not site.in_group(dev, "cisco_switches") or dev not in site.hosts:
                continue
            physical = port_checks.physical_ports(site, dev)
            for k, port in enumerate(dig(link, [f"{side}_ports"]) or []):
                if physical is not None and isinstance(port, str) and (why := port_checks.port_problem(site, dev, port, physical)):
                    yield problem("switch-ports", f"site_links[{i}].{side}_ports[{k}]", f"{port} of {dev}: {why}",
                                  value=port)


@rule("link-ends", "a link joins a switch to a switch, a router or a Proxmox node: never a VM, never two non-switches")
def link_ends(site: Site):
    vms = set(site.group("proxmox_vms"))
    physical = set(site.group("cisco_switches")) | set(site.group("cisco_routers")) | set(site.proxmox_nodes)
    for i, link in enumerate(site.vars.get("site_links") or []):
        ends = [dig(link, [side]) for side in ("a", "b")]
        for side, dev in zip(("a", "b"), ends, strict=True):
            if dev in vms:
                yield problem("link-ends", f"site_links[{i}].{side}", f"{dev} is a virtual machine: its network is the "
                              "Proxmox bridge (vm.node, site_vlan), not a cable; link the switch to its node", value=dev)
            elif dev in site.hosts and dev not in physical:
                yield problem("link-ends", f"site_links[{i}].{side}", f"{dev} is neither a switch, a router nor a Proxmox "
                              "node: nothing would configure its end of the link", value=dev)
        if all(isinstance(d, str) and d in site.hosts for d in ends) and ends[0] == ends[1]:
            yield problem("link-ends", f"site_links[{i}].b", f"a link from {ends[0]} to itself", value=ends[1])
        elif all(d in physical for d in ends) and not any(site.in_group(d, "cisco_switches") for d in ends):
            yield problem("link-ends", f"site_links[{i}]", f"{ends[0]} and {ends[1]} are not switches: every link has a "
                          "switch at one end at least", fallback=link)


@rule("router-interfaces", "each router's lan_interface is the port cabled to the switches, and differs from its "
      "wan_interface")
def router_interfaces(site: Site):
    for host in site.group("cisco_routers"):
        router = site.hosts[host].get("router") if host in site.hosts else None
        if not isinstance(router, dict) or not isinstance(router.get("lan_interface"), str):
            continue
        try:
            lan = _net.full_name(router["lan_interface"])
            wan = _net.full_name(router["wan_interface"]) if isinstance(router.get("wan_interface"), str) else None
        except SiteError as exc:
            yield problem("router-interfaces", "router.lan_interface", exc.message, value=router.get("lan_interface"),
                          host=host)
            continue
        if wan == lan:
            yield problem("router-interfaces", "router.wan_interface", f"is the LAN interface too ({lan}): the Internet "
                          "side needs its own port", value=router.get("wan_interface"), host=host)
        cabled = []
        for link in site.vars.get("site_links") or []:
            for side in ("a", "b"):
                if dig(link, [side]) == host:
                    for port in dig(link, [f"{side}_ports"]) or []:
                        try:
                            cabled.append(_net.full_name(str(port)))
                        except SiteError:
                            continue
        if cabled and lan not in cabled:
            yield problem("router-interfaces", "router.lan_interface", f"{lan} is not the port cabled to the switches "
                          f"({', '.join(sorted(set(cabled)))}, site_links): the VLAN sub-interfaces would be on an "
                          "unconnected port", value=router.get("lan_interface"), host=host)


@rule("network-view", "the network view computes every switch's and router's intended configuration", views=True)
def network_view(site: Site):
    from ansible_collections.sitekit.core.plugins.plugin_utils.site.origin import origin_of

    resolved = without_vault(site)
    for host in _net.network_devices(site):
        fact = site.hosts[host].get("switch") or site.hosts[host].get("router")
        for p in view_problems("network-view", lambda host=host: _net.device_intent(resolved, host)):
            if p.host is None:
                p.host = host
            p.message = p.message.replace(f"host {host}: ", "")
            spec = re.search(r"\(access ([^,)]+)", p.message)
            items = dig(site.hosts[host].vars, ["switch", "access_ports"]) or []
            index = next((i for i, item in enumerate(items) if spec and dig(item, ["ports"]) == spec.group(1)), None)
            if p.where is None and index is not None:  # the access range that claims the port
                p.key, p.where = f"switch.access_ports[{index}].ports", origin_of(dig(items, [index, "ports"]))
            if p.where is None:
                p.where = origin_of(fact)
            yield p
