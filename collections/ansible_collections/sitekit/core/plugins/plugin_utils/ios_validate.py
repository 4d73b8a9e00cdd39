"""Offline checks of rendered IOS configurations against the site model.

``validate(site, configs)`` parses every configuration ({host: text}) and returns one
``ConfigProblem`` per fault, naming host, line number and line:
  - every access VLAN is declared on the switch and in the VLAN plan (or is the parking VLAN);
  - every trunk allows exactly what its link must carry (site_network.link_vlans) and
    the same list as the peer's end of the link, with the same native VLAN;
  - every port of an aggregated link is a member of its port-channel; members share the
    port-channel's mode and VLANs, use LACP (`mode active`) and come after their port-channel;
  - the management SVI has the device's address, the default gateway is its VLAN's gateway,
    the VTY access list admits the management network, SSH is version 2 (declared);
  - the core switch is spanning-tree root (its priority on every VLAN it carries);
  - every VLAN has a GLBP group on both routers (virtual .1) with distinct priorities,
    the primary router highest and preempting;
  - no line holds a plaintext password; no VTY accepts telnet.
Used by the roles (filter ``ios_problems``) before any push and by the tests.

The configurations are parsed by indentation (``_parse``): ciscoconfparse2 0.9.18, the parser
used before, pins hier-config 2.3.1 and fails to import next to hier_config 3
(``module 'hier_config' has no attribute 'Host'``), which the push needs.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field

from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network import device_links, full_name

# `password`/`secret` followed by a type digit (5, 8, 9 hashes; 7 only where IOS has nothing better).
_SECRET = re.compile(r"\b(password|secret|key-string|community)\s+(\S+)(?:\s+(\S+))?", re.I)
_TYPE7_ALLOWED = re.compile(r"^ip ftp password 7 ")
# What IOS takes after `secret 5` / `secret 9` (else "ERROR: The secret you entered is not a valid encrypted secret").
_HASHES = {"5": re.compile(r"^\$1\$[./0-9A-Za-z]{1,8}\$[./0-9A-Za-z]{22}$"),
           "9": re.compile(r"^\$9\$[./0-9A-Za-z]{14}\$[./0-9A-Za-z]{43}$")}


@dataclass
class ConfigProblem:
    host: str
    line: int  # 1-based, 0 when the problem is a missing line
    text: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}: {self.text.strip()!r}: " if self.line else ""
        return f"{self.host}: {where}{self.message}"


def parse_vlans(text: str) -> list[int]:
    """``10,20-22`` → [10, 20, 21, 22]."""
    out: list[int] = []
    for part in text.replace(" ", "").split(","):
        if "-" in part:
            first, last = part.split("-")
            out += list(range(int(first), int(last) + 1))
        elif part:
            out.append(int(part))
    return sorted(set(out))


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


def _parse(text: str) -> Config:
    return Config(text)


def _child(obj, pattern: str):
    rx = re.compile(pattern)
    for child in obj.children:
        m = rx.search(child.text)
        if m:
            return child, m
    return None, None


def _interfaces(parse) -> dict:
    return {o.text.split(None, 1)[1].strip(): o for o in parse.find_objects(r"^interface\s")}


def check_secrets(host: str, parse) -> list[ConfigProblem]:
    out = []
    for obj in parse.find_objects(r"(password|secret|community|key-string)\s"):
        text = obj.text.strip()
        if text.startswith("!"):
            continue
        if text.startswith("snmp-server community"):
            out.append(ConfigProblem(host, obj.linenum + 1, text, "SNMP community strings are plaintext; use SNMPv3 users"))
            continue
        for m in _SECRET.finditer(text):
            kind = m.group(2)
            if kind in _HASHES and m.group(1).lower() == "secret" and not _HASHES[kind].match(m.group(3) or ""):
                out.append(ConfigProblem(host, obj.linenum + 1, text, f"not a type {kind} hash: IOS refuses it (give the "
                                         f"vault a real hash, e.g. from `secret` typed on a device or an scrypt tool)"))
                break
            if kind in ("5", "8", "9") or (kind == "7" and _TYPE7_ALLOWED.search(text)):
                continue
            out.append(ConfigProblem(host, obj.linenum + 1, text, "plaintext password (only type 5/8/9 hashes are allowed)"))
            break
    for obj in parse.find_objects(r"^snmp-server user\s"):
        if re.search(r"\bauth\b", obj.text) and " encrypted " not in obj.text:
            out.append(ConfigProblem(host, obj.linenum + 1, obj.text, "SNMPv3 user with plaintext auth/priv passwords"))
    return out


def check_lines(host: str, parse) -> list[ConfigProblem]:
    out = []
    for line in parse.find_objects(r"^line vty"):
        child, m = _child(line, r"^\s*transport input\s+(.*)$")
        if child is None:
            out.append(ConfigProblem(host, line.linenum + 1, line.text, "no `transport input ssh`: IOS defaults may allow telnet"))
        elif re.search(r"\b(telnet|all)\b", m.group(1)):
            out.append(ConfigProblem(host, child.linenum + 1, child.text, "telnet is allowed on the VTY lines"))
    versions = parse.find_objects(r"^ip ssh version\s")
    for obj in versions:
        if obj.text.split()[-1] != "2":
            out.append(ConfigProblem(host, obj.linenum + 1, obj.text, "SSH must be version 2 only"))
    if not versions:
        out.append(ConfigProblem(host, 0, "", "no `ip ssh version 2`: IOS would also accept SSH version 1"))
    return out


def _permits(acl: Line, network: ipaddress.IPv4Network) -> bool:
    """Whether a standard ACL permits the whole of ``network`` before anything denies part of it."""
    for entry in acl.children:
        words = entry.text.split()
        if not words or words[0] not in ("permit", "deny"):
            continue
        spec = words[1:]
        if spec[:1] == ["any"]:
            covered = ipaddress.IPv4Network("0.0.0.0/0")
        elif spec[:1] == ["host"] and len(spec) > 1:
            covered = ipaddress.IPv4Network(spec[1])
        elif len(spec) > 1 and re.fullmatch(r"[\d.]+", spec[1]):
            try:
                covered = ipaddress.IPv4Network(f"{spec[0]}/{spec[1]}")
            except ValueError:
                continue
        else:
            covered = ipaddress.IPv4Network(spec[0])
        if network.subnet_of(covered):
            return words[0] == "permit"
        if covered.overlaps(network) and words[0] == "deny":
            return False
    return False


def check_management(site: Site, host: str, parse) -> list[ConfigProblem]:
    """The management path: SVI address and gateway (switch), VTY ACL admitting the management network."""
    out = []
    vlan_id = site.hosts[host].get("site_vlan")
    vlan = site.vlan(int(vlan_id)) if vlan_id is not None else None
    if vlan is None:
        return out
    address = site.host_ip(host)
    if site.in_group(host, "cisco_switches"):
        svi = _interfaces(parse).get(f"Vlan{vlan.id}")
        want = f"{address} {vlan.subnet.netmask}"
        _, m = _child(svi, r"^\s*ip address (\S+ \S+)$") if svi is not None else (None, None)
        if svi is None:
            out.append(ConfigProblem(host, 0, "", f"no management interface Vlan{vlan.id}"))
        elif not m or m.group(1) != want:
            out.append(ConfigProblem(host, svi.linenum + 1, svi.text, f"management address is "
                                     f"{m.group(1) if m else 'missing'}, the model says {want}"))
        gateways = parse.find_objects(r"^ip default-gateway ")
        want_gw = str(site.gateway(vlan.id))
        if not gateways:
            out.append(ConfigProblem(host, 0, "", f"no `ip default-gateway {want_gw}`: the switch cannot answer beyond "
                                                  f"VLAN {vlan.id}"))
        for gw in gateways:
            if gw.text.split()[-1] != want_gw:
                out.append(ConfigProblem(host, gw.linenum + 1, gw.text, f"default gateway is not {want_gw}, the gateway "
                                                                        f"of VLAN {vlan.id}"))
    acls = {o.text.split()[-1]: o for o in parse.find_objects(r"^ip access-list standard \S+$")}
    for line in parse.find_objects(r"^line vty"):
        child, m = _child(line, r"^\s*access-class (\S+) in$")
        if child is None:
            continue
        acl = acls.get(m.group(1))
        if acl is None or not _permits(acl, vlan.subnet):
            out.append(ConfigProblem(host, child.linenum + 1, child.text,
                                     f"access list {m.group(1)} does not admit the management network {vlan.subnet}: "
                                     "the next SSH login would be refused"))
    return out


def _port_state(obj) -> dict:
    mode, _ = _child(obj, r"^\s*switchport mode (\S+)")
    allowed, m_allowed = _child(obj, r"^\s*switchport trunk allowed vlan (\S+)$")
    _, m_access = _child(obj, r"^\s*switchport access vlan (\d+)")
    _, m_chan = _child(obj, r"^\s*channel-group (\d+) mode (\S+)")
    _, m_native = _child(obj, r"^\s*switchport trunk native vlan (\d+)")
    return {"mode": mode.text.split()[-1] if mode is not None else None,
            "allowed": parse_vlans(m_allowed.group(1)) if m_allowed else None,
            "access": int(m_access.group(1)) if m_access else None,
            "channel": (int(m_chan.group(1)), m_chan.group(2)) if m_chan else None,
            "native": int(m_native.group(1)) if m_native else 1}


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
        if int(words[-1]) == want:
            rooted |= set(parse_vlans(words[2]))
    missing = sorted(carried - rooted)
    if missing:
        return [ConfigProblem(host, 0, "", f"the core is not spanning-tree root of VLAN(s) {missing}: no "
                                           f"`spanning-tree vlan ... priority {want}` for them")]
    return []


def check_switch(site: Site, host: str, parse, configs_parsed: dict) -> list[ConfigProblem]:
    out = []
    declared = {int(o.text.split()[1]) for o in parse.find_objects(r"^vlan \d+$")}
    known = {v.id for v in site.vlans}
    parking = ((site.vars.get("site_switching") or {}).get("parking_vlan") or {}).get("id")
    if parking is not None:
        known.add(int(parking))
    interfaces = _interfaces(parse)
    states = {name: _port_state(obj) for name, obj in interfaces.items()}
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
                peer_pc = _interfaces(peer).get(name)
                if peer_pc is not None and _port_state(peer_pc)["native"] != st["native"]:
                    out.append(ConfigProblem(host, obj.linenum + 1, obj.text, f"native VLAN mismatch: {st['native']} "
                                             f"here, {_port_state(peer_pc)['native']} on {link['peer']} {name}"))
            if peer is not None and not name.startswith("Port-channel"):
                idx = link["ports"].index(name)
                peer_ifs = _interfaces(peer)
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
                elif peer_obj is not None:
                    pst = _port_state(peer_obj)
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


def check_glbp(site: Site, configs_parsed: dict) -> list[ConfigProblem]:
    out = []
    routers = [h for h in site.group("cisco_routers") if h in configs_parsed]
    if not routers:
        return out
    for vlan in site.vlans:
        prios = {}
        for host in routers:
            found = None
            for obj in configs_parsed[host].find_objects(r"^interface\s"):
                _, m_ip = _child(obj, rf"^\s*glbp {vlan.id} ip (\S+)$")
                if m_ip:
                    found = obj
                    if m_ip.group(1) != str(site.gateway(vlan.id)):
                        out.append(ConfigProblem(host, obj.linenum + 1, obj.text,
                                                 f"GLBP {vlan.id} virtual IP {m_ip.group(1)} is not {site.gateway(vlan.id)}"))
                    _, m_prio = _child(obj, rf"^\s*glbp {vlan.id} priority (\d+)$")
                    _, m_pre = _child(obj, rf"^\s*glbp {vlan.id} preempt")
                    prios[host] = (int(m_prio.group(1)) if m_prio else 100, bool(m_pre), obj)
            if found is None:
                out.append(ConfigProblem(host, 0, "", f"VLAN {vlan.id} has no GLBP group {vlan.id} with its virtual IP"))
        if len(prios) == len(routers) == 2:
            (h1, (p1, _, o1)), (h2, (p2, _, _)) = prios.items()
            if p1 == p2:
                out.append(ConfigProblem(h1, o1.linenum + 1, o1.text, f"GLBP {vlan.id}: {h1} and {h2} share priority {p1}"))
            primary = [h for h in routers if (site.hosts[h].get("router") or {}).get("role") == "primary"]
            if primary:
                top = max(prios, key=lambda h: prios[h][0])
                if top != primary[0] or not prios[primary[0]][1]:
                    o = prios[primary[0]][2]
                    out.append(ConfigProblem(primary[0], o.linenum + 1, o.text,
                                             f"GLBP {vlan.id}: the primary router must have the highest priority and preempt"))
    return out


def validate(site: Site, configs: dict[str, str]) -> list[ConfigProblem]:
    """Every problem of a set of rendered configurations ({host: text})."""
    parsed = {host: _parse(text) for host, text in configs.items()}
    out: list[ConfigProblem] = []
    for host, parse in parsed.items():
        out += check_secrets(host, parse) + check_lines(host, parse) + check_management(site, host, parse)
        if site.in_group(host, "cisco_switches"):
            out += check_switch(site, host, parse, parsed) + check_stp_root(site, host, parse)
    out += check_glbp(site, parsed)
    return out
