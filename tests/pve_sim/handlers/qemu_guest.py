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

from .. import ha_rules
from .. import qemu_rules as qr
from .. import storage_plugins as sp
from ..formats import split_list
from ..state import ApiError, Cluster, die, param_error
from ..tasks import TaskFailed
from .registry import api
from .storage import _bytes as size_bytes

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


# create_vm's parameters that are not config options (extract_param); what is left overrides the backed-up config
_CREATE_ONLY = ("node", "vmid", "archive", "bwlimit", "force", "pool", "start", "ha-managed", "storage", "unique",
                "live-restore", "import-working-storage")
# QemuServer/Drive.pm is_valid_drivename
_DRIVE_NAME = re.compile(r"^(?:ide[0-3]|sata[0-5]|scsi(?:[0-9]|[12][0-9]|30)|virtio(?:[0-9]|1[0-5])|efidisk0|tpmstate0)$")
# pve-storage Storage.pm check_volume_access: die "Only root can pass arbitrary filesystem paths." (no newline: Perl
# appends where it died)
_PATH_ONLY_ROOT = {9: 651, 8: 569}  # 6f49432 / 0c6234f src/PVE/Storage.pm line
# pve-storage Storage.pm decompressor_info, vma
_VMA_DECOMPRESSOR = {"zst": ["zstd", "-q", "-d", "-c"], "gz": ["zcat"], "lzo": ["lzop", "-d", "-c"], "bz2": ["bzcat", "-q"]}


def _archive_vtype(c: Cluster, volid: str) -> str:
    """PVE::Storage::parse_volname for an archive: the storage must exist (storage_config), a PBS volume or a
    ``backup/`` file is 'backup', anything else is what its plugin parses it as."""
    sid, volname = qr.split_volid(volid)
    cfg = qr.storage_config(c, sid)
    if cfg["type"] == "pbs" or volname.startswith("backup/"):
        return "backup"
    return qr.parse_volname(c, volid)


def _vma_command(c: Cluster, volid: str, pid: int) -> str:
    """The pipe restore_vma_archive runs (QemuServer.pm: decompressor of Storage.pm decompressor_info, then ``vma
    extract -v -r <fifo> - <tmpdir>`` with /var/tmp/vzdumptmp<worker pid>), as PVE::Tools cmd2string prints it; a
    read limit (cstream) only when a bwlimit is configured, which the simulator never has."""
    sid, volname = qr.split_volid(volid)
    path = f"{c.storage[sid].get('path', '/var/lib/vz')}/dump/{volname.split('/', 1)[1]}"
    comp = re.search(r"\.vma\.(zst|gz|lzo|bz2)$", path)
    tmpdir = f"/var/tmp/vzdumptmp{pid}"
    cmds = [[*_VMA_DECOMPRESSOR[comp.group(1)], path], ["vma", "extract", "-v", "-r", f"{tmpdir}.fifo", "-", tmpdir]] \
        if comp else [["vma", "extract", "-v", "-r", f"{tmpdir}.fifo", path, tmpdir]]
    return " | ".join(" ".join(cmd) for cmd in cmds)


