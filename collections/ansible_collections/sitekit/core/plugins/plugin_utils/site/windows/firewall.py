"""The Cegid firewall exceptions (seed 000 "Pare-feu", SITE-SPEC §5) as win_firewall_rule takes them."""

from __future__ import annotations

import functools
import ipaddress

from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.windows.data import FirewallRule
from ansible_collections.sitekit.core.plugins.plugin_utils.site.windows.names import (
    WindowsPlanError,
    cegid_vars,
)

# ---------------------------------------------------------------------------------------
# Firewall (seed 000 "Pare-feu", SITE-SPEC §5)
# ---------------------------------------------------------------------------------------
# Addresses that are never "the Internet" (RFC 6890 special-purpose IPv4 blocks).
NOT_INTERNET = [ipaddress.IPv4Network(n) for n in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
    "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/3")]
SQL_DEFAULT_PORT = 1433


def internet_ranges() -> list[str]:
    """Public IPv4 space as ``first-last`` ranges: the scope of an outbound rule (never Any).

    Windows Firewall rules cannot name a host (the declaration portal); the name filter is the
    Squid proxy's job. The ranges keep the rule off every private and special block.
    """
    return list(_internet_ranges())


@functools.cache
def _internet_ranges() -> tuple[str, ...]:
    """internet_ranges, computed once per process (a constant of NOT_INTERNET)."""
    remaining = [ipaddress.IPv4Network("0.0.0.0/0")]
    for block in NOT_INTERNET:
        out = []
        for net in remaining:  # CIDR blocks either nest or are disjoint
            if block.subnet_of(net):
                out.extend(net.address_exclude(block))
            elif not net.subnet_of(block):
                out.append(net)
        remaining = out
    nets = sorted(ipaddress.collapse_addresses(remaining))
    ranges: list[list[ipaddress.IPv4Address]] = []
    for net in nets:
        if ranges and int(ranges[-1][1]) + 1 == int(net.network_address):
            ranges[-1][1] = net.broadcast_address
        else:
            ranges.append([net.network_address, net.broadcast_address])
    return tuple(f"{a}-{b}" for a, b in ranges)


def _scope_addresses(site: Site, scope: list[str], name: str) -> list[str]:
    out: list[str] = []
    for item in scope:
        if item == "internet":
            out.extend(internet_ranges())
            continue
        subnets = site.subnets_for_roles([item])
        if not subnets:
            raise WindowsPlanError(f"firewall rule {name}: scope {item!r} matches no VLAN role in site_vlans",
                                   key=f"site_cegid_firewall.{name}.scope", value=scope)
        out.extend(subnets)
    if not out:
        raise WindowsPlanError(f"firewall rule {name}: empty scope (a rule is never opened to Any)",
                               key=f"site_cegid_firewall.{name}.scope", value=scope)
    return out


def firewall_rules(site: Site, host: str | None = None) -> tuple[FirewallRule, ...]:
    """The Cegid firewall rules of site_cegid_firewall, one per protocol, as win_firewall_rule takes them.

    ``host`` keeps the rules whose hosts_groups contain the host. Port 1433 in a rule
    stands for the SQL instance's port (seed 000: "1433 ou port de l'instance nommée").
    """
    sql_port = int((cegid_vars(site).get("sql") or {}).get("tcp_port") or SQL_DEFAULT_PORT)
    rules = []
    for i, item in enumerate(site.vars.get("site_cegid_firewall") or []):
        hosts = sorted({h for g in item["hosts_groups"] for h in site.group(g)})
        if host is not None and host not in hosts:
            continue
        if item["direction"] == "in" and "internet" in item["scope"]:
            raise WindowsPlanError("an inbound rule may not admit the Internet", key=f"site_cegid_firewall[{i}].scope",
                                   value=item["scope"])
        ports = [sql_port if int(p) == SQL_DEFAULT_PORT else int(p) for p in item["ports"]]
        ports_text = ",".join(str(p) for p in ports)
        rules.append(FirewallRule(
            name=item["name"],
            group="Cegid",
            description=item.get("addition") or f"Cegid Fiscalité {cegid_vars(site).get('version', '')} (seed 000)".replace("  ", " "),
            direction=item["direction"],
            action="allow",
            protocol=item["protocol"],
            ports=tuple(ports),
            localport=ports_text if item["direction"] == "in" else "any",
            remoteport=ports_text if item["direction"] == "out" else "any",
            scope=tuple(item["scope"]),
            remoteip=",".join(_scope_addresses(site, item["scope"], item["name"])),
            profiles=("domain",),
            enabled=True,
            hosts=tuple(hosts),
            addition=bool(item.get("addition")),
        ))
    return tuple(rules)
