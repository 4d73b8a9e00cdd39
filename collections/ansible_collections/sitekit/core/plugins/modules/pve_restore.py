#!/usr/bin/python
"""Restore a VM's latest vzdump backup to a new VMID (disaster-recovery drill)."""

from __future__ import annotations

DOCUMENTATION = r"""
module: pve_restore
short_description: Restore the latest backup of a VM to a new VMID on a chosen node and start it
description:
  - Refuses a target VMID that already exists anywhere in the cluster (C(GET /cluster/resources?type=vm)),
    as a drill never overwrites a VM. A second run with the same O(target_vmid) therefore fails once the first
    has restored it; the module is not idempotent and reports a change on every successful run.
  - Lists the backup storage's content for the source VM (C(GET /nodes/{node}/storage/{storage}/content)),
    picks the newest archive (highest C(ctime)), restores it with C(POST /nodes/{node}/qemu) (C(archive=…),
    C(unique=1) so the copy gets new MACs and does not clash with the original) and waits for the task.
  - With O(isolate) (the default), every NIC of the copy gets C(link_down=1) before it starts (one config read
    and one write) - new MACs alone do not isolate it, since the guest keeps its addresses, and a restored domain
    controller that answered on the production VLAN beside the original would be a second DC with the same IP
    and name. RV(bring_up) says how to connect it once the drill's checks are done.
  - With O(start), starts the copy and waits for that task too.
  - Every task is waited for with status reads that back off from 10 ms to 2 s; a task that ends with warnings
    is accepted (its warnings are shown), one that fails fails the drill, and one still running after O(timeout)
    fails it with its UPID. A restore that fails leaves its VM behind upstream; the module removes that partial
    copy (the VMID was free before the drill), so the next drill can use the VMID again.
  - Returns the archive used and the time taken, to compare with the restore target.
  - "Gap filled: community.proxmox 1.4.0 has C(proxmox_backup_info) / C(proxmox_storage_contents_info) to
    list archives but no module restores one (C(proxmox_kvm) has no archive option)."
version_added: "0.1.0"
author: sitekit maintainers (!UNKNOWN)
options:
  vmid:
    description: VMID of the VM whose latest backup is restored.
    type: int
    required: true
  target_vmid:
    description: VMID of the restored copy; must not exist in the cluster.
    type: int
    required: true
  node:
    description: Node to restore on; the archives are listed through this node.
    type: str
    required: true
  backup_storage:
    description: Storage that holds the vzdump archives.
    type: str
    required: true
  storage:
    description: Storage for the restored disks (C(storage) of the restore call); when omitted, PVE's default for the archive.
    type: str
  start:
    description: Start the copy once restored.
    type: bool
    default: true
  isolate:
    description:
      - Set C(link_down=1) on every network device of the copy before it starts, so it runs cut off from
        every network until RV(bring_up) is applied.
      - V(false) only for a restore that replaces a lost VM (a real disaster, the original gone).
    type: bool
    default: true
  timeout:
    description: Seconds to wait for the restore task, and again for the start task.
    type: int
    default: 3600
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - sitekit.core.proxmox
  - sitekit.core.proxmox.action_group
  - sitekit.core.proxmox.in_worker
attributes:
  check_mode:
    support: full
    details: Checks the target VMID, finds the archive, reports C(changed=true) and makes no write call.
  diff_mode:
    support: none
    details: Returns no diff.
  platform:
    platforms: posix
    details: Runs where the task runs (usually the controller) and calls the API over HTTPS.
"""

EXAMPLES = r"""
- name: Restore VM 101's latest backup as VM 9101 on node2 and start it
  sitekit.core.pve_restore:
    api_host: "{{ proxmox_api_host }}"
    api_token_id: sitekit
    api_token_secret: "{{ vault_proxmox_api_token_secret }}"
    vmid: 101
    target_vmid: 9101
    node: node2
    backup_storage: nas-backup
    storage: san-lvm
  register: drill
"""

RETURN = r"""
archive:
  description: Volume id of the archive restored (or that would be, in check mode).
  type: str
  returned: success
  sample: "nas-backup:backup/vzdump-qemu-101-2025_01_01-21_30_00.vma.zst"
backup_time:
  description: Creation time of that archive (C(ctime), seconds since the epoch) as the storage lists it.
  type: int
  returned: success
  sample: 1735763400
seconds:
  description: Seconds taken by the restore and the start (when O(start)).
  type: float
  returned: success, not in check mode
  sample: 84.2
isolated:
  description: Network device -> its value with C(link_down=1) as the copy starts (empty unless O(isolate)).
  type: dict
  returned: success, not in check mode
  sample: {net0: "virtio=BC:24:11:5E:4A:01,bridge=vmbr0,tag=10,link_down=1"}
bring_up:
  description:
    - One C(qm set) command per isolated device that connects it (its value without C(link_down)), to run on
      the node once the copy may join the network (the original is gone, or the copy's VLAN is isolated).
  type: list
  elements: str
  returned: success, not in check mode
  sample: ["qm set 900101 --net0 'virtio=BC:24:11:5E:4A:01,bridge=vmbr0,tag=10'"]
"""

