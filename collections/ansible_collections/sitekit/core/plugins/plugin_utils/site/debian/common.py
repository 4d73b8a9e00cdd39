"""What every Debian view shares: its error, the site's subnets and addresses, the administrators' access."""

from __future__ import annotations

import ipaddress

from ansible_collections.sitekit.core.plugins.plugin_utils.site.debian.data import AdminAccess
from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import SiteError

SSH_PORT = 22
FTP_PORT = 21
SYSLOG_PORT = 514


class DebianPlanError(SiteError):
    """The inventory cannot give a Debian role what it needs; the message says what to fix."""


def section(site: Site, key: str) -> dict:
    return site.vars.get(key) or {}


def role_subnets(site: Site, roles, key: str) -> list[str]:
    """Subnets of the VLANs whose role is in ``roles``; an unknown role or an empty result is an error."""
    roles = list(roles or [])
    known = {v.role for v in site.vlans}
    unknown = [r for r in roles if r not in known]
    if unknown:
        raise DebianPlanError(f"VLAN role(s) {', '.join(map(repr, unknown))} match no VLAN of site_vlans", key=key, value=roles)
    subnets = site.subnets_for_roles(roles)
    if not subnets:
        raise DebianPlanError("names no VLAN: a service is never opened to nobody (or to Any)", key=key, value=roles)
    return subnets


def vlan_subnets(site: Site, vlan_ids, key: str) -> list[str]:
    out = []
    for vid in vlan_ids or []:
        vlan = site.vlan(int(vid))
        if vlan is None:
            raise DebianPlanError(f"VLAN {vid} is not in site_vlans", key=key, value=vlan_ids)
        out.append(str(vlan.subnet))
    if not out:
        raise DebianPlanError("names no VLAN: the servers would have no way in for their administrators", key=key,
                              value=vlan_ids)
    return out


def host_address(site: Site, host: str, key: str) -> str:
    ip = site.host_ip(host)
    if ip is None:
        raise DebianPlanError(f"host {host} has no site_ip", key=key, host=host, value=host)
    return str(ip)


def unique(items):
    seen, out = set(), []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


def collapse(networks: list[str]) -> list[str]:
    """The smallest list of CIDR blocks covering ``networks`` (host addresses become /32)."""
    nets = [ipaddress.ip_network(n, strict=False) for n in networks]
    return [str(n) for n in ipaddress.collapse_addresses(nets)]


def admin_access(site: Site) -> AdminAccess:
    """The Debian servers' administration account and the VLAN subnets SSH admits (site_security)."""
    sec = section(site, "site_security")
    user = sec.get("linux_admin_user")
    if not user:
        raise DebianPlanError("the Debian servers need an administration account", key="site_security.linux_admin_user",
                              value=user)
    return AdminAccess(user=str(user),
                       sources=tuple(vlan_subnets(site, sec.get("linux_admin_vlans"), "site_security.linux_admin_vlans")))


def device_sources(site: Site, host: str) -> list[str]:
    """Where network devices send from, seen by ``host``: the management VLANs (switch SVIs) and the two
    routers' addresses in the host's VLAN (a router sources traffic from the interface facing the host)."""
    subnets = site.subnets_for_roles(["management"])
    vlan_id = site.hosts[host].get("site_vlan") if host in site.hosts else None
    routers = [site.router_address(int(vlan_id), role) for role in ("primary", "secondary")] if vlan_id else []
    return unique(subnets + [f"{ip}/32" for ip in routers if ip is not None])
