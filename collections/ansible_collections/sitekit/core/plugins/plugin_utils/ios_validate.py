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

The configurations are parsed by indentation (``ios_config``); the checks live beside this file
(``ios_checks_access``: secrets, VTY, management path; ``ios_checks_switching``: ports, trunks,
port-channels, STP root); the GLBP check, across both routers, is here.
"""

from __future__ import annotations

from ansible_collections.sitekit.core.plugins.plugin_utils.ios_checks_access import (
    check_lines,
    check_management,
    check_secrets,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.ios_checks_switching import check_stp_root, check_switch
from ansible_collections.sitekit.core.plugins.plugin_utils.ios_config import Config, ConfigProblem, find_child
from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site

__all__ = ["ConfigProblem", "check_glbp", "validate"]


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
                _, m_ip = find_child(obj, rf"^\s*glbp {vlan.id} ip (\S+)$")
                if m_ip:
                    found = obj
                    if m_ip.group(1) != str(site.gateway(vlan.id)):
                        out.append(ConfigProblem(host, obj.linenum + 1, obj.text,
                                                 f"GLBP {vlan.id} virtual IP {m_ip.group(1)} is not {site.gateway(vlan.id)}"))
                    _, m_prio = find_child(obj, rf"^\s*glbp {vlan.id} priority (\d+)$")
                    _, m_pre = find_child(obj, rf"^\s*glbp {vlan.id} preempt")
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
    parsed = {host: Config(text) for host, text in configs.items()}
    out: list[ConfigProblem] = []
    for host, parse in parsed.items():
        out += check_secrets(host, parse) + check_lines(host, parse) + check_management(site, host, parse)
        if site.in_group(host, "cisco_switches"):
            out += check_switch(site, host, parse, parsed) + check_stp_root(site, host, parse)
    out += check_glbp(site, parsed)
    return out
