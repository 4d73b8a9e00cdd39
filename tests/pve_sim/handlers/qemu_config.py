"""QEMU guest configuration, pending changes, disk resize and power state.

qemu-server src/PVE/API2/Qemu.pm vm_config (values typed as QemuServer.pm check_type returns
them, pending changes applied unless ``current``), vm_pending, $update_vm_api (PUT sync, POST
as a 'qmconfig' task), resize_vm ('resize' task), vm_start / vm_stop / vm_shutdown; on a
running VM only what vmconfig_hotplug_pending can apply is applied, the rest stays pending
until the VM is started again (QemuServer.pm vmconfig_apply_pending).
"""

from __future__ import annotations

import re

from .. import qemu_rules as qr
from .. import storage_plugins as sp
from ..formats import split_list
from ..state import ApiError, Cluster, die, param_error, worker_error
from ..tasks import TaskFailed
from .qemu_guest import net_with_mac
from .registry import api

META = {"node", "vmid", "digest", "delete", "revert", "skiplock", "background_delay", "force", "skip_cloud_init",
        "import-working-storage"}


def _schema(c: Cluster):
    from ..server import get_schema
    return get_schema(c.version)


def current_config(vm: dict, with_pending: bool = True) -> dict:
    cfg = dict(vm["config"])
    if with_pending:
        for key, value in vm["pending"].items():
            if value is None:
                cfg.pop(key, None)
            else:
                cfg[key] = value
    return cfg


def apply_pending(vm: dict, vmid: int, key: str):
    """One pending change applied (QemuServer.pm vmconfig_apply_pending / vmconfig_hotplug_pending): a disk that is
    detached or replaced becomes unusedN when the VM owns it (vmconfig_delete_or_detach_drive,
    vmconfig_register_unused_drive), unless it was deleted with 'force' (freed)."""
    value = vm["pending"].pop(key)
    force = vm.setdefault("pending_force", set())
    old = vm["config"].pop(key, None)
    if (old is not None and qr.DRIVE_KEY.match(key) and not key.startswith("unused") and old != value
            and not (value is None and key in force)):
        qr.register_unused(vm["config"], old, vmid)
    force.discard(key)
    if value is not None:
        vm["config"][key] = value


@api("GET", "/nodes/{node}/qemu/{vmid}/config")
def qemu_config(c: Cluster, p, user):
    vm = c.vm(p["node"], p["vmid"])
    types = qr.config_types(_schema(c).returns("/nodes/{node}/qemu/{vmid}/config", "GET"))
    cfg = current_config(vm, with_pending=str(p.get("current", "0")) != "1")
    out = {k: qr.typed_value(types, k, v) for k, v in cfg.items()}
    out["digest"] = c.vm_digest(vm)
    return out


@api("GET", "/nodes/{node}/qemu/{vmid}/pending")
def qemu_pending(c: Cluster, p, user):
    """Qemu.pm vm_pending / pve-guest-common GuestHelpers.pm config_with_pending_array: every key of the loaded
    config - its ``digest`` too - with the values as parse_vm_config's check_type left them (integers and booleans
    as numbers, like GET config)."""
    vm = c.vm(p["node"], p["vmid"])
    types = qr.config_types(_schema(c).returns("/nodes/{node}/qemu/{vmid}/config", "GET"))
    out = []
    for key in sorted(set(vm["config"]) | set(vm["pending"])):
        entry = {"key": key}
        if key in vm["config"]:
            entry["value"] = qr.typed_value(types, key, vm["config"][key])
        if key in vm["pending"]:
            if vm["pending"][key] is None:
                entry["delete"] = 2 if key in vm.get("pending_force", ()) else 1
            else:
                entry["pending"] = qr.typed_value(types, key, vm["pending"][key])
        out.append(entry)
    out.append({"key": "digest", "value": c.vm_digest(vm)})
    return out


