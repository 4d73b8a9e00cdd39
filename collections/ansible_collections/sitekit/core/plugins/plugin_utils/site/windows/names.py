"""Names of the Windows tier: NetBIOS domain, qualified account names, FQDNs, the domain DN and OU paths."""

from __future__ import annotations

from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import SiteError


class WindowsPlanError(SiteError):
    """The inventory cannot give a Windows role what it needs; the message says what to fix."""


def cegid_vars(site: Site) -> dict:
    return site.vars.get("site_cegid") or {}


def windows_vars(site: Site) -> dict:
    return site.vars.get("site_windows") or {}


def netbios(site: Site) -> str:
    return str(site.vars.get("site_netbios") or str(site.vars.get("site_domain", "")).split(".")[0].upper())


def domain_name(site: Site, name: str) -> str:
    """``RCR\\name`` for a short account or group name; a qualified name is kept."""
    return name if "\\" in name else f"{netbios(site)}\\{name}"


def fqdn(site: Site, host: str) -> str:
    return f"{host}.{site.vars['site_domain']}"


def domain_dn(site: Site) -> str:
    """``DC=rcr,DC=local`` from site_domain: the one place the domain's DN is computed."""
    return ",".join(f"DC={label}" for label in str(site.vars.get("site_domain", "")).split("."))


def ou_dn(site: Site, path: str) -> str:
    """An OU path relative to the domain root (``OU=Serveurs,OU=RCR``) as a full DN."""
    return f"{path},{domain_dn(site)}" if path else domain_dn(site)
