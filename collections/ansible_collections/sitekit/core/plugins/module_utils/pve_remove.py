"""Removing a VM this run created and could not finish (a rollback): a fresh clone, a drill's partial restore.

A clone copies ``protection`` from its template and a restore brings it back from the backed-up config
(qemu-server PVE/API2/Qemu.pm clone_vm "copy everything else", restore), and ``DELETE /nodes/{node}/qemu/{vmid}``
refuses a protected VM before its task starts ("can't remove VM N - protection mode enabled": destroy_vm
$early_checks, pve-guest-common AbstractConfig.pm check_protection). The VM is this run's own, created on a VMID
that was free: its protection guards nothing of the operator's, so it is cleared first, then the VM destroyed
with ``purge`` (no job or HA resource keeps its VMID). A refused call names the rollback and its cause.
"""

from __future__ import annotations


def remove_created_vm(client, node: str, vmid: int, timeout: int, what: str) -> None:
    path = f"nodes/{node}/qemu/{vmid}"
    with client.doing(what):
        if str((client.get(f"{path}/config") or {}).get("protection", "0")) == "1":
            client.put(f"{path}/config", delete="protection")
        upid = client.delete(path, purge=1)
    client.wait_task(upid, timeout, what=what)
