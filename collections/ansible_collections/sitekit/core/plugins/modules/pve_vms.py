#!/usr/bin/python
"""The site's VMs on Proxmox VE as one set: clone from templates, converge config, start."""

from __future__ import annotations

DOCUMENTATION = r"""
module: pve_vms
short_description: Converge a set of Proxmox VE VMs (clone from template, config, disks, NIC, start, pending changes)
description:
  - Lists the cluster once (C(GET /cluster/resources?type=vm)) and reads each declared VM's configuration once, with
    what is pending (C(GET …/pending)); every comparison is local, so a no-op run costs 1 + N reads and no write.
  - A missing VM is cloned (full clone) from its template, on the storage of its first disk. qemu-server clones to
    another node only a VM whose volumes are all on shared storage (C(PVE/API2/Qemu.pm) C(clone_vm) - "can't clone VM
    to node … (VM uses local storage)"), and a template cannot keep base images on thick LVM. So the template's
    configuration and the storage list are read (once each, only when a VM is created) and -
  - when the template's disks and the VM storage are shared, the clone goes straight to the VM's node (C(target));
  - otherwise the clone is made on the template's node, then migrated offline to the VM's node
    (C(POST …/migrate); on shared VM storage only the configuration moves). A migration that fails removes the fresh
    clone (it never ran) and fails the task, so a run never leaves a half-created VM behind.
  - The module fails when the template VMID is not a template.
  - Then, in one C(PUT …/config), the keys that differ among C(cores), C(memory), C(name), C(cpu), C(net0) and the
    missing extra disks; each disk smaller than declared is grown (C(PUT …/resize)); a VM whose C(state)
    is C(started) and that is not running is started. Every task is waited for.
  - Values are compared with the pending changes applied, so a change already pending is not sent again. On a
    running VM, PVE keeps pending what it cannot hot-plug (vCPU, CPU type, memory without memory hotplug…;
    qemu-server C(vmconfig_hotplug_pending)). Such a VM is reported in RV(pending) with a "reboot required"
    warning; with O(reboot_pending) it is rebooted (C(POST …/status/reboot), which applies pending changes), one
    VM at a time, the next one only once this one runs again. A stopped VM that is started applies them anyway.
  - Disk sizes are read as PVE writes them - with a C(K), C(M), C(G) or C(T) suffix, or without one in bytes.
  - C(net0) is rewritten when its model, bridge, VLAN tag or pinned MAC differ (or it has a tag and none is declared);
    a MAC that is not pinned keeps the value PVE generated.
  - A VM found on another node than declared is left there (HA may have moved it), read and changed where it
    runs, and reported as a warning.
  - Disks are never shrunk or removed; a declared size below the current one is reported as a warning.
  - VMs that are not declared are left alone.
  - "Gap filled: C(community.proxmox.proxmox_kvm) 1.4.0 is not idempotent with C(update=true): it
    writes the config and reports changed on every run (measured on the simulator: 21 config PUTs
    per no-op run of the reference site); it handles one VM per call with several reads each (nodes,
    cluster resources, config, status), does not resize disks on update, reports no pending change, and
    starting is another call per VM. This module does the whole set with one list and only writes what differs."
version_added: "0.1.0"
author: sitekit maintainers (!UNKNOWN)
options:
  vms:
    description:
      - VM specs as the site model's Proxmox view gives them (filter P(sitekit.core.pve_desired#filter), key C(vms)).
      - Keys read - C(name), C(vmid), C(node), C(template) (VMID of the template), C(cores), C(memory) (MB),
        C(cpu) (optional), C(disks) (list of C(key) such as C(scsi0), C(storage), C(size_gb)), C(net0) (C(model),
        C(bridge), C(tag), C(macaddr)), C(state) (C(started), the default, or C(present)). Other keys are ignored.
      - An empty C(name) or C(cpu) (an empty string or null) removes that option from the VM (C(delete)) - Proxmox VE
        refuses an empty value; an empty C(cores) or C(memory) is not managed.
    type: list
    elements: dict
    required: true
  timeout:
    description: Seconds to wait for each task (clone, migration, resize, start, reboot).
    type: int
    default: 900
  reboot_pending:
    description:
      - Reboot the running VMs that have pending changes, one at a time, each waited for until it runs again.
      - A reboot interrupts the VM's service - the C(proxmox_vms) role sets this only inside a maintenance window
        (filter P(sitekit.core.pve_maintenance_now#filter)).
    type: bool
    default: false
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - sitekit.core.proxmox
  - sitekit.core.proxmox.action_group
  - sitekit.core.proxmox.in_worker
attributes:
  check_mode:
    support: full
    details:
      - Makes no write call and reports what would be cloned (and how, in the diff), migrated, set, grown, started
        and rebooted.
      - A VM that does not exist yet is only reported in RV(created) (its config cannot be read, and it is not
        listed in RV(started)).
      - RV(pending) and RV(rebooted) list the changes already pending; whether PVE would keep a change the run
        would make pending is only known once it is made.
  diff_mode:
    support: partial
    details: Before and after per VM name for clones (before is null) and config or disk changes; a start is only in RV(started).
  platform:
    platforms: posix
    details: Runs where the task runs (usually the controller) and calls the API over HTTPS.
"""

