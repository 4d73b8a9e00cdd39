"""The VMs the cluster runs: clone source, vCPU, memory, disks, net0 (bridge, VLAN tag, pinned MAC)."""

from __future__ import annotations

from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import SiteError
from ansible_collections.sitekit.core.plugins.plugin_utils.site.proxmox.data import Disk, Nic, VmSpec


def net0(vm: dict, bridge: str, vlan: int | None) -> Nic:
    """The first NIC: model, bridge, VLAN tag and the MAC where the inventory pins one."""
    return Nic(model="virtio", bridge=bridge, tag=int(vlan) if vlan else None,
               macaddr=str(vm["mac"]).upper() if vm.get("mac") else None)


def vm_spec(name: str, vm: dict, vlan: int | None, prox: dict) -> VmSpec:
    templates = prox.get("templates") or {}
    if vm["os"] not in templates:
        raise SiteError(f"no template for os {vm['os']!r} in site_proxmox.templates", key="vm.os", host=name, value=vm["os"])
    storage = prox.get("vm_storage")
    return VmSpec(
        name=name, vmid=int(vm["vmid"]), node=vm["node"], template=int(templates[vm["os"]]),
        cores=int(vm["vcpu"]), memory=int(vm["memory_mb"]),
        disks=tuple(Disk(key=f"scsi{i}", storage=d.get("storage", storage), size_gb=int(d["size_gb"]))
                    for i, d in enumerate(vm.get("disks") or [])),
        net0=net0(vm, prox.get("bridge", "vmbr0"), vlan),
        ha=bool(vm.get("ha")), state="started",
        cpu=str(vm["cpu"]) if vm.get("cpu") else None,
    )


def vm_specs(site) -> tuple[VmSpec, ...]:
    prox = site.vars.get("site_proxmox") or {}
    return tuple(vm_spec(name, vm, site.hosts[name].get("site_vlan"), prox)
                 for name, vm in sorted(site.vms.items(), key=lambda kv: kv[1]["vmid"]) if isinstance(vm, dict))
