"""Validation of a site: JSON Schema of every variable, then rules that cross variables.

``validate(site)`` returns every Problem at once (errors and warnings), each naming
the file and line, the host and the key. ``RULES`` lists what is checked, with the
source of each requirement, so that ``make validate`` can print it.
"""

from __future__ import annotations

import difflib
import ipaddress
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

from ansible_collections.sitekit.core.plugins.module_utils.site_model import (
    Problem,
    Site,
    is_reference,
    is_vaulted,
    origin_of,
)
from ansible_collections.sitekit.core.plugins.module_utils.site_schema import (
    HOST,
    HOST_FACTS_BY_GROUP,
    REQUIRED_SITE_VARS,
    SITE,
)

Rule = Callable[[Site], Iterable[Problem]]
RULES: list[tuple[str, str, Rule]] = []


def rule(rule_id: str, description: str):
    def register(func: Rule) -> Rule:
        RULES.append((rule_id, description, func))
        func.rule_id = rule_id
        return func

    return register


def _p(rule_id: str, key: str, message: str, value=None, host=None, severity="error", fallback=None) -> Problem:
    where = origin_of(value) if value is not None else None
    if where is None and fallback is not None:
        where = origin_of(fallback)
    return Problem(rule_id, key, message, host=host, where=where, severity=severity)


def _path(base: str, parts) -> str:
    out = base
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _dig(value, parts):
    for part in parts:
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            return None
    return value


def _plain(value):
    """Tagged ansible values as plain JSON types, so jsonschema checks types strictly."""
    if isinstance(value, dict):
        return {str(k) if not isinstance(k, (int, str)) else k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if is_vaulted(value):
        return "{{ vaulted }}"
    for kind in (bool, int, float, str):
        if isinstance(value, kind):
            return kind(value)
    return value


# ---------------------------------------------------------------------------------------
# Schema
# ---------------------------------------------------------------------------------------
def _schema_problems(schema: dict, value, key: str, host: str | None, fallback) -> Iterable[Problem]:
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema)
    for error in sorted(validator.iter_errors(_plain(value)), key=lambda e: list(e.absolute_path)):
        parts = list(error.absolute_path)
        at = _dig(value, parts)
        yield _p("schema", _path(key, parts), _schema_message(error), value=at if at is not None else None,
                 host=host, fallback=_dig(value, parts[:-1]) or fallback)


def _schema_message(error) -> str:
    v = error.validator
    if v == "required":
        return error.message.replace("is a required property", "is required")
    if v == "additionalProperties":
        return "unknown key: " + error.message.split("(")[-1].rstrip(")").replace(" were unexpected", "").replace(" was unexpected", "")
    if v in ("enum", "const"):
        return f"{error.instance!r} is not one of {error.validator_value!r}"
    if v == "type":
        hint = ""
        if isinstance(error.instance, int) and ":" in str(error.schema.get("pattern", "")):
            hint = " (quote times: YAML reads an unquoted 12:00 as the number 720)"
        return f"{error.instance!r} is not of type {error.validator_value}{hint}"
    if v == "pattern":
        return f"{error.instance!r} does not match the expected form {error.validator_value}"
    return error.message


@rule("schema", "every site variable and host fact has the declared type, keys and ranges (JSON Schema)")
def check_schema(site: Site):
    for key in REQUIRED_SITE_VARS:
        if key not in site.vars:
            yield _p("schema", key, "required site variable is missing (declare it in group_vars/all/)")
    for key in sorted(site.vars):
        if key.startswith("site_") and key not in SITE:
            close = difflib.get_close_matches(key, list(SITE), n=1)
            yield _p("schema", key, "unknown site variable" + (f" (did you mean {close[0]}?)" if close else ""),
                     value=site.vars[key])
    for key, schema in SITE.items():
        if key in site.vars:
            yield from _schema_problems(schema, site.vars[key], key, None, site.vars[key])
    for name, host in site.hosts.items():
        for key in ("site_vlan", "site_ip"):
            if key not in host.vars:
                yield _p("schema", key, "every host needs a site address (site_vlan and site_ip in host_vars)", host=name)
            else:
                yield from _schema_problems(HOST[key], host.vars[key], key, name, host.vars[key])
        for group, key in HOST_FACTS_BY_GROUP.items():
            if site.in_group(name, group):
                if key not in host.vars:
                    yield _p("schema", key, f"hosts of group {group} need '{key}' in host_vars", host=name,
                             fallback=host.vars.get("site_ip"))
                else:
                    yield from _schema_problems(HOST[key], host.vars[key], key, name, host.vars[key])


