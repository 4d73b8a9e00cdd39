"""Rules of the addressing plan: VLANs, subnets, gateways, host and device addresses (SITE-SPEC §2)."""

from __future__ import annotations

import ipaddress
from collections import Counter, defaultdict

from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import problem
from ansible_collections.sitekit.core.plugins.plugin_utils.site.rulebook import dig, rule


# req: SPEC-2-vlan-plan
@rule("vlan-unique", "VLAN ids and names are unique (seed 003 §3a plan d'adressage)")
def vlans_unique(site: Site):
    items = site.vars.get("site_vlans") or []
    for attr in ("id", "name"):
        counts = Counter(dig(v, [attr]) for v in items)
        for i, item in enumerate(items):
            if counts[dig(item, [attr])] > 1:
                yield problem("vlan-unique", f"site_vlans[{i}].{attr}", f"VLAN {attr} {dig(item, [attr])} is declared more than once",
                         value=dig(item, [attr]))


# req: SPEC-2-vlan-plan
@rule("subnet", "subnets are valid IPv4 networks that do not overlap (SITE-SPEC §2: /24 per VLAN)")
def subnets(site: Site):
    items = site.vars.get("site_vlans") or []
    nets = []
    for i, item in enumerate(items):
        raw = dig(item, ["subnet"])
        try:
            net = ipaddress.IPv4Network(str(raw))
        except (ValueError, TypeError) as exc:
            yield problem("subnet", f"site_vlans[{i}].subnet", f"{raw!r} is not a valid IPv4 network ({exc})", value=raw)
            continue
        for j, other in nets:
            if net.overlaps(other):
                yield problem("subnet", f"site_vlans[{i}].subnet", f"{net} overlaps {other} of site_vlans[{j}]", value=raw)
        nets.append((i, net))
    roles = {v.role for v in site.vlans}
    for needed in ("servers", "management", "clients"):
        if site.vlans and needed not in roles:
            yield problem("subnet", "site_vlans", f"no VLAN has role '{needed}'", fallback=site.vars.get("site_vlans"))


# req: SPEC-2-glbp
@rule("gateway", "the GLBP virtual gateway and both router addresses fall inside every VLAN (SITE-SPEC §2)")
def gateways(site: Site):
    glbp = site.vars.get("site_glbp") or {}
    numbers = [("virtual_host", glbp.get("virtual_host"))] + [(f"{r}.host", (glbp.get(r) or {}).get("host")) for r in ("primary", "secondary")]
    seen = Counter(n for _, n in numbers if n is not None)
    for key, n in numbers:
        if n is None:
            continue
        if seen[n] > 1:
            yield problem("gateway", f"site_glbp.{key}", f"host number {n} is used twice among the gateway and routers", value=n)
        for vlan in site.vlans:
            if not isinstance(n, int) or not 0 < n < vlan.subnet.num_addresses - 1:
                yield problem("gateway", f"site_glbp.{key}", f"host number {n} is outside VLAN {vlan.id} {vlan.subnet}", value=n)
    prio = [(glbp.get(r) or {}).get("priority") for r in ("primary", "secondary")]
    if None not in prio and prio[0] <= prio[1]:
        yield problem("gateway", "site_glbp.primary.priority",
                 f"the primary router must have the higher GLBP priority to be AVG ({prio[0]} <= {prio[1]})", value=prio[0])


# req: SPEC-2-vlan-plan
@rule("host-address", "every host's VLAN exists and its address is inside that VLAN, not reserved, and unique")
def host_addresses(site: Site):
    if not site.vlans:
        return  # no readable VLAN plan: the schema says why; every host's VLAN would only repeat it
    reserved = site.reserved_hosts()
    owners = defaultdict(list)
    for name, host in site.hosts.items():
        vlan_id, raw = host.get("site_vlan"), host.get("site_ip")
        if vlan_id is None or raw is None:
            continue
        vlan = site.vlan(vlan_id) if isinstance(vlan_id, int) else None
        if vlan is None:
            yield problem("host-address", "site_vlan", f"VLAN {vlan_id} is not in site_vlans", value=vlan_id, host=name)
            continue
        try:
            ip = ipaddress.IPv4Address(str(raw))
        except ValueError:
            yield problem("host-address", "site_ip", f"{raw!r} is not an IPv4 address", value=raw, host=name)
            continue
        owners[ip].append(name)
        if ip not in vlan.subnet:
            yield problem("host-address", "site_ip", f"{ip} is outside VLAN {vlan.id} ({vlan.subnet})", value=raw, host=name)
        elif ip in (vlan.subnet.network_address, vlan.subnet.broadcast_address):
            yield problem("host-address", "site_ip", f"{ip} is the network or broadcast address of {vlan.subnet}", value=raw, host=name)
        else:
            n = int(ip) - int(vlan.subnet.network_address)
            is_router = site.in_group(name, "cisco_routers")
            if n in reserved and not (is_router and reserved[n].endswith(" router")):  # device-address places routers
                yield problem("host-address", "site_ip", f"{ip} is reserved for the {reserved[n]}", value=raw, host=name)
    for ip, names in owners.items():
        if len(names) > 1:
            for name in names:
                yield problem("host-address", "site_ip", f"{ip} is used by {', '.join(sorted(names))}",
                         value=site.hosts[name].get("site_ip"), host=name)