def _restore(c: Cluster, p, user):
    """create_vm with ``archive`` (qemu-server 4dbb6e44 src/PVE/API2/Qemu.pm:1257 create_vm; c2287c17 the same
    rules). Before the worker: a drive option conflicts with the archive (raise_param_exc), the archive must be a
    backup volume (pve-storage Storage.pm check_volume_access '$type') that exists ($classify_restore_archive ->
    abs_filesystem_path), then create_and_lock_config($vmid, $force) (pve-guest-common AbstractConfig.pm): an
    existing VMID needs ``force`` (pve-cluster Cluster.pm check_vmid_unused), a locked VM is refused (check_lock),
    a VMID of another node cannot get a config here (pmxcfs memdb.c rename: EEXIST), the config gets lock 'create'.
    In the 'qmrestore' worker ($restorefn): protection ("$emsg - protection mode enabled", hence the double dash),
    a running VM, then QemuServer.pm restore_vma_archive: each disk's storage ($parse_backup_hints: ``storage`` or
    the backed-up one) must exist and hold images, the old config's disks being restored are freed
    ($restore_cleanup_oldconf), new volumes allocated (vdisk_alloc: enabled on the node, space) - errors there come
    from inside vma's run_command ("command '<pipe>' failed: <error>", pve-common Tools.pm run_command); the config
    read back as restore_update_config_line writes it (lock/unusedN/parent dropped, a drive with backup=0 commented
    out, restored drives (cloud-init ones on ide/sata/scsi re-allocated too) on their new volume without ``format``, new MACs and smbios1 uuid with ``unique``, a new
    vmgenid), the parameters left override it (restore_merge_config), rescan adds the old owned volumes not restored
    over as unusedN; a template's disks become base images where the storage can (template_create; warn only).
    A failure removes the 'create' lock and leaves the VM ("state is NOT cleaned up"): an empty config before the
    volumes were touched, "memory: 128" after (the allocated volumes freed, $restore_destroy_volumes)."""
    vmid, node = int(p["vmid"]), p["node"]
    archive = str(p["archive"])
    for key in sorted(p):
        if _DRIVE_NAME.match(key):
            raise param_error({key: "option conflicts with option 'archive'"})
    if archive == "-":
        raise die("pipe requires cli environment")
    sid, _ = qr.split_volid(archive)
    if sid is None:
        if user != "root@pam":
            raise die(f"Only root can pass arbitrary filesystem paths. at /usr/share/perl5/PVE/Storage.pm line "
                      f"{_PATH_ONLY_ROOT[c.version]}.")
        raise die(f"can't find file '{archive}'")  # Storage.pm abs_filesystem_path: -f $path
    vtype = _archive_vtype(c, archive)
    if vtype != "backup":
        raise die(f"unable to use volume {archive} - content type needs to be 'backup'")
    vol = next((v for v in c.content.get(sid, []) if v["volid"] == archive), None)
    if vol is None:
        raise die(f"can't find file '{archive}'")  # pve-storage Storage.pm abs_filesystem_path
    pbs = c.storage[sid]["type"] == "pbs"
    overrides = {k: v for k, v in p.items() if k not in _CREATE_ONLY}
    for key, value in overrides.items():
        if re.fullmatch(r"net\d+", key) and value is not None:
            overrides[key] = net_with_mac(value)  # Network.pm add_random_macs
    force = str(p.get("force") or "0") == "1"
    emsg = f"unable to restore VM {vmid} -"
    old = c.vms.get(vmid)
    if old is not None:
        if not force:
            raise _exists_error(c, vmid, "restore")
        if old["node"] != node:
            raise die(f"{emsg} close (rename) atomic file '/etc/pve/nodes/{node}/qemu-server/{vmid}.conf' failed: "
                      "File exists")
        if old["config"].get("lock"):
            raise die(f"{emsg} VM is locked ({old['config']['lock']})")
        old["config"]["lock"] = "create"
        c.write_vm(old)
    else:
        c.add_vm(vmid, node, {"lock": "create"})
    vm = c.vms[vmid]
    backup = {k: v for k, v in vol["_config"].items() if k not in ("lock", "parent") and not k.startswith("unused")}
    pid = c.tasks.next_pid()
    unique = str(p.get("unique") or "0") == "1"

    def in_vma(message: str) -> str:
        return message if pbs else f"command '{_vma_command(c, archive, pid)}' failed: {message}"

    def restore():
        if str(vm["config"].get("protection", "0")) == "1":
            raise TaskFailed(f"{emsg} - protection mode enabled")  # AbstractConfig.pm check_protection
        if vm["status"] == "running":
            raise TaskFailed(f"{emsg} vm is running")
        restored = {}  # $parse_backup_hints: the disks in the archive and their storage
        for key, value in backup.items():
            drive = qr.parse_drive(str(value)) if qr.DRIVE_KEY.match(key) else None
            cloudinit = drive is not None and re.fullmatch(r"(?:ide|sata|scsi)\d+", key) and qr.is_cloudinit(value)
            if drive is None or (qr.is_cdrom(drive) and not cloudinit) or drive.get("backup") == "0":
                continue
            target = p.get("storage") or qr.split_volid(drive["file"])[0] or "local"
            try:
                cfg = qr.storage_config(c, target)
            except ApiError as exc:
                raise TaskFailed(in_vma(exc.message.strip())) from None
            if "images" not in sp.content_of(cfg):
                raise TaskFailed(in_vma(f"Content type 'images' is not available on storage '{target}'"))
            restored[key] = (drive, target)
        old_config = dict(vm["config"])
        vm["config"] = {"memory": "128"}  # the temporary config, then $restore_cleanup_oldconf
        kept = [str(v).split(",")[0] for k, v in old_config.items() if qr.DRIVE_KEY.match(k) and (
            k.startswith("unused") or (k not in restored and (qr.is_cloudinit(v) or not qr.is_cdrom(qr.parse_drive(str(v))))))]
        kept = [volid for volid in kept if qr.owned_volume(volid, vmid)]
        for volid in kept:  # on their storage, named by no config until rescan finds them
            c.orphans[volid] = {"size": c.volume_sizes.get(volid, 0), "node": node}
        volumes = {}
        try:
            for key, (drive, target) in sorted(restored.items()):
                if qr.is_cloudinit(backup[key]):  # a new vm-<id>-cloudinit[.<format>] of CLOUDINIT_DISK_SIZE
                    volumes[key] = _alloc_restored_cloudinit(c, node, vmid, target, drive["file"])
                    continue
                size = size_bytes(drive.get("size", "0"))
                volumes[key] = qr.alloc_disk(c, node, vmid, target, str(size / 2**30), False).split(",")[0]
                c.orphans[volumes[key]] = {"size": c.volume_sizes[volumes[key]], "node": node}
        except ApiError as exc:
            for volid in volumes.values():  # $restore_destroy_volumes
                c.orphans.pop(volid, None)
                c.volume_sizes.pop(volid, None)
            raise TaskFailed(in_vma(exc.message.strip())) from None
        for volid in [*volumes.values(), *kept]:
            c.orphans.pop(volid, None)
        config = {}
        for key, value in backup.items():
            if key in volumes:
                opts = [o for o in str(value).split(",")[1:] if not o.startswith("format=")]
                value = ",".join([volumes[key], *opts])
            elif qr.DRIVE_KEY.match(key) and qr.parse_drive(str(value)).get("backup") == "0":
                continue  # "#<line>": a comment
            elif re.fullmatch(r"net\d+", key) and unique and "=" in str(value).split(",")[0]:
                value = net_with_mac(value, new_mac=True)
            elif key == "vmgenid" and str(value) != "0":
                value = _uuid(f"vmgenid-{vmid}-{pid}")
            elif key == "smbios1" and unique:
                value = ",".join([f"uuid={_uuid(f'smbios-{vmid}-{pid}')}",
                                  *(o for o in str(value).split(",") if not o.startswith("uuid="))])
            config[key] = value
        config.update({k: v for k, v in overrides.items() if v is not None})
        for volid in kept:  # rescan -> update_disk_config: owned volumes no key names become unusedN
            qr.register_unused(config, volid, vmid)
        if str(config.get("template", "0")) == "1":  # template_create: base images where the storage can
            for key, volid in volumes.items():
                if qr.volume_has_feature(c, "template", volid):
                    base = re.sub(r"(^|/)vm-(\d+-disk-\d+)", r"\1base-\2", volid.split(":", 1)[1])
                    c.volume_sizes[f"{volid.split(':')[0]}:{base}"] = c.volume_sizes.pop(volid, 0)
                    config[key] = config[key].replace(volid, f"{volid.split(':')[0]}:{base}", 1)
        vm["config"] = config
        c.write_vm(vm)
        if str(p.get("start", "0")) == "1" and str(config.get("template", "0")) != "1":
            vm["status"] = "running"  # "Execute autostart" (a failure there is only warned)

    def unlock():
        """create_vm (qmrestore worker): on an error the 'create' lock is removed and the VM is left as it is
        ("VM <id> state is NOT cleaned up")."""
        if vmid in c.vms:
            vm["config"].pop("lock", None)
            c.write_vm(vm)

    def run():
        try:
            restore()
        except TaskFailed:
            unlock()
            raise

    log = [f"restore vma archive: {_vma_command(c, archive, pid)}"] if not pbs else []
    return c.task(node, "qmrestore", str(vmid), user, run, log, on_fail=unlock)