# ---------------------------------------------------------------------------------------
# Network plan
# ---------------------------------------------------------------------------------------
@rule("vlan-unique", "VLAN ids and names are unique (seed 003 §3a plan d'adressage)")
def vlans_unique(site: Site):
    items = site.vars.get("site_vlans") or []
    for attr in ("id", "name"):
        counts = Counter(_dig(v, [attr]) for v in items)
        for i, item in enumerate(items):
            if counts[_dig(item, [attr])] > 1:
                yield _p("vlan-unique", f"site_vlans[{i}].{attr}", f"VLAN {attr} {_dig(item, [attr])} is declared more than once",
                         value=_dig(item, [attr]))


@rule("subnet", "subnets are valid IPv4 networks that do not overlap (SITE-SPEC §2: /24 per VLAN)")
def subnets(site: Site):
    items = site.vars.get("site_vlans") or []
    nets = []
    for i, item in enumerate(items):
        raw = _dig(item, ["subnet"])
        try:
            net = ipaddress.IPv4Network(str(raw))
        except (ValueError, TypeError) as exc:
            yield _p("subnet", f"site_vlans[{i}].subnet", f"{raw!r} is not a valid IPv4 network ({exc})", value=raw)
            continue
        for j, other in nets:
            if net.overlaps(other):
                yield _p("subnet", f"site_vlans[{i}].subnet", f"{net} overlaps {other} of site_vlans[{j}]", value=raw)
        nets.append((i, net))
    roles = {v.role for v in site.vlans}
    for needed in ("servers", "management", "clients"):
        if site.vlans and needed not in roles:
            yield _p("subnet", "site_vlans", f"no VLAN has role '{needed}'", fallback=site.vars.get("site_vlans"))


@rule("gateway", "the GLBP virtual gateway and both router addresses fall inside every VLAN (SITE-SPEC §2)")
def gateways(site: Site):
    glbp = site.vars.get("site_glbp") or {}
    numbers = [("virtual_host", glbp.get("virtual_host"))] + [(f"{r}.host", (glbp.get(r) or {}).get("host")) for r in ("primary", "secondary")]
    seen = Counter(n for _, n in numbers if n is not None)
    for key, n in numbers:
        if n is None:
            continue
        if seen[n] > 1:
            yield _p("gateway", f"site_glbp.{key}", f"host number {n} is used twice among the gateway and routers", value=n)
        for vlan in site.vlans:
            if not isinstance(n, int) or not 0 < n < vlan.subnet.num_addresses - 1:
                yield _p("gateway", f"site_glbp.{key}", f"host number {n} is outside VLAN {vlan.id} {vlan.subnet}", value=n)
    prio = [(glbp.get(r) or {}).get("priority") for r in ("primary", "secondary")]
    if None not in prio and prio[0] <= prio[1]:
        yield _p("gateway", "site_glbp.primary.priority",
                 f"the primary router must have the higher GLBP priority to be AVG ({prio[0]} <= {prio[1]})", value=prio[0])