# req: SPEC-2-management SPEC-2-glbp
@rule("device-address", "switches and routers are managed in the management VLAN; routers sit at their GLBP role's address")
def device_addresses(site: Site):
    mgmt = {v.id for v in site.vlan_for_role("management")}
    for name in site.group("cisco_switches") + site.group("cisco_routers"):
        vlan_id = site.hosts[name].get("site_vlan")
        if mgmt and vlan_id not in mgmt:
            yield problem("device-address", "site_vlan", f"network devices are managed in the management VLAN {sorted(mgmt)}, not {vlan_id}",
                     value=vlan_id, host=name)
    routers = [n for n in site.group("cisco_routers") if n in site.hosts]
    role_of = {n: (site.hosts[n].get("router") or {}).get("role") if isinstance(site.hosts[n].get("router"), dict) else None
               for n in routers}
    roles = Counter(role_of.values())
    for name in routers:
        role = role_of[name]
        if role in ("primary", "secondary") and roles[role] > 1:
            first = next(n for n in routers if role_of[n] == role)
            if name != first:
                tagged = site.hosts[name].get("router").get("role")
                yield problem("device-address", "router.role", f"{first} is the {role} router too: GLBP needs one primary "
                              "and one secondary router (the primary is the AVG, at site_glbp.primary.host)",
                              value=tagged, host=name)
            continue  # its address follows its role: fixing the role fixes it
        expected = site.router_address(site.hosts[name].get("site_vlan"), role) if role else None
        if expected is not None and site.host_ip(name) not in (None, expected):
            yield problem("device-address", "site_ip", f"the {role} router answers at {expected} in its VLAN (site_glbp.{role}.host)",
                     value=site.hosts[name].get("site_ip"), host=name)
    if routers and (roles["primary"] != 1 or roles["secondary"] != 1) and not any(c > 1 for c in roles.values()) \
            and None not in roles:  # a router without a role: the schema (or the misspelt key) says so
        yield problem("device-address", "router.role", "GLBP needs exactly one primary and one secondary router "
                 f"(found {dict(roles)})", fallback=site.vars.get("site_glbp"))


# ---- addresses taken by what is not a host of the inventory (issue 15) -----------------------------
@rule("taken-addresses", "no host sits on a storage endpoint's address or inside a DHCP range of its VLAN (the DHCP "
      "server would lease it to a workstation)")
def taken_addresses(site: Site):
    from ansible_collections.sitekit.core.plugins.plugin_utils.site import windows
    from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import SiteError

    prox = site.vars.get("site_proxmox") if isinstance(site.vars.get("site_proxmox"), dict) else {}
    endpoints = {}
    for store in prox.get("storage") or []:
        for key in ("portal", "server"):
            raw = dig(store, [key])
            try:
                endpoints[ipaddress.IPv4Address(str(raw).split(":")[0])] = f"the {key} of storage {dig(store, ['id'])}"
            except ValueError:
                continue
    ranges = []
    if site.group("windows") and site.vlans:
        try:
            ranges = [(ipaddress.IPv4Address(s.start), ipaddress.IPv4Address(s.end), s.vlan)
                      for s in windows.dhcp_scopes(site)]
        except SiteError:
            ranges = []  # the view's own problem (windows-view rule); anything else is a defect, not hidden
    for name in sorted(site.hosts):
        ip = site.host_ip(name)
        if ip is None:
            continue
        raw = site.hosts[name].get("site_ip")
        if ip in endpoints:
            yield problem("taken-addresses", "site_ip", f"{ip} is {endpoints[ip]} (site_proxmox.storage)", value=raw, host=name)
        for first, last, vlan in ranges:
            if first <= ip <= last:
                yield problem("taken-addresses", "site_ip", f"{ip} is inside the DHCP range {first}-{last} of VLAN {vlan}: "
                              "the DHCP server would lease it to a workstation too (site_windows.dhcp)", value=raw, host=name)
