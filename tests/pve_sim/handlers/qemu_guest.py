"""QEMU guests: list, create and restore, clone, template, migrate, destroy.

Follows qemu-server src/PVE/API2/Qemu.pm (8.3.13 = c2287c17, 9.1.2 = 4dbb6e44): the checks each
call makes before it forks its worker answer at once (HTTP 500 with the die text, or 400 for a
raise_param_exc); the rest happens in the worker task, whose failure leaves the state as it
was (clone: "clone failed: ..."; create: "unable to create VM <id> - ...").
"""

from __future__ import annotations

import hashlib
import itertools
import re

from .. import qemu_rules as qr
from .. import storage_plugins as sp
from ..formats import split_list
from ..state import ApiError, Cluster, die, param_error
from ..tasks import TaskFailed
from .registry import api

_MAC_SERIAL = itertools.count(1)
NIC_MODELS = ("virtio", "e1000", "e1000e", "rtl8139", "vmxnet3", "i82551", "i82557b", "i82559er", "ne2k_isa", "ne2k_pci",
              "pcnet")


def random_mac() -> str:
    """PVE::Tools::random_ether_addr with the datacenter's default mac_prefix BC:24:11."""
    h = hashlib.sha1(f"mac-{next(_MAC_SERIAL)}".encode()).hexdigest()
    return "BC:24:11:" + ":".join(h[i:i + 2].upper() for i in (0, 2, 4))


def net_with_mac(value: str, new_mac: bool = False) -> str:
    """QemuServer/Network.pm parse_net + print_net: ``model=MAC`` first, a MAC made when missing
    (or always, for a clone or a unique restore)."""
    parts = [p for p in str(value).split(",") if p]
    model, mac, rest = None, None, []
    for part in parts:
        key, sep, val = part.partition("=")
        if key in NIC_MODELS:
            model, mac = key, (val or None)
        elif key == "model":
            model = val
        elif key == "macaddr":
            mac = val
        else:
            rest.append(part)
    if new_mac or not mac:
        mac = random_mac()
    return ",".join([f"{model}={mac.upper()}", *rest])


@api("GET", "/nodes/{node}/qemu")
def qemu_index(c: Cluster, p, user):
    c.check_node(p["node"])
    out = []
    for vmid, vm in sorted(c.vms.items()):
        if vm["node"] != p["node"]:
            continue
        entry = {"vmid": vmid, "name": vm["config"].get("name", ""), "status": vm["status"],
                 "cpus": int(vm["config"].get("cores", 1)), "maxmem": int(str(vm["config"].get("memory", 512)).split(",")[0]) * 2**20}
        if str(vm["config"].get("template", "0")) == "1":
            entry["template"] = 1
        out.append(entry)
    return out


def _exists_error(c: Cluster, vmid: int, verb: str) -> ApiError:
    """PVE::AbstractConfig create_and_lock_config on an existing VMID."""
    return die(f"unable to {verb} VM {vmid} - VM {vmid} already exists on node '{c.vms[vmid]['node']}'")


