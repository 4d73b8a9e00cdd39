"""Network view of the site model: the intended data of every switch and router.

``device_intent(site, host)`` turns the inventory (VLAN plan, port profiles, links,
GLBP, security, infrastructure services) into one plain dict per device; the IOS
templates (templates/ios/) only print it. Nothing here is typed per device: trunk
VLANs come from what is on the far side of each link (docs/design.md "Links are
declared once"), addresses from site_ip and the VLAN plan.

Each intent carries what IOS prints for it (``forms``: the running-config forms of the
device's release, so that a second push finds nothing to send) and what a push owns on the
device (``push``: include, exclude and management-path rules, see ``push_policy``).

Secrets arrive already resolved inside a play (hostvars templating); outside a play
``resolve_secrets`` replaces ``{{ vault_x }}`` references from a mapping (tests pass
dummy hashes, never plaintext passwords).
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ansible_collections.sitekit.core.plugins.module_utils.ios_vlans import vlan_list  # noqa: F401 - the view's name for it
from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import SiteError

# Ports per stack member, all named GigabitEthernet<member>/0/<n> as the inventory does.
PORT_LAYOUTS = {
    "WS-C2960X-48TS-L": 52,  # 48 copper + 4 SFP
    "WS-C2960X-24TS-L": 28,  # 24 copper + 4 SFP
    "WS-C2960S-48TS-L": 52,  # 48 copper + 4 SFP (FlexStack)
    "WS-C2960-48TT-L": 50,  # 48 + 2 uplinks (does not stack)
    "WS-C2960-24TT-L": 26,
}
PREFIXES = {"gi": "GigabitEthernet", "fa": "FastEthernet", "te": "TenGigabitEthernet", "po": "Port-channel"}
DEFAULT_STP_PRIORITY = 32768
# Catalyst families that run IOS 15.2(2)E or later, where `show running-config` prints the
# PortFast keywords with `edge` (Consolidated Platform Configuration Guide 15.2(4)E, Catalyst
# 2960-X, "PortFast edge"); the plain 2960 stops at 15.0(2)SE and prints them without it.
EDGE_PORTFAST = re.compile(r"^WS-C2960(S|X|XR)-")
# How each kind prints the domain commands (2960 15.2: `ip domain-name`; 1941 15.4: `ip domain name`).
DOMAIN_FORMS = {"switch": ("ip domain-name", "ip domain-lookup"), "router": ("ip domain name", "ip domain lookup")}
GLBP_DEFAULT_PRIORITY, GLBP_DEFAULT_LOAD_BALANCING = 100, "round-robin"
_REF = re.compile(r"^\s*\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}\s*$")


class NetworkModelError(SiteError):
    """The model cannot produce a device's configuration (names the host and key)."""


# ---- names and ranges ---------------------------------------------------------------
def full_name(port: str) -> str:
    """``Gi1/0/49`` → ``GigabitEthernet1/0/49`` (full names are what IOS shows)."""
    m = re.match(r"^([A-Za-z-]+?)(\d[\d/.]*)$", port.strip())
    if not m:
        raise NetworkModelError(f"cannot read interface name {port!r}")
    kind, num = m.groups()
    for short, long in PREFIXES.items():
        if long.lower().startswith(kind.lower()) and kind.lower().startswith(short):
            return long + num
    raise NetworkModelError(f"unknown interface type in {port!r}")


def expand_ports(spec: str) -> list[str]:
    """``Gi1/0/1-3`` → the three full interface names."""
    m = re.match(r"^(.*?)(\d+)-(\d+)$", spec.strip())
    if not m:
        return [full_name(spec)]
    head, first, last = m.group(1), int(m.group(2)), int(m.group(3))
    if last < first:
        raise NetworkModelError(f"port range {spec!r} runs backwards")
    return [full_name(f"{head}{n}") for n in range(first, last + 1)]


