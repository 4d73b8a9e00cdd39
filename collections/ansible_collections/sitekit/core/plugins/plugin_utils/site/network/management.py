"""The part every switch and router shares: name, access, time, name servers, logging, SNMPv3, archive."""

from __future__ import annotations

from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network.clock import clock
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network.data import Admin, Archive, Snmp, VtyNetwork
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network.names import NetworkModelError
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network.secrets import (
    engine_id,
    snmp_localized_key,
    type7,
)


def _vty_acl(site: Site) -> tuple[VtyNetwork, ...]:
    sec = site.vars.get("site_security") or {}
    allowed = list(sec.get("vty_allowed_vlans") or [])
    allowed += [v.id for v in site.vlans for r in sec.get("vty_allowed_vlan_roles") or [] if v.role == r]
    vty = []
    for vid in sorted(set(allowed)):
        vlan = site.vlan(int(vid))
        if vlan is None:
            raise NetworkModelError(f"site_security.vty_allowed_vlans: VLAN {vid} is not in site_vlans")
        vty.append(VtyNetwork(vlan=vlan.id, network=str(vlan.subnet.network_address), wildcard=str(vlan.subnet.hostmask)))
    return tuple(vty)


def management(site: Site, host: str) -> dict:
    """The shared fields of a device's intent (DeviceIntent's, by name)."""
    sec = site.vars.get("site_security") or {}
    infra = site.vars.get("site_infra") or {}
    vty = _vty_acl(site)
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
        "admins": tuple(Admin(name=a["name"], privilege=int(a.get("privilege", 15)), secret_hash=a["secret_hash"])
                        for a in sec.get("network_admins") or []),
        "vty_acl": vty,
        "ntp": tuple(site.infra_ips("ntp")),
        "dns": tuple(site.infra_ips("dns")),
        "syslog": str(syslog_ip) if syslog_ip else None,
        "snmp": Snmp(user=snmp.get("user"), group=snmp.get("group"), engine_id=eid,
                     auth_key=snmp_localized_key(snmp.get("auth_password"), eid),
                     priv_key=snmp_localized_key(snmp.get("priv_password"), eid, 16)) if snmp else None,
        "archive": Archive(url=f"ftp://{primary_ip}/{host}/$h-$t", user=archive.get("user"),
                           password7=type7(site.vars.get("vault_ftp_archive_password"), host)) if primary_ip else None,
    }
