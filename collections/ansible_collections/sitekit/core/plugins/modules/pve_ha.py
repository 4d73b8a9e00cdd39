#!/usr/bin/python
"""Proxmox VE HA placement, version-aware: groups on PVE 8, affinity rules on PVE 9."""

from __future__ import annotations

DOCUMENTATION = r"""
module: pve_ha
short_description: HA resources and their placement, as HA groups (PVE 8) or HA rules (PVE 9)
description:
  - Takes the HA groups, HA rules and HA resources the site model's Proxmox view computes
    (filter P(sitekit.core.pve_desired#filter) - C(ha_groups), C(ha_rules), C(ha_resources)) and reads the PVE
    major version from C(/version) to apply the groups (PVE 8) or the rules (PVE 9). It computes nothing
    of the placement itself.
  - Reads C(/version), C(/cluster/status) (member count for the vote check, when O(resources) are declared),
    C(/cluster/ha/resources) and either C(/cluster/ha/groups) (groups mode) or
    C(/cluster/ha/rules) (rules mode) once, and compares locally - C(nodes) and rule C(resources) as sets,
    C(strict), C(restricted), C(nofailback) and C(disable) as flags, the rest as text.
  - Groups mode - creates and updates the declared groups, then creates and updates the resources (C(group)
    included), then, with O(purge), deletes the C(<prefix>-*) groups that are not declared.
  - Rules mode - C(/cluster/ha/groups) is never read (PVE 9 refuses groups once they are migrated to rules).
    The C(group) key of the declared resources is dropped; a declared resource that still names a group gets
    C(delete=group), and with O(purge) the C(<prefix>-*) groups those resources were in are deleted (a resource
    no longer declared that names one of them gets C(delete=group) too, as PVE 9 refuses rules while any group is
    left and a group a resource names cannot be deleted), so PVE does
    not migrate them into rules naming the same resources. Then the C(<prefix>-*) and C(ha-group-<prefix>-*)
    rules that are not declared are deleted (O(purge)), a rule whose C(type) changed is deleted and created again,
    and the other rules are created or updated. Resources are written before rules (a rule may only name
    configured HA resources).
  - Rules mode orders the rule writes so that PVE 9 accepts each one (it checks the feasibility of the whole
    rule set on every write) - rules that lose resources drop them first (a rule that would keep too few is
    deleted and created again), then node-affinity rules are updated and created, then resource-affinity rules.
    A VM whose preferred node changes thus leaves its old rule before it joins the new one.
  - Every rule update sends the whole rule's C(type) and C(resources) with the keys that differ (some
    pve-ha-manager 5.1 releases fail an update without C(resources)). A rule to enable again loses its C(disable)
    (C(disable=0) is dropped by the API).
  - "A refused rule fails the task with PVE's whole reason, e.g. C(create ha rule failed: 400 Rule 'x' is invalid.)
    followed by the option and the feasibility check's message."
  - HA resources are created and updated, never removed.
  - "Gap filled: C(community.proxmox.proxmox_cluster_ha_groups) and C(_ha_resources) 1.4.0 do not
    support check mode (the play's --check would fail); with C(_ha_rules) (correct on the
    simulator) they manage one object per call with a list read each, so the reference site costs one
    module run per group, rule and VM (24 runs on PVE 8, 32 on PVE 9, against one); none of
    them chooses groups or rules from the cluster version."
version_added: "0.1.0"
author: sitekit maintainers (!UNKNOWN)
options:
  groups:
    description: PVE 8 HA groups (C(POST /cluster/ha/groups) parameters, C(group) is the id); used in groups mode only.
    type: list
    elements: dict
    default: []
  rules:
    description: PVE 9 HA rules (C(POST /cluster/ha/rules) parameters, C(rule) is the id); used in rules mode only.
    type: list
    elements: dict
    default: []
  resources:
    description:
      - HA resources (C(POST /cluster/ha/resources) parameters - C(sid), C(state), C(comment), and C(group) for PVE 8).
      - C(group) is dropped in rules mode.
      - In resources, groups and rules, keys whose value is an empty string are left out (PVE reads an empty form
        value as undefined and refuses it - "got undefined value for option").
    type: list
    elements: dict
    required: true
  prefix:
    description: Name prefix of the groups and rules this module owns (what O(purge) may remove).
    type: str
    default: sitekit
  mode:
    description:
      - V(auto) follows the cluster version (rules from PVE 9 on, groups before).
      - V(groups) fails on PVE 9 and later; V(rules) fails before PVE 9.
    type: str
    choices: [auto, groups, rules]
    default: auto
  qdevice:
    description:
      - A QDevice is declared for the cluster (C(site_proxmox.qdevice)); it counts as one vote.
      - With declared O(resources), the module first counts the member nodes in C(/cluster/status) and
        refuses HA below 3 votes, before any write (the vote rule of C(module_utils/pve_pvecm.py) C(ha_votes),
        the one validation applies to the declared nodes).
    type: bool
    default: false
    version_added: "0.5.0"
  purge:
    description:
      - Remove the C(<prefix>-*) groups (groups mode) or rules (rules mode) that are not declared, the
        C(ha-group-<prefix>-*) rules PVE 9 made when it migrated our PVE 8 groups, and (rules mode) the
        C(<prefix>-*) groups the declared resources still name.
    type: bool
    default: true
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - sitekit.core.proxmox
  - sitekit.core.proxmox.action_group
  - sitekit.core.proxmox.in_worker
attributes:
  check_mode:
    support: full
    details: Reads and returns in RV(actions) the write calls it would make; makes none.
  diff_mode:
    support: full
    details: Before and after of the groups or rules and of the resources it writes or removes.
  platform:
    platforms: posix
    details: Runs where the task runs (usually the controller) and calls the API over HTTPS.
"""

