#!/usr/bin/python
"""The site's VMs on Proxmox VE as one set: clone from templates, converge config, start."""

from __future__ import annotations

DOCUMENTATION = r"""
module: pve_vms
short_description: Converge a set of Proxmox VE VMs (clone from template, config, disks, NIC, start)
description:
  - Lists the cluster once (C(GET /cluster/resources?type=vm)) and reads each declared VM's
    config once; every comparison is local, so a no-op run costs 1 + N reads and no write.
  - A missing VM is cloned (full clone, C(POST /nodes/{node}/qemu/{template}/clone)) from its template onto its
    node, on the storage of its first disk; the module fails when the template VMID is not a template.
  - Then, in one C(PUT …/config), the keys that differ among C(cores), C(memory), C(name), C(cpu), C(net0) and the
    missing extra disks; each disk smaller than declared is grown (C(PUT …/resize)); a VM whose C(state)
    is C(started) and that is not running is started. Every task is waited for.
  - C(net0) is rewritten when its model, bridge, VLAN tag or pinned MAC differ (or it has a tag and none is declared);
    a MAC that is not pinned keeps the value PVE generated.
  - A VM found on another node than declared is left there (HA may have moved it), read and changed where it
    runs, and reported as a warning.
  - Disks are never shrunk or removed; a declared size below the current one is reported as a warning.
  - VMs that are not declared are left alone.
  - "Gap filled: C(community.proxmox.proxmox_kvm) 1.4.0 is not idempotent with C(update=true): it
    writes the config and reports changed on every run (measured on the simulator: 21 config PUTs
    per no-op run of the reference site); it handles one VM per call with several reads each (nodes,
    cluster resources, config, status), does not resize disks on update, and starting is another
    call per VM. This module does the whole set with one list and only writes what differs."
version_added: "0.1.0"
author: sitekit maintainers (!UNKNOWN)
options:
  vms:
    description:
      - VM specs as the site model's Proxmox view gives them (filter P(sitekit.core.pve_desired#filter), key C(vms)).
      - Keys read - C(name), C(vmid), C(node), C(template) (VMID of the template), C(cores), C(memory) (MB),
        C(cpu) (optional), C(disks) (list of C(key) such as C(scsi0), C(storage), C(size_gb)), C(net0) (C(model),
        C(bridge), C(tag), C(macaddr)), C(state) (C(started), the default, or C(present)). Other keys are ignored.
    type: list
    elements: dict
    required: true
  timeout:
    description: Seconds to wait for each task (clone, resize, start).
    type: int
    default: 900
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - sitekit.core.proxmox
  - sitekit.core.proxmox.action_group
attributes:
  check_mode:
    support: full
    details:
      - Makes no write call and reports what would be cloned, set, grown and started.
      - A VM that does not exist yet is only reported in RV(created) (its config cannot be read, and it is not
        listed in RV(started)).
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
    vms: "{{ (hostvars | sitekit.core.pve_desired(groups)).vms }}"

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
warnings_by_vm:
  description: VMID -> what was left as it is (VM on another node, disk larger than declared); also emitted as warnings.
  type: dict
  returned: always
  sample: {"120": ["scsi0 is 80 GB, declared 60 GB: disks are never shrunk"]}
"""

import re  # noqa: E402

from ansible.module_utils.basic import AnsibleModule  # noqa: E402
from ansible_collections.sitekit.core.plugins.module_utils.pve_client import (  # noqa: E402
    PVE_REQUIRED_ONE_OF,
    PVE_REQUIRED_TOGETHER,
    PveClient,
    property_string,
    pve_argument_spec,
)
from ansible_collections.sitekit.core.plugins.module_utils.pve_format import net0_string  # noqa: E402

MODELS = ("virtio", "e1000", "e1000e", "rtl8139", "vmxnet3")


def parse_net(value) -> dict:
    """``virtio=BC:24:..,bridge=vmbr0,tag=10`` → {model, macaddr, bridge, tag}."""
    props = property_string(value or "")
    out = {}
    for k, v in props.items():
        if k in MODELS:
            out.update(model=k, macaddr=v.upper())
        elif k.startswith("_") and v in MODELS or k == "model":
            out["model"] = v
        else:
            out[k] = v.upper() if k == "macaddr" else v
    return out


def disk_size_gb(value) -> int | None:
    m = re.search(r"size=(\d+(?:\.\d+)?)([KMGT])", str(value or ""))
    if not m:
        return None
    return int(float(m.group(1)) * {"K": 1 / 1024**2, "M": 1 / 1024, "G": 1, "T": 1024}[m.group(2)])


