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
from ..qemu_rules import DRIVE_KEY, is_cloudinit, parse_drive, split_volid
from ..state import DEFAULT_TOTAL, ApiError, Cluster, die, locked, param_error
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


def _pbs_reachable(c: Cluster, sid: str, cfg: dict):
    """pve-storage PBSPlugin.pm activate_storage (6f49432 :850, 0c6234f :824 "$storeid: $@"): the datastores are read
    from the server (scan_datastores: "error fetching datastores - $@") through PVE::APIClient::LWP (port 8007, 7 s
    timeout). PBSPlugin has no check_connection, so Storage.pm activate_storage gets that far. The tail is the
    client's exception (pve-apiclient src/PVE/APIClient/LWP.pm login: ``$response->status_line``, call:
    ``$response->message`` with the code; src/PVE/APIClient/Exception.pm stringify prefixes the code when missing:
    "500 ..." either way) for the response LWP makes up when the connection fails (libwww-perl
    lib/LWP/Protocol/http.pm _new_socket: "Can't connect to $host:$port ($reason)", lib/LWP/UserAgent.pm
    send_request: its first line, code 500); the reason is the socket's error, "Connection refused" for a server
    whose port is closed - the one a test's sim.offline() stands for (a host that is down would give "No route to
    host" or "Connection timed out" instead)."""
    if cfg["type"] == "pbs" and _host(str(cfg.get("server", ""))) in c.offline_servers:
        port = cfg.get("port") or 8007
        raise die(f"{sid}: error fetching datastores - 500 Can't connect to {cfg['server']}:{port} (Connection refused)")


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
    _pbs_reachable(c, sid, cfg)


def _image(volid: str, vmid: int, size: int) -> dict:
    name = volid.split("/")[-1]
    return {"volid": volid, "content": "images", "vmid": vmid, "size": size,
            "format": "qcow2" if name.endswith(".qcow2") else "raw"}


def volumes(c: Cluster, sid: str, node: str) -> list[dict]:
    """The images a storage holds (Storage.pm vdisk_list, what volume_list and the plugin's status see): every volume
    on it that a VM's config, pending changes or unusedN names - a replaced or detached disk stays until freed, a
    destroyed VM's volumes go with it (QemuServer.pm destroy_vm) - of the VMs on ``node`` for a local storage."""
    cfg = _config(c, sid)
    shared = sp.is_shared(c.version, cfg)
    seen: dict[str, dict] = {}
    for vmid, vm in sorted(c.vms.items()):
        if not shared and vm["node"] != node:
            continue
        for key, value in [*vm["config"].items(), *vm["pending"].items()]:
            if value is None or not DRIVE_KEY.match(key):
                continue
            drive = {"file": str(value)} if key.startswith("unused") else parse_drive(str(value))
            vsid, volname = split_volid(drive["file"])
            if vsid != sid or volname.startswith("iso/") or volname == "cloudinit" or (
                    drive.get("media") == "cdrom" and not is_cloudinit(drive["file"])):
                continue
            size = _bytes(drive["size"]) if drive.get("size") else c.volume_sizes.get(drive["file"])
            if size is None:
                continue
            owner = re.match(r"(?:vm|base)-(\d+)-", volname.split("/")[-1])
            seen.setdefault(drive["file"], _image(drive["file"], int(owner.group(1)) if owner else vmid, size))
    for volid, orphan in sorted(c.orphans.items()):  # images no config names
        owner = re.match(r"(?:vm|base)-(\d+)-", split_volid(volid)[1].split("/")[-1])
        if split_volid(volid)[0] == sid and (shared or orphan["node"] == node) and owner:
            seen.setdefault(volid, _image(volid, int(owner.group(1)), orphan["size"]))
    return list(seen.values())


def _bytes(text: str) -> int:
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([KMGT])?", str(text))
    return int(float(m.group(1)) * {None: 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}[m.group(2)]) if m else 0


def thick(cfg: dict) -> bool:
    """Whether a new image takes its whole size at once: a thick LVM logical volume (LVMPlugin.pm lvcreate) or a ZFS
    zvol without ``sparse`` (ZFSPoolPlugin.pm zfs_create_zvol: refreservation); LVM-thin volumes, RBD images and the
    raw/qcow2 files of file storages are thin (qemu-img create), so their usage does not change with an allocation."""
    return cfg["type"] == "lvm" or (cfg["type"] == "zfspool" and str(cfg.get("sparse", 0)) != "1")


def usage(c: Cluster, sid: str, node: str) -> tuple[int, int, int]:
    """(total, avail, used) as the plugin's status answers them (LVMPlugin.pm status: the VG's size and free bytes):
    the storage's size (``Cluster.capacity``, 16 TiB unless a test sets it), the thick images and the backup
    archives on it."""
    cfg = _config(c, sid)
    total = c.capacity.get(sid, DEFAULT_TOTAL)
    used = sum(v["size"] for v in volumes(c, sid, node)) if thick(cfg) else 0
    used += sum(int(v.get("size") or 0) for v in c.content.get(sid, []))
    used = min(used, total)
    return total, total - used, used


@api("GET", "/nodes/{node}/storage")
def node_storage(c: Cluster, p, user):
    """pve-storage src/PVE/API2/Storage/Status.pm index -> Storage.pm storage_info: every storage, ``enabled`` 0 when
    disabled or not on the node (storage_check_enabled), skipped when ``content`` is asked and it holds none of it or
    is not enabled; an enabled storage is activated and asked for its status: when activation fails (a server that
    does not answer) it stays listed with ``active`` 0 and zero sizes. ``used_fraction`` when the total is known;
    ``storage`` naming none of them is refused."""
    c.check_node(p["node"])
    node = p["node"]
    wanted = set(split_list(p.get("content"))) if p.get("content") else None
    info = {}
    for sid, cfg in c.storage.items():
        enabled = str(cfg.get("disable", 0)) != "1" and _on_node(cfg, node)
        if wanted is not None and (not wanted & sp.content_of(cfg) or not enabled):
            continue
        entry = {"storage": sid, "type": cfg["type"], "content": ",".join(sorted(sp.content_of(cfg))),
                 "active": 0, "enabled": int(enabled), "shared": int(sp.is_shared(c.version, cfg)),
                 "total": 0, "used": 0, "avail": 0}
        if enabled:
            try:
                activate(c, sid, cfg, node)
            except ApiError:
                pass  # "warn $err; next"
            else:
                entry["total"], entry["avail"], entry["used"] = usage(c, sid, node)
                entry["active"] = 1
        info[sid] = entry
    if p.get("storage") and p["storage"] not in info:
        raise param_error({"storage": "No such storage."})
    target = p.get("target") if p.get("target") not in (node, "localhost") else None
    out = []
    for sid, entry in sorted(info.items()):
        cfg = c.storage[sid]
        if (p.get("storage") and sid != p["storage"]) or (str(p.get("enabled") or 0) == "1" and cfg.get("disable")):
            continue
        if target and (not sp.is_shared(c.version, cfg) or not _on_node(cfg, node) or not _on_node(cfg, target)):
            continue
        if entry["total"]:
            entry["used_fraction"] = entry["used"] / entry["total"]
        out.append(entry)
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
    vols += volumes(c, p["storage"], p["node"])
    vols = [v for v in vols if v["content"] in wanted and (not p.get("vmid") or str(v.get("vmid")) == str(p["vmid"]))]
    return sorted(vols, key=lambda v: v["volid"].lower())  # volume_list: sort { lc($a->{volid}) cmp lc($b->{volid}) }
