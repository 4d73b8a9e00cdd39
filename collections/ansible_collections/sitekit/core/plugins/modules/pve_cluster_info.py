#!/usr/bin/python
"""Proxmox VE version, cluster name, members and quorum in one module call."""

from __future__ import annotations

DOCUMENTATION = r"""
module: pve_cluster_info
short_description: PVE version, cluster name, nodes and quorum (2 reads)
description:
  - Reads C(/version) and C(/cluster/status); returns the major version the other roles
    branch on (HA groups on 8, HA rules on 9), the cluster name and its online members.
  - "Gap filled: C(community.proxmox.proxmox_node_info) lists nodes but neither the version nor
    the cluster name/quorum; C(proxmox_cluster_join_info) needs the cluster join API (root ticket)."
version_added: "0.1.0"
author: sitekit
options: {}
notes:
  - Connection options are those of every sitekit.core pve_* module (module_utils/pve_client.py).
  - Always read-only; supports check mode.
"""

EXAMPLES = r"""
- name: What runs there
  sitekit.core.pve_cluster_info:
    api_host: "{{ proxmox_api_host }}"
    api_token_id: sitekit
    api_token_secret: "{{ vault_proxmox_api_token_secret }}"
  register: proxmox_cluster
"""

RETURN = r"""
major: {description: PVE major version, type: int, returned: always}
version: {description: Full PVE version, type: str, returned: always}
cluster_name: {description: Cluster name (null for a standalone node), type: str, returned: always}
nodes: {description: Member node names, type: list, returned: always}
online: {description: Online member names, type: list, returned: always}
quorate: {description: Whether the cluster has quorum, type: bool, returned: always}
"""

from ansible.module_utils.basic import AnsibleModule  # noqa: E402
from ansible_collections.sitekit.core.plugins.module_utils.pve_client import (  # noqa: E402
    PVE_REQUIRED_ONE_OF,
    PVE_REQUIRED_TOGETHER,
    PveClient,
    pve_argument_spec,
)


def main():
    module = AnsibleModule(argument_spec=pve_argument_spec(), supports_check_mode=True,
                           required_one_of=PVE_REQUIRED_ONE_OF, required_together=PVE_REQUIRED_TOGETHER)
    client = PveClient(module)
    version = client.version()
    status = client.get("cluster/status")
    cluster = next((s for s in status if s.get("type") == "cluster"), {})
    nodes = [s for s in status if s.get("type") == "node"]
    module.exit_json(changed=False, major=version["major"], version=version.get("version"),
                     cluster_name=cluster.get("name"), quorate=bool(cluster.get("quorate", 1)),
                     nodes=sorted(n["name"] for n in nodes), online=sorted(n["name"] for n in nodes if n.get("online")))


if __name__ == "__main__":
    main()