@rule("host-address", "every host's VLAN exists and its address is inside that VLAN, not reserved, and unique")
def host_addresses(site: Site):
    reserved = site.reserved_hosts()
    owners = defaultdict(list)
    for name, host in site.hosts.items():
        vlan_id, raw = host.get("site_vlan"), host.get("site_ip")
        if vlan_id is None or raw is None:
            continue
        vlan = site.vlan(vlan_id) if isinstance(vlan_id, int) else None
        if vlan is None:
            yield _p("host-address", "site_vlan", f"VLAN {vlan_id} is not in site_vlans", value=vlan_id, host=name)
            continue
        try:
            ip = ipaddress.IPv4Address(str(raw))
        except ValueError:
            yield _p("host-address", "site_ip", f"{raw!r} is not an IPv4 address", value=raw, host=name)
            continue
        owners[ip].append(name)
        if ip not in vlan.subnet:
            yield _p("host-address", "site_ip", f"{ip} is outside VLAN {vlan.id} ({vlan.subnet})", value=raw, host=name)
        elif ip in (vlan.subnet.network_address, vlan.subnet.broadcast_address):
            yield _p("host-address", "site_ip", f"{ip} is the network or broadcast address of {vlan.subnet}", value=raw, host=name)
        else:
            n = int(ip) - int(vlan.subnet.network_address)
            role = (host.get("router") or {}).get("role") if site.in_group(name, "cisco_routers") else None
            if n in reserved and reserved[n] != f"{role} router":
                yield _p("host-address", "site_ip", f"{ip} is reserved for the {reserved[n]}", value=raw, host=name)
    for ip, names in owners.items():
        if len(names) > 1:
            for name in names:
                yield _p("host-address", "site_ip", f"{ip} is used by {', '.join(sorted(names))}",
                         value=site.hosts[name].get("site_ip"), host=name)


@rule("device-address", "switches and routers are managed in the management VLAN; routers sit at their GLBP role's address")
def device_addresses(site: Site):
    mgmt = {v.id for v in site.vlan_for_role("management")}
    for name in site.group("cisco_switches") + site.group("cisco_routers"):
        vlan_id = site.hosts[name].get("site_vlan")
        if mgmt and vlan_id not in mgmt:
            yield _p("device-address", "site_vlan", f"network devices are managed in the management VLAN {sorted(mgmt)}, not {vlan_id}",
                     value=vlan_id, host=name)
    roles = Counter()
    for name in site.group("cisco_routers"):
        role = (site.hosts[name].get("router") or {}).get("role")
        roles[role] += 1
        expected = site.router_address(site.hosts[name].get("site_vlan"), role) if role else None
        if expected is not None and site.host_ip(name) not in (None, expected):
            yield _p("device-address", "site_ip", f"the {role} router answers at {expected} in its VLAN (site_glbp.{role}.host)",
                     value=site.hosts[name].get("site_ip"), host=name)
    if site.group("cisco_routers") and (roles["primary"] != 1 or roles["secondary"] != 1):
        yield _p("device-address", "router.role", "GLBP needs exactly one primary and one secondary router "
                 f"(found {dict(roles)})", fallback=site.vars.get("site_glbp"))


@rule("port-profile", "port profiles and access ports reference existing VLANs and profiles")
def port_profiles(site: Site):
    profiles = site.vars.get("site_port_profiles") or {}
    ids = {v.id for v in site.vlans}
    for name, prof in profiles.items():
        vlan = _dig(prof, ["vlan"])
        if ids and vlan not in ids:
            yield _p("port-profile", f"site_port_profiles.{name}.vlan", f"VLAN {vlan} is not in site_vlans", value=vlan)
    for host in site.group("cisco_switches"):
        for i, item in enumerate(_dig(site.hosts[host].vars, ["switch", "access_ports"]) or []):
            prof = _dig(item, ["profile"])
            if prof not in profiles:
                yield _p("port-profile", f"switch.access_ports[{i}].profile", f"profile {prof!r} is not in site_port_profiles",
                         value=prof, host=host)


# Catalyst 2960 families that stack (FlexStack / FlexStack-Plus); the plain 2960, 2960-C/-L/-CX do not.
STACKABLE = re.compile(r"^WS-C2960(S|X|XR)-")


