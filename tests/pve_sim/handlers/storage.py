"""Storage configuration (pve-storage src/PVE/API2/Storage/Config.pm) and node storage views.

create: SectionConfig check_config (options of the type, required ones) outside the lock, then
under the storage.cfg lock ("create storage failed: ...") the ID check and the plugin's
on_add_hook (LVMPlugin.pm: a ``base`` volume must be a LUN of an existing iSCSI storage, which is
activated), then the new storage is activated (Storage.pm activate_storage; nothing is written when
that fails). The content listing activates the storage too. update:
under the lock ("update storage failed: ..."), the digest of storage.cfg (assert_if_modified),
fixed options, ``delete`` (no such / required / fixed / set and deleted at once).
"""

from __future__ import annotations

import re

from .. import storage_plugins as sp
from ..formats import split_list
from ..qemu_rules import disks, split_volid
from ..state import ApiError, Cluster, die, locked
from .registry import api

# plugindata 'sensitive-properties': kept out of storage.cfg
SENSITIVE = {"cifs": {"password"}, "pbs": {"password", "encryption-key", "master-pubkey"}, "esxi": {"password"},
             "cephfs": {"keyring"}, "rbd": {"keyring"}}


def _config(c: Cluster, sid: str) -> dict:
    if sid not in c.storage:
        raise die(f"storage '{sid}' does not exist")
    return c.storage[sid]


@api("GET", "/storage")
def storage_index(c: Cluster, p, user):
    digest = c.storage_digest()
    return [sp.api_view(c.version, sid, cfg, digest) for sid, cfg in sorted(c.storage.items())
            if not p.get("type") or cfg["type"] == p["type"]]


@api("GET", "/storage/{storage}")
def storage_get(c: Cluster, p, user):
    return sp.api_view(c.version, p["storage"], _config(c, p["storage"]), c.storage_digest())


def _check(fn, *args):
    try:
        return fn(*args)
    except sp.StorageConfigError as exc:
        raise die(str(exc)) from None


@api("POST", "/storage")
def storage_create(c: Cluster, p, user):
    params = {k: v for k, v in p.items() if k not in ("type", "storage")}
    kind, sid = p["type"], p["storage"]
    if not params.get("nodes"):
        params.pop("nodes", None)
    for key in SENSITIVE.get(kind, set()):
        params.pop(key, None)
    opts = _check(sp.check_config, c.version, kind, sid, params, True)
    try:
        if sid in c.storage:
            raise die(f"storage ID '{sid}' already defined")
        if kind == "lvm" and opts.get("base"):  # LVMPlugin.pm on_add_hook
            base_id, volname = split_volid(opts["base"])
            base = c.storage.get(base_id or "")
            if base is None:
                raise die(f"base storage ID '{base_id}' does not exist")
            if base["type"] != "iscsi":  # a die without newline: Perl appends where it died
                line = 490 if c.version >= 9 else 278
                raise die(f"unsupported base type '{base['type']}' at /usr/share/perl5/PVE/Storage/LVMPlugin.pm line {line}.")
            # PVE::Storage::path -> ISCSIPlugin.pm parse_volname: <n>.<n>.<n>.<lun name>
            if not re.fullmatch(r"\d+\.\d+\.\d+\.[^/\s]+", volname or ""):
                raise die(f"unable to parse iscsi volume name '{volname}'")
            activate(c, base_id, base, c.nodes[0])
        # Config.pm create: activated if enabled on the node answering the API (the first node here),
        # "we only do this to detect errors/problems sooner"; on error storage.cfg is not written
        new = {"type": kind, **opts}
        if str(new.get("disable", 0)) != "1" and _on_node(new, c.nodes[0]):
            activate(c, sid, new, c.nodes[0])
    except ApiError as exc:
        raise locked("create storage failed", exc) from None
    c.storage[sid] = new
    c.touch("storage.cfg")
    if "backup" in sp.content_of(c.storage[sid]) or kind in ("nfs", "cifs", "dir"):
        c.content.setdefault(sid, [])
    return {"storage": sid, "type": kind}


@api("PUT", "/storage/{storage}")
def storage_update(c: Cluster, p, user):
    sid = p["storage"]
    delete = split_list(p.get("delete")) if p.get("delete") else []
    try:
        digest = p.get("digest")
        if digest and digest != c.storage_digest():
            raise die("detected modified configuration - file changed by other user? Try again.")
        cfg = _config(c, sid)
        update = {k: v for k, v in p.items() if k not in ("storage", "digest", "delete")}
        for key in SENSITIVE.get(cfg["type"], set()):
            update.pop(key, None)
        opts = _check(sp.check_config, c.version, cfg["type"], sid, update, False)
        _check(sp.check_delete, c.version, cfg["type"], delete, opts)
    except ApiError as exc:
        raise locked("update storage failed", exc) from None
    for key in delete:
        cfg.pop(key, None)
    cfg.update(opts)
    c.touch("storage.cfg")
    return {"storage": sid, "type": cfg["type"]}