@api("POST", "/nodes/{node}/qemu")
def qemu_create(c: Cluster, p, user):
    c.check_node(p["node"])
    vmid, node = int(p["vmid"]), p["node"]
    if p.get("archive"):
        return _restore(c, p, user)
    if vmid in c.vms:
        raise _exists_error(c, vmid, "create")
    config, undefined = {}, []
    for key, value in p.items():
        if key in ("node", "vmid", "start", "storage", "unique", "pool", "archive", "force", "live-restore", "bwlimit"):
            continue
        if value is None:  # an empty form value (pve-http-server): undefined
            if qr.DRIVE_KEY.match(key):  # Qemu.pm $check_drive_param
                raise param_error({key: "unable to parse drive options"})
            undefined.append(key)
            continue
        if re.fullmatch(r"net\d+", key):
            value = net_with_mac(value)  # Network.pm add_random_macs
        elif qr.DRIVE_KEY.match(key):
            qr.check_drive_volume(c, key, str(value))
        config[key] = str(value)
    new_disks = {k: v for k, v in config.items() if qr.DRIVE_KEY.match(k) and re.match(r"[^:]+:\d+(\.\d+)?(,|$)", v)}
    for value in new_disks.values():  # $check_storage_access: the storage exists and holds images
        cfg = qr.storage_config(c, value.split(":")[0])
        if "images" not in sp.content_of(cfg):
            raise param_error({"storage": f"storage '{value.split(':')[0]}' does not support vm images"})
    c.add_vm(vmid, node, {"lock": "create"})
    template = str(config.get("template", "0")) == "1"

    def create():
        # the worker's write_config (QemuServer.pm write_vm_config -> check_type) refuses an undefined value;
        # create_vm dies "unable to create VM <id> - ..." and the config file goes
        for key in sorted(undefined):
            if key != "description":
                c.vms.pop(vmid, None)
                raise TaskFailed(f"unable to create VM {vmid} - unable to parse value of '{key}' - got undefined value")
        try:
            for key, value in new_disks.items():
                sid, rest = value.split(":", 1)
                size, _, opts = rest.partition(",")
                vol = qr.alloc_disk(c, node, vmid, sid, size, template)
                config[key] = vol.replace(",size=", f"{',' + opts if opts else ''},size=", 1)
                c.vms[vmid]["config"][key] = config[key]  # allocated: the next disk sees it on the storage
            for key in sorted(k for k in config if qr.DRIVE_KEY.match(k)):
                ci = qr.CLOUDINIT_VOLUME.match(qr.parse_drive(config[key])["file"])
                if ci and ci.group(1):
                    config[key] = qr.alloc_cloudinit(c, node, vmid, key, config[key], [c.vms[vmid]["config"]])
                    c.vms[vmid]["config"][key] = config[key]
        except ApiError as exc:
            c.vms.pop(vmid, None)  # the create worker removes the config file
            raise TaskFailed(f"unable to create VM {vmid} - {exc.message.strip()}") from None
        c.vms[vmid]["config"] = config
        c.write_vm(c.vms[vmid])
        if str(p.get("start", "0")) == "1":
            c.vms[vmid]["status"] = "running"
    return c.task(node, "qmcreate", str(vmid), user, create, on_fail=lambda: c.vms.pop(vmid, None))


def _restore(c: Cluster, p, user):
    """create_vm with ``archive``: the backed-up config, disks re-allocated on ``storage``,
    ``unique`` makes new MACs."""
    vmid, node = int(p["vmid"]), p["node"]
    if vmid in c.vms and str(p.get("force", "0")) != "1":
        raise _exists_error(c, vmid, "restore")
    vol = next((v for vols in c.content.values() for v in vols if v["volid"] == p["archive"]), None)
    if vol is None:
        raise die(f"can't find file '{p['archive']}'")  # pve-storage Storage.pm abs_filesystem_path
    if p.get("storage"):
        qr.storage_check_enabled(c, p["storage"], node)
    c.add_vm(vmid, node, {"lock": "create"})

    def restore():
        config = {}
        for key, value in vol["_config"].items():
            if key in ("lock",):
                continue
            if qr.DRIVE_KEY.match(key) and not qr.is_cdrom(qr.parse_drive(value)):
                drive = qr.parse_drive(value)
                sid = p.get("storage") or qr.split_volid(drive["file"])[0]
                size = re.match(r"(\d+(?:\.\d+)?)", drive.get("size", "32"))
                try:
                    value = qr.alloc_disk(c, node, vmid, sid, size.group(1), str(vol["_config"].get("template")) == "1")
                    c.vms[vmid]["config"][key] = value  # allocated: the next disk sees it on the storage
                except ApiError as exc:
                    unlock()
                    raise TaskFailed(f"unable to restore VM {vmid} - {exc.message.strip()}") from None
            elif re.fullmatch(r"net\d+", key):
                value = net_with_mac(value, new_mac=str(p.get("unique", "0")) == "1")
            config[key] = value
        c.vms[vmid]["config"] = config
        c.write_vm(c.vms[vmid])
        if str(p.get("start", "0")) == "1":
            c.vms[vmid]["status"] = "running"
    def unlock():
        """Qemu.pm create_vm (qmrestore worker): on an error the 'create' lock is removed and the VM is
        left as it is ("VM <id> state is NOT cleaned up")."""
        if vmid in c.vms:
            c.vms[vmid]["config"].pop("lock", None)

    return c.task(node, "qmrestore", str(vmid), user, restore, [f"restore vma archive: {p['archive']}"], on_fail=unlock)


