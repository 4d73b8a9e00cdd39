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

import re  # noqa: E402
import time  # noqa: E402

from ansible.module_utils.basic import AnsibleModule  # noqa: E402
from ansible_collections.sitekit.core.plugins.module_utils.pve_client import (  # noqa: E402
    POLL_FIRST,
    POLL_MAX,
    PVE_REQUIRED_ONE_OF,
    PVE_REQUIRED_TOGETHER,
    PveClient,
    as_flag,
    property_string,
    pve_argument_spec,
)
from ansible_collections.sitekit.core.plugins.module_utils.pve_format import net0_string  # noqa: E402

MODELS = ("virtio", "e1000", "e1000e", "rtl8139", "vmxnet3")
DRIVE = re.compile(r"^(ide|sata|scsi|virtio)\d+$|^efidisk0$|^tpmstate0$")
UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


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


def disk_bytes(value) -> int | None:
    """The ``size=`` of a drive in bytes. PVE writes sizes with a K/M/G/T suffix, or none for bytes
    (pve-common PVE/JSONSchema.pm parse_size: a bare number is bytes); None when there is no size."""
    m = re.search(r"(?:^|,)size=(\d+(?:\.\d+)?)([KMGT]?)(?:,|$)", str(value or ""))
    if not m:
        return None
    return int(float(m.group(1)) * UNITS[m.group(2)])


def _gb(size: int) -> str:
    return f"{size / 2**30:g}"


def compare(spec: dict, config: dict) -> tuple[dict, dict, list[str]]:
    """(config keys to set, {disk: size}, notes) for one existing VM (``config`` with pending values applied)."""
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
        size, want = disk_bytes(current), int(disk["size_gb"]) * 2**30
        if size is None:
            notes.append(f"{disk['key']} has no size in its config: not resized")
        elif size < want:
            grow[disk["key"]] = f"{disk['size_gb']}G"
        elif size > want:
            notes.append(f"{disk['key']} is {_gb(size)} GB, declared {disk['size_gb']} GB: disks are never shrunk")
    return sets, grow, notes


def split_pending(entries: list[dict]) -> tuple[dict, dict, dict]:
    """``GET …/pending`` (qemu-server PVE/API2/Qemu.pm vm_pending) → (config as it will be once the
    pending changes apply, config as the VM runs now, {key: {current, pending}} of what is pending)."""
    after, now, pending = {}, {}, {}
    for entry in entries or []:
        key = entry["key"]
        if "value" in entry:
            now[key] = entry["value"]
        if entry.get("delete"):
            pending[key] = {"current": entry.get("value"), "pending": None}
        elif "pending" in entry:
            after[key] = entry["pending"]
            pending[key] = {"current": entry.get("value"), "pending": entry["pending"]}
        elif "value" in entry:
            after[key] = entry["value"]
    return after, now, pending


def is_shared(storage: dict | None) -> bool:
    """GET /storage reports ``shared: 1`` for shared storage types (pve-storage Plugin.pm parse_config,
    @SHARED_STORAGE) and for storages configured shared."""
    return bool(storage) and as_flag(storage.get("shared")) == 1


def source_is_shared(template_config: dict, storages: dict) -> bool:
    """qemu-server Qemu.pm clone_vm ($check_storage_access_clone): a VM may only be cloned to
    another node when every volume it has (CD images too) is on shared storage."""
    for key, value in template_config.items():
        if not DRIVE.match(key):
            continue
        volume = str(value).split(",")[0].removeprefix("file=")
        if volume in ("none", "cdrom") or ":" not in volume:
            continue
        if not is_shared(storages.get(volume.split(":")[0])):
            return False
    return True