def _check_update(c: Cluster, p, user) -> tuple[dict, list[str], list[str]]:
    """$update_vm_api before the lock: skiplock, known options, delete/revert against set values, drives."""
    options = {k for k in _schema(c).properties("/nodes/{node}/qemu/{vmid}/config", "PUT") if k not in META}
    known = lambda key: key in options or re.sub(r"\d+$", "[n]", key) in options  # noqa: E731
    params = {k: v for k, v in p.items() if k not in META}
    qr.check_skiplock(p, user)
    if not p.get("delete") and not p.get("revert") and not params:
        raise die("no options specified")
    revert = []
    for key in split_list(p.get("revert")) if p.get("revert") else []:  # Qemu.pm $update_vm_api: -revert
        if not known(key):
            raise param_error({"revert": f"unknown option '{key}'"})
        if params.get(key) is not None:  # upstream names 'delete' here
            raise param_error({"delete": f"you can't use '-{key}' and -revert {key}' at the same time"})
        revert.append(key)
    delete = ["ide2" if k == "cdrom" else k for k in split_list(p.get("delete"))] if p.get("delete") else []
    for key in delete:
        if params.get(key) is not None:  # defined($param->{$opt}): an undefined (empty) value does not count
            raise param_error({"delete": f"you can't use '-{key}' and -delete {key}' at the same time"})
        if key in revert:
            raise param_error({"revert": f"you can't use '-delete {key}' and -revert {key}' at the same time"})
        if not known(key):
            raise param_error({"delete": f"unknown option '{key}'"})
    for key, value in list(params.items()):
        if value is None:
            if qr.DRIVE_KEY.match(key):  # $check_drive_param: parse_drive of an undefined value
                raise param_error({key: "unable to parse drive options"})
            if re.fullmatch(r"net\d+", key):
                # $update_vm_api "add macaddr": parse_net warns and returns undef, print_net of it dies in pve-common
                # JSONSchema.pm print_property_string -> check_object ("an object is required" at the root path) -
                # raise "format error" with no code: HTTP 500 (pve-manager PVE/HTTPServer.pm), message and errors
                raise ApiError(500, "format error", {"_root": "an object is required"})
            continue  # the worker's write_config refuses it (_apply)
        if re.fullmatch(r"net\d+", key):
            params[key] = net_with_mac(value)
        elif qr.DRIVE_KEY.match(key):
            qr.check_drive_volume(c, key, str(value))
            m = re.fullmatch(r"([^:,]+):(\d+(?:\.\d+)?)(,.*)?", str(value))
            if m:  # a new volume STORAGE:SIZE: the storage must exist and hold images ($check_storage_access)
                cfg = qr.storage_config(c, m.group(1))
                if "images" not in sp.content_of(cfg):
                    raise param_error({key: f"storage '{m.group(1)}' does not support vm images"})
    return params, delete, revert