EXAMPLES = r"""
- name: HA placement of the site's VMs
  sitekit.core.pve_ha:
    api_host: "{{ proxmox_api_host }}"
    api_token_id: sitekit
    api_token_secret: "{{ vault_proxmox_api_token_secret }}"
    groups: "{{ proxmox_desired.ha_groups }}"
    rules: "{{ proxmox_desired.ha_rules }}"
    resources: "{{ proxmox_desired.ha_resources }}"
  vars:
    proxmox_desired: "{{ hostvars | sitekit.core.pve_desired(groups) }}"
"""

RETURN = r"""
major:
  description: PVE major version read from C(/version).
  type: int
  returned: always
  sample: 8
mode:
  description: Mode applied, V(groups) or V(rules).
  type: str
  returned: always
  sample: groups
actions:
  description: Write calls made (or that would be, in check mode), as C(METHOD /path), in the order sent.
  type: list
  elements: str
  returned: always
  sample: ["POST /cluster/ha/groups", "POST /cluster/ha/resources"]
"""

from ansible.module_utils.basic import AnsibleModule  # noqa: E402
from ansible_collections.sitekit.core.plugins.module_utils.pve_client import (  # noqa: E402
    PVE_REQUIRED_ONE_OF,
    PVE_REQUIRED_TOGETHER,
    PveClient,
    as_flag,
    as_list,
    pve_argument_spec,
    without_empty,
)
from ansible_collections.sitekit.core.plugins.module_utils.pve_pvecm import ha_votes  # noqa: E402


def _set(v):
    return ",".join(sorted(as_list(v)))


NORMALISE = {"nodes": _set, "resources": lambda v: ",".join(sorted(r if ":" in r else f"vm:{r}" for r in as_list(v))),
             "strict": as_flag, "restricted": as_flag, "nofailback": as_flag, "disable": as_flag}
IGNORED = {"digest", "order", "type", "sid", "rule", "group"}


def _norm(key, value):
    return NORMALISE.get(key, lambda v: "" if v is None else str(v))(value)


def plan(current: dict, desired: list[dict], key: str, *, compare_type: bool = False, ignored=IGNORED):
    """(create, update {id: params}, recreate) for one keyed collection."""
    create, update, recreate = [], {}, []
    for want in desired:
        have = current.get(want[key])
        if have is None:
            create.append(want)
        elif compare_type and have.get("type") != want.get("type"):
            recreate.append(want)
        else:
            changed = {k: v for k, v in want.items() if (k not in ignored or (k == "group" and key == "sid"))
                       and k != key and _norm(k, have.get(k)) != _norm(k, v)}
            if changed:
                update[want[key]] = changed
    return create, update, recreate


def _enough(rule_type: str, resources: list[str]) -> bool:
    """A node-affinity rule needs a resource, a resource-affinity rule two (pve-ha-manager
    src/PVE/HA/Rules/ResourceAffinity.pm check_resource_affinity_resources_count)."""
    return len(resources) >= (2 if rule_type == "resource-affinity" else 1)


