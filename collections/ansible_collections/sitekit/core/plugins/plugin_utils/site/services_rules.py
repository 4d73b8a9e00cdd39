"""Rules of the infrastructure services several tiers share (site_infra, the VTY networks).

The Debian services (FTP archive, proxy, GLPI) are checked in debian_rules.py, beside their view.
"""

from __future__ import annotations

from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import problem
from ansible_collections.sitekit.core.plugins.plugin_utils.site.rulebook import rule


@rule("services", "service hosts and groups named in site_infra exist; VTY networks are VLANs of site_vlans")
def services(site: Site):
    for key, value in (site.vars.get("site_infra") or {}).items():
        if key.endswith("_group") and value not in site.groups:
            yield problem("services", f"site_infra.{key}", f"group {value!r} is not in the inventory", value=value)
        if key.endswith("_host") and value not in site.hosts:
            yield problem("services", f"site_infra.{key}", f"host {value!r} is not in the inventory", value=value)
    for vlan_id in (site.vars.get("site_security") or {}).get("vty_allowed_vlans") or []:
        if site.vlans and site.vlan(vlan_id) is None:
            yield problem("services", "site_security.vty_allowed_vlans", f"VLAN {vlan_id} is not in site_vlans", value=vlan_id)
