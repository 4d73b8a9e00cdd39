#!/usr/bin/python
"""Proxmox VE cluster storage definitions with drift correction."""

from __future__ import annotations

DOCUMENTATION = r"""
module: pve_storage
short_description: Declare Proxmox VE storages (iSCSI, LVM, NFS…) and correct drift
description:
  - Reads C(GET /storage) once and compares every declared storage locally.
  - A missing storage is created (C(POST /storage)), in the order declared (an LVM on iSCSI after its iSCSI base).
    An existing one whose declared options differ is updated with only those options (C(PUT /storage/{id})).
    Options set on the cluster but not declared are left as they are.
  - Compared after normalising both sides - C(content) and C(nodes) as sets, C(shared) and C(disable) as flags,
    the C(path) of a C(dir) or C(btrfs) storage as PVE stores it (C(/srv/backup/) is C(/srv/backup), DirPlugin.pm
    canonicalises it on creation), everything else as text.
  - Options PVE fixes at creation cannot be updated; a difference there fails the task before any write, naming the
    storage, the current and the wanted value (remove and re-add the storage by hand). They depend on the storage
    type, as each pve-storage plugin's C(options()) marks them C(fixed) - C(type) always; C(path) (dir, nfs, cifs,
    btrfs, cephfs, glusterfs); C(server) and C(export) (nfs); C(server) and C(share) (cifs); C(volume) (glusterfs);
    C(vgname) and C(base) (lvm); C(thinpool) and C(vgname) (lvmthin); C(portal) and C(target) (iscsi, iscsidirect,
    zfs); C(pool), C(blocksize) and C(iscsiprovider) (zfs over iSCSI); C(pool) (zfspool); C(server) and
    C(datastore) (pbs); C(snapshot-as-volume-chain) (dir, nfs, cifs on PVE 9). An rbd C(pool) or a glusterfs
    C(server) is updated like any other option.
  - "Gap filled: C(community.proxmox.proxmox_storage) 1.4.0 only creates: an existing storage
    is reported unchanged whatever its options; it has no C(lvm) type (no shared LVM on iSCSI),
    C(content) is required but C(none) (the iSCSI base storage) is not among its choices, its
    check mode looks at the first listed storage only, and it returns no diff."
version_added: "0.1.0"
author: sitekit maintainers (!UNKNOWN)
options:
  storages:
    description:
      - Storages as C(POST /storage) parameters - C(storage) (the id, required), C(type), C(content) and the
        options of the type (C(portal), C(target), C(base), C(vgname), C(server), C(export), C(shared)…).
        Keys whose value is null or an empty string are dropped (PVE reads an empty form value as undefined and
        refuses it - "got undefined value for option"; an option left out is left as it is).
    type: list
    elements: dict
    required: true
  purge:
    description:
      - Remove (C(DELETE /storage/{id})) the storages of a type in O(purge_types) that are not declared.
      - A storage whose id starts with C(local) is never removed.
    type: bool
    default: false
  purge_types:
    description: Storage types that O(purge) may remove.
    type: list
    elements: str
    default: [iscsi, lvm, nfs]
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - sitekit.core.proxmox
  - sitekit.core.proxmox.action_group
  - sitekit.core.proxmox.in_worker
attributes:
  check_mode:
    support: full
    details: Reads the storages and reports what would be created, updated or removed; makes no write call.
  diff_mode:
    support: full
    details: Before (current options) and after (current merged with declared) per created, updated or removed storage.
  platform:
    platforms: posix
    details: Runs where the task runs (usually the controller) and calls the API over HTTPS.
"""

EXAMPLES = r"""
- name: Storages of the site
  sitekit.core.pve_storage:
    api_host: "{{ proxmox_api_host }}"
    api_token_id: sitekit
    api_token_secret: "{{ vault_proxmox_api_token_secret }}"
    storages:
      - {storage: san-iscsi, type: iscsi, portal: 192.0.2.5, target: "iqn.2000-01.com.example:san.vmstore", content: none}
      - {storage: san-lvm, type: lvm, base: "san-iscsi:0.0.0.scsi-lun0", vgname: vg_san, shared: 1, content: images}
      - {storage: nas-backup, type: nfs, server: 192.0.2.6, export: /volume1/pve-backup, content: backup}

- name: The storages the site model computes, undeclared iSCSI/LVM/NFS storages removed
  sitekit.core.pve_storage:
    storages: "{{ (hostvars | sitekit.core.pve_desired(groups)).storages }}"
    purge: true
  # connection from module_defaults: group/sitekit.core.proxmox
"""