class Converger:
    """One module run: the cluster listed once, every VM compared and converged in turn."""

    def __init__(self, module, client: PveClient):
        self.module, self.client = module, client
        self.timeout = module.params["timeout"]
        self.listed = {int(r["vmid"]): r for r in client.get("cluster/resources", type="vm")}
        self._storages, self._templates = None, {}
        self.created, self.migrated, self.started, self.rebooted = [], [], [], []
        self.updated, self.resized, self.pending, self.notes = {}, {}, {}, {}
        self.before, self.after = {}, {}

    # ---- reads made only when a VM has to be created -----------------------------------------
    def storages(self) -> dict:
        if self._storages is None:
            self._storages = {s["storage"]: s for s in self.client.get("storage")}
        return self._storages

    def template_config(self, tpl: dict) -> dict:
        vmid = int(tpl["vmid"])
        if vmid not in self._templates:
            self._templates[vmid] = self.client.get(f"nodes/{tpl['node']}/qemu/{vmid}/config")
        return self._templates[vmid]

    # ---- creation ------------------------------------------------------------------------------
    def clone_plan(self, vm: dict, tpl: dict) -> dict:
        """Where to clone: straight onto the VM's node when the template's disks and the VM storage are
        shared, else on the template's node, then an offline migration to the VM's node."""
        storage = (vm.get("disks") or [{}])[0].get("storage")
        plan = {"source_node": tpl["node"], "storage": storage, "target": None, "migrate_to": None}
        if tpl["node"] == vm["node"]:
            return plan
        storages = self.storages()
        if source_is_shared(self.template_config(tpl), storages) and (storage is None or is_shared(storages.get(storage))):
            plan["target"] = vm["node"]
        else:
            plan["migrate_to"] = vm["node"]
        return plan

    def create(self, vm: dict) -> dict:
        vmid = int(vm["vmid"])
        tpl = self.listed.get(int(vm["template"]))
        if tpl is None or not int(tpl.get("template", 0)):
            self.module.fail_json(msg=f"VM {vm['name']} ({vmid}): template {vm['template']} is not a template on this cluster")
        plan = self.clone_plan(vm, tpl)
        self.created.append(vmid)
        if plan["migrate_to"]:
            self.migrated.append(vmid)
        self.before[vm["name"]] = None
        self.after[vm["name"]] = {**{k: vm[k] for k in ("vmid", "node", "cores", "memory", "disks", "net0") if k in vm},
                                  "clone": {k: v for k, v in plan.items() if v}}
        if self.module.check_mode:
            return {}
        clone = {"newid": vmid, "name": vm["name"], "full": 1}
        if plan["storage"]:
            clone["storage"] = plan["storage"]
        if plan["target"]:
            clone["target"] = plan["target"]
        src = plan["source_node"]
        self.client.wait_task(self.client.post(f"nodes/{src}/qemu/{tpl['vmid']}/clone", **clone), self.timeout,
                              what=f"clone of template {tpl['vmid']} to VM {vmid} ({vm['name']})")
        if plan["migrate_to"]:
            self.client.wait_task(
                self.client.post(f"nodes/{src}/qemu/{vmid}/migrate", target=plan["migrate_to"]), self.timeout,
                what=f"offline migration of the new VM {vmid} ({vm['name']}) from {src} to {plan['migrate_to']}",
                on_error=lambda message: self.remove_new_vm(src, vmid, message))
        return {"vmid": vmid, "node": vm["node"], "status": "stopped"}

    def remove_new_vm(self, node: str, vmid: int, cause: str):
        """Rollback of a creation that could not finish: the fresh clone (never started, nothing on it) goes."""
        self.client.wait_task(self.client.delete(f"nodes/{node}/qemu/{vmid}", purge=1), self.timeout,
                              what=f"removal of the unfinished clone {vmid} on {node} (after: {cause})")

    # ---- an existing VM ------------------------------------------------------------------------
    def converge(self, vm: dict, have: dict):
        vmid, node = int(vm["vmid"]), have["node"]
        if node != vm["node"]:
            self.note(vmid, f"runs on {node}, declared on {vm['node']}: left in place (HA placement moves it)")
        after, _, pending = split_pending(self.client.get(f"nodes/{node}/qemu/{vmid}/pending"))
        sets, grow, notes = compare(vm, after)
        for text in notes:
            self.note(vmid, text)
        if sets or grow:
            if vmid not in self.created:
                self.before[vm["name"]] = {k: after.get(k) for k in list(sets) + list(grow)}
                self.after[vm["name"]] = {**{k: str(v) for k, v in sets.items()}, **grow}
            self.updated[vmid], self.resized[vmid] = sets, grow
            if not self.module.check_mode:
                if sets:
                    self.client.put(f"nodes/{node}/qemu/{vmid}/config", **sets)
                for disk, size in grow.items():
                    self.client.wait_task(self.client.put(f"nodes/{node}/qemu/{vmid}/resize", disk=disk, size=size),
                                          self.timeout, what=f"resize of {disk} of VM {vmid} to {size}")
        running = have.get("status") == "running"
        if running and sets and not self.module.check_mode:
            # what the running VM could not take at once (qemu-server vmconfig_hotplug_pending) is pending now
            pending = split_pending(self.client.get(f"nodes/{node}/qemu/{vmid}/pending"))[2]
        if vm.get("state", "started") == "started" and not running:
            self.start(vmid, node)  # a start applies whatever is pending
        elif running and pending:
            self.pending[vmid] = pending
            if self.module.params["reboot_pending"]:
                self.reboot(vmid, node, vm["name"])
            else:
                self.note(vmid, "reboot required: " + ", ".join(
                    f"{k} {v['current']} -> {v['pending'] if v['pending'] is not None else '(removed)'}"
                    for k, v in sorted(pending.items())) + " pending until the VM restarts")

    def start(self, vmid: int, node: str):
        self.started.append(vmid)
        if not self.module.check_mode:
            self.client.wait_task(self.client.post(f"nodes/{node}/qemu/{vmid}/status/start"), self.timeout,
                                  what=f"start of VM {vmid}")

    def reboot(self, vmid: int, node: str, name: str):
        """qemu-server Qemu.pm vm_reboot ("Applies pending changes"): the task shuts the VM down and
        qmeventd starts it again; the next VM waits until this one runs again (one at a time)."""
        self.rebooted.append(vmid)
        if self.module.check_mode:
            return
        self.client.wait_task(self.client.post(f"nodes/{node}/qemu/{vmid}/status/reboot"), self.timeout,
                              what=f"reboot of VM {vmid} ({name}) to apply its pending changes")
        deadline, delay = time.monotonic() + self.timeout, POLL_FIRST
        while self.client.get(f"nodes/{node}/qemu/{vmid}/status/current").get("status") != "running":
            if time.monotonic() > deadline:
                self.module.fail_json(msg=f"VM {vmid} ({name}) is not running {self.timeout} s after its reboot")
            time.sleep(delay)
            delay = min(delay * 2, POLL_MAX)

    def note(self, vmid: int, text: str):
        self.notes.setdefault(vmid, []).append(text)

    def run(self, vms: list[dict]):
        for vm in vms:
            have = self.listed.get(int(vm["vmid"]))
            if have is None:
                have = self.create(vm)
                if self.module.check_mode:
                    continue
            self.converge(vm, have)


def main():
    spec = pve_argument_spec()
    spec.update(vms=dict(type="list", elements="dict", required=True), timeout=dict(type="int", default=900),
                reboot_pending=dict(type="bool", default=False))
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True,
                           required_one_of=PVE_REQUIRED_ONE_OF, required_together=PVE_REQUIRED_TOGETHER)
    run = Converger(module, PveClient(module))
    run.run(module.params["vms"])
    updated = {k: v for k, v in run.updated.items() if v}
    resized = {k: v for k, v in run.resized.items() if v}
    changed = bool(run.created or updated or resized or run.started or run.rebooted)
    for vmid, msgs in run.notes.items():
        for msg in msgs:
            module.warn(f"VM {vmid}: {msg}")
    module.exit_json(changed=changed, created=run.created, migrated=run.migrated, updated=updated, resized=resized,
                     started=run.started, pending=run.pending, rebooted=run.rebooted, warnings_by_vm=run.notes,
                     diff={"before": run.before, "after": run.after})


if __name__ == "__main__":
    main()
