#!/usr/bin/python
"""Proxmox VE version, cluster name, members and quorum in one module call."""

from __future__ import annotations

DOCUMENTATION = r"""
module: pve_cluster_info
short_description: PVE version, cluster name, nodes and quorum (2 reads)
description:
  - Reads C(GET /version) and C(GET /cluster/status) and returns the major version the other roles
    branch on (HA groups on PVE 8, HA rules on PVE 9), the cluster name, its member nodes and which are online.
  - Always read-only; never reports a change.
  - "Gap filled: C(community.proxmox.proxmox_node_info) lists nodes but neither the version nor
    the cluster name/quorum; C(proxmox_cluster_join_info) needs the cluster join API (root ticket)."
version_added: "0.1.0"
author: sitekit maintainers (!UNKNOWN)
options: {}
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - sitekit.core.proxmox
  - sitekit.core.proxmox.action_group
  - sitekit.core.proxmox.in_worker
attributes:
  check_mode:
    support: full
    details: Only reads, so it runs in check mode like in a normal run.
  diff_mode:
    support: N/A
    details: Changes nothing; returns no diff.
  platform:
    platforms: posix
    details: Runs where the task runs (usually the controller, C(delegate_to=localhost)) and calls the API over HTTPS.
seealso:
  - module: sitekit.core.pve_ha
"""

EXAMPLES = r"""
- name: What runs there
  sitekit.core.pve_cluster_info:
    api_host: "{{ proxmox_api_host }}"
    api_token_id: sitekit
    api_token_secret: "{{ vault_proxmox_api_token_secret }}"
  register: proxmox_cluster

- name: The same, the connection set once for the play
  hosts: localhost
  module_defaults:
    group/sitekit.core.proxmox:
      api_host: "{{ proxmox_api_host }}"
      api_token_id: sitekit
      api_token_secret: "{{ vault_proxmox_api_token_secret }}"
  tasks:
    - name: Cluster facts
      sitekit.core.pve_cluster_info:
      register: proxmox_cluster
"""

RETURN = r"""
major:
  description: PVE major version (first field of C(version), or of C(release) when C(version) is absent).
  type: int
  returned: always
  sample: 9
version:
  description: Full PVE version as C(/version) gives it.
  type: str
  returned: always
  sample: "9.1.1"
cluster_name:
  description: Cluster name; null on a standalone node (C(/cluster/status) has no C(cluster) entry).
  type: str
  returned: always
  sample: pve-cluster
nodes:
  description: Names of the member nodes, sorted.
  type: list
  elements: str
  returned: always
  sample: [node1, node2, node3]
online:
  description: Names of the member nodes the cluster reports online, sorted.
  type: list
  elements: str
  returned: always
  sample: [node1, node2, node3]
quorate:
  description: Whether the cluster has quorum; true on a standalone node.
  type: bool
  returned: always
"""

from ansible.module_utils.basic import AnsibleModule  # noqa: E402
from ansible_collections.sitekit.core.plugins.module_utils.pve_client import (  # noqa: E402
    PVE_REQUIRED_ONE_OF,
    PVE_REQUIRED_TOGETHER,
    PveClient,
    pve_argument_spec,
)

# The action plugin (plugins/action/pve_cluster_info.py) validates a task's arguments against the same spec and runs run()
# inside Ansible's worker on a local connection (plugin_utils/in_process.py).
ARGUMENT_SPEC = pve_argument_spec()
ARGUMENT_SPEC_KWARGS = {"required_one_of": PVE_REQUIRED_ONE_OF, "required_together": PVE_REQUIRED_TOGETHER}


def run(module) -> None:
    """exit_json or fail_json, with the result RETURN documents."""
    client = PveClient(module)
    version = client.version()
    status = client.get("cluster/status")
    cluster = next((s for s in status if s.get("type") == "cluster"), {})
    nodes = [s for s in status if s.get("type") == "node"]
    module.exit_json(changed=False, major=version["major"], version=version.get("version"),
                     cluster_name=cluster.get("name"), quorate=bool(cluster.get("quorate", 1)),
                     nodes=sorted(n["name"] for n in nodes), online=sorted(n["name"] for n in nodes if n.get("online")))


def main():
    run(AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True, **ARGUMENT_SPEC_KWARGS))


if __name__ == "__main__":
    main()
