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


def dumps(value) -> str:
    """Order-preserving JSON: a changed key order is a changed output too."""
    return json.dumps(value, indent=1, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    for name, inventory in INVENTORIES.items():
        (DATA / f"{name}.json").write_text(dumps(view_vars(inventory)))
        print(f"wrote {DATA / name}.json")
