"""The cluster's storages (``site_proxmox.storage``) as POST /storage parameters, bases first."""

from __future__ import annotations

from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import SiteError
from ansible_collections.sitekit.core.plugins.plugin_utils.site.proxmox.data import Storage

OPTIONS = ("portal", "target", "server", "export", "vgname", "path", "pool", "options")


def _storage(item: dict) -> Storage:
    options = {key: str(item[key]) for key in OPTIONS if item.get(key) not in (None, "")}
    # ``base: <storage>`` names the iSCSI storage the VG sits on (ordering only); a volume id
    # (``san-iscsi:0.0.0.scsi-…``) is passed to PVE, which then creates the VG on that LUN.
    base = str(item["base"]) if item.get("base") and ":" in str(item["base"]) else None
    return Storage(storage=item["id"], type=item["type"], content=",".join(item.get("content") or ["none"]), **options,
                   base=base, shared=(1 if item["shared"] else 0) if "shared" in item else None)


def storages(prox: dict) -> tuple[Storage, ...]:
    """``site_proxmox.storage`` as POST /storage parameters, in dependency order (bases first)."""
    items = [(_storage(item), str(item["base"]).split(":")[0] if item.get("base") else None)
             for item in prox.get("storage") or []]
    declared = {s.storage for s, _ in items}
    ordered, done = [], set()
    while len(ordered) < len(items):
        progressed = False
        for spec, after in items:
            if spec.storage not in done and (after in done or after is None or after not in declared):
                ordered.append(spec)
                done.add(spec.storage)
                progressed = True
        if not progressed:
            raise SiteError("circular 'base' references", key="site_proxmox.storage", value=prox.get("storage"))
    return tuple(ordered)
