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

One module per concern: common.py (error, subnets, administration), firewall.py, glpi.py,
proxy.py, archive.py; the public names are re-exported here (``from …site import debian``).
"""

from __future__ import annotations

from ansible_collections.sitekit.core.plugins.plugin_utils.site.debian.archive import (
           CLIENT_KINDS,
           archive_server,
           archive_targets,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.debian.common import (
           FTP_PORT,
           SSH_PORT,
           SYSLOG_PORT,
           DebianPlanError,
           admin_access,
           device_sources,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.debian.firewall import firewall
from ansible_collections.sitekit.core.plugins.plugin_utils.site.debian.glpi import glpi
from ansible_collections.sitekit.core.plugins.plugin_utils.site.debian.proxy import DOMAIN, proxy, squid_domains

__all__ = ["CLIENT_KINDS", "DOMAIN", "FTP_PORT", "SSH_PORT", "SYSLOG_PORT", "DebianPlanError", "admin_access",
           "archive_server", "archive_targets", "device_sources", "firewall", "glpi", "proxy", "squid_domains"]