@rule("stack", "stack members are unique, of a stackable model, and the master is deterministic (one highest priority)")
def stacks(site: Site):
    for host in site.group("cisco_switches"):
        stack = _dig(site.hosts[host].vars, ["switch", "stack"]) or []
        members = Counter(_dig(m, ["member"]) for m in stack)
        prios = sorted((_dig(m, ["priority"]) or 0 for m in stack), reverse=True)
        if any(c > 1 for c in members.values()):
            yield _p("stack", "switch.stack", "stack member numbers repeat", value=stack, host=host)
        if len(prios) > 1 and prios[0] == prios[1]:
            yield _p("stack", "switch.stack", "two members share the highest priority: the stack master would be chosen by chance",
                     value=stack, host=host)
        solo = sorted({str(_dig(m, ["model"])) for m in stack if not STACKABLE.match(str(_dig(m, ["model"]) or ""))})
        if len(stack) > 1 and solo:
            yield _p("stack", "switch.stack", f"model {', '.join(solo)} cannot stack (FlexStack: 2960-S, 2960-X, 2960-XR)",
                     value=stack, host=host)
        if site.hosts[host].vars.get("switch", {}).get("role") == "core" and len(stack) < 2:
            yield _p("stack", "switch.stack", "the core must be a stack of two (seed 003 §3a)", value=stack, host=host)
    cores = [h for h in site.group("cisco_switches") if _dig(site.hosts[h].vars, ["switch", "role"]) == "core"]
    if site.group("cisco_switches") and len(cores) != 1:
        yield _p("stack", "switch.role", f"exactly one core switch stack is expected (found {len(cores)})")


@rule("link", "links join known devices, use each port once, and aggregated links have 2+ members on both sides")
def links(site: Site):
    used = defaultdict(list)
    for i, link in enumerate(site.vars.get("site_links") or []):
        for side in ("a", "b"):
            dev = _dig(link, [side])
            if dev not in site.hosts:
                yield _p("link", f"site_links[{i}].{side}", f"device {dev!r} is not in the inventory", value=dev)
            for port in _dig(link, [f"{side}_ports"]) or []:
                used[(dev, str(port))].append(i)
        a, b = _dig(link, ["a_ports"]) or [], _dig(link, ["b_ports"]) or []
        if _dig(link, ["channel"]) is not None and (len(a) < 2 or len(b) < 2):
            yield _p("link", f"site_links[{i}].channel", "an LACP port-channel needs at least two members on each side",
                     value=_dig(link, ["channel"]))
        if _dig(link, ["channel"]) is None and (len(a) > 1 or len(b) > 1):
            yield _p("link", f"site_links[{i}]", "several ports without a channel would make a loop: set 'channel'", fallback=link)
    for (dev, port), idx in used.items():
        if len(idx) > 1:
            yield _p("link", f"site_links[{idx[1]}]", f"port {port} of {dev} is used by links {idx}",
                     fallback=(site.vars.get("site_links") or [None])[idx[1]])
    channels = defaultdict(list)
    for i, link in enumerate(site.vars.get("site_links") or []):
        if _dig(link, ["channel"]) is not None:
            for side in ("a", "b"):
                channels[(_dig(link, [side]), _dig(link, ["channel"]))].append(i)
    for (dev, ch), idx in channels.items():
        if len(idx) > 1:
            yield _p("link", f"site_links[{idx[1]}].channel", f"Port-channel {ch} is used twice on {dev}",
                     value=_dig(site.vars["site_links"][idx[1]], ["channel"]))


# ---------------------------------------------------------------------------------------
# Proxmox, HA and backups
# ---------------------------------------------------------------------------------------
@rule("ha-quorum", "HA needs at least 3 votes: 3 nodes, or 2 nodes plus a QDevice (SITE-SPEC §3)")
def ha_quorum(site: Site):
    nodes = site.proxmox_nodes
    qdevice = (site.vars.get("site_proxmox") or {}).get("qdevice")
    votes = len(nodes) + (1 if qdevice else 0)
    if any((vm or {}).get("ha") for vm in site.vms.values()) and votes < 3:
        yield _p("ha-quorum", "site_proxmox.qdevice", f"HA needs 3 votes; the cluster has {len(nodes)} node(s) "
                 f"{'and a QDevice' if qdevice else 'and no QDevice'} = {votes}", fallback=site.vars.get("site_proxmox"))
    if qdevice and qdevice.get("host") not in site.hosts:
        yield _p("ha-quorum", "site_proxmox.qdevice.host", f"QDevice host {qdevice.get('host')!r} is not in the inventory",
                 value=qdevice.get("host"))