def rule_calls(current: dict, want: list[dict], create: list[dict], update: dict, recreate: list[dict],
               remove: list[str]) -> list[tuple]:
    """The rule writes, in an order where every intermediate rule set passes PVE 9's feasibility check
    (pve-ha-manager src/PVE/HA/Rules.pm check_feasibility, run on each create and update by
    src/PVE/API2/HA/Rules.pm $assert_feasibility):

    1. rules no longer declared, or whose type changed, are deleted;
    2. rules that lose resources first drop them (keeping only resources they keep), so that a resource
       moving from one rule to another is never in two node-affinity rules at once, nor in a negative
       rule with a resource that joins its node; a rule left with too few resources is deleted and
       created again later;
    3. node-affinity rules are updated and created, then resource-affinity rules.

    Every update sends the whole rule: ``type`` and ``resources`` always (5.1.0 accepts an update without
    ``resources``, but a later 5.1.x ``die ... if !%$resources`` fails on one until commit 9e28141), with the
    other keys that differ.
    """
    by_id = {w["rule"]: w for w in want}
    gone = list(remove) + [w["rule"] for w in recreate]
    later = list(create) + list(recreate)
    shrink, grow = [], {}
    for rid, changes in update.items():
        rule_type = current[rid]["type"]
        wanted = as_list(by_id[rid].get("resources"))
        kept = [r for r in as_list(current[rid].get("resources")) if r in wanted]
        if "resources" in changes and len(kept) < len(as_list(current[rid].get("resources"))):
            if _enough(rule_type, kept):
                shrink.append(("PUT", f"cluster/ha/rules/{rid}", {"type": rule_type, "resources": ",".join(kept)}))
            else:
                gone.append(rid)
                later.append(by_id[rid])
                continue
        grow[rid] = {"type": rule_type, "resources": by_id[rid]["resources"], **changes}
        if "disable" in changes and not as_flag(changes["disable"]):
            # update_rule drops disable=0 (the rule would stay disabled, changed on every run): delete it instead
            del grow[rid]["disable"]
            grow[rid]["delete"] = "disable"
    calls = [("DELETE", f"cluster/ha/rules/{r}", {}) for r in gone] + shrink
    for kind in ("node-affinity", "resource-affinity"):
        calls += [("PUT", f"cluster/ha/rules/{rid}", params) for rid, params in grow.items() if params["type"] == kind]
        calls += [("POST", "cluster/ha/rules", w) for w in later if w.get("type") == kind]
    calls += [("POST", "cluster/ha/rules", w) for w in later if w.get("type") not in ("node-affinity", "resource-affinity")]
    return calls


# The action plugin (plugins/action/pve_ha.py) validates a task's arguments against the same spec and runs run()
# inside Ansible's worker on a local connection (plugin_utils/in_process.py).
ARGUMENT_SPEC = pve_argument_spec()
ARGUMENT_SPEC.update(groups=dict(type="list", elements="dict", default=[]),
                     rules=dict(type="list", elements="dict", default=[]),
                     resources=dict(type="list", elements="dict", required=True),
                     prefix=dict(type="str", default="sitekit"),
                     mode=dict(type="str", choices=["auto", "groups", "rules"], default="auto"),
                     qdevice=dict(type="bool", default=False),
                     purge=dict(type="bool", default=True))
ARGUMENT_SPEC_KWARGS = {"required_one_of": PVE_REQUIRED_ONE_OF, "required_together": PVE_REQUIRED_TOGETHER}


