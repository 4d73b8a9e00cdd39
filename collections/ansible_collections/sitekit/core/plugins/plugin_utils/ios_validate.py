"""Offline checks of rendered IOS configurations against the site model (ciscoconfparse2).

``validate(site, configs)`` parses every configuration ({host: text}) and returns one
``ConfigProblem`` per fault, naming host, line number and line:
  - every access VLAN is declared on the switch and in the VLAN plan;
  - every trunk allows exactly what its link must carry (site_network.link_vlans) and
    the same list as the peer's end of the link;
  - port-channel members share the port-channel's mode and VLANs, use LACP (`mode
    active`) and come after their port-channel;
  - every VLAN has a GLBP group on both routers (virtual .1) with distinct priorities,
    the primary router highest and preempting;
  - no line holds a plaintext password; no VTY accepts telnet.
Used by the roles (filter ``ios_problems``) before any push and by the tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network import device_links, full_name

try:
    from ciscoconfparse2 import CiscoConfParse
except ImportError:  # pragma: no cover - the pinned toolchain has it
    CiscoConfParse = None

# `password`/`secret` followed by a type digit (5, 8, 9 hashes; 7 only where IOS has nothing better).
_SECRET = re.compile(r"\b(password|secret|key-string|community)\s+(\S+)(?:\s+(\S+))?", re.I)
_TYPE7_ALLOWED = re.compile(r"^ip ftp password 7 ")


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


def _parse(text: str):
    if CiscoConfParse is None:
        raise RuntimeError("ciscoconfparse2 is required to validate IOS configurations")
    return CiscoConfParse(text.splitlines(), syntax="ios")


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
    for obj in parse.find_objects(r"^ip ssh version\s"):
        if obj.text.split()[-1] != "2":
            out.append(ConfigProblem(host, obj.linenum + 1, obj.text, "SSH must be version 2 only"))
    return out


def _port_state(obj) -> dict:
    mode, _ = _child(obj, r"^\s*switchport mode (\S+)")
    allowed, m_allowed = _child(obj, r"^\s*switchport trunk allowed vlan (\S+)$")
    _, m_access = _child(obj, r"^\s*switchport access vlan (\d+)")
    _, m_chan = _child(obj, r"^\s*channel-group (\d+) mode (\S+)")
    return {"mode": mode.text.split()[-1] if mode is not None else None,
            "allowed": parse_vlans(m_allowed.group(1)) if m_allowed else None,
            "access": int(m_access.group(1)) if m_access else None,
            "channel": (int(m_chan.group(1)), m_chan.group(2)) if m_chan else None}


def check_switch(site: Site, host: str, parse, configs_parsed: dict) -> list[ConfigProblem]:
    out = []
    declared = {int(o.text.split()[1]) for o in parse.find_objects(r"^vlan \d+$")}
    known = {v.id for v in site.vlans}
    interfaces = _interfaces(parse)
    states = {name: _port_state(obj) for name, obj in interfaces.items()}
    expected_trunks: dict[str, tuple[list[int], dict]] = {}
    for link in device_links(site, host):
        for port in link["ports"]:
            expected_trunks[port] = (link["vlans"], link)
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
            if peer is not None and not name.startswith("Port-channel"):
                idx = link["ports"].index(name)
                peer_ifs = _interfaces(peer)
                peer_name = full_name(link["peer_ports"][idx]) if idx < len(link["peer_ports"]) else None
                peer_obj = peer_ifs.get(peer_name)
                if site.in_group(link["peer"], "cisco_routers"):
                    dot1q = sorted(int(m.group(1)) for o in peer.find_objects(rf"^interface {re.escape(str(peer_name))}\.")
                                   for c in o.children if (m := re.match(r"^\s*encapsulation dot1Q (\d+)", c.text)))
                    if dot1q != st["allowed"]:
                        out.append(ConfigProblem(host, obj.linenum + 1, obj.text,
                                                 f"allows {st['allowed']} but {link['peer']} has sub-interfaces for {dot1q}"))
                elif peer_obj is not None:
                    pst = _port_state(peer_obj)
                    if pst["allowed"] != st["allowed"]:
                        out.append(ConfigProblem(host, obj.linenum + 1, obj.text,
                                                 f"allows {st['allowed']} but {link['peer']} {peer_name} allows {pst['allowed']}"))
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
            if (pst["mode"], pst["allowed"], pst["access"]) != (st["mode"], st["allowed"], st["access"]):
                out.append(ConfigProblem(host, obj.linenum + 1, obj.text,
                                         f"member differs from Port-channel{number}: mode {st['mode']} vs {pst['mode']}, "
                                         f"VLANs {st['allowed']} vs {pst['allowed']}"))
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
        out += check_secrets(host, parse) + check_lines(host, parse)
        if site.in_group(host, "cisco_switches"):
            out += check_switch(site, host, parse, parsed)
    out += check_glbp(site, parsed)
    return out