def _apply(c: Cluster, vm: dict, vmid: int, params: dict, delete: list[str], forced: bool = False):
    """The update worker: new disks allocated, then pending changes applied or hot-plugged."""
    # QemuServer.pm write_vm_config -> check_type: an undefined value (an empty form value, pve-http-server) is
    # refused before anything is written ("description" is not type-checked: it is dropped when written)
    for key, value in sorted(params.items()):
        if value is None and key not in ("description", "tags"):
            raise die(f"unable to parse value of '{key}' - got undefined value")
    if "tags" in params:
        # Qemu.pm $update_vm_api: tags are stored as pve-guest-common GuestHelpers.pm get_unique_tags makes them
        # (datacenter.cfg without tag-style: lower-cased, sorted, without duplicates, ';'-joined); an undefined
        # value gives '', a line parse_vm_config does not read back: the tags are gone
        tags = qr.unique_tags(params.pop("tags"))
        if tags:
            params["tags"] = tags
        else:
            delete = [*delete, "tags"]
    params = {k: v for k, v in params.items() if v is not None}
    if params.get("tpmstate0") and vm["config"].get("tpmstate0"):  # Qemu.pm prohibit_tpm_version_change
        old, new = qr.parse_drive(vm["config"]["tpmstate0"]), qr.parse_drive(params["tpmstate0"])
        if old["file"] == new["file"] and old.get("version", "v1.2") != new.get("version", "v1.2"):
            raise die("cannot change TPM state version after creation")
    template = str(vm["config"].get("template", "0")) == "1"
    protected = str(vm["config"].get("protection", "0")) == "1"
    force = vm.setdefault("pending_force", set())
    for key in delete:
        value = vm["config"].get(key) if vm["config"].get(key) is not None else vm["pending"].get(key)
        if value is None:
            # "cannot delete '<opt>' - not set in current configuration!" is a warning; nothing is changed
            continue
        if key.startswith("unused"):
            # an unused disk is freed at once (try_deallocate_drive), never pending; protection keeps it
            if protected:
                raise die(f"can't remove unused disk '{qr.parse_drive(value)['file']}' - protection mode enabled")
            vm["config"].pop(key, None)
            continue
        if qr.DRIVE_KEY.match(key):
            if protected:  # AbstractConfig.pm check_protection
                raise die(f"can't remove drive '{key}' - protection mode enabled")
            if vm["pending"].get(key) is not None:  # a pending new disk is kept as unused
                qr.register_unused(vm["config"], vm["pending"][key], vmid)
        vm["pending"][key] = None
        if forced:  # add_to_pending_delete with 'force' ("!key"): the volume is freed, not kept as unused
            force.add(key)
    for key, value in params.items():
        if vm["pending"].get(key) is not None and str(value) == vm["pending"][key]:
            continue  # "skip if nothing changed"
        m = re.fullmatch(r"([^:,]+):(\d+(?:\.\d+)?)(,.*)?", str(value)) if qr.DRIVE_KEY.match(key) else None
        ci = qr.CLOUDINIT_VOLUME.match(qr.parse_drive(str(value))["file"]) if qr.DRIVE_KEY.match(key) else None
        if ci and ci.group(1):
            value = qr.alloc_cloudinit(c, vm["node"], vmid, key, str(value), [vm["config"], vm["pending"]])
        elif m:
            if vm["pending"].get(key) is not None:  # the pending disk it replaces is kept as unused
                qr.register_unused(vm["config"], vm["pending"][key], vmid)
            vm["pending"].pop(key, None)
            vol = qr.alloc_disk(c, vm["node"], vmid, m.group(1), m.group(2), template)
            value = vol.replace(",size=", f"{m.group(3) or ''},size=", 1)
        vm["pending"][key] = str(value)
    # AbstractConfig.pm cleanup_pending: a pending value equal to the current one, or the deletion of an unset option, goes
    for key in list(vm["pending"]):
        if vm["pending"][key] is None and key not in vm["config"] or vm["pending"][key] == vm["config"].get(key):
            vm["pending"].pop(key)
    running = vm["status"] == "running"
    # A NIC hot-plugged on a bridge the node lacks fails and stays pending; the errors end the update
    # (QemuServer.pm vmconfig_hotplug_pending $add_error "hotplug problem - ...", Qemu.pm $update_vm_api raise_param_exc).
    unplugged = qr.missing_bridges(c, vm["node"], vm["pending"]) if running else {}
    errors = {key: f"hotplug problem - bridge '{bridge}' does not exist\n" for key, bridge in unplugged.items()
              if qr.hotpluggable(vm["config"], key, vm["pending"][key])}
    if running:  # drive changes a running VM refuses (vmconfig_update_disk / vm_deviceunplug dies: $add_error)
        features = qr.hotplug_features(vm["config"])
        for key, value in vm["pending"].items():
            if qr.DRIVE_KEY.match(key) and not key.startswith("unused"):
                problem = qr.drive_hotplug(vm["config"], key, value, value is None, features)[1]
                if problem:
                    errors[key] = f"hotplug problem - {problem}\n"
    vcpus = vm["pending"].get("vcpus")
    # QemuServer.pm qemu_cpu_hotplug: no more vcpus than the current sockets * cores
    if running and vcpus is not None and qr.hotpluggable(vm["config"], "vcpus", vcpus) and int(vcpus) > qr.max_cpus(vm["config"]):
        errors["vcpus"] = "hotplug problem - you can't add more vcpus than maxcpus\n"
    for key in list(vm["pending"]):
        value = vm["pending"][key]
        if running and (not qr.hotpluggable(vm["config"], key, value, deleting=value is None) or key in errors):
            continue
        apply_pending(vm, vmid, key)
    c.write_vm(vm)
    if errors:
        raise param_error(errors)


