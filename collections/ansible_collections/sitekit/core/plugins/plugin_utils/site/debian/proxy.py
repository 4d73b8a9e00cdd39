"""Squid: who may use it, what it never relays, the domain lists, how its users authenticate."""

from __future__ import annotations

import ipaddress
import re

from ansible_collections.sitekit.core.plugins.plugin_utils.site.debian.common import (
    DebianPlanError,
    collapse,
    host_address,
    role_subnets,
    section,
    unique,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.debian.data import (
    DirectoryAuth,
    LocalAuth,
    Proxy,
    ProxyUser,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site

DOMAIN = re.compile(r"^\.?(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


def squid_domains(names, key: str) -> list[str]:
    """Names as declared, in squid's dstdomain form: ``x.org`` is that host only, ``.x.org`` the domain and
    its subdomains. Entries a declared ``.parent`` already covers are left out (squid warns on them)."""
    out = []
    for i, name in enumerate(names or []):
        text = str(name).strip().lower()
        if not DOMAIN.match(text):
            raise DebianPlanError(f"{name!r} is not a domain name", key=f"{key}[{i}]", value=name)
        out.append(text)
    out = unique(out)
    parents = [d for d in out if d.startswith(".")]
    return [d for d in out
            if not any(p != d and (d.endswith(p) or d == p[1:]) for p in parents)]


def _group_addresses(site: Site, groups, key: str) -> list[str]:
    out = []
    for group in groups or []:
        if group not in site.groups:
            raise DebianPlanError(f"group {group!r} is not in the inventory", key=key, value=groups)
        out += [f"{host_address(site, h, key)}/32" for h in site.group(group)]
    return unique(out)


def _proxy_auth(site: Site, px: dict, secrets: bool) -> LocalAuth | DirectoryAuth:
    auth = px.get("auth") or {}
    backend = auth.get("backend")
    if backend == "local":
        users = auth.get("users") or []
        if not users:
            raise DebianPlanError("the local backend needs at least one user", key="site_proxy.auth.users", value=users)
        names = [str(u.get("name")) for u in users]
        if len(set(names)) != len(names):
            raise DebianPlanError("a user name repeats", key="site_proxy.auth.users", value=names)
        return LocalAuth(backend="local", realm=str(auth.get("realm") or "proxy"),
                         users=tuple(ProxyUser(name=str(u.get("name")), password=u.get("password") if secrets else None)
                                     for u in users))
    if backend == "active_directory":
        from ansible_collections.sitekit.core.plugins.plugin_utils.site.windows.names import directory

        infra = section(site, "site_infra")
        dcs = [host_address(site, h, "site_infra.dns_hosts_group") for h in site.group(infra.get("dns_hosts_group", ""))]
        if not dcs:
            raise DebianPlanError("no domain controller to authenticate proxy users against",
                                  key="site_infra.dns_hosts_group", value=infra.get("dns_hosts_group"))
        ad = directory(site)
        bind = str(auth.get("bind_user") or "")
        if not bind:
            raise DebianPlanError("the directory lookup needs a service account", key="site_proxy.auth.bind_user", value=bind)
        return DirectoryAuth(
            backend="active_directory", realm=str(auth.get("realm") or site.vars.get("site_domain")),
            ldap_servers=tuple(dcs), base_dn=ad.domain_dn, bind_dn=f"CN={bind},{ad.ou['service_accounts']}",
            bind_password=auth.get("bind_password") if secrets else None,
            user_filter="(&(objectClass=user)(sAMAccountName=%s)(!(userAccountControl:1.2.840.113556.1.4.803:=2)))")
    raise DebianPlanError("proxy users must be authenticated: backend active_directory (the site) or local (a lab)",
                          key="site_proxy.auth.backend", value=backend)


def proxy(site: Site, secrets: bool = False) -> Proxy:
    """Squid's settings: who may use it, what it never reaches, the domain lists, how users authenticate.

    - clients: subnets of site_proxy.allowed_vlan_roles;
    - internal: destinations never relayed (every site subnet, plus site_proxy.internal_networks);
    - vendor_domains / blocked_domains: as declared (squid dstdomain form);
    - service_hosts: addresses that reach the vendor domains without a user (no one types a password there);
    - shared_hosts: addresses shared by many users (RDS session hosts): only authenticated HTTP(S), never the
      FTP relay, whose FTP clients cannot authenticate to a proxy (the log would name a host, not a person).
    With ``secrets`` the users' (or the bind account's) passwords are included.
    """
    px = section(site, "site_proxy")
    port = int(px.get("port") or 0)
    ftp_port = int(px.get("ftp_port") or 0)
    if not port:
        raise DebianPlanError("the proxy needs a port", key="site_proxy.port", value=px.get("port"))
    if ftp_port and ftp_port == port:
        raise DebianPlanError("the FTP relay needs its own port", key="site_proxy.ftp_port", value=px.get("ftp_port"))
    internal = [str(v.subnet) for v in site.vlans]
    for i, net in enumerate(px.get("internal_networks") or []):
        try:
            internal.append(str(ipaddress.ip_network(str(net))))
        except ValueError as exc:
            raise DebianPlanError(f"{net!r} is not a network ({exc})", key=f"site_proxy.internal_networks[{i}]", value=net) from exc
    vendor = squid_domains((section(site, "site_cegid")).get("vendor_domains"), "site_cegid.vendor_domains")
    blocked = squid_domains(px.get("blocked_domains"), "site_proxy.blocked_domains")
    clash = sorted(set(vendor) & set(blocked))
    if clash:
        raise DebianPlanError(f"{', '.join(clash)} both allowed (Cegid vendor) and blocked", key="site_proxy.blocked_domains",
                              value=px.get("blocked_domains"))
    return Proxy(port=port, ftp_port=ftp_port or None,
                 clients=tuple(role_subnets(site, px.get("allowed_vlan_roles"), "site_proxy.allowed_vlan_roles")),
                 internal=tuple(collapse(internal)), vendor_domains=tuple(vendor), blocked_domains=tuple(blocked),
                 service_hosts=tuple(_group_addresses(site, px.get("service_hosts_groups"), "site_proxy.service_hosts_groups")),
                 shared_hosts=tuple(_group_addresses(site, px.get("shared_hosts_groups"), "site_proxy.shared_hosts_groups")),
                 auth=_proxy_auth(site, px, secrets))
