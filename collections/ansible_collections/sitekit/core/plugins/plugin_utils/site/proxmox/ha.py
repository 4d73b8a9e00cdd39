"""HA placement: each HA VM's preferred node and the groups kept apart, as PVE 8 groups and PVE 9 rules."""

from __future__ import annotations

from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import SiteError
from ansible_collections.sitekit.core.plugins.plugin_utils.site.proxmox.data import (
    PREFIX,
    HaGroup,
    HaPlacement,
    HaResource,
    HaRule,
    HaVm,
)


def spread_members(site) -> dict[str, list[str]]:
    """Each ``site_proxmox.spread_groups`` entry's VMs (inventory hosts with a ``vm``), which must
    prefer different nodes: that is what keeps a redundant pair apart while every node is up, and
    on PVE 9 the negative resource-affinity rule over them is refused otherwise (pve-ha-manager
    src/PVE/HA/Rules.pm check_negative_resource_affinity_node_affinity_consistency: "two or more
    resources are restricted to less nodes than available to the resources")."""
    prox = site.vars.get("site_proxmox") or {}
    out = {}
    for group in prox.get("spread_groups") or []:
        members = sorted(h for h in site.group(group) if isinstance(site.vms.get(h), dict))
        seen: dict[str, str] = {}
        for host in sorted(members, key=lambda h: site.vms[h].get("vmid", 0)):
            node = site.vms[host].get("node")
            if node in seen:
                raise SiteError(f"{host} prefers node {node} like {seen[node]}, of the same spread group {group}: "
                                "redundant servers must prefer different nodes", key="vm.node", host=host, value=node)
            seen[node] = host
        out[group] = members
    return out


def ha_placement(site) -> HaPlacement:
    """Version-neutral placement: each HA VM's preferred node, and the groups to keep apart."""
    vms = {name: vm for name, vm in site.vms.items() if isinstance(vm, dict) and vm.get("ha")}
    spread = {}
    for group, members in spread_members(site).items():
        ha_members = sorted(int(vms[h]["vmid"]) for h in members if h in vms)
        if len(ha_members) >= 2:
            spread[group] = tuple(ha_members)
    return HaPlacement(nodes=tuple(site.proxmox_nodes),
                       vms=tuple(HaVm(vmid=int(vm["vmid"]), node=vm["node"])
                                 for _, vm in sorted(vms.items(), key=lambda kv: kv[1]["vmid"])),
                       spread=spread)


def _node_list(preferred: str, nodes: tuple[str, ...]) -> str:
    return ",".join(f"{n}:{2 if n == preferred else 1}" for n in nodes)


def _used_nodes(placement: HaPlacement) -> list[str]:
    return sorted({vm.node for vm in placement.vms}, key=placement.nodes.index)


def ha_groups(placement: HaPlacement) -> tuple[HaGroup, ...]:
    """PVE 8: one HA group per node that hosts HA VMs, preferring it (others as fallback, not restricted).
    PVE 8 has no anti-affinity: redundant VMs stay apart through their different preferred nodes."""
    return tuple(HaGroup(group=f"{PREFIX}-{node}", nodes=_node_list(node, placement.nodes), restricted=0, nofailback=0,
                         comment=f"sitekit: HA VMs that prefer {node}") for node in _used_nodes(placement))


def ha_rules(placement: HaPlacement) -> tuple[HaRule, ...]:
    """PVE 9: per node, a non-strict node-affinity rule naming only that node, plus one negative
    resource-affinity rule per spread group.

    The preferred node is the rule's only node; non-strict means every other node stays a fallback
    (pve-ha-manager src/PVE/HA/Rules/NodeAffinity.pm plugin_compile gives the nodes a non-strict
    rule leaves out priority -1). Several priorities, as the PVE 8 groups have, are refused for
    resources that are also in a resource-affinity rule (Rules.pm
    check_single_priority_node_affinity_in_resource_affinity_rules), and the negative rules are
    what keeps redundant pairs apart, on failover too.
    """
    rules = []
    for node in _used_nodes(placement):
        members = [vm.vmid for vm in placement.vms if vm.node == node]
        rules.append(HaRule(rule=f"{PREFIX}-{node}", type="node-affinity", nodes=node,
                            resources=",".join(f"vm:{v}" for v in sorted(members)), strict=0,
                            comment=f"sitekit: HA VMs that prefer {node} (any other node when it is down)"))
    for group, members in sorted(placement.spread.items()):
        rules.append(HaRule(rule=f"{PREFIX}-spread-{group}".replace("_", "-"), type="resource-affinity",
                            affinity="negative", resources=",".join(f"vm:{v}" for v in sorted(members)),
                            comment=f"sitekit: keep {group} on different nodes"))
    return tuple(rules)


def ha_resources(placement: HaPlacement, major: int) -> tuple[HaResource, ...]:
    """The HA resources (one per HA VM); on PVE 8 each names its node's group."""
    return tuple(HaResource(sid=f"vm:{vm.vmid}", state="started", comment="sitekit",
                            group=f"{PREFIX}-{vm.node}" if major < 9 else None) for vm in placement.vms)
