"""Rules of the Proxmox tier about what PVE itself refuses or the nodes cannot hold, and the seeds' backup policy.

They are validated as one tier with proxmox_rules.py (``tier=``): same order, and the Proxmox view waits for them.
Sources: pve-docs pvecm.adoc
("Adding Redundant Links To An Existing Cluster": every node gets an address on each link number;
"Corosync External Vote Support": the QNet daemon runs on an independent server, QDevices are
discouraged for odd node counts), qm.adoc ("CPU": PVE refuses to start a VM with more vCPUs than the
node has), pve-storage <Type>Plugin.pm options() (the keys each storage type requires), seeds 001/002
(daily backups, weekly kept 5 weeks).
"""

from __future__ import annotations

import ipaddress
from collections import defaultdict

from ansible_collections.sitekit.core.plugins.plugin_utils.site import proxmox_rules
from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import problem
from ansible_collections.sitekit.core.plugins.plugin_utils.site.references import is_template
from ansible_collections.sitekit.core.plugins.plugin_utils.site.rulebook import dig, rule
from ansible_collections.sitekit.core.plugins.plugin_utils.site.wording import is_vaulted, suggest

TIER = proxmox_rules.__name__

# Keys a storage definition needs per type (pve-storage src/PVE/Storage/<Type>Plugin.pm options(): fixed, not optional).
STORAGE_REQUIRED = {"nfs": ("server", "export"), "cifs": ("server", "share"), "iscsi": ("portal", "target"),
                    "lvm": ("vgname",), "lvmthin": ("vgname", "thinpool"), "dir": ("path",), "zfspool": ("pool",),
                    "pbs": ("server", "datastore")}
SEED_KEEP_WEEKLY = 5  # seed 002 art. 6: weekly backups (each weekend) kept 5 weeks


def _nodes(site: Site) -> dict[str, dict]:
    return {n: site.hosts[n].get("pve_node") for n in site.proxmox_nodes
            if n in site.hosts and isinstance(site.hosts[n].get("pve_node"), dict)}


@rule("corosync-links", "corosync links are addresses, distinct on each node, unique in the site, one per link "
      "number on every node, and link N of every node in the same network", tier=TIER)
def corosync_links(site: Site):
    nodes = _nodes(site)
    owners = {site.host_ip(h): h for h in site.hosts if site.host_ip(h) is not None}
    used: dict = {}
    per_link: dict[int, list] = defaultdict(list)
    counts = {}
    for name, node in nodes.items():
        links = node.get("corosync_links")
        if not isinstance(links, list):
            continue
        counts[name] = len(links)
        seen = {}
        for k, raw in enumerate(links):
            key = f"pve_node.corosync_links[{k}]"
            try:
                address = ipaddress.IPv4Address(str(raw).strip())
            except ValueError:
                continue  # the schema says it is no address
            if address in seen:
                yield problem("corosync-links", key, f"link{k} repeats link{seen[address]} ({address}): a second link on "
                              "the same address is no redundancy", value=raw, host=name)
                continue
            seen[address] = k
            owner = owners.get(address)
            if owner is not None and owner != name:
                yield problem("corosync-links", key, f"{address} is the site_ip of {owner}", value=raw, host=name)
            if address in used and used[address][0] != name:
                yield problem("corosync-links", key, f"{address} is also corosync link{used[address][1]} of "
                              f"{used[address][0]}", value=raw, host=name)
            used.setdefault(address, (name, k))
            per_link[k].append((name, address, raw))
    if len(set(counts.values())) > 1:
        most = max(counts.values())
        for name, count in sorted(counts.items()):
            if count < most:
                yield problem("corosync-links", "pve_node.corosync_links", f"{name} has {count} corosync link(s), other "
                              f"nodes {most}: every node needs an address on each link number (pvecm)",
                              value=nodes[name].get("corosync_links"), host=name)
    for k, entries in sorted(per_link.items()):
        nets = {}
        for name, address, raw in entries:
            vlan = next((v for v in site.vlans if address in v.subnet), None)
            nets.setdefault(vlan.id if vlan else None, []).append((name, address, raw))
        if len(nets) > 1 and None not in nets:
            major = max(nets.values(), key=len)
            for vid, group in nets.items():
                if group is not major:
                    for name, address, raw in group:
                        yield problem("corosync-links", f"pve_node.corosync_links[{k}]", f"link{k} of {name} ({address}) is "
                                      f"in VLAN {vid}, link{k} of the other nodes in VLAN "
                                      f"{next(iter(v for v, g in nets.items() if g is major))}: they cannot reach each other",
                                      value=raw, host=name)


