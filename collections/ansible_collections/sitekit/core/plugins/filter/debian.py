"""Filters that hand the Debian view (plugin_utils/site/debian/) to the Debian roles and playbooks.

Each takes the play's ``hostvars`` and ``groups`` and builds the site model from them, so a role never
recomputes what the model decides::

    hostvars | sitekit.core.debian_firewall(groups, inventory_hostname)
    hostvars | sitekit.core.debian_proxy(groups)

Only debian_proxy and the two archive filters read secrets (the account passwords a role or playbook must use); the others
template no ``vault_*`` value.
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError
from ansible_collections.sitekit.core.plugins.plugin_utils.site import debian
from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.play_cache import PlayModels
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import SiteError
from ansible_collections.sitekit.core.plugins.plugin_utils.site.typed import to_vars

# The site variables the Debian views read (values are templated only when a view reads them).
SITE_VARS = ("site_domain", "site_vlans", "site_glbp", "site_infra", "site_security", "site_glpi", "site_proxy",
             "site_config_archive", "site_cegid", "site_windows", "vault_ftp_archive_password")
_MODELS = PlayModels(SITE_VARS)  # one model per play, not one per filter call


def _site(hostvars, groups) -> Site:
    return _MODELS.site(hostvars, groups)


def _call(func, *args, **kwargs):
    """The view's typed output as plain data (``typed.to_vars``); a SiteError or a missing key as a filter error."""
    try:
        return to_vars(func(*args, **kwargs))
    except SiteError as exc:
        raise AnsibleFilterError(f"{func.__name__}: {exc}") from exc
    except KeyError as exc:
        raise AnsibleFilterError(f"{func.__name__}: the inventory lacks {exc} (run playbooks/validate.yml)") from exc


def debian_firewall(hostvars, groups, host):
    """The nftables input policy of ``host``."""
    return _call(debian.firewall, _site(hostvars, groups), host)


def debian_proxy(hostvars, groups):
    """Squid's settings, with the proxy users' (or the directory bind account's) passwords."""
    return _call(debian.proxy, _site(hostvars, groups), secrets=True)


def debian_archive_server(hostvars, groups, host):
    """The FTP archive server ``host``: accounts with their passwords, FTPS policy, passive ports, clients."""
    return _call(debian.archive_server, _site(hostvars, groups), host, secrets=True)


def debian_archive_targets(hostvars, groups):
    """Both archive servers as the controller reaches them, each with its own account and password."""
    return _call(debian.archive_targets, _site(hostvars, groups), secrets=True)


def debian_glpi(hostvars, groups):
    """GLPI's pinned release, server name, allowed client networks and certificate source."""
    return _call(debian.glpi, _site(hostvars, groups))


def debian_admin_access(hostvars, groups):
    """The Debian servers' administration account and the networks SSH admits."""
    return _call(debian.admin_access, _site(hostvars, groups))


class FilterModule:
    def filters(self):
        return {"debian_firewall": debian_firewall, "debian_proxy": debian_proxy,
                "debian_archive_server": debian_archive_server, "debian_archive_targets": debian_archive_targets,
                "debian_glpi": debian_glpi, "debian_admin_access": debian_admin_access}