def _alloc_restored_cloudinit(c: Cluster, node: str, vmid: int, sid: str, old_volid: str) -> str:
    """QemuServer.pm $parse_backup_hints / $restore_allocate_devices for a cloud-init drive (ide/sata/scsi): a
    4 MiB volume vm-<vmid>-cloudinit on the restore's storage, ``.<format>`` appended on a storage with a path (the
    format of the backed-up volume, checked_volume_format, raw when unknown); vdisk_alloc activates the storage."""
    cfg = qr.storage_check_enabled(c, sid, node)
    fmt = "qcow2" if old_volid.endswith(".qcow2") else "raw"
    volname = f"{vmid}/vm-{vmid}-cloudinit.{fmt}" if cfg["type"] in qr._FILE_TYPES else f"vm-{vmid}-cloudinit"
    size = 4 * 2**20  # Cloudinit.pm CLOUDINIT_DISK_SIZE
    if cfg["type"] == "lvm":
        qr.check_lvm_free(c, sid, node, cfg, volname, size)
    c.volume_sizes[f"{sid}:{volname}"] = size
    return f"{sid}:{volname}"


def _uuid(seed: str) -> str:
    h = hashlib.sha1(seed.encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


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
    """destroy_vm (qemu-server 4dbb6e44 src/PVE/API2/Qemu.pm:2716, c2287c17 PVE/API2/Qemu.pm:2465): ``skiplock`` for
    root@pam only, then $early_checks - protection (pve-guest-common AbstractConfig.pm check_protection), an HA
    resource without ``purge``, a running VM; the config lock (unless ``skiplock``) and the base images still used
    by linked clones are checked in the 'qmdestroy' worker (QemuServer.pm destroy_vm), so they fail the task. The
    volumes the config, its pending changes and unusedN name go; with ``destroy-unreferenced-disks`` (default 0 in
    both versions) also every image of the VMID no config names, on each storage enabled on the node that holds
    images (Storage.pm vdisk_list: the storages are activated first, an offline one fails the task). ``purge``
    removes the VMID from the backup jobs (pve-guest-common VZDump/Plugin.pm remove_vmid_from_backup_jobs /
    remove_vmid_from_job: from ``vmid``, the job deleted once none is left, else from ``exclude``) and the HA
    resource (pve-ha-manager Config.pm delete_service_from_config: PVE 9 (5.1.0) also takes it out of the rules,
    deleting a rule left without resources; PVE 8 (4.0.7) the resource only)."""
    from .storage import activate  # the storage handlers import qemu_rules, which this module imports

    qr.check_skiplock(p, user)
    vm = c.vm(p["node"], p["vmid"])
    vmid = int(p["vmid"])
    purge = str(p.get("purge") or "0") == "1"
    unreferenced = str(p.get("destroy-unreferenced-disks") or "0") == "1"

    def early_checks():
        if str(vm["config"].get("protection", "0")) == "1":
            raise die(f"can't remove VM {vmid} - protection mode enabled")
        if f"vm:{vmid}" in c.ha_resources and not purge:
            raise die(f"unable to remove VM {vmid} - used in HA resources and purge parameter not set.")
        if vm["status"] == "running":
            raise die(f"VM {vmid} is running - destroy failed")
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
        if unreferenced:
            listed = [sid for sid, cfg in sorted(c.storage.items()) if str(cfg.get("disable", 0)) != "1"
                      and (not cfg.get("nodes") or p["node"] in split_list(cfg["nodes"]))
                      and "images" in sp.content_of(cfg)]
            try:
                for sid in listed:
                    activate(c, sid, c.storage[sid], p["node"])
            except ApiError as exc:
                raise TaskFailed(exc.message.strip()) from None
            for volid, orphan in list(c.orphans.items()):
                sid, _ = qr.split_volid(volid)
                if sid not in listed or not qr.owned_volume(volid, vmid):
                    continue
                if sp.is_shared(c.version, c.storage[sid]) or orphan["node"] == p["node"]:  # list_images of the node
                    del c.orphans[volid]
                    c.volume_sizes.pop(volid, None)
        c.vms.pop(vmid, None)
        if not purge:
            return
        for jid, job in list(c.backup_jobs.items()):
            if job.get("vmid") is not None:
                left = [v for v in split_list(job["vmid"]) if v != str(vmid)]
                if left:
                    job["vmid"] = ",".join(left)
                else:
                    del c.backup_jobs[jid]
            elif job.get("exclude") is not None:
                left = [v for v in split_list(job["exclude"]) if v != str(vmid)]
                if left:
                    job["exclude"] = ",".join(left)
                else:
                    del job["exclude"]
        c.touch("jobs.cfg")
        sid = f"vm:{vmid}"
        if c.ha_resources.pop(sid, None) is not None:
            c.touch("ha/resources.cfg")
            if c.version >= 9:
                ha_rules.remove_resource(c.ha_rules, sid)
                c.touch("ha/rules.cfg")
    return c.task(p["node"], "qmdestroy", str(vmid), user, destroy)
