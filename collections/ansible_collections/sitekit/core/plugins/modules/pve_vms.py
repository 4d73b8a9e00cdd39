#!/usr/bin/python
"""The site's VMs on Proxmox VE as one set: clone from templates, converge config, start."""

from __future__ import annotations

DOCUMENTATION = r"""
module: pve_vms
short_description: Converge a set of Proxmox VE VMs (clone from template, config, disks, NIC, start)
description:
  - Lists the cluster once (C(GET /cluster/resources?type=vm)) and reads each declared VM's
    config once; every comparison is local, so a no-op run costs 1 + N reads and no write.
  - A missing VM is cloned (full clone) from its template onto its node and the VM storage;
    then vCPU, memory, CPU type, net0 (model, bridge, VLAN tag, and the MAC where one is
    pinned) and extra disks are set in one config call, the first disk is grown to its
    declared size, and the VM is started.
  - A VM found on another node than declared is left there (HA may have moved it) and reported.
  - Disks are never shrunk or removed; a declared size below the current one is reported.
  - "Gap filled: C(community.proxmox.proxmox_kvm) 1.4.0 is not idempotent with C(update=true): it
    writes the config and reports changed on every run (measured on the simulator: 21 config PUTs
    per no-op run of the rcr site); it handles one VM per call with several reads each (nodes,
    cluster resources, config, status), does not resize disks on update, and starting is another
    call per VM. This module does the whole set with one list and only writes what differs."
  - Check mode makes no write call; diff mode returns before/after per VM.
version_added: "0.1.0"
author: sitekit
options:
  vms:
    description: >-
      VM specs (see plugin_utils/site/proxmox.py vm_spec) - name, vmid, node, template (vmid),
      cores, memory, cpu (optional), disks (list of key, storage, size_gb), net0 (model, bridge,
      tag, macaddr), state (started or present).
    type: list
    elements: dict
    required: true
  timeout:
    description: Seconds to wait for each task (clone, resize, start).
    type: int
    default: 900
notes:
  - Connection options are those of every sitekit.core pve_* module (module_utils/pve_client.py).
"""

EXAMPLES = r"""
- name: The site's VMs
  sitekit.core.pve_vms:
    api_host: "{{ proxmox_api_host }}"
    api_token_id: sitekit
    api_token_secret: "{{ vault_proxmox_api_token_secret }}"
    vms: "{{ proxmox_desired.vms }}"
"""

RETURN = r"""
created: {description: VM ids cloned (or that would be), type: list, returned: always}
updated: {description: VM id -> config keys set, type: dict, returned: always}
resized: {description: VM id -> disks grown, type: dict, returned: always}
started: {description: VM ids started, type: list, returned: always}
warnings_by_vm: {description: VM id -> what was left as is (other node, smaller disk), type: dict, returned: always}
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
