"""Proxmox view of the site model: what the cluster must hold, as API parameters.

``desired(site)`` turns the inventory (site_proxmox, site_backup, site_maintenance_windows, each
VM's ``vm`` and ``site_vlan``) into a typed DesiredState (data.py): storages (storage.py), the
nightly backup job and the second copy (backup.py), VM specs (vms.py: clone source, vCPU, memory,
disks, net0 with bridge, VLAN tag and pinned MAC) and the HA placement (ha.py), in both PVE 8
(groups) and PVE 9 (node- and resource-affinity rules) forms. ``desired_state(site)`` is the same as
plain data (``typed.to_vars``): what the pve_desired filter hands the roles, and what Python
callers that read it as JSON use. ``api_connection(site)`` (where the API is, how its certificate
is checked) and ``maintenance_now(site)`` (maintenance.py) are typed too (ApiConnection,
MaintenanceNow). Pure functions: the filters, the modules and the tests call the same code. The public names are re-exported here: ``from …site.proxmox import desired_state``
keeps working.
"""

from __future__ import annotations

from ansible_collections.sitekit.core.plugins.plugin_utils.site.proxmox.backup import (
    backup_job,
    backup_jobs,
    second_copy_job,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.proxmox.data import (
    BACKUP_JOB_ID,
    PREFIX,
    SECOND_COPY_JOB_ID,
    ApiConnection,
    DesiredState,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.proxmox.ha import (
    ha_groups,
    ha_placement,
    ha_resources,
    ha_rules,
    spread_members,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.proxmox.maintenance import maintenance_now
from ansible_collections.sitekit.core.plugins.plugin_utils.site.proxmox.storage import storages
from ansible_collections.sitekit.core.plugins.plugin_utils.site.proxmox.vms import net0, vm_spec, vm_specs
from ansible_collections.sitekit.core.plugins.plugin_utils.site.typed import to_vars


def desired(site) -> DesiredState:
    """Everything the cluster must hold; ``ha_resources`` in their PVE 8 form (each names its node's group)."""
    prox = site.vars.get("site_proxmox") or {}
    specs = vm_specs(site)
    placement = ha_placement(site)
    return DesiredState(
        cluster_name=prox.get("cluster_name"),
        version=prox.get("version"),
        storages=storages(prox),
        backup_jobs=backup_jobs(site, [s.vmid for s in specs]),
        vms=specs,
        ha=placement,
        ha_groups=ha_groups(placement),
        ha_rules=ha_rules(placement),
        ha_resources=ha_resources(placement, 8),
    )


def desired_state(site) -> dict:
    """``desired(site)`` as plain data: what ``hostvars | sitekit.core.pve_desired(groups)`` gives."""
    return to_vars(desired(site))


def api_connection(site) -> ApiConnection:
    """Where the API is (site_proxmox.api_host, else the first node's address) and how its certificate is
    checked: against ``api_ca_path`` (the cluster's pve-root-ca.pem) or the pinned ``api_fingerprint``.
    The pve_api filter hands it to a play without the options the site leaves unset."""
    prox = site.vars.get("site_proxmox") or {}
    nodes = site.proxmox_nodes
    host = prox.get("api_host") or (str(site.host_ip(nodes[0])) if nodes and site.host_ip(nodes[0]) else None)
    return ApiConnection(api_host=host, api_port=int(prox.get("api_port", 8006)), api_user=prox.get("api_user", "root@pam"),
                         api_token_id=prox.get("api_token_id", PREFIX),
                         validate_certs=bool(prox.get("api_validate_certs", True)),
                         ca_path=prox.get("api_ca_path"), api_fingerprint=prox.get("api_fingerprint"))


__all__ = [
    "BACKUP_JOB_ID", "PREFIX", "SECOND_COPY_JOB_ID", "ApiConnection", "DesiredState", "api_connection", "backup_job", "backup_jobs",
    "desired", "desired_state", "ha_groups", "ha_placement", "ha_resources", "ha_rules", "maintenance_now", "net0",
    "second_copy_job", "spread_members", "storages", "vm_spec", "vm_specs",
]