def _update(c: Cluster, p, user, sync: bool):
    params, delete, revert = _check_update(c, p, user)
    vm = c.vm(p["node"], p["vmid"])
    if p.get("digest") and p["digest"] != c.vm_digest(vm):
        raise die("checksum mismatch (file change by other user?)")
    if vm["config"].get("lock") and str(p.get("skiplock") or "0") != "1":
        raise die(f"VM is locked ({vm['config']['lock']})")
    for key in revert:  # the current value back as the new one, or the pending addition deleted
        if key in vm["config"]:
            params[key] = vm["config"][key]
        elif vm["pending"].get(key) is not None:
            delete.append(key)
    if params.get("memory") or params.get("balloon") is not None:
        memory = int(str(params.get("memory") or current_config(vm).get("memory", 512)).split(",")[0].split("=")[-1])
        balloon = params.get("balloon", current_config(vm).get("balloon"))
        if balloon and int(balloon) > memory:
            raise die("balloon value too large (must be smaller than assigned memory)")
    vmid = int(p["vmid"])
    forced = str(p.get("force") or "0") == "1"
    if sync:
        _apply(c, vm, vmid, params, delete, forced)
        return None

    def work():
        try:
            _apply(c, vm, vmid, params, delete, forced)
        except ApiError as exc:
            raise TaskFailed(worker_error(exc)) from None
    return c.task(p["node"], "qmconfig", str(vmid), user, work, [f"update VM {vmid}: " + " ".join(
        f"-{k} {v}" for k, v in sorted(params.items()))])


@api("PUT", "/nodes/{node}/qemu/{vmid}/config")
def qemu_config_sync(c: Cluster, p, user):
    _update(c, p, user, sync=True)


@api("POST", "/nodes/{node}/qemu/{vmid}/config")
def qemu_config_async(c: Cluster, p, user):
    return _update(c, p, user, sync=False)


def _bytes(text: str) -> int:
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([KMGT])?", text)
    return int(float(m.group(1)) * {None: 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}[m.group(2)])


@api("PUT", "/nodes/{node}/qemu/{vmid}/resize")
def qemu_resize(c: Cluster, p, user):
    """Qemu.pm resize_vm: every check runs in the 'resize' worker; a size without unit is in bytes."""
    qr.check_skiplock(p, user)
    vm = c.vm(p["node"], p["vmid"])

    def resize():
        if p.get("digest") and p["digest"] != c.vm_digest(vm):
            raise TaskFailed("checksum mismatch (file change by other user?)")
        if vm["config"].get("lock") and str(p.get("skiplock", "0")) != "1":
            raise TaskFailed(f"VM is locked ({vm['config']['lock']})")
        value = vm["config"].get(p["disk"])
        if value is None:
            raise TaskFailed(f"disk '{p['disk']}' does not exist")
        drive = qr.parse_drive(value)
        if qr.is_cdrom(drive):
            raise TaskFailed("you can't resize a cdrom")
        current = _bytes(drive.get("size", "0"))
        size = p["size"]
        new = _bytes(size.lstrip("+")) + (current if size.startswith("+") else 0)
        if new < current:
            raise TaskFailed("shrinking disks is not supported")
        if new == current:
            return
        text = f"{new // 2**30}G" if new % 2**30 == 0 else f"{new // 2**20}M" if new % 2**20 == 0 else str(new)
        vm["config"][p["disk"]] = re.sub(r"size=[^,]+", f"size={text}", value) if "size=" in value else f"{value},size={text}"
        c.write_vm(vm)
    return c.task(p["node"], "resize", str(p["vmid"]), user, resize)


@api("GET", "/nodes/{node}/qemu/{vmid}/status/current")
def qemu_current(c: Cluster, p, user):
    vm = c.vm(p["node"], p["vmid"])
    sid = f"vm:{p['vmid']}"
    ha = {"managed": 1, "state": c.ha_state(sid)} if sid in c.ha_resources else {"managed": 0}
    cfg = current_config(vm, with_pending=False)
    out = {"vmid": int(p["vmid"]), "name": cfg.get("name", ""), "status": vm["status"], "qmpstatus": vm["status"],
           "cpus": int(cfg.get("cores", 1)), "maxmem": int(str(cfg.get("memory", 512)).split(",")[0]) * 2**20,
           "ha": ha, "uptime": 0}
    if str(cfg.get("template", "0")) == "1":
        out["template"] = 1
    if cfg.get("lock"):
        out["lock"] = cfg["lock"]
    return out


