"""Rules of the network tier: port profiles, stacks, links; and the network view for every device."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network import (
    device_intent,
    network_devices,
    site_with_secrets,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import problem
from ansible_collections.sitekit.core.plugins.plugin_utils.site.rulebook import dig, rule, view_problems


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
@rule("link", "links join known devices, use each port once, and aggregated links have 2+ members on both sides")
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
    channels = defaultdict(list)
    for i, link in enumerate(site.vars.get("site_links") or []):
        if dig(link, ["channel"]) is not None:
            for side in ("a", "b"):
                channels[(dig(link, [side]), dig(link, ["channel"]))].append(i)
    for (dev, ch), idx in channels.items():
        if len(idx) > 1:
            yield problem("link", f"site_links[{idx[1]}].channel", f"Port-channel {ch} is used twice on {dev}",
                     value=dig(site.vars["site_links"][idx[1]], ["channel"]))


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


@rule("network-view", "the network view computes every switch and router (ports, links, stacks, management, time zone)",
      views=True)
def network_view(site: Site):
    # Validation never opens the vault: placeholders stand for the secrets (they only feed hashes).
    placeholders = {name: "validation-placeholder" for name in site.vars.get("site_required_secrets") or []}
    resolved = site_with_secrets(site, placeholders)
    for host in network_devices(resolved):
        yield from view_problems("network-view", lambda host=host: device_intent(resolved, host))
