"""Names of the Windows tier: NetBIOS domain, qualified account names, FQDNs, the domain DN and OU paths."""

from __future__ import annotations

from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import SiteError
from ansible_collections.sitekit.core.plugins.plugin_utils.site.windows.data import Directory, Ou


class WindowsPlanError(SiteError):
    """The inventory cannot give a Windows role what it needs; the message says what to fix."""


def cegid_vars(site: Site) -> dict:
    return site.vars.get("site_cegid") or {}


def windows_vars(site: Site) -> dict:
    return site.vars.get("site_windows") or {}


def netbios(site: Site) -> str:
    return str(site.vars.get("site_netbios") or str(site.vars.get("site_domain", "")).split(".")[0].upper())


def domain_name(site: Site, name: str) -> str:
    """``<NETBIOS>\\name`` for a short account or group name; a qualified name is kept."""
    return name if "\\" in name else f"{netbios(site)}\\{name}"


def fqdn(site: Site, host: str) -> str:
    return f"{host}.{site.vars['site_domain']}"


def domain_dn(site: Site) -> str:
    """``DC=rcr,DC=local`` from site_domain: the one place the domain's DN is computed."""
    return ",".join(f"DC={label}" for label in str(site.vars.get("site_domain", "")).split("."))


def ou_dn(site: Site, path: str) -> str:
    """An OU path relative to the domain root (``OU=Servers,OU=Site``) as a full DN."""
    return f"{path},{domain_dn(site)}" if path else domain_dn(site)


REQUIRED_OU_PURPOSES = ("servers", "groups", "service_accounts")


def directory(site: Site) -> Directory:
    """The domain's DN, its OUs in creation order (with their DN) and the OU of each purpose."""
    ous, by_purpose = [], {}
    for i, ou in enumerate(windows_vars(site).get("ous") or []):
        dn = ou_dn(site, f"OU={ou['name']}" + (f",{ou['path']}" if ou.get("path") else ""))
        ous.append(Ou(name=ou["name"], path=ou_dn(site, ou.get("path") or ""), dn=dn))
        purpose = ou.get("purpose")
        if purpose in by_purpose:
            raise WindowsPlanError(f"two OUs have the purpose {purpose!r}", key=f"site_windows.ous[{i}].purpose",
                                   value=purpose)
        if purpose:
            by_purpose[purpose] = dn
    missing = [p for p in REQUIRED_OU_PURPOSES if p not in by_purpose]
    if missing:
        raise WindowsPlanError(f"no OU has the purpose {', '.join(missing)} (the Windows roles place objects there)",
                               key="site_windows.ous", value=windows_vars(site).get("ous"))
    return Directory(domain_dn=domain_dn(site), ous=tuple(ous), ou=by_purpose)