@rule("vm-placement", "VM ids and fixed MACs are unique, preferred nodes exist, the cluster runs every VM with one node down")
def vm_placement(site: Site):
    nodes = set(site.proxmox_nodes)
    vmids, macs = defaultdict(list), defaultdict(list)
    for name, vm in site.vms.items():
        if not isinstance(vm, dict):
            continue
        vmids[vm.get("vmid")].append(name)
        if vm.get("node") not in nodes:
            yield _p("vm-placement", "vm.node", f"node {vm.get('node')!r} is not in proxmox_nodes {sorted(nodes)}", value=vm.get("node"), host=name)
        if "mac" in vm:
            mac = str(vm["mac"])
            if not re.fullmatch(r"([0-9A-F]{2}:){5}[0-9A-F]{2}", mac):
                yield _p("vm-placement", "vm.mac", f"{mac!r} is not a MAC address in the form AA:BB:CC:DD:EE:FF", value=vm["mac"], host=name)
            elif int(mac[:2], 16) & 1:
                yield _p("vm-placement", "vm.mac", f"{mac} is a multicast address", value=vm["mac"], host=name)
            macs[mac].append(name)
    for vmid, names in vmids.items():
        if len(names) > 1:
            for name in names:
                yield _p("vm-placement", "vm.vmid", f"VMID {vmid} is used by {', '.join(sorted(names))}", value=site.vms[name]["vmid"], host=name)
    for mac, names in macs.items():
        if len(names) > 1:
            for name in names:
                yield _p("vm-placement", "vm.mac", f"MAC {mac} is used by {', '.join(sorted(names))}", value=site.vms[name]["mac"], host=name)
    capacity = sorted(((site.hosts[n].get("pve_node") or {}).get("memory_mb") or 0 for n in nodes), reverse=True)
    need = sum((vm or {}).get("memory_mb") or 0 for vm in site.vms.values() if isinstance(vm, dict) and vm.get("ha"))
    if len(capacity) > 1 and all(isinstance(c, int) for c in capacity):
        survivors = sum(capacity[1:])
        if need > survivors:
            yield _p("vm-placement", "vm.memory_mb", f"HA VMs need {need} MB but the cluster has {survivors} MB with its "
                     "largest node down: a node failure could not be absorbed", fallback=site.vars.get("site_proxmox"))


@rule("spread", "each redundant pair (spread_groups) has 2+ members and enough nodes to keep them apart")
def spread(site: Site):
    prox = site.vars.get("site_proxmox") or {}
    for group in prox.get("spread_groups") or []:
        members = site.group(group)
        if group not in site.groups:
            yield _p("spread", "site_proxmox.spread_groups", f"group {group!r} is not in the inventory", value=group)
        elif len(members) < 2:
            yield _p("spread", "site_proxmox.spread_groups", f"group {group!r} has {len(members)} member(s): nothing to keep apart", value=group)
        elif len(members) > max(len(site.proxmox_nodes), 1):
            yield _p("spread", "site_proxmox.spread_groups", f"group {group!r} has {len(members)} members for "
                     f"{len(site.proxmox_nodes)} nodes: two would share a node", value=group, severity="warning")


@rule("storage", "the VM storage is shared and holds images; the backup storage exists and holds backups")
def storage(site: Site):
    prox = site.vars.get("site_proxmox") or {}
    stores = {s.get("id"): s for s in prox.get("storage") or [] if isinstance(s, dict)}
    vm_store = stores.get(prox.get("vm_storage"))
    if prox.get("vm_storage") and vm_store is None:
        yield _p("storage", "site_proxmox.vm_storage", f"storage {prox.get('vm_storage')!r} is not declared", value=prox.get("vm_storage"))
    elif vm_store is not None and ("images" not in (vm_store.get("content") or []) or not vm_store.get("shared", vm_store.get("type") in ("nfs", "rbd"))):
        yield _p("storage", "site_proxmox.vm_storage", "VM disks need a shared storage with content 'images' for HA",
                 value=prox.get("vm_storage"))
    for sid, store in stores.items():
        if store.get("type") == "lvm" and store.get("base") and store["base"] not in stores:
            yield _p("storage", f"site_proxmox.storage.{sid}.base", f"base storage {store['base']!r} is not declared", value=store["base"])
    backup = site.vars.get("site_backup") or {}
    target = stores.get(backup.get("storage"))
    if backup.get("storage") and (target is None or "backup" not in (target.get("content") or [])):
        yield _p("storage", "site_backup.storage", f"{backup.get('storage')!r} must be a storage of site_proxmox with content 'backup'",
                 value=backup.get("storage"))