RETURN = r"""
created:
  description: Ids of the storages created (or that would be, in check mode), in creation order.
  type: list
  elements: str
  returned: always
  sample: [san-iscsi, san-lvm]
updated:
  description: Storage id -> the declared options that differ (sent in its C(PUT), or that would be).
  type: dict
  returned: always
  sample: {nas-backup: {content: "backup,iso"}}
removed:
  description: Ids of the storages removed by O(purge) (or that would be).
  type: list
  elements: str
  returned: always
  sample: []
"""

from ansible.module_utils.basic import AnsibleModule  # noqa: E402
from ansible_collections.sitekit.core.plugins.module_utils.pve_client import (  # noqa: E402
    PVE_REQUIRED_ONE_OF,
    PVE_REQUIRED_TOGETHER,
    PveClient,
    as_flag,
    as_list,
    pve_argument_spec,
    without_empty,
)
from ansible_collections.sitekit.core.plugins.module_utils.pve_format import (  # noqa: E402
    CANONICAL_PATH_TYPES,
    canonical_path,
    fixed_storage_keys,
)

NORMALISE = {
    "content": lambda v: ",".join(sorted(as_list(v))),
    "nodes": lambda v: ",".join(sorted(as_list(v))),
    "shared": as_flag,
    "disable": as_flag,
}


def _norm(key, value, storage_type=None):
    if key == "path" and value is not None and storage_type in CANONICAL_PATH_TYPES:
        return canonical_path(value)
    return NORMALISE.get(key, lambda v: "" if v is None else str(v))(value)


def declared(storages: list[dict]) -> list[dict]:
    """The storages without the keys whose value is null or empty (without_empty says why)."""
    return [{k: v for k, v in s.items() if v is not None} for s in without_empty(storages)]


def plan(current: list[dict], desired: list[dict]) -> tuple[list, dict, list[str]]:
    """(to create, {id: changed options}, fixed-option conflicts)."""
    by_id = {s["storage"]: s for s in current}
    create, update, conflicts = [], {}, []
    for want in desired:
        have = by_id.get(want["storage"])
        if have is None:
            create.append(want)
            continue
        kind = have.get("type")
        changed = {k: v for k, v in want.items() if k != "storage" and _norm(k, have.get(k), kind) != _norm(k, v, kind)}
        fixed = sorted(set(changed) & fixed_storage_keys(have.get("type")))
        if fixed:
            conflicts.append(f"storage {want['storage']}: {', '.join(f'{k} is {have.get(k)!r}, wanted {want[k]!r}' for k in fixed)}"
                             " (fixed at creation: remove and re-add the storage by hand)")
        elif changed:
            update[want["storage"]] = changed
    return create, update, conflicts


# The action plugin (plugins/action/pve_storage.py) validates a task's arguments against the same spec and runs run()
# inside Ansible's worker on a local connection (plugin_utils/in_process.py).
ARGUMENT_SPEC = pve_argument_spec()
ARGUMENT_SPEC.update(storages=dict(type="list", elements="dict", required=True),
                     purge=dict(type="bool", default=False),
                     purge_types=dict(type="list", elements="str", default=["iscsi", "lvm", "nfs"]))
ARGUMENT_SPEC_KWARGS = {"required_one_of": PVE_REQUIRED_ONE_OF, "required_together": PVE_REQUIRED_TOGETHER}


def run(module) -> None:
    """exit_json or fail_json, with the result RETURN documents."""
    client = PveClient(module)
    desired = declared(module.params["storages"])
    current = client.get("storage")
    create, update, conflicts = plan(current, desired)
    if conflicts:
        module.fail_json(msg="; ".join(conflicts))
    wanted = {s["storage"] for s in desired}
    remove = [s["storage"] for s in current if module.params["purge"] and s["storage"] not in wanted
              and s.get("type") in module.params["purge_types"] and not s["storage"].startswith("local")]
    changed = bool(create or update or remove)
    if changed and not module.check_mode:
        done = []
        for params in create:
            # PVE activates a new storage and keeps nothing when that fails ("storage 'x' is not online"):
            # the error names the storage and what this run created before it
            with client.doing(f"storage {params['storage']} (created before it: {', '.join(done) or 'none'})"):
                client.post("storage", **params)
            done.append(params["storage"])
        for sid, params in update.items():
            client.put(f"storage/{sid}", **params)
        for sid in remove:
            client.delete(f"storage/{sid}")
    by_id = {s["storage"]: {k: v for k, v in s.items() if k != "digest"} for s in current}
    before = {sid: by_id[sid] for sid in sorted(set(update) | set(remove))}
    after = {s["storage"]: {**by_id.get(s["storage"], {}), **s} for s in desired if s["storage"] in update or s in create}
    module.exit_json(changed=changed, created=[s["storage"] for s in create], updated=update, removed=remove,
                     diff={"before": before, "after": after})


def main():
    run(AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True, **ARGUMENT_SPEC_KWARGS))


if __name__ == "__main__":
    main()
