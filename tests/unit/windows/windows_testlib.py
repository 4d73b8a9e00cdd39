"""Shared helpers of the Windows unit tests: the rcr site (loaded once), a modified copy,
and the role templates rendered with the same filters the roles use."""

from __future__ import annotations

import jinja2
import sites  # noqa: E402
from ansible_collections.sitekit.core.plugins.filter.windows import FilterModule
from ansible_collections.sitekit.core.plugins.plugin_utils.site import windows as sw
from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.typed import to_vars
from sitekit_paths import REPO

ROLES = ("windows_base", "ad_domain", "rds_deployment", "sqlserver_cegid", "windows_firewall", "file_server")
TSQL_DIR = REPO / "roles/sqlserver_cegid/templates/tsql"


def rcr() -> Site:
    return sites.site()


def modified(**changes) -> Site:
    """A deep copy of the rcr site with site_* variables or ``host__key`` host facts replaced."""
    return sites.modified(**changes)


def _to_bool(value) -> bool:
    return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes", "on")


def environment() -> jinja2.Environment:
    """Jinja as the roles' templates see it: the sitekit.core filters by FQCN, trim_blocks like template/win_template."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(REPO / "roles")), trim_blocks=True,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    for name, func in FilterModule().filters().items():
        env.filters[f"sitekit.core.{name}"] = func
    env.filters["bool"] = _to_bool
    return env


def render(template: str, **variables) -> str:
    return environment().get_template(template).render(ansible_managed="Ansible managed", **variables)


def sql_vars(site: Site | None = None, host: str = "sql01", apply: bool = True) -> dict:
    site = site or rcr()
    return {"inventory_hostname": host, "sqlserver_cegid_setup": to_vars(sw.sql_setup(site, host)),
            "sqlserver_cegid_security": to_vars(sw.sql_security(site)), "sqlserver_cegid_tsql_apply": apply}