@rule("retention", "backups keep at least 7 daily and 2 monthly copies (seeds 001 art. 9, 002 art. 6: J-1…J-7, M-1…M-2)")
def retention(site: Site):
    keep = (site.vars.get("site_backup") or {}).get("retention") or {}
    for key, minimum in (("keep_daily", 7), ("keep_monthly", 2)):
        value = keep.get(key)
        if isinstance(value, int) and value < minimum:
            yield _p("retention", f"site_backup.retention.{key}", f"{value} is below the contractual minimum {minimum}", value=value)


def _minutes(hhmm: str) -> int:
    h, m = str(hhmm).split(":")
    return int(h) * 60 + int(m)


def in_window(windows: list, day: str, hhmm: str) -> bool:
    """True when ``day`` at ``hhmm`` falls inside one of the maintenance windows."""
    days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    t = _minutes(hhmm)
    for w in windows:
        start, end = _minutes(w["start"]), _minutes(w["end"])
        if start < end and day in w["days"] and start <= t < end:
            return True
        if start >= end:  # crosses midnight: evening of a listed day, or morning after it
            prev = days[(days.index(day) - 1) % 7]
            if (day in w["days"] and t >= start) or (prev in w["days"] and t < end):
                return True
    return False


@rule("maintenance", "the nightly backup runs inside a maintenance window (SITE-SPEC §7)")
def backup_window(site: Site):
    backup = site.vars.get("site_backup") or {}
    windows = site.vars.get("site_maintenance_windows") or []
    try:
        outside = [d for d in backup.get("days") or [] if not in_window(windows, d, backup["schedule"])]
    except (KeyError, ValueError, TypeError):
        return
    if outside:
        yield _p("maintenance", "site_backup.schedule", f"{backup['schedule']} on {', '.join(outside)} is outside every "
                 "maintenance window", value=backup.get("schedule"))


# ---------------------------------------------------------------------------------------
# Cegid prerequisites (seed 000)
# ---------------------------------------------------------------------------------------
def _windows_version(os_name) -> int | None:
    m = re.fullmatch(r"windows(\d{4})", str(os_name))
    return int(m.group(1)) if m else None


@rule("cegid-sql", "the Cegid SQL Server meets seed 000: Windows 2012+ (2016 rec.), 8 GB+ (16 GB rec.), collation *_CI_AS")
def cegid_sql(site: Site):
    cegid = site.vars.get("site_cegid") or {}
    req = cegid.get("database_server") or {}
    collation = (cegid.get("sql") or {}).get("collation")
    if collation is not None and not str(collation).endswith("_CI_AS"):
        yield _p("cegid-sql", "site_cegid.sql.collation", f"{collation!r} must be case-insensitive and accent-sensitive (*_CI_AS)",
                 value=collation)
    if (cegid.get("sql") or {}).get("authentication") not in (None, "windows"):
        yield _p("cegid-sql", "site_cegid.sql.authentication", "Cegid requires Windows authentication mode",
                 value=cegid["sql"]["authentication"])
    for name in site.group("sql_servers"):
        vm = site.hosts[name].get("vm") or {}
        yield from _sizing(name, vm, req, vm.get("memory_mb"), "cegid-sql", "database server")


