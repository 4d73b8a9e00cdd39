"""Filters that hand the Windows tier views (plugin_utils/site/windows/) to the Windows roles.

Each takes the play's ``hostvars`` and ``groups``, builds the site model from them and hands Jinja
the view's typed output as plain data (``typed.to_vars``), so a role never recomputes what the
model decides::

    hostvars | sitekit.core.windows_firewall_rules(groups, inventory_hostname)
    hostvars | sitekit.core.windows_rds_plan(groups)
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError
from ansible_collections.sitekit.core.plugins.plugin_utils.site import windows as sw
from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.play_cache import PlayModels
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import SiteError
from ansible_collections.sitekit.core.plugins.plugin_utils.site.typed import to_vars

# The site variables the Windows views read. Only these are templated: the others (and the
# vault_* secrets) are never touched, so no secret is decrypted to compute a plan.
SITE_VARS = ("site_domain", "site_netbios", "site_timezone", "site_infra", "site_vlans", "site_glbp", "site_cegid",
             "site_cegid_firewall", "site_windows", "site_maintenance_windows", "site_client_shutdown_time")


_MODELS = PlayModels(SITE_VARS)  # one model per play, not one per filter call


def _site(hostvars, groups) -> Site:
    return _MODELS.site(hostvars, groups)


def _call(func, *args):
    """The view's typed output as plain data (``typed.to_vars``); a SiteError or a missing key as a filter error."""
    try:
        return to_vars(func(*args))
    except SiteError as exc:
        raise AnsibleFilterError(f"{func.__name__}: {exc}") from exc
    except KeyError as exc:
        raise AnsibleFilterError(f"{func.__name__}: the inventory lacks {exc} (run playbooks/validate.yml)") from exc


def windows_firewall_rules(hostvars, groups, host=None):
    """Cegid firewall rules (all, or those of ``host``)."""
    return _call(sw.firewall_rules, _site(hostvars, groups), host)


def windows_rds_plan(hostvars, groups):
    return _call(sw.rds_plan, _site(hostvars, groups))


def windows_sizing_check(hostvars, groups, actual=None):
    return _call(sw.sizing_check, _site(hostvars, groups), actual)


def windows_measured_sizing(hostvars, hosts):
    """Memory and vCPU gathered on ``hosts`` (facts), for the sizing check; hosts without facts are left out.

    Windows hides firmware-reserved memory, so the measured total is rounded up to 256 MB.
    """
    out = {}
    for host in hosts:
        hv = hostvars[host]
        if "ansible_memtotal_mb" in hv:
            out[host] = {"memory_mb": -(-int(hv["ansible_memtotal_mb"]) // 256) * 256}
            if hv.get("ansible_processor_vcpus"):
                out[host]["vcpu"] = int(hv["ansible_processor_vcpus"])
    return out


def windows_sql_setup(hostvars, groups, host):
    return _call(sw.sql_setup, _site(hostvars, groups), host)


def windows_sql_security(hostvars, groups):
    return _call(sw.sql_security, _site(hostvars, groups))


def windows_sql_service_account(hostvars, groups, host):
    return _call(sw.sql_service_account, _site(hostvars, groups), host)


def windows_sql_share(hostvars, groups, host):
    return _call(sw.sql_update_share, _site(hostvars, groups), host)


def windows_dhcp_scopes(hostvars, groups):
    return _call(sw.dhcp_scopes, _site(hostvars, groups))


def windows_reverse_zones(hostvars, groups):
    return _call(sw.reverse_zones, _site(hostvars, groups))


def windows_update_ring(hostvars, groups, host):
    return _call(sw.update_ring, _site(hostvars, groups), host)


def windows_update_in_window(hostvars, groups):
    return _call(sw.update_install_in_window, _site(hostvars, groups))


def windows_shutdown_task(hostvars, groups):
    return _call(sw.shutdown_task, _site(hostvars, groups))


def windows_directory(hostvars, groups):
    """Domain DN, OUs in creation order with their DN, and the OU of each purpose (site_windows.ous)."""
    return _call(sw.directory, _site(hostvars, groups))


def windows_ad_groups(hostvars, groups):
    """Security groups ad_domain creates, with members (names) and member_rids (built-in accounts by RID)."""
    return _call(sw.ad_groups, _site(hostvars, groups))


def windows_local_admin_groups(hostvars, groups, host):
    """AD groups that join the local Administrators group of ``host`` (site_windows.groups.*.local_admin_on)."""
    return _call(sw.local_admin_groups, _site(hostvars, groups), host)


def windows_file_server(hostvars, groups, host):
    """Shares (share and NTFS rights by AD group) and shadow copies of a file server."""
    return _call(sw.file_server, _site(hostvars, groups), host)


def windows_gmsa_phase(kds):
    """Whether gMSA can be created, from the KDS root key read on a domain controller (come back after HH:MM)."""
    return _call(sw.gmsa_phase, dict(kds))


def windows_domain_name(name, site_netbios):
    """``<NETBIOS>\\name`` for a short name; a qualified name is kept."""
    return name if "\\" in str(name) else f"{site_netbios}\\{name}"


class FilterModule:
    def filters(self):
        return {
            "windows_firewall_rules": windows_firewall_rules,
            "windows_rds_plan": windows_rds_plan,
            "windows_sizing_check": windows_sizing_check,
            "windows_measured_sizing": windows_measured_sizing,
            "windows_sql_setup": windows_sql_setup,
            "windows_sql_security": windows_sql_security,
            "windows_sql_service_account": windows_sql_service_account,
            "windows_sql_share": windows_sql_share,
            "windows_dhcp_scopes": windows_dhcp_scopes,
            "windows_reverse_zones": windows_reverse_zones,
            "windows_update_ring": windows_update_ring,
            "windows_update_in_window": windows_update_in_window,
            "windows_shutdown_task": windows_shutdown_task,
            "windows_domain_name": windows_domain_name,
            "windows_gmsa_phase": windows_gmsa_phase,
            "windows_ad_groups": windows_ad_groups,
            "windows_local_admin_groups": windows_local_admin_groups,
            "windows_file_server": windows_file_server,
            "windows_directory": windows_directory,
            "tsql_name": sw.tsql_name,
            "tsql_str": sw.tsql_str,
        }