@api("POST", "/nodes/{node}/qemu/{vmid}/status/start")
def qemu_start(c: Cluster, p, user):
    """vm_start: an HA-managed VM is started by the HA stack ('hastart'); QemuServer.pm vm_start
    refuses templates and running VMs (in the worker) and applies pending changes."""
    qr.check_skiplock(p, user)
    vm = c.vm(p["node"], p["vmid"])
    sid = f"vm:{p['vmid']}"

    def start():
        if str(vm["config"].get("template", "0")) == "1":
            raise TaskFailed("you can't start a vm if it's a template")
        if vm["config"].get("lock") and str(p.get("skiplock", "0")) != "1":
            raise TaskFailed(f"VM is locked ({vm['config']['lock']})")
        if vm["status"] == "running" and sid not in c.ha_resources:
            raise TaskFailed(f"VM {p['vmid']} already running")
        for key in list(vm["pending"]):
            apply_pending(vm, int(p["vmid"]), key)
        c.write_vm(vm)
        if sid in c.ha_resources:
            c.ha_resources[sid]["state"] = "started"
            if qr.max_cpus(vm["config"]) > c.node_cpus[vm["node"]]:
                return  # the HA stack's start fails as below: it stays off
        # QemuServer.pm config_to_command (vm_start_nolock): sockets * cores above the node's CPUs
        if qr.max_cpus(vm["config"]) > c.node_cpus[vm["node"]]:
            raise TaskFailed(f"MAX {c.node_cpus[vm['node']]} vcpus allowed per VM on this node")
        missing = qr.missing_bridges(c, vm["node"], vm["config"])
        if missing and sid in c.ha_resources:  # 'hastart' only asks the HA stack, whose start then fails: it stays off
            return
        if missing:  # the pve-bridge script fails, QEMU exits (QemuServer.pm vm_start "start failed: $err")
            raise TaskFailed("start failed: QEMU exited with code 1",
                             [f"bridge '{bridge}' does not exist" for bridge in sorted(set(missing.values()))])
        vm["status"] = "running"
    return c.task(p["node"], "hastart" if sid in c.ha_resources else "qmstart", str(p["vmid"]), user, start)


def _stop(c: Cluster, p, user, kind: str):
    qr.check_skiplock(p, user)
    vm = c.vm(p["node"], p["vmid"])
    sid = f"vm:{p['vmid']}"

    def stop():
        if vm["config"].get("lock") and str(p.get("skiplock", "0")) != "1":
            raise TaskFailed(f"VM is locked ({vm['config']['lock']})")
        vm["status"] = "stopped"
        if sid in c.ha_resources:
            c.ha_resources[sid]["state"] = "stopped"
    return c.task(p["node"], "hastop" if sid in c.ha_resources else kind, str(p["vmid"]), user, stop)


@api("POST", "/nodes/{node}/qemu/{vmid}/status/stop")
def qemu_stop(c: Cluster, p, user):
    return _stop(c, p, user, "qmstop")


@api("POST", "/nodes/{node}/qemu/{vmid}/status/shutdown")
def qemu_shutdown(c: Cluster, p, user):
    return _stop(c, p, user, "qmshutdown")


@api("POST", "/nodes/{node}/qemu/{vmid}/status/reboot")
def qemu_reboot(c: Cluster, p, user):
    """Qemu.pm vm_reboot: refused at once for a VM that does not run ("VM <id> not running"); the
    'qmreboot' worker (QemuServer.pm vm_reboot -> _do_vm_stop, which checks the config lock) shuts
    the VM down and qmeventd starts it again, so the pending changes are applied and it runs."""
    vm = c.vm(p["node"], p["vmid"])
    if vm["status"] != "running":
        raise die(f"VM {p['vmid']} not running")

    def reboot():
        if vm["config"].get("lock"):
            raise TaskFailed(f"VM is locked ({vm['config']['lock']})")
        for key in list(vm["pending"]):
            apply_pending(vm, int(p["vmid"]), key)
        c.write_vm(vm)
        if qr.missing_bridges(c, vm["node"], vm["config"]):  # qmeventd's start fails as a start does: it stays off
            vm["status"] = "stopped"
    return c.task(p["node"], "qmreboot", str(p["vmid"]), user, reboot)