EXAMPLES = r"""
- name: The site's VMs
  sitekit.core.pve_vms:
    api_host: "{{ proxmox_api_host }}"
    api_token_id: sitekit
    api_token_secret: "{{ vault_proxmox_api_token_secret }}"
    ca_path: /etc/sitekit/pve-root-ca.pem
    vms: "{{ (hostvars | sitekit.core.pve_desired(groups)).vms }}"
    reboot_pending: "{{ (hostvars | sitekit.core.pve_maintenance_now(groups)).inside }}"

- name: One VM written by hand
  sitekit.core.pve_vms:
    vms:
      - name: app01
        vmid: 120
        node: node1
        template: 9010
        cores: 2
        memory: 4096
        disks: [{key: scsi0, storage: san-lvm, size_gb: 40}]
        net0: {model: virtio, bridge: vmbr0, tag: 10}
  # connection from module_defaults: group/sitekit.core.proxmox
"""

RETURN = r"""
created:
  description: VMIDs cloned (or that would be, in check mode).
  type: list
  elements: int
  returned: always
  sample: [120]
migrated:
  description: VMIDs of RV(created) cloned on their template's node and then migrated offline to their own node.
  type: list
  elements: int
  returned: always
  sample: [120]
updated:
  description: VMID (a string once in JSON) -> config keys set and their new values (VMs with nothing to set are left out).
  type: dict
  returned: always
  sample: {"120": {memory: 8192}}
resized:
  description: VMID -> disk -> new size (VMs with no disk to grow are left out).
  type: dict
  returned: always
  sample: {"120": {scsi0: 60G}}
started:
  description: VMIDs started (or that would be).
  type: list
  elements: int
  returned: always
  sample: [120]
pending:
  description:
    - VMID -> config key -> C(current) (what the running VM has) and C(pending) (what it gets at its next start;
      null for a removal), for running VMs with pending changes, rebooted or not.
  type: dict
  returned: always
  sample: {"140": {cores: {current: "2", pending: "4"}}}
rebooted:
  description: VMIDs rebooted to apply their pending changes (or that would be), in order.
  type: list
  elements: int
  returned: always
  sample: [140]
warnings_by_vm:
  description: >-
    VMID -> what was left as it is (VM on another node, disk larger than declared, reboot required); also emitted as
    warnings.
  type: dict
  returned: always
  sample: {"120": ["scsi0 is 80 GB, declared 60 GB: disks are never shrunk"]}
"""

from ansible.module_utils.basic import AnsibleModule  # noqa: E402
from ansible_collections.sitekit.core.plugins.module_utils.pve_client import (  # noqa: E402
    PVE_REQUIRED_ONE_OF,
    PVE_REQUIRED_TOGETHER,
    PveClient,
    pve_argument_spec,
)
from ansible_collections.sitekit.core.plugins.module_utils.pve_vms_apply import Converger  # noqa: E402

# The action plugin (plugins/action/pve_vms.py) validates a task's arguments against the same spec and runs run()
# inside Ansible's worker on a local connection (plugin_utils/in_process.py).
ARGUMENT_SPEC = pve_argument_spec()
ARGUMENT_SPEC.update(vms=dict(type="list", elements="dict", required=True), timeout=dict(type="int", default=900),
                     reboot_pending=dict(type="bool", default=False))
ARGUMENT_SPEC_KWARGS = {"required_one_of": PVE_REQUIRED_ONE_OF, "required_together": PVE_REQUIRED_TOGETHER}


def run(module) -> None:
    """exit_json or fail_json, with the result RETURN documents."""
    converger = Converger(module, PveClient(module))
    converger.run(module.params["vms"])
    updated = {k: v for k, v in converger.updated.items() if v}
    resized = {k: v for k, v in converger.resized.items() if v}
    changed = bool(converger.created or updated or resized or converger.started or converger.rebooted)
    for vmid, msgs in converger.notes.items():
        for msg in msgs:
            module.warn(f"VM {vmid}: {msg}")
    module.exit_json(changed=changed, created=converger.created, migrated=converger.migrated, updated=updated, resized=resized,
                     started=converger.started, pending=converger.pending, rebooted=converger.rebooted, warnings_by_vm=converger.notes,
                     diff={"before": converger.before, "after": converger.after})


def main():
    run(AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True, **ARGUMENT_SPEC_KWARGS))


if __name__ == "__main__":
    main()