def resolve_secrets(value: Any, secrets: dict) -> Any:
    """Replace ``{{ vault_x }}`` references inside a structure from ``secrets``."""
    if isinstance(value, dict):
        return {k: resolve_secrets(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_secrets(v, secrets) for v in value]
    if isinstance(value, str):
        m = _REF.match(value)
        if m:
            if m.group(1) not in secrets:
                raise NetworkModelError(f"secret {m.group(1)} is needed to render and was not given")
            return secrets[m.group(1)]
    return value


SECRET_KEYS = ("site_security", "vault_ftp_archive_password")


def site_with_secrets(site: Site, secrets: dict) -> Site:
    """A copy of the site with ``{{ vault_x }}`` references replaced (rendering outside a play)."""
    site_vars = dict(site.vars)
    for key in SECRET_KEYS:
        if key in site_vars:
            site_vars[key] = resolve_secrets(site_vars[key], secrets) if key != "vault_ftp_archive_password" \
                else secrets.get(key, site_vars[key])
    return Site(site_vars, site.hosts, site.groups, source=site.source)


# ---- SNMPv3 keys: localized hashes (RFC 3414 §A.2), so no password is printed -----------
def engine_id(host: str) -> str:
    """A stable SNMP engine ID per device (enterprise 9, format 4 text, hashed name)."""
    return "8000000904" + hashlib.sha256(host.encode()).hexdigest()[:14].upper()


def snmp_localized_key(password: str, engine: str, length: int = 20) -> str:
    """SHA-1 password-to-key then localization with the engine ID, IOS colon notation."""
    if not password or "{{" in str(password):
        raise NetworkModelError("an SNMPv3 password was not resolved")
    pw = str(password).encode()
    # RFC 3414 A.2.2: SHA-1 over the password repeated to 1 MiB, hashed in one call.
    ku_input = (pw * (1048576 // len(pw) + 1))[:1048576]
    digest = hashlib.sha1(ku_input)
    ku = digest.digest()
    kul = hashlib.sha1(ku + bytes.fromhex(engine) + ku).digest()[:length]
    return ":".join(f"{b:02X}" for b in kul)


_XLAT = "dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87"


def type7(password: Any, host: str) -> str:
    """IOS type 7 form of the FTP archive password: the only form `ip ftp password` keeps.

    Reversible obfuscation, not a hash; IOS offers nothing stronger for this command.
    The seed is derived from the host name so that rendering is reproducible.
    """
    if not password or "{{" in str(password):
        raise NetworkModelError("vault_ftp_archive_password was not resolved")
    seed = int(hashlib.sha256(host.encode()).hexdigest(), 16) % 16
    return f"{seed:02d}" + "".join(f"{ord(c) ^ ord(_XLAT[(seed + i) % len(_XLAT)]):02X}" for i, c in enumerate(str(password)))


# ---- which VLANs each link carries --------------------------------------------------
def _local_vlans(site: Site, dev: str) -> set[int]:
    """VLANs a device itself uses (not what it only passes on)."""
    host = site.hosts.get(dev)
    if host is None:
        return set()
    out = {int(host.get("site_vlan"))} if host.get("site_vlan") is not None else set()
    if site.in_group(dev, "cisco_routers"):
        return {v.id for v in site.vlans}  # router-on-a-stick: it routes every VLAN
    if site.in_group(dev, "cisco_switches"):
        profiles = site.vars.get("site_port_profiles") or {}
        for item in (host.get("switch") or {}).get("access_ports") or []:
            out.add(int(profiles[item["profile"]]["vlan"]))
    if site.in_group(dev, "proxmox_nodes"):
        # Any VM may run on any node (HA, migration); corosync links add their VLANs.
        out |= {int(site.hosts[vm].get("site_vlan")) for vm in site.group("proxmox_vms")
                if vm in site.hosts and site.hosts[vm].get("site_vlan") is not None}
        for addr in (host.get("pve_node") or {}).get("corosync_links") or []:
            out |= {v.id for v in site.vlans if ipaddress.IPv4Address(str(addr)) in v.subnet}
    return out


def _links(site: Site) -> list[dict]:
    return list(site.vars.get("site_links") or [])


def _beyond(site: Site, dev: str, via: int, seen: set) -> set[int]:
    """VLANs used at ``dev`` and behind it, reached through link index ``via``."""
    seen = seen | {dev}
    out = _local_vlans(site, dev)
    for i, link in enumerate(_links(site)):
        if i == via or dev not in (link["a"], link["b"]):
            continue
        other = link["b"] if link["a"] == dev else link["a"]
        if other not in seen:
            out |= _beyond(site, other, i, seen)
    return out


def link_vlans(site: Site, index: int) -> list[int]:
    """VLANs a link must carry: used on both sides of it, nothing more."""
    link = _links(site)[index]
    a = _beyond(site, link["a"], index, {link["b"]})
    b = _beyond(site, link["b"], index, {link["a"]})
    known = {v.id for v in site.vlans}
    return sorted(a & b & known)


def device_links(site: Site, dev: str) -> list[dict]:
    """This device's ends of every link: local ports, peer, peer ports, channel, VLANs."""
    out = []
    for i, link in enumerate(_links(site)):
        for side, other in (("a", "b"), ("b", "a")):
            if link[side] == dev:
                out.append({"index": i, "ports": [full_name(p) for p in link[f"{side}_ports"]],
                            "peer": link[other], "peer_ports": list(link[f"{other}_ports"]),
                            "channel": link.get("channel"), "media": link["media"], "vlans": link_vlans(site, i)})
    return out


# ---- shared parts of every device ---------------------------------------------------
def _netmask(vlan_id: int, site: Site) -> str:
    return str(site.vlan(vlan_id).subnet.netmask)


def _management(site: Site, host: str) -> dict:
    sec = site.vars.get("site_security") or {}
    infra = site.vars.get("site_infra") or {}
    allowed = list(sec.get("vty_allowed_vlans") or [])
    allowed += [v.id for v in site.vlans for r in sec.get("vty_allowed_vlan_roles") or [] if v.role == r]
    vty = []
    for vid in sorted(set(allowed)):
        vlan = site.vlan(int(vid))
        if vlan is None:
            raise NetworkModelError(f"site_security.vty_allowed_vlans: VLAN {vid} is not in site_vlans")
        vty.append({"vlan": vlan.id, "network": str(vlan.subnet.network_address), "wildcard": str(vlan.subnet.hostmask)})
    snmp = sec.get("snmp") or {}
    eid = engine_id(host)
    archive = site.vars.get("site_config_archive") or {}
    primary_ip = site.host_ip(archive["primary"]) if archive.get("primary") else None
    syslog_ip = site.host_ip(infra["syslog_host"]) if infra.get("syslog_host") else None
    banner = sec.get("login_banner")
    if banner and all(c in str(banner) for c in "#~@$&*"):
        raise NetworkModelError("the login banner uses every delimiter IOS could take (#~@$&*): drop one of them",
                                key="site_security.login_banner", value=banner)
    return {
        "hostname": host,
        "domain": site.vars.get("site_domain"),
        "clock": clock(site.vars.get("site_timezone")) if site.vars.get("site_timezone") else None,
        "enable_secret_hash": sec.get("enable_secret_hash"),
        "banner": " ".join(str(banner).split()) if banner else None,
        "ssh_version": int(sec.get("ssh_version", 2)),
        "admins": [{"name": a["name"], "privilege": int(a.get("privilege", 15)), "secret_hash": a["secret_hash"]}
                   for a in sec.get("network_admins") or []],
        "vty_acl": vty,
        "ntp": site.infra_ips("ntp"),
        "dns": site.infra_ips("dns"),
        "syslog": str(syslog_ip) if syslog_ip else None,
        "snmp": {"user": snmp.get("user"), "group": snmp.get("group"), "engine_id": eid,
                 "auth_key": snmp_localized_key(snmp.get("auth_password"), eid),
                 "priv_key": snmp_localized_key(snmp.get("priv_password"), eid, 16)} if snmp else None,
        "archive": {"url": f"ftp://{primary_ip}/{host}/$h-$t", "user": archive.get("user"),
                    "password7": type7(site.vars.get("vault_ftp_archive_password"), host)} if primary_ip else None,
    }


# ---- time zone: IOS `clock timezone` and `clock summer-time … recurring` from the tz database ----
_WEEK = {1: "1", 2: "2", 3: "3", 4: "4"}


def _transitions(zone: ZoneInfo, year: int) -> list[datetime.datetime]:
    """UTC instants (to the minute) where the zone's offset changes during ``year``."""
    out = []
    t = datetime.datetime(year, 1, 1, tzinfo=datetime.UTC)
    step = datetime.timedelta(hours=1)
    while t.year == year:
        if t.astimezone(zone).utcoffset() != (t + step).astimezone(zone).utcoffset():
            lo, hi = t, t + step
            while hi - lo > datetime.timedelta(minutes=1):
                mid = lo + (hi - lo) / 2
                lo, hi = (mid, hi) if mid.astimezone(zone).utcoffset() == lo.astimezone(zone).utcoffset() else (lo, mid)
            out.append(hi)
        t += step
    return out


def _recurrence(local: datetime.datetime) -> str:
    """``last Sun Mar 2:00`` for a local transition time (IOS `clock summer-time … recurring`)."""
    week = "last" if (local + datetime.timedelta(days=7)).month != local.month else _WEEK[(local.day - 1) // 7 + 1]
    return f"{week} {local.strftime('%a')} {local.strftime('%b')} {local.hour}:{local.minute:02d}"


def clock(name: str, year: int = 2025) -> dict:
    """IOS time-zone lines of a tz database zone: {zone, hours, minutes, summer} (summer None without DST).

    IOS reads the start of summer time in standard time and its end in summer time
    (``clock summer-time CEST recurring last Sun Mar 2:00 last Sun Oct 3:00`` for Europe/Paris)."""
    try:
        zone = ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise NetworkModelError(f"time zone {name!r} is not in the tz database", key="site_timezone", value=name) from None
    samples = [datetime.datetime(year, m, 15, 12, tzinfo=zone) for m in (1, 7)]
    standard = next((t for t in samples if not t.dst()), samples[0])
    offset = int(standard.utcoffset().total_seconds() // 60)
    out = {"zone": standard.tzname(), "hours": int(offset / 60), "minutes": abs(offset) % 60, "summer": None}
    changes = _transitions(zone, year)
    if len(changes) == 2:
        start, end = sorted(changes, key=lambda t: bool(t.astimezone(zone).dst()), reverse=True)
        summer = start.astimezone(zone)
        begins = (start + standard.utcoffset()).replace(tzinfo=None)
        ends = (end + summer.utcoffset()).replace(tzinfo=None)
        shift = int((summer.utcoffset() - standard.utcoffset()).total_seconds() // 60)
        out["summer"] = f"{summer.tzname()} recurring {_recurrence(begins)} {_recurrence(ends)}" + \
            (f" {shift}" if shift != 60 else "")
    return out


# ---- what a push owns ------------------------------------------------------------------
# Top-level families the model declares entirely on every device: a line of these families
# that the model does not declare is removed. SNMP is owned whole: the model's SNMPv3 user
# is the only SNMP access (communities are plaintext, refused by ios_validate).
COMMON_FAMILIES = [
    r"^hostname ", r"^service (timestamps|password-encryption)\b", r"^no service password-encryption$",
    r"^(no )?ip domain[ -](lookup|name)\b", r"^ip name-server ", r"^username ", r"^enable (secret|password) ",
    r"^ip ssh (version|time-out|authentication-retries) ", r"^(no )?ip http (secure-)?server$",
    r"^ip access-list standard (VTY-ACCESS|SNMP-ACCESS)$", r"^(no )?logging (host|trap)\b", r"^logging \d",
    r"^snmp-server (engineID local|view|group|user|community) ", r"^ntp server ", r"^ip ftp (username|password) ",
    r"^archive$", r"^line (con 0|vty \d+ \d+)$", r"^banner login ", r"^clock (timezone|summer-time) ",
]
# Sections on the path the operator's session uses: a push that removes or replaces a line
# of them needs the operator's explicit consent for that device.
COMMON_MANAGEMENT = [r"^line vty ", r"^ip access-list standard VTY-ACCESS$", r"^username ", r"^aaa ",
                     r"^ip ssh version "]


def push_policy(kind: str, lan: str | None = None) -> dict:
    """Scope of a push on a switch stack or on a router whose LAN trunk is ``lan``.

    Switch: the model declares every port of the stack, its port-channels, SVIs, VLANs and
    spanning tree. Router: only the LAN trunk and its sub-interfaces (one per site VLAN);
    the WAN side (uplink address, NAT, static routes, ACLs of the operator), ``ip cef``,
    other interfaces and lines are the operator's and left alone, as are the speed and
    duplex of ports and NAT roles on the LAN sub-interfaces.
    """
    if kind == "switch":
        return {"include": COMMON_FAMILIES + [
                    r"^switch \d+ provision ", r"^spanning-tree ", r"^vtp mode ", r"^vlan \d+$",
                    r"^interface (GigabitEthernet|TenGigabitEthernet|Port-channel)\d", r"^interface Vlan(?!1$)\d+$",
                    r"^ip default-gateway ", r"^errdisable recovery ", r"^port-channel load-balance "],
                "exclude": [],
                "management": COMMON_MANAGEMENT + [r"^interface Vlan\d+$", r"^ip default-gateway "]}
    lan_rx = re.escape(lan or "GigabitEthernet0/0")
    return {"include": COMMON_FAMILIES + [rf"^interface {lan_rx}(\.\d+)?$", r"^track \d+ interface "],
            "exclude": [r"^ (duplex|speed) ", r"^ ip nat (inside|outside)$", r"^ ip virtual-reassembly"],
            "management": COMMON_MANAGEMENT + [rf"^interface {lan_rx}(\.\d+)?$"]}


# ---- switches ------------------------------------------------------------------------
def switch_ports(stack: list[dict]) -> list[str]:
    """Every physical port of a stack, from its members' models."""
    out = []
    for member in sorted(stack, key=lambda m: m["member"]):
        count = PORT_LAYOUTS.get(member["model"])
        if count is None:
            raise NetworkModelError(f"switch model {member['model']} has no port layout in site_network.PORT_LAYOUTS")
        out += [f"GigabitEthernet{member['member']}/0/{n}" for n in range(1, count + 1)]
    return out


def _is_network_device(site: Site, host: str) -> bool:
    return site.in_group(host, "cisco_switches") or site.in_group(host, "cisco_routers")


def switching(site: Site) -> dict:
    """Layer-2 policy of every switch (site_switching): EtherChannel hashing, parking VLAN for
    unused ports, storm control on access ports, errdisable recovery."""
    sw = site.vars.get("site_switching") or {}
    parking = sw.get("parking_vlan")
    storm = sw.get("storm_control")
    recovery = sw.get("errdisable_recovery")
    return {
        "load_balance": sw.get("port_channel_load_balance"),
        "parking": {"id": int(parking["id"]), "name": parking["name"]} if parking else None,
        "storm_control": {"level": f"{float(storm['broadcast_level']):.2f}", "action": storm.get("action")} if storm else None,
        "errdisable": {"causes": list(recovery.get("causes") or []), "interval": recovery.get("interval")} if recovery else None,
    }


def switch_forms(stack: list[dict]) -> dict:
    """What this stack's release prints (see EDGE_PORTFAST, DOMAIN_FORMS)."""
    edge = bool(stack) and all(EDGE_PORTFAST.match(str(m["model"])) for m in stack)
    name, lookup = DOMAIN_FORMS["switch"]
    return {"domain_name": name, "domain_lookup": lookup,
            "portfast": "spanning-tree portfast edge" if edge else "spanning-tree portfast",
            "portfast_trunk": "spanning-tree portfast edge trunk" if edge else "spanning-tree portfast trunk",
            "bpduguard_default": f"spanning-tree portfast {'edge ' if edge else ''}bpduguard default"}


def switch_intent(site: Site, host: str) -> dict:
    h = site.hosts[host]
    sw = h.get("switch") or {}
    profiles = site.vars.get("site_port_profiles") or {}
    stp = site.vars.get("site_spanning_tree") or {}
    l2 = switching(site)
    physical = switch_ports(sw.get("stack") or [])
    ports: dict[str, dict] = {}

    def claim(name: str, what: dict):
        if name not in physical:
            raise NetworkModelError(f"host {host}: port {name} does not exist on this stack ({what.get('why')})")
        if name in ports:
            raise NetworkModelError(f"host {host}: port {name} is used twice ({ports[name]['why']}, {what['why']})")
        ports[name] = what

    for item in sw.get("access_ports") or []:
        prof = profiles.get(item["profile"])
        if prof is None:
            raise NetworkModelError(f"host {host}: profile {item['profile']!r} is not in site_port_profiles")
        for name in expand_ports(item["ports"]):
            claim(name, {"mode": "access", "vlan": int(prof["vlan"]), "description": item["profile"],
                         "portfast": bool(prof.get("portfast", False)), "why": f"access {item['ports']}"})
    channels = []
    for link in device_links(site, host):
        desc = f"{link['peer']} {link['media']}"
        # A trunk to a server (Proxmox node bond) is an edge: no bridge behind it, PortFast on the trunk.
        edge = not _is_network_device(site, link["peer"])
        if link["channel"] is not None:
            channels.append({"id": int(link["channel"]), "description": f"{desc} LACP", "vlans": link["vlans"],
                             "allowed": vlan_list(link["vlans"]), "members": link["ports"], "edge": edge})
        for port, peer_port in zip(link["ports"], link["peer_ports"] + [None] * len(link["ports"]), strict=False):
            claim(port, {"mode": "trunk", "vlans": link["vlans"], "allowed": vlan_list(link["vlans"]), "channel": link["channel"],
                         "description": f"{link['peer']} {peer_port} {link['media']}".replace(" None", ""),
                         "edge": edge, "why": f"link to {link['peer']}"})
    carried = {p["vlan"] for p in ports.values() if p["mode"] == "access"} | {int(h.get("site_vlan"))}
    carried |= {v for p in ports.values() if p["mode"] == "trunk" for v in p["vlans"]}
    parking = l2["parking"]
    interfaces = [{"name": n, **{k: v for k, v in ports[n].items() if k != "why"}} if n in ports
                  else {"name": n, "mode": "unused", "vlan": parking["id"] if parking else None} for n in physical]
    is_core = sw.get("role") == "core"
    priority = int(stp.get("root_priority" if is_core else "access_priority", DEFAULT_STP_PRIORITY))
    mgmt_vlan = int(h.get("site_vlan"))
    stack = sorted(sw.get("stack") or [], key=lambda m: (-int(m["priority"]), int(m["member"])))
    vlans = [{"id": v.id, "name": v.name} for v in site.vlans if v.id in carried]
    if parking and any(p["mode"] == "unused" for p in interfaces):
        vlans = sorted(vlans + [{"id": parking["id"], "name": parking["name"]}], key=lambda v: v["id"])
    return {
        "kind": "switch",
        **_management(site, host),
        "forms": switch_forms(sw.get("stack") or []),
        "push": push_policy("switch"),
        "location": sw.get("location"),
        "role": sw.get("role"),
        "stack": [{"member": int(m["member"]), "priority": int(m["priority"]), "model": m["model"]}
                  for m in sorted(stack, key=lambda m: int(m["member"]))],
        "stack_master": int(stack[0]["member"]) if stack else None,
        "vlans": vlans,
        "switching": l2,
        "port_channels": sorted(channels, key=lambda c: c["id"]),
        "interfaces": interfaces,
        "mgmt": {"vlan": mgmt_vlan, "name": site.vlan(mgmt_vlan).name, "address": str(site.host_ip(host)),
                 "netmask": _netmask(mgmt_vlan, site)},
        "default_gateway": str(site.gateway(mgmt_vlan)),
        "stp": {"mode": stp.get("mode", "rapid-pvst"), "vlans": vlan_list(carried),
                "priority": priority if priority != DEFAULT_STP_PRIORITY else None},
    }


# ---- routers -------------------------------------------------------------------------
TRACK_UPLINK = 1  # the tracked object of the WAN uplink's line protocol


def router_intent(site: Site, host: str) -> dict:
    h = site.hosts[host]
    rt = h.get("router") or {}
    role = rt.get("role")
    glbp = site.vars.get("site_glbp") or {}
    lan = full_name(rt["lan_interface"])
    wan = full_name(rt["wan_interface"]) if rt.get("wan_interface") else None
    weighting = glbp.get("weighting")
    dhcp = site.infra_ips("dhcp")
    priority = int((glbp.get(role) or {}).get("priority", GLBP_DEFAULT_PRIORITY))
    balancing = glbp.get("load_balancing", GLBP_DEFAULT_LOAD_BALANCING)
    subs = []
    for vlan in site.vlans:
        subs.append({
            "name": f"{lan}.{vlan.id}", "vlan": vlan.id, "description": vlan.name,
            "address": str(site.router_address(vlan.id, role)), "netmask": str(vlan.subnet.netmask),
            # IOS hides GLBP defaults (priority 100, round-robin): they are not printed either.
            "glbp": {"group": vlan.id, "ip": str(site.gateway(vlan.id)),
                     "priority": priority if priority != GLBP_DEFAULT_PRIORITY else None,
                     "preempt": bool(glbp.get("preempt", True)),
                     "load_balancing": balancing if balancing != GLBP_DEFAULT_LOAD_BALANCING else None,
                     # Uplink down: the weight drops below `lower` and this router stops forwarding.
                     "weighting": {"maximum": 100, "lower": int(weighting["lower"]), "upper": int(weighting["upper"]),
                                   "track": TRACK_UPLINK, "decrement": int(weighting["track_decrement"])}
                     if weighting and wan else None},
            "helpers": dhcp if vlan.role == "clients" else [],
        })
    peers = [link for link in device_links(site, host)]
    name, lookup = DOMAIN_FORMS["router"]
    mgmt_vlan = int(h.get("site_vlan"))
    mgmt = next((s for s in subs if s["vlan"] == mgmt_vlan), None)
    if mgmt is None:
        raise NetworkModelError(f"VLAN {mgmt_vlan} is not in site_vlans", key="site_vlan", host=host, value=mgmt_vlan)
    return {
        "kind": "router",
        **_management(site, host),
        "forms": {"domain_name": name, "domain_lookup": lookup},
        "push": push_policy("router", lan),
        "model": rt.get("model"),
        "role": role,
        "lan_interface": lan,
        "lan_description": ", ".join(f"{p['peer']} {' '.join(p['peer_ports'])}" for p in peers) or "LAN",
        "wan_interface": wan,
        "track": {"id": TRACK_UPLINK, "interface": wan} if weighting and wan else None,
        "mgmt": {"vlan": mgmt_vlan, "name": mgmt["description"], "address": mgmt["address"], "netmask": mgmt["netmask"],
                 "interface": mgmt["name"]},
        "subinterfaces": subs,
        "vlans": [{"id": v.id, "name": v.name} for v in site.vlans],
    }


def network_devices(site: Site) -> list[str]:
    return [h for h in site.group("cisco_switches") + site.group("cisco_routers") if h in site.hosts]


def device_intent(site: Site, host: str) -> dict:
    """The intended data of one switch or router (what its template prints)."""
    if site.in_group(host, "cisco_switches"):
        return switch_intent(site, host)
    if site.in_group(host, "cisco_routers"):
        return router_intent(site, host)
    raise NetworkModelError(f"host {host} is neither in cisco_switches nor in cisco_routers")