def compare(spec: dict, config: dict) -> tuple[dict, dict, list[str]]:
    """(config keys to set, {disk: size}, notes) for one existing VM."""
    sets, grow, notes = {}, {}, []
    for key in ("cores", "memory", "name", "cpu"):
        if key in spec and str(config.get(key, "")) != str(spec[key]):
            sets[key] = spec[key]
    want_nic = spec.get("net0")
    if want_nic:
        have = parse_net(config.get("net0"))
        keys = [k for k in ("model", "bridge", "tag", "macaddr") if k in want_nic]
        if any(str(have.get(k, "")) != str(want_nic[k]).upper() if k == "macaddr" else str(have.get(k, "")) != str(want_nic[k])
               for k in keys) or (not want_nic.get("tag") and have.get("tag")):
            nic = dict(want_nic)
            if "macaddr" not in nic and have.get("macaddr"):
                nic["macaddr"] = have["macaddr"]  # keep the generated MAC: changing it would break DHCP leases
            sets["net0"] = net0_string(nic)
    for disk in spec.get("disks") or []:
        current = config.get(disk["key"])
        if current is None:
            sets[disk["key"]] = f"{disk['storage']}:{disk['size_gb']}"
            continue
        size = disk_size_gb(current)
        if size is not None and size < disk["size_gb"]:
            grow[disk["key"]] = f"{disk['size_gb']}G"
        elif size is not None and size > disk["size_gb"]:
            notes.append(f"{disk['key']} is {size} GB, declared {disk['size_gb']} GB: disks are never shrunk")
    return sets, grow, notes


def main():
    spec = pve_argument_spec()
    spec.update(vms=dict(type="list", elements="dict", required=True), timeout=dict(type="int", default=900))
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True,
                           required_one_of=PVE_REQUIRED_ONE_OF, required_together=PVE_REQUIRED_TOGETHER)
    client = PveClient(module)
    timeout = module.params["timeout"]
    listed = {int(r["vmid"]): r for r in client.get("cluster/resources", type="vm")}
    created, updated, resized, started, notes = [], {}, {}, [], {}
    before, after = {}, {}
    for vm in module.params["vms"]:
        vmid = int(vm["vmid"])
        have = listed.get(vmid)
        if have is None:
            tpl = listed.get(int(vm["template"]))
            if tpl is None or not int(tpl.get("template", 0)):
                module.fail_json(msg=f"VM {vm['name']} ({vmid}): template {vm['template']} is not a template on this cluster")
            created.append(vmid)
            before[vm["name"]] = None
            after[vm["name"]] = {k: vm[k] for k in ("vmid", "node", "cores", "memory", "disks", "net0") if k in vm}
            if module.check_mode:
                continue
            storage = (vm.get("disks") or [{}])[0].get("storage")
            clone = {"newid": vmid, "name": vm["name"], "full": 1, "target": vm["node"]}
            if storage:
                clone["storage"] = storage
            client.wait_task(client.post(f"nodes/{tpl['node']}/qemu/{tpl['vmid']}/clone", **clone), timeout)
            have = {"vmid": vmid, "node": vm["node"], "status": "stopped"}
        node = have["node"]
        if node != vm["node"]:
            notes.setdefault(vmid, []).append(f"runs on {node}, declared on {vm['node']}: left in place (HA placement moves it)")
        config = client.get(f"nodes/{node}/qemu/{vmid}/config")
        sets, grow, vm_notes = compare(vm, config)
        if vm_notes:
            notes.setdefault(vmid, []).extend(vm_notes)
        if sets or grow:
            if vmid not in created:
                before[vm["name"]] = {k: config.get(k) for k in list(sets) + list(grow)}
                after[vm["name"]] = {**{k: str(v) for k, v in sets.items()}, **grow}
            updated[vmid], resized[vmid] = sets, grow
            if not module.check_mode:
                if sets:
                    client.put(f"nodes/{node}/qemu/{vmid}/config", **sets)
                for disk, size in grow.items():
                    client.wait_task(client.put(f"nodes/{node}/qemu/{vmid}/resize", disk=disk, size=size), timeout)
        if vm.get("state", "started") == "started" and have.get("status") != "running":
            started.append(vmid)
            if not module.check_mode:
                client.wait_task(client.post(f"nodes/{node}/qemu/{vmid}/status/start"), timeout)
    updated = {k: v for k, v in updated.items() if v}
    resized = {k: v for k, v in resized.items() if v}
    changed = bool(created or updated or resized or started)
    for vmid, msgs in notes.items():
        for msg in msgs:
            module.warn(f"VM {vmid}: {msg}")
    module.exit_json(changed=changed, created=created, updated=updated, resized=resized, started=started,
                     warnings_by_vm=notes, diff={"before": before, "after": after})


if __name__ == "__main__":
    main()
