"""Checks of a rendered IOS configuration that keep the device reachable and closed: secrets, VTY, management path."""

from __future__ import annotations

import ipaddress
import re

from ansible_collections.sitekit.core.plugins.plugin_utils.ios_config import (
    ConfigProblem,
    Line,
    find_child,
    interfaces_of,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site

# `password`/`secret` followed by a type digit (5, 8, 9 hashes; 7 only where IOS has nothing better).
_SECRET = re.compile(r"\b(password|secret|key-string|community)\s+(\S+)(?:\s+(\S+))?", re.I)
_TYPE7_ALLOWED = re.compile(r"^ip ftp password 7 ")
# What IOS takes after `secret 5` / `secret 9` (else "ERROR: The secret you entered is not a valid encrypted secret").
_HASHES = {"5": re.compile(r"^\$1\$[./0-9A-Za-z]{1,8}\$[./0-9A-Za-z]{22}$"),
           "9": re.compile(r"^\$9\$[./0-9A-Za-z]{14}\$[./0-9A-Za-z]{43}$")}



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
        child, m = find_child(line, r"^\s*transport input\s+(.*)$")
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
        svi = interfaces_of(parse).get(f"Vlan{vlan.id}")
        want = f"{address} {vlan.subnet.netmask}"
        _, m = find_child(svi, r"^\s*ip address (\S+ \S+)$") if svi is not None else (None, None)
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
        child, m = find_child(line, r"^\s*access-class (\S+) in$")
        if child is None:
            continue
        acl = acls.get(m.group(1))
        if acl is None or not _permits(acl, vlan.subnet):
            out.append(ConfigProblem(host, child.linenum + 1, child.text,
                                     f"access list {m.group(1)} does not admit the management network {vlan.subnet}: "
                                     "the next SSH login would be refused"))
    return out