@rule("qdevice", "the QDevice runs outside the cluster it arbitrates, and only for an even number of nodes", tier=TIER)
def qdevice(site: Site):
    q = dig(site.vars, ["site_proxmox", "qdevice"])
    if not isinstance(q, dict) or not isinstance(q.get("host"), str):
        return
    host = q["host"]
    if host in site.proxmox_nodes or site.in_group(host, "proxmox_vms"):
        what = "a node" if host in site.proxmox_nodes else "a VM"
        yield problem("qdevice", "site_proxmox.qdevice.host", f"{host} is {what} of the cluster the QDevice arbitrates: "
                      "when that node fails the tie-breaking vote goes with it; run corosync-qnetd on a host outside the "
                      "cluster", value=q["host"])
    elif len(site.proxmox_nodes) % 2:
        # pvecm qdevice setup stops there unless forced (pve-cluster PVE/CLI/pvecm.pm: "Clusters with an odd node
        # count are not officially supported!"), and proxmox_cluster does not force it.
        yield problem("qdevice", "site_proxmox.qdevice.host", f"a QDevice with {len(site.proxmox_nodes)} nodes (odd) "
                      "gives N-1 votes: if it fails no other node may fail; pvecm qdevice setup refuses an odd node "
                      "count; use it with an even number of nodes", value=q["host"])


@rule("subscription-keys", "a Proxmox VE subscription key per node (a key is bound to one server), for every node or "
      "none, each a vault value", tier=TIER)
def subscription_keys(site: Site):
    nodes = list(site.proxmox_nodes)
    single = site.vars.get("vault_proxmox_subscription_key")
    if single is not None and len(nodes) > 1:
        # A key is registered to one server ID (pve-manager PVE/API2/Subscription.pm: "Server ID does not match").
        yield problem("subscription-keys", "vault_proxmox_subscription_key", f"one subscription key for {len(nodes)} "
                      "nodes: a key is bound to one server, the other nodes would be refused it; declare "
                      "vault_proxmox_subscription_keys with one key per node ({node: !vault …})", value=single)
    keyed = site.vars.get("vault_proxmox_subscription_keys")
    if keyed is None:
        return
    if not isinstance(keyed, dict):
        yield problem("subscription-keys", "vault_proxmox_subscription_keys", "must be a mapping of node name to its "
                      "key ({node: !vault …})", value=keyed)
        return
    for name, key in keyed.items():
        if name not in nodes:
            yield problem("subscription-keys", f"vault_proxmox_subscription_keys.{name}", f"{name} is not a node of "
                          f"proxmox_nodes{suggest(name, nodes)}", value=name, fallback=keyed)
        elif not is_vaulted(key) and not is_template(key):
            yield problem("subscription-keys", f"vault_proxmox_subscription_keys.{name}", "is plaintext: encrypt it "
                          "with ansible-vault encrypt_string", fallback=keyed)
    missing = [n for n in nodes if n not in keyed]
    if missing and any(n in keyed for n in nodes):
        yield problem("subscription-keys", "vault_proxmox_subscription_keys", f"no key for {', '.join(missing)}: those "
                      "nodes would use pve-no-subscription and the others pve-enterprise, two package sources in one "
                      "cluster; give every node a key or none", value=keyed)


@rule("vm-fits", "every VM fits on a node: vCPUs within the node's cores, memory within its memory, and the VMs "
      "that prefer a node fit in it", tier=TIER)
def vm_fits(site: Site):
    nodes = _nodes(site)
    cores = {n: v.get("cores") for n, v in nodes.items() if isinstance(v.get("cores"), int)}
    memory = {n: v.get("memory_mb") for n, v in nodes.items() if isinstance(v.get("memory_mb"), int)}
    load: dict[str, int] = defaultdict(int)
    for name, vm in sorted(site.vms.items()):
        if not isinstance(vm, dict):
            continue
        vcpu, mem, node = vm.get("vcpu"), vm.get("memory_mb"), vm.get("node")
        if isinstance(vcpu, int) and cores and vcpu > max(cores.values()):
            yield problem("vm-fits", "vm.vcpu", f"{vcpu} vCPUs: the largest node has {max(cores.values())} cores, and "
                          "Proxmox refuses to start a VM with more vCPUs than its node has", value=vcpu, host=name)
        elif isinstance(vcpu, int) and node in cores and vcpu > cores[node]:
            yield problem("vm-fits", "vm.vcpu", f"{vcpu} vCPUs on {node}, which has {cores[node]} cores", value=vcpu,
                          host=name)
        if isinstance(mem, int) and memory and mem > max(memory.values()):
            yield problem("vm-fits", "vm.memory_mb", f"{mem} MB: the largest node has {max(memory.values())} MB",
                          value=mem, host=name)
        elif isinstance(mem, int) and node in memory:
            load[node] += mem
    for node, total in sorted(load.items()):
        if total > memory[node]:
            yield problem("vm-fits", "vm.node", f"the VMs that prefer {node} need {total} MB, {node} has {memory[node]} MB: "
                          "some would not start there", fallback=site.hosts[node].get("pve_node"), host=node,
                          severity="warning")