@api("DELETE", "/storage/{storage}")
def storage_delete(c: Cluster, p, user):
    sid = p["storage"]
    try:
        _config(c, sid)
        if any(split_volid(str(cfg.get("base", "")))[0] == sid for cfg in c.storage.values()):
            raise die("can't remove storage - storage is used as base of another storage")
    except ApiError as exc:
        raise locked("delete storage failed", exc) from None
    del c.storage[sid]
    c.touch("storage.cfg")


def _on_node(cfg: dict, node: str) -> bool:
    return not cfg.get("nodes") or node in split_list(cfg["nodes"])


def _host(address: str) -> str:
    """The host of an iSCSI portal (``host[:port]``, ``[v6]:port``) or of a server."""
    m = re.fullmatch(r"\[([^\]]+)\](?::\d+)?|([^:]+)(?::\d+)?", address)
    return (m.group(1) or m.group(2)) if m else address


def online(c: Cluster, cfg: dict) -> bool:
    """The plugins' check_connection: NFSPlugin.pm (showmount / rpcinfo), CIFSPlugin.pm (smbclient) and
    ISCSIPlugin.pm (iscsi_test_portal) return 0 when the server does not answer (a test marks it with
    PveSim.offline); the other types have no connection to check (Plugin.pm check_connection: 1)."""
    if cfg["type"] in ("nfs", "cifs"):
        return _host(str(cfg.get("server", ""))) not in c.offline_servers
    if cfg["type"] == "iscsi":
        return _host(str(cfg.get("portal", ""))) not in c.offline_servers
    return True


def activate(c: Cluster, sid: str, cfg: dict, node: str):
    """Storage.pm activate_storage: storage_check_enabled (disabled, then not on the node), the base
    storage first, then check_connection ("storage '<id>' is not online")."""
    if str(cfg.get("disable", 0)) == "1":
        raise die(f"storage '{sid}' is disabled")
    if not _on_node(cfg, node):
        raise die(f"storage '{sid}' is not available on node '{node}'")
    if cfg.get("base"):
        base_id, _ = split_volid(str(cfg["base"]))
        activate(c, base_id, _config(c, base_id), node)
    if not online(c, cfg):
        raise die(f"storage '{sid}' is not online")


@api("GET", "/nodes/{node}/storage")
def node_storage(c: Cluster, p, user):
    """pve-storage src/PVE/API2/Storage/Status.pm index: storages enabled on that node."""
    c.check_node(p["node"])
    wanted = set(split_list(p.get("content"))) if p.get("content") else None
    out = []
    for sid, cfg in sorted(c.storage.items()):
        if p.get("storage") and sid != p["storage"]:
            continue
        if not _on_node(cfg, p["node"]) or (wanted and not wanted & sp.content_of(cfg)):
            continue
        enabled = 0 if str(cfg.get("disable", 0)) == "1" else 1
        out.append({"storage": sid, "type": cfg["type"], "content": ",".join(sorted(sp.content_of(cfg))),
                    "active": enabled, "enabled": enabled, "shared": int(sp.is_shared(c.version, cfg)),
                    "total": 2**40, "used": 2**38, "avail": 3 * 2**38})
    return out


@api("GET", "/nodes/{node}/storage/{storage}/content")
def storage_content(c: Cluster, p, user):
    """pve-storage src/PVE/API2/Storage/Content.pm index -> Storage.pm volume_list: backups and the
    guests' images, of the content types the storage holds, once the storage is activated."""
    c.check_node(p["node"])
    cfg = _config(c, p["storage"])
    # Storage.pm volume_list: the wanted type (none given, or empty: every type) among the storage's content
    wanted = ({p["content"]} if p.get("content") else set(sp.VOLUME_TYPES)) & sp.content_of(cfg)
    activate(c, p["storage"], cfg, p["node"])
    vols = [{k: x for k, x in v.items() if not k.startswith("_")} for v in c.content.get(p["storage"], [])]
    shared = sp.is_shared(c.version, cfg)
    for vmid, vm in sorted(c.vms.items()):
        if not shared and vm["node"] != p["node"]:
            continue
        for _, drive in disks(vm["config"]):
            sid, _ = split_volid(drive["file"])
            if sid == p["storage"] and "size" in drive:
                size = re.match(r"(\d+)", drive["size"])
                vols.append({"volid": drive["file"], "content": "images", "vmid": vmid, "format": "raw",
                             "size": int(size.group(1)) * 2**30 if size else 0})
    vols = [v for v in vols if v["content"] in wanted and (not p.get("vmid") or str(v.get("vmid")) == str(p["vmid"]))]
    return sorted(vols, key=lambda v: v["volid"].lower())  # volume_list: sort { lc($a->{volid}) cmp lc($b->{volid}) }
