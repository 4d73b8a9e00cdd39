"""The Proxmox tier read back from the API simulator: what the model declares is what the cluster holds."""

from __future__ import annotations

import readback


def test_every_vm_of_the_model_exists_and_nothing_else():
    desired = readback.pve_desired()
    assert readback.pve_objects()["vms"] == sorted(int(v["vmid"]) for v in desired["vms"])


def test_storage_ha_and_backup_job():
    desired, held = readback.pve_desired(), readback.pve_objects()
    assert {s["storage"] for s in desired["storages"]} <= set(held["storage"])
    assert held["ha"] == sorted(r["sid"] for r in desired["ha_resources"])
    assert held["backup_jobs"] == len(desired["backup_jobs"])