def _sizing(name, vm, req, need_mb, rule_id, what):
    version = _windows_version(vm.get("os"))
    mem = vm.get("memory_mb")
    if version and req.get("min_windows") and version < req["min_windows"]:
        yield _p(rule_id, "vm.os", f"Windows {version} is below the Cegid minimum {req['min_windows']} for a {what}", value=vm.get("os"), host=name)
    elif version and req.get("recommended_windows") and version < req["recommended_windows"]:
        yield _p(rule_id, "vm.os", f"Windows {version} is below the recommended {req['recommended_windows']}", value=vm.get("os"),
                 host=name, severity="warning")
    if isinstance(mem, int) and req.get("min_memory_mb") and mem < max(req["min_memory_mb"], need_mb or 0):
        yield _p(rule_id, "vm.memory_mb", f"{mem} MB is below the Cegid minimum {max(req['min_memory_mb'], need_mb or 0)} MB "
                 f"for a {what}", value=mem, host=name)


@rule("cegid-rds", "session hosts carry the declared users: RAM ≥ 8 GB + 100 MB/user, 1 vCPU per ≤ 20 users (seed 000)")
def cegid_rds(site: Site):
    cegid = site.vars.get("site_cegid") or {}
    req = cegid.get("presentation_server") or {}
    users = cegid.get("concurrent_users")
    hosts = site.group("rds_session_hosts")
    if not isinstance(users, int) or not req:
        return
    if users > req.get("rds_mandatory_above_users", 15) and not hosts:
        yield _p("cegid-rds", "site_cegid.concurrent_users", f"{users} users need an RDS farm (mandatory beyond "
                 f"{req.get('rds_mandatory_above_users', 15)}): no host in rds_session_hosts", value=users)
        return
    per_host = math.ceil(users / max(len(hosts), 1))
    for name in hosts:
        vm = site.hosts[name].get("vm") or {}
        need_mb = req["min_memory_mb"] + req["memory_per_user_mb"] * per_host
        yield from _sizing(name, vm, req, need_mb, "cegid-rds", f"session host with {per_host} users")
        mem, vcpu = vm.get("memory_mb"), vm.get("vcpu")
        rec_mb = req["recommended_memory_mb"] + req["memory_per_user_mb"] * per_host
        if isinstance(mem, int) and need_mb <= mem < rec_mb:
            yield _p("cegid-rds", "vm.memory_mb", f"{mem} MB is below the recommended {rec_mb} MB for {per_host} users",
                     value=mem, host=name, severity="warning")
        if isinstance(vcpu, int):
            need_cpu = math.ceil(per_host / req["users_per_vcpu_max"])
            rec_cpu = math.ceil(per_host / req["users_per_vcpu_recommended"])
            if vcpu < need_cpu:
                yield _p("cegid-rds", "vm.vcpu", f"{vcpu} vCPU for {per_host} users: at least {need_cpu} needed "
                         f"(1 CPU per {req['users_per_vcpu_max']} users)", value=vcpu, host=name)
            elif vcpu < rec_cpu:
                yield _p("cegid-rds", "vm.vcpu", f"{vcpu} vCPU is below the recommended {rec_cpu} for {per_host} users",
                         value=vcpu, host=name, severity="warning")


@rule("firewall", "firewall rules target existing groups and scope inbound rules to site subnets, never Any")
def firewall(site: Site):
    for i, item in enumerate(site.vars.get("site_cegid_firewall") or []):
        for group in _dig(item, ["hosts_groups"]) or []:
            if group not in site.groups:
                yield _p("firewall", f"site_cegid_firewall[{i}].hosts_groups", f"group {group!r} is not in the inventory", value=group)
        if _dig(item, ["direction"]) == "in" and "internet" in (_dig(item, ["scope"]) or []):
            yield _p("firewall", f"site_cegid_firewall[{i}].scope", "an inbound rule may not admit the Internet",
                     value=_dig(item, ["scope"]))


