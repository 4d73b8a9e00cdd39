"""GLPI's web side: its pinned release, who reaches it, where its certificate comes from."""

from __future__ import annotations

import re

from ansible_collections.sitekit.core.plugins.plugin_utils.site.debian.common import (
    DebianPlanError,
    role_subnets,
    section,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.debian.data import Glpi
from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site


def glpi(site: Site) -> Glpi:
    """GLPI's pinned release, who reaches it, and where its certificate comes from (the site CA's, or
    self-signed by choice)."""
    glpi_vars = section(site, "site_glpi")
    certificate = glpi_vars.get("tls_certificate")
    self_signed = bool(glpi_vars.get("tls_self_signed", False))
    if certificate and self_signed:
        raise DebianPlanError("give either the site CA's certificate or tls_self_signed: true, not both",
                              key="site_glpi.tls_self_signed", value=glpi_vars.get("tls_self_signed"))
    version = str(glpi_vars.get("version") or "")
    if not re.fullmatch(r"\d+\.\d+\.\d+", version):
        raise DebianPlanError("GLPI's release must be pinned as x.y.z", key="site_glpi.version", value=glpi_vars.get("version"))
    return Glpi(version=version, sha256=glpi_vars.get("sha256") or "", archive_path=glpi_vars.get("archive_path") or "",
                server_name=glpi_vars.get("url_host"),
                clients=tuple(role_subnets(site, glpi_vars.get("allowed_vlan_roles"), "site_glpi.allowed_vlan_roles")),
                certificate=str(certificate) if certificate else None,
                self_signed=not certificate)
