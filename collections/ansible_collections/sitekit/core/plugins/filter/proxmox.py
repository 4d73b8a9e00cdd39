"""Proxmox filters: the site model's Proxmox view for the proxmox_* roles and playbooks."""

from __future__ import annotations

from ansible_collections.sitekit.core.plugins.module_utils.pve_format import net0_string
from ansible_collections.sitekit.core.plugins.module_utils.pve_pvecm import (
    ha_allowed,
    ha_votes,
    join_plan,
    parse_pvecm_status,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.play_cache import PlayModels
from ansible_collections.sitekit.core.plugins.plugin_utils.site.proxmox import (
    api_connection,
    desired,
    maintenance_now,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.typed import to_vars

SITE_KEYS = ("site_proxmox", "site_backup", "site_maintenance_windows", "site_vlans", "site_timezone")
# One model per template evaluation that asks several views (proxmox.yml's set_fact reads the desired state and
# the API endpoint), not one per call; each task's worker is a new process, so nothing outlives the task.
_MODELS = PlayModels(SITE_KEYS)


def _site(hostvars, groups: dict) -> Site:
    """The part of the site model the Proxmox view reads (no ``vault_*`` value is touched)."""
    return _MODELS.site(hostvars, groups)


def pve_desired(hostvars, groups: dict) -> dict:
    """Everything the cluster must hold: ``hostvars | sitekit.core.pve_desired(groups)`` (the typed view as plain data)."""
    return to_vars(desired(_site(hostvars, groups)))


def pve_api(hostvars, groups: dict) -> dict:
    """Where the API is and how its certificate is checked, from site_proxmox: the pve_* connection options
    without the secret. Options the site leaves unset are left out, so a play can hand the result to
    ``module_defaults`` and the modules' environment fallbacks (``PROXMOX_CA_PATH``…) still apply."""
    return {key: value for key, value in to_vars(api_connection(_site(hostvars, groups))).items() if value is not None}


def pve_maintenance_now(hostvars, groups: dict) -> dict:
    """Is this moment inside a maintenance window (site time zone)? ``{inside, at, windows}``."""
    return to_vars(maintenance_now(_site(hostvars, groups)))


def pvecm_status(text: str) -> dict:
    """``pvecm status`` output → facts (in_cluster, name, quorate, votes, qdevice, members)."""
    return parse_pvecm_status(text or "")


def pvecm_join_plan(results: list, node: str, nodes: list, first: str, cluster: str, check_mode: bool = False,
                    own: str = "") -> dict:
    """The other nodes' ``pvecm status`` (a registered loop over them) and this node's → create, join via, or refuse."""
    others = {}
    for r in results or []:
        readable = not r.get("unreachable") and not r.get("skipped") and r.get("rc") in (0, 2)
        text = f"{r.get('stdout', '')}\n{r.get('stderr', '')}"
        others[r["item"]] = parse_pvecm_status(text) if readable else None
    return join_plan(node, parse_pvecm_status(own or ""), others, list(nodes), first, cluster, bool(check_mode))


def pve_net0(nic: dict) -> str:
    """A NIC dict of the site model (model, bridge, tag, macaddr) as PVE's net0 string."""
    return net0_string(nic)


def pvecm_link_args(links: list) -> list[str]:
    """Corosync link addresses → ``['--link0', 'address=192.0.2.11', '--link1', …]`` for pvecm create/add."""
    out = []
    for i, address in enumerate(links or []):
        out += [f"--link{i}", f"address={address}"]
    return out


def pve_ha_allowed(status: dict, qdevice_declared: bool) -> dict:
    """``pvecm status`` facts → ``{allowed, reason}``: may HA be enabled (3 votes)?"""
    ok, reason = ha_allowed(status, bool(qdevice_declared))
    return {"allowed": ok, "reason": reason}


def pve_ha_votes(nodes: int, qdevice_declared: bool) -> dict:
    """Cluster member count (API) and the declared QDevice → ``{allowed, reason}`` (3 votes)."""
    ok, reason = ha_votes(int(nodes), 1 if qdevice_declared else 0)
    return {"allowed": ok, "reason": reason}


class FilterModule:
    def filters(self):
        return {"pve_desired": pve_desired, "pve_api": pve_api, "pvecm_status": pvecm_status, "pvecm_join_plan": pvecm_join_plan, "pve_ha_allowed": pve_ha_allowed,
                "pvecm_link_args": pvecm_link_args, "pve_net0": pve_net0, "pve_ha_votes": pve_ha_votes,
                "pve_maintenance_now": pve_maintenance_now}