# ---------------------------------------------------------------------------------------
# Services and secrets
# ---------------------------------------------------------------------------------------
@rule("services", "service hosts named in site_config_archive, site_infra and site_proxy exist in the right groups")
def services(site: Site):
    archive = site.vars.get("site_config_archive") or {}
    for key in ("primary", "backup"):
        host = archive.get(key)
        if host is not None and not site.in_group(host, "ftp_archive"):
            yield _p("services", f"site_config_archive.{key}", f"{host!r} is not in group ftp_archive", value=host)
    if archive.get("primary") and archive.get("primary") == archive.get("backup"):
        yield _p("services", "site_config_archive.backup", "the backup FTP server must differ from the primary", value=archive["backup"])
    ports = archive.get("passive_ports") or []
    if len(ports) == 2 and all(isinstance(p, int) for p in ports) and ports[0] > ports[1]:
        yield _p("services", "site_config_archive.passive_ports", f"range {ports[0]}-{ports[1]} is reversed", value=ports)
    for key, value in (site.vars.get("site_infra") or {}).items():
        if key.endswith("_group") and value not in site.groups:
            yield _p("services", f"site_infra.{key}", f"group {value!r} is not in the inventory", value=value)
        if key.endswith("_host") and value not in site.hosts:
            yield _p("services", f"site_infra.{key}", f"host {value!r} is not in the inventory", value=value)
    for vlan_id in (site.vars.get("site_security") or {}).get("vty_allowed_vlans") or []:
        if site.vlans and site.vlan(vlan_id) is None:
            yield _p("services", "site_security.vty_allowed_vlans", f"VLAN {vlan_id} is not in site_vlans", value=vlan_id)
    glpi = site.vars.get("site_glpi") or {}
    if "sha256" in glpi and not glpi["sha256"]:
        yield _p("services", "site_glpi.sha256", f"GLPI {glpi.get('version')} is not pinned by checksum yet: the glpi role "
                 "refuses to install it until the sha256 of the verified release is filled in", value=None, severity="warning")


SECRET_KEY = re.compile(r"(password|passwd|secret|token|api_key|private_key)", re.I)
REF = re.compile(r"\{\{\s*(vault_[a-z0-9_]+)\s*\}\}")


def _walk(value, path):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(v, f"{path}[{i}]")
    else:
        yield path, value


@rule("secrets", "every secret is a vault_* variable that is present and vault-encrypted (or a lookup); none is plaintext")
def secrets(site: Site):
    required = [str(s) for s in site.vars.get("site_required_secrets") or []]
    referenced = set()
    scopes = [(None, site.vars)] + [(name, host.vars) for name, host in site.hosts.items()]
    for host, variables in scopes:
        for path, value in _walk(variables, ""):
            leaf = re.sub(r"(\[\d+\])+$", "", path.rsplit(".", 1)[-1])
            if isinstance(value, str):
                referenced.update(REF.findall(value))
            if path.startswith(("vault_", "site_required_secrets")) or not SECRET_KEY.search(leaf) or value is None:
                continue
            if not (is_vaulted(value) or is_reference(value)):
                yield _p("secrets", path, "looks like a plaintext secret: use a vault_* variable or a lookup", value=value, host=host)
    for name in required:
        value = site.vars.get(name)
        if value is None:
            yield _p("secrets", name, "required secret is missing (add it to group_vars/all/vault.yml with ansible-vault encrypt_string)",
                     fallback=site.vars.get("site_required_secrets"))
        elif not (is_vaulted(value) or is_reference(value)):
            yield _p("secrets", name, "secret is plaintext: encrypt it with ansible-vault encrypt_string", value=value)
    for name in sorted(referenced - set(required)):
        yield _p("secrets", name, "is referenced but not listed in site_required_secrets", fallback=site.vars.get("site_required_secrets"))
    for name, value in site.vars.items():
        if name.startswith("vault_") and not (is_vaulted(value) or is_reference(value)):
            yield _p("secrets", name, "secret is plaintext: encrypt it with ansible-vault encrypt_string", value=value)


# ---------------------------------------------------------------------------------------
def validate(site: Site) -> list[Problem]:
    """Every problem of the site; a rule that fails on malformed data never hides the others."""
    problems: list[Problem] = []
    for rule_id, _, func in RULES:
        try:
            problems.extend(func(site))
        except Exception as exc:  # noqa: BLE001 - a malformed value must not end validation
            if not any(p.rule == "schema" for p in problems):
                problems.append(Problem(rule_id, "-", f"could not be checked: {type(exc).__name__}: {exc}"))
    return problems


def describe_rules() -> list[tuple[str, str]]:
    return [(rule_id, description) for rule_id, description, _ in RULES]
