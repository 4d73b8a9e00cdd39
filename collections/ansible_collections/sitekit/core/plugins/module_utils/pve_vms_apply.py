"""What pve_vms does on the cluster: one list, then each VM created, converged, started or rebooted.

``Converger(module, client).run(vms)`` fills its lists (created, migrated, updated, resized,
started, pending, rebooted, notes) and the diff (before/after per VM name); the module turns
them into its result. No write call in check mode.
"""

from __future__ import annotations

import time

from ansible_collections.sitekit.core.plugins.module_utils.pve_client import POLL_FIRST, POLL_MAX, PveClient
from ansible_collections.sitekit.core.plugins.module_utils.pve_remove import remove_created_vm
from ansible_collections.sitekit.core.plugins.module_utils.pve_vms_plan import (
    compare,
    is_shared,
    source_is_shared,
    split_pending,
)


def config_update(sets: dict) -> dict:
    """The ``PUT …/config`` parameters of ``sets``: a None value is a removal (``delete``), never an empty value
    (which PVE reads as undefined and refuses: qemu-server QemuServer.pm check_type "got undefined value")."""
    params = {k: v for k, v in sets.items() if v is not None}
    removed = sorted(k for k, v in sets.items() if v is None)
    if removed:
        params["delete"] = ",".join(removed)
    return params


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
        remove_created_vm(self.client, node, vmid, self.timeout,
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
                self.after[vm["name"]] = {**{k: None if v is None else str(v) for k, v in sets.items()}, **grow}
            self.updated[vmid], self.resized[vmid] = sets, grow
            if not self.module.check_mode:
                if sets:
                    self.client.put(f"nodes/{node}/qemu/{vmid}/config", **config_update(sets))
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
