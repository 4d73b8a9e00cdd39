"""The HA rules feasibility checker of PVE 9 (pve-ha-manager 5.0.8/5.1.0, commit df1794d).

``check_feasibility(rules, nodes)`` returns ``{ruleid: {option: [message, ...]}}`` like
src/PVE/HA/Rules.pm check_feasibility, running the registered checks in order:
- Rules/NodeAffinity.pm check_single_resource_reference
- Rules/ResourceAffinity.pm check_resource_affinity_resources_count,
  check_negative_resource_affinity_resources_count, check_inter_resource_affinity_rules_consistency
- Rules.pm (global, since 5.0.4) check_single_priority_node_affinity_in_resource_affinity_rules,
  check_single_node_affinity_per_positive_resource_affinity_rule,
  check_negative_resource_affinity_node_affinity_consistency
Disabled rules take no part (foreach_rule exclude_disabled_rules).
A rule here: ``{"type", "resources": set, "nodes": {node: priority}, "affinity", "strict", "disable"}``.
"""

from __future__ import annotations


def _args(rules: dict) -> tuple[dict, dict, dict]:
    """get_plugin_check_arguments of both plugins: enabled node-affinity, positive, negative rules."""
    enabled = {rid: r for rid, r in rules.items() if not r.get("disable")}
    node = {rid: r for rid, r in enabled.items() if r["type"] == "node-affinity"}
    positive = {rid: r for rid, r in enabled.items() if r["type"] == "resource-affinity" and r.get("affinity") == "positive"}
    negative = {rid: r for rid, r in enabled.items() if r["type"] == "resource-affinity" and r.get("affinity") == "negative"}
    return node, positive, negative


def disjoint_sets(rules: dict) -> list[tuple[list[str], set]]:
    """Rules/Helpers.pm find_disjoint_rules_resource_sets (rules sorted by their lowest resource)."""
    order = sorted(sorted(rules), key=lambda rid: min(rules[rid]["resources"]))
    out: list[tuple[list[str], set]] = []
    for rid in order:
        for ids, resources in out:
            if resources & rules[rid]["resources"]:
                ids.append(rid)
                resources |= rules[rid]["resources"]
                break
        else:
            out.append(([rid], set(rules[rid]["resources"])))
    return out


def _multiple_priorities(rule: dict) -> bool:
    """Rules.pm $has_multiple_priorities."""
    return len(set(rule["nodes"].values())) > 1


def check_feasibility(rules: dict, nodes: list[str]) -> dict:
    node_rules, positive, negative = _args(rules)
    errors: dict = {}

    def add(rid, msg, opt="resources"):
        errors.setdefault(rid, {}).setdefault(opt, []).append(msg)

    # NodeAffinity.pm check_single_resource_reference
    users: dict = {}
    for rid, rule in node_rules.items():
        for sid in rule["resources"]:
            users.setdefault(sid, []).append(rid)
    for rid, sid in sorted((rid, sid) for sid, rids in users.items() if len(rids) > 1 for rid in rids):
        add(rid, f"resource '{sid}' is already used in another node affinity rule")

    # ResourceAffinity.pm check_resource_affinity_resources_count
    for rid in sorted({**positive, **negative}):
        if len({**positive, **negative}[rid]["resources"]) < 2:
            add(rid, "rule is ineffective as there are less than two resources")
    # ResourceAffinity.pm check_negative_resource_affinity_resources_count
    for rid in sorted(negative):
        if len(negative[rid]["resources"]) > len(nodes):
            add(rid, "rule defines more resources than available nodes")
    # ResourceAffinity.pm check_inter_resource_affinity_rules_consistency
    conflicts = []  # a list, as upstream's @conflicts: a rule paired twice gets its message twice
    for ids, resources in disjoint_sets(positive):
        for nid, neg in negative.items():
            if len(resources & neg["resources"]) >= 2:
                conflicts.append(("negative", nid))
                conflicts.extend(("positive", p) for p in ids)
    for kind, rid in sorted(conflicts):
        other = "positive" if kind == "negative" else "negative"
        add(rid, f"rule shares two or more resources with a {other} resource affinity rule")

    # Rules.pm check_single_priority_node_affinity_in_resource_affinity_rules
    conflicts = []  # a list, as upstream's @conflicts: a rule paired twice gets its message twice
    for rid, rule in {**positive, **negative}.items():
        paired = [nid for nid, na in node_rules.items() if rule["resources"] & na["resources"]]
        if any(_multiple_priorities(node_rules[nid]) for nid in paired):
            conflicts.append(("resource-affinity", rid))
            conflicts.extend(("node-affinity", nid) for nid in paired)
    for kind, rid in sorted(conflicts):
        add(rid, "resources are in a resource affinity rule and cannot be in a node affinity rule with multiple priorities"
            if kind == "node-affinity" else "resources are in node affinity rules with multiple priorities")

    # Rules.pm check_single_node_affinity_per_positive_resource_affinity_rule
    conflicts = []  # a list, as upstream's @conflicts: a rule paired twice gets its message twice
    for ids, resources in disjoint_sets(positive):
        paired = [nid for nid, na in node_rules.items() if resources & na["resources"]]
        if len(paired) > 1:
            conflicts.extend(("positive", p) for p in ids)
            conflicts.extend(("node-affinity", nid) for nid in paired)
    for kind, rid in sorted(conflicts):
        add(rid, "resources are in multiple node affinity rules" if kind == "positive" else
            "at least one resource is in a positive resource affinity rule and there are other resources in at least one"
            " other node affinity rule already")

    # Rules.pm check_negative_resource_affinity_node_affinity_consistency
    conflicts = []  # a list, as upstream's @conflicts: a rule paired twice gets its message twice
    for rid, rule in negative.items():
        allowed, located, paired = set(), set(), []
        for nid, na in node_rules.items():
            common = rule["resources"] & na["resources"]
            if common:
                located |= common
                allowed |= set(na["nodes"])
                paired.append(nid)
        if len(allowed) < len(located):
            conflicts.append(("negative", rid))
            conflicts.extend(("node-affinity", nid) for nid in paired)
    for kind, rid in sorted(conflicts):
        add(rid, "two or more resources are restricted to less nodes than available to the resources" if kind == "negative"
            else "at least one resource is in a negative resource affinity rule and this rule would restrict these to less"
            " nodes than available to the resources")
    return errors


def parse_nodes(text: str) -> dict[str, int]:
    """NodeAffinity.pm decode_plugin_value('nodes') / Tools.pm parse_node_priority (default 0)."""
    from .formats import split_list

    out = {}
    for entry in split_list(text):
        node, _, prio = entry.partition(":")
        out[node] = int(prio or 0)
    return out


def encode_nodes(nodes: dict[str, int]) -> str:
    """NodeAffinity.pm encode_plugin_value('nodes'): sorted, ``node:prio`` when prio is set."""
    return ",".join(f"{n}:{p}" if p else n for n, p in sorted(nodes.items()))


def remove_resource(rules: dict, sid: str) -> None:
    """Take ``sid`` out of every rule, deleting a rule left without resources (pve-ha-manager src/PVE/HA/Config.pm
    delete_service_from_config, PVE 9: rules.cfg)."""
    from .formats import split_list

    for rid in list(rules):
        left = [s for s in split_list(rules[rid]["resources"]) if s != sid]
        if left:
            rules[rid]["resources"] = ",".join(left)
        else:
            del rules[rid]
