"""What the tier filters hand to Jinja, for one inventory: ``view_vars("inventories/rcr")``.

The filters are called as a play calls them, with ``hostvars`` (site and host variables merged,
secrets resolved to the network tests' dummy values) and ``groups``. The reference outputs in
data/view_vars/ were captured before the views became typed (issue 9); ``python tests/unit/view_vars.py``
rewrites them (review the diff: it must be empty unless a view's behaviour changed on purpose).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "network"))

import netlab  # noqa: E402
import sitekit_paths  # noqa: E402,F401,I001
from ansible_collections.sitekit.core.plugins.filter import debian as debian_filters  # noqa: E402
from ansible_collections.sitekit.core.plugins.filter import network as network_filters  # noqa: E402
from ansible_collections.sitekit.core.plugins.filter import proxmox as proxmox_filters  # noqa: E402
from ansible_collections.sitekit.core.plugins.filter import windows as windows_filters  # noqa: E402
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network import site_with_secrets  # noqa: E402

DATA = HERE / "data" / "view_vars"
INVENTORIES = {"rcr": "inventories/rcr", "lab": "inventories/lab"}


def play_vars(inventory: str) -> tuple[dict, dict]:
    """(hostvars, groups) as a play sees them: every site variable on every host, secrets resolved."""
    site = site_with_secrets(netlab.load(inventory), dict(netlab.DUMMY_SECRETS))
    hostvars = {name: {**site.vars, **host.vars} for name, host in site.hosts.items()}
    groups = {name: list(members) for name, members in site.groups.items()}
    groups["all"] = list(site.hosts)
    return hostvars, groups


def view_vars(inventory: str) -> dict:
    hv, groups = play_vars(inventory)
    debian_hosts = sorted({h for g in ("glpi", "ftp_archive", "squid") for h in groups.get(g, [])})
    archive = hv[groups["all"][0]].get("site_config_archive") or {}
    return {
        "network_intent": {h: network_filters.network_intent(hv, groups, h)
                           for h in network_filters.network_devices(hv, groups)},
        "pve_desired": proxmox_filters.pve_desired(hv, groups),
        "pve_api": proxmox_filters.pve_api(hv, groups),
        "debian_firewall": {h: debian_filters.debian_firewall(hv, groups, h) for h in debian_hosts},
        "debian_proxy": debian_filters.debian_proxy(hv, groups),
        "debian_archive_server": {archive[r]: debian_filters.debian_archive_server(hv, groups, archive[r])
                                  for r in ("primary", "backup") if archive.get(r)},
        "debian_archive_targets": debian_filters.debian_archive_targets(hv, groups),
        "debian_glpi": debian_filters.debian_glpi(hv, groups),
        "debian_admin_access": debian_filters.debian_admin_access(hv, groups),
    }


# Moments for pve_maintenance_now (UTC): a weeknight inside the rcr window, a weekday afternoon outside it,
# a Sunday morning.
MOMENTS = ("2026-05-04T23:30:00+00:00", "2026-05-05T14:00:00+00:00", "2026-05-10T06:15:00+00:00")
# KDS root keys read on a domain controller: none yet, too recent, usable.
KDS = ({"effective_utc": None, "now_utc": "2026-05-04T20:30:00Z", "utc_offset_minutes": 60},
       {"effective_utc": "2026-05-04T08:00:00Z", "now_utc": "2026-05-04T08:01:00Z", "utc_offset_minutes": 120},
       {"effective_utc": "2026-05-03T22:01:00Z", "now_utc": "2026-05-04T08:01:00Z", "utc_offset_minutes": 0})
# The SQL engine's service account kinds the inventories do not use (rcr: gmsa).
SQL_ACCOUNTS = ({"kind": "virtual"}, {"kind": "domain", "name": "svc-sqlcegid"})


def windows_view_vars(inventory: str) -> dict:
    """The Windows filters' outputs (and pve_maintenance_now at fixed moments), captured like view_vars."""
    import datetime

    hv, groups = play_vars(inventory)
    wf = windows_filters
    win, sql = groups.get("windows", []), groups.get("sql_servers", [])
    out = {
        "windows_firewall_rules": {h or "*": wf.windows_firewall_rules(hv, groups, h) for h in [None, *win]},
        "windows_rds_plan": wf.windows_rds_plan(hv, groups),
        "windows_sizing_check": wf.windows_sizing_check(hv, groups),
        "windows_sizing_check_measured": wf.windows_sizing_check(
            hv, groups, {h: {"memory_mb": 4096, "vcpu": 2} for h in groups.get("rds_session_hosts", [])[:1]}),
        "windows_sql_setup": {h: wf.windows_sql_setup(hv, groups, h) for h in sql},
        "windows_sql_security": wf.windows_sql_security(hv, groups),
        "windows_sql_service_account": {h: wf.windows_sql_service_account(hv, groups, h) for h in sql},
        "windows_sql_share": {h: wf.windows_sql_share(hv, groups, h) for h in sql},
        "windows_dhcp_scopes": wf.windows_dhcp_scopes(hv, groups),
        "windows_reverse_zones": wf.windows_reverse_zones(hv, groups),
        "windows_update_ring": {h: wf.windows_update_ring(hv, groups, h) for h in win},
        "windows_update_in_window": wf.windows_update_in_window(hv, groups),
        "windows_shutdown_task": wf.windows_shutdown_task(hv, groups),
        "windows_directory": wf.windows_directory(hv, groups),
        "windows_ad_groups": wf.windows_ad_groups(hv, groups),
        "windows_local_admin_groups": {h: wf.windows_local_admin_groups(hv, groups, h) for h in win},
        "windows_file_server": {h: wf.windows_file_server(hv, groups, h) for h in groups.get("file_servers", [])},
        "windows_gmsa_phase": [wf.windows_gmsa_phase(kds) for kds in KDS],
    }
    for account in SQL_ACCOUNTS:
        changed = {h: {**v, "site_windows": {**v["site_windows"], "sql": {**v["site_windows"]["sql"],
                                                                          "service_account": account}}}
                   for h, v in hv.items()}
        wf._MODELS.clear()
        out[f"windows_sql {account['kind']}"] = {h: [wf.windows_sql_service_account(changed, groups, h),
                                                     wf.windows_sql_setup(changed, groups, h),
                                                     wf.windows_sql_share(changed, groups, h)] for h in sql}
    wf._MODELS.clear()
    view = proxmox_filters.maintenance_now
    try:
        out["pve_maintenance_now"] = {}
        for moment in MOMENTS:
            at = datetime.datetime.fromisoformat(moment)
            proxmox_filters.maintenance_now = lambda site, at=at: view(site, at)
            out["pve_maintenance_now"][moment] = proxmox_filters.pve_maintenance_now(hv, groups)
    finally:
        proxmox_filters.maintenance_now = view
    return out


def dumps(value) -> str:
    """Order-preserving JSON: a changed key order is a changed output too."""
    return json.dumps(value, indent=1, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    for name, inventory in INVENTORIES.items():
        (DATA / f"{name}.json").write_text(dumps(view_vars(inventory)))
        (DATA / f"{name}-windows.json").write_text(dumps(windows_view_vars(inventory)))
        print(f"wrote {DATA / name}.json, {DATA / name}-windows.json")