import re  # noqa: E402
import time  # noqa: E402

from ansible.module_utils.basic import AnsibleModule  # noqa: E402
from ansible_collections.sitekit.core.plugins.module_utils.pve_client import (  # noqa: E402
    PVE_REQUIRED_ONE_OF,
    PVE_REQUIRED_TOGETHER,
    PveClient,
    pve_argument_spec,
)
from ansible_collections.sitekit.core.plugins.module_utils.pve_remove import remove_created_vm  # noqa: E402


def latest(volumes: list[dict], vmid: int) -> dict | None:
    mine = [v for v in volumes if v.get("content") == "backup" and str(v.get("vmid")) == str(vmid)]
    return max(mine, key=lambda v: (int(v.get("ctime", 0)), v["volid"])) if mine else None


def remove_partial_copy(client, node: str, vmid: int, cause: str, timeout: int):
    """A restore that failed leaves its VM "NOT cleaned up" (qemu-server PVE/API2/Qemu.pm create_vm, qmrestore
    worker). The VMID was free before the drill, so what is there is the drill's partial copy: it goes."""
    remove_created_vm(client, node, vmid, timeout, what=f"removal of the partial copy {vmid} on {node} (after: {cause})")


def connected(value: str) -> str:
    """A ``netN`` property string without ``link_down``."""
    return ",".join(part for part in str(value).split(",") if not part.startswith("link_down="))


def link_down(config: dict) -> dict:
    """Every network device (``netN``) of a config with ``link_down=1`` (qemu-server QemuServer/Network.pm
    ``link_down``: "Whether this interface should be disconnected (like pulling the plug)")."""
    return {key: f"{connected(value)},link_down=1" for key, value in config.items() if re.fullmatch(r"net\d+", key)}


# The action plugin (plugins/action/pve_restore.py) validates a task's arguments against the same spec and runs run()
# inside Ansible's worker on a local connection (plugin_utils/in_process.py).
ARGUMENT_SPEC = pve_argument_spec()
ARGUMENT_SPEC.update(vmid=dict(type="int", required=True), target_vmid=dict(type="int", required=True),
                     node=dict(type="str", required=True), backup_storage=dict(type="str", required=True),
                     storage=dict(type="str"), start=dict(type="bool", default=True), isolate=dict(type="bool", default=True),
                     timeout=dict(type="int", default=3600))
ARGUMENT_SPEC_KWARGS = {"required_one_of": PVE_REQUIRED_ONE_OF, "required_together": PVE_REQUIRED_TOGETHER}


def run(module) -> None:
    """exit_json or fail_json, with the result RETURN documents."""
    p = module.params
    client = PveClient(module)
    if any(int(r["vmid"]) == p["target_vmid"] for r in client.get("cluster/resources", type="vm")):
        module.fail_json(msg=f"VMID {p['target_vmid']} already exists: choose a free VMID for the drill")
    volumes = client.get(f"nodes/{p['node']}/storage/{p['backup_storage']}/content", content="backup", vmid=p["vmid"])
    archive = latest(volumes, p["vmid"])
    if archive is None:
        module.fail_json(msg=f"no backup of VM {p['vmid']} on storage {p['backup_storage']}")
    if module.check_mode:
        module.exit_json(changed=True, archive=archive["volid"], backup_time=archive.get("ctime"))
    t0 = time.monotonic()
    node, vmid = p["node"], p["target_vmid"]
    params = {"vmid": vmid, "archive": archive["volid"], "unique": 1}
    if p["storage"]:
        params["storage"] = p["storage"]
    client.wait_task(client.post(f"nodes/{node}/qemu", **params), p["timeout"],
                     what=f"restore of {archive['volid']} as VM {vmid}",
                     on_error=lambda message: remove_partial_copy(client, node, vmid, message, p["timeout"]))
    isolated, bring_up = {}, []
    if p["isolate"]:
        isolated = link_down(client.get(f"nodes/{node}/qemu/{vmid}/config"))
        if isolated:
            client.put(f"nodes/{node}/qemu/{vmid}/config", **isolated)
        bring_up = [f"qm set {vmid} --{key} '{connected(value)}'" for key, value in sorted(isolated.items())]
    if p["start"]:
        client.wait_task(client.post(f"nodes/{node}/qemu/{vmid}/status/start"), p["timeout"], what=f"start of VM {vmid}")
    module.exit_json(changed=True, archive=archive["volid"], backup_time=archive.get("ctime"),
                     seconds=round(time.monotonic() - t0, 3), isolated=isolated, bring_up=bring_up)


def main():
    run(AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True, **ARGUMENT_SPEC_KWARGS))


if __name__ == "__main__":
    main()
