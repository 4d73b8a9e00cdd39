"""Proxmox VE API value formats the sitekit modules and the site model's Proxmox view share."""

from __future__ import annotations

# Storage options PVE accepts on update (PUT /storage/{id}); these are fixed at creation.
FIXED_STORAGE_KEYS = frozenset({"type", "portal", "target", "server", "export", "vgname", "base", "path", "pool"})


def net0_string(nic: dict) -> str:
    """A NIC dict (model, macaddr, bridge, tag, firewall) as PVE's ``net0`` property string."""
    head = f"{nic['model']}={nic['macaddr']}" if nic.get("macaddr") else nic["model"]
    rest = [f"{k}={nic[k]}" for k in ("bridge", "tag", "firewall") if k in nic]
    return ",".join([head, *rest])
