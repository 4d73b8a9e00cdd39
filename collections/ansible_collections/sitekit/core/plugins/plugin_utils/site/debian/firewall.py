"""A Debian server's nftables input policy: each service it runs, open only to the sources the model names."""

from __future__ import annotations

from ansible_collections.sitekit.core.plugins.plugin_utils.site.debian.archive import archive_server
from ansible_collections.sitekit.core.plugins.plugin_utils.site.debian.common import (
    FTP_PORT,
    SSH_PORT,
    SYSLOG_PORT,
    DebianPlanError,
    admin_access,
    collapse,
    device_sources,
    section,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.debian.data import Firewall, FirewallRule
from ansible_collections.sitekit.core.plugins.plugin_utils.site.debian.glpi import glpi
from ansible_collections.sitekit.core.plugins.plugin_utils.site.debian.proxy import proxy
from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site


def _rule(name: str, protocol: str, ports: list, sources, why: str) -> FirewallRule:
    return FirewallRule(name=name, protocol=protocol, ports=tuple(str(p) for p in ports), sources=tuple(collapse(sources)),
                        why=why)


def firewall(site: Site, host: str) -> Firewall:
    """The nftables input policy of one Debian server: its services, each open to the sources the model names.

    Everything else is dropped; replies to the host's own connections, loopback and ICMP echo from the
    site's subnets pass. Rules are ordered by name so the rendered file is stable.
    """
    if host not in site.hosts:
        raise DebianPlanError(f"{host} is not in the inventory", key="-", host=host)
    admin = admin_access(site)
    rules = [_rule("ssh", "tcp", [SSH_PORT], admin.sources,
                   "administration (site_security.linux_admin_vlans)")]
    if site.in_group(host, "glpi"):
        web = glpi(site)
        rules.append(_rule("glpi-https", "tcp", [80, 443], [*web.clients, *admin.sources],
                           "GLPI over HTTPS, port 80 redirects (site_glpi.allowed_vlan_roles)"))
    infra = section(site, "site_infra")
    if infra.get("syslog_host") == host:
        rules.append(_rule("syslog", "udp", [SYSLOG_PORT], device_sources(site, host),
                           "syslog of the network devices (site_infra.syslog_host)"))
    if site.in_group(host, "ftp_archive"):
        server = archive_server(site, host)
        low, high = server.passive_ports
        rules.append(_rule("ftp-archive", "tcp", [FTP_PORT, f"{low}-{high}"], server.clients,
                           f"configuration archive ({server.role}): " + ", ".join(a.kind for a in server.accounts)))
    if site.in_group(host, "squid"):
        px = proxy(site)
        ports = [px.port] + ([px.ftp_port] if px.ftp_port else [])
        rules.append(_rule("proxy", "tcp", ports, px.clients, "Squid proxy (site_proxy.allowed_vlan_roles)"))
    # Squid's FTP relay opens its passive data ports anywhere: conntrack's FTP helper follows the control
    # channel (plain FTP between client and proxy) and admits each data connection as "related".
    helpers = (proxy(site).ftp_port,) if site.in_group(host, "squid") and proxy(site).ftp_port else ()
    return Firewall(host=host, rules=tuple(sorted(rules, key=lambda r: r.name)),
                    icmp_sources=tuple(collapse([str(v.subnet) for v in site.vlans])), ftp_helper_ports=helpers)
