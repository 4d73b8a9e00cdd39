"""The Debian view: what the Debian roles apply (host firewalls, the proxy, the FTP archive, GLPI's web side).

Every value here is derived from the site model; the roles read it through the filters of
plugins/filter/debian.py and never recompute it. A view that cannot compute its output raises
``DebianPlanError`` (a SiteError): validation calls every view and reports it with file and line.

- ``firewall(site, host)``: the nftables input policy of one Debian server: each service it runs,
  open only to the VLANs (and device addresses) the model names; SSH from the administrators' VLANs;
- ``proxy(site)``: Squid's client networks, internal destinations, domain lists, users and FTP relay;
- ``archive_server(site, host)``: the accounts and TLS policy of one FTP archive server;
- ``archive_targets(site)``: where the controller stores device configurations (both servers);
- ``glpi(site)``: GLPI's pinned release, its certificate source and who may reach it;
- ``admin_access(site)``: the Debian servers' administration account and the networks SSH admits.
"""

from __future__ import annotations

import ipaddress
import re

from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import SiteError

DOMAIN = re.compile(r"^\.?(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
SSH_PORT = 22
FTP_PORT = 21
SYSLOG_PORT = 514


class DebianPlanError(SiteError):
    """The inventory cannot give a Debian role what it needs; the message says what to fix."""


# ---- shared pieces --------------------------------------------------------------------
def _section(site: Site, key: str) -> dict:
    return site.vars.get(key) or {}


def _role_subnets(site: Site, roles, key: str) -> list[str]:
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


def _vlan_subnets(site: Site, vlan_ids, key: str) -> list[str]:
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


def _host_address(site: Site, host: str, key: str) -> str:
    ip = site.host_ip(host)
    if ip is None:
        raise DebianPlanError(f"host {host} has no site_ip", key=key, host=host, value=host)
    return str(ip)


def _unique(items):
    seen, out = set(), []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


def _collapse(networks: list[str]) -> list[str]:
    """The smallest list of CIDR blocks covering ``networks`` (host addresses become /32)."""
    nets = [ipaddress.ip_network(n, strict=False) for n in networks]
    return [str(n) for n in ipaddress.collapse_addresses(nets)]


# ---- administration ---------------------------------------------------------------------
def admin_access(site: Site) -> dict:
    """The Debian servers' administration account and the VLAN subnets SSH admits (site_security)."""
    sec = _section(site, "site_security")
    user = sec.get("linux_admin_user")
    if not user:
        raise DebianPlanError("the Debian servers need an administration account", key="site_security.linux_admin_user",
                              value=user)
    return {"user": str(user),
            "sources": _vlan_subnets(site, sec.get("linux_admin_vlans"), "site_security.linux_admin_vlans")}


def device_sources(site: Site, host: str) -> list[str]:
    """Where network devices send from, seen by ``host``: the management VLANs (switch SVIs) and the two
    routers' addresses in the host's VLAN (a router sources traffic from the interface facing the host)."""
    subnets = site.subnets_for_roles(["management"])
    vlan_id = site.hosts[host].get("site_vlan") if host in site.hosts else None
    routers = [site.router_address(int(vlan_id), role) for role in ("primary", "secondary")] if vlan_id else []
    return _unique(subnets + [f"{ip}/32" for ip in routers if ip is not None])


# ---- host firewall ----------------------------------------------------------------------
def _rule(name: str, protocol: str, ports: list, sources: list[str], why: str) -> dict:
    return {"name": name, "protocol": protocol, "ports": [str(p) for p in ports], "sources": _collapse(sources),
            "why": why}


def firewall(site: Site, host: str) -> dict:
    """The nftables input policy of one Debian server: its services, each open to the sources the model names.

    Everything else is dropped; replies to the host's own connections, loopback and ICMP echo from the
    site's subnets pass. Rules are ordered by name so the rendered file is stable.
    """
    if host not in site.hosts:
        raise DebianPlanError(f"{host} is not in the inventory", key="-", host=host)
    admin = admin_access(site)
    rules = [_rule("ssh", "tcp", [SSH_PORT], admin["sources"],
                   "administration (site_security.linux_admin_vlans)")]
    if site.in_group(host, "glpi"):
        web = glpi(site)
        rules.append(_rule("glpi-https", "tcp", [80, 443], web["clients"] + admin["sources"],
                           "GLPI over HTTPS, port 80 redirects (site_glpi.allowed_vlan_roles)"))
    infra = _section(site, "site_infra")
    if infra.get("syslog_host") == host:
        rules.append(_rule("syslog", "udp", [SYSLOG_PORT], device_sources(site, host),
                           "syslog of the network devices (site_infra.syslog_host)"))
    if site.in_group(host, "ftp_archive"):
        server = archive_server(site, host)
        low, high = server["passive_ports"]
        rules.append(_rule("ftp-archive", "tcp", [FTP_PORT, f"{low}-{high}"], server["clients"],
                           f"configuration archive ({server['role']}): " + ", ".join(a["kind"] for a in server["accounts"])))
    if site.in_group(host, "squid"):
        px = proxy(site)
        ports = [px["port"]] + ([px["ftp_port"]] if px["ftp_port"] else [])
        rules.append(_rule("proxy", "tcp", ports, px["clients"], "Squid proxy (site_proxy.allowed_vlan_roles)"))
    # Squid's FTP relay opens its passive data ports anywhere: conntrack's FTP helper follows the control
    # channel (plain FTP between client and proxy) and admits each data connection as "related".
    helpers = [proxy(site)["ftp_port"]] if site.in_group(host, "squid") and proxy(site)["ftp_port"] else []
    return {"host": host, "rules": sorted(rules, key=lambda r: r["name"]),
            "icmp_sources": _collapse([str(v.subnet) for v in site.vlans]), "ftp_helper_ports": helpers}


# ---- GLPI ----------------------------------------------------------------------------------
def glpi(site: Site) -> dict:
    """GLPI's pinned release, who reaches it, and where its certificate comes from (the site CA's, or
    self-signed by choice)."""
    glpi_vars = _section(site, "site_glpi")
    certificate = glpi_vars.get("tls_certificate")
    self_signed = bool(glpi_vars.get("tls_self_signed", False))
    if certificate and self_signed:
        raise DebianPlanError("give either the site CA's certificate or tls_self_signed: true, not both",
                              key="site_glpi.tls_self_signed", value=glpi_vars.get("tls_self_signed"))
    version = str(glpi_vars.get("version") or "")
    if not re.fullmatch(r"\d+\.\d+\.\d+", version):
        raise DebianPlanError("GLPI's release must be pinned as x.y.z", key="site_glpi.version", value=glpi_vars.get("version"))
    return {"version": version, "sha256": glpi_vars.get("sha256") or "", "archive_path": glpi_vars.get("archive_path") or "",
            "server_name": glpi_vars.get("url_host"),
            "clients": _role_subnets(site, glpi_vars.get("allowed_vlan_roles"), "site_glpi.allowed_vlan_roles"),
            "certificate": str(certificate) if certificate else None,
            "self_signed": not certificate}


# ---- Squid ---------------------------------------------------------------------------------
def squid_domains(names, key: str) -> list[str]:
    """Names as declared, in squid's dstdomain form: ``x.org`` is that host only, ``.x.org`` the domain and
    its subdomains. Entries a declared ``.parent`` already covers are left out (squid warns on them)."""
    out = []
    for i, name in enumerate(names or []):
        text = str(name).strip().lower()
        if not DOMAIN.match(text):
            raise DebianPlanError(f"{name!r} is not a domain name", key=f"{key}[{i}]", value=name)
        out.append(text)
    out = _unique(out)
    parents = [d for d in out if d.startswith(".")]
    return [d for d in out
            if not any(p != d and (d.endswith(p) or d == p[1:]) for p in parents)]


def _group_addresses(site: Site, groups, key: str) -> list[str]:
    out = []
    for group in groups or []:
        if group not in site.groups:
            raise DebianPlanError(f"group {group!r} is not in the inventory", key=key, value=groups)
        out += [f"{_host_address(site, h, key)}/32" for h in site.group(group)]
    return _unique(out)


def _proxy_auth(site: Site, px: dict, secrets: bool) -> dict:
    auth = px.get("auth") or {}
    backend = auth.get("backend")
    if backend == "local":
        users = auth.get("users") or []
        if not users:
            raise DebianPlanError("the local backend needs at least one user", key="site_proxy.auth.users", value=users)
        names = [str(u.get("name")) for u in users]
        if len(set(names)) != len(names):
            raise DebianPlanError("a user name repeats", key="site_proxy.auth.users", value=names)
        return {"backend": "local", "realm": str(auth.get("realm") or "proxy"),
                "users": [{"name": str(u.get("name")), "password": u.get("password") if secrets else None} for u in users]}
    if backend == "active_directory":
        from ansible_collections.sitekit.core.plugins.plugin_utils.site.windows.names import directory

        infra = _section(site, "site_infra")
        dcs = [_host_address(site, h, "site_infra.dns_hosts_group") for h in site.group(infra.get("dns_hosts_group", ""))]
        if not dcs:
            raise DebianPlanError("no domain controller to authenticate proxy users against",
                                  key="site_infra.dns_hosts_group", value=infra.get("dns_hosts_group"))
        ad = directory(site)
        bind = str(auth.get("bind_user") or "")
        if not bind:
            raise DebianPlanError("the directory lookup needs a service account", key="site_proxy.auth.bind_user", value=bind)
        return {"backend": "active_directory", "realm": str(auth.get("realm") or site.vars.get("site_domain")),
                "ldap_servers": dcs, "base_dn": ad["domain_dn"],
                "bind_dn": f"CN={bind},{ad['ou']['service_accounts']}",
                "bind_password": auth.get("bind_password") if secrets else None,
                "user_filter": "(&(objectClass=user)(sAMAccountName=%s)(!(userAccountControl:1.2.840.113556.1.4.803:=2)))"}
    raise DebianPlanError("proxy users must be authenticated: backend active_directory (the site) or local (a lab)",
                          key="site_proxy.auth.backend", value=backend)


def proxy(site: Site, secrets: bool = False) -> dict:
    """Squid's settings: who may use it, what it never reaches, the domain lists, how users authenticate.

    - clients: subnets of site_proxy.allowed_vlan_roles;
    - internal: destinations never relayed (every site subnet, plus site_proxy.internal_networks);
    - vendor_domains / blocked_domains: as declared (squid dstdomain form);
    - service_hosts: addresses that reach the vendor domains without a user (no one types a password there);
    - shared_hosts: addresses shared by many users (RDS session hosts): only authenticated HTTP(S), never the
      FTP relay, whose FTP clients cannot authenticate to a proxy (the log would name a host, not a person).
    With ``secrets`` the users' (or the bind account's) passwords are included.
    """
    px = _section(site, "site_proxy")
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
    vendor = squid_domains((_section(site, "site_cegid")).get("vendor_domains"), "site_cegid.vendor_domains")
    blocked = squid_domains(px.get("blocked_domains"), "site_proxy.blocked_domains")
    clash = sorted(set(vendor) & set(blocked))
    if clash:
        raise DebianPlanError(f"{', '.join(clash)} both allowed (Cegid vendor) and blocked", key="site_proxy.blocked_domains",
                              value=px.get("blocked_domains"))
    return {"port": port, "ftp_port": ftp_port or None,
            "clients": _role_subnets(site, px.get("allowed_vlan_roles"), "site_proxy.allowed_vlan_roles"),
            "internal": _collapse(internal), "vendor_domains": vendor, "blocked_domains": blocked,
            "service_hosts": _group_addresses(site, px.get("service_hosts_groups"), "site_proxy.service_hosts_groups"),
            "shared_hosts": _group_addresses(site, px.get("shared_hosts_groups"), "site_proxy.shared_hosts_groups"),
            "auth": _proxy_auth(site, px, secrets)}


# ---- FTP configuration archive -------------------------------------------------------------
# What each kind of client can do (documented in roles/ftp_archive/README.md): Cisco IOS 15.x `archive`
# and `copy ... ftp:` speak plain FTP only; the controller's sitekit.core.config_archive_put speaks FTPS.
CLIENT_KINDS = {
    "ios": {"ftps": False, "what": "Cisco IOS archive (plain FTP: IOS 15.x has no FTPS client)"},
    "controller": {"ftps": True, "what": "playbooks/backup_network.yml (FTPS)"},
}


def _archive(site: Site) -> dict:
    return _section(site, "site_config_archive")


def _controller_account(site: Site, role: str) -> dict:
    accounts = _archive(site).get("controller_accounts") or {}
    account = accounts.get(role)
    if not account or not account.get("user"):
        raise DebianPlanError(f"the {role} server needs the controller's account", key=f"site_config_archive.controller_accounts.{role}",
                              value=accounts)
    return account


def archive_server(site: Site, host: str, secrets: bool = False) -> dict:
    """One archive server: its accounts (upload and read, never delete), who connects, and whether FTPS is required.

    The primary also receives the devices' own IOS archive uploads, in plain FTP (IOS cannot do FTPS), with
    the device account; the controller has its own account on each server, FTPS only. FTPS is required on a
    server when every client kind it serves can speak it (the backup); the primary offers it and forces it
    on the controller's data connections only (vsftpd checks the login requirement before knowing the user).
    With ``secrets`` each account carries its password (read only then: the firewall view never opens a secret).
    """
    archive = _archive(site)
    role = next((r for r in ("primary", "backup") if archive.get(r) == host), None)
    if role is None:
        raise DebianPlanError(f"{host} is in group ftp_archive but is neither site_config_archive.primary nor .backup",
                              key="site_config_archive", host=host, value=archive)
    admin = admin_access(site)
    controller = _controller_account(site, role)
    accounts = [{"user": str(controller["user"]), "kind": "controller", "role": role, "ftps": True,
                 "password": controller.get("password") if secrets else None}]
    clients = list(admin["sources"])
    if role == "primary":
        accounts.insert(0, {"user": str(archive.get("user")), "kind": "ios", "role": role, "ftps": False,
                            "password": site.vars.get("vault_ftp_archive_password") if secrets else None})
        clients += device_sources(site, host)
    users = [a["user"] for a in accounts]
    if len(set(users)) != len(users):
        raise DebianPlanError("the device account and the controller's account must differ",
                              key=f"site_config_archive.controller_accounts.{role}.user", value=controller.get("user"))
    ports = list(archive.get("passive_ports") or [])
    if len(ports) != 2 or int(ports[0]) > int(ports[1]):
        raise DebianPlanError("passive_ports must be [first, last]", key="site_config_archive.passive_ports", value=ports)
    ftps = bool(archive.get("ftps"))
    if not ftps:
        raise DebianPlanError("FTPS must be offered: the controller's accounts never log in in clear",
                              key="site_config_archive.ftps", value=archive.get("ftps"))
    return {"host": host, "role": role, "accounts": accounts,
            "ftps_required": all(CLIENT_KINDS[a["kind"]]["ftps"] for a in accounts),
            "passive_ports": [int(ports[0]), int(ports[1])], "clients": _unique(clients),
            "retention_days": int(archive.get("retention_days") or 0)}


def archive_targets(site: Site, secrets: bool = False) -> list[dict]:
    """Where the controller stores each configuration: both servers, each with its own account (FTPS)."""
    archive = _archive(site)
    out = []
    for role in ("primary", "backup"):
        host = archive.get(role)
        if not host:
            raise DebianPlanError(f"no {role} archive server", key=f"site_config_archive.{role}", value=host)
        account = _controller_account(site, role)
        out.append({"role": role, "host": host, "address": _host_address(site, host, f"site_config_archive.{role}"),
                    "port": FTP_PORT, "user": str(account["user"]),
                    "password": account.get("password") if secrets else None, "ftps": True})
    return out
