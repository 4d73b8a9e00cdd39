"""Sizing of the session hosts and the SQL server against the Cegid prerequisites, measured or declared."""

from __future__ import annotations

from ansible_collections.sitekit.core.plugins.plugin_utils.site import cegid
from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.windows.data import SizingCheck


def sizing_check(site: Site, actual: dict | None = None) -> SizingCheck:
    """Errors (refuse to deploy) and warnings for the session hosts and the SQL servers.

    ``actual`` maps a host to measured ``{"memory_mb", "vcpu"}`` (gathered facts) that override
    the inventory's ``vm`` values. The verdicts are ``cegid.sizing``'s, the ones validation gives.
    """
    actual = actual or {}
    errors, warnings = [], []
    for f in cegid.sizing(site, actual):
        source = "measured" if actual.get(f.host) else "declared in host_vars"
        text = f"{f.role} {f.host} ({source}): {f.message}" if f.host else f.message
        (errors if f.severity == "error" else warnings).append(text)
    return SizingCheck(ok=not errors, errors=tuple(errors), warnings=tuple(warnings),
                       users_per_session_host=cegid.users_per_session_host(site))