@api("POST", "/nodes/{node}/qemu/{vmid}/clone")
def qemu_clone(c: Cluster, p, user):
    """Qemu.pm clone_vm $load_and_check, then the qmclone worker."""
    node, vmid, newid = p["node"], int(p["vmid"]), int(p["newid"])
    target = p.get("target")
    if target == node:
        target = None
    if target:
        c.check_node(target)
    storage = p.get("storage")
    if storage:
        scfg = qr.storage_check_enabled(c, storage, node)
        if "images" not in sp.content_of(scfg):
            raise param_error({"storage": f"storage '{storage}' does not support vm images"})
        if target:
            qr.storage_check_enabled(c, storage, target)
            if not sp.is_shared(c.version, scfg):
                raise die(f"can't clone to non-shared storage '{storage}'")
    src = c.vm(node, vmid)
    if src["config"].get("lock"):
        raise die(f"VM is locked ({src['config']['lock']})")
    template = str(src["config"].get("template", "0")) == "1"
    full = str(p["full"]) == "1" if p.get("full") is not None else not template
    if storage and not full:
        raise die("parameter 'storage' not allowed for linked clones")
    if p.get("format") and not full:
        raise die("parameter 'format' not allowed for linked clones")
    if target and not qr.shared_vm(c, src["config"]):
        raise die(f"can't clone VM to node '{target}' (VM uses local storage)")
    if newid in c.vms:
        raise die(f"unable to create VM {newid}: config file already exists")
    drives = {}
    for key, drive in qr.disks(src["config"]):
        if qr.is_cdrom(drive):
            continue
        feature = "copy" if full else "clone"
        if not qr.volume_has_feature(c, feature, drive["file"]):
            raise die(f"{'Full' if full else 'Linked'} clone feature is not supported for '{drive['file']}' ({key})")
        drives[key] = drive
    c.add_vm(newid, node, {"lock": "clone"})

    def clone():
        config = {}
        try:
            for key, value in src["config"].items():
                if key in ("template", "lock", "digest") or key.startswith("unused"):
                    continue
                if key in drives:
                    drive = drives[key]
                    sid = storage or qr.split_volid(drive["file"])[0]
                    size = re.match(r"(\d+(?:\.\d+)?)", drive.get("size", "32G"))
                    if full:
                        value = qr.alloc_disk(c, node, newid, sid, size.group(1), False)
                        c.vms[newid]["config"][key] = value  # allocated: the next disk sees it on the storage
                    else:  # Plugin clone_image: a linked volume on the base image's storage
                        src_sid, base = qr.split_volid(drive["file"])
                        value = f"{src_sid}:{base}/{qr.next_disk_name(c, src_sid, newid)},size={size.group(1)}G"
                elif re.fullmatch(r"net\d+", key):
                    value = net_with_mac(value, new_mac=True)  # "always change MAC! address"
                config[key] = value
        except ApiError as exc:
            c.vms.pop(newid, None)
            raise TaskFailed(f"clone failed: {exc.message.strip()}") from None
        config["name"] = p.get("name") or f"Copy-of-VM-{src['config'].get('name', vmid)}"
        if p.get("description"):
            config["description"] = p["description"]
        c.vms[newid].update(config=config, node=target or node)
        c.write_vm(c.vms[newid])

    log = [f"create {'full' if full else 'linked'} clone of drive {k} ({d['file']})" for k, d in sorted(drives.items())]
    return c.task(node, "qmclone", str(vmid), user, clone, log, on_fail=lambda: c.vms.pop(newid, None))


@api("POST", "/nodes/{node}/qemu/{vmid}/template")
def qemu_template(c: Cluster, p, user):
    """Qemu.pm template + QemuServer.pm template_create: disks whose storage has the 'template'
    feature become base images; thick LVM has none, so its disks stay as they are."""
    vm = c.vm(p["node"], p["vmid"])
    if vm["config"].get("lock"):
        raise die(f"VM is locked ({vm['config']['lock']})")
    if str(vm["config"].get("template", "0")) == "1" and not p.get("disk"):
        raise die("you can't convert a template to a template")
    if vm["status"] == "running":
        raise die("you can't convert a VM to template if VM is running")

    def convert():
        vm["config"]["template"] = "1"
        for key, drive in list(qr.disks(vm["config"])):
            if qr.is_cdrom(drive) or (p.get("disk") and key != p["disk"]):
                continue
            if qr.volume_has_feature(c, "template", drive["file"]):
                vm["config"][key] = vm["config"][key].replace(f"vm-{p['vmid']}-disk-", f"base-{p['vmid']}-disk-", 1)
        c.write_vm(vm)
    return c.task(p["node"], "qmtemplate", str(p["vmid"]), user, convert)