def run(module) -> None:
    """exit_json or fail_json, with the result RETURN documents."""
    prefix = module.params["prefix"]
    client = PveClient(module)
    major = client.version()["major"]
    mode = module.params["mode"] if module.params["mode"] != "auto" else ("rules" if major >= 9 else "groups")
    if mode == "groups" and major >= 9:
        module.fail_json(msg="PVE 9 replaces HA groups by HA rules (groups are refused once migrated): use mode rules or auto")
    if mode == "rules" and major < 9:
        module.fail_json(msg=f"HA rules need PVE 9; this cluster runs {client.version().get('version')}")
    for key in ("resources", "groups", "rules"):  # an empty value would be refused: left out, as if not declared
        module.params[key] = without_empty(module.params[key])
    if module.params["resources"]:
        members = [s["name"] for s in client.get("cluster/status") if s.get("type") == "node"]
        allowed, reason = ha_votes(len(members), 1 if module.params["qdevice"] else 0)
        if not allowed:
            module.fail_json(msg=reason, nodes=sorted(members))
    actions, calls, before, after = [], [], {}, {}

    resources = {r["sid"]: r for r in client.get("cluster/ha/resources")}
    want_resources = [r if mode == "groups" else {k: v for k, v in r.items() if k != "group"}
                      for r in module.params["resources"]]
    r_create, r_update, _ = plan(resources, want_resources, "sid")

    if mode == "groups":
        groups = {g["group"]: g for g in client.get("cluster/ha/groups")}
        want = module.params["groups"]
        g_create, g_update, _ = plan(groups, want, "group")
        g_remove = [g for g in groups if module.params["purge"] and g.startswith(f"{prefix}-") and g not in {w["group"] for w in want}]
        calls += [("POST", "cluster/ha/groups", g) for g in g_create]
        calls += [("PUT", f"cluster/ha/groups/{i}", p) for i, p in g_update.items()]
        calls += [("POST", "cluster/ha/resources", r) for r in r_create]
        calls += [("PUT", f"cluster/ha/resources/{i}", p) for i, p in r_update.items()]
        calls += [("DELETE", f"cluster/ha/groups/{g}", {}) for g in g_remove]
        before["groups"] = {i: groups[i] for i in list(g_update) + g_remove}
        after["groups"] = {w["group"]: w for w in want if w["group"] in g_update or w in g_create}
    else:
        rules = {r["rule"]: r for r in client.get("cluster/ha/rules")}
        want = module.params["rules"]
        u_create, u_update, u_recreate = plan(rules, want, "rule", compare_type=True)
        # Also the rules PVE 9 made from our PVE 8 groups (ha-group-sitekit-*): they name the same
        # resources as our node-affinity rules, which PVE refuses (one node-affinity rule per resource).
        u_remove = [r for r in rules if module.params["purge"] and r.startswith((f"{prefix}-", f"ha-group-{prefix}-"))
                    and r not in {w["rule"] for w in want}]
        # PVE 8 groups not migrated yet (resources still name a group): take our resources out of
        # their group and drop our groups, so that PVE does not turn them into rules that would
        # name the same resources as ours (PVE allows one node-affinity rule per resource).
        # With purge, a resource we no longer declare that still names one of our groups leaves it too: PVE refuses
        # every rule while groups.cfg holds a group, and a group a resource names cannot be deleted.
        ours = {r["sid"] for r in want_resources}
        in_our_group = {sid for sid, res in resources.items() if str(res.get("group") or "").startswith(f"{prefix}-")}
        for sid, res in resources.items():
            if res.get("group") and (sid in ours or (module.params["purge"] and sid in in_our_group)):
                r_update.setdefault(sid, {})["delete"] = "group"
        legacy = sorted({resources[sid]["group"] for sid in in_our_group if sid in ours or module.params["purge"]})
        # Resources first: a rule may only name configured HA resources.
        calls += [("POST", "cluster/ha/resources", r) for r in r_create]
        calls += [("PUT", f"cluster/ha/resources/{i}", p) for i, p in r_update.items()]
        calls += [("DELETE", f"cluster/ha/groups/{g}", {}) for g in legacy if module.params["purge"]]
        calls += rule_calls(rules, want, u_create, u_update, u_recreate, u_remove)
        before["rules"] = {i: rules[i] for i in list(u_update) + u_remove + [w["rule"] for w in u_recreate]}
        after["rules"] = {w["rule"]: w for w in want if w["rule"] in u_update or w in u_create or w in u_recreate}
    before["resources"] = {i: resources[i] for i in r_update}
    after["resources"] = {r["sid"]: r for r in want_resources if r["sid"] in r_update or r in r_create}

    for method, path, params in calls:
        actions.append(f"{method} /{path}")
        if not module.check_mode:
            client.call(method, path, **params)
    module.exit_json(changed=bool(calls), major=major, mode=mode, actions=actions, diff={"before": before, "after": after})


def main():
    run(AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True, **ARGUMENT_SPEC_KWARGS))


if __name__ == "__main__":
    main()
