"""Rules of the Debian services: the FTP configuration archive, infrastructure services, GLPI."""

from __future__ import annotations

from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import problem
from ansible_collections.sitekit.core.plugins.plugin_utils.site.rulebook import rule


# req: SPEC-2-config-backup SPEC-4-squid
@rule("services", "service hosts named in site_config_archive, site_infra and site_proxy exist in the right groups")
def services(site: Site):
    archive = site.vars.get("site_config_archive") or {}
    for key in ("primary", "backup"):
        host = archive.get(key)
        if host is not None and not site.in_group(host, "ftp_archive"):
            yield problem("services", f"site_config_archive.{key}", f"{host!r} is not in group ftp_archive", value=host)
    if archive.get("primary") and archive.get("primary") == archive.get("backup"):
        yield problem("services", "site_config_archive.backup", "the backup FTP server must differ from the primary", value=archive["backup"])
    ports = archive.get("passive_ports") or []
    if len(ports) == 2 and all(isinstance(p, int) for p in ports) and ports[0] > ports[1]:
        yield problem("services", "site_config_archive.passive_ports", f"range {ports[0]}-{ports[1]} is reversed", value=ports)
    for key, value in (site.vars.get("site_infra") or {}).items():
        if key.endswith("_group") and value not in site.groups:
            yield problem("services", f"site_infra.{key}", f"group {value!r} is not in the inventory", value=value)
        if key.endswith("_host") and value not in site.hosts:
            yield problem("services", f"site_infra.{key}", f"host {value!r} is not in the inventory", value=value)
    for vlan_id in (site.vars.get("site_security") or {}).get("vty_allowed_vlans") or []:
        if site.vlans and site.vlan(vlan_id) is None:
            yield problem("services", "site_security.vty_allowed_vlans", f"VLAN {vlan_id} is not in site_vlans", value=vlan_id)
    glpi = site.vars.get("site_glpi") or {}
    if "sha256" in glpi and not glpi["sha256"]:
        yield problem("services", "site_glpi.sha256", f"GLPI {glpi.get('version')} is not pinned by checksum yet: the glpi role "
                 "refuses to install it until the sha256 of the verified release is filled in", value=None, severity="warning")