@api("POST", "/nodes/{node}/qemu/{vmid}/migrate")
def qemu_migrate(c: Cluster, p, user):
    """Qemu.pm migrate_vm (checks before the worker), QemuMigrate.pm prepare/scan_local_volumes
    (in the worker: local CD images, linked clones on local storage, live migration of local disks)."""
    node, vmid, target = p["node"], int(p["vmid"]), p["target"]
    if target == node:
        raise param_error({"target": "target is local node."})
    c.check_node(target)
    vm = c.vm(node, vmid)
    if vm["config"].get("lock"):
        raise die(f"VM is locked ({vm['config']['lock']})")
    online = vm["status"] == "running"
    if online and str(p.get("online", "0")) != "1":
        raise die("can't migrate running VM without --online")
    for _, drive in qr.disks(vm["config"]):  # QemuServer.pm check_storage_availability
        sid, volname = qr.split_volid(drive["file"])
        if sid and drive["file"] not in ("none", "cdrom"):
            scfg = qr.storage_check_enabled(c, sid, node)
            qr.storage_check_enabled(c, sid, target)
            vtype = "iso" if volname.startswith("iso/") else "images"  # parse_volname's vtype
            if vtype not in sp.content_of(scfg):
                raise die(f"{drive['file']}: content type '{vtype}' is not available on storage '{sid}'")

    def migrate():
        problems = []
        for _key, drive in qr.disks(vm["config"]):
            sid, volname = qr.split_volid(drive["file"])
            if not sid or drive["file"] in ("none", "cdrom") or sp.is_shared(c.version, c.storage[sid]):
                continue
            if qr.is_cdrom(drive):
                problems.append(f"can't migrate local disk '{drive['file']}': local cdrom image")
            elif "/" in volname and volname.split("/")[0].startswith("base-"):
                problems.append(f"can't migrate '{drive['file']}' as it's a clone of '{volname.split('/')[0]}'")
            elif online and str(p.get("with-local-disks", "0")) != "1":
                problems.append(f"can't migrate local disk '{drive['file']}': can't live migrate attached local disks "
                                "without with-local-disks option")
        if problems:
            raise TaskFailed("migration aborted")
        vm["node"] = target

    kind = "hamigrate" if f"vm:{vmid}" in c.ha_resources else "qmigrate"
    return c.task(node, kind, str(vmid), user, migrate, [f"starting migration of VM {vmid} to node '{target}'"])


@api("DELETE", "/nodes/{node}/qemu/{vmid}")
def qemu_delete(c: Cluster, p, user):
    """destroy_vm (qemu-server PVE/API2/Qemu.pm): ``skiplock`` for root@pam only, then $early_checks - protection
    (pve-guest-common AbstractConfig.pm check_protection), an HA resource without ``purge``, a running VM; the
    config lock (unless ``skiplock``) and the base images still used by linked clones are checked in the
    'qmdestroy' worker (QemuServer.pm destroy_vm), so they fail the task."""
    qr.check_skiplock(p, user)
    vm = c.vm(p["node"], p["vmid"])
    purge = str(p.get("purge") or "0") == "1"

    def early_checks():
        if str(vm["config"].get("protection", "0")) == "1":
            raise die(f"can't remove VM {p['vmid']} - protection mode enabled")
        if f"vm:{p['vmid']}" in c.ha_resources and not purge:
            raise die(f"unable to remove VM {p['vmid']} - used in HA resources and purge parameter not set.")
        if vm["status"] == "running":
            raise die(f"VM {p['vmid']} is running - destroy failed")
    early_checks()

    def destroy():
        try:
            early_checks()  # "repeat, config might have changed"
        except ApiError as exc:
            raise TaskFailed(exc.message.strip()) from None
        if vm["config"].get("lock") and str(p.get("skiplock") or "0") != "1" and vm["config"]["lock"] != "suspended":
            raise TaskFailed(f"VM is locked ({vm['config']['lock']})")
        if str(vm["config"].get("template", "0")) == "1":
            for _, drive in qr.disks(vm["config"]):
                sid, volname = qr.split_volid(drive["file"])
                if volname.startswith("base-") and any(
                        f"{sid}:{volname}/" in d["file"] for other in c.vms.values() for _, d in qr.disks(other["config"])):
                    raise TaskFailed(f"base volume '{drive['file']}' is still in use by linked cloned")
        c.vms.pop(int(p["vmid"]), None)
        if purge:
            c.ha_resources.pop(f"vm:{p['vmid']}", None)
        for job in c.backup_jobs.values():
            if purge and job.get("vmid"):
                job["vmid"] = ",".join(v for v in split_list(job["vmid"]) if v != str(p["vmid"]))
    return c.task(p["node"], "qmdestroy", str(p["vmid"]), user, destroy)