@rule("vm-disks", "VM disks are on declared storages that hold images; an HA VM's disks are on shared storage; no "
      "VMID is a template's", tier=TIER)
def vm_disks(site: Site):
    prox = site.vars.get("site_proxmox") if isinstance(site.vars.get("site_proxmox"), dict) else {}
    stores = {s.get("id"): s for s in prox.get("storage") or [] if isinstance(s, dict)}
    templates = {v: k for k, v in (prox.get("templates") or {}).items() if isinstance(v, int)} \
        if isinstance(prox.get("templates"), dict) else {}
    for name, vm in sorted(site.vms.items()):
        if not isinstance(vm, dict):
            continue
        if isinstance(vm.get("vmid"), int) and vm["vmid"] in templates:
            yield problem("vm-disks", "vm.vmid", f"VMID {vm['vmid']} is the {templates[vm['vmid']]} template "
                          "(site_proxmox.templates): the clone would replace it", value=vm["vmid"], host=name)
        for i, disk in enumerate(vm.get("disks") or []):
            if not isinstance(disk, dict):
                continue
            sid = disk.get("storage", prox.get("vm_storage"))
            tagged = disk.get("storage")
            if sid is None or not stores:
                continue
            store = stores.get(sid)
            key = f"vm.disks[{i}].storage"
            if store is None:
                yield problem("vm-disks", key, f"storage {sid!r} is not declared in site_proxmox.storage"
                              f"{suggest(str(sid), [str(s) for s in stores], 0.6)}", value=tagged, host=name,
                              fallback=disk)
            elif "images" not in (store.get("content") or []):
                yield problem("vm-disks", key, f"storage {sid!r} does not hold VM disks (content {store.get('content')}, "
                              "needs images)", value=tagged, host=name, fallback=disk)
            elif vm.get("ha") and not store.get("shared", store.get("type") in ("nfs", "rbd", "cifs", "iscsi")):
                yield problem("vm-disks", key, f"storage {sid!r} is local to one node: HA could not restart {name} "
                              "elsewhere; use shared storage", value=tagged, host=name, fallback=disk)


@rule("storage-options", "each storage declares what its type needs (pve-storage: nfs server and export, iscsi portal "
      "and target, lvm vgname…)", tier=TIER)
def storage_options(site: Site):
    prox = site.vars.get("site_proxmox") if isinstance(site.vars.get("site_proxmox"), dict) else {}
    for i, store in enumerate(prox.get("storage") or []):
        if not isinstance(store, dict):
            continue
        missing = [k for k in STORAGE_REQUIRED.get(store.get("type"), ()) if store.get(k) in (None, "")]
        if missing:
            yield problem("storage-options", f"site_proxmox.storage[{i}]", f"a {store.get('type')} storage needs "
                          f"{' and '.join(missing)} (Proxmox refuses to create {store.get('id')!r} without)", value=store)


@rule("backup-policy", "backups run every day (RPO 24 h) and keep 5 weekly copies (seeds 001, 002)", tier=TIER)
def backup_policy(site: Site):
    backup = site.vars.get("site_backup") if isinstance(site.vars.get("site_backup"), dict) else {}
    days = backup.get("days")
    week = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    if isinstance(days, list) and all(isinstance(d, str) for d in days) and set(days) <= set(week):
        missing = [d for d in week if d not in days]
        if missing:
            yield problem("backup-policy", "site_backup.days", f"no backup on {', '.join(missing)}: the seeds ask a daily "
                          "backup (restorable at J-1…J-7, RPO 24 h)", value=days)
    weekly = dig(backup, ["retention", "keep_weekly"])
    if isinstance(weekly, int) and not isinstance(weekly, bool) and weekly < SEED_KEEP_WEEKLY:
        yield problem("backup-policy", "site_backup.retention.keep_weekly", f"{weekly} is below the contractual minimum "
                      f"{SEED_KEEP_WEEKLY} (seed 002: weekly backups kept 5 weeks)", value=weekly)
