"""Windows tier views of the site model: what the Windows roles apply, decided here once.

Every decision a Windows role needs that can be computed without a Windows host is a pure
function of a ``Site`` here (one module per concern), so that it is unit-tested on this
machine. The views return frozen dataclasses (data.py; the RDS plan's in rds_data.py) or tuples
of them; the filters of plugins/filter/windows.py hand them to the roles as plain data
(``typed.to_vars``). A view that cannot compute its output raises ``WindowsPlanError`` (a SiteError).

One module per concern: names.py (NetBIOS, DNs, the directory), ad.py (DHCP, reverse zones, update
rings, the shutdown GPO, groups), files.py, firewall.py, kds.py, rds.py, sizing.py, sql.py, tsql.py.
"""

from __future__ import annotations

from ansible_collections.sitekit.core.plugins.plugin_utils.site.windows.ad import (
    ad_groups,
    check_update_hour,
    dhcp_scopes,
    local_admin_groups,
    reverse_zones,
    shutdown_task,
    update_install_in_window,
    update_ring,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.windows.files import file_server
from ansible_collections.sitekit.core.plugins.plugin_utils.site.windows.firewall import (
    NOT_INTERNET,
    SQL_DEFAULT_PORT,
    firewall_rules,
    internet_ranges,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.windows.kds import KDS_CONVERGENCE_HOURS, gmsa_phase
from ansible_collections.sitekit.core.plugins.plugin_utils.site.windows.names import (
    WindowsPlanError,
    directory,
    domain_dn,
    domain_name,
    fqdn,
    netbios,
    ou_dn,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.windows.rds import (
    CERTIFICATE_ROLES,
    RDS_ROLES,
    rds_plan,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.windows.sizing import sizing_check
from ansible_collections.sitekit.core.plugins.plugin_utils.site.windows.sql import (
    FIXED_SERVER_ROLES,
    broker_logins,
    sql_security,
    sql_service_account,
    sql_setup,
    sql_update_share,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.windows.tsql import tsql_name, tsql_str

__all__ = [
    "CERTIFICATE_ROLES", "FIXED_SERVER_ROLES", "KDS_CONVERGENCE_HOURS", "NOT_INTERNET", "RDS_ROLES", "SQL_DEFAULT_PORT", "WindowsPlanError",
    "ad_groups", "broker_logins", "check_update_hour", "directory", "dhcp_scopes", "domain_dn", "domain_name",
    "file_server", "firewall_rules", "fqdn", "gmsa_phase", "internet_ranges",
    "local_admin_groups", "netbios", "ou_dn", "rds_plan", "reverse_zones", "shutdown_task", "sizing_check", "sql_security",
    "sql_service_account", "sql_setup", "sql_update_share", "tsql_name", "tsql_str", "update_install_in_window",
    "update_ring",
]
